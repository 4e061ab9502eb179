// The duckdb destination (reference pipeline.md §8, §9.2): dataset = schema in
// `<pipeline_name>.duckdb`, write dispositions append/replace/merge, system tables, bulk load
// through the appender. One load package is applied in one transaction.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/normalize.h"

namespace oc::store {
class Database;
class Connection;
}  // namespace oc::store

namespace oc::pipeline {

struct LoadPackage {
    std::string load_id;
    std::string schema_name;  // source name
    std::string pipeline_name;
    Json state;  // full pipeline state to store; null = unchanged
    std::vector<Table>* tables = nullptr;
};

class DuckDbDestination {
public:
    // Opens (creating) the file; dataset is the normalized dataset name.
    static Result<std::unique_ptr<DuckDbDestination>> Open(const std::string& path,
                                                           const std::string& dataset);
    ~DuckDbDestination();

    // The latest stored pipeline state (decoded JSON) or null when none.
    Result<Json> LoadState(const std::string& pipeline_name);
    // Columns of every existing table in the dataset, in table order.
    Result<std::map<std::string, std::vector<std::pair<std::string, DataType>>>> ExistingColumns();
    // Applies a package: migrations, data, state row, version row, _dlt_loads row. All or nothing.
    Status Load(const LoadPackage& package);

private:
    DuckDbDestination(std::unique_ptr<store::Database> db, std::unique_ptr<store::Connection> conn,
                      std::string dataset);
    Status LoadTables(const LoadPackage& package);
    Status EnsureTable(const std::string& schema, const Table& table);
    Status Append(const std::string& schema, const Table& table);
    Status Merge(const LoadPackage& package, const Table& root);
    Status WriteSystemRows(const LoadPackage& package);
    Result<std::vector<std::string>> TableColumns(const std::string& schema,
                                                  const std::string& table);

    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Connection> conn_;
    std::string dataset_;
};

// SQL identifier quoting: "a""b".
std::string QuoteIdent(const std::string& name);

}  // namespace oc::pipeline
