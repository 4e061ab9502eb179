// Snowflake SQL API v2 (reference sql-api.md §2): POST /api/v2/statements,
// GET /api/v2/statements/{handle}, POST /api/v2/statements/{handle}/cancel.
#pragma once

namespace oc::api {

class ApiRouter;

// Registers the three routes. The statement registry (its worker threads and every kept result)
// is created here when services.store is set (else on the first request), which also locks down
// the data instance (store/sql_guard.h). It lives as long as the registered handlers: destroying
// the router cancels running statements and joins the threads, so the router must go before the
// store and catalog.
void RegisterStatementRoutes(ApiRouter& r);

}  // namespace oc::api
