// Every run of the server by run_id, and the bounded pool of run threads that executes them
// (never the HTTP workers). Finished runs stay replayable for `retention_ms`, then answer 409
// (reference agents-api.md §3.9).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "runtime/run.h"

namespace oc::store {
class SystemStore;
}  // namespace oc::store

namespace oc::runtime {

class RunJournal;

struct RegistryOptions {
    // Run threads, started on demand up to this many; each executes one run at a time.
    int max_threads = 64;
    // Runs waiting for a thread; more is kResourceExhausted (429).
    size_t max_queued = 1024;
    // How long a finished run stays replayable.
    int64_t retention_ms = 10 * 60 * 1000;
    // When set, events are also journaled to _cortex.run_events (run_journal.h), so finished
    // runs can be replayed after a restart. Must outlive the registry.
    store::SystemStore* journal_store = nullptr;
};

class RunRegistry {
public:
    explicit RunRegistry(RegistryOptions options = {});
    // Shutdown().
    ~RunRegistry();
    RunRegistry(const RunRegistry&) = delete;
    RunRegistry& operator=(const RunRegistry&) = delete;

    // Registers a new run (not started). kAlreadyExists for a duplicate id.
    Result<std::shared_ptr<Run>> Create(RunIds ids);
    // Queues body(run) on a run thread. The body must Finish the run; if it does not (or
    // throws), the run is finished as failed. kResourceExhausted when the queue is full (the run
    // is then removed).
    Status Start(const std::shared_ptr<Run>& run, std::function<void(Run&)> body);
    // The run; kNotFound for an unknown id, kFailedPrecondition (HTTP 409) once it expired.
    // With a journal, a run missing from memory is read back (blocks on DuckDB).
    Result<std::shared_ptr<Run>> Find(const std::string& run_id);
    // Cancels the run once gone() turns true (checked every 100 ms while the run is active): how
    // a client that disconnects while no event is being written still cancels its run.
    void CancelWhen(const std::shared_ptr<Run>& run, std::function<bool()> gone);
    // "0-<n>": run ids of runs without a thread (unique for the life of the data dir's clock).
    std::string NextAnonymousRunId();

    size_t active_runs() const;
    // Cancels every active run, lets queued and running bodies finish (they see the cancel) and
    // joins the threads; later Starts fail. Call before the HTTP server whose streams the runs
    // write to is destroyed. Idempotent.
    void Shutdown();

private:
    void Worker();
    void Sweep();  // REQUIRES: mu_ held
    void Monitor();
    Result<std::shared_ptr<Run>> Restore(const std::string& run_id);

    RegistryOptions options_;
    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::map<std::string, std::shared_ptr<Run>> runs_;  // guarded by mu_
    std::set<std::string> expired_;                     // guarded by mu_
    std::deque<std::function<void()>> queue_;           // guarded by mu_
    std::vector<std::thread> threads_;                  // guarded by mu_
    int idle_ = 0;                                      // guarded by mu_
    bool stopping_ = false;                             // guarded by mu_
    int64_t last_sweep_ms_ = 0;                         // guarded by mu_
    std::vector<std::pair<std::shared_ptr<Run>, std::function<bool()>>> watches_;  // guarded by mu_
    std::condition_variable monitor_cv_;
    std::thread monitor_;                               // started by the first CancelWhen
    std::atomic<int64_t> anonymous_;
    std::unique_ptr<RunJournal> journal_;  // null without journal_store
};

}  // namespace oc::runtime
