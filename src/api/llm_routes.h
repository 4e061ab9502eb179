// Routes of the LLM endpoints (reference agents-api.md §8): chat completions, inference:complete
// and the model list.
#pragma once

#include "api/api_router.h"

namespace oc::api {

void RegisterChatCompletionRoutes(ApiRouter& r);  // chat_completions.cpp
void RegisterInferenceRoutes(ApiRouter& r);       // inference_complete.cpp (+ GET cortex/models)

inline void RegisterLlmRoutes(ApiRouter& r) {
    RegisterChatCompletionRoutes(r);
    RegisterInferenceRoutes(r);
}

}  // namespace oc::api
