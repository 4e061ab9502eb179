// Protocol tests for SDK hook callbacks (hook_callback) and stdio MCP servers (--mcp-config).
#include <cstdlib>

#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

// Answers hook_callback requests with `output` until the result arrives; returns the frames.
std::vector<Json> AnswerHooks(CodeChild& child, const Json& output, std::vector<Json>* requests) {
    std::vector<Json> frames;
    while (auto f = child.Next()) {
        frames.push_back(*f);
        if ((*f)["type"] == "result") break;
        if ((*f)["type"] != "control_request") continue;
        requests->push_back(*f);
        child.SendJson(Json{{"type", "control_response"},
                            {"response", {{"subtype", "success"}, {"request_id", (*f)["request_id"]},
                                          {"response", output}}}});
    }
    return frames;
}

TEST_F(ProtocolTest, PreToolUseHookDenialBlocksTheTool) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions"});
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PreToolUse", {{{"matcher", "Bash"},
                                                                 {"hookCallbackIds", {"hook_0"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("echo bash > hooked.txt"));
    std::vector<Json> requests;
    auto frames = AnswerHooks(*child, {{"hookSpecificOutput", {{"hookEventName", "PreToolUse"},
                                                               {"permissionDecision", "deny"},
                                                               {"permissionDecisionReason", "blocked by hook"}}}},
                              &requests);
    ASSERT_EQ(requests.size(), 1u);
    const Json& req = requests[0]["request"];
    EXPECT_EQ(req["subtype"], "hook_callback");
    EXPECT_EQ(req["callback_id"], "hook_0");
    EXPECT_EQ(req["input"]["hook_event_name"], "PreToolUse");
    EXPECT_EQ(req["input"]["tool_name"], "Bash");
    EXPECT_EQ(req["input"]["tool_input"]["command"], "echo bash > hooked.txt");
    EXPECT_EQ(req["input"]["cwd"], work_.path());
    EXPECT_EQ(req["tool_use_id"], req["input"]["tool_use_id"]);
    const Json* tr = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(tr, nullptr);
    EXPECT_EQ((*tr)["message"]["content"][0]["content"], "blocked by hook");
    EXPECT_FALSE(work_.Exists("hooked.txt"));
}

TEST_F(ProtocolTest, PostToolUseAndUserPromptSubmitHooks) {
    auto child = StartSdk();
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"PostToolUse", {{{"matcher", nullptr}, {"hookCallbackIds", {"post"}}}}},
                                                {"UserPromptSubmit", {{{"hookCallbackIds", {"prompt"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("read notes.txt"));
    std::vector<Json> requests;
    auto frames = AnswerHooks(*child, Json::object(), &requests);
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0]["request"]["input"]["hook_event_name"], "UserPromptSubmit");
    EXPECT_EQ(requests[0]["request"]["input"]["prompt"], "read notes.txt");
    EXPECT_EQ(requests[1]["request"]["input"]["hook_event_name"], "PostToolUse");
    EXPECT_TRUE(requests[1]["request"]["input"]["tool_response"].is_object());
    EXPECT_EQ(frames.back()["subtype"], "success");
    child->SendJson(UserLine("read notes.txt"));
    requests.clear();
    frames = AnswerHooks(*child, {{"decision", "block"}, {"reason", "not today"}}, &requests);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["is_error"], true);
    EXPECT_NE(frames.back()["errors"][0].get<std::string>().find("not today"), std::string::npos);
}

TEST_F(ProtocolTest, StdioMcpServerToolsStatusAndRules) {
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 missing";
    const std::string config = Json{{"mcpServers",
        {{"fx", {{"command", "python3"}, {"args", {MCP_FIXTURE}}}},
         {"remote", {{"type", "http"}, {"url", "http://127.0.0.1:1/mcp"}}}}}}.dump();
    auto child = StartSdk({"--mcp-config", config, "--allowedTools=mcp__fx"});
    Initialize(*child);
    child->SendJson(Control("s1", {{"subtype", "mcp_status"}}));
    auto status = child->Next();
    ASSERT_TRUE(status);
    const Json& servers = (*status)["response"]["response"]["mcpServers"];
    ASSERT_EQ(servers.size(), 2u);
    EXPECT_EQ(servers[0]["name"], "fx");
    EXPECT_EQ(servers[0]["status"], "connected");
    EXPECT_EQ(servers[0]["tools"][0]["name"], "echo");
    EXPECT_EQ(servers[1]["status"], "failed");
    child->SendJson(UserLine("echo hello"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames[0]["mcp_servers"][0], (Json{{"name", "fx"}, {"status", "connected"}}));
    const Json* use = FindBlock(frames, "assistant", "tool_use");
    ASSERT_NE(use, nullptr);
    EXPECT_EQ((*use)["message"]["content"][0]["name"], "mcp__fx__echo");
    EXPECT_NE(frames.back()["result"].get<std::string>().find("echoed: echo hello"), std::string::npos);

    auto denied = StartSdk({"--mcp-config", config, "--disallowedTools", "mcp__fx__echo",
                            "--permission-mode", "bypassPermissions"});
    Initialize(*denied);
    denied->SendJson(UserLine("echo hello"));
    frames = denied->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["permission_denials"].size(), 1u);
    EXPECT_EQ(frames.back()["result"].get<std::string>().find("echoed"), std::string::npos);
}

TEST_F(ProtocolTest, StopHookBlockKeepsTheAgentGoingOnce) {
    auto child = StartSdk();
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"hooks", {{"Stop", {{{"hookCallbackIds", {"stop"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("read notes.txt"));
    std::vector<Json> requests;
    std::vector<Json> frames;
    while (auto f = child->Next()) {
        frames.push_back(*f);
        if ((*f)["type"] == "result") break;
        if ((*f)["type"] != "control_request") continue;
        requests.push_back(*f);
        const bool active = (*f)["request"]["input"]["stop_hook_active"];
        Json output = active ? Json::object() : Json{{"decision", "block"}, {"reason", "ls"}};
        child->SendJson(Json{{"type", "control_response"},
                             {"response", {{"subtype", "success"}, {"request_id", (*f)["request_id"]},
                                           {"response", output}}}});
    }
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0]["request"]["input"]["hook_event_name"], "Stop");
    EXPECT_EQ(requests[1]["request"]["input"]["stop_hook_active"], true);
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(frames.back()["num_turns"], 4);  // Read + answer, then LS + answer
}

}  // namespace
}  // namespace oc::codetest
