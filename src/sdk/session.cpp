#include "session.h"

#include <chrono>
#include <random>

#include "opencortex/errors.h"
#include "opencortex/message_parser.h"

namespace opencortex::detail {
namespace {

std::string RandomHex8() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (char& c : out) c = kHex[rng() % 16];
  return out;
}

std::optional<std::string> OptString(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

}  // namespace

Session::Session(Options options, std::unique_ptr<Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {
  if (!transport_) transport_ = std::make_unique<SubprocessTransport>(options_);
}

Session::~Session() { close(); }

bool Session::bidirectional() const {
  if (options_.can_use_tool) return true;
  for (const auto& [event, matchers] : options_.hooks) {
    for (const auto& m : matchers) {
      if (!m.hooks.empty()) return true;
    }
  }
  return false;
}

json Session::InitializeRequest() {
  json request = {{"subtype", "initialize"}, {"hooks", nullptr}};
  json hooks = json::object();
  size_t next_id = 0;
  for (const auto& [event, matchers] : options_.hooks) {
    json list = json::array();
    for (const HookMatcher& matcher : matchers) {
      json ids = json::array();
      for (const HookCallback& callback : matcher.hooks) {
        std::string id = "hook_" + std::to_string(next_id++);
        hook_callbacks_[id] = callback;
        ids.push_back(id);
      }
      json entry = {{"matcher", matcher.matcher ? json(*matcher.matcher) : json(nullptr)}, {"hookCallbackIds", ids}};
      if (matcher.timeout_seconds) entry["timeout"] = *matcher.timeout_seconds;
      list.push_back(std::move(entry));
    }
    if (!list.empty()) hooks[std::string(to_string(event))] = std::move(list);
  }
  if (!hooks.empty()) request["hooks"] = std::move(hooks);
  return request;
}

void Session::start() {
  start_async();
  wait_initialized();
}

void Session::start_async() {
  if (started_) return;
  transport_->connect();
  started_ = true;
  reader_ = std::thread([this] { ReaderLoop(); });
  init_ = SendControl(InitializeRequest());
}

void Session::wait_initialized() {
  if (!init_) return;
  auto [id, pending, subtype] = *init_;
  init_.reset();
  json info = AwaitControl(id, pending, subtype);
  std::lock_guard lock(mu_);
  server_info_ = std::move(info);
}

json Session::server_info() const {
  std::lock_guard lock(mu_);
  return server_info_;
}

void Session::write(const json& frame) {
  if (!started_ || closed_) throw CLIConnectionError("Not connected. Call connect() first.");
  transport_->write(frame.dump());
}

Session::SentControl Session::SendControl(json request) {
  std::string subtype = request.value("subtype", "");
  auto pending = std::make_shared<Pending>();
  std::string id;
  {
    std::lock_guard lock(mu_);
    // A CLI that failed at start-up may be gone before the first request: report its error result.
    if (eof_) {
      throw CLIConnectionError("CLI has exited; cannot send control request: " + subtype + " (" +
                               ExitReason() + ")");
    }
    id = "req_" + std::to_string(++counter_) + "_" + RandomHex8();
    pending_[id] = pending;
  }
  write(json{{"type", "control_request"}, {"request_id", id}, {"request", std::move(request)}});
  return {id, pending, subtype};
}

json Session::AwaitControl(const std::string& id, const std::shared_ptr<Pending>& pending,
                           const std::string& subtype) {
  std::unique_lock lock(mu_);
  bool answered = cv_.wait_for(lock, std::chrono::duration<double>(options_.control_timeout_seconds),
                               [&] { return pending->done; });
  pending_.erase(id);
  if (!answered) throw CLIConnectionError("Control request timeout: " + subtype);
  if (!pending->ok) throw SdkError(pending->error);
  return pending->body;
}

json Session::control(json request) {
  auto [id, pending, subtype] = SendControl(std::move(request));
  return AwaitControl(id, pending, subtype);
}

void Session::end_input() { transport_->end_input(); }

void Session::end_input_after_result() {
  std::unique_lock lock(mu_);
  if (last_result_ || eof_) {
    lock.unlock();
    transport_->end_input();
    return;
  }
  end_after_result_ = true;
}

void Session::Push(std::optional<Message> message, std::exception_ptr error) {
  std::lock_guard lock(mu_);
  if (message) queue_.push_back(std::move(*message));
  if (error && !error_) error_ = error;
  cv_.notify_all();
}

std::optional<Message> Session::next() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !queue_.empty() || eof_; });
  if (!queue_.empty()) {
    Message m = std::move(queue_.front());
    queue_.pop_front();
    return m;
  }
  if (error_) {
    std::exception_ptr e = error_;
    error_ = nullptr;
    std::rethrow_exception(e);
  }
  return std::nullopt;
}

void Session::ReaderLoop() {
  std::exception_ptr failure;
  try {
    while (auto frame = transport_->read()) Dispatch(std::move(*frame));
    try {
      transport_->finish();
    } catch (const ProcessError& e) {
      std::lock_guard lock(mu_);
      if (last_result_ && last_result_->is_error) {
        std::string text = last_result_->subtype == "success" ? last_result_->result.value_or("") : "";
        for (const std::string& err : last_result_->errors) text += (text.empty() ? "" : "; ") + err;
        if (text.empty()) text = last_result_->subtype;
        throw ResultError("Cortex Code returned an error result: " + text, e.exit_code(), e.stderr_output(),
                          last_result_->subtype, last_result_->errors);
      }
      throw;
    }
  } catch (...) {
    failure = std::current_exception();
  }
  std::lock_guard lock(mu_);
  if (failure && !error_) error_ = failure;
  const std::string why = ExitReason();
  for (auto& [id, pending] : pending_) {
    if (!pending->done) {
      pending->done = true;
      pending->ok = false;
      pending->error = why;
    }
  }
  eof_ = true;
  cv_.notify_all();
}

