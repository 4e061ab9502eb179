// Runs the official `openai` npm client (tests/conformance/openai_client.test.mjs, node:test)
// against the real binary, so CTest covers the SDK's view of chat completions (§8.1).
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "fixture.h"
#include "shell.h"

namespace oc::testing {
namespace {

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
