// Everything the API handlers share, owned by cli/serve and passed by reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace oc::store {
class SystemStore;
class Catalog;
class AgentRepo;
}  // namespace oc::store
namespace oc::llm {
class ModelRegistry;
}  // namespace oc::llm
namespace oc::auth {
class Authenticator;
class RateLimiter;
}  // namespace oc::auth
namespace oc::store {
class FeedbackRepo;
}  // namespace oc::store
namespace oc::api {
class LlmPool;
}  // namespace oc::api
namespace oc::tools::search {
class SearchRegistry;
}  // namespace oc::tools::search
namespace oc::store {
class ThreadRepo;
}  // namespace oc::store
namespace oc::runtime {
class AgentRunner;
}  // namespace oc::runtime

namespace oc::api {

struct ApiOptions {
    // Largest accepted request body; larger is 413.
    size_t max_body_bytes = 1 << 20;
    // SQL API: rows per result partition.
    size_t rows_per_partition = 10000;
    // SQL API: how long a synchronous POST waits before answering 202.
    int64_t sync_wait_ms = 45000;
    // The address the server listens on (pipelines accept resolved secrets only on loopback).
    std::string bind_host = "127.0.0.1";
};

struct Services {
    ApiOptions options;
    store::SystemStore* store = nullptr;
    store::Catalog* catalog = nullptr;
    store::AgentRepo* agents = nullptr;
    auth::Authenticator* authenticator = nullptr;
    auth::RateLimiter* rate_limiter = nullptr;
    llm::ModelRegistry* models = nullptr;
    // Further services (runs, threads, feedback, ...) are added below by their modules.
    LlmPool* llm_pool = nullptr;            // streaming LLM calls (api/llm_pool.h)
    store::FeedbackRepo* feedback = nullptr;  // agent feedback (store/repos/feedback_repo.h)
    store::ThreadRepo* threads = nullptr;     // Threads API and runs (store/repos/thread_repo.h)
    runtime::AgentRunner* runs = nullptr;     // agent runs (runtime/agent_runner.h)
    tools::search::SearchRegistry* search = nullptr;  // Cortex Search services (tools/search/search_registry.h)
};

}  // namespace oc::api
