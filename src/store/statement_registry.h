// SQL API statements in memory: a bounded pool of threads owned by the registry runs them, and
// their results stay, split into partitions of ready JSON, for a retention period (reference
// sql-api.md §2.3, §2.7, §2.8, §2.9). The API handlers submit, wait, read and cancel by handle.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "store/statement_runner.h"

namespace oc::store {

struct RegistryOptions {
    size_t threads = 4;                           // statements running at once
    size_t max_queued = 256;                      // waiting statements; more is 429
    size_t rows_per_partition = 10000;            // §2.7
    size_t max_partition_bytes = size_t{10} << 20;
    std::chrono::milliseconds retention = std::chrono::hours(24);
};

// One partition of a finished result: its rows as a ready JSON array of arrays.
struct Partition {
    size_t row_count = 0;
    std::string data_json;
};

// What a finished statement returns; immutable once published.
struct StatementOutput {
    Json row_type = Json::array();
    int64_t num_rows = 0;
    std::vector<Partition> partitions;  // at least one
    Json stats;                         // DML only; otherwise null
    std::vector<std::string> child_handles;  // multi-statement requests only
};

enum class StatementState { kRunning, kSucceeded, kFailed };

// A snapshot of one statement, safe to use after the registry lock is released.
struct StatementView {
    std::string handle;
    std::string request_id;
    int64_t created_on_ms = 0;
    StatementState state = StatementState::kRunning;
    Error error;                                    // kFailed
    std::shared_ptr<const StatementOutput> output;  // kSucceeded
};

struct Submission {
    StatementRequest request;
    std::string request_id;
    bool nullable = true;  // false: SQL NULL is sent as the string "null"
    size_t max_rows = 0;   // rows_per_resultset; 0 = no cap
};

class StatementRegistry {
public:
    // Starts the worker threads; the runner is owned and outlives every worker.
    StatementRegistry(std::unique_ptr<StatementRunner> runner, RegistryOptions options);
    // Cancels running statements, fails queued ones, joins every thread.
    ~StatementRegistry();
    StatementRegistry(const StatementRegistry&) = delete;
    StatementRegistry& operator=(const StatementRegistry&) = delete;

    // Queues a statement; kResourceExhausted (429) when max_queued are already waiting.
    Result<StatementView> Submit(Submission submission);
    std::optional<StatementView> Get(const std::string& handle);
    // Blocks up to timeout while the statement runs; nullopt for an unknown handle.
    std::optional<StatementView> Wait(const std::string& handle, std::chrono::milliseconds timeout);
    // Cancels a running statement; false when the handle is unknown or already finished.
    bool Cancel(const std::string& handle);
    // The latest statement submitted with this requestId, if any.
    std::optional<StatementView> FindByRequestId(const std::string& request_id);

private:
    struct Entry;
    void Work();
    void Execute(const std::string& handle, const std::shared_ptr<Entry>& entry);
    void Publish(const std::shared_ptr<Entry>& entry, Result<std::vector<RenderedResult>> results);
    std::shared_ptr<StatementOutput> BuildOutput(RenderedResult result, const Entry& entry) const;
    void EvictExpiredLocked();
    static StatementView ViewOf(const Entry& entry);

    std::unique_ptr<StatementRunner> runner_;
    RegistryOptions options_;
    std::mutex mu_;
    std::condition_variable work_cv_;  // a job was queued or stop_ was set
    std::condition_variable done_cv_;  // a statement finished
    std::map<std::string, std::shared_ptr<Entry>> entries_;  // by handle
    std::map<std::string, std::string> by_request_id_;       // requestId -> handle
    std::deque<std::string> queue_;                          // handles waiting for a worker
    int64_t last_eviction_ms_ = 0;
    bool stop_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace oc::store
