// Several hooks matching one event run concurrently and their outputs merge in configuration
// order (settings-file command hooks and SDK hook_callback requests); hook timeouts are
// non-blocking failures after which the turn goes on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "code_child.h"
#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

// True when a live process has exactly this command line (words separated by spaces).
bool Running(const std::string& command_line) {
    std::string want = command_line;
    for (char& c : want) if (c == ' ') c = '\0';
    want.push_back('\0');
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (cmdline == want) return true;
    }
    return false;
}

Json CommandHook(const std::string& command, int timeout_s) {
    return {{"type", "command"}, {"command", command}, {"timeout", timeout_s}};
}

// A hook that logs its start, sleeps, logs its end, then prints a hook output.
std::string Marked(const std::string& name, const std::string& sleep_s, const std::string& output) {
    return "echo start-" + name + " >> order.log; sleep " + sleep_s + "; echo end-" + name +
           " >> order.log; echo '" + output + "'";
}

std::string PostContext(const std::string& text) {
    return Json{{"hookSpecificOutput", {{"hookEventName", "PostToolUse"}, {"additionalContext", text}}}}.dump();
}

class HookConcurrencyTest : public ::testing::Test {
protected:
    void SetUp() override {
        work_.WriteFile("notes.txt", "hello notes\nsecond line\n");
        env_ = TestEnv(conversations_);
        env_["CORTEX_CODE_CONFIG_DIR"] = config_.path();
    }

    RunOutput Run(const std::string& prompt, const Json& settings) {
        return RunCortexOnce({"-p", prompt, "--model", "offline", "--output-format", "stream-json", "--verbose",
                              "--permission-mode", "bypassPermissions", "--setting-sources=",
                              "--settings", settings.dump()},
                             work_.path(), "", env_);
    }

    ScratchDir work_, conversations_, config_;
    std::map<std::string, std::string> env_;
};

TEST_F(HookConcurrencyTest, CommandHooksRunConcurrentlyAndMergeInConfigOrder) {
    // A (first in the config) sleeps longer than B, so B finishes first; both must have started
    // before either ends, and A's context still comes first.
    const Json settings = {{"hooks", {{"PostToolUse", {
        {{"matcher", "Read"}, {"hooks", {CommandHook(Marked("A", "2", PostContext("ctx-A")), 20)}}},
        {{"hooks", {CommandHook(Marked("B", "1", PostContext("ctx-B")), 20)}}}}}}}};
    const RunOutput run = Run("read notes.txt", settings);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto order = Lines(work_.path() + "/order.log");
    ASSERT_EQ(order.size(), 4u);
    EXPECT_EQ(order[0].rfind("start-", 0), 0u) << order[0];
    EXPECT_EQ(order[1].rfind("start-", 0), 0u) << order[1];  // sequential runs: start-A end-A ...
    EXPECT_EQ(order[2], "end-B");
    EXPECT_EQ(order[3], "end-A");
    const auto frames = Frames(run.out);
    const Json* result = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(result, nullptr) << run.out;
    const std::string content = (*result)["message"]["content"][0]["content"];
    EXPECT_NE(content.find("ctx-A\nctx-B"), std::string::npos) << content;
}

TEST_F(HookConcurrencyTest, AnyBlockingHookWins) {
    const std::string allow = Json{{"hookSpecificOutput", {{"hookEventName", "PreToolUse"},
                                                           {"permissionDecision", "allow"}}}}.dump();
    const Json settings = {{"hooks", {{"PreToolUse", {
        {{"matcher", "Bash"}, {"hooks", {CommandHook("echo '" + allow + "'", 20),
                                         CommandHook("echo 'second hook says no' >&2; exit 2", 20),
                                         CommandHook("echo 'third hook also says no' >&2; exit 2", 20)}}}}}}}};
    const RunOutput run = Run("echo bash > blocked.txt", settings);
    const auto frames = Frames(run.out);
    const Json* result = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(result, nullptr) << run.out;
    EXPECT_EQ((*result)["message"]["content"][0]["content"], "second hook says no");
    EXPECT_FALSE(work_.Exists("blocked.txt"));
}

