#include "pipeline/secrets.h"

#include <toml++/toml.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <vector>

namespace oc::pipeline {
namespace {

std::string Upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::vector<std::string>> KeyPaths(const std::string& pipeline_name,
                                               const std::string& source_name,
                                               const std::string& key) {
    std::vector<std::vector<std::string>> base = {
        {"sources", source_name, key}, {"sources", key}, {key}};
    std::vector<std::vector<std::string>> out;
    if (!pipeline_name.empty()) {
        for (auto p : base) {
            p.insert(p.begin(), pipeline_name);
            out.push_back(std::move(p));
        }
    }
    for (auto& p : base) out.push_back(std::move(p));
    return out;
}

std::optional<std::string> FromEnv(const SecretSources& sources, const std::string& name) {
    for (const auto& [k, v] : sources.env_override) {
        if (k == name && !v.empty()) return v;
    }
    if (!sources.use_process_env) return std::nullopt;
    const char* v = std::getenv(name.c_str());
    if (v != nullptr && *v != '\0') return std::string(v);
    return std::nullopt;
}

std::optional<std::string> FromToml(const toml::table& root, const std::vector<std::string>& path) {
    const toml::node* node = &root;
    for (const auto& part : path) {
        const auto* table = node->as_table();
        if (table == nullptr) return std::nullopt;
        node = table->get(part);
        if (node == nullptr) return std::nullopt;
    }
    if (auto s = node->value<std::string>(); s && !s->empty()) return *s;
    if (node->is_integer()) return std::to_string(*node->value<int64_t>());
    if (node->is_floating_point()) return std::to_string(*node->value<double>());
    return std::nullopt;
}

std::optional<toml::table> ReadToml(const std::filesystem::path& file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return std::nullopt;
    try {
        return toml::parse_file(file.string());
    } catch (const toml::parse_error&) {
        return std::nullopt;
    }
}

}  // namespace

std::optional<std::string> LookupConfigValue(const SecretSources& sources,
                                             const std::string& pipeline_name,
                                             const std::vector<std::string>& path) {
    std::vector<std::vector<std::string>> paths;
    if (!pipeline_name.empty()) {
        paths.push_back(path);
        paths.back().insert(paths.back().begin(), pipeline_name);
    }
    paths.push_back(path);
    std::filesystem::path dir = std::filesystem::path(sources.project_dir) / ".dlt";
    auto secrets = ReadToml(dir / "secrets.toml");
    auto config = ReadToml(dir / "config.toml");
    for (const auto& p : paths) {
        std::string env;
        for (const auto& part : p) env += (env.empty() ? "" : "__") + Upper(part);
        if (auto v = FromEnv(sources, env)) return v;
        if (secrets) {
            if (auto v = FromToml(*secrets, p)) return v;
        }
        if (config) {
            if (auto v = FromToml(*config, p)) return v;
        }
    }
    return std::nullopt;
}

std::optional<std::string> LookupSecret(const SecretSources& sources,
                                        const std::string& pipeline_name,
                                        const std::string& source_name, const std::string& key) {
    auto paths = KeyPaths(pipeline_name, source_name, key);
    std::filesystem::path dir = std::filesystem::path(sources.project_dir) / ".dlt";
    auto secrets = ReadToml(dir / "secrets.toml");
    auto config = ReadToml(dir / "config.toml");
    for (const auto& path : paths) {
        std::string env;
        for (const auto& part : path) env += (env.empty() ? "" : "__") + Upper(part);
        if (auto v = FromEnv(sources, env)) return v;
        if (secrets) {
            if (auto v = FromToml(*secrets, path)) return v;
        }
        if (config) {
            if (auto v = FromToml(*config, path)) return v;
        }
    }
    return std::nullopt;
}

}  // namespace oc::pipeline
