// `cortex pipeline NAME load-package [LOAD_ID]` and `cortex pipeline NAME failed-jobs`: dlt's
// views of the load packages in the pipeline's working dir (reference pipeline.md §10).
#pragma once

#include <string>
#include <vector>

namespace oc::cli {

// args = the words after the subcommand: `[LOAD_ID] [--pipelines-dir DIR] [--data-dir DIR] [-v]`.
// Returns the exit code; errors are one `error: ...` line on stderr and exit code 1.
int RunPipelinePackageCommand(const std::string& pipeline_name, const std::string& subcommand,
                              const std::vector<std::string>& args);

}  // namespace oc::cli
