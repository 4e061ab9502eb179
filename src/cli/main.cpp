// cortex: one binary for the REST server, the pipeline loader and the coding agent.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/pipeline_cmd.h"
#include "cli/serve.h"
#include "cli/stage_cmd.h"
#include "cli/token_cmd.h"
#include "cli/user_cmd.h"
#include "code/code_agent.h"
#include "common/log.h"

namespace {
constexpr const char* kVersion = "0.1.0";

// argv[1] selects a subcommand (or CLI11's help); anything else is the coding agent's command line.
bool IsSubcommandOrHelp(const std::string& arg) {
    for (const char* name : {"serve", "token", "user", "version", "pipeline", "stage", "-h", "--help", "--help-all"})
        if (arg == name) return true;
    return false;
}
}

int main(int argc, char** argv) {
    if (argc < 2 || !IsSubcommandOrHelp(argv[1])) return oc::code::RunCodeAgent(argc, argv);
    CLI::App app{"opencortex: a self-hosted Cortex platform on DuckDB", "cortex"};
    app.require_subcommand(0, 1);
    int exit_code = 0;
    oc::InitLogging("warn");
    oc::cli::AddServeCommand(app, exit_code);
    oc::cli::AddTokenCommand(app, exit_code);
    oc::cli::AddUserCommand(app, exit_code);
    oc::cli::AddPipelineCommand(app, exit_code);
    oc::cli::AddStageCommand(app, exit_code);
    app.add_subcommand("version", "Print the version")->callback([] { std::printf("cortex %s\n", kVersion); });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    if (app.get_subcommands().empty()) {
        return oc::code::RunCodeAgent(argc, argv);
    }
    return exit_code;
}
