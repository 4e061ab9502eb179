// A pipeline file: dlt's RESTAPIConfig keys plus pipeline_name, destination, dataset_name
// (reference pipeline.md §1). YAML, TOML or JSON; unknown keys are errors naming the key.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::pipeline {

struct AuthConfig {
    std::string type;  // "" (none), bearer, api_key, http_basic
    std::string token;
    std::string name = "Authorization";
    std::string api_key;
    std::string location = "header";  // header | query | param | cookie
    std::string username;
    std::string password;
    // oauth2_client_credentials (dlt's fields; reference §2.1).
    std::string access_token_url;
    std::string client_id;
    std::string client_secret;
    Json access_token_request_data = Json::object();  // extra form fields of the token request
    int default_token_expiration = 3600;              // seconds, when the reply has no expires_in
    std::string access_token;                         // optional preset token
};

// One `response_actions` entry (reference §6.1); see response_actions.h.
enum class ResponseActionKind { kIgnore, kRetry, kFail };
struct ResponseAction {
    std::optional<int> status_code;
    std::optional<std::string> content;
    ResponseActionKind kind = ResponseActionKind::kIgnore;
};

struct IncrementalConfig {
    std::string cursor_path;
    Json initial_value;  // null = none
    Json end_value;      // null = none (set → stateless run)
    std::string last_value_func = "max";
    std::string on_cursor_value_missing = "raise";
    std::string range_start = "closed";
    std::string range_end = "open";
    std::string start_param;  // legacy injection
    std::string end_param;
};

struct EndpointConfig {
    std::string path;
    std::string method = "GET";
    Json params = Json::object();
    Json json;  // null = no body
    Json data;  // null = none; mapping → form-urlencoded body, string → raw body
    Json headers = Json::object();
    Json paginator;  // null = not set at endpoint/default level
    std::optional<std::string> data_selector;
    std::optional<IncrementalConfig> incremental;
    std::optional<AuthConfig> auth;
    Json response_actions = Json::array();
    std::vector<ResponseAction> actions;  // response_actions, validated
};

struct ResourceConfig {
    std::string name;
    std::string table_name;  // "" = name
    EndpointConfig endpoint;
    std::vector<std::string> primary_key;
    std::string write_disposition = "append";  // append | replace | merge
    std::string merge_strategy = "delete-insert";
    int max_table_nesting = 1000;
    bool selected = true;
    std::vector<std::string> include_from_parent;
    std::string parent;  // from `{resources.<parent>.<field>}`; "" = top-level resource
};

struct ClientConfig {
    std::string base_url;
    std::vector<std::pair<std::string, std::string>> headers;
    AuthConfig auth;
    Json paginator;  // null = auto
    // Cortex extension: client-side request pacing; 0 = unlimited (the Cortex preset uses 1000).
    int requests_per_minute = 0;
    int requests_burst = 1;  // token-bucket capacity for requests_per_minute
};

// Extract tuning (dlt `[extract]`, reference §12.3): file key `extract`, env `EXTRACT__WORKERS`,
// or `[extract]` in .dlt/config.toml.
struct ExtractSettings {
    int workers = 5;              // concurrent HTTP requests (request chains in flight)
    int max_parallel_items = 20;  // child request chains queued ahead of their parent's next page
    int max_queued_pages = 0;     // fetched pages waiting for normalize; 0 = 2 × workers + 2
};

// HTTP settings (dlt `[runtime]`, reference §6.3): file key `runtime`, env `RUNTIME__...`.
struct RuntimeSettings {
    double request_timeout = 60;  // seconds per attempt
    int request_max_attempts = 5;
    double request_backoff_factor = 1;
    double request_max_retry_delay = 300;
};

// Where secrets come from (reference §2.2): env over <project>/.dlt/secrets.toml over config.toml.
struct SecretSources {
    std::string project_dir = ".";
    // Environment lookup; defaults to getenv when empty (set by tests).
    std::vector<std::pair<std::string, std::string>> env_override;
    bool use_process_env = true;
};

struct PipelineConfig {
    std::string pipeline_name;
    std::string destination = "duckdb";
    std::string dataset_name;  // normalized; default `<pipeline_name>_dataset`
    std::string source_name = "rest_api";
    // filesystem destination file format: jsonl (default), parquet, csv; "" = destination default.
    std::string loader_file_format;
    // How replace-disposition tables are replaced (dlt's `destination.replace_strategy`):
    // truncate-and-insert (default), insert-from-staging or staging-optimized.
    std::string replace_strategy = "truncate-and-insert";
    // Where destination credentials/settings are looked up (destination.<name>.*).
    SecretSources secrets;
    ClientConfig client;
    std::vector<ResourceConfig> resources;  // parents before children
    ExtractSettings extract;
    RuntimeSettings runtime;
};


// Reads and validates a pipeline file; the extension picks the format (.yaml/.yml, .toml, .json).
Result<PipelineConfig> LoadPipelineFile(const std::string& path, const SecretSources& secrets);

// Same for an already parsed document; `where` names the file in errors.
Result<PipelineConfig> ParsePipelineConfig(const Json& doc, const std::string& where,
                                           const SecretSources& secrets);

// Converts file text to JSON by format name ("yaml", "toml", "json").
Result<Json> ParseConfigText(const std::string& text, const std::string& format,
                             const std::string& where);

}  // namespace oc::pipeline
