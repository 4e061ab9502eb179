// Internal: one live conversation with a CLI over a Transport — the control protocol (initialize,
// SDK→CLI requests with ids and timeouts, CLI→SDK can_use_tool / hook_callback handled on their
// own threads) and the queue of conversational messages.
#ifndef OPENCORTEX_SDK_SESSION_H_
#define OPENCORTEX_SDK_SESSION_H_

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "opencortex/options.h"
#include "opencortex/transport.h"
#include "opencortex/types.h"

namespace opencortex::detail {

class Session {
 public:
  Session(Options options, std::unique_ptr<Transport> transport);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Connects the transport, starts the reader, sends initialize and waits for its answer.
  void start();
  // The same in two steps, so a one-shot query can write its prompt before the answer arrives
  // (the CLI reads stdin in order, so initialize still applies first).
  void start_async();
  void wait_initialized();
  // Writes one SDK→CLI frame.
  void write(const json& frame);
  // Sends a control request and waits for the response body. Throws on error or timeout.
  json control(json request);
  // Next message (blocking); nullopt at the end; rethrows the stream's terminal error once.
  std::optional<Message> next();
  // Closes the CLI's stdin now, or (when deferred) right after the next result.
  void end_input();
  void end_input_after_result();
  // True when the CLI may call back into the host (hooks or a permission callback).
  bool bidirectional() const;
  // Stops the CLI and joins every thread. Idempotent.
  void close();
  json server_info() const;
  bool connected() const { return started_ && !closed_; }

 private:
  struct Pending {
    bool done = false;
    bool ok = false;
    json body;
    std::string error;
  };

  struct SentControl {
    std::string id;
    std::shared_ptr<Pending> pending;
    std::string subtype;
  };
  SentControl SendControl(json request);
  json AwaitControl(const std::string& id, const std::shared_ptr<Pending>& pending, const std::string& subtype);

  void ReaderLoop();
  void Dispatch(json frame);
  void HandleRequest(json frame);
  json HandleCanUseTool(const json& request);
  json HandleHook(const json& request);
  void Respond(const std::string& id, const json& body);
  void RespondError(const std::string& id, const std::string& message);
  void Push(std::optional<Message> message, std::exception_ptr error);
  json InitializeRequest();
  // Why a control request gets no answer once the CLI has exited (mu_ held).
  std::string ExitReason() const;

  Options options_;
  std::unique_ptr<Transport> transport_;
  std::map<std::string, HookCallback> hook_callbacks_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Message> queue_;
  std::exception_ptr error_;
  bool eof_ = false;
  std::map<std::string, std::shared_ptr<Pending>> pending_;
  std::map<std::string, std::shared_ptr<HookContext>> inflight_;
  std::optional<ResultMessage> last_result_;
  bool end_after_result_ = false;
  json server_info_;
  std::optional<SentControl> init_;  // initialize sent by start_async(), not yet awaited
  uint64_t counter_ = 0;

  std::thread reader_;
  std::vector<std::thread> handlers_;
  std::atomic<bool> started_{false};
  std::atomic<bool> closed_{false};
};

}  // namespace opencortex::detail

#endif  // OPENCORTEX_SDK_SESSION_H_
