// Destinations behind one interface (reference pipeline.md §11): duckdb, postgres, filesystem.
// A destination loads one normalized load package (job files in jsonl, one per table) and must
// be idempotent: loading the same package again after a crash leaves no duplicate.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/normalize.h"

namespace oc::store {
class Connection;
}  // namespace oc::store

namespace oc::pipeline {

class StreamingLoad;  // stream_load.h

// Columns of every existing table of the dataset, in table/column order.
using ExistingSchema = std::map<std::string, std::vector<std::pair<std::string, DataType>>>;

struct PackageTable {
    Table table;         // name, parent, root, write_disposition, primary_key, columns; no rows
    size_t rows = 0;     // rows in the job file
    std::string job_id;  // `<table>.<file_id>.jsonl`; "" when the table got no rows
    std::string path;    // the job file (jsonl, one JSON object per row)
};

struct NormalizedPackage {
    std::string load_id;
    std::string schema_name;  // source name
    std::string pipeline_name;
    Json state;  // full pipeline state to store; null = unchanged
    std::vector<PackageTable> tables;  // root tables before their nested tables
};

class Destination {
public:
    virtual ~Destination() = default;
    virtual std::string name() const = 0;      // duckdb | postgres | filesystem
    virtual std::string location() const = 0;  // as printed in load_info
    // The latest stored pipeline state (decoded JSON) or null.
    virtual Result<Json> LoadState(const std::string& pipeline_name) = 0;
    virtual Result<ExistingSchema> ExistingColumns() = 0;
    // True when the package's `_dlt_loads` entry exists (it is written last, with the data).
    virtual Result<bool> IsLoaded(const std::string& load_id) = 0;
    // Loads all jobs, the system rows and the `_dlt_loads` entry. On a job-specific failure
    // `failed_job` names the job. Calling it again for a package that failed or was interrupted
    // must not duplicate rows.
    virtual Status Load(const NormalizedPackage& package, std::string* failed_job) = 0;
    // A load of the next package that takes its rows while it is normalized (stream_load.h), for
    // a package whose tables all append; null when this destination loads only whole packages.
    virtual std::unique_ptr<StreamingLoad> StartStreamingLoad();
    // PipelineConfig::replace_strategy (the SQL destinations stage replaced tables unless it is
    // truncate-and-insert; the filesystem destination has only that one).
    void set_replace_strategy(std::string strategy) { replace_strategy_ = std::move(strategy); }

protected:
    std::string replace_strategy_ = "truncate-and-insert";
};

struct DestinationOptions {
    std::string duckdb_path;  // absolute path of the duckdb file
    // duckdb only: load through a connection of a cortex data instance where the database
    // `attach_catalog` (file duckdb_path) is attached, instead of opening the file.
    std::function<Result<std::unique_ptr<store::Connection>>()> connect_data;
    std::string attach_catalog;
};

Result<std::unique_ptr<Destination>> OpenDestination(const PipelineConfig& config,
                                                     const DestinationOptions& options);

// Shared helpers.
std::string QuoteIdent(const std::string& name);  // "a""b"
std::string SqlString(const std::string& s);      // 'it''s'
bool IsDltColumn(const std::string& name);        // _dlt_id, _dlt_load_id, ... (NOT NULL)
// dlt-style stored schema: {"name", "tables": {t: {"name", "columns": {c: {name, data_type}}}}}.
Json SchemaJson(const std::string& schema_name, const ExistingSchema& tables);
ExistingSchema SchemaFromJson(const Json& schema);
// Tables of `existing` plus the package's new tables/columns, in order.
ExistingSchema MergeSchema(ExistingSchema existing, const NormalizedPackage& package);
DataType DataTypeFromName(const std::string& dlt_name);
// DuckDB `read_json(path, columns={...})` reading a job file; timestamps come in as VARCHAR.
std::string ReadJobSql(const PackageTable& t);
// The select list that casts the read_json columns to their destination types.
std::string CastSelectList(const PackageTable& t);

}  // namespace oc::pipeline
