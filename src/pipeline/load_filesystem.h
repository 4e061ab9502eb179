// The filesystem destination (reference pipeline.md §11): `bucket_url` (a local path, file:// or
// s3:// URL; object_store.h) from `destination.filesystem.bucket_url`; files
// `<bucket>/<dataset>/<table>/<load_id>.<file_id>.<ext>` in jsonl (default), parquet or csv
// (written by DuckDB COPY); system tables as
// files: `_dlt_loads/<schema>__<load_id>.jsonl` (written last: the package's commit marker),
// `_dlt_version/<schema>__<load_id>__<hash hex>.jsonl`,
// `_dlt_pipeline_state/<pipeline>__<load_id>__<hash hex>.jsonl`, and an `init` file.
// merge falls back to append; replace deletes the table's files first.
#pragma once

#include <memory>

#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/destination.h"

namespace oc::pipeline {

Result<std::unique_ptr<Destination>> OpenFilesystemDestination(const PipelineConfig& config);

}  // namespace oc::pipeline
