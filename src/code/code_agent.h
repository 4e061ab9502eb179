// Entry point of the coding agent: `cortex` with no subcommand (print, SDK and terminal modes).
#pragma once

namespace oc::code {

// Parses the code-agent flags from argv and runs the selected mode; returns the exit code
// (2 for usage errors, 1 after an error result). stdout is protocol; logs go to stderr.
int RunCodeAgent(int argc, char** argv);

}  // namespace oc::code
