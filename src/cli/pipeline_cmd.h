// `cortex pipeline run FILE`: loads a dlt rest_api-style pipeline file into DuckDB and prints
// dlt's load_info text. Errors are one stderr line and exit code 1.
#pragma once

#include <CLI/CLI.hpp>

namespace oc::cli {

void AddPipelineCommand(CLI::App& root, int& exit_code);

}  // namespace oc::cli
