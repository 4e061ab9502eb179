// Shell-command hooks from settings (--settings JSON|FILE, --setting-sources, .cortex/settings*.json)
// through the real binary in print mode: exit code 2 blocks, JSON stdout is a hook output, plain
// stdout of UserPromptSubmit is context, stdin carries the hook input.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "code_child.h"
#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

// The lines of text, sorted, each ending in a newline.
std::string SortedLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// {"hooks": {event: [{matcher, hooks: [{type: command, command}]}]}}
Json Settings(const std::string& event, const std::string& matcher, const std::string& command) {
    Json m = {{"hooks", {{{"type", "command"}, {"command", command}, {"timeout", 20}}}}};
    if (!matcher.empty()) m["matcher"] = matcher;
    return {{"hooks", {{event, {m}}}}};
}

class SettingsHooksTest : public ::testing::Test {
protected:
    void SetUp() override {
        work_.WriteFile("notes.txt", "hello notes\nsecond line\n");
        env_ = TestEnv(conversations_);
        env_["CORTEX_CODE_CONFIG_DIR"] = config_.path();
    }

    RunOutput Run(const std::string& prompt, std::vector<std::string> extra) {
        std::vector<std::string> args = {"-p", prompt, "--model", "offline", "--output-format", "stream-json",
                                         "--verbose"};
        args.insert(args.end(), extra.begin(), extra.end());
        return RunCortexOnce(args, work_.path(), "", env_);
    }

    ScratchDir work_, conversations_, config_;
    std::map<std::string, std::string> env_;
};

TEST_F(SettingsHooksTest, PreToolUseExitCode2BlocksTheToolWithStderrAsReason) {
    const Json settings = Settings("PreToolUse", "Bash", "cat > hook_input.json; echo 'no shell today' >&2; exit 2");
    const RunOutput run = Run("echo bash > hooked.txt",
                              {"--permission-mode", "bypassPermissions", "--settings", settings.dump()});
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty()) << run.err;
    const Json* result = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(result, nullptr) << run.out;
    EXPECT_EQ((*result)["message"]["content"][0]["content"], "no shell today");
    EXPECT_EQ((*result)["message"]["content"][0]["is_error"], true);
    EXPECT_FALSE(work_.Exists("hooked.txt"));
    EXPECT_EQ(frames.back()["permission_denials"].size(), 1u);
    // The hook got the input JSON on stdin, in the session cwd.
    const Json input = Json::parse(ReadText(work_.path() + "/hook_input.json"), nullptr, false);
    ASSERT_TRUE(input.is_object());
    EXPECT_EQ(input["hook_event_name"], "PreToolUse");
    EXPECT_EQ(input["tool_name"], "Bash");
    EXPECT_EQ(input["tool_input"]["command"], "echo bash > hooked.txt");
    EXPECT_EQ(input["cwd"], work_.path());
    EXPECT_EQ(input["session_id"], frames.back()["session_id"]);
    EXPECT_EQ(input["tool_use_id"], (*result)["message"]["content"][0]["tool_use_id"]);
}

TEST_F(SettingsHooksTest, MatcherLimitsTheHookToItsTools) {
    const Json settings = Settings("PreToolUse", "Write|Edit", "echo blocked >&2; exit 2");
    const RunOutput run = Run("echo bash > ran.txt", {"--permission-mode", "bypassPermissions",
                                                       "--settings", settings.dump()});
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(work_.Exists("ran.txt"));
}

