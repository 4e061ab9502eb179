// The session's MCP server set: startup, SDK servers, toggle and reconnect.
#include "code/mcp_manager.h"

#include <thread>

namespace oc::code {
namespace {

McpServerConfig SdkConfig(const std::string& name) {
    McpServerConfig config;
    config.name = name;
    config.type = "sdk";
    config.raw = {{"type", "sdk"}, {"name", name}};
    return config;
}

McpServerState Pending(const McpServerConfig& config) {
    McpServerState state;
    state.name = config.name;
    state.config = config.raw;
    state.sdk = config.type == "sdk";
    return state;
}

}  // namespace

void McpManager::Start(const std::vector<McpServerConfig>& configs) {
    const int timeout_ms = McpTimeoutMs();
    std::vector<McpServerState> states(configs.size());
    std::vector<std::thread> threads;
    for (size_t i = 0; i < configs.size(); ++i) {
        if (configs[i].type == "sdk") states[i] = Pending(configs[i]);
        else threads.emplace_back([&, i] { states[i] = ConnectMcpServer(configs[i], nullptr, timeout_ms); });
    }
    for (auto& t : threads) t.join();
    std::lock_guard<std::mutex> lock(mu_);
    configs_ = configs;
    servers_ = std::move(states);
}

void McpManager::ConnectSdk(const std::vector<std::string>& names, SdkControlSender send) {
    std::vector<McpServerConfig> pending;
    {
        std::lock_guard<std::mutex> lock(mu_);
        sdk_ = std::move(send);
        for (const std::string& name : names) {
            bool known = false;
            for (const auto& c : configs_) known = known || c.name == name;
            if (known) continue;
            configs_.push_back(SdkConfig(name));
            servers_.push_back(Pending(configs_.back()));
        }
        for (size_t i = 0; i < servers_.size(); ++i)
            if (servers_[i].sdk && servers_[i].status == "pending") pending.push_back(configs_[i]);
    }
    std::vector<std::thread> threads;
    for (const auto& config : pending) threads.emplace_back([this, config] { (void)ConnectOne(config); });
    for (auto& t : threads) t.join();
}

bool McpManager::HasPendingSdk() const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : servers_)
        if (s.sdk && s.status == "pending") return true;
    return false;
}

void McpManager::FailPendingSdk(const std::string& reason) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& s : servers_)
        if (s.sdk && s.status == "pending") {
            s.status = "failed";
            s.error = reason;
        }
}

Status McpManager::ConnectOne(const McpServerConfig& config) {
    SdkControlSender sdk;
    {
        std::lock_guard<std::mutex> lock(mu_);
        sdk = sdk_;
    }
    McpServerState state = ConnectMcpServer(config, sdk, McpTimeoutMs());
    std::shared_ptr<McpTransport> old;  // destroyed (a stdio child stopped) outside the lock
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& s : servers_) {
        if (s.name != config.name) continue;
        if (s.status == "disabled") return MakeError(ErrorCode::kFailedPrecondition, "MCP server " + config.name + " was disabled");
        old = std::move(s.client);
        s = std::move(state);
        if (s.status != "connected") return MakeError(ErrorCode::kUnavailable, "MCP server " + config.name + ": " + s.error);
        return {};
    }
    return MakeError(ErrorCode::kNotFound, "MCP server not found: " + config.name);
}

Status McpManager::Toggle(const std::string& name, bool enabled) {
    std::shared_ptr<McpTransport> old;
    McpServerConfig config;
    {
        std::lock_guard<std::mutex> lock(mu_);
        size_t i = 0;
        while (i < servers_.size() && servers_[i].name != name) ++i;
        if (i == servers_.size()) return MakeError(ErrorCode::kNotFound, "MCP server not found: " + name);
        McpServerState& s = servers_[i];
        if (!enabled) {
            old = std::move(s.client);
            s.status = "disabled";
            s.error.clear();
            s.tools = Json::array();
            return {};
        }
        if (s.status != "disabled") return {};
        s.status = "pending";
        config = configs_[i];
    }
    (void)ConnectOne(config);  // a failed connect leaves the server enabled and `failed`
    return {};
}

Status McpManager::Reconnect(const std::string& name) {
    McpServerConfig config;
    {
        std::lock_guard<std::mutex> lock(mu_);
        size_t i = 0;
        while (i < servers_.size() && servers_[i].name != name) ++i;
        if (i == servers_.size()) return MakeError(ErrorCode::kNotFound, "MCP server not found: " + name);
        if (servers_[i].status == "disabled")
            return MakeError(ErrorCode::kFailedPrecondition, "MCP server " + name + " is disabled; enable it with mcp_toggle");
        config = configs_[i];
    }
    return ConnectOne(config);
}

bool McpManager::IsSdkServer(const std::string& name) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& s : servers_)
        if (s.sdk && s.name == name) return true;
    return false;
}

std::vector<BuiltinTool> McpManager::Tools() const {
    std::lock_guard<std::mutex> lock(mu_);
    return McpTools(servers_);
}

Json McpManager::InitList() const {
    std::lock_guard<std::mutex> lock(mu_);
    return McpInitList(servers_);
}

Json McpManager::StatusBody() const {
    std::lock_guard<std::mutex> lock(mu_);
    return McpStatus(servers_);
}

std::vector<McpServerState> McpManager::Failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<McpServerState> out;
    for (const auto& s : servers_)
        if (s.status == "failed") out.push_back(s);
    return out;
}

}  // namespace oc::code
