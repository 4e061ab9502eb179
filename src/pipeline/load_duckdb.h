// The duckdb destination (reference pipeline.md §8, §9.2): dataset = schema in
// `<pipeline_name>.duckdb`, write dispositions append/replace/merge, system tables, bulk load
// of the job files through the appender (pipeline/jsonl_append.h; read_json as the fallback).
// One load package is applied in one transaction, together with its `_dlt_loads` row, so a
// package is either fully loaded or not at all.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/destination.h"
#include "pipeline/normalize.h"
#include "pipeline/sql_load.h"

namespace oc::store {
class Database;
class Connection;
}  // namespace oc::store

namespace oc::pipeline {

class DuckDbDestination : public Destination {
public:
    // Opens (creating) the file; dataset is the normalized dataset name.
    static Result<std::unique_ptr<DuckDbDestination>> Open(const std::string& path,
                                                           const std::string& dataset);
    // Loads through a connection of a cortex data instance where the target database is
    // attached as `catalog` (USE catalog); the instance stays owned by the caller.
    static Result<std::unique_ptr<DuckDbDestination>> OnConnection(
        std::unique_ptr<store::Connection> conn, const std::string& catalog,
        const std::string& dataset);
    ~DuckDbDestination() override;

    std::string name() const override { return "duckdb"; }
    std::string location() const override { return "duckdb:///" + path_; }
    Result<Json> LoadState(const std::string& pipeline_name) override;
    Result<ExistingSchema> ExistingColumns() override;
    Result<bool> IsLoaded(const std::string& load_id) override;
    // Migrations, data, state row, version row and the _dlt_loads row in one transaction.
    Status Load(const NormalizedPackage& package, std::string* failed_job) override;
    // Appends each batch in an open transaction (load_duckdb_stream.cpp).
    std::unique_ptr<StreamingLoad> StartStreamingLoad() override;

private:
    class Stream;
    DuckDbDestination(std::unique_ptr<store::Database> db, std::unique_ptr<store::Connection> conn,
                      std::string path, std::string dataset);
    Status LoadTables(const NormalizedPackage& package, std::string* failed_job);
    Status EnsureTable(const std::string& schema, const Table& table);
    Status InsertJob(const std::string& schema, const PackageTable& table);
    // InsertJob for a connection without file access (the locked-down cortex data instance):
    // parses the jsonl job here and appends through the appender.
    // dest_cols: the table's columns in order.
    Status AppendJob(const std::string& schema, const PackageTable& table,
                     const std::vector<std::string>& dest_cols);
    // What WritePackageTables (pipeline/sql_load.h) runs on this connection.
    SqlLoadOps LoadOps();
    Status WriteSystemRows(const NormalizedPackage& package);
    Result<std::vector<std::string>> TableColumns(const std::string& schema,
                                                  const std::string& table);
    // Creates the dataset schema and the system tables when missing.
    Status EnsureDataset();
    // Whether the session time zone is UTC (jsonl_append.h naive_utc), asked once.
    Result<bool> NaiveUtc();

    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Connection> conn_;
    std::string path_;
    std::string dataset_;
    int naive_utc_ = -1;  // the session time zone is UTC (1) or not (0); -1 = not asked yet
};

}  // namespace oc::pipeline
