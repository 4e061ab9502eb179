// Runs the official `openai` npm client (tests/conformance/openai_client.test.mjs, node:test)
// against the real binary, so CTest covers the SDK's view of chat completions (§8.1).
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "fixture.h"

namespace oc::testing {
namespace {

const std::string kConformanceDir = TEST_DATA_DIR "/../conformance";

std::string Quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// Runs a shell command, returning its exit code and combined output.
int RunShell(const std::string& command, std::string* output) {
    FILE* pipe = popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return -1;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
    int status = pclose(pipe);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

using OpenAiConformance = ServerTest;

TEST_F(OpenAiConformance, OfficialClientPassesAgainstChatCompletions) {
    std::string ignored;
    if (RunShell("command -v node", &ignored) != 0) GTEST_SKIP() << "node is not installed";
    if (!std::filesystem::exists(kConformanceDir + "/node_modules/openai/package.json")) {
        GTEST_SKIP()
            << "tests/conformance/node_modules/openai is missing: run scripts/install-deps.sh "
               "(or `npm install` in tests/conformance)";
    }
    std::string output;
    int code = RunShell("cd " + Quote(kConformanceDir) + " && CORTEX_URL=" + Quote(server_->url()) +
                            " CORTEX_TOKEN=" + Quote(token_) +
                            " timeout 120 node --test openai_client.test.mjs",
                        &output);
    EXPECT_EQ(code, 0) << output << "\nserver stderr:\n" << server_->Stderr();
}

}  // namespace
}  // namespace oc::testing
