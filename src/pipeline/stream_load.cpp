#include "pipeline/stream_load.h"

#include <pthread.h>

namespace oc::pipeline {

StreamingLoad::StreamingLoad(StreamingLoadOps ops, size_t max_queued_bytes)
    : ops_(std::move(ops)), max_bytes_(max_queued_bytes) {
    thread_ = std::thread([this] { Run(); });
}

StreamingLoad::~StreamingLoad() {
    Close();
    if (!done_) ops_.abandon();
}

void StreamingLoad::Add(const Table& table, std::string jsonl, size_t rows, JobWriter* file) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return closing_ || queue_.empty() || queued_bytes_ < max_bytes_; });
    if (closing_ || (failed_ && file == nullptr)) return;
    LoadBatch batch;
    batch.table.name = table.name;
    batch.table.parent = table.parent;
    batch.table.root = table.root;
    batch.table.write_disposition = table.write_disposition;
    batch.table.columns = table.columns;
    batch.jsonl = std::move(jsonl);
    batch.rows = rows;
    batch.file = file;
    queued_bytes_ += batch.jsonl.size();
    queue_.push_back(std::move(batch));
    cv_.notify_all();
}

void StreamingLoad::Run() {
    pthread_setname_np(pthread_self(), "cortex-load");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        cv_.wait(lock, [&] { return closing_ || !queue_.empty(); });
        if (queue_.empty()) return;  // closing
        LoadBatch batch = std::move(queue_.front());
        queue_.pop_front();
        const bool load = !failed_;
        lock.unlock();
        Status written = batch.file != nullptr ? batch.file->Write(batch.jsonl) : Status();
        Status loaded = load ? ops_.load(batch) : Status();
        lock.lock();
        queued_bytes_ -= batch.jsonl.size();
        if (!written && write_error_.empty()) write_error_ = written.error().message;
        if (load) {
            if (loaded) {
                loaded_rows_[batch.table.name] += batch.rows;
            } else {
                failed_ = true;
                error_ = loaded.error().message;
                // Batches still to be written to their files stay queued.
                for (auto it = queue_.begin(); it != queue_.end();) {
                    if (it->file != nullptr) {
                        ++it;
                        continue;
                    }
                    queued_bytes_ -= it->jsonl.size();
                    it = queue_.erase(it);
                }
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
