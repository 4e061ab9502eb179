// `cortex serve`: the REST server on a data dir.
#pragma once

#include <CLI/CLI.hpp>

namespace oc::cli {

void AddServeCommand(CLI::App& root, int& exit_code);

}  // namespace oc::cli
