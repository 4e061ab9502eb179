// libcurl, opened on first use instead of at process start (issue 7: cold start; see
// common/dynamic_library.h). Include this header instead of <curl/curl.h>.
// The list below is every function declared by curl/curl.h and the headers it includes
// (curl 7.88, Debian 12); a function missing from it is a link error.
#pragma once

#include <curl/curl.h>

#include "common/dynamic_library.h"

namespace oc::net {

inline DynamicLibrary& CurlLibrary() {
    static DynamicLibrary library("libcurl.so.4");
    return library;
}

}  // namespace oc::net

#define OC_CURL_FN(name) OC_LAZY_FN(::oc::net::CurlLibrary, name)

// curl.h wraps these four in function-like macros that check the argument count.
#undef curl_easy_setopt
#undef curl_easy_getinfo
#undef curl_share_setopt
#undef curl_multi_setopt
#define curl_strequal OC_CURL_FN(curl_strequal)
#define curl_strnequal OC_CURL_FN(curl_strnequal)
#define curl_mime_init OC_CURL_FN(curl_mime_init)
#define curl_mime_free OC_CURL_FN(curl_mime_free)
#define curl_mime_addpart OC_CURL_FN(curl_mime_addpart)
#define curl_mime_name OC_CURL_FN(curl_mime_name)
#define curl_mime_filename OC_CURL_FN(curl_mime_filename)
#define curl_mime_type OC_CURL_FN(curl_mime_type)
#define curl_mime_encoder OC_CURL_FN(curl_mime_encoder)
#define curl_mime_data OC_CURL_FN(curl_mime_data)
#define curl_mime_filedata OC_CURL_FN(curl_mime_filedata)
#define curl_mime_data_cb OC_CURL_FN(curl_mime_data_cb)
#define curl_mime_subparts OC_CURL_FN(curl_mime_subparts)
#define curl_mime_headers OC_CURL_FN(curl_mime_headers)
#define curl_formget OC_CURL_FN(curl_formget)
#define curl_getenv OC_CURL_FN(curl_getenv)
#define curl_version OC_CURL_FN(curl_version)
#define curl_easy_escape OC_CURL_FN(curl_easy_escape)
#define curl_escape OC_CURL_FN(curl_escape)
#define curl_easy_unescape OC_CURL_FN(curl_easy_unescape)
#define curl_unescape OC_CURL_FN(curl_unescape)
#define curl_free OC_CURL_FN(curl_free)
#define curl_global_init OC_CURL_FN(curl_global_init)
#define curl_global_init_mem OC_CURL_FN(curl_global_init_mem)
#define curl_global_cleanup OC_CURL_FN(curl_global_cleanup)
#define curl_global_sslset OC_CURL_FN(curl_global_sslset)
#define curl_slist_append OC_CURL_FN(curl_slist_append)
#define curl_slist_free_all OC_CURL_FN(curl_slist_free_all)
#define curl_getdate OC_CURL_FN(curl_getdate)
#define curl_share_init OC_CURL_FN(curl_share_init)
#define curl_share_setopt OC_CURL_FN(curl_share_setopt)
#define curl_share_cleanup OC_CURL_FN(curl_share_cleanup)
#define curl_version_info OC_CURL_FN(curl_version_info)
#define curl_easy_strerror OC_CURL_FN(curl_easy_strerror)
#define curl_share_strerror OC_CURL_FN(curl_share_strerror)
#define curl_easy_pause OC_CURL_FN(curl_easy_pause)
#define curl_easy_init OC_CURL_FN(curl_easy_init)
#define curl_easy_setopt OC_CURL_FN(curl_easy_setopt)
#define curl_easy_perform OC_CURL_FN(curl_easy_perform)
#define curl_easy_cleanup OC_CURL_FN(curl_easy_cleanup)
#define curl_easy_getinfo OC_CURL_FN(curl_easy_getinfo)
#define curl_easy_duphandle OC_CURL_FN(curl_easy_duphandle)
#define curl_easy_reset OC_CURL_FN(curl_easy_reset)
#define curl_easy_recv OC_CURL_FN(curl_easy_recv)
#define curl_easy_send OC_CURL_FN(curl_easy_send)
#define curl_easy_upkeep OC_CURL_FN(curl_easy_upkeep)
#define curl_multi_init OC_CURL_FN(curl_multi_init)
#define curl_multi_add_handle OC_CURL_FN(curl_multi_add_handle)
#define curl_multi_remove_handle OC_CURL_FN(curl_multi_remove_handle)
#define curl_multi_fdset OC_CURL_FN(curl_multi_fdset)
#define curl_multi_wait OC_CURL_FN(curl_multi_wait)
#define curl_multi_poll OC_CURL_FN(curl_multi_poll)
#define curl_multi_wakeup OC_CURL_FN(curl_multi_wakeup)
#define curl_multi_perform OC_CURL_FN(curl_multi_perform)
#define curl_multi_cleanup OC_CURL_FN(curl_multi_cleanup)
#define curl_multi_info_read OC_CURL_FN(curl_multi_info_read)
#define curl_multi_strerror OC_CURL_FN(curl_multi_strerror)
#define curl_multi_socket_action OC_CURL_FN(curl_multi_socket_action)
#define curl_multi_timeout OC_CURL_FN(curl_multi_timeout)
#define curl_multi_setopt OC_CURL_FN(curl_multi_setopt)
#define curl_multi_assign OC_CURL_FN(curl_multi_assign)
#define curl_pushheader_bynum OC_CURL_FN(curl_pushheader_bynum)
#define curl_pushheader_byname OC_CURL_FN(curl_pushheader_byname)
#define curl_easy_header OC_CURL_FN(curl_easy_header)
#define curl_easy_nextheader OC_CURL_FN(curl_easy_nextheader)
#define curl_easy_option_by_name OC_CURL_FN(curl_easy_option_by_name)
#define curl_easy_option_by_id OC_CURL_FN(curl_easy_option_by_id)
#define curl_easy_option_next OC_CURL_FN(curl_easy_option_next)
#define curl_url OC_CURL_FN(curl_url)
#define curl_url_cleanup OC_CURL_FN(curl_url_cleanup)
#define curl_url_dup OC_CURL_FN(curl_url_dup)
#define curl_url_get OC_CURL_FN(curl_url_get)
#define curl_url_set OC_CURL_FN(curl_url_set)
#define curl_url_strerror OC_CURL_FN(curl_url_strerror)
#define curl_ws_recv OC_CURL_FN(curl_ws_recv)
#define curl_ws_send OC_CURL_FN(curl_ws_send)
#define curl_ws_meta OC_CURL_FN(curl_ws_meta)