TEST_F(HookConcurrencyTest, CommandHookTimeoutIsKilledAndNonBlocking) {
    // Would block the tool if it ran to the end; it is killed after 1 s instead, and the tool runs.
    const std::string marker = "sleep 59." + std::to_string(getpid() % 1000 + 1000);
    const Json settings = {{"hooks", {{"PreToolUse", {
        {{"matcher", "Bash"}, {"hooks", {CommandHook("echo started > hook.log; " + marker + "; exit 2", 1)}}}}}}}};
    const RunOutput run = Run("echo bash > ran.txt", settings);
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(Lines(work_.path() + "/hook.log"), std::vector<std::string>{"started"});
    EXPECT_TRUE(work_.Exists("ran.txt"));
    EXPECT_NE(run.err.find("timed out after 1 s"), std::string::npos) << run.err;
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    // The hook's process group was killed: its sleep is gone (polled; it would live for 59 s).
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        gone = !Running(marker);
        if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(gone);
}

// SDK callbacks of two matchers are both requested before either is answered; the answers merge
// in registration order whatever order they come back in.
TEST_F(ProtocolTest, HookCallbacksAreSentConcurrently) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions", "--setting-sources="});
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PostToolUse", {{{"matcher", "Read"}, {"hookCallbackIds", {"hook_a"}}},
                                                                 {{"hookCallbackIds", {"hook_b"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("read notes.txt"));
    std::map<std::string, Json> requests;  // callback id → request frame
    std::vector<Json> frames;
    while (requests.size() < 2) {
        auto f = child->Next(15000);
        ASSERT_TRUE(f) << "the second hook_callback was not sent while the first was unanswered";
        frames.push_back(*f);
        if ((*f)["type"] == "control_request")
            requests[(*f)["request"]["callback_id"].get<std::string>()] = *f;
    }
    ASSERT_TRUE(requests.count("hook_a") && requests.count("hook_b"));
    for (const std::string id : {"hook_b", "hook_a"}) {  // reverse order
        const std::string context = id == "hook_a" ? "ctx-a" : "ctx-b";
        child->SendJson(Json{{"type", "control_response"},
                             {"response", {{"subtype", "success"}, {"request_id", requests[id]["request_id"]},
                                           {"response", {{"hookSpecificOutput", {{"hookEventName", "PostToolUse"},
                                                                                 {"additionalContext", context}}}}}}}});
    }
    auto rest = child->ReadUntil("result");
    ASSERT_FALSE(rest.empty());
    frames.insert(frames.end(), rest.begin(), rest.end());
    const Json* result = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(result, nullptr);
    const std::string content = (*result)["message"]["content"][0]["content"];
    EXPECT_NE(content.find("ctx-a\nctx-b"), std::string::npos) << content;
    EXPECT_EQ(frames.back()["subtype"], "success");
}

// A hook_callback the SDK never answers times out after the matcher's timeout: the CLI withdraws
// it (control_cancel_request), treats it as a non-blocking failure and runs the tool.
TEST_F(ProtocolTest, UnansweredHookCallbackTimesOut) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions", "--setting-sources="});
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PreToolUse", {{{"matcher", "Bash"}, {"timeout", 1},
                                                                 {"hookCallbackIds", {"slow"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("echo bash > ran.txt"));
    std::vector<Json> frames = child->ReadUntil("control_request");
    ASSERT_FALSE(frames.empty());
    const Json request = frames.back();
    EXPECT_EQ(request["request"]["callback_id"], "slow");
    auto cancel = child->ReadUntil("control_cancel_request");
    ASSERT_FALSE(cancel.empty());
    EXPECT_EQ(cancel.back()["request_id"], request["request_id"]);
    // A late answer (a deny) is ignored.
    child->SendJson(Json{{"type", "control_response"},
                         {"response", {{"subtype", "success"}, {"request_id", request["request_id"]},
                                       {"response", {{"decision", "block"}, {"reason", "too late"}}}}}});
    auto rest = child->ReadUntil("result");
    ASSERT_FALSE(rest.empty());
    EXPECT_EQ(rest.back()["subtype"], "success");
    EXPECT_TRUE(work_.Exists("ran.txt"));
    const Json* result = FindBlock(rest, "user", "tool_result");
    ASSERT_NE(result, nullptr);
    EXPECT_EQ((*result)["message"]["content"][0]["is_error"], false);
}

}  // namespace
}  // namespace oc::codetest
