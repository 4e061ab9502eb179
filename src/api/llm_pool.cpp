#include "api/llm_pool.h"

#include <chrono>

#include "common/log.h"

namespace oc::api {
namespace {

constexpr auto kWatchInterval = std::chrono::milliseconds(100);

}  // namespace

LlmPool::LlmPool(int threads) {
    if (threads < 1) threads = 1;
    threads_.reserve(threads);
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { Work(); });
    watcher_ = std::thread([this] { Watch(); });
}

LlmPool::~LlmPool() { Shutdown(); }

bool LlmPool::Submit(std::shared_ptr<net::BodyWriter> writer, Task task) {
    {
        std::lock_guard lock(mu_);
        if (stopping_) return false;
        queue_.push_back(Job{std::move(writer), std::move(task)});
    }
    wake_.notify_all();
    return true;
}

void LlmPool::Shutdown() {
    std::deque<Job> dropped;
    {
        std::lock_guard lock(mu_);
        if (stopping_ && threads_.empty()) return;
        stopping_ = true;
        dropped.swap(queue_);
        for (Job* job : running_) job->cancel->Cancel();
    }
    wake_.notify_all();
    for (auto& job : dropped) job.writer->Close();
    for (auto& t : threads_) {
        if (t.joinable()) t.join();
    }
    threads_.clear();
    if (watcher_.joinable()) watcher_.join();
}

void LlmPool::Work() {
    for (;;) {
        Job job;
        std::list<Job*>::iterator slot;
        {
            std::unique_lock lock(mu_);
            wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty()) return;  // stopping and drained
            job = std::move(queue_.front());
            queue_.pop_front();
            slot = running_.insert(running_.end(), &job);
        }
        try {
            job.task(*job.cancel);
        } catch (const std::exception& e) {
            GetLogger("api")->error("LLM stream task threw: {}", e.what());
            job.writer->Close();
        } catch (...) {
            GetLogger("api")->error("LLM stream task threw");
            job.writer->Close();
        }
        std::lock_guard lock(mu_);
        running_.erase(slot);
    }
}

void LlmPool::Watch() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        wake_.wait_for(lock, kWatchInterval);
        for (Job* job : running_) {
            if (job->writer->Cancelled()) job->cancel->Cancel();
        }
    }
}

}  // namespace oc::api
