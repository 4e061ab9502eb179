// dlt's relational normalizer (reference pipeline.md §7): snake_case names, nested objects
// flattened with `__`, lists to nested tables with link columns, type inference and variants.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/json.h"
#include "pipeline/config.h"
#include "pipeline/raw_records.h"

namespace oc::pipeline {

enum class DataType { kText, kBigint, kDouble, kBool, kTimestamp, kJson };

const char* DltTypeName(DataType type);     // text, bigint, double, bool, timestamp, json
const char* DuckDbTypeName(DataType type);  // VARCHAR, BIGINT, ... TIMESTAMP WITH TIME ZONE

struct Cell {
    DataType type = DataType::kText;
    std::string text;  // text, timestamp (ISO text) and json values
    int64_t i = 0;
    double d = 0;
    bool b = false;
};

struct Column {
    std::string name;
    DataType type = DataType::kText;
    bool nullable = true;
};

struct Table {
    std::string name;
    std::string parent;  // parent table; "" for a root table
    std::string root;    // root table of the chain
    std::string write_disposition = "append";
    std::string merge_strategy;            // with merge: delete-insert | upsert | insert-only
    std::vector<std::string> primary_key;  // normalized, root tables only
    std::vector<Column> columns;
    std::unordered_map<std::string, size_t> column_index;
    std::vector<std::vector<std::pair<size_t, Cell>>> rows;  // sparse: (column, value)
    // With Normalizer::StreamJsonl: rows already written as jsonl (package_io.h AppendRow)
    // instead of kept in `rows`, and how many.
    std::string jsonl;
    size_t jsonl_rows = 0;
    std::vector<std::string> quoted_names;  // JSON-quoted column names (AppendRow's cache)
    std::vector<size_t> column_hint;        // column of the k-th cell of the last row (AddCell)
    // Nested tables by the `__` path of their list field (Normalizer::ChildTable's cache).
    std::vector<std::pair<std::string, std::string>> child_names;
};

// The load package creation time a load id encodes (unix seconds), as an ISO UTC timestamp with
// microseconds: the scd2 boundary (`_dlt_valid_from` of new versions, `_dlt_valid_to` of retired
// ones).
std::string LoadIdTimestamp(const std::string& load_id);

class Normalizer {
public:
    explicit Normalizer(std::string load_id) : load_id_(std::move(load_id)) {}

    // Declares a column the destination already has, so later values coerce into it.
    void SeedColumn(const std::string& table, const std::string& column, DataType type);
    // Normalizes one resource's records into its root table and nested tables.
    void AddResource(const ResourceConfig& resource, const std::vector<Json>& records);
    // The same for records parsed in place (raw_records.h); the result is identical.
    void AddResourceRaw(const ResourceConfig& resource, const RawRecords& records);

    // Rows go to Table::jsonl as they are normalized instead of Table::rows.
    void StreamJsonl(bool on) { stream_jsonl_ = on; }
    // Table and column names longer than this are shortened as dlt does (naming.h
    // ShortenIdentifier); 0 = no limit. Set before the first record.
    void SetMaxIdentifierLength(size_t n) { max_length_ = n; }

    // Tables in order of first appearance; tables that received no rows are included.
    std::vector<Table>& tables() { return tables_; }

private:
    struct Ctx;
    Table& GetTable(const std::string& name, const std::string& parent, const std::string& root);
    // GetTable's index in tables_ (creating the table).
    size_t TableIndex(const std::string& name, const std::string& parent, const std::string& root);
    // The name of the nested table of tables_[table] for the list at `path` (shortened, cached).
    const std::string& ChildTable(size_t table, const std::string& path);
    void AddCell(Table& table, std::vector<std::pair<size_t, Cell>>& row, const std::string& name,
                 Cell cell);
    // V: a read-only view of a JSON value (JsonView or RawView in normalize.cpp). wrap: treat
    // the record as the object {wrap: record}. own_id: a nested row's _dlt_id (ChildIds); null
    // for a root row.
    template <class V>
    void NormalizeRow(const Ctx& ctx, const std::string& table_name, const std::string& parent,
                      V record, const char* wrap, int level, const std::string& parent_id,
                      int64_t list_idx, const std::string& root_id,
                      const std::string* own_id = nullptr);
    // The _dlt_ids of n (<= 4) child rows at list_idx first.. of the list `table` of parent_id.
    static void ChildIds(const std::string& parent_id, const std::string& table, int64_t first,
                         size_t n, std::string ids[4]);
    // A root row's _dlt_id from its primary key or its whole content (merge strategies).
    template <class V>
    std::string RootHashId(const Ctx& ctx, V record);
    template <class V>
    void AddRecords(const ResourceConfig& resource, const std::vector<V>& records);

    const std::string& NormalizedKey(std::string_view key);
    // The unshortened `__` path of a (possibly shortened) nested table name.
    const std::string& TablePath(const std::string& table) const;

    struct KeyHash {
        using is_transparent = void;
        size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };

    std::string load_id_;
    bool stream_jsonl_ = false;
    size_t max_length_ = 0;
    // shortened nested table name → its unshortened path (only names that were shortened)
    std::unordered_map<std::string, std::string> table_path_;
    std::vector<std::pair<size_t, Cell>> row_scratch_;  // NormalizeRow's row buffer
    // JSON key → column name part
    std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>> key_cache_;
    std::vector<Table> tables_;
    std::unordered_map<std::string, size_t> table_index_;
    std::unordered_map<std::string, std::unordered_map<std::string, DataType>> seeded_;
};

// ISO-8601 timestamp with a time part (`2024-01-01T00:00:00Z`, `2021-07-24 10:51`); dates are not.
bool IsIsoTimestamp(const std::string& s);

}  // namespace oc::pipeline
