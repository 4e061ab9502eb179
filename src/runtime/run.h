// One agent run as the server keeps it: an append-only event log, live subscribers (SSE
// streams), its status and the cancel flag. Reconnects replay the log from a sequence number
// and then follow live (reference agents-api.md §3.9).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"
#include "runtime/run_event.h"

namespace oc::runtime {

enum class RunStatus { kRunning, kCompleted, kCancelled, kFailed };

// "in_progress", "completed", "cancelled", "failed".
const char* RunStatusName(RunStatus status);

// Thread identities of a run (0 = none).
struct RunIds {
    std::string run_id;
    int64_t thread_id = 0;
    int64_t user_message_id = 0;
    int64_t assistant_message_id = 0;  // set when the run stored its answer
    std::string user;                  // who started it (reconnect and cancel are the user's)
};

// Receives events in sequence order. on_event returns false when the receiver is gone (the
// subscription is then dropped, without on_end). on_event runs while the run's lock is held: it
// must be quick and must not call back into the Run (except Cancel()). on_end is called once,
// without the lock, after the run finished (or at once when subscribing to a finished run).
struct Subscriber {
    std::function<bool(const RunEvent&)> on_event;
    std::function<void()> on_end;
};

// Thread-safe. Producers (the run thread) Append and Finish; any thread may subscribe, cancel
// and read.
class Run {
public:
    explicit Run(RunIds ids);

    const std::string& id() const { return ids_.run_id; }
    RunIds ids() const;
    void SetAssistantMessageId(int64_t id);

    // Appends an event with the next sequence number and hands it to every live subscriber.
    // Returns the sequence number, or 0 when the run has already finished (nothing appended).
    int64_t Append(const std::string& name, const Json& data);
    int64_t AppendRaw(const std::string& name, std::string data);

    // Ends the run: status, the final `response` object (null unless completed/cancelled) or the
    // error payload; ends every subscription and wakes WaitFinished.
    void Finish(RunStatus status, Json final_response, Json error = nullptr);

    // Replays events with seq > after_seq, then follows live. Returns a subscription id, or 0
    // when the run had already finished (everything replayed and on_end called before return).
    uint64_t Subscribe(int64_t after_seq, Subscriber subscriber);
    void Unsubscribe(uint64_t subscription);

    // Requests cancellation: the orchestrator and the upstream call observe cancel_token().
    // Safe from any thread, including subscriber callbacks.
    void Cancel();
    bool cancel_requested() const { return cancel_requested_.load(); }
    const llm::CancelToken& cancel_token() const { return cancel_token_; }
    // Budget deadline (orchestrator): cancels the token without marking a user cancel.
    void InterruptForDeadline() { cancel_token_.Cancel(); }

    RunStatus status() const;
    bool finished() const;
    // Blocks until finished or the timeout passes; returns finished().
    bool WaitFinished(std::chrono::milliseconds timeout) const;
    Json final_response() const;
    Json error() const;
    int64_t finished_at_ms() const;  // 0 while running
    std::vector<RunEvent> EventsAfter(int64_t after_seq) const;

private:
    mutable std::mutex mu_;
    mutable std::condition_variable finished_cv_;
    RunIds ids_;                                // guarded by mu_ (assistant id changes)
    std::vector<RunEvent> events_;              // guarded by mu_
    std::map<uint64_t, Subscriber> subscribers_;  // guarded by mu_
    uint64_t next_subscription_ = 1;            // guarded by mu_
    RunStatus status_ = RunStatus::kRunning;    // guarded by mu_
    Json final_response_;                       // guarded by mu_
    Json error_;                                // guarded by mu_
    int64_t finished_at_ms_ = 0;                // guarded by mu_
    std::atomic<bool> cancel_requested_{false};
    llm::CancelToken cancel_token_;
};

}  // namespace oc::runtime
