// Renders DuckDB results as the pieces of a Snowflake SQL API v2 ResultSet: the rowType array and
// string cells (reference sql-api.md §2.4-§2.6, type table §2.11). Column names are kept exactly
// as DuckDB returns them: Snowflake's upper-casing of unquoted names and spelling of expressions
// (COUNT(*)) belong to a SQL translation layer, and guessing here would break quoted aliases.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::store {

class QueryResult;

using Cell = std::optional<std::string>;  // nullopt = SQL NULL
using Row = std::vector<Cell>;

struct RenderedResult {
    Json row_type = Json::array();  // one object per column with all eleven keys
    std::vector<Row> rows;
    Json stats;                     // DML only: {"numRowsInserted": n} etc.; otherwise null
    size_t data_bytes = 0;          // approximate size of rows written as a JSON array
};

// The wire shape of a statement's result (§2.6).
enum class ResultShape {
    kRows,      // queries and anything else that returns rows (SHOW, EXPLAIN, RETURNING)
    kInserted,  // "number of rows inserted"
    kUpdated,   // "number of rows updated", "number of multi-joined rows updated"
    kDeleted,   // "number of rows deleted"
    kMerged,    // "number of rows affected" (DuckDB reports only the total of a MERGE)
    kStatus,    // one text column "status"
};

// Every row of a query result, read with the chunk API. Fails with kResourceExhausted (wire
// 391908) once the cells pass max_bytes, and with kInvalidArgument (100040) for values Snowflake
// cannot represent (infinite dates and timestamps).
Result<RenderedResult> RenderRows(QueryResult& result, size_t max_bytes);

// The one-row count result of INSERT/UPDATE/DELETE/MERGE, with stats.
RenderedResult RenderRowCount(ResultShape shape, int64_t rows);

// A one-row, one-text-column result: ("status", "Table T successfully created.") or
// ("multiple statement execution", "Multiple statements executed successfully.").
RenderedResult RenderStatus(std::string_view column, std::string_view message, bool nullable);

}  // namespace oc::store
