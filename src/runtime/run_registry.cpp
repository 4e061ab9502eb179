#include "runtime/run_registry.h"

#include <algorithm>
#include <chrono>

#include "common/clock.h"
#include "common/log.h"
#include "runtime/run_journal.h"

namespace oc::runtime {
namespace {

constexpr size_t kMaxExpiredIds = 100000;
constexpr int64_t kSweepEveryMs = 1000;

Error Missing(const std::string& run_id, bool expired) {
    if (expired) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "Run " + run_id + " has ended and is no longer available.", "", 409);
    }
    return MakeError(ErrorCode::kNotFound, "Run " + run_id + " does not exist or not authorized.");
}

}  // namespace

RunRegistry::RunRegistry(RegistryOptions options) : options_(options), anonymous_(NowMicros()) {
    if (options_.journal_store != nullptr) {
        journal_ = std::make_unique<RunJournal>(*options_.journal_store, options_.retention_ms);
    }
}

RunRegistry::~RunRegistry() { Shutdown(); }

void RunRegistry::Shutdown() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        for (auto& [id, run] : runs_) {
            if (!run->finished()) run->Cancel();
        }
        threads.swap(threads_);
    }
    cv_.notify_all();
    monitor_cv_.notify_all();
    for (auto& t : threads) t.join();
    std::thread monitor;
    {
        std::lock_guard lock(mu_);
        monitor.swap(monitor_);
    }
    if (monitor.joinable()) monitor.join();
    if (journal_) journal_->Flush();
}

void RunRegistry::CancelWhen(const std::shared_ptr<Run>& run, std::function<bool()> gone) {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    watches_.emplace_back(run, std::move(gone));
    if (!monitor_.joinable()) monitor_ = std::thread([this] { Monitor(); });
}

void RunRegistry::Monitor() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        monitor_cv_.wait_for(lock, std::chrono::milliseconds(100));
        for (auto it = watches_.begin(); it != watches_.end();) {
            bool done = it->first->finished();
            if (!done && it->second()) {
                it->first->Cancel();
                done = true;
            }
            it = done ? watches_.erase(it) : it + 1;
        }
    }
    watches_.clear();
}

Result<std::shared_ptr<Run>> RunRegistry::Create(RunIds ids) {
    std::lock_guard lock(mu_);
    Sweep();
    if (runs_.count(ids.run_id) != 0) {
        return MakeError(ErrorCode::kAlreadyExists, "Run " + ids.run_id + " already exists.");
    }
    auto run = std::make_shared<Run>(ids);
    runs_.emplace(ids.run_id, run);
    if (journal_) journal_->Track(run);
    return run;
}

Status RunRegistry::Start(const std::shared_ptr<Run>& run, std::function<void(Run&)> body) {
    {
        std::lock_guard lock(mu_);
        if (stopping_ || queue_.size() >= options_.max_queued) {
            runs_.erase(run->id());
            return MakeError(ErrorCode::kResourceExhausted,
                             "Too many agent runs in progress; try again later.");
        }
        queue_.push_back([run, body = std::move(body)] {
            try {
                body(*run);
            } catch (const std::exception& e) {
                GetLogger("runtime")->error("run {} threw: {}", run->id(), e.what());
            } catch (...) {
                GetLogger("runtime")->error("run {} threw", run->id());
            }
            if (!run->finished()) run->Finish(RunStatus::kFailed, nullptr);
        });
        if (idle_ == 0 && static_cast<int>(threads_.size()) < options_.max_threads) {
            threads_.emplace_back([this] { Worker(); });
        }
    }
    cv_.notify_one();
    return {};
}

void RunRegistry::Worker() {
    std::unique_lock lock(mu_);
    for (;;) {
        ++idle_;
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        --idle_;
        if (queue_.empty()) return;  // stopping and nothing left
        auto task = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        task();
        lock.lock();
    }
}

Result<std::shared_ptr<Run>> RunRegistry::Find(const std::string& run_id) {
    {
        std::lock_guard lock(mu_);
        Sweep();
        auto it = runs_.find(run_id);
        if (it != runs_.end()) return it->second;
        if (expired_.count(run_id) != 0 || !journal_) return Missing(run_id, expired_.count(run_id) != 0);
    }
    return Restore(run_id);
}

// A finished run read back from the journal (after a restart), kept like any finished run.
Result<std::shared_ptr<Run>> RunRegistry::Restore(const std::string& run_id) {
    OC_ASSIGN_OR_RETURN(auto journaled, journal_->Load(run_id));
    if (!journaled) return Missing(run_id, false);
    int64_t ended = journaled->ended_on_ms;
    if (ended != 0 && ended <= NowMillis() - options_.retention_ms) return Missing(run_id, true);
    auto run = std::make_shared<Run>(journaled->ids);
    Json final_response, error;
    for (auto& e : journaled->events) {
        if (e.name == events::kResponse) final_response = ParseJson(e.data).value_or(Json());
        if (e.name == events::kError) error = ParseJson(e.data).value_or(Json());
        run->AppendRaw(e.name, std::move(e.data));
    }
    // A run the server stopped during has no end: it is over, as failed.
    RunStatus status = ended == 0 || journaled->status == RunStatus::kRunning ? RunStatus::kFailed : journaled->status;
    run->Finish(status, std::move(final_response), std::move(error));
    std::lock_guard lock(mu_);
    auto [it, inserted] = runs_.emplace(run_id, run);
    return it->second;
}

std::string RunRegistry::NextAnonymousRunId() { return "0-" + std::to_string(anonymous_.fetch_add(1)); }

size_t RunRegistry::active_runs() const {
    std::lock_guard lock(mu_);
    size_t n = 0;
    for (const auto& [id, run] : runs_) n += run->finished() ? 0 : 1;
    return n;
}

void RunRegistry::Sweep() {
    int64_t now = NowMillis();
    if (now - last_sweep_ms_ < std::min(kSweepEveryMs, options_.retention_ms)) return;
    last_sweep_ms_ = now;
    int64_t cutoff = now - options_.retention_ms;
    for (auto it = runs_.begin(); it != runs_.end();) {
        int64_t ended = it->second->finished_at_ms();
        if (ended != 0 && ended <= cutoff) {
            if (expired_.size() >= kMaxExpiredIds) expired_.erase(expired_.begin());
            expired_.insert(it->first);
            it = runs_.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace oc::runtime
