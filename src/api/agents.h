// Routes of the Cortex Agent objects (reference agents-api.md §2).
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterAgentRoutes(ApiRouter& r);

}  // namespace oc::api
