#include "pipeline/stream_load.h"

#include <pthread.h>

namespace oc::pipeline {

StreamingLoad::StreamingLoad(StreamingLoadOps ops, size_t max_queued_bytes)
    : ops_(std::move(ops)), max_bytes_(max_queued_bytes) {
    loader_ = std::thread([this] { RunLoader(); });
    writer_ = std::thread([this] { RunWriter(); });
}

StreamingLoad::~StreamingLoad() {
    Close();
    if (!done_) ops_.abandon();
}

void StreamingLoad::Add(const Table& table, std::string jsonl, size_t rows, JobWriter* file) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closing_ || queued_bytes_ < max_bytes_; });
    const bool load = !failed_;
    if (closing_ || (!load && file == nullptr)) return;
    auto q = std::make_shared<Queued>();
    q->batch.table.name = table.name;
    q->batch.table.parent = table.parent;
    q->batch.table.root = table.root;
    q->batch.table.write_disposition = table.write_disposition;
    q->batch.table.columns = table.columns;
    q->batch.jsonl = std::move(jsonl);
    q->batch.rows = rows;
    q->batch.file = file;
    q->pending = (load ? 1 : 0) + (file != nullptr ? 1 : 0);
    queued_bytes_ += q->batch.jsonl.size();
    if (load) to_load_.push_back(q);
    if (file != nullptr) to_write_.push_back(q);
    cv_.notify_all();
}

void StreamingLoad::DoneLocked(const std::shared_ptr<Queued>& q) {
    if (--q->pending == 0) queued_bytes_ -= q->batch.jsonl.size();
}

std::shared_ptr<StreamingLoad::Queued> StreamingLoad::NextLocked(
    std::unique_lock<std::mutex>& lock, std::deque<std::shared_ptr<Queued>>& queue) {
    cv_.wait(lock, [&] { return closing_ || !queue.empty(); });
    if (queue.empty()) return nullptr;  // closing
    std::shared_ptr<Queued> q = std::move(queue.front());
    queue.pop_front();
    return q;
}

void StreamingLoad::RunLoader() {
    pthread_setname_np(pthread_self(), "cortex-load");
    std::unique_lock<std::mutex> lock(mu_);
    while (std::shared_ptr<Queued> q = NextLocked(lock, to_load_)) {
        lock.unlock();
        Status st = ops_.load(q->batch);  // may read the batch the writer reads too
        lock.lock();
        DoneLocked(q);
        if (st) {
            loaded_rows_[q->batch.table.name] += q->batch.rows;
        } else {
            failed_ = true;
            error_ = st.error().message;
            for (const auto& rest : to_load_) DoneLocked(rest);
            to_load_.clear();
        }
        cv_.notify_all();
        if (failed_) return;
    }
}

void StreamingLoad::RunWriter() {
    pthread_setname_np(pthread_self(), "cortex-write");
    std::unique_lock<std::mutex> lock(mu_);
    while (std::shared_ptr<Queued> q = NextLocked(lock, to_write_)) {
        lock.unlock();
        Status st = q->batch.file->Write(q->batch.jsonl);
        lock.lock();
        DoneLocked(q);
        if (!st && write_error_.empty()) write_error_ = st.error().message;
        cv_.notify_all();
    }
}

void StreamingLoad::Close() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        closing_ = true;
        cv_.notify_all();
    }
    if (loader_.joinable()) loader_.join();
    if (writer_.joinable()) writer_.join();
    // A failed batch may have left the destination's transaction aborted: roll it back now, so
    // the connection serves the caller's load from the job files.
    if (failed_ && !done_) {
        ops_.abandon();
        done_ = true;
    }
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
