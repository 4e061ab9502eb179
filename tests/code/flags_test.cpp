// Every flag the protocol reference lists (§1.4, §1.5, §1.6, §1.8) is accepted in both the
// `--opt value` and `--opt=value` forms; an unknown flag is a one-line error and exit 2 except
// when an SDK drives the binary (extraArgs pass-through).
#include <gtest/gtest.h>

#include "code_child.h"

namespace oc::codetest {
namespace {

class FlagsTest : public ::testing::Test {
protected:
    void SetUp() override {
        work_.WriteFile("notes.txt", "hello notes\n");
        env_ = TestEnv(conversations_);
        env_["CORTEX_CODE_CONFIG_DIR"] = work_.path();
    }
    ScratchDir work_, conversations_;
    std::map<std::string, std::string> env_;
};

// Inert values for the valued flags (flags whose values select state, such as --resume or
// --connection, have their own tests).
const std::vector<std::pair<std::string, std::string>> kValued = {
    {"system-prompt", ""}, {"append-system-prompt", "be brief"}, {"tools", "Read,LS"},
    {"allowedTools", "Read,Bash(git status:*)"}, {"allowed-tools", "Read"}, {"max-turns", "3"},
    {"max-budget-usd", "5"}, {"disallowedTools", "Write"}, {"disallowed-tools", "Edit"},
    {"task-budget", "1000"}, {"model", "offline"}, {"fallback-model", "offline"}, {"betas", "a,b"},
    {"permission-mode", "default"}, {"session-id", "7d5a3c9e-1b2f-4c6d-8e9f-0a1b2c3d4e5f"},
    {"settings", "{}"}, {"add-dir", "."}, {"mcp-config", "{\"mcpServers\":{}}"},
    {"setting-sources", ""}, {"plugin-dir", "."}, {"plugin-dir-no-mcp", "."}, {"thinking", "adaptive"},
    {"max-thinking-tokens", "1024"}, {"thinking-display", "summarized"}, {"effort", "high"},
    {"agent", "general-purpose"}, {"debug-file", "debug.log"}, {"permission-prompts", "x"},
    {"channels", "c1"}, {"project-config-root", "."}, {"initialize-fields", "settings"},
    {"managed-settings", "{}"}, {"workdir", "."}, {"cwd", "."}, {"profile", "p"},
    {"skills-file", "skills.json"}, {"executor", "local"}, {"remote", "none"}, {"session", "s"},
    {"output-format", "text"}, {"input-format", "text"}};

const std::vector<std::string> kBool = {
    "verbose", "fork-session", "include-partial-messages", "include-hook-events", "strict-mcp-config",
    "session-mirror", "allow-dangerously-skip-permissions", "no-session-persistence", "debug",
    "managed-settings-in-initialize", "auto-accept-plans", "replay-user-messages", "private",
    "no-workspace", "cloud", "no-mcp"};

TEST_F(FlagsTest, EveryReferenceFlagIsAcceptedInBothForms) {
    for (const bool equals : {false, true}) {
        std::vector<std::string> args = {"-p", "read notes.txt"};
        for (const auto& [name, value] : kValued) {
            if (equals) {
                args.push_back("--" + name + "=" + value);
            } else {
                args.push_back("--" + name);
                args.push_back(value);
            }
        }
        for (const auto& name : kBool) args.push_back("--" + name);
        const RunOutput run = RunCortexOnce(args, work_.path(), "", env_);
        EXPECT_EQ(run.exit_code, 0) << (equals ? "--opt=value: " : "--opt value: ") << run.err;
        EXPECT_EQ(run.err.find("unknown option"), std::string::npos) << run.err;
        EXPECT_NE(run.out.find("hello notes"), std::string::npos) << run.out << run.err;
    }
    // Cortex short flags and mode flags.
    const RunOutput run = RunCortexOnce({"-m", "offline", "-w", ".", "--plan", "-p", "read notes.txt"},
                                        work_.path(), "", env_);
    EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST_F(FlagsTest, UnknownFlagIsAOneLineErrorWithExitCode2) {
    RunOutput run = RunCortexOnce({"-p", "hi", "--frobnicate"}, work_.path(), "", env_);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.err, "error: unknown option '--frobnicate'; see cortex --help\n");
    EXPECT_TRUE(run.out.empty());
    run = RunCortexOnce({"-p", "hi", "-Z"}, work_.path(), "", env_);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("'-Z'"), std::string::npos);
    run = RunCortexOnce({"-p", "hi", "--max-turns", "many"}, work_.path(), "", env_);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_NE(run.err.find("--max-turns"), std::string::npos);
    // Driven by an SDK (extraArgs): ignored with a warning, the run goes on.
    auto sdk_env = env_;
    sdk_env["CLAUDE_CODE_ENTRYPOINT"] = "sdk-py";
    run = RunCortexOnce({"-p", "read notes.txt", "--frobnicate", "value", "--flag"}, work_.path(), "", sdk_env);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.err.find("ignoring unknown option --frobnicate"), std::string::npos) << run.err;
    EXPECT_NE(run.out.find("hello notes"), std::string::npos);
}

}  // namespace
}  // namespace oc::codetest
