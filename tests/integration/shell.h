// Running the npm conformance clients (tests/conformance) from integration tests through a shell.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace oc::testing {

inline const std::string kConformanceDir = TEST_DATA_DIR "/../conformance";

// s as one single-quoted shell word.
inline std::string Quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a shell command, returning its exit code and combined output.
inline int RunShell(const std::string& command, std::string* output) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace oc::testing
