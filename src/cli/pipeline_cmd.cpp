#include "cli/pipeline_cmd.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "pipeline/config.h"
#include "pipeline/pipeline.h"
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

void RunPipelineFile(const PipelineFlags& flags, int& exit_code) {
    pipeline::SecretSources secrets;
    std::error_code ec;
    secrets.project_dir = std::filesystem::current_path(ec).string();
    auto config = pipeline::LoadPipelineFile(flags.file, secrets);
    if (!config) {
        std::fprintf(stderr, "error: %s\n", config.error().message.c_str());
        exit_code = 1;
        return;
    }
    pipeline::RunOptions options;
    options.data_dir = flags.data_dir;
    auto info = pipeline::RunPipeline(*config, options);
    if (!info) {
        std::fprintf(stderr, "error: %s\n", info.error().message.c_str());
        exit_code = 1;
        return;
    }
    std::fputs(pipeline::FormatLoadInfo(*info).c_str(), stdout);
}

}  // namespace

void AddPipelineCommand(CLI::App& root, int& exit_code) {
    auto flags = std::make_shared<PipelineFlags>();
    CLI::App* cmd =
        root.add_subcommand("pipeline", "Load REST APIs into DuckDB (dlt rest_api compatible)");
    cmd->require_subcommand(1);
    CLI::App* run = cmd->add_subcommand("run", "Run a pipeline file (YAML, TOML or JSON)");
    run->add_option("file", flags->file, "Pipeline file")->required();
    run->add_option("--data-dir", flags->data_dir,
                    "Write to <data-dir>/databases/<pipeline_name>.duckdb instead of ./");
    run->callback([flags, &exit_code] { RunPipelineFile(*flags, exit_code); });
    CLI::App* init = cmd->add_subcommand("init", "Scaffold a pipeline file for a built-in source");
    init->add_option("source", flags->source, "Source preset (cortex)")->required();
    init->add_option("destination", flags->destination, "Destination (duckdb)");
    init->callback([flags, &exit_code] { RunInit(*flags, exit_code); });
}

}  // namespace oc::cli
