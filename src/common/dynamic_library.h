// Shared libraries opened with dlopen on first use (issue 7: cold start). `cortex --version` and
// a coding-agent turn load only libc/libstdc++; DuckDB, libcurl, libpq and libcrypto are opened
// the first time one of their functions is called.
//
// A header per library (store/duckdb_api.h, net/client/curl_api.h, pipeline/libpq_api.h,
// common/crypto_api.h) includes the library's own header and then redirects each C function we
// call through OC_LAZY_FN:
//     #define duckdb_open OC_LAZY_FN(::oc::store::DuckDbLibrary, duckdb_open)
// The macro name is not re-expanded inside its own expansion, so `duckdb_open` there still names
// the declared function; it is only used under decltype and #, so the binary references no symbol
// of the library. A function missing from the list is an undefined symbol at link time.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>

namespace oc {

class DynamicLibrary {
public:
    // `file` is a file name ("libcurl.so.4"). It is looked up the way the dynamic loader would
    // (LD_LIBRARY_PATH, the executable's RUNPATH, system directories), then next to the
    // executable and in ../lib relative to it.
    explicit DynamicLibrary(const char* file) : file_(file) {}
    DynamicLibrary(const DynamicLibrary&) = delete;
    DynamicLibrary& operator=(const DynamicLibrary&) = delete;

    // Opens the library once. False, with a one-line reason in *error, when it cannot be loaded.
    bool Load(std::string* error = nullptr);
    // The address of the function `name`. When the library or the symbol is missing this prints a
    // one-line error to stderr and ends the process (exit code 127, as the loader would have);
    // callers that can report an error call Load() first.
    void* Symbol(const char* name);

private:
    void Open();

    const char* file_;
    std::once_flag once_;
    void* handle_ = nullptr;
    std::string error_;
};

// A function name as a template argument.
template <std::size_t N>
struct SymbolName {
    char text[N];
    consteval SymbolName(const char (&s)[N]) {
        for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
    }
};

// The function `Name` of `Library()`, resolved on its first call and then cached (one cache per
// function across the program).
template <DynamicLibrary& (*Library)(), SymbolName Name, class Fn>
Fn LazyFunction() {
    static const Fn fn = reinterpret_cast<Fn>(Library().Symbol(Name.text));
    return fn;
}

}  // namespace oc

#define OC_LAZY_FN(library, name) (::oc::LazyFunction<library, #name, decltype(&name)>())
