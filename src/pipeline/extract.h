// Extract step: runs every resource's request chains (paginated, parent/child fan-out,
// incremental filtering) and returns the raw records. Blocking; one request at a time.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"

namespace oc::pipeline {

struct ExtractedResource {
    const ResourceConfig* config = nullptr;
    std::vector<Json> rows;  // after include_from_parent and incremental filtering
    int requests = 0;
};

struct ExtractOutput {
    std::vector<ExtractedResource> resources;  // config order (parents first)
    // state["sources"][source_name] after the run (incremental cursors); reference §5.4.
    Json source_state = Json::object();
};

struct ExtractOptions {
    int max_retries = 4;  // 5 attempts in all, as dlt
    int initial_backoff_ms = 1000;
    int total_timeout_ms = 60000;
};

// prior_source_state: state["sources"][source_name] from the last run ({} on the first).
Result<ExtractOutput> ExtractAll(const PipelineConfig& config, const Json& prior_source_state,
                                 const ExtractOptions& options = {});

}  // namespace oc::pipeline
