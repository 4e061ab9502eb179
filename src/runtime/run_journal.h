// Writes run events to _cortex.run_events in batches (one group commit every ~200 ms) so a run
// that finished before a restart can still be replayed (reference agents-api.md §3.9).
// Best effort: a failed write is logged, never fails the run.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/result.h"
#include "runtime/run.h"

namespace oc::store {
class SystemStore;
}  // namespace oc::store

namespace oc::runtime {

// A run as read back from the journal.
struct JournaledRun {
    RunIds ids;
    RunStatus status = RunStatus::kFailed;
    int64_t ended_on_ms = 0;  // 0 = never ended (the server stopped during the run)
    std::vector<RunEvent> events;
};

class RunJournal {
public:
    // Starts the writer thread; deletes the events of runs that ended (or, never ended, started)
    // more than retention_ms ago, and those runs' rows a week later.
    RunJournal(store::SystemStore& store, int64_t retention_ms);
    // Flushes what is pending and joins the writer.
    ~RunJournal();
    RunJournal(const RunJournal&) = delete;
    RunJournal& operator=(const RunJournal&) = delete;

    // Records the run's events from now on (a subscriber) and its end. Thread-safe.
    void Track(const std::shared_ptr<Run>& run);
    // Reads a run back; nullopt when unknown. Flushes pending writes first. Blocks on DuckDB.
    Result<std::optional<JournaledRun>> Load(const std::string& run_id);
    // Writes everything pending now.
    void Flush();

private:
    struct Pending {
        std::string run_id;
        RunEvent event;
    };
    struct Ended {
        RunIds ids;
        RunStatus status;
        int64_t ended_on_ms;
    };
    void Writer();
    Status Write(std::vector<Pending> events, std::vector<RunIds> started, std::vector<Ended> ended);

    store::SystemStore& store_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Pending> events_;   // guarded by mu_
    std::vector<RunIds> started_;   // guarded by mu_
    std::vector<Ended> ended_;      // guarded by mu_
    bool stopping_ = false;         // guarded by mu_
    std::mutex write_mu_;           // one Write at a time (writer thread or Flush)
    std::thread writer_;
};

}  // namespace oc::runtime
