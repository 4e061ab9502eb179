// Routes of agent feedback (reference agents-api.md §5): POST …/agents/{name}:feedback and our
// GET …/agents/{name}/feedback.
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterFeedbackRoutes(ApiRouter& r);

}  // namespace oc::api
