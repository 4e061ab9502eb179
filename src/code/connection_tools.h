// Tools that need a connection profile (connections.h): SQL (DuckDB on the profile's file or
// data dir) and CortexAgent (an agent of a running `cortex serve`).
#pragma once

#include "code/builtin_tool.h"
#include "code/connections.h"

namespace oc::code {

// SQL {sql, max_rows?}: read-only statements (SELECT, WITH, SHOW, DESCRIBE, ...) run on
// READ_ONLY attachments and are read-kind calls; anything else needs permission (an allow rule
// such as `SQL(insert:*)`, bypassPermissions, or the host's can_use_tool) and runs read-write.
// File access from SQL (read_csv, COPY) is limited to the workdir and --add-dir roots.
BuiltinTool MakeSqlTool(const ConnectionProfile& profile);

// True when every statement of sql is read-only by its leading keyword.
bool SqlIsReadOnly(const std::string& sql);

// CortexAgent {question, agent?}: POST <url>/api/v2/databases/DB/schemas/SCHEMA/agents/NAME:run
// (stream: false) with the profile's PAT; agent = DB.SCHEMA.NAME, default the profile's
// `agent` ($CORTEX_AGENT). The answer's text and tables are the tool result.
BuiltinTool MakeCortexAgentTool(const ConnectionProfile& profile);

}  // namespace oc::code
