// ModelRegistry: cortex.toml [models.*] parsing and validation, provider construction (API keys
// are read from the environment here, once), and name resolution.
#include "llm/model_registry.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <utility>

#include <toml++/toml.h>

#include "common/log.h"
#include "common/text.h"
#include "llm/anthropic.h"
#include "llm/offline.h"
#include "llm/openai_compatible.h"
#include "llm/snowflake.h"

namespace oc::llm {
namespace {

constexpr const char* kKinds[] = {"openai_compatible", "anthropic", "snowflake", "offline"};

std::string Where(const std::string& file, const toml::node& node) {
    return file + ":" + std::to_string(node.source().begin.line);
}

Error ConfigError(const std::string& where, const std::string& message) {
    return MakeError(ErrorCode::kInvalidArgument, where + ": " + message);
}

Status ValidateKind(const ModelEntry& entry, const std::string& where) {
    bool known = false;
    for (const char* kind : kKinds) known = known || entry.provider == kind;
    if (known) return {};
    return ConfigError(where, "models.\"" + entry.name +
                                  "\".provider must be one of openai_compatible, "
                                  "anthropic, snowflake, offline; got '" +
                                  entry.provider + "'");
}

// Validates an entry; `where` prefixes messages (file:line, or the entry name for FromEntries).
Status Validate(const ModelEntry& entry, const std::string& where) {
    OC_TRY(ValidateKind(entry, where));
    if (entry.provider == "snowflake" && entry.base_url.empty()) {
        return ConfigError(where,
                           "models.\"" + entry.name +
                               "\".base_url is required for provider snowflake (the account URL)");
    }
    if (entry.name.empty()) return ConfigError(where, "a model name must not be empty");
    return {};
}

// Reads one [models."name"] table into an entry; unknown keys are errors (typos surface early).
Result<ModelEntry> ParseEntry(const std::string& name, const toml::table& table,
                              const std::string& file) {
    ModelEntry entry;
    entry.name = name;
    const std::string prefix = "models.\"" + name + "\".";
    for (const auto& [key_node, value] : table) {
        const std::string key(key_node.str());
        const std::string where = Where(file, value);
        auto read_string = [&](std::string* out) -> Status {
            auto v = value.value<std::string>();
            if (!v || !value.is_string())
                return ConfigError(where, prefix + key + " must be a string");
            *out = *v;
            return {};
        };
        auto read_int = [&](int lo, int hi, int* out) -> Status {
            auto v = value.value<int64_t>();
            if (!value.is_integer() || !v || *v < lo || *v > hi) {
                return ConfigError(where, prefix + key + " must be an integer in " +
                                              std::to_string(lo) + ".." + std::to_string(hi));
            }
            *out = static_cast<int>(*v);
            return {};
        };
        if (key == "provider") {
            OC_TRY(read_string(&entry.provider));
            OC_TRY(ValidateKind(entry, where));
        } else if (key == "base_url") {
            OC_TRY(read_string(&entry.base_url));
        } else if (key == "model") {
            OC_TRY(read_string(&entry.model));
        } else if (key == "api_key_env") {
            OC_TRY(read_string(&entry.api_key_env));
        } else if (key == "timeout_seconds") {
            OC_TRY(read_int(1, 3600, &entry.timeout_seconds));
        } else if (key == "max_retries") {
            OC_TRY(read_int(0, 10, &entry.max_retries));
        } else {
            return ConfigError(where, "unknown key " + prefix + key +
                                          " (expected provider, base_url, model, api_key_env, "
                                          "timeout_seconds, max_retries)");
        }
    }
    return entry;
}

std::shared_ptr<Provider> CreateProvider(const ModelEntry& entry,
                                         const std::shared_ptr<Provider>& offline) {
    if (entry.provider == "offline") return offline;
    UpstreamOptions options;
    options.base_url = entry.base_url;
    options.timeout_seconds = entry.timeout_seconds;
    options.max_retries = entry.max_retries;
    options.api_key = entry.api_key;
    if (options.api_key.empty() && !entry.api_key_env.empty()) {
        const char* value =
            std::getenv(entry.api_key_env.c_str());  // config loading: the one place
        if (value && *value) {
            options.api_key = value;
        } else {
            GetLogger("llm")->warn(
                "model {}: environment variable {} is not set; calling {} without a key",
                entry.name, entry.api_key_env, entry.provider);
        }
    }
    if (entry.provider == "anthropic") {
        if (options.base_url.empty()) options.base_url = "https://api.anthropic.com";
        return MakeAnthropicProvider(std::move(options));
    }
    if (entry.provider == "snowflake") return MakeSnowflakeProvider(std::move(options));
    if (options.base_url.empty()) options.base_url = "https://api.openai.com/v1";
    return MakeOpenAiCompatibleProvider(std::move(options));
}

Result<std::vector<ModelEntry>> ReadConfigFile(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         path + ": cannot read the model configuration file");
    }
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return MakeError(ErrorCode::kInvalidArgument, path + ":" +
                                                          std::to_string(e.source().begin.line) +
                                                          ": " + std::string(e.description()));
    }
    std::vector<std::pair<uint32_t, ModelEntry>> entries;  // with their line: toml++ sorts keys
    const toml::node* models = root.get("models");
    if (!models) return std::vector<ModelEntry>{};
    const toml::table* tables = models->as_table();
    if (!tables)
        return ConfigError(Where(path, *models),
                           "models must be a table of [models.\"<name>\"] tables");
    for (const auto& [name, node] : *tables) {
        const toml::table* table = node.as_table();
        if (!table) {
            return ConfigError(Where(path, node),
                               "models.\"" + std::string(name.str()) + "\" must be a table");
        }
        OC_ASSIGN_OR_RETURN(ModelEntry entry, ParseEntry(std::string(name.str()), *table, path));
        OC_TRY(Validate(entry, Where(path, node)));
        entries.emplace_back(node.source().begin.line, std::move(entry));
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<ModelEntry> in_file_order;
    for (auto& [line, entry] : entries) in_file_order.push_back(std::move(entry));
    return in_file_order;
}

}  // namespace

