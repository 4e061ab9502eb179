// cortex: one binary for the REST server, the pipeline loader and the coding agent.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "cli/serve.h"
#include "cli/token_cmd.h"
#include "cli/user_cmd.h"
#include "common/log.h"

namespace {
constexpr const char* kVersion = "0.1.0";
}

int main(int argc, char** argv) {
    CLI::App app{"opencortex: a self-hosted Cortex platform on DuckDB", "cortex"};
    app.require_subcommand(0, 1);
    int exit_code = 0;
    oc::InitLogging("warn");
    oc::cli::AddServeCommand(app, exit_code);
    oc::cli::AddTokenCommand(app, exit_code);
    oc::cli::AddUserCommand(app, exit_code);
    app.add_subcommand("version", "Print the version")->callback([] { std::printf("cortex %s\n", kVersion); });
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e);
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    }
    if (app.get_subcommands().empty()) {
        std::fprintf(stderr, "error: the coding agent mode is not available yet; see `cortex --help`\n");
        return 2;
    }
    return exit_code;
}
