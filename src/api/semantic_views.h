// Semantic views [ours]: a semantic model YAML stored under DB.SCHEMA.NAME, created, listed,
// described and dropped at /api/v2/databases/{db}/schemas/{schema}/semantic-views, and named by
// Cortex Analyst's `semantic_view` field (reference agents-api.md §6.1, §6.5).
#pragma once

#include <string>
#include <string_view>

#include "api/api_router.h"

namespace oc::api {

void RegisterSemanticViewRoutes(ApiRouter& r);

// The YAML of the view "DB.SCHEMA.NAME" (quoted parts allowed) the caller may see: 400 for a
// malformed name, 404 (002003) when it does not exist or is not visible.
Result<std::string> ReadSemanticView(Services& s, const RequestContext& ctx,
                                     std::string_view qualified_name);

}  // namespace oc::api
