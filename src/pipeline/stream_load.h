// Loading a package while it is still being normalized (docs/pipeline.md, "Streaming load").
// The normalizer's batches (one table's jsonl rows, with the table's columns as known so far) go
// to a loader thread that applies them to the destination inside one open transaction; the
// transaction commits only after the package is normalized and on disk, together with the
// package's system rows, so a killed run leaves the destination untouched and the next run loads
// the package from its files. A batch that fails makes the loader give up: it rolls back and the
// package is loaded the usual way (LoadNormalizedPackage), with the usual job failure reports.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"
#include "pipeline/destination.h"
#include "pipeline/normalize.h"
#include "pipeline/package_io.h"

namespace oc::pipeline {

struct LoadBatch {
    Table table;        // name, parent, root, disposition and columns so far; no rows
    std::string jsonl;  // complete lines
    size_t rows = 0;
    JobWriter* file = nullptr;  // the job file the lines are appended to first (null = none)
};

// What a destination does with the batches. `load` runs on the loader thread; `commit` (after
// the last batch was loaded) and `abandon` on the caller's thread.
struct StreamingLoadOps {
    std::function<Status(const LoadBatch& batch)> load;
    // Writes the package's system rows and commits.
    std::function<Status(const NormalizedPackage& package)> commit;
    // Rolls back whatever was loaded; called once when the load does not commit.
    std::function<void()> abandon;
};

class StreamingLoad {
public:
    // max_queued_bytes bounds the jsonl not yet loaded and written (Add blocks beyond it).
    StreamingLoad(StreamingLoadOps ops, size_t max_queued_bytes);
    ~StreamingLoad();  // abandons an uncommitted load
    StreamingLoad(const StreamingLoad&) = delete;
    StreamingLoad& operator=(const StreamingLoad&) = delete;

    // Queues a batch for the loader thread and, with a `file`, for the writer thread, which
    // appends the lines to it in queue order (also after the loader gave up).
    void Add(const Table& table, std::string jsonl, size_t rows, JobWriter* file = nullptr);
    // Waits for the queued batches and stops both threads (after which the destination's
    // connection is the caller's again; when the loader gave up, its transaction is rolled back
    // here). Commit does it too.
    void Close();
    // After the package is normalized: waits for the queued batches, checks that every table got
    // the package's row count, then commits. True = the package is loaded; false = the loader
    // gave up (nothing loaded; error() says why) and the caller loads the package itself.
    bool Commit(const NormalizedPackage& package);
    const std::string& error() const { return error_; }
    // The first failed job-file write ("" = none); read after Close.
    const std::string& write_error() const { return write_error_; }

private:
    struct Queued {
        LoadBatch batch;
        int pending = 0;  // threads still to process it (guarded by mu_)
    };
    void RunLoader();
    void RunWriter();
    // The next batch of `queue`, waiting for one; null once closing with the queue empty.
    std::shared_ptr<Queued> NextLocked(std::unique_lock<std::mutex>& lock,
                                       std::deque<std::shared_ptr<Queued>>& queue);
    // One thread is done with q: its bytes leave the bound when both are.
    void DoneLocked(const std::shared_ptr<Queued>& q);

    StreamingLoadOps ops_;
    size_t max_bytes_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<Queued>> to_load_, to_write_;
    size_t queued_bytes_ = 0;
    bool closing_ = false;  // no more batches
    bool failed_ = false;
    bool done_ = false;  // committed or abandoned
    std::string error_;
    std::string write_error_;
    std::map<std::string, size_t> loaded_rows_;  // by table
    std::thread loader_, writer_;
};

}  // namespace oc::pipeline
