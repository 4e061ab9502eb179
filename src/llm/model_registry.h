// Maps the model names agents and clients use (claude-4-sonnet, llama3.1-70b, auto, ...) to a
// provider, from cortex.toml [models.<name>] tables:
//   [models."claude-4-sonnet"]
//   provider = "anthropic"            # openai_compatible | anthropic | snowflake | offline
//   base_url = "https://api.anthropic.com"
//   model = "claude-sonnet-4-5"       # upstream model id (default: the table name)
//   api_key_env = "ANTHROPIC_API_KEY" # env var holding the key (never the key itself)
//   timeout_seconds = 120
//   max_retries = 3
// With no [models] tables at all every name resolves to the offline provider; "offline" always
// resolves. "auto" (or "") resolves to [models.auto] if present, else the first configured model.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "llm/provider.h"

namespace oc::llm {

struct ModelEntry {
    std::string name;
    std::string provider = "openai_compatible";
    std::string base_url;
    std::string model;
    std::string api_key_env;
    std::string api_key;  // set by code (tests), not a cortex.toml key; else read from api_key_env
    int timeout_seconds = 120;
    int max_retries = 3;
};

struct ResolvedModel {
    std::string name;            // the name the client used
    std::string upstream_model;  // what to send upstream
    std::shared_ptr<Provider> provider;
};

class ModelRegistry {
public:
    // Reads the [models.*] tables of a cortex.toml (empty path = no models). Errors name the key
    // and the file. Providers are created here, once.
    static Result<std::unique_ptr<ModelRegistry>> Load(const std::string& config_path);
    // Builds a registry from entries (tests).
    static Result<std::unique_ptr<ModelRegistry>> FromEntries(std::vector<ModelEntry> entries);

    // kInvalidArgument "Model 'x' is not available; configure [models.\"x\"] in cortex.toml"
    // for a name that maps to nothing.
    Result<ResolvedModel> Resolve(const std::string& name) const;
    // Configured names plus "offline".
    std::vector<std::string> Names() const;

private:
    ModelRegistry() = default;
    std::vector<ModelEntry> entries_;
    std::vector<std::shared_ptr<Provider>> providers_;  // parallel to entries_
    std::shared_ptr<Provider> offline_;
};

}  // namespace oc::llm