TEST_F(SettingsHooksTest, PreToolUseJsonDenyAndAllowDecisions) {
    Json deny = Settings("PreToolUse", "Bash",
                         "echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":"
                         "\"deny\",\"permissionDecisionReason\":\"policy says no\"}}'");
    RunOutput run = Run("echo bash > denied.txt", {"--permission-mode", "bypassPermissions", "--settings", deny.dump()});
    const auto result_frames = Frames(run.out);
    const Json* result = FindBlock(result_frames, "user", "tool_result");
    ASSERT_NE(result, nullptr) << run.out;
    EXPECT_EQ((*result)["message"]["content"][0]["content"], "policy says no");
    EXPECT_FALSE(work_.Exists("denied.txt"));

    // allow skips the permission check that would deny Bash in print mode.
    Json allow = Settings("PreToolUse", "Bash",
                          "echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"allow\"}}'");
    run = Run("echo bash > allowed.txt", {"--settings", allow.dump()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(work_.Exists("allowed.txt"));
}

TEST_F(SettingsHooksTest, UserPromptSubmitStdoutAddsContext) {
    // Without the hook the offline model finds no tool for "zzz"; the context names a file to read.
    RunOutput run = Run("zzz", {"--setting-sources="});
    auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(FindBlock(frames, "assistant", "tool_use"), nullptr);
    const Json settings = Settings("UserPromptSubmit", "", "echo 'read notes.txt'");
    run = Run("zzz", {"--settings", settings.dump()});
    frames = Frames(run.out);
    ASSERT_FALSE(frames.empty()) << run.err;
    const Json* use = FindBlock(frames, "assistant", "tool_use");
    ASSERT_NE(use, nullptr) << run.out;
    EXPECT_EQ((*use)["message"]["content"][0]["name"], "Read");
    EXPECT_NE(frames.back()["result"].get<std::string>().find("hello notes"), std::string::npos);
}

TEST_F(SettingsHooksTest, UserPromptSubmitExit2RejectsThePrompt) {
    const Json settings = Settings("UserPromptSubmit", "", "echo 'prompt rejected: secrets' >&2; exit 2");
    const RunOutput run = Run("read notes.txt", {"--settings", settings.dump()});
    EXPECT_EQ(run.exit_code, 1);
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(FindBlock(frames, "assistant", "tool_use"), nullptr);
    EXPECT_EQ(frames.back()["is_error"], true);
    EXPECT_NE(frames.back()["errors"][0].get<std::string>().find("prompt rejected: secrets"), std::string::npos);
}

TEST_F(SettingsHooksTest, PostToolUseContextAndContinueFalseStopsTheTurn) {
    Json settings = Settings("PostToolUse", "Read",
                             "echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PostToolUse\",\"additionalContext\":"
                             "\"remember the notes\"}}'");
    RunOutput run = Run("read notes.txt", {"--settings", settings.dump()});
    const auto result_frames = Frames(run.out);
    const Json* result = FindBlock(result_frames, "user", "tool_result");
    ASSERT_NE(result, nullptr) << run.out;
    EXPECT_NE((*result)["message"]["content"][0]["content"].get<std::string>().find("remember the notes"),
              std::string::npos);

    settings = Settings("PreToolUse", "", "echo '{\"continue\":false,\"stopReason\":\"halted by hook\"}'");
    run = Run("read notes.txt", {"--settings", settings.dump()});
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["terminal_reason"], "hook_stopped");
    EXPECT_EQ(frames.back()["result"], "halted by hook");
    EXPECT_EQ(frames.back()["num_turns"], 1);  // no second model call
}

TEST_F(SettingsHooksTest, StopHookExit2KeepsTheAgentGoing) {
    // The hook blocks the first stop (its reason "ls" becomes the next prompt), then allows.
    const Json settings = Settings("Stop", "",
                                   "if [ -f stopped.once ]; then exit 0; fi; touch stopped.once; echo ls >&2; exit 2");
    const RunOutput run = Run("read notes.txt", {"--settings", settings.dump()});
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty()) << run.err;
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(frames.back()["num_turns"], 4);  // Read + answer, then LS + answer
    EXPECT_TRUE(work_.Exists("stopped.once"));
}

TEST_F(SettingsHooksTest, PermissionRequestHookAnswersTheDialog) {
    // Print mode cannot ask, so Bash would be denied; the hook allows it.
    Json settings = Settings("PermissionRequest", "Bash",
                             "cat > perm_input.json; echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\","
                             "\"decision\":{\"behavior\":\"allow\"}}}'");
    RunOutput run = Run("echo bash > permitted.txt", {"--settings", settings.dump()});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(work_.Exists("permitted.txt"));
    const Json input = Json::parse(ReadText(work_.path() + "/perm_input.json"), nullptr, false);
    ASSERT_TRUE(input.is_object());
    EXPECT_EQ(input["hook_event_name"], "PermissionRequest");
    EXPECT_EQ(input["tool_input"]["command"], "echo bash > permitted.txt");

    settings = Settings("PermissionRequest", "",
                        "echo '{\"hookSpecificOutput\":{\"hookEventName\":\"PermissionRequest\",\"decision\":"
                        "{\"behavior\":\"deny\",\"message\":\"not via hook\"}}}'");
    run = Run("echo bash > refused.txt", {"--settings", settings.dump()});
    const auto result_frames = Frames(run.out);
    const Json* result = FindBlock(result_frames, "user", "tool_result");
    ASSERT_NE(result, nullptr);
    EXPECT_EQ((*result)["message"]["content"][0]["content"], "not via hook");
    EXPECT_FALSE(work_.Exists("refused.txt"));
}

