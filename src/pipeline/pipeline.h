// One `pipeline run`: extract → normalize → load into the duckdb destination, and dlt's
// load_info text (reference pipeline.md §9.1).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/extract.h"

namespace oc::pipeline {

struct RunOptions {
    // Directory of `<pipeline_name>.duckdb` when data_dir is empty (dlt: the current directory).
    std::string working_dir = ".";
    // When set, the database goes to `<data_dir>/databases/<pipeline_name>.duckdb`.
    std::string data_dir;
    ExtractOptions extract;
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
};

// Blocks until done. Errors name the resource/URL/key; nothing is loaded when one occurs.
Result<LoadInfo> RunPipeline(const PipelineConfig& config, const RunOptions& options);

// The four-line text dlt prints for load_info.
std::string FormatLoadInfo(const LoadInfo& info);

// humanize.precisedelta with seconds as the minimum unit: `0.26 seconds`, `1 minute and 5 seconds`.
std::string FormatElapsed(double seconds);

}  // namespace oc::pipeline
