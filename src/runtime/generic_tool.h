// `generic` tools (reference agents-api.md §2.6, §3.7): a DuckDB macro called with named
// arguments (resource type function/procedure), a webhook (type webhook, [ours]), or, without a
// tool_resources entry, a client-side tool whose tool_use ends the run.
#pragma once

#include <memory>

#include "runtime/tool.h"

namespace oc::runtime {

// The ToolFactory of type "generic".
Result<std::unique_ptr<Tool>> MakeGenericTool(const ToolSpec& spec, const Json& resource,
                                              const ToolEnvironment& env);

}  // namespace oc::runtime
