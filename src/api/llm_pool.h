// A small fixed pool of threads for blocking LLM calls whose answer streams to a client, so long
// streams never hold the server's worker pool that DuckDB requests need (docs: one request traced).
// A watcher cancels a call's upstream once its client has gone away.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "llm/provider.h"
#include "net/http.h"

namespace oc::api {

class LlmPool {
public:
    // The task runs on a pool thread; cancel is set when the client disconnects or at shutdown.
    using Task = std::function<void(llm::CancelToken& cancel)>;

    explicit LlmPool(int threads);
    ~LlmPool();
    LlmPool(const LlmPool&) = delete;
    LlmPool& operator=(const LlmPool&) = delete;

    // Queues task for writer's stream; never blocks. While the task runs, the watcher polls
    // writer->Cancelled() every 100 ms and sets the task's CancelToken. Returns false (task not
    // queued) after Shutdown. Thread-safe.
    bool Submit(std::shared_ptr<net::BodyWriter> writer, Task task);

    // Cancels running calls, closes the writers of queued ones without running them, and joins
    // every thread. Call before the HTTP server that owns the writers is destroyed. Idempotent.
    void Shutdown();

private:
    struct Job {
        std::shared_ptr<net::BodyWriter> writer;
        Task task;
        std::shared_ptr<llm::CancelToken> cancel = std::make_shared<llm::CancelToken>();
    };
    void Work();
    void Watch();

    std::mutex mu_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    std::list<Job*> running_;  // watched by Watch(); guarded by mu_
    bool stopping_ = false;
    std::vector<std::thread> threads_;
    std::thread watcher_;
};

}  // namespace oc::api
