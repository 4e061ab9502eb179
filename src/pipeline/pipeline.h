// One `pipeline run`: extract → normalize → load into the duckdb destination, and dlt's
// load_info text (reference pipeline.md §9.1).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/extract.h"
#include "pipeline/normalize.h"

namespace oc::store {
class Connection;
}  // namespace oc::store

namespace oc::pipeline {

struct RunOptions {
    // Directory of `<pipeline_name>.duckdb` when data_dir is empty (dlt: the current directory).
    std::string working_dir = ".";
    // When set, the database goes to `<data_dir>/databases/<pipeline_name>.duckdb`.
    std::string data_dir;
    ExtractOptions extract;
    // Where load packages live: `<pipelines_dir>/<pipeline_name>/load/...`; empty =
    // ResolvePipelinesDir("", data_dir) (package.h: `<data_dir>/pipelines` or ~/.dlt/pipelines).
    std::string pipelines_dir;
    // Load into a database attached to a cortex data instance (the server's, or the CLI's own
    // when no server runs): connect_data gives a connection to that instance, attach_catalog is
    // the attached database's name, database_path its file. Empty = open the file directly.
    std::function<Result<std::unique_ptr<store::Connection>>()> connect_data;
    std::string attach_catalog;
    std::string attach_database_path;
};

// One destination table of the run, for the schema file and the trace.
struct TableSummary {
    std::string name;
    std::string parent;  // "" for a root table
    std::string resource;
    std::string write_disposition;
    std::vector<Column> columns;
    size_t rows = 0;
};

struct LoadInfo {
    std::string pipeline_name;
    std::string destination_name = "duckdb";
    std::string dataset_name;  // of the loaded packages; "None" when nothing was loaded
    std::string location;      // duckdb:///<abs path>
    std::string database_path;
    std::vector<std::string> load_ids;
    double elapsed_seconds = 0;
    std::map<std::string, size_t> table_rows;  // rows loaded per table in this run
    // Step timings and counts for the trace (`cortex pipeline NAME trace`).
    double extract_seconds = 0;
    double normalize_seconds = 0;
    double load_seconds = 0;
    std::map<std::string, size_t> resource_rows;  // extracted rows per resource
    int requests = 0;
    std::vector<TableSummary> tables;  // tables with columns, this run
    Json state;                        // pipeline state after the run (null when none)
};

// Blocks until done. Errors name the resource/URL/key; nothing is loaded when one occurs.
Result<LoadInfo> RunPipeline(const PipelineConfig& config, const RunOptions& options);

// The four-line text dlt prints for load_info.
std::string FormatLoadInfo(const LoadInfo& info);

// humanize.precisedelta with seconds as the minimum unit: `0.26 seconds`, `1 minute and 5 seconds`.
std::string FormatElapsed(double seconds);

}  // namespace oc::pipeline
