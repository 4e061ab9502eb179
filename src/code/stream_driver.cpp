// The stream-json reader loop, control request handling and the turn worker.
#include "code/stream_driver.h"

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <map>
#include <optional>
#include <thread>

#include "code/json_schema.h"
#include "code/mcp_manager.h"
#include "code/task_tool.h"
#include "common/ids.h"
#include "common/log.h"

namespace oc::code {
namespace {

std::atomic<llm::CancelToken*> g_active_cancel{nullptr};

bool ValidMode(const std::string& m) {
    return m == "default" || m == "acceptEdits" || m == "plan" || m == "bypassPermissions" ||
           m == "dontAsk";
}

class StreamDriver : public SessionHost {
public:
    StreamDriver(Session& session, PermissionPolicy& policy, const llm::ModelRegistry& registry,
                 const CodeOptions& options, NdjsonWriter& writer)
        : session_(session), policy_(policy), registry_(registry), writer_(writer),
          can_ask_(options.permission_prompt_tool == "stdio"), replay_(options.replay_user_messages) {}

    int Run(std::istream& in) {
        std::thread worker([this] { Work(); });
        std::string line;
        size_t line_number = 0;
        while (std::getline(in, line)) {
            ++line_number;
            HandleLine(line, line_number);
        }
        {
            std::lock_guard<std::mutex> lock(mu_);
            eof_ = true;
        }
        cv_.notify_all();
        worker.join();
        std::vector<std::thread> background;
        std::vector<std::shared_future<void>> sdk_ready;
        {
            std::lock_guard<std::mutex> lock(mu_);
            background.swap(background_);
            sdk_ready = sdk_ready_;
        }
        for (std::thread& t : background) t.join();
        for (const auto& f : sdk_ready) f.wait();
        return last_is_error_ ? 1 : 0;
    }

    void Emit(const Json& frame) override { writer_.Write(frame); }
    bool CanAskPermission() const override { return can_ask_; }

    Result<Json> SendControl(const Json& request, const llm::CancelToken& cancel, int timeout_ms = 0) override {
        const std::string id = "cli_req_" + NewUuid();
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        std::unique_lock<std::mutex> lock(mu_);
        if (eof_) return MakeError(ErrorCode::kUnavailable, "stdin is closed; no one can answer");
        pending_[id] = std::nullopt;
        lock.unlock();
        writer_.Write({{"type", "control_request"}, {"request_id", id}, {"request", request}});
        lock.lock();
        bool timed_out = false;
        while (!pending_[id] && !cancel.cancelled() && !eof_) {
            if (timeout_ms > 0 && std::chrono::steady_clock::now() >= deadline) {
                timed_out = true;
                break;
            }
            cv_.wait_for(lock, std::chrono::milliseconds(50));
        }
        std::optional<Result<Json>> answer = std::move(pending_[id]);
        pending_.erase(id);  // a late answer is ignored
        if (answer) return std::move(*answer);
        lock.unlock();
        const std::string subtype = request.value("subtype", "");
        if (timed_out) {
            writer_.Write({{"type", "control_cancel_request"}, {"request_id", id}});
            return MakeError(ErrorCode::kDeadlineExceeded, subtype + " request " + id + " was not answered within " +
                                                               std::to_string(timeout_ms) + " ms");
        }
        if (cancel.cancelled()) return MakeError(ErrorCode::kCancelled, "the turn was interrupted");
        return MakeError(ErrorCode::kUnavailable, "stdin closed before the control request was answered");
    }

private:
    void InputError(const std::string& message) {
        GetLogger("code")->warn("{}", message);
        Emit({{"type", "system"}, {"subtype", "error"}, {"error", message},
              {"session_id", session_.session_id()}, {"uuid", NewUuid()}});
    }

    void HandleLine(std::string line, size_t line_number) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos) return;
        Json frame = Json::parse(line, nullptr, false);
        if (frame.is_discarded() || !frame.is_object()) {
            InputError("invalid input line " + std::to_string(line_number) +
                       ": not a JSON object: " + line.substr(0, 200));
            return;
        }
        const std::string type = frame.value("type", "");
        if (type == "control_request") return HandleControl(frame);
        if (type == "control_response") return Deliver(frame);
        if (type == "control_cancel_request" || type == "keep_alive") return;
        if (type == "user") {
            if (!frame.contains("message") || !frame["message"].is_object() ||
                !frame["message"].contains("content")) {
                InputError("invalid input line " + std::to_string(line_number) +
                           ": user message without message.content");
                return;
            }
            {
                std::lock_guard<std::mutex> lock(mu_);
                queue_.push_back(std::move(frame));
            }
            cv_.notify_all();
            return;
        }
        InputError("invalid input line " + std::to_string(line_number) + ": unknown message type '" +
                   type + "'");
    }

