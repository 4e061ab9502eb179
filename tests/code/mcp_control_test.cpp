// Protocol tests for MCP control requests (mcp_toggle, mcp_reconnect against the stdio fixture
// server) and in-process SDK MCP servers (the test plays the SDK side of mcp_message).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

// Polls until pid is gone (the transport reaps its child); false after 10 s.
bool Gone(const std::string& pid) {
    for (int i = 0; i < 200; ++i) {
        if (kill(std::atoi(pid.c_str()), 0) != 0) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// The control_response for request `id` (other frames are skipped).
Json ResponseTo(CodeChild& child, const std::string& id) {
    while (auto f = child.Next(20000))
        if ((*f)["type"] == "control_response" && (*f)["response"]["request_id"] == id) return (*f)["response"];
    return Json();
}

const Json* Server(const Json& status_response, const std::string& name) {
    for (const Json& s : status_response["response"]["mcpServers"])
        if (s["name"] == name) return &s;
    return nullptr;
}

bool HasTool(const Json& init, const std::string& name) {
    const auto& tools = init["tools"];
    return std::find(tools.begin(), tools.end(), Json(name)) != tools.end();
}

TEST_F(ProtocolTest, McpToggleAndReconnectRestartTheStdioServer) {
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 missing";
    const std::string pid_log = work_.path() + "/fx_pids.log";
    const std::string config = Json{{"mcpServers",
        {{"fx", {{"command", "python3"}, {"args", {MCP_FIXTURE}}, {"env", {{"FX_PID_LOG", pid_log}}}}},
         {"remote", {{"type", "http"}, {"url", "http://127.0.0.1:1/mcp"}}}}}}.dump();
    auto child = StartSdk({"--mcp-config", config, "--allowedTools=mcp__fx"});
    Initialize(*child);
    ASSERT_EQ(Lines(pid_log).size(), 1u);

    // Reconnect: a new server process, the old one stopped, tools listed again.
    child->SendJson(Control("r1", {{"subtype", "mcp_reconnect"}, {"serverName", "fx"}}));
    Json r = ResponseTo(*child, "r1");
    EXPECT_EQ(r["subtype"], "success") << r.dump();
    auto pids = Lines(pid_log);
    ASSERT_EQ(pids.size(), 2u);
    EXPECT_NE(pids[0], pids[1]);
    EXPECT_TRUE(Gone(pids[0]));
    child->SendJson(Control("s1", {{"subtype", "mcp_status"}}));
    Json status = ResponseTo(*child, "s1");
    ASSERT_NE(Server(status, "fx"), nullptr) << status.dump();
    EXPECT_EQ((*Server(status, "fx"))["status"], "connected");
    EXPECT_EQ((*Server(status, "fx"))["tools"][0]["name"], "echo");

    // Errors: unknown server, a server that cannot connect, a toggle without `enabled`.
    child->SendJson(Control("r2", {{"subtype", "mcp_reconnect"}, {"serverName", "nosuch"}}));
    r = ResponseTo(*child, "r2");
    EXPECT_EQ(r["subtype"], "error");
    EXPECT_NE(r["error"].get<std::string>().find("nosuch"), std::string::npos);
    child->SendJson(Control("r3", {{"subtype", "mcp_reconnect"}, {"serverName", "remote"}}));
    EXPECT_EQ(ResponseTo(*child, "r3")["subtype"], "error");
    child->SendJson(Control("t0", {{"subtype", "mcp_toggle"}, {"serverName", "fx"}}));
    EXPECT_EQ(ResponseTo(*child, "t0")["subtype"], "error");

    // Disabled: status says so, the server process stops, its tool leaves the next model call.
    child->SendJson(Control("t1", {{"subtype", "mcp_toggle"}, {"serverName", "fx"}, {"enabled", false}}));
    EXPECT_EQ(ResponseTo(*child, "t1")["subtype"], "success");
    EXPECT_TRUE(Gone(pids[1]));
    child->SendJson(Control("s2", {{"subtype", "mcp_status"}}));
    status = ResponseTo(*child, "s2");
    ASSERT_NE(Server(status, "fx"), nullptr);
    EXPECT_EQ((*Server(status, "fx"))["status"], "disabled");
    EXPECT_FALSE((*Server(status, "fx")).contains("tools"));
    child->SendJson(Control("r4", {{"subtype", "mcp_reconnect"}, {"serverName", "fx"}}));
    EXPECT_EQ(ResponseTo(*child, "r4")["subtype"], "error");  // disabled servers stay down
    child->SendJson(UserLine("echo hello"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_FALSE(HasTool(*init, "mcp__fx__echo")) << (*init)["tools"].dump();
    EXPECT_EQ((*init)["mcp_servers"][0], (Json{{"name", "fx"}, {"status", "disabled"}}));
    for (const Json& f : frames)
        if (f["type"] == "assistant")
            for (const Json& block : f["message"]["content"]) EXPECT_NE(block.value("name", ""), "mcp__fx__echo");
    EXPECT_EQ(frames.back().value("result", "").find("echoed"), std::string::npos);

    // Enabled again: a fresh process and the tool is back.
    child->SendJson(Control("t2", {{"subtype", "mcp_toggle"}, {"serverName", "fx"}, {"enabled", true}}));
    EXPECT_EQ(ResponseTo(*child, "t2")["subtype"], "success");
    EXPECT_EQ(Lines(pid_log).size(), 3u);
    child->SendJson(UserLine("echo hello"));
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_TRUE(HasTool(*init, "mcp__fx__echo"));
    EXPECT_NE(frames.back()["result"].get<std::string>().find("echoed: echo hello"), std::string::npos);
}

// Plays an in-process MCP server "inproc" with one tool, `reverse`, over mcp_message requests.
// Returns the JSON-RPC messages the CLI sent, in order, until the frame that stop() accepts.
class SdkMcpServer {
public:
    explicit SdkMcpServer(CodeChild& child) : child_(child) {}

    // Reads frames, answering mcp_message requests, until stop(frame) is true; the frames read.
    template <typename Stop>
    std::vector<Json> Serve(Stop stop) {
        std::vector<Json> frames;
        while (auto f = child_.Next(20000)) {
            frames.push_back(*f);
            if ((*f)["type"] == "control_request" && (*f)["request"]["subtype"] == "mcp_message") Answer(*f);
            if (stop(*f)) break;
        }
        return frames;
    }

    std::vector<Json> messages;  // JSON-RPC messages received

private:
    void Answer(const Json& request) {
        EXPECT_EQ(request["request"]["server_name"], "inproc");
        const Json& m = request["request"]["message"];
        messages.push_back(m);
        const std::string method = m.value("method", "");
        Json result = Json::object();
        if (method == "initialize") {
            result = {{"protocolVersion", "2025-06-18"}, {"capabilities", {{"tools", Json::object()}}},
                      {"serverInfo", {{"name", "inproc"}, {"version", "3.1.4"}}}};
        } else if (method == "tools/list") {
            result = {{"tools", {{{"name", "reverse"}, {"description", "Reverse the given text"},
                                  {"inputSchema", {{"type", "object"},
                                                   {"properties", {{"text", {{"type", "string"}}}}},
                                                   {"required", {"text"}}}}}}}};
        } else if (method == "tools/call") {
            std::string text = m["params"]["arguments"].value("text", "");
            std::reverse(text.begin(), text.end());
            result = {{"content", {{{"type", "text"}, {"text", "reversed: " + text}}}}};
        }
        Json reply = {{"jsonrpc", "2.0"}, {"result", result}};
        if (m.contains("id")) reply["id"] = m["id"];
        child_.SendJson({{"type", "control_response"},
                         {"response", {{"subtype", "success"}, {"request_id", request["request_id"]},
                                       {"response", {{"mcp_response", reply}}}}}});
    }

    CodeChild& child_;
};

// TSSDK declares its in-process servers in initialize.sdkMcpServers; PySDK lists them in
// --mcp-config as {"type": "sdk"}. Either way the CLI talks to them only through mcp_message.
void CheckSdkMcpServer(std::unique_ptr<CodeChild> child, const Json& initialize) {
    SdkMcpServer server(*child);
    child->SendJson(Control("init", initialize));
    // The initialize answer comes first; the handshake follows over mcp_message.
    auto first = child->Next();
    ASSERT_TRUE(first);
    ASSERT_EQ((*first)["type"], "control_response") << first->dump();
    server.Serve([&](const Json&) { return server.messages.size() == 3; });
    ASSERT_EQ(server.messages.size(), 3u);
    EXPECT_EQ(server.messages[0]["method"], "initialize");
    EXPECT_TRUE(server.messages[0]["params"].contains("protocolVersion"));
    EXPECT_EQ(server.messages[0]["params"]["clientInfo"]["name"], "cortex");
    EXPECT_EQ(server.messages[1]["method"], "notifications/initialized");
    EXPECT_FALSE(server.messages[1].contains("id"));
    EXPECT_EQ(server.messages[2]["method"], "tools/list");

    // Server-initiated traffic from the SDK is acked; an unknown server is an error.
    child->SendJson(Control("n1", {{"subtype", "mcp_message"}, {"server_name", "inproc"},
                                   {"message", {{"jsonrpc", "2.0"}, {"method", "notifications/tools/list_changed"}}}}));
    EXPECT_EQ(ResponseTo(*child, "n1")["subtype"], "success");
    child->SendJson(Control("n2", {{"subtype", "mcp_message"}, {"server_name", "elsewhere"},
                                   {"message", {{"jsonrpc", "2.0"}, {"method", "ping"}, {"id", 1}}}}));
    EXPECT_EQ(ResponseTo(*child, "n2")["subtype"], "error");

    child->SendJson(UserLine("reverse abc"));
    auto frames = server.Serve([](const Json& f) { return f["type"] == "result"; });
    ASSERT_FALSE(frames.empty());
    ASSERT_EQ(frames.back()["type"], "result");
    const Json* init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_TRUE(HasTool(*init, "mcp__inproc__reverse")) << (*init)["tools"].dump();
    EXPECT_EQ((*init)["mcp_servers"][0], (Json{{"name", "inproc"}, {"status", "connected"}}));
    const Json* use = FindBlock(frames, "assistant", "tool_use");
    ASSERT_NE(use, nullptr);
    EXPECT_EQ((*use)["message"]["content"][0]["name"], "mcp__inproc__reverse");
    ASSERT_EQ(server.messages.size(), 4u);
    const Json& call = server.messages[3];
    EXPECT_EQ(call["method"], "tools/call");
    EXPECT_EQ(call["params"]["name"], "reverse");
    EXPECT_EQ(call["params"]["arguments"]["text"], "reverse abc");
    EXPECT_NE(call["id"], server.messages[2]["id"]);
    const Json* result = FindBlock(frames, "user", "tool_result");
    ASSERT_NE(result, nullptr);
    EXPECT_EQ((*result)["message"]["content"][0]["content"], "reversed: cba esrever");
    EXPECT_EQ(frames.back()["subtype"], "success");

    // (Asked after the turn, which waits for the handshake: meanwhile the server is `pending`.)
    child->SendJson(Control("s1", {{"subtype", "mcp_status"}}));
    Json status;
    server.Serve([&](const Json& f) {
        if (f["type"] == "control_response" && f["response"]["request_id"] == "s1") status = f["response"];
        return !status.is_null();
    });
    const Json* entry = Server(status, "inproc");
    ASSERT_NE(entry, nullptr) << status.dump();
    EXPECT_EQ((*entry)["status"], "connected");
    EXPECT_EQ((*entry)["scope"], "sdk");
    EXPECT_EQ((*entry)["config"], (Json{{"type", "sdk"}, {"name", "inproc"}}));
    EXPECT_EQ((*entry)["serverInfo"]["version"], "3.1.4");
    EXPECT_EQ((*entry)["tools"][0]["name"], "reverse");
}

TEST_F(ProtocolTest, SdkMcpServerFromInitializeOverMcpMessage) {
    CheckSdkMcpServer(StartSdk({"--allowedTools=mcp__inproc"}),
                      {{"subtype", "initialize"}, {"hooks", nullptr}, {"sdkMcpServers", {"inproc"}}});
}

TEST_F(ProtocolTest, SdkMcpServerFromMcpConfigOverMcpMessage) {
    const std::string config = Json{{"mcpServers", {{"inproc", {{"type", "sdk"}, {"name", "inproc"}}}}}}.dump();
    CheckSdkMcpServer(StartSdk({"--mcp-config", config, "--allowedTools=mcp__inproc"}),
                      {{"subtype", "initialize"}, {"hooks", nullptr}});
}

TEST_F(ProtocolTest, SdkMcpServerWithoutAnSdkHostFailsInPrintMode) {
    const std::string config = Json{{"mcpServers", {{"inproc", {{"type", "sdk"}, {"name", "inproc"}}}}}}.dump();
    const RunOutput run = RunCortexOnce({"-p", "hello", "--model", "offline", "--output-format", "stream-json",
                                         "--verbose", "--mcp-config", config},
                                        work_.path(), "", TestEnv(conversations_));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    EXPECT_NE(run.out.find("\"mcp_servers\":[{\"name\":\"inproc\",\"status\":\"failed\"}]"), std::string::npos)
        << run.out;
    EXPECT_NE(run.err.find("SDK host"), std::string::npos) << run.err;
}

}  // namespace
}  // namespace oc::codetest
