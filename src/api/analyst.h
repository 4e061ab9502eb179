// Cortex Analyst REST (reference agents-api.md §6): POST /api/v2/cortex/analyst/message (JSON,
// or SSE with stream: true) and POST /api/v2/cortex/analyst/feedback.
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterAnalystRoutes(ApiRouter& r);

}  // namespace oc::api
