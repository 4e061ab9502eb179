// Connection profiles of the coding agent (`-c/--connection NAME|PATH`): where the SQL tool runs
// and which `cortex serve` the CortexAgent tool asks. Profiles are `[connections.<name>]` tables
// of cortex.toml (the --config / $CORTEX_CONFIG file):
//   default_connection_name = "local"     # top-level key: used when --connection is absent
//   [connections.local]
//   duckdb = "warehouse.duckdb"           # a DuckDB file, or
//   data_dir = "cortex-data"              # a `cortex serve` data dir (databases/<NAME>.duckdb)
//   url = "http://127.0.0.1:8080"         # cortex serve base URL (CortexAgent)
//   token_env = "CORTEX_TOKEN"            # env var holding the PAT (or token = "...")
//   database = "DEMO"                     # default database for SQL
//   agent = "DEMO.PUBLIC.SALES_ASSISTANT" # default agent of the CortexAgent tool
// Relative paths resolve against the config file's directory. A --connection value that names
// no profile but an existing file or directory (relative to the workdir) is a DuckDB file or a
// data dir. $CORTEX_URL, $CORTEX_TOKEN and $CORTEX_AGENT fill url/token/agent when the profile
// has none.
#pragma once

#include <optional>
#include <string>

#include "common/result.h"

namespace oc::code {

struct ConnectionProfile {
    std::string name;
    std::string duckdb_path;  // absolute, or ""
    std::string data_dir;     // absolute, or ""
    std::string url;          // without trailing '/', or ""
    std::string token;
    std::string database;
    std::string agent;        // default CortexAgent agent, DB.SCHEMA.NAME

    bool HasSql() const { return !duckdb_path.empty() || !data_dir.empty(); }
    bool HasAgentService() const { return !url.empty(); }
};

// The profile for `value` (--connection; "" = default_connection_name, else env only).
// kNotFound / kInvalidArgument with a one-line message for an unknown name or a bad table.
Result<ConnectionProfile> ResolveConnection(const std::string& value, const std::string& config_path,
                                            const std::string& workdir);

}  // namespace oc::code
