// A pipeline's local working directory, like dlt's (reference pipeline.md §8.3; the pipelines
// dir is package.h's ResolvePipelinesDir, load packages live under `load/`):
// `<pipelines_dir>/<pipeline_name>/` holds `state.json` (the synchronized state plus `_local`,
// which records where the destination is), `schemas/<schema>.schema.json`, `trace.json` (the
// last run) and `loads.jsonl` (one line per loaded package). `cortex pipeline NAME info|show|
// trace|schema|drop` read these files; `pipeline run` (local or handed to a server) writes them.
#pragma once

#include <string>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/pipeline.h"

namespace oc::pipeline {

// `<pipelines_dir>/<name>`.
std::string WorkingDir(const std::string& pipelines_dir, const std::string& name);

// Where the run's destination lives; stored under state.json `_local`.
struct DestinationRef {
    std::string location;       // duckdb:///<abs path>
    std::string database_path;  // the .duckdb file
    std::string data_dir;       // set when the database belongs to a cortex data dir
    std::string database;       // its Snowflake database name (attached by the server)
};

// Records one run in the working dir: trace.json always; on success also state.json, the
// schema file (tables merged with earlier runs) and a loads.jsonl line per package.
Status RecordRun(const std::string& working_dir, const PipelineConfig& config,
                 const DestinationRef& dest, const Result<LoadInfo>& outcome,
                 const std::string& started_at);

// Parsed contents of a working-dir JSON file (state.json, trace.json, schemas/x.schema.json).
Result<Json> ReadWorkingJson(const std::string& path);
Status WriteWorkingJson(const std::string& path, const Json& doc);

// The schema document (dlt's stored schema shape) of `schema_name`; NotFound when absent.
Result<Json> ReadSchema(const std::string& working_dir, const std::string& schema_name);

}  // namespace oc::pipeline
