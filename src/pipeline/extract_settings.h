// The `extract` and `runtime` settings of a pipeline (dlt's `[extract]` / `[runtime]` sections,
// reference pipeline.md §6.3 and §12.3). Sources, first found wins: environment
// (`EXTRACT__WORKERS`, `RUNTIME__REQUEST_MAX_ATTEMPTS`, also prefixed `<PIPELINE_NAME>__...`),
// `.dlt/secrets.toml` / `.dlt/config.toml` sections, then the pipeline file's top-level
// `extract:` / `runtime:` mappings, then the defaults in config.h.
#pragma once

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"

namespace oc::pipeline {

// Fills cfg.extract and cfg.runtime; cfg.pipeline_name must be set. Errors name the key.
Status ApplyExtractSettings(const Json& doc, const SecretSources& secrets, PipelineConfig& cfg);

}  // namespace oc::pipeline