    void Deliver(const Json& frame) {
        const Json& r = frame.contains("response") ? frame["response"] : Json();
        const std::string id = r.is_object() ? r.value("request_id", "") : "";
        std::lock_guard<std::mutex> lock(mu_);
        auto it = pending_.find(id);
        if (it == pending_.end()) return;  // unknown ids are ignored, as the SDKs do
        if (r.value("subtype", "") == "success")
            it->second = Result<Json>(r.contains("response") && r["response"].is_object()
                                          ? r["response"] : Json::object());
        else
            it->second = Result<Json>(MakeError(ErrorCode::kPermissionDenied, r.value("error", "error")));
        cv_.notify_all();
    }

    void HandleControl(const Json& frame) {
        const std::string id = frame.contains("request_id") && frame["request_id"].is_string()
                                   ? frame["request_id"].get<std::string>() : "";
        const Json& req = frame.contains("request") ? frame["request"] : Json();
        if (id.empty() || !req.is_object()) {
            InputError("control_request without request_id or request object");
            return;
        }
        const std::string subtype = req.value("subtype", "");
        if (subtype == "initialize") {
            Emit(ControlSuccess(id, Initialize(req)));
            return StartSdkServers(req);
        }
        if (subtype == "interrupt") {
            Emit(ControlSuccess(id));  // the ack precedes the interrupted turn's result
            std::lock_guard<std::mutex> lock(mu_);
            if (current_cancel_) current_cancel_->Cancel();
            if (req.value("cancel_queued", false)) queue_.clear();
            cv_.notify_all();
            return;
        }
        if (subtype == "set_permission_mode") {
            const std::string mode = req.value("mode", "");
            if (!ValidMode(mode)) return Emit(ControlError(id, "Invalid permission mode: " + mode));
            policy_.SetMode(mode);
            return Emit(ControlSuccess(id));
        }
        if (subtype == "set_model") {
            const std::string model = req.contains("model") && req["model"].is_string()
                                          ? req["model"].get<std::string>() : "";
            Status s = session_.SetModel(model);
            return Emit(s ? ControlSuccess(id) : ControlError(id, s.error().message));
        }
        if (subtype == "mcp_status") return Emit(ControlSuccess(id, session_.McpStatusBody()));
        if (subtype == "mcp_message") {  // server-initiated traffic of an in-process server: acked
            const std::string server = req.value("server_name", "");
            if (session_.mcp() && session_.mcp()->IsSdkServer(server)) return Emit(ControlSuccess(id));
            return Emit(ControlError(id, "SDK MCP server not found: " + server));
        }
        if (subtype == "mcp_toggle" || subtype == "mcp_reconnect") return McpControl(id, subtype, req);
        if (subtype == "stop_task") {
            const std::string task = req.value("task_id", "");
            if (!HasSubagentTask(task)) return Emit(ControlError(id, "No running task with id " + task));
            Emit(ControlSuccess(id));  // the ack precedes the task's "stopped" notification
            StopSubagentTask(task);
            return;
        }
        Emit(ControlError(id, "Unsupported control request subtype: " + subtype));
    }

    // mcp_toggle {serverName, enabled} / mcp_reconnect {serverName}: answered from a background
    // thread, since connecting an SDK server needs this reader to deliver its answers.
    void McpControl(const std::string& id, const std::string& subtype, const Json& req) {
        const std::string name = req.contains("serverName") && req["serverName"].is_string()
                                     ? req["serverName"].get<std::string>() : req.value("server_name", "");
        if (name.empty()) return Emit(ControlError(id, subtype + " needs serverName"));
        const bool toggle = subtype == "mcp_toggle";
        if (toggle && !(req.contains("enabled") && req["enabled"].is_boolean()))
            return Emit(ControlError(id, "mcp_toggle needs a boolean enabled"));
        if (!session_.mcp()) return Emit(ControlError(id, "MCP server not found: " + name));
        const bool enabled = toggle && req["enabled"].get<bool>();
        std::lock_guard<std::mutex> lock(mu_);
        background_.emplace_back([this, id, name, toggle, enabled] {
            const Status st = toggle ? session_.mcp()->Toggle(name, enabled) : session_.mcp()->Reconnect(name);
            Emit(st ? ControlSuccess(id) : ControlError(id, st.error().message));
        });
    }

    // initialize.sdkMcpServers (TSSDK) and --mcp-config servers of type sdk (PySDK): their
    // handshake runs over mcp_message requests in the background; the first turn waits for it.
    void StartSdkServers(const Json& req) {
        McpManager* mcp = session_.mcp();
        std::vector<std::string> names;
        if (req.contains("sdkMcpServers") && req["sdkMcpServers"].is_array())
            for (const Json& n : req["sdkMcpServers"])
                if (n.is_string() && !n.get<std::string>().empty()) names.push_back(n.get<std::string>());
        if (!mcp || (names.empty() && !mcp->HasPendingSdk())) return;
        SdkControlSender send = [this](const Json& request, int timeout_ms, const llm::CancelToken* cancel) {
            llm::CancelToken never;
            return SendControl(request, cancel ? *cancel : never, timeout_ms);
        };
        std::lock_guard<std::mutex> lock(mu_);
        // Kept (never replaced): dropping the last reference to a std::async state would block.
        sdk_ready_.push_back(std::async(std::launch::async, [mcp, names, send] { mcp->ConnectSdk(names, send); }).share());
    }

