// Protocol tests: an interrupt ends an MCP tool call in flight. The stdio fixture server's
// `snooze` tool answers only after 30 s; the in-process SDK server (played by the test over
// mcp_message) never answers its tools/call. Either way the turn ends as interrupted, the server
// gets notifications/cancelled for the request, and the next call on the same server works.
#include <chrono>
#include <cstdlib>
#include <thread>

#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

// The lines of path once it has any (the fixture writes asynchronously); empty after 10 s.
std::vector<std::string> AwaitLines(const std::string& path) {
    for (int i = 0; i < 200; ++i) {
        auto lines = Lines(path);
        if (!lines.empty()) return lines;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return {};
}

// The id of the first tool_use block of `tool` in frames ("" when none).
std::string ToolUseId(const std::vector<Json>& frames, const std::string& tool) {
    for (const Json& f : frames) {
        if (f["type"] != "assistant" || !f["message"]["content"].is_array()) continue;
        for (const Json& block : f["message"]["content"])
            if (block.value("type", "") == "tool_use" && block.value("name", "") == tool) return block["id"];
    }
    return "";
}

// Checks the frames after an interrupt: the interrupt acked, the tool call `use_id` answered by a
// tool_result, the interruption note, and an error_during_execution result.
void ExpectInterrupted(const std::vector<Json>& frames, const std::string& use_id) {
    ASSERT_FALSE(frames.empty());
    bool acked = false, noted = false;
    std::string result_id;
    for (const Json& f : frames) {
        if (f["type"] == "control_response" && f["response"]["request_id"] == "int1") acked = true;
        if (f["type"] != "assistant" && f["type"] != "user") continue;
        const Json& content = f["message"]["content"];
        if (!content.is_array()) continue;
        for (const Json& block : content) {
            if (block.value("type", "") == "tool_result") result_id = block.value("tool_use_id", "");
            if (block.value("type", "") == "text" &&
                block.value("text", "").find("interrupted by user") != std::string::npos)
                noted = true;
        }
    }
    EXPECT_TRUE(acked);
    EXPECT_FALSE(use_id.empty());
    EXPECT_EQ(result_id, use_id);
    EXPECT_TRUE(noted);
    const Json& result = frames.back();
    EXPECT_EQ(result["type"], "result");
    EXPECT_EQ(result["subtype"], "error_during_execution") << result.dump();
    EXPECT_EQ(result["is_error"], true);
}

TEST_F(ProtocolTest, InterruptCancelsAnInFlightStdioMcpCall) {
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "python3 missing";
    const std::string cancel_log = work_.path() + "/fx_cancel.log";
    const std::string config = Json{{"mcpServers",
        {{"fx", {{"command", "python3"}, {"args", {MCP_FIXTURE}}, {"env", {{"FX_CANCEL_LOG", cancel_log}}}}}}}}.dump();
    auto child = StartSdk({"--mcp-config", config, "--allowedTools=mcp__fx"});
    Initialize(*child);
    const auto start = std::chrono::steady_clock::now();
    child->SendJson(UserLine("snooze"));
    auto until_use = child->ReadUntil("assistant");
    const std::string use_id = ToolUseId(until_use, "mcp__fx__snooze");
    ASSERT_FALSE(use_id.empty()) << (until_use.empty() ? "no frames" : until_use.back().dump());
    child->SendJson(Control("int1", {{"subtype", "interrupt"}}));
    auto frames = child->ReadUntil("result", "", 25000);
    ExpectInterrupted(frames, use_id);
    // Generous: the snooze alone would take 30 s (and MCP_TOOL_TIMEOUT is 120 s).
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));

    // The server heard notifications/cancelled naming the call it was still running.
    const auto lines = AwaitLines(cancel_log);
    ASSERT_EQ(lines.size(), 1u);
    const Json cancelled = Json::parse(lines[0], nullptr, false);
    EXPECT_TRUE(cancelled["requestId"].is_number_integer()) << lines[0];
    EXPECT_EQ(cancelled["inflight"], true) << lines[0];
    EXPECT_FALSE(cancelled.value("reason", "").empty()) << lines[0];

    // The same server process answers the next turn's call.
    child->SendJson(UserLine("echo hello"));
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success") << frames.back().dump();
    EXPECT_NE(frames.back()["result"].get<std::string>().find("echoed: echo hello"), std::string::npos)
        << frames.back().dump();
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(ProtocolTest, InterruptCancelsAnInFlightSdkMcpCall) {
    auto child = StartSdk({"--allowedTools=mcp__inproc"});
    child->SendJson(Control("init", {{"subtype", "initialize"}, {"hooks", nullptr}, {"sdkMcpServers", {"inproc"}}}));
    std::vector<Json> received;  // JSON-RPC messages from the CLI
    // Answers mcp_message requests except tools/call of `snooze` (left pending) until stop(frame).
    auto serve = [&](auto stop) {
        std::vector<Json> frames;
        while (auto f = child->Next(20000)) {
            frames.push_back(*f);
            if ((*f)["type"] == "control_request" && (*f)["request"]["subtype"] == "mcp_message") {
                const Json& m = (*f)["request"]["message"];
                received.push_back(m);
                const std::string method = m.value("method", "");
                Json result = Json::object();
                if (method == "initialize") {
                    result = {{"protocolVersion", "2025-06-18"}, {"capabilities", {{"tools", Json::object()}}},
                              {"serverInfo", {{"name", "inproc"}, {"version", "1.0.0"}}}};
                } else if (method == "tools/list") {
                    result = {{"tools", {{{"name", "snooze"}, {"description", "Snooze, never answering"},
                                          {"inputSchema", {{"type", "object"}}}},
                                         {{"name", "reverse"}, {"description", "Reverse the given text"},
                                          {"inputSchema", {{"type", "object"}}}}}}};
                } else if (method == "tools/call" && m["params"]["name"] == "reverse") {
                    result = {{"content", {{{"type", "text"}, {"text", "reversed"}}}}};
                }
                if (!(method == "tools/call" && m["params"]["name"] == "snooze")) {
                    Json reply = {{"jsonrpc", "2.0"}, {"result", result}};
                    if (m.contains("id")) reply["id"] = m["id"];
                    child->SendJson({{"type", "control_response"},
                                     {"response", {{"subtype", "success"}, {"request_id", (*f)["request_id"]},
                                                   {"response", {{"mcp_response", reply}}}}}});
                }
            }
            if (stop(*f)) break;
        }
        return frames;
    };
    serve([&](const Json&) { return received.size() == 3; });  // initialize, initialized, tools/list
    ASSERT_EQ(received.size(), 3u);

    const auto start = std::chrono::steady_clock::now();
    child->SendJson(UserLine("snooze"));
    auto until_call = serve([&](const Json&) {
        return !received.empty() && received.back().value("method", "") == "tools/call";
    });
    ASSERT_EQ(received.back()["params"]["name"], "snooze") << received.back().dump();
    const std::string use_id = ToolUseId(until_call, "mcp__inproc__snooze");
    ASSERT_FALSE(use_id.empty());
    const Json call_id = received.back()["id"];
    child->SendJson(Control("int1", {{"subtype", "interrupt"}}));
    auto frames = serve([](const Json& f) { return f["type"] == "result"; });
    ExpectInterrupted(frames, use_id);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
    ASSERT_EQ(received.back()["method"], "notifications/cancelled") << received.back().dump();
    EXPECT_FALSE(received.back().contains("id"));
    EXPECT_EQ(received.back()["params"]["requestId"], call_id);

    child->SendJson(UserLine("reverse abc"));
    frames = serve([](const Json& f) { return f["type"] == "result"; });
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success") << frames.back().dump();
    EXPECT_NE(frames.back()["result"].get<std::string>().find("reversed"), std::string::npos)
        << frames.back().dump();
}

}  // namespace
}  // namespace oc::codetest
