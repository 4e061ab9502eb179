// Pipelines in a cortex data dir (DESIGN.md "Data layout"): a pipeline named N loads into the
// Snowflake database N (upper-cased like an unquoted identifier), i.e. the attached file
// databases/<N>.duckdb, with its dataset as a schema, so agents and the SQL API query it at once.
//
// `POST /api/v2/pipelines/{name}:run` runs a pipeline inside the server (blocking; the response
// carries dlt's load_info text). Body:
//   {"config": {<pipeline document: pipeline_name, dataset_name, client, resources, ...>},
//    "secrets": {"SOURCES__X__API_KEY": "...", ...}}   // optional, see below
// `secrets` holds the configuration values the CLI resolved from its environment and .dlt files,
// as environment-style keys; they replace the server's own environment and .dlt files for this
// run. The server accepts `secrets` only while it listens on a loopback address, and never logs
// them. Without `secrets` the server resolves values from its own environment.
//
// A running server advertises itself in `<data_dir>/serve.json` (url, pid) so that
// `cortex pipeline run --data-dir D` can hand the run over instead of opening the files.
#pragma once

#include <optional>
#include <string>

#include "api/api_router.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/pipeline.h"

namespace oc::store {
class SystemStore;
class Catalog;
}  // namespace oc::store

namespace oc::api {

void RegisterPipelineRoutes(ApiRouter& r);

// The Snowflake database name of a pipeline: ASCII upper case of the pipeline name.
std::string PipelineDatabaseName(const std::string& pipeline_name);

// `<data_dir>/pipelines`: working dirs of the pipelines run into this data dir.
std::string DataDirPipelinesDir(const std::string& data_dir);

// Runs the pipeline into the data dir's attached database `PipelineDatabaseName(...)`, creating
// it (owner `owner_role`) when missing, records the run in the pipelines dir, and refreshes the
// catalog so the dataset schema is visible. Runs are serialised per process.
Result<pipeline::LoadInfo> RunPipelineInDataDir(const pipeline::PipelineConfig& config,
                                                store::SystemStore& store, store::Catalog& catalog,
                                                const std::string& owner_role,
                                                pipeline::RunOptions options);

// serve.json: written by `cortex serve` once it listens, removed on shutdown.
void WriteServerFile(const std::string& data_dir, const std::string& url);
void RemoveServerFile(const std::string& data_dir);
// URL of the server running on data_dir (its pid alive), or nullopt.
std::optional<std::string> RunningServerUrl(const std::string& data_dir);

}  // namespace oc::api
