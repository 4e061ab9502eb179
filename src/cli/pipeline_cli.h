// Internals of `cortex pipeline`, shared by pipeline_cmd.cpp (registration and dispatch),
// pipeline_run.cpp (run, progress, hand-off to a server) and pipeline_inspect.cpp /
// pipeline_drop.cpp (`cortex pipeline NAME info|show|trace|schema|drop`).
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::cli {

struct PipelineRunFlags {
    std::string file;
    std::string data_dir;
    std::string pipelines_dir;
    std::string token;  // for a hand-off; default env CORTEX_TOKEN
    bool no_progress = false;
};

// `cortex pipeline run FILE`; returns the exit code.
int RunPipelineFileCommand(const PipelineRunFlags& flags);

// Options after `cortex pipeline NAME SUBCOMMAND`.
struct InspectFlags {
    std::string name;
    std::string subcommand;
    std::vector<std::string> args;  // positionals after the subcommand
    std::string pipelines_dir;
    std::string data_dir;
    std::string query;         // show --query SQL
    std::string format = "yaml";  // schema --format yaml|json
    std::string token;         // show --query against a running server
    bool verbose = false;      // -v
    bool yes = false;          // drop -y/--yes
};

// Parses `NAME SUBCOMMAND [args/flags...]`; the error names the bad flag.
Result<InspectFlags> ParseInspectArgs(const std::vector<std::string>& args);

// The working dir of the pipeline (`<pipelines_dir>/<name>`), NotFound with a one-line message
// when no run of it was recorded there.
Result<std::string> FindWorkingDir(const InspectFlags& flags, std::string* pipelines_dir);

int PipelineInfo(const InspectFlags& flags);
int PipelineShow(const InspectFlags& flags);
int PipelineTrace(const InspectFlags& flags);
int PipelineSchema(const InspectFlags& flags);
int PipelineDrop(const InspectFlags& flags);
int PipelineDropPendingPackages(const InspectFlags& flags);  // pipeline_drop_pending.cpp

// Shared printing helpers.
int CliFail(const std::string& message);  // "error: <message>" on stderr; returns 1
// Asks "<question> [y/N] " on stdout and reads a line from stdin; true for y/Y/yes. When false it
// has printed "Aborted".
bool Confirm(const std::string& question);
// Python-style scalar/list text as dlt prints state values: True, None, ['a', 'b'].
std::string PyText(const Json& v);
// A table of rows with a header line, columns padded to their widest cell.
std::string FormatTable(const std::vector<std::string>& header,
                        const std::vector<std::vector<std::string>>& rows);
// Bearer token for a server: the flag, else env CORTEX_TOKEN ("" when neither).
std::string ServerToken(const std::string& flag);

}  // namespace oc::cli
