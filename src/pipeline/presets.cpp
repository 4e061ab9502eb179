#include "pipeline/presets.h"

namespace oc::pipeline {
namespace {

// The seed's endpoints (reference pipeline.md §14), written so they run under dlt semantics:
// `{tagOrId}` is a static param and the chat selector is a valid JSONPath.
constexpr const char* kCortexPipeline =
    R"(# Cortex API → DuckDB (dlt rest_api compatible). Run: cortex pipeline run cortex_pipeline.yaml
pipeline_name: cortex_pipeline
destination: duckdb
dataset_name: cortex_data
source_name: cortex_source
client:
  base_url: https://api.getcortexapp.com
  auth:
    type: bearer   # token from SOURCES__CORTEX_SOURCE__API_KEY or .dlt/secrets.toml
  requests_per_minute: 1000   # the Cortex API's documented limit
resources:
  - name: groups
    endpoint:
      path: api/v1/catalog/{tagOrId}/groups
      params: {tagOrId: my-service}   # the catalog entity tag or id
      data_selector: groups
  - name: documentation_openapi
    endpoint:
      path: api/v1/catalog/{tagOrId}/documentation/openapi
      params: {tagOrId: my-service}
      data_selector: spec
  - name: catalog_entity
    endpoint:
      path: api/v1/catalog/{tagOrId}
      params: {tagOrId: my-service}
  - name: docs_list
    endpoint:
      path: api/v1/catalog/{tagOrId}/documentation
      params: {tagOrId: my-service}
  - name: health
    selected: false
    endpoint:
      path: api/v1/health
      data_selector: $
  - name: chat_completions
    selected: false
    endpoint:
      path: api/v2/cortex/v1/chat/completions
      method: POST
      json:
        model: claude-3-5-sonnet
        messages:
          - role: user
            content: Hello
      data_selector: choices[*].message
      paginator: single_page
)";

constexpr const char* kCortexSecrets = R"([sources.cortex_source]
api_key = "your_cortex_api_key_here"
)";

}  // namespace

Result<std::string> PresetPipelineFile(const std::string& source, const std::string& destination) {
    if (source != "cortex") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "unknown source preset `" + source + "` (known: cortex)");
    }
    if (destination != "duckdb") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "unsupported destination `" + destination + "` (known: duckdb)");
    }
    return std::string(kCortexPipeline);
}

Result<std::string> PresetSecretsTemplate(const std::string& source) {
    if (source != "cortex") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "unknown source preset `" + source + "` (known: cortex)");
    }
    return std::string(kCortexSecrets);
}

}  // namespace oc::pipeline
