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

namespace oc::api {

struct ApiOptions {
    // Largest accepted request body; larger is 413.
    size_t max_body_bytes = 1 << 20;
    // SQL API: rows per result partition.
    size_t rows_per_partition = 10000;
    // SQL API: how long a synchronous POST waits before answering 202.
    int64_t sync_wait_ms = 45000;
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
};

}  // namespace oc::api
