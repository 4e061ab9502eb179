// Internal stages (shapes of stage.yaml): create/list/describe/delete, LIST files, and our
// upload/download/remove of single files; stage files hold semantic models (agents-api.md §6.1).
#pragma once

#include <string>
#include <string_view>

#include "api/api_router.h"

namespace oc::api {

void RegisterStageRoutes(ApiRouter& r);

// The bytes of "@DB.SCHEMA.STAGE/path" as the caller may see them: 400 for a malformed reference,
// 404 (002003) when the database, schema, stage or file does not exist or is not visible.
Result<std::string> ReadStageFile(Services& s, const RequestContext& ctx,
                                  std::string_view reference);

}  // namespace oc::api
