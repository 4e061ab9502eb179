// Settings sources, file reading and merging.
#include "code/settings.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "code/options.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

Status Apply(const Json& settings, const std::string& origin, CodeSettings* out) {
    if (!settings.is_object()) return MakeError(ErrorCode::kInvalidArgument, origin + ": settings must be a JSON object");
    if (settings.contains("hooks")) {
        if (!settings["hooks"].is_object())
            return MakeError(ErrorCode::kInvalidArgument, origin + ": \"hooks\" must be an object");
        for (auto& m : ParseSettingsHooks(settings["hooks"])) out->hooks.push_back(std::move(m));
    }
    if (settings.contains("permissions") && settings["permissions"].is_object()) {
        const Json& p = settings["permissions"];
        for (const char* key : {"allow", "deny"}) {
            if (!p.contains(key) || !p[key].is_array()) continue;
            for (const Json& rule : p[key])
                if (rule.is_string()) (std::string(key) == "allow" ? out->allow : out->deny).push_back(rule);
        }
    }
    return {};
}

Result<bool> ReadFileInto(const fs::path& path, CodeSettings* out) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return false;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    Json parsed = Json::parse(text.str(), nullptr, false);
    if (parsed.is_discarded())
        return MakeError(ErrorCode::kInvalidArgument, path.string() + ": settings file is not valid JSON");
    OC_TRY(Apply(parsed, path.string(), out));
    out->files.push_back(path.string());
    return true;
}

}  // namespace

std::string CodeConfigDir() {
    if (const char* dir = std::getenv("CORTEX_CODE_CONFIG_DIR"); dir && *dir) return dir;
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + "/.snowflake/cortex";
}

Result<CodeSettings> LoadSettings(const std::optional<std::string>& settings_flag,
                                  const std::optional<std::string>& setting_sources,
                                  const std::string& workdir) {
    CodeSettings out;
    const std::vector<std::string> sources =
        setting_sources ? SplitToolList(*setting_sources) : std::vector<std::string>{"user", "project", "local"};
    for (const std::string& source : sources) {
        fs::path path;
        if (source == "user") path = fs::path(CodeConfigDir()) / "settings.json";
        else if (source == "project") path = fs::path(workdir) / ".cortex" / "settings.json";
        else if (source == "local") path = fs::path(workdir) / ".cortex" / "settings.local.json";
        else
            return MakeError(ErrorCode::kInvalidArgument,
                             "--setting-sources: unknown source '" + source + "' (user, project, local)");
        auto read = ReadFileInto(path, &out);
        if (!read) return read.error();
    }
    if (settings_flag && !settings_flag->empty()) {
        const std::string& value = *settings_flag;
        if (value.find('{') != std::string::npos) {
            Json parsed = Json::parse(value, nullptr, false);
            if (parsed.is_discarded())
                return MakeError(ErrorCode::kInvalidArgument, "--settings: not valid JSON and not a file");
            OC_TRY(Apply(parsed, "--settings", &out));
        } else {
            auto read = ReadFileInto(value, &out);
            if (!read) return read.error();
            if (!*read) return MakeError(ErrorCode::kNotFound, "--settings: cannot read '" + value + "'");
        }
    }
    return out;
}

}  // namespace oc::code
