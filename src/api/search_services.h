// Routes of the Cortex Search service objects and their methods (reference agents-api.md §7).
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterSearchServiceRoutes(ApiRouter& r);

}  // namespace oc::api
