// Secret lookup like dlt (reference pipeline.md §2.2): environment over .dlt/secrets.toml over
// .dlt/config.toml, most specific section path first. Values are never logged.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "pipeline/config.h"

namespace oc::pipeline {

// First non-empty value for `key` of source `source_name` in pipeline `pipeline_name`.
std::optional<std::string> LookupSecret(const SecretSources& sources,
                                        const std::string& pipeline_name,
                                        const std::string& source_name, const std::string& key);

// A config value at a section path (e.g. {"destination", "postgres", "credentials"}), tried as
// `<pipeline_name>.<path>` first, then `<path>`: env `A__B__C` over secrets.toml over config.toml.
std::optional<std::string> LookupConfigValue(const SecretSources& sources,
                                             const std::string& pipeline_name,
                                             const std::vector<std::string>& path);

}  // namespace oc::pipeline
