// Reads a search service's source: its definition (one DuckDB SELECT over the user databases)
// run on the data instance, every row as a JSON object keyed by stored column names.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "tools/search/column.h"

namespace oc::store {
class SystemStore;
}  // namespace oc::store

namespace oc::tools::search {

struct SourceRows {
    std::vector<ColumnInfo> columns;  // in select-list order
    std::vector<Json> rows;           // objects: column name → value (§7.1 JSON types)
};

// Produces the current rows of a source; SearchService calls it on every refresh.
using SourceReader = std::function<Result<SourceRows>()>;

// Runs definition with db.schema as the current schema (unqualified table names resolve there).
// kInvalidArgument for anything but a single SELECT, SQL the sandbox refuses, SQL DuckDB rejects
// or that fails, and duplicate column names. Blocks for the query's duration.
// Column names that look like unquoted identifiers are upper-cased (doc_id → DOC_ID); others
// are kept as DuckDB reports them.
Result<SourceRows> RunSourceQuery(store::SystemStore& store, const std::string& db,
                                  const std::string& schema, const std::string& definition);

// The stored form of a column name as above.
std::string StoredColumnName(const std::string& duckdb_name);

}  // namespace oc::tools::search
