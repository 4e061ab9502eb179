// The data tools of an agent run: cortex_analyst_text_to_sql (semantic model → SQL, executed,
// with a response.table) and cortex_search (a search service query, results cited as
// annotations). Registered on the ToolCatalog by cli/serve with the services they need.
#pragma once

#include <memory>

#include "runtime/tool.h"

namespace oc::tools::search {
class SearchRegistry;
}  // namespace oc::tools::search

namespace oc::runtime {

// resource: one of semantic_model_file (@DB.SCHEMA.STAGE/path.yaml), semantic_view
// (DB.SCHEMA.VIEW) or inline_semantic_model; execution_environment.query_timeout (seconds).
Result<std::unique_ptr<Tool>> MakeAnalystTool(const ToolSpec& spec, const Json& resource,
                                              const ToolEnvironment& env);

// resource: search_service (or name) DB.SCHEMA.SERVICE, max_results, filter, id/title columns.
Result<std::unique_ptr<Tool>> MakeSearchTool(const ToolSpec& spec, const Json& resource,
                                             tools::search::SearchRegistry* registry);

}  // namespace oc::runtime
