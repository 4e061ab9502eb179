#include "pipeline/stream_load.h"

namespace oc::pipeline {

StreamingLoad::StreamingLoad(StreamingLoadOps ops, size_t max_queued_bytes)
    : ops_(std::move(ops)), max_bytes_(max_queued_bytes) {
    thread_ = std::thread([this] { Run(); });
}

StreamingLoad::~StreamingLoad() {
    Close();
    if (!done_) ops_.abandon();
}

void StreamingLoad::Add(const Table& table, std::string jsonl, size_t rows) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return failed_ || closing_ || queue_.empty() || queued_bytes_ < max_bytes_; });
    if (failed_ || closing_) return;
    LoadBatch batch;
    batch.table.name = table.name;
    batch.table.parent = table.parent;
    batch.table.root = table.root;
    batch.table.write_disposition = table.write_disposition;
    batch.table.columns = table.columns;
    batch.jsonl = std::move(jsonl);
    batch.rows = rows;
    queued_bytes_ += batch.jsonl.size();
    queue_.push_back(std::move(batch));
    cv_.notify_all();
}

void StreamingLoad::Run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing
        LoadBatch batch = std::move(queue_.front());
        queue_.pop_front();
        lock.unlock();
        Status st = failed_ ? Status() : ops_.load(batch);
        lock.lock();
        queued_bytes_ -= batch.jsonl.size();
        if (!failed_) {
            if (st) {
                loaded_rows_[batch.table.name] += batch.rows;
            } else {
                failed_ = true;
                error_ = st.error().message;
                queue_.clear();
                queued_bytes_ = 0;
            }
        }
        cv_.notify_all();
    }
}

void StreamingLoad::Close() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        closing_ = true;
        cv_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
}

bool StreamingLoad::Commit(const NormalizedPackage& package) {
    Close();
    if (done_) return false;
    bool ok = !failed_;
    for (const auto& t : package.tables) {
        if (!ok) break;
        auto it = loaded_rows_.find(t.table.name);
        const size_t got = it == loaded_rows_.end() ? 0 : it->second;
        if (got != t.rows) {
            error_ = "table " + t.table.name + ": " + std::to_string(got) + " of " +
                     std::to_string(t.rows) + " rows streamed";
            ok = false;
        }
    }
    if (ok) {
        Status st = ops_.commit(package);
        if (!st) {
            error_ = st.error().message;
            ok = false;
        }
    }
    if (!ok) ops_.abandon();
    done_ = true;
    return ok;
}

}  // namespace oc::pipeline
