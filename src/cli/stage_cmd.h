// `cortex stage put|ls|rm`: files of internal stages (store/stage_store.h), like Snowflake's PUT,
// LIST and REMOVE. Stages are plain files written through temp-file + rename, so by default the
// command works on --data-dir directly, also while `cortex serve` runs on it (no DuckDB lock is
// needed). With --url (or CORTEX_URL) it goes through a server's REST API instead, authenticated
// by --token (or CORTEX_TOKEN), so the server's authorization applies.
#pragma once

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "common/result.h"

namespace oc::cli {

void AddStageCommand(CLI::App& root, int& exit_code);

// "@DB.SCHEMA.STAGE[/path]" split into stored names and a normalised path ("" = the stage root).
struct StageLocation {
    std::string database;
    std::string schema;
    std::string stage;
    std::string path;
};

// kInvalidArgument naming what is wrong (missing '@', not three name parts, bad path segment).
Result<StageLocation> ParseStageLocation(std::string_view text);

}  // namespace oc::cli
