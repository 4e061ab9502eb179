// The postgres destination (reference pipeline.md §11) over libpq: dataset = schema, dlt's table
// and column names and system tables, bulk load with COPY FROM STDIN (csv produced by DuckDB
// from the job files), merge (delete-insert, upsert, insert-only, scd2; sql_load.h) through
// `<dataset>_staging`. A package is loaded
// in one transaction together with its `_dlt_loads` row. Credentials like dlt:
// `destination.postgres.credentials` as a connection string, or its fields database, username,
// password, host, port (env DESTINATION__POSTGRES__CREDENTIALS[__HOST...] or .dlt/secrets.toml).
#pragma once

#include <memory>

#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/destination.h"

namespace oc::pipeline {

Result<std::unique_ptr<Destination>> OpenPostgresDestination(const PipelineConfig& config);

// The libpq conninfo for the configured credentials (exposed for tests).
Result<std::string> PostgresConnInfo(const PipelineConfig& config);

}  // namespace oc::pipeline
