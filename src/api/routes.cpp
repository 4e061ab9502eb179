// Every endpoint of the server, on one screen. Each Register* lives in its resource's file.
#include "api/agents.h"
#include "api/api_router.h"
#include "api/databases.h"
#include "api/statements.h"

namespace oc::api {

void RegisterRoutes(ApiRouter& r) {
    RegisterDatabaseRoutes(r);  // /api/v2/databases[/{db}[/schemas[/{schema}]]]
    RegisterAgentRoutes(r);     // /api/v2/databases/{db}/schemas/{schema}/agents[/{name}]
    RegisterStatementRoutes(r); // /api/v2/statements[/{handle}[/cancel]]
    r.Add("GET", "/healthz", [](RequestContext&) { return StatusResponse("ok"); },
          {.blocking = false, .authenticated = false});
}

}  // namespace oc::api
