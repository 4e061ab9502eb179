// Every endpoint of the server, on one screen. Each Register* lives in its resource's file.
#include "api/agents.h"
#include "api/analyst.h"
#include "api/api_router.h"
#include "api/databases.h"
#include "api/feedback.h"
#include "api/pipelines.h"
#include "api/llm_routes.h"
#include "api/search_services.h"
#include "api/semantic_views.h"
#include "api/stages.h"
#include "api/runs.h"
#include "api/statements.h"
#include "api/threads.h"

namespace oc::api {

void RegisterRoutes(ApiRouter& r) {
    RegisterDatabaseRoutes(r);  // /api/v2/databases[/{db}[/schemas[/{schema}]]]
    RegisterAgentRoutes(r);     // /api/v2/databases/{db}/schemas/{schema}/agents[/{name}]
    RegisterStatementRoutes(r); // /api/v2/statements[/{handle}[/cancel]]
    RegisterLlmRoutes(r);       // /api/v2/cortex/{v1/chat/completions, inference:complete, models}
    RegisterFeedbackRoutes(r);  // …/agents/{name}:feedback, …/agents/{name}/feedback
    RegisterSearchServiceRoutes(r);  // …/cortex-search-services[/{name}[:query|:refresh|:suspend|:resume]]
    RegisterRunRoutes(r);       // …/agents/{name}:run, /api/v2/cortex/agent:run, …/agent/runs/{run_id}[/cancel]
    RegisterThreadRoutes(r);    // /api/v2/cortex/threads[/{thread_id}]
    RegisterStageRoutes(r);     // …/stages[/{name}[/files[/{path}]]]
    RegisterSemanticViewRoutes(r);  // …/semantic-views[/{name}]
    RegisterAnalystRoutes(r);   // /api/v2/cortex/analyst/{message, feedback}
    RegisterPipelineRoutes(r);  // /api/v2/pipelines/{name}:run
    r.Add("GET", "/healthz", [](RequestContext&) { return StatusResponse("ok"); },
          {.blocking = false, .authenticated = false});
}

}  // namespace oc::api
