// Routes of agent runs (reference agents-api.md §3): …/agents/{name}:run, /cortex/agent:run,
// /cortex/agent/runs/{run_id} (reconnect) and …/{run_id}/cancel.
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterRunRoutes(ApiRouter& r);

}  // namespace oc::api
