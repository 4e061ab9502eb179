// Client: one CLI process across turns.
#include "opencortex/client.h"

#include "opencortex/errors.h"
#include "session.h"

namespace opencortex {

Client::Client(Options options, std::unique_ptr<Transport> transport)
    : options_(std::move(options)), transport_(std::move(transport)) {}

Client::~Client() { disconnect(); }

void Client::connect() {
  if (session_) throw CLIConnectionError("Client is already connected");
  auto session = std::make_shared<detail::Session>(options_, std::move(transport_));
  session->start();
  session_ = std::move(session);
}

void Client::connect(const std::string& prompt) {
  connect();
  query(prompt);
}

bool Client::is_connected() const { return session_ && session_->connected(); }

namespace {
detail::Session& Require(const std::shared_ptr<detail::Session>& session) {
  if (!session || !session->connected()) throw CLIConnectionError("Not connected. Call connect() first.");
  return *session;
}
}  // namespace

void Client::query(const std::string& prompt, const std::string& session_id) {
  send(json{{"type", "user"},
            {"message", {{"role", "user"}, {"content", prompt}}},
            {"parent_tool_use_id", nullptr},
            {"session_id", session_id}});
}

void Client::send(const json& frame) { Require(session_).write(frame); }

MessageStream Client::receive_messages() {
  Require(session_);
  return MessageStream(session_, /*owns_session=*/false, /*stop_after_result=*/false);
}

MessageStream Client::receive_response() {
  Require(session_);
  return MessageStream(session_, /*owns_session=*/false, /*stop_after_result=*/true);
}

void Client::interrupt() { Require(session_).control({{"subtype", "interrupt"}}); }

void Client::set_permission_mode(PermissionMode mode) {
  Require(session_).control({{"subtype", "set_permission_mode"}, {"mode", std::string(to_string(mode))}});
}

void Client::set_model(const std::optional<std::string>& model) {
  Require(session_).control({{"subtype", "set_model"}, {"model", model ? json(*model) : json(nullptr)}});
}

void Client::stop_task(const std::string& task_id) {
  Require(session_).control({{"subtype", "stop_task"}, {"task_id", task_id}});
}

json Client::get_mcp_status() { return Require(session_).control({{"subtype", "mcp_status"}}); }

json Client::server_info() const { return session_ ? session_->server_info() : json(); }

void Client::disconnect() {
  if (!session_) return;
  session_->close();
  session_.reset();
}

}  // namespace opencortex