Result<std::unique_ptr<ModelRegistry>> ModelRegistry::Load(const std::string& config_path) {
    if (config_path.empty()) return FromEntries({});
    OC_ASSIGN_OR_RETURN(std::vector<ModelEntry> entries, ReadConfigFile(config_path));
    return FromEntries(std::move(entries));
}

Result<std::unique_ptr<ModelRegistry>> ModelRegistry::FromEntries(std::vector<ModelEntry> entries) {
    std::unique_ptr<ModelRegistry> registry(new ModelRegistry());
    registry->offline_ = MakeOfflineProvider();
    for (const ModelEntry& entry : entries) {
        OC_TRY(Validate(entry, "model \"" + entry.name + "\""));
        for (const ModelEntry& other : registry->entries_) {
            if (other.name == entry.name) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "model \"" + entry.name + "\" is configured twice");
            }
        }
        registry->providers_.push_back(CreateProvider(entry, registry->offline_));
        registry->entries_.push_back(entry);
    }
    auto log = GetLogger("llm");
    for (const ModelEntry& entry : registry->entries_) {
        log->info("model {} -> {} {} at {}", entry.name, entry.provider,
                  entry.model.empty() ? entry.name : entry.model,
                  entry.base_url.empty() ? "(default)" : entry.base_url);
    }
    return registry;
}

Result<ResolvedModel> ModelRegistry::Resolve(const std::string& name) const {
    auto resolved = [&](size_t i) {
        const ModelEntry& e = entries_[i];
        return ResolvedModel{name, e.model.empty() ? e.name : e.model, providers_[i]};
    };
    for (size_t i = 0; i < entries_.size(); ++i) {
        if (entries_[i].name == name) return resolved(i);
    }
    for (size_t i = 0; i < entries_.size(); ++i) {  // model names are case-insensitive in Snowflake
        if (EqualsIgnoreCase(entries_[i].name, name)) return resolved(i);
    }
    if (EqualsIgnoreCase(name, "offline") || entries_.empty())
        return ResolvedModel{name, "offline", offline_};
    if (name.empty() || EqualsIgnoreCase(name, "auto"))
        return resolved(0);  // no [models.auto]: the first one
    return MakeError(ErrorCode::kInvalidArgument, "Model '" + name +
                                                      "' is not available; configure [models.\"" +
                                                      name + "\"] in cortex.toml");
}

std::vector<std::string> ModelRegistry::Names() const {
    std::vector<std::string> names;
    bool has_offline = false;
    for (const ModelEntry& entry : entries_) {
        names.push_back(entry.name);
        has_offline = has_offline || EqualsIgnoreCase(entry.name, "offline");
    }
    if (!has_offline) names.push_back("offline");
    return names;
}

}  // namespace oc::llm
