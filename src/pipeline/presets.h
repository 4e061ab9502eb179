// Built-in source presets for `cortex pipeline init` (issue 6, "The Cortex source").
#pragma once

#include <string>

#include "common/result.h"

namespace oc::pipeline {

// The pipeline file scaffolded for a preset source ("cortex") and destination ("duckdb").
Result<std::string> PresetPipelineFile(const std::string& source, const std::string& destination);

// The `.dlt/secrets.toml` template for a preset source.
Result<std::string> PresetSecretsTemplate(const std::string& source);

}  // namespace oc::pipeline
