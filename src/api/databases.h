// Routes of the REST databases and schemas resources (reference sql-api.md §3).
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterDatabaseRoutes(ApiRouter& r);

}  // namespace oc::api
