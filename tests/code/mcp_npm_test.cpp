// The MCP client against real npm servers (tests/code/mcp/package.json, run by mcp/run.sh):
// @modelcontextprotocol/server-everything over stdio, sse and streamable HTTP, and
// @modelcontextprotocol/server-filesystem over stdio. The offline model picks the tool from the
// prompt (BM25 over tool names and descriptions) and fills required strings with the prompt.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "code_child.h"
#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

std::string NodeModules() {
    const char* dir = std::getenv("MCP_NODE_MODULES");
    return dir ? dir : "";
}

std::string Everything() { return NodeModules() + "/@modelcontextprotocol/server-everything/dist/index.js"; }
std::string Filesystem() { return NodeModules() + "/@modelcontextprotocol/server-filesystem/dist/index.js"; }

int FreePort() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);
    return ntohs(addr.sin_port);
}

bool CanConnect(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    return ok;
}

// server-everything in `mode` (sse | streamableHttp) on a free loopback port; killed on scope exit.
class HttpServer {
public:
    explicit HttpServer(const std::string& mode) : port_(FreePort()) {
        pid_ = fork();
        if (pid_ == 0) {
            setenv("PORT", std::to_string(port_).c_str(), 1);
            freopen("/dev/null", "w", stdout);
            freopen("/dev/null", "w", stderr);
            execlp("node", "node", Everything().c_str(), mode.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        for (int i = 0; i < 200 && !CanConnect(port_); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ~HttpServer() {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
    int port() const { return port_; }
    bool up() const { return CanConnect(port_); }

private:
    int port_;
    pid_t pid_ = -1;
};

struct ToolCall {
    std::string name;
    Json input;
    std::string result;
    bool is_error = false;
};

// The first tool call of a stream-json run and its result.
ToolCall FirstToolCall(const std::vector<Json>& frames) {
    ToolCall call;
    const Json* use = FindBlock(frames, "assistant", "tool_use");
    const Json* result = FindBlock(frames, "user", "tool_result");
    if (use) {
        call.name = (*use)["message"]["content"][0]["name"];
        call.input = (*use)["message"]["content"][0]["input"];
    }
    if (result) {
        call.result = (*result)["message"]["content"][0]["content"];
        call.is_error = (*result)["message"]["content"][0]["is_error"];
    }
    return call;
}

class McpNpmTest : public ::testing::Test {
protected:
    void SetUp() override {
        if (NodeModules().empty()) GTEST_SKIP() << "MCP_NODE_MODULES not set (run through tests/code/mcp/run.sh)";
    }

    RunOutput RunPrompt(const std::string& prompt, const Json& config, const std::string& allow) {
        return RunCortexOnce({"-p", prompt, "--model", "offline", "--output-format", "stream-json", "--verbose",
                              "--tools", "", "--setting-sources=", "--mcp-config", config.dump(),
                              "--allowedTools", allow},
                             work_.path(), "", TestEnv(conversations_));
    }

    ScratchDir work_;
    ScratchDir conversations_;
};

constexpr const char* kEchoPrompt = "echo back the input string: hello from cortex";

void ExpectEcho(const RunOutput& run, const std::string& server) {
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames[0]["mcp_servers"][0], (Json{{"name", server}, {"status", "connected"}})) << frames[0].dump();
    const ToolCall call = FirstToolCall(frames);
    EXPECT_EQ(call.name, "mcp__" + server + "__echo");
    EXPECT_EQ(call.input["message"], kEchoPrompt);
    EXPECT_FALSE(call.is_error);
    EXPECT_EQ(call.result, std::string("Echo: ") + kEchoPrompt);
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_NE(frames.back()["result"].get<std::string>().find("Echo: echo back"), std::string::npos);
}

TEST_F(McpNpmTest, EverythingOverStdioEchoes) {
    const Json config = {{"mcpServers", {{"everything", {{"type", "stdio"}, {"command", "node"},
                                                         {"args", {Everything(), "stdio"}}}}}}};
    ExpectEcho(RunPrompt(kEchoPrompt, config, "mcp__everything__echo"), "everything");
}

TEST_F(McpNpmTest, EverythingOverSseEchoes) {
    HttpServer server("sse");
    ASSERT_TRUE(server.up()) << "server-everything sse did not start";
    const Json config = {{"mcpServers", {{"events", {{"type", "sse"},
        {"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/sse"}}}}}};
    ExpectEcho(RunPrompt(kEchoPrompt, config, "mcp__events__echo"), "events");
}

TEST_F(McpNpmTest, EverythingOverStreamableHttpEchoes) {
    HttpServer server("streamableHttp");
    ASSERT_TRUE(server.up()) << "server-everything streamableHttp did not start";
    const Json config = {{"mcpServers", {{"remote", {{"type", "http"},
        {"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/mcp"},
        {"headers", {{"X-Test", "${HOME}"}}}}}}}};
    ExpectEcho(RunPrompt(kEchoPrompt, config, "mcp__remote__echo"), "remote");
}

TEST_F(McpNpmTest, FilesystemServerReadsAFile) {
    std::filesystem::create_directories(work_.path() + "/read/complete/contents");
    const std::string file = work_.path() + "/read/complete/contents/text.txt";
    work_.WriteFile("read/complete/contents/text.txt", "alpha beta from the filesystem server\n");
    const Json config = {{"mcpServers", {{"fs", {{"command", "node"}, {"args", {Filesystem(), work_.path()}}}}}}};
    const RunOutput run = RunPrompt(file, config, "mcp__fs");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const ToolCall call = FirstToolCall(Frames(run.out));
    EXPECT_EQ(call.name.rfind("mcp__fs__read", 0), 0u) << call.name;
    EXPECT_EQ(call.input["path"], file);
    EXPECT_FALSE(call.is_error) << call.result;
    EXPECT_NE(call.result.find("alpha beta from the filesystem server"), std::string::npos) << call.result;
}

TEST_F(McpNpmTest, McpStatusReportsConnectedAndFailedServers) {
    HttpServer server("streamableHttp");
    ASSERT_TRUE(server.up());
    const Json config = {{"mcpServers",
        {{"everything", {{"command", "node"}, {"args", {Everything(), "stdio"}}}},
         {"remote", {{"type", "http"}, {"url", "http://127.0.0.1:" + std::to_string(server.port()) + "/mcp"}}},
         {"broken", {{"command", "/nonexistent/mcp-server"}}},
         {"refused", {{"type", "sse"}, {"url", "http://127.0.0.1:1/sse"}}}}}};
    auto child = CodeChild::Start({"--output-format", "stream-json", "--verbose", "--input-format", "stream-json",
                                   "--model", "offline", "--setting-sources=", "--mcp-config", config.dump()},
                                  work_.path(), TestEnv(conversations_));
    ASSERT_NE(child, nullptr);
    child->SendJson(Control("s1", {{"subtype", "mcp_status"}}));
    auto status = child->Next(30000);
    ASSERT_TRUE(status) << child->Stderr();
    const Json& servers = (*status)["response"]["response"]["mcpServers"];
    ASSERT_EQ(servers.size(), 4u) << status->dump();
    std::map<std::string, Json> by_name;
    for (const Json& s : servers) by_name[s["name"]] = s;
    for (const char* name : {"everything", "remote"}) {
        const Json& s = by_name[name];
        EXPECT_EQ(s["status"], "connected") << s.dump();
        EXPECT_EQ(s["serverInfo"]["name"], "mcp-servers/everything") << s.dump();
        bool has_echo = false;
        for (const Json& t : s["tools"])
            if (t["name"] == "echo") {
                has_echo = true;
                EXPECT_EQ(t["annotations"]["readOnly"], true);
            }
        EXPECT_TRUE(has_echo) << s.dump();
    }
    EXPECT_EQ(by_name["broken"]["status"], "failed");
    EXPECT_NE(by_name["broken"]["error"].get<std::string>().find("/nonexistent/mcp-server"), std::string::npos);
    EXPECT_EQ(by_name["refused"]["status"], "failed");
    EXPECT_FALSE(by_name["refused"]["error"].get<std::string>().empty());
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(McpNpmTest, NoMcpSkipsEveryServer) {
    const Json config = {{"mcpServers", {{"everything", {{"command", "node"}, {"args", {Everything(), "stdio"}}}}}}};
    const RunOutput run = RunCortexOnce({"-p", kEchoPrompt, "--model", "offline", "--output-format", "stream-json",
                                         "--verbose", "--mcp-config", config.dump(), "--no-mcp"},
                                        work_.path(), "", TestEnv(conversations_));
    ASSERT_EQ(run.exit_code, 0) << run.err;
    const auto frames = Frames(run.out);
    ASSERT_FALSE(frames.empty());
    EXPECT_TRUE(frames[0]["mcp_servers"].empty());
    for (const Json& tool : frames[0]["tools"]) EXPECT_EQ(tool.get<std::string>().rfind("mcp__", 0), std::string::npos);
}

}  // namespace
}  // namespace oc::codetest
