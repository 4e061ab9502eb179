// opencortex C++ agent SDK: a multi-turn session with one CLI process.
#ifndef OPENCORTEX_CLIENT_H_
#define OPENCORTEX_CLIENT_H_

#include <memory>
#include <optional>
#include <string>

#include "opencortex/options.h"
#include "opencortex/query.h"
#include "opencortex/transport.h"

namespace opencortex {

// Keeps one `cortex` process open across turns: query() sends a prompt, receive_response() yields
// that turn's messages up to its ResultMessage. Control requests (interrupt, set_model, ...) may be
// sent while a turn runs. The destructor disconnects (closes stdin, waits, then terminates).
//
//   opencortex::Client client(options);
//   client.connect();
//   client.query("What files are here?");
//   for (const auto& message : client.receive_response()) { ... }
class Client {
 public:
  explicit Client(Options options = {}, std::unique_ptr<Transport> transport = nullptr);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Starts the CLI and completes the initialize handshake. Throws CLINotFoundError /
  // CLIConnectionError. With a prompt, also sends it as the first turn.
  void connect();
  void connect(const std::string& prompt);
  bool is_connected() const;

  // Sends a prompt (one turn). `session_id` is a host label echoed on the frame.
  void query(const std::string& prompt, const std::string& session_id = "default");
  // Sends a full SDK→CLI frame (a user message with content blocks, ...).
  void send(const json& frame);

  // Every message until the CLI exits (after disconnect()).
  MessageStream receive_messages();
  // Messages up to and including the next ResultMessage.
  MessageStream receive_response();

  void interrupt();
  void set_permission_mode(PermissionMode mode);
  // nullopt asks for the CLI's default model.
  void set_model(const std::optional<std::string>& model);
  void stop_task(const std::string& task_id);
  // The `response` of mcp_status: {"mcpServers":[{name,status,...}]}.
  json get_mcp_status();
  // The initialize response (commands, models, output styles, ...).
  json server_info() const;

  // Closes stdin, lets the CLI flush its session, and reaps it. Idempotent.
  void disconnect();

 private:
  Options options_;
  std::unique_ptr<Transport> transport_;
  std::shared_ptr<detail::Session> session_;
};

}  // namespace opencortex

#endif  // OPENCORTEX_CLIENT_H_
