#include "cli/pipeline_cmd.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "cli/pipeline_cli.h"
#include "cli/pipeline_package_cmd.h"
#include "pipeline/presets.h"

namespace oc::cli {
namespace {

struct PipelineFlags {
    std::string file;
    std::string data_dir;
    std::string source;
    std::string destination = "duckdb";
};

void Fail(const std::string& message, int& exit_code) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    exit_code = 1;
}

// Writes text to path unless it exists; false when it already existed.
bool WriteNew(const std::filesystem::path& path, const std::string& text) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return false;
    std::filesystem::create_directories(path.parent_path(), ec);
    std::ofstream(path, std::ios::binary) << text;
    return true;
}

void RunInit(const PipelineFlags& flags, int& exit_code) {
    auto file = pipeline::PresetPipelineFile(flags.source, flags.destination);
    if (!file) return Fail(file.error().message, exit_code);
    auto secrets = pipeline::PresetSecretsTemplate(flags.source);
    if (!secrets) return Fail(secrets.error().message, exit_code);
    const std::string name = flags.source + "_pipeline.yaml";
    if (!WriteNew(name, *file)) return Fail(name + " already exists", exit_code);
    bool wrote_secrets = WriteNew(std::filesystem::path(".dlt") / "secrets.toml", *secrets);
    std::printf(
        "Created %s%s\nAdd your API key to .dlt/secrets.toml (or set SOURCES__%s_SOURCE__API_KEY), "
        "then run: cortex pipeline run %s\n",
        name.c_str(), wrote_secrets ? " and .dlt/secrets.toml" : "",
        flags.source == "cortex" ? "CORTEX" : flags.source.c_str(), name.c_str());
}

// `cortex pipeline NAME SUBCOMMAND ...`: CLI11 hands the words over as extras.
int DispatchNamed(const std::vector<std::string>& words) {
    if (words.size() < 2) {
        return CliFail("usage: cortex pipeline NAME info|show|trace|schema|drop|"
                       "drop-pending-packages|load-package|failed-jobs (or: cortex pipeline "
                       "run FILE, cortex pipeline init SOURCE)");
    }
    const std::string& sub = words[1];
    if (sub == "load-package" || sub == "failed-jobs") {
        return RunPipelinePackageCommand(words[0], sub,
                                         std::vector<std::string>(words.begin() + 2, words.end()));
    }
    auto flags = ParseInspectArgs(words);
    if (!flags) return CliFail(flags.error().message);
    if (sub == "info") return PipelineInfo(*flags);
    if (sub == "show") return PipelineShow(*flags);
    if (sub == "trace") return PipelineTrace(*flags);
    if (sub == "schema") return PipelineSchema(*flags);
    if (sub == "drop") return PipelineDrop(*flags);
    if (sub == "drop-pending-packages") return PipelineDropPendingPackages(*flags);
    return CliFail("unknown pipeline command '" + sub +
                   "' (expected info, show, trace, schema, drop, drop-pending-packages, "
                   "load-package or failed-jobs)");
}

}  // namespace

void AddPipelineCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<PipelineFlags>();
    auto run_flags = std::make_shared<PipelineRunFlags>();
    CLI::App* cmd = root.add_subcommand(
        "pipeline",
        "Load REST APIs into DuckDB (dlt rest_api compatible). Also: cortex pipeline NAME "
        "info|show|trace|schema|drop|drop-pending-packages|load-package|failed-jobs "
        "[--pipelines-dir DIR] "
        "[--data-dir DIR]");
    cmd->require_subcommand(0, 1);
    cmd->allow_extras();
    CLI::App* run = cmd->add_subcommand("run", "Run a pipeline file (YAML, TOML or JSON)");
    run->add_option("file", run_flags->file, "Pipeline file")->required();
    run->add_option("--data-dir", run_flags->data_dir,
                    "Load into the cortex data dir (database <PIPELINE_NAME>); hands the run to "
                    "a `cortex serve` running on it");
    run->add_option("--pipelines-dir", run_flags->pipelines_dir,
                    "Working dirs of pipelines (default <data-dir>/pipelines, else "
                    "$DLT_DATA_DIR/pipelines or ~/.dlt/pipelines)");
    run->add_option("--token", run_flags->token,
                    "Token for the hand-off to a running server (default env CORTEX_TOKEN)");
    run->add_flag("--no-progress", run_flags->no_progress, "Do not print progress to stderr");
    run->callback([run_flags, &exit_code] { exit_code = RunPipelineFileCommand(*run_flags); });
    CLI::App* init = cmd->add_subcommand("init", "Scaffold a pipeline file for a built-in source");
    init->add_option("source", flags->source, "Source preset (cortex)")->required();
    init->add_option("destination", flags->destination, "Destination (duckdb)");
    init->callback([flags, &exit_code] { RunInit(*flags, exit_code); });
    cmd->callback([cmd, &exit_code] {
        if (!cmd->get_subcommands().empty()) return;
        exit_code = DispatchNamed(cmd->remaining());
    });
}

}  // namespace oc::cli