TEST_F(SettingsHooksTest, SettingSourcesSelectTheFiles) {
    std::filesystem::create_directories(work_.path() + "/.cortex");
    work_.WriteFile(".cortex/settings.json", Settings("PreToolUse", "", "echo project >> sources.log").dump());
    work_.WriteFile(".cortex/settings.local.json", Settings("PreToolUse", "", "echo local >> sources.log").dump());
    config_.WriteFile("settings.json", Settings("PreToolUse", "", "echo user >> sources.log").dump());
    RunOutput run = Run("read notes.txt", {});  // default: user, project, local
    ASSERT_EQ(run.exit_code, 0) << run.err;
    // The hooks of one event run concurrently: their log lines may come in any order.
    EXPECT_EQ(SortedLines(ReadText(work_.path() + "/sources.log")), "local\nproject\nuser\n");
    std::filesystem::remove(work_.path() + "/sources.log");
    run = Run("read notes.txt", {"--setting-sources", "project"});
    EXPECT_EQ(ReadText(work_.path() + "/sources.log"), "project\n");
    std::filesystem::remove(work_.path() + "/sources.log");
    run = Run("read notes.txt", {"--setting-sources="});
    EXPECT_FALSE(work_.Exists("sources.log"));
    // --settings FILE adds its hooks on top of the sources.
    config_.WriteFile("extra.json", Settings("PreToolUse", "", "echo flag >> sources.log").dump());
    run = Run("read notes.txt", {"--setting-sources=local", "--settings", config_.path() + "/extra.json"});
    EXPECT_EQ(SortedLines(ReadText(work_.path() + "/sources.log")), "flag\nlocal\n");
}

TEST_F(SettingsHooksTest, SettingsPermissionsAllowAndDenyRules) {
    std::filesystem::create_directories(work_.path() + "/.cortex");
    work_.WriteFile(".cortex/settings.json", R"j({"permissions":{"allow":["Bash(echo:*)"],"deny":["Read"]}})j");
    RunOutput run = Run("echo bash > by_rule.txt", {});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_TRUE(work_.Exists("by_rule.txt"));
    run = Run("read notes.txt", {});
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["permission_denials"].size(), 1u);
}

TEST_F(SettingsHooksTest, BadSettingsAreAOneLineError) {
    RunOutput run = Run("hi", {"--settings", "{not json"});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.err.find("--settings"), std::string::npos) << run.err;
    run = Run("hi", {"--settings", "/nonexistent/settings.json"});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.err.find("cannot read"), std::string::npos) << run.err;
    run = Run("hi", {"--setting-sources", "user,galaxy"});
    EXPECT_NE(run.exit_code, 0);
    EXPECT_NE(run.err.find("galaxy"), std::string::npos) << run.err;
}


TEST_F(SettingsHooksTest, IncludeHookEventsEmitsStartedAndResponseFrames) {
    const Json settings = Settings("PreToolUse", "Read", "echo checked; echo warned >&2");
    RunOutput run = Run("read notes.txt", {"--settings", settings.dump(), "--include-hook-events"});
    auto frames = Frames(run.out);
    const Json* started = Find(frames, "system", "hook_started");
    const Json* response = Find(frames, "system", "hook_response");
    ASSERT_NE(started, nullptr) << run.out;
    ASSERT_NE(response, nullptr) << run.out;
    EXPECT_EQ((*started)["hook_event"], "PreToolUse");
    EXPECT_EQ((*started)["hook_id"], (*response)["hook_id"]);
    EXPECT_EQ((*response)["stdout"], "checked\n");
    EXPECT_EQ((*response)["stderr"], "warned\n");
    EXPECT_EQ((*response)["exit_code"], 0);
    EXPECT_EQ((*response)["outcome"], "success");
    run = Run("read notes.txt", {"--settings", settings.dump()});
    frames = Frames(run.out);
    EXPECT_EQ(Find(frames, "system", "hook_started"), nullptr);
}

}  // namespace
}  // namespace oc::codetest
