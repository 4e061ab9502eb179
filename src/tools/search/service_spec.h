// The definition of a Cortex Search service (reference agents-api.md §7.4): what the REST body
// gives, the column names it resolves to, and the JSON kept in _cortex.search_services.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "tools/search/column.h"

namespace oc::tools::search {

struct TargetLag {
    bool downstream = false;  // {"type": "DOWNSTREAM"}: no automatic refresh [ours]
    int64_t seconds = 0;      // {"type": "USER_DEFINED", "seconds": n}
};

struct SearchServiceSpec {
    std::string database_name;
    std::string schema_name;
    std::string name;
    // Column references: as the client wrote them until ResolveSpecColumns, stored names after.
    std::string search_column;
    std::vector<std::string> columns;            // returnable columns; empty = every source column
    std::vector<std::string> attribute_columns;  // filterable columns
    std::vector<std::string> primary_key;        // [ours] "primary_key": row identity for refresh
    TargetLag target_lag;
    std::string warehouse;        // stored, not used
    std::string embedding_model;  // stored, not used (no vector index)
    std::string definition;       // the source SELECT (DuckDB SQL)
    std::string comment;
    std::string owner;            // owning role
    int64_t created_on_ms = 0;
    bool indexing_suspended = false;
    bool serving_suspended = false;
};

// Reads a create body (CortexSearchService): name, search_column, target_lag, warehouse and
// definition are required; columns, attribute_columns, comment, embedding_model and primary_key
// optional; read-only fields are ignored. kInvalidArgument naming the field otherwise.
Result<SearchServiceSpec> ParseCreateBody(const Json& body);

// Replaces every column reference of spec with the stored name it means among columns;
// kInvalidArgument naming the field and column when one is missing, or when the search column
// is not TEXT.
Status ResolveSpecColumns(const std::vector<ColumnInfo>& columns, SearchServiceSpec* spec);

// The columns a service keeps per document, in source order: spec.columns (or every column when
// empty) plus the search, attribute and key columns. REQUIRES: ResolveSpecColumns succeeded.
std::vector<ColumnInfo> StoredColumns(const std::vector<ColumnInfo>& source, const SearchServiceSpec& spec);

// The TargetLag object of the wire: {"type": "USER_DEFINED", "seconds": n} or {"type": "DOWNSTREAM"}.
Json TargetLagJson(const TargetLag& lag);

// Round trip through the metadata table's JSON text.
Json SpecToStoredJson(const SearchServiceSpec& spec);
Result<SearchServiceSpec> SpecFromStoredJson(const Json& stored);

}  // namespace oc::tools::search
