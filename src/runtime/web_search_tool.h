// The `web_search` agent tool (reference agents-api.md §2.6, resource {"max_results": int}):
// the model's query goes to the backend of cortex.toml [web_search] (tools/web/web_search.h);
// results come back as {"search_results": [{"index", "search_result_id", "title", "url",
// "snippet"}]} and as url_citation annotations (citations.h). Without a backend the tool is
// still offered and its result says web search is not configured.
#pragma once

#include <memory>

#include "runtime/tool.h"
#include "tools/web/web_search.h"

namespace oc::runtime {

Result<std::unique_ptr<Tool>> MakeWebSearchTool(const ToolSpec& spec, const Json& resource,
                                                const tools::web::WebSearchConfig& config);

}  // namespace oc::runtime
