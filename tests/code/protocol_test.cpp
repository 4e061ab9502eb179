// SDK-mode protocol tests: the real cortex binary driven over NDJSON, as the agent SDKs drive it
// (code-agent-protocol.md §2, §3).
#include <algorithm>
#include <chrono>
#include <set>

#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

TEST_F(ProtocolTest, InitializeResponseCarriesCommandsAndVersion) {
    auto child = StartSdk();
    child->SendJson(Control("abc", {{"subtype", "initialize"}, {"systemPrompt", {""}}}));
    auto r = child->Next();
    ASSERT_TRUE(r);
    const Json& body = (*r)["response"]["response"];
    EXPECT_TRUE(body["commands"].is_array());
    EXPECT_EQ(body["output_style"], "default");
    EXPECT_EQ(body["claude_code_version"], "2.1.0");
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(ProtocolTest, OneTurnWithReadToolHasExactShapes) {
    auto child = StartSdk();
    Initialize(*child);
    child->SendJson(UserLine("read notes.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty()) << child->Stderr();
    ASSERT_EQ(frames.front()["type"], "system");
    const Json& init = frames.front();
    EXPECT_EQ(init["subtype"], "init");
    EXPECT_EQ(init["cwd"], work_.path());
    EXPECT_EQ(init["model"], "offline");
    EXPECT_EQ(init["permissionMode"], "default");
    EXPECT_EQ(init["mcp_servers"], Json::array());
    for (const char* key : {"session_id", "uuid", "apiKeySource", "claude_code_version", "slash_commands",
                            "output_style", "skills", "plugins"})
        EXPECT_TRUE(init.contains(key)) << key;
    std::vector<std::string> tools = init["tools"].get<std::vector<std::string>>();
    for (const char* t : {"Read", "Write", "Edit", "Glob", "Grep", "LS", "Bash"})
        EXPECT_NE(std::find(tools.begin(), tools.end(), t), tools.end()) << t;
    const std::string session_id = init["session_id"];

    const Json* use = FindBlock(frames, "assistant", "tool_use");
    ASSERT_NE(use, nullptr);
    const Json& block = (*use)["message"]["content"][0];
    EXPECT_EQ(block["name"], "Read");
    EXPECT_TRUE(block["input"].is_object());
    EXPECT_EQ((*use)["message"]["model"], "offline");
    EXPECT_EQ((*use)["message"]["role"], "assistant");
    EXPECT_EQ((*use)["message"]["type"], "message");
    EXPECT_TRUE((*use)["message"]["usage"].contains("input_tokens"));
    EXPECT_TRUE((*use)["parent_tool_use_id"].is_null());
    EXPECT_EQ((*use)["session_id"], session_id);

    const Json* result_frame = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(result_frame, nullptr);
    const Json& tr = (*result_frame)["message"]["content"][0];
    EXPECT_EQ(tr["tool_use_id"], block["id"]);
    EXPECT_EQ(tr["is_error"], false);
    EXPECT_NE(tr["content"].get<std::string>().find("hello notes"), std::string::npos);
    EXPECT_TRUE((*result_frame).contains("tool_use_result"));

    const Json* text = FindBlock(frames, "assistant", "text");
    ASSERT_NE(text, nullptr);
    const Json& result = frames.back();
    EXPECT_EQ(result["subtype"], "success");
    EXPECT_EQ(result["is_error"], false);
    EXPECT_EQ(result["num_turns"], 2);
    EXPECT_EQ(result["session_id"], session_id);
    EXPECT_EQ(result["total_cost_usd"], 0.0);
    EXPECT_EQ(result["stop_reason"], "end_turn");
    EXPECT_GE(result["duration_ms"].get<int64_t>(), 0);
    EXPECT_GE(result["duration_api_ms"].get<int64_t>(), 0);
    EXPECT_GT(result["usage"]["input_tokens"].get<int64_t>(), 0);
    EXPECT_TRUE(result["modelUsage"].contains("offline"));
    EXPECT_EQ(result["permission_denials"], Json::array());
    EXPECT_TRUE(result.contains("uuid"));
    EXPECT_NE(result["result"].get<std::string>().find("hello notes"), std::string::npos);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(ProtocolTest, LsToolListsTheWorkdir) {
    auto child = StartSdk();
    Initialize(*child);
    child->SendJson(UserLine("ls"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* use = FindBlock(frames, "assistant", "tool_use");
    ASSERT_NE(use, nullptr);
    EXPECT_EQ((*use)["message"]["content"][0]["name"], "LS");
    EXPECT_NE(frames.back()["result"].get<std::string>().find("notes.txt"), std::string::npos);
}

TEST_F(ProtocolTest, MalformedLinesGetAnErrorAndTheSessionSurvives) {
    auto child = StartSdk();
    Initialize(*child);
    child->Send("{broken");
    child->Send("[1,2]");
    child->Send(R"({"type":"user"})");
    child->SendJson(UserLine("read notes.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    int errors = 0;
    for (const Json& f : frames)
        if (f["type"] == "system" && f["subtype"] == "error") {
            ++errors;
            EXPECT_NE(f["error"].get<std::string>().find("invalid input line"), std::string::npos);
        }
    EXPECT_EQ(errors, 3);
    EXPECT_EQ(frames.back()["subtype"], "success");
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(ProtocolTest, UnknownControlSubtypeGetsAnErrorResponse) {
    auto child = StartSdk();
    child->SendJson(Control("x1", {{"subtype", "frobnicate"}}));
    auto r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["subtype"], "error");
    EXPECT_EQ((*r)["response"]["request_id"], "x1");
    EXPECT_NE((*r)["response"]["error"].get<std::string>().find("frobnicate"), std::string::npos);
}

TEST_F(ProtocolTest, SetModelAndSetPermissionMode) {
    auto child = StartSdk();
    Initialize(*child);
    child->SendJson(Control("m1", {{"subtype", "set_model"}, {"model", "offline"}}));
    auto r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["subtype"], "success");
    child->SendJson(Control("m2", {{"subtype", "set_model"}, {"model", "no-such-model"}}));
    r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["subtype"], "error");
    EXPECT_EQ((*r)["response"]["request_id"], "m2");
    child->SendJson(Control("m3", {{"subtype", "set_model"}, {"model", nullptr}}));
    r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["subtype"], "success");
    child->SendJson(Control("p1", {{"subtype", "set_permission_mode"}, {"mode", "bogus"}}));
    r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["subtype"], "error");
    child->SendJson(Control("p2", {{"subtype", "set_permission_mode"}, {"mode", "plan"}}));
    r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["subtype"], "success");
    child->SendJson(UserLine("write out.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.front()["permissionMode"], "plan");
    EXPECT_EQ(frames.back()["permission_denials"].size(), 1u);
    EXPECT_FALSE(work_.Exists("write out.txt"));
}

TEST_F(ProtocolTest, InterruptStopsARunningToolAndTheSessionContinues) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions"});
    Initialize(*child);
    const auto start = std::chrono::steady_clock::now();
    child->SendJson(UserLine("sleep 20; echo bash"));
    auto until_use = child->ReadUntil("assistant");
    ASSERT_FALSE(until_use.empty());
    child->SendJson(Control("int1", {{"subtype", "interrupt"}}));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* ack = Find(frames, "control_response");
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ((*ack)["response"]["request_id"], "int1");
    const Json& result = frames.back();
    EXPECT_EQ(result["subtype"], "error_during_execution");
    EXPECT_EQ(result["is_error"], true);
    EXPECT_FALSE(result["errors"].empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    child->SendJson(UserLine("ls"));
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(ProtocolTest, CanUseToolDenialLeavesTheDiskUnchanged) {
    auto child = StartSdk({"--permission-prompt-tool", "stdio"});
    Initialize(*child);
    child->SendJson(UserLine("echo bash > denied.txt"));
    auto frames = child->ReadUntil("control_request");
    ASSERT_FALSE(frames.empty());
    const Json& req = frames.back();
    EXPECT_EQ(req["request"]["subtype"], "can_use_tool");
    EXPECT_EQ(req["request"]["tool_name"], "Bash");
    EXPECT_EQ(req["request"]["input"]["command"], "echo bash > denied.txt");
    EXPECT_TRUE(req["request"].contains("tool_use_id"));
    child->SendJson(Json{{"type", "control_response"},
                     {"response", {{"subtype", "success"}, {"request_id", req["request_id"]},
                                   {"response", {{"behavior", "deny"}, {"message", "no writes here"}}}}}});
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* tr = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(tr, nullptr);
    EXPECT_EQ((*tr)["message"]["content"][0]["is_error"], true);
    EXPECT_EQ((*tr)["message"]["content"][0]["content"], "no writes here");
    EXPECT_EQ(frames.back()["permission_denials"].size(), 1u);
    EXPECT_FALSE(work_.Exists("denied.txt"));
}

TEST_F(ProtocolTest, CanUseToolAllowRunsTheUpdatedInput) {
    auto child = StartSdk({"--permission-prompt-tool=stdio"});
    Initialize(*child);
    child->SendJson(UserLine("echo bash > first.txt"));
    auto frames = child->ReadUntil("control_request");
    ASSERT_FALSE(frames.empty());
    child->SendJson(Json{{"type", "control_response"},
                     {"response", {{"subtype", "success"}, {"request_id", frames.back()["request_id"]},
                                   {"response", {{"behavior", "allow"},
                                                 {"updatedInput", {{"command", "echo ok > allowed.txt"}}},
                                                 {"toolUseID", "x"}}}}}});
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_TRUE(work_.Exists("allowed.txt"));
    EXPECT_FALSE(work_.Exists("first.txt"));
}

TEST_F(ProtocolTest, MaxTurnsEndsWithErrorMaxTurns) {
    auto child = StartSdk({"--max-turns=1"});
    Initialize(*child);
    child->SendJson(UserLine("read notes.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json& result = frames.back();
    EXPECT_EQ(result["subtype"], "error_max_turns");
    EXPECT_EQ(result["is_error"], true);
    EXPECT_EQ(result["num_turns"], 1);
    ASSERT_EQ(result["errors"].size(), 1u);
    EXPECT_NE(result["errors"][0].get<std::string>().find("maximum number of turns"), std::string::npos);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 1);
}

TEST_F(ProtocolTest, DisallowedToolsWinOverBypass) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions", "--disallowedTools", "Bash(echo:*)"});
    Initialize(*child);
    child->SendJson(UserLine("echo bash > denied.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["permission_denials"].size(), 1u);
    EXPECT_FALSE(work_.Exists("denied.txt"));
}

TEST_F(ProtocolTest, AllowedToolsPatternPermitsMatchingCommands) {
    auto child = StartSdk({"--allowedTools", "Read,Bash(echo:*)"});
    Initialize(*child);
    child->SendJson(UserLine("echo bash > made.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["permission_denials"], Json::array());
    EXPECT_TRUE(work_.Exists("made.txt"));
}

TEST_F(ProtocolTest, ReadOutsideTheWorkdirIsDenied) {
    ScratchDir other;
    other.WriteFile("secret.txt", "top secret");
    auto child = StartSdk();
    Initialize(*child);
    child->SendJson(UserLine("read " + other.path() + "/secret.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* tr = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(tr, nullptr);
    EXPECT_EQ((*tr)["message"]["content"][0]["is_error"], true);
    EXPECT_EQ(frames.back()["result"].get<std::string>().find("top secret"), std::string::npos);
}

TEST_F(ProtocolTest, PartialMessagesStreamAnthropicEvents) {
    auto child = StartSdk({"--include-partial-messages"});
    Initialize(*child);
    child->SendJson(UserLine("read notes.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    std::set<std::string> kinds;
    for (const Json& f : frames) {
        if (f["type"] != "stream_event") continue;
        EXPECT_TRUE(f.contains("uuid") && f.contains("session_id"));
        kinds.insert(f["event"]["type"].get<std::string>());
    }
    for (const char* k : {"message_start", "content_block_start", "content_block_delta",
                          "content_block_stop", "message_delta", "message_stop"})
        EXPECT_TRUE(kinds.count(k)) << k;
}

TEST_F(ProtocolTest, StdinEofAfterPromptStillAnswersThenExits) {
    auto child = StartSdk();
    child->SendJson(Control("req_1", {{"subtype", "initialize"}, {"hooks", nullptr}}));
    child->SendJson(UserLine("read notes.txt"));
    child->CloseStdin();
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(child->Wait(3000), 0);
}

TEST_F(ProtocolTest, ResumeKeepsTheSessionIdAndHistory) {
    const std::string id = "3f1c2a9e-1b7d-4b53-9a43-0c0f6d2b1e11";
    auto first = RunCortexOnce({"-p", "read notes.txt", "--model", "offline", "--session-id", id},
                               work_.path(), "", TestEnv(conversations_));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto child = StartSdk({"--resume=" + id});
    Initialize(*child);
    child->SendJson(UserLine("ls"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.front()["session_id"], id);
    EXPECT_EQ(frames.back()["session_id"], id);
    auto missing = StartSdk({"--resume", "00000000-0000-4000-8000-000000000000"});
    auto r = missing->ReadUntil("result");
    ASSERT_FALSE(r.empty());
    EXPECT_EQ(r.back()["is_error"], true);
    EXPECT_EQ(missing->Wait(), 1);
}

TEST_F(ProtocolTest, InitializeAgentsReplayAndShouldQuery) {
    auto child = StartSdk({"--replay-user-messages"});
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"agents", {{"rev", {{"description", "d"}, {"prompt", "p"}}}}}}));
    auto r = child->Next();
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)["response"]["response"]["agents"][0]["name"], "rev");
    Json quiet = UserLine("remember this");
    quiet["shouldQuery"] = false;
    quiet["uuid"] = "11111111-2222-4333-8444-555555555555";
    child->SendJson(quiet);
    child->SendJson(UserLine("ls"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    int results = 0;
    for (const Json& f : frames) results += f["type"] == "result";
    EXPECT_EQ(results, 1);  // the shouldQuery:false message ran no turn
    EXPECT_EQ(frames[0]["type"], "user");
    EXPECT_EQ(frames[0]["uuid"], "11111111-2222-4333-8444-555555555555");
    const Json* init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_EQ((*init)["agents"], Json::array({"rev"}));
}

TEST_F(ProtocolTest, ContinueAndForkSession) {
    auto env = TestEnv(conversations_);
    auto first = RunCortexOnce({"-p", "read notes.txt", "--model", "offline"}, work_.path(), "", env);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    auto cont = RunCortexOnce({"-p", "ls", "--model", "offline", "--continue", "--output-format", "json"},
                              work_.path(), "", env);
    ASSERT_EQ(cont.exit_code, 0) << cont.err;
    const std::string id = Json::parse(cont.out)["session_id"];
    auto fork = RunCortexOnce({"-p", "ls", "--model", "offline", "--resume", id, "--fork-session",
                               "--output-format", "json"}, work_.path(), "", env);
    ASSERT_EQ(fork.exit_code, 0) << fork.err;
    EXPECT_NE(Json::parse(fork.out)["session_id"], id);
    auto again = RunCortexOnce({"-p", "ls", "--model", "offline", "-r", "last", "--output-format", "json"},
                               work_.path(), "", env);
    ASSERT_EQ(again.exit_code, 0) << again.err;
}

}  // namespace
}  // namespace oc::codetest
