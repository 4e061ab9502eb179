// stdio MCP client: process, framing, handshake, tool wrapping.
#include "code/mcp_client.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace oc::code {
namespace {

constexpr int kHandshakeTimeoutMs = 10000;
constexpr int kCallTimeoutMs = 120000;

}  // namespace

Result<std::vector<McpServerConfig>> ParseMcpConfig(const std::string& value) {
    std::string text = value;
    if (!value.empty() && value.find('{') == std::string::npos) {
        std::ifstream in(value);
        if (!in) return MakeError(ErrorCode::kNotFound, "--mcp-config: cannot read '" + value + "'");
        std::stringstream all;
        all << in.rdbuf();
        text = all.str();
    }
    Json parsed = Json::parse(text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object())
        return MakeError(ErrorCode::kInvalidArgument, "--mcp-config must be a JSON object or a file holding one");
    std::vector<McpServerConfig> out;
    const Json& servers = parsed.contains("mcpServers") ? parsed["mcpServers"] : Json::object();
    if (!servers.is_object()) return out;
    for (auto it = servers.begin(); it != servers.end(); ++it) {
        const Json& c = it.value();
        if (!c.is_object()) continue;
        McpServerConfig config;
        config.name = it.key();
        config.raw = c;
        config.type = c.value("type", "stdio");
        config.command = c.value("command", "");
        if (c.contains("args") && c["args"].is_array())
            for (const Json& a : c["args"]) if (a.is_string()) config.args.push_back(a.get<std::string>());
        if (c.contains("env") && c["env"].is_object())
            for (auto e = c["env"].begin(); e != c["env"].end(); ++e)
                if (e.value().is_string()) config.env[e.key()] = e.value().get<std::string>();
        out.push_back(std::move(config));
    }
    return out;
}

