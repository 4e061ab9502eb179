#include "common/dynamic_library.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace oc {
namespace {

// The directory of the running executable ("" when /proc is not mounted).
std::string ExecutableDir() {
    char buf[4096];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
    if (n <= 0) return {};
    std::string path(buf, static_cast<std::size_t>(n));
    const std::size_t slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

void DynamicLibrary::Open() {
    // RTLD_LOCAL: the library's symbols stay out of the global scope, as with each other
    // library loaded this way; RTLD_NOW reports a broken library here rather than mid-call.
    const int flags = RTLD_NOW | RTLD_LOCAL;
    handle_ = dlopen(file_, flags);
    if (handle_) return;
    const char* first = dlerror();
    std::string reason = first ? first : "not found";
    const std::string dir = ExecutableDir();
    if (!dir.empty()) {
        for (const std::string& candidate : {dir + "/" + file_, dir + "/../lib/" + file_}) {
            handle_ = dlopen(candidate.c_str(), flags);
            if (handle_) return;
        }
    }
    error_ = std::string("cannot load ") + file_ + ": " + reason;
}

bool DynamicLibrary::Load(std::string* error) {
    std::call_once(once_, [this] { Open(); });
    if (!handle_ && error) *error = error_;
    return handle_ != nullptr;
}

void* DynamicLibrary::Symbol(const char* name) {
    std::string error;
    if (!Load(&error)) {
        std::fprintf(stderr, "cortex: %s\n", error.c_str());
        std::_Exit(127);
    }
    void* sym = dlsym(handle_, name);
    if (!sym) {
        std::fprintf(stderr, "cortex: %s has no symbol %s\n", file_, name);
        std::_Exit(127);
    }
    return sym;
}

}  // namespace oc
