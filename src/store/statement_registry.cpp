#include "store/statement_registry.h"

#include "common/clock.h"
#include "common/ids.h"
#include "common/log.h"
#include "store/value_text.h"

namespace oc::store {
namespace {

constexpr int64_t kEvictionIntervalMs = 60 * 1000;

void AppendRow(std::string& out, const Row& row, bool nullable) {
    out += '[';
    for (size_t c = 0; c < row.size(); ++c) {
        if (c) out += ',';
        if (row[c]) {
            AppendJsonString(out, *row[c]);
        } else {
            out += nullable ? "null" : "\"null\"";
        }
    }
    out += ']';
}

}  // namespace

struct StatementRegistry::Entry {
    std::string handle;
    std::string request_id;
    int64_t created_on_ms = 0;
    int64_t finished_ms = 0;  // 0 while running
    StatementState state = StatementState::kRunning;
    Error error;
    std::shared_ptr<const StatementOutput> output;
    Submission submission;  // released once the statement has run
    std::unique_ptr<ExecutionControl> control = std::make_unique<ExecutionControl>();
};

StatementRegistry::StatementRegistry(std::unique_ptr<StatementRunner> runner, RegistryOptions options)
    : runner_(std::move(runner)), options_(options) {
    if (options_.threads == 0) options_.threads = 1;
    if (options_.rows_per_partition == 0) options_.rows_per_partition = 1;
    for (size_t i = 0; i < options_.threads; ++i) workers_.emplace_back([this] { Work(); });
}

StatementRegistry::~StatementRegistry() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
        for (auto& [handle, entry] : entries_) {
            if (entry->state == StatementState::kRunning) entry->control->Cancel();
        }
    }
    work_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
}

StatementView StatementRegistry::ViewOf(const Entry& entry) {
    StatementView v;
    v.handle = entry.handle;
    v.request_id = entry.request_id;
    v.created_on_ms = entry.created_on_ms;
    v.state = entry.state;
    v.error = entry.error;
    v.output = entry.output;
    return v;
}

Result<StatementView> StatementRegistry::Submit(Submission submission) {
    auto entry = std::make_shared<Entry>();
    entry->handle = NewUuid();
    entry->request_id = submission.request_id;
    entry->created_on_ms = NowMillis();
    entry->submission = std::move(submission);
    StatementView view;
    {
        std::lock_guard<std::mutex> lock(mu_);
        EvictExpiredLocked();
        if (stop_) return MakeError(ErrorCode::kUnavailable, "The server is shutting down.");
        if (queue_.size() >= options_.max_queued) {
            return MakeError(ErrorCode::kResourceExhausted, "Too many requests.", "390505", 429);
        }
        entries_[entry->handle] = entry;
        if (!entry->request_id.empty()) by_request_id_[entry->request_id] = entry->handle;
        queue_.push_back(entry->handle);
        view = ViewOf(*entry);
    }
    work_cv_.notify_one();
    return view;
}

std::optional<StatementView> StatementRegistry::Get(const std::string& handle) {
    std::lock_guard<std::mutex> lock(mu_);
    EvictExpiredLocked();
    auto it = entries_.find(handle);
    if (it == entries_.end()) return std::nullopt;
    return ViewOf(*it->second);
}

std::optional<StatementView> StatementRegistry::Wait(const std::string& handle,
                                                     std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    auto it = entries_.find(handle);
    if (it == entries_.end()) return std::nullopt;
    std::shared_ptr<Entry> entry = it->second;
    done_cv_.wait_for(lock, timeout, [&] { return entry->state != StatementState::kRunning; });
    return ViewOf(*entry);
}

bool StatementRegistry::Cancel(const std::string& handle) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(handle);
    if (it == entries_.end() || it->second->state != StatementState::kRunning) return false;
    it->second->control->Cancel();
    return true;
}

std::optional<StatementView> StatementRegistry::FindByRequestId(const std::string& request_id) {
    std::lock_guard<std::mutex> lock(mu_);
    auto id = by_request_id_.find(request_id);
    if (id == by_request_id_.end()) return std::nullopt;
    auto it = entries_.find(id->second);
    if (it == entries_.end()) return std::nullopt;
    return ViewOf(*it->second);
}

