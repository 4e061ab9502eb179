// Runs SQL API requests on the data instance (reference sql-api.md §2.2, §2.8, §2.9): context
// (USE), bindings, multi-statement counting, the sandbox checks of sql_guard.h, and timeout and
// cancel through Connection::Interrupt driven by one watchdog thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "store/result_set.h"
#include "store/sql_guard.h"

namespace oc::store {

class Connection;
class SystemStore;

struct StatementRequest {
    std::string sql;
    std::string database;          // stored (case-resolved) name; empty = none
    std::string schema;            // stored name; empty = none
    Json bindings;                 // {"1": {"type", "value"}}; null = none
    int64_t statement_count = 1;   // MULTI_STATEMENT_COUNT; 0 = any number
    int64_t timeout_ms = 0;        // 0 = no limit
};

// The link between a running request and whoever may stop it. Cancel() and the state getters
// are safe from any thread; one control serves one Run() call.
class ExecutionControl {
public:
    // Stops the request: the running statement is interrupted and no later statement starts.
    void Cancel();
    bool cancelled() const { return cancelled_.load(); }
    bool timed_out() const { return timed_out_.load(); }
    bool stopping() const { return cancelled() || timed_out(); }
    // True while Run() holds a connection for this control.
    bool attached() const;

private:
    friend class StatementRunner;
    void Attach(Connection* conn);
    void Detach();
    void TimeOut();
    void Interrupt();

    mutable std::mutex mu_;
    Connection* conn_ = nullptr;  // guarded by mu_; set while the request runs
    std::atomic<bool> cancelled_{false};
    std::atomic<bool> timed_out_{false};
};

struct RunnerOptions {
    // A statement whose rendered rows pass this many bytes fails with 391908.
    size_t max_result_bytes = size_t{256} << 20;
    // Sandbox of the data instance; empty allowed_directories = DataInstanceDirectories(data dir).
    LockDownOptions lock_down;
    // Called on the running thread after each successful CREATE/DROP/ALTER (catalog refresh).
    std::function<void()> after_ddl;
};

class StatementRunner {
public:
    // Locks down the data instance of `store` (sql_guard.h) and starts the watchdog thread.
    // `store` must outlive the runner.
    static Result<std::unique_ptr<StatementRunner>> Create(SystemStore& store, RunnerOptions options);
    ~StatementRunner();  // stops and joins the watchdog; no Run() may be in progress
    StatementRunner(const StatementRunner&) = delete;
    StatementRunner& operator=(const StatementRunner&) = delete;

    // Runs every statement of the request on a fresh data connection and returns one result per
    // statement. Blocks the calling thread; any number of threads may call it at once.
    // Errors carry wire codes (sql_messages.h): refusals 002140, SQL errors per DuckDB, count
    // mismatch 000008, timeout kDeadlineExceeded (408), cancel kCancelled (000604). Statements
    // before a failing one stay executed.
    Result<std::vector<RenderedResult>> Run(const StatementRequest& request, ExecutionControl& control);

private:
    using Clock = std::chrono::steady_clock;
    StatementRunner(SystemStore& store, RunnerOptions options);
    void Watch();
    void Register(ExecutionControl* control, Clock::time_point deadline);
    void Unregister(ExecutionControl* control);
    Result<std::vector<RenderedResult>> RunOn(Connection& conn, const StatementRequest& request,
                                              ExecutionControl& control);

    SystemStore& store_;
    RunnerOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::map<ExecutionControl*, Clock::time_point> active_;  // guarded by mu_
    bool stop_ = false;                                      // guarded by mu_
    std::thread watchdog_;
};

}  // namespace oc::store