std::string Session::ExitReason() const {
  std::string why = "CLI exited before answering the control request";
  if (last_result_ && last_result_->is_error && !last_result_->errors.empty()) {
    why = "Cortex Code returned an error result: ";
    for (size_t i = 0; i < last_result_->errors.size(); ++i) why += (i ? "; " : "") + last_result_->errors[i];
  }
  return why;
}

void Session::Dispatch(json frame) {
  std::string type = frame.value("type", "");
  if (type == "control_response") {
    const json& response = frame["response"];
    std::string id = response.value("request_id", "");
    std::lock_guard lock(mu_);
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // unknown or timed-out request: ignored
    it->second->done = true;
    it->second->ok = response.value("subtype", "") == "success";
    it->second->body = response.contains("response") && !response["response"].is_null() ? response["response"]
                                                                                          : json::object();
    it->second->error = response.value("error", "control request failed");
    cv_.notify_all();
    return;
  }
  if (type == "control_request") {
    std::lock_guard lock(mu_);
    std::string id = frame.value("request_id", "");
    inflight_[id] = std::make_shared<HookContext>();
    handlers_.emplace_back([this, f = std::move(frame)]() mutable { HandleRequest(std::move(f)); });
    return;
  }
  if (type == "control_cancel_request") {
    std::lock_guard lock(mu_);
    auto it = inflight_.find(frame.value("request_id", ""));
    if (it != inflight_.end()) it->second->cancelled = true;
    return;
  }
  if (type == "keep_alive" || type == "transcript_mirror") return;
  Message message = parse_message(frame);
  bool close_input = false;
  if (auto* result = std::get_if<ResultMessage>(&message)) {
    std::lock_guard lock(mu_);
    last_result_ = *result;
    close_input = end_after_result_;
    end_after_result_ = false;
  }
  Push(std::move(message), nullptr);
  if (close_input) transport_->end_input();
}

void Session::HandleRequest(json frame) {
  std::string id = frame.value("request_id", "");
  const json& request = frame["request"];
  std::string subtype = request.value("subtype", "");
  try {
    json body;
    if (subtype == "can_use_tool") {
      body = HandleCanUseTool(request);
    } else if (subtype == "hook_callback") {
      body = HandleHook(request);
    } else if (subtype == "mcp_message") {
      throw SdkError("SDK MCP servers are not supported by the C++ SDK: " + request.value("server_name", ""));
    } else {
      throw SdkError("Unsupported control request subtype: " + subtype);
    }
    Respond(id, body);
  } catch (const std::exception& e) {
    RespondError(id, e.what());
  }
  std::lock_guard lock(mu_);
  inflight_.erase(id);
}

json Session::HandleCanUseTool(const json& request) {
  if (!options_.can_use_tool) throw SdkError("canUseTool callback is not provided");
  ToolPermissionContext context;
  context.tool_use_id = OptString(request, "tool_use_id");
  context.suggestions = request.value("permission_suggestions", json());
  context.blocked_path = OptString(request, "blocked_path");
  context.decision_reason = OptString(request, "decision_reason");
  context.agent_id = OptString(request, "agent_id");
  context.raw = request;
  json input = request.value("input", json::object());
  PermissionResult result = options_.can_use_tool(request.value("tool_name", ""), input, context);
  if (const auto* allow = std::get_if<PermissionResultAllow>(&result)) {
    json body = {{"behavior", "allow"}, {"updatedInput", allow->updated_input ? *allow->updated_input : input}};
    if (allow->updated_permissions) body["updatedPermissions"] = *allow->updated_permissions;
    return body;
  }
  const auto& deny = std::get<PermissionResultDeny>(result);
  json body = {{"behavior", "deny"}, {"message", deny.message}};
  if (deny.interrupt) body["interrupt"] = true;
  return body;
}

json Session::HandleHook(const json& request) {
  std::string callback_id = request.value("callback_id", "");
  auto it = hook_callbacks_.find(callback_id);
  if (it == hook_callbacks_.end()) throw SdkError("No hook callback found for ID: " + callback_id);
  HookInput input = parse_hook_input(request.value("input", json::object()));
  std::optional<std::string> tool_use_id = OptString(request, "tool_use_id");
  HookContext context;
  HookOutput output = it->second(input, tool_use_id, context);
  return output.to_json();
}

void Session::Respond(const std::string& id, const json& body) {
  {
    std::lock_guard lock(mu_);
    auto it = inflight_.find(id);
    if (it != inflight_.end() && it->second->cancelled) return;  // cancelled: no response at all
  }
  try {
    transport_->write(
        json{{"type", "control_response"}, {"response", {{"subtype", "success"}, {"request_id", id}, {"response", body}}}}
            .dump());
  } catch (const SdkError&) {  // stdin already closed: the CLI no longer listens
  }
}

void Session::RespondError(const std::string& id, const std::string& message) {
  try {
    transport_->write(
        json{{"type", "control_response"}, {"response", {{"subtype", "error"}, {"request_id", id}, {"error", message}}}}
            .dump());
  } catch (const SdkError&) {
  }
}

void Session::close() {
  if (closed_.exchange(true)) return;
  if (started_) {
    transport_->close();
    if (reader_.joinable()) reader_.join();
  }
  std::vector<std::thread> handlers;
  {
    std::lock_guard lock(mu_);
    handlers.swap(handlers_);
    eof_ = true;
    cv_.notify_all();
  }
  for (std::thread& t : handlers) {
    if (t.joinable()) t.join();
  }
}

}  // namespace opencortex::detail