Result<std::unique_ptr<McpStdioClient>> McpStdioClient::Start(const McpServerConfig& config) {
    if (config.command.empty()) return MakeError(ErrorCode::kInvalidArgument, "command is required");
    int in[2], out[2];
    if (pipe(in) != 0 || pipe(out) != 0) return MakeError(ErrorCode::kInternal, "pipe failed");
    const pid_t pid = fork();
    if (pid < 0) return MakeError(ErrorCode::kInternal, "fork failed");
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        for (int fd : {in[0], in[1], out[0], out[1]}) close(fd);
        for (const auto& [k, v] : config.env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv = {const_cast<char*>(config.command.c_str())};
        for (const auto& a : config.args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp(config.command.c_str(), argv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    std::unique_ptr<McpStdioClient> client(new McpStdioClient());
    client->pid_ = pid;
    client->in_ = in[1];
    client->out_ = out[0];
    return client;
}

McpStdioClient::~McpStdioClient() {
    if (in_ >= 0) close(in_);
    if (out_ >= 0) close(out_);
    if (pid_ > 0) {
        kill(pid_, SIGTERM);
        waitpid(pid_, nullptr, 0);
    }
}

Status McpStdioClient::WriteLine(const Json& message) {
    const std::string line = DumpJson(message) + "\n";
    size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = write(in_, line.data() + done, line.size() - done);
        if (n <= 0) return MakeError(ErrorCode::kUnavailable, "the MCP server closed its stdin");
        done += static_cast<size_t>(n);
    }
    return {};
}

void McpStdioClient::Notify(const std::string& method, const Json& params) {
    std::lock_guard<std::mutex> lock(mu_);
    (void)WriteLine({{"jsonrpc", "2.0"}, {"method", method}, {"params", params}});
}

Result<Json> McpStdioClient::Request(const std::string& method, const Json& params, int timeout_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    const int id = next_id_++;
    OC_TRY(WriteLine({{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", params}}));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        size_t nl;
        while ((nl = buffer_.find('\n')) != std::string::npos) {
            Json msg = Json::parse(buffer_.substr(0, nl), nullptr, false);
            buffer_.erase(0, nl + 1);
            if (msg.is_discarded() || !msg.is_object() || !msg.contains("id") || msg["id"] != id) continue;
            if (msg.contains("error"))
                return MakeError(ErrorCode::kUnavailable, method + ": " + DumpJson(msg["error"]));
            return msg.contains("result") ? msg["result"] : Json::object();
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return MakeError(ErrorCode::kDeadlineExceeded, method + " timed out");
        pollfd fd{out_, POLLIN, 0};
        if (poll(&fd, 1, static_cast<int>(left)) <= 0) continue;
        char buf[65536];
        const ssize_t n = read(out_, buf, sizeof buf);
        if (n <= 0) return MakeError(ErrorCode::kUnavailable, "the MCP server exited");
        buffer_.append(buf, static_cast<size_t>(n));
    }
}

std::vector<McpServerState> ConnectMcpServers(const std::vector<McpServerConfig>& configs) {
    std::vector<McpServerState> out;
    for (const auto& config : configs) {
        McpServerState state;
        state.name = config.name;
        state.config = config.raw;
        if (config.type != "stdio") {
            state.status = "failed";
            state.error = "MCP transport '" + config.type + "' is not supported yet";
            out.push_back(std::move(state));
            continue;
        }
        auto client = McpStdioClient::Start(config);
        Result<Json> init = client ? (*client)->Request("initialize",
            {{"protocolVersion", "2025-06-18"}, {"capabilities", Json::object()},
             {"clientInfo", {{"name", "cortex"}, {"version", "2.1.0"}}}}, kHandshakeTimeoutMs)
                                   : Result<Json>(client.error());
        Result<Json> list = MakeError(ErrorCode::kUnavailable, "not connected");
        if (init) {
            (*client)->Notify("notifications/initialized", Json::object());
            list = (*client)->Request("tools/list", Json::object(), kHandshakeTimeoutMs);
        }
        if (!init || !list) {
            state.status = "failed";
            state.error = !init ? init.error().message : list.error().message;
        } else {
            state.status = "connected";
            state.server_info = init->value("serverInfo", Json::object());
            state.tools = list->value("tools", Json::array());
            state.client = std::shared_ptr<McpStdioClient>(std::move(*client));
        }
        out.push_back(std::move(state));
    }
    return out;
}

std::vector<BuiltinTool> McpTools(const std::vector<McpServerState>& servers) {
    std::vector<BuiltinTool> tools;
    for (const auto& server : servers) {
        if (server.status != "connected") continue;
        for (const Json& t : server.tools) {
            if (!t.is_object() || !t.contains("name")) continue;
            const std::string name = t["name"];
            BuiltinTool tool{"mcp__" + server.name + "__" + name, t.value("description", ""),
                             t.value("inputSchema", Json{{"type", "object"}}), ToolKind::kExecute, "", nullptr};
            auto client = server.client;
            tool.run = [client, name](const Json& input, const ToolContext&) {
                auto result = client->Request("tools/call", {{"name", name}, {"arguments", input}}, kCallTimeoutMs);
                if (!result) return ToolError(result.error().message);
                ToolOutput out;
                for (const Json& block : result->value("content", Json::array()))
                    if (block.value("type", "") == "text") out.text += block.value("text", "");
                out.is_error = result->value("isError", false);
                out.structured = *result;
                return out;
            };
            tools.push_back(std::move(tool));
        }
    }
    return tools;
}

Json McpInitList(const std::vector<McpServerState>& servers) {
    Json list = Json::array();
    for (const auto& s : servers) list.push_back({{"name", s.name}, {"status", s.status}});
    return list;
}

Json McpStatus(const std::vector<McpServerState>& servers) {
    Json list = Json::array();
    for (const auto& s : servers) {
        Json entry = {{"name", s.name}, {"status", s.status}, {"config", s.config}};
        if (!s.error.empty()) entry["error"] = s.error;
        if (s.status == "connected") {
            entry["serverInfo"] = s.server_info;
            Json tools = Json::array();
            for (const Json& t : s.tools) tools.push_back({{"name", t.value("name", "")},
                                                           {"description", t.value("description", "")}});
            entry["tools"] = tools;
        }
        list.push_back(entry);
    }
    return {{"mcpServers", list}};
}

}  // namespace oc::code