void StatementRegistry::Work() {
    while (true) {
        std::string handle;
        std::shared_ptr<Entry> entry;
        {
            std::unique_lock<std::mutex> lock(mu_);
            work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stop_ and nothing left
            handle = queue_.front();
            queue_.pop_front();
            auto it = entries_.find(handle);
            if (it == entries_.end()) continue;
            entry = it->second;
        }
        Execute(handle, entry);
    }
}

void StatementRegistry::Execute(const std::string& handle, const std::shared_ptr<Entry>& entry) {
    // A statement cancelled while queued (or at shutdown) still goes through Run(), which answers
    // Cancelled before it touches DuckDB.
    Result<std::vector<RenderedResult>> results = runner_->Run(entry->submission.request, *entry->control);
    if (!results && results.error().code == ErrorCode::kInternal) {
        GetLogger("store")->error("statement {}: {}", handle, results.error().message);
    }
    Publish(entry, std::move(results));
}

std::shared_ptr<StatementOutput> StatementRegistry::BuildOutput(RenderedResult result,
                                                                const Entry& entry) const {
    auto out = std::make_shared<StatementOutput>();
    out->row_type = std::move(result.row_type);
    out->stats = std::move(result.stats);
    size_t rows = result.rows.size();
    if (entry.submission.max_rows > 0 && rows > entry.submission.max_rows) rows = entry.submission.max_rows;
    out->num_rows = static_cast<int64_t>(rows);
    Partition current;
    current.data_json = "[";
    for (size_t r = 0; r < rows; ++r) {
        if (current.row_count > 0) current.data_json += ',';
        AppendRow(current.data_json, result.rows[r], entry.submission.nullable);
        ++current.row_count;
        bool full = current.row_count >= options_.rows_per_partition ||
                    current.data_json.size() >= options_.max_partition_bytes;
        if (full && r + 1 < rows) {
            current.data_json += ']';
            out->partitions.push_back(std::move(current));
            current = Partition{};
            current.data_json = "[";
        }
    }
    current.data_json += ']';
    out->partitions.push_back(std::move(current));
    return out;
}

void StatementRegistry::Publish(const std::shared_ptr<Entry>& entry,
                                Result<std::vector<RenderedResult>> results) {
    bool multi = entry->submission.request.statement_count != 1;
    std::vector<std::shared_ptr<Entry>> children;
    std::shared_ptr<StatementOutput> output;
    if (results && multi) {
        std::vector<std::string> handles;
        for (RenderedResult& one : *results) {
            auto child = std::make_shared<Entry>();
            child->handle = NewUuid();
            child->request_id = entry->request_id;
            child->created_on_ms = entry->created_on_ms;
            child->finished_ms = NowMillis();
            child->state = StatementState::kSucceeded;
            child->submission.nullable = entry->submission.nullable;
            child->output = BuildOutput(std::move(one), *child);
            handles.push_back(child->handle);
            children.push_back(std::move(child));
        }
        output = BuildOutput(RenderStatus("multiple statement execution",
                                                 "Multiple statements executed successfully.", false),
                             *entry);
        output->child_handles = std::move(handles);
    } else if (results) {
        output = BuildOutput(std::move(results->front()), *entry);
    }
    {
        std::lock_guard<std::mutex> lock(mu_);
        for (auto& child : children) entries_[child->handle] = child;
        entry->finished_ms = NowMillis();
        if (results) {
            entry->state = StatementState::kSucceeded;
            entry->output = std::move(output);
        } else {
            entry->state = StatementState::kFailed;
            entry->error = results.error();
        }
        entry->submission.request = StatementRequest{};  // drop the SQL text and bindings
    }
    done_cv_.notify_all();
}

void StatementRegistry::EvictExpiredLocked() {
    int64_t now = NowMillis();
    if (now - last_eviction_ms_ < kEvictionIntervalMs) return;
    last_eviction_ms_ = now;
    int64_t cutoff = now - options_.retention.count();
    for (auto it = entries_.begin(); it != entries_.end();) {
        const Entry& e = *it->second;
        if (e.state != StatementState::kRunning && e.finished_ms < cutoff) {
            it = entries_.erase(it);
        } else {
            ++it;
        }
    }
    for (auto it = by_request_id_.begin(); it != by_request_id_.end();) {
        it = entries_.count(it->second) ? std::next(it) : by_request_id_.erase(it);
    }
}

}  // namespace oc::store
