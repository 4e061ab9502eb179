// The official `openai` npm client (tests/conformance/openai_client.test.mjs) against the real
// binary with each provider kind behind `claude-4-sonnet` in cortex.toml: openai_compatible,
// anthropic and snowflake point at the scripted fake LLM (which then sees its own wire format,
// keys and PAT header), offline needs no upstream. Plain, streaming, tools and tool results each.
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "fake_llm.h"
#include "fixture.h"
#include "shell.h"

namespace oc::testing {
namespace {

class ProviderConformance : public ServerTest, public ::testing::WithParamInterface<std::string> {
protected:
    void SetUp() override {
        const std::string kind = GetParam();
        std::string config = dir_.path() + "/cortex.toml";
        std::ofstream out(config);
        out << "[models.\"claude-4-sonnet\"]\nprovider = \"" << kind << "\"\n";
        if (kind != "offline") {
            fake_ = FakeLlm::Start();
            ASSERT_NE(fake_, nullptr);
            // openai_compatible base URLs end in /v1 (as OpenAI's); the others are host roots.
            out << "base_url = \"" << fake_->base_url() << (kind == "openai_compatible" ? "/v1" : "")
                << "\"\nmodel = \"" << kind << "-upstream-model\"\n"
                << "api_key_env = \"CONFORMANCE_UPSTREAM_KEY\"\nmax_retries = 0\n";
        }
        out.close();
        server_ = CortexServer::Start(dir_.path() + "/data", {"--config", config},
                                      {{"CONFORMANCE_UPSTREAM_KEY", UpstreamKey()}});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
        ASSERT_FALSE(token_.empty()) << server_->Stderr();
    }
    std::string UpstreamKey() const { return "key-for-" + GetParam() + "-7f3a"; }
    std::unique_ptr<FakeLlm> fake_;
};

TEST_P(ProviderConformance, OpenAiClientParsesEveryResponse) {
    std::string ignored;
    if (RunShell("command -v node", &ignored) != 0) GTEST_SKIP() << "node is not installed";
    if (!std::filesystem::exists(kConformanceDir + "/node_modules/openai/package.json")) {
        GTEST_SKIP()
            << "tests/conformance/node_modules/openai is missing: run scripts/install-deps.sh "
               "(or `npm install` in tests/conformance)";
    }
    std::string env = "CORTEX_URL=" + Quote(server_->url()) + " CORTEX_TOKEN=" + Quote(token_) +
                      " PROVIDER_KIND=" + Quote(GetParam());
    if (fake_) {
        env += " FAKE_LLM_URL=" + Quote(fake_->base_url()) + " UPSTREAM_KEY=" + Quote(UpstreamKey());
    }
    std::string output;
    int code = RunShell("cd " + Quote(kConformanceDir) + " && " + env +
                            " timeout 120 node --test openai_client.test.mjs",
                        &output);
    EXPECT_EQ(code, 0) << output << "\nserver stderr:\n" << server_->Stderr();
    // node:test's summary: every test ran and passed (none skipped unless offline).
    EXPECT_NE(output.find("# fail 0"), std::string::npos) << output;
    if (fake_) {
        EXPECT_NE(output.find("# pass 7"), std::string::npos) << output;
        EXPECT_GE(fake_->RequestCount(), 1u);
    } else {
        EXPECT_NE(output.find("# pass 6"), std::string::npos) << output;
    }
}

INSTANTIATE_TEST_SUITE_P(EachProviderKind, ProviderConformance,
                         ::testing::Values("openai_compatible", "anthropic", "snowflake", "offline"),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

}  // namespace
}  // namespace oc::testing
