// [connections.*] profiles of cortex.toml and --connection paths.
#include "code/connections.h"

#include <cstdlib>
#include <filesystem>

#include <toml++/toml.h>

namespace oc::code {
namespace fs = std::filesystem;
namespace {

Status ReadProfile(const toml::table& t, const std::string& name, const std::string& file,
                   ConnectionProfile* p) {
    const fs::path base = fs::path(file).parent_path();
    std::string token_env;
    for (const auto& [key_node, value] : t) {
        const std::string key(key_node.str());
        const std::string where = file + ": connections." + name + "." + key;
        auto text = value.value<std::string>();
        if (!text || !value.is_string()) return MakeError(ErrorCode::kInvalidArgument, where + " must be a string");
        if (key == "duckdb") p->duckdb_path = (base / *text).lexically_normal().string();
        else if (key == "data_dir") p->data_dir = (base / *text).lexically_normal().string();
        else if (key == "url") p->url = *text;
        else if (key == "token") p->token = *text;
        else if (key == "token_env") token_env = *text;
        else if (key == "database") p->database = *text;
        else if (key == "agent") p->agent = *text;
        else
            return MakeError(ErrorCode::kInvalidArgument,
                             where + " is unknown (expected duckdb, data_dir, url, token, token_env, database, agent)");
    }
    if (!token_env.empty() && p->token.empty()) {
        if (const char* v = std::getenv(token_env.c_str())) p->token = v;  // config loading
    }
    return {};
}

}  // namespace

Result<ConnectionProfile> ResolveConnection(const std::string& value, const std::string& config_path,
                                            const std::string& workdir) {
    ConnectionProfile p;
    p.name = value;
    std::error_code ec;
    toml::table root;
    const bool have_config = !config_path.empty() && fs::is_regular_file(config_path, ec);
    if (have_config) {
        try {
            root = toml::parse_file(config_path);
        } catch (const toml::parse_error& e) {
            return MakeError(ErrorCode::kInvalidArgument, config_path + ":" +
                                 std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
        }
        if (p.name.empty()) {
            if (auto d = root["default_connection_name"].value<std::string>()) p.name = *d;
        }
    }
    bool found = false;
    if (!p.name.empty() && have_config) {
        if (const toml::table* t = root["connections"][p.name].as_table()) {
            OC_TRY(ReadProfile(*t, p.name, config_path, &p));
            found = true;
        }
    }
    if (!p.name.empty() && !found) {
        const fs::path path = fs::path(workdir) / p.name;
        if (fs::is_directory(path, ec)) p.data_dir = fs::weakly_canonical(path, ec).string();
        else if (fs::is_regular_file(path, ec)) p.duckdb_path = fs::weakly_canonical(path, ec).string();
        else
            return MakeError(ErrorCode::kNotFound,
                             "--connection " + p.name + ": no [connections." + p.name + "] in " +
                                 (have_config ? config_path : std::string("the config (none given)")) +
                                 " and no such file or directory");
    }
    if (p.url.empty()) {
        if (const char* v = std::getenv("CORTEX_URL")) p.url = v;
    }
    if (p.token.empty()) {
        if (const char* v = std::getenv("CORTEX_TOKEN")) p.token = v;
    }
    if (p.agent.empty()) {
        if (const char* v = std::getenv("CORTEX_AGENT")) p.agent = v;
    }
    while (!p.url.empty() && p.url.back() == '/') p.url.pop_back();
    return p;
}

}  // namespace oc::code
