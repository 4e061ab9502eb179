// Settings files of the coding agent. Sources (`--setting-sources user,project,local`, default
// all three; `--setting-sources=` none):
//   user    <config dir>/settings.json   (config dir: $CORTEX_CODE_CONFIG_DIR or ~/.snowflake/cortex)
//   project <workdir>/.cortex/settings.json
//   local   <workdir>/.cortex/settings.local.json
// then `--settings FILE|JSON` on top. Used keys: `hooks` (command hooks, concatenated across
// sources) and `permissions.allow` / `permissions.deny` (rules, concatenated).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "code/hooks.h"
#include "common/result.h"

namespace oc::code {

struct CodeSettings {
    std::vector<HookMatcher> hooks;
    std::vector<std::string> allow;
    std::vector<std::string> deny;
    std::vector<std::string> files;  // settings files that were read
};

// The per-user config dir: $CORTEX_CODE_CONFIG_DIR, else $HOME/.snowflake/cortex.
std::string CodeConfigDir();

// kInvalidArgument for an unknown source name, a settings file that is not a JSON object, or a
// --settings value that is neither JSON nor a readable file. Missing source files are skipped.
Result<CodeSettings> LoadSettings(const std::optional<std::string>& settings_flag,
                                  const std::optional<std::string>& setting_sources,
                                  const std::string& workdir);

}  // namespace oc::code
