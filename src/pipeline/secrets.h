// Secret lookup like dlt (reference pipeline.md §2.2): environment over .dlt/secrets.toml over
// .dlt/config.toml, most specific section path first. Values are never logged.
#pragma once

#include <optional>
#include <string>

#include "pipeline/config.h"

namespace oc::pipeline {

// First non-empty value for `key` of source `source_name` in pipeline `pipeline_name`.
std::optional<std::string> LookupSecret(const SecretSources& sources,
                                        const std::string& pipeline_name,
                                        const std::string& source_name, const std::string& key);

}  // namespace oc::pipeline
