// spdlog and fmt compiled into the binary instead of loaded from libspdlog.so and libfmt.so: two
// shared libraries less at start (issue 7: cold start). Every other file uses the headers in their
// compiled-library mode (SPDLOG_COMPILED_LIB, FMT_SHARED: declarations only, set in
// src/common/CMakeLists.txt); this file includes the out-of-line definitions once and
// instantiates the templates our code calls (a missing one is an undefined symbol at link time).
#include <fmt/format-inl.h>

#include <spdlog/common-inl.h>
#include <spdlog/details/backtracer-inl.h>
#include <spdlog/details/log_msg-inl.h>
#include <spdlog/details/log_msg_buffer-inl.h>
#include <spdlog/details/os-inl.h>
#include <spdlog/details/periodic_worker-inl.h>
#include <spdlog/details/registry-inl.h>
#include <spdlog/logger-inl.h>
#include <spdlog/pattern_formatter-inl.h>
#include <spdlog/sinks/ansicolor_sink-inl.h>
#include <spdlog/sinks/base_sink-inl.h>
#include <spdlog/sinks/sink-inl.h>
#include <spdlog/sinks/stdout_color_sinks-inl.h>
#include <spdlog/spdlog-inl.h>

namespace fmt {
inline namespace v9 {
namespace detail {
template FMT_API auto thousands_sep_impl(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto dragonbox::to_decimal(float x) noexcept -> dragonbox::decimal_fp<float>;
template FMT_API auto dragonbox::to_decimal(double x) noexcept -> dragonbox::decimal_fp<double>;
}  // namespace detail
}  // namespace v9
}  // namespace fmt

namespace spdlog {
template class sinks::ansicolor_sink<details::console_mutex>;
template class sinks::ansicolor_stderr_sink<details::console_mutex>;
template std::shared_ptr<logger> stderr_color_mt<synchronous_factory>(const std::string&, color_mode);
}  // namespace spdlog