    Json Initialize(const Json& req) {
        std::optional<std::string> system;
        if (req.contains("systemPrompt") && req["systemPrompt"].is_array()) {
            std::string joined;
            for (const Json& part : req["systemPrompt"])
                if (part.is_string()) joined += (joined.empty() ? "" : "\n\n") + part.get<std::string>();
            system = joined;
        } else if (req.contains("systemPrompt") && req["systemPrompt"].is_string()) {
            system = req["systemPrompt"].get<std::string>();
        }
        session_.SetSystemPrompt(system, req.value("appendSystemPrompt", ""));
        if (req.contains("hooks")) session_.AddHooks(ParseHooks(req["hooks"]));
        Json agents = Json::array();
        if (req.contains("agents") && req["agents"].is_object()) {
            std::vector<std::string> names;
            for (auto it = req["agents"].begin(); it != req["agents"].end(); ++it) {
                names.push_back(it.key());
                agents.push_back({{"name", it.key()},
                                  {"description", it.value().is_object() ? it.value().value("description", "") : ""}});
            }
            session_.SetAgents(std::move(names));
            session_.SetAgentDefinitions(req["agents"]);
        }
        if (req.contains("jsonSchema") && req["jsonSchema"].is_object() &&
            CheckStructuredOutputSchema(req["jsonSchema"]))
            session_.SetJsonSchema(req["jsonSchema"]);
        Json models = Json::array();
        for (const std::string& name : registry_.Names())
            models.push_back({{"value", name}, {"displayName", name}, {"description", name}});
        return {{"commands", Json::array({{{"name", "clear"}, {"description", "Clear the conversation"},
                                           {"argumentHint", ""}}})},
                {"agents", agents},
                {"output_style", "default"},
                {"available_output_styles", Json::array({"default"})},
                {"models", models},
                {"account", Json::object()},
                {"claude_code_version", kCodeVersion}};
    }

    void Work() {
        while (true) {
            std::unique_lock<std::mutex> lock(mu_);
            cv_.wait(lock, [this] { return !queue_.empty() || eof_; });
            if (queue_.empty()) return;
            Json frame = std::move(queue_.front());
            queue_.pop_front();
            if (replay_) {
                Json echo = frame;
                echo["session_id"] = session_.session_id();
                if (!echo.contains("uuid")) echo["uuid"] = NewUuid();
                Emit(echo);
            }
            if (frame.contains("shouldQuery") && frame["shouldQuery"] == false) {
                session_.AppendUserMessage(frame["message"]["content"]);
                continue;
            }
            auto cancel = std::make_shared<llm::CancelToken>();
            current_cancel_ = cancel;
            g_active_cancel = cancel.get();
            const std::vector<std::shared_future<void>> sdk_ready = sdk_ready_;
            lock.unlock();
            for (const auto& f : sdk_ready) f.wait();  // SDK MCP servers connected (or failed)
            Emit(session_.InitFrame());
            const TurnSummary summary = session_.RunTurn(frame["message"]["content"], *this, *cancel);
            Emit(ResultFrame(session_.session_id(), summary));
            last_is_error_ = summary.is_error;
            g_active_cancel = nullptr;
            lock.lock();
            current_cancel_.reset();
        }
    }

    Session& session_;
    PermissionPolicy& policy_;
    const llm::ModelRegistry& registry_;
    NdjsonWriter& writer_;
    const bool can_ask_;
    const bool replay_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Json> queue_;
    bool eof_ = false;
    std::shared_ptr<llm::CancelToken> current_cancel_;
    std::map<std::string, std::optional<Result<Json>>> pending_;
    std::vector<std::shared_future<void>> sdk_ready_;  // the SDK MCP servers' handshakes
    std::vector<std::thread> background_;     // mcp_toggle / mcp_reconnect
    std::atomic<bool> last_is_error_{false};
};

}  // namespace

void SetActiveCancel(llm::CancelToken* token) { g_active_cancel = token; }

bool InterruptActiveTurn() {
    llm::CancelToken* token = g_active_cancel.load();
    if (!token) return false;
    token->Cancel();
    return true;
}

int RunStreamJson(Session& session, PermissionPolicy& policy, const llm::ModelRegistry& registry,
                  const CodeOptions& options, std::istream& in, NdjsonWriter& writer) {
    StreamDriver driver(session, policy, registry, options, writer);
    return driver.Run(in);
}

}  // namespace oc::code
