// Routes of the Threads API (reference agents-api.md §4): /api/v2/cortex/threads[/{thread_id}].
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterThreadRoutes(ApiRouter& r);

}  // namespace oc::api
