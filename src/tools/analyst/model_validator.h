// Holds a parsed semantic model to the real catalog of the data instance: every base table,
// column expression, metric, filter, relationship and verified query must resolve in DuckDB.
// All problems come back at once, each with its YAML line and key path.
#pragma once

#include <string_view>
#include <vector>

#include "common/result.h"
#include "tools/analyst/semantic_model.h"
#include "tools/analyst/sql_builder.h"

namespace oc::store {
class Connection;
}  // namespace oc::store

namespace oc::tools::analyst {

// Returns the physical columns of every base table. On any problem: kInvalidArgument whose
// message is "Semantic model does not match the catalog:" and one line per problem. Problems that
// Snowflake would not reject (model-level metrics) go to *warnings. Blocks on DuckDB; conn is
// used by this thread only. Expressions are only prepared, never executed.
Result<PhysicalColumns> ValidateModel(const SemanticModel& model, store::Connection& conn,
                                      std::vector<ModelIssue>* warnings);

// Whether sql is one statement that only reads (SELECT / WITH ... SELECT) and passes the SQL
// sandbox (store/sql_guard.h). kPermissionDenied (002140, HTTP 422) for writes and anything
// else that is not a query; kInvalidArgument with DuckDB's message when it does not bind.
Status CheckReadOnlySql(store::Connection& conn, std::string_view sql);

}  // namespace oc::tools::analyst
