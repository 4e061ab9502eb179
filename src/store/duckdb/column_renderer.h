// Renders the cells of one DuckDB result column (a flat vector per chunk) as Snowflake SQL API
// strings, and describes the column as a rowType entry (reference sql-api.md §2.5, §2.11).
// Nested values (LIST, ARRAY, STRUCT, MAP, UNION) become compact JSON text.
#pragma once

#include "store/duckdb_api.h"

#include <string>
#include <vector>

#include "common/json.h"

namespace oc::store {

// The parts of a logical type the renderer needs, read once per column.
struct TypeInfo {
    duckdb_type id = DUCKDB_TYPE_INVALID;
    duckdb_type internal = DUCKDB_TYPE_INVALID;  // storage of DECIMAL and ENUM
    uint8_t width = 0;                           // DECIMAL
    uint8_t scale = 0;                           // DECIMAL
    bool json = false;                           // VARCHAR with alias JSON
    idx_t array_size = 0;                        // ARRAY
    std::vector<std::string> names;              // STRUCT fields, UNION members, ENUM labels
    std::vector<TypeInfo> children;              // LIST/ARRAY: element; MAP: key, value; STRUCT/UNION
};

// Reads a logical type; the caller keeps ownership of `type`.
TypeInfo ReadTypeInfo(duckdb_logical_type type);

class ColumnRenderer {
public:
    ColumnRenderer(std::string name, TypeInfo type) : name_(std::move(name)), type_(std::move(type)) {}

    // The rowType object: name, database, schema, table, nullable, byteLength, length, type,
    // scale, precision, collation.
    Json RowType() const;

    // Renders the valid (non-NULL) cell at row of a flat vector into *out. False with *error set
    // for a value Snowflake cannot hold (infinite DATE/TIMESTAMP).
    bool Render(duckdb_vector vector, idx_t row, std::string* out, std::string* error) const;

private:
    std::string name_;
    TypeInfo type_;
};

// Appends the JSON text of the cell at row (JSON null when invalid) of a vector of type `type`.
void AppendJsonValue(std::string& out, const TypeInfo& type, duckdb_vector vector, idx_t row);

}  // namespace oc::store
