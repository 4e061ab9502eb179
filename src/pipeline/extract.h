// Extract step: runs every resource's request chains (paginated, parent/child fan-out,
// incremental filtering) on a pool of fetch workers and hands the pages to a sink on the calling
// thread through a bounded buffer (docs/PIPELINE.md "## Extract").
//
// Ordering: pages of one resource reach the sink in a fixed order — request-chain order (for a
// child resource: the order of its parent's rows), then page order — whatever the number of
// workers, so tables, columns, types and row order do not depend on timing. Pages of different
// resources interleave.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/progress.h"
#include "pipeline/raw_records.h"

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

// Counters of one extract run.
struct ExtractStats {
    int64_t pages = 0;
    int64_t requests = 0;  // HTTP requests sent, retries and token requests excluded
    // Most pages held at once between fetch and sink (in the buffer or being fetched into it).
    int64_t max_pages_in_flight = 0;
    int64_t page_bound = 0;  // the configured bound on that number
    int max_concurrent_requests = 0;
};

// Overrides of the pipeline's `runtime` / `extract` settings (tests, CLI flags); unset = config.
struct ExtractOptions {
    std::optional<int> max_retries;         // extra attempts after the first
    std::optional<int> initial_backoff_ms;  // first retry wait (doubled per retry)
    std::optional<int> total_timeout_ms;    // per attempt
    std::optional<int> workers;
    std::optional<int> max_queued_pages;
    // Live counters for a progress display; null = none.
    RunProgress* progress = nullptr;
    // Filled at the end of the run when set.
    ExtractStats* stats = nullptr;
};

// Receives one page of a resource's rows (after include_from_parent and incremental filtering).
// Called on the calling thread only; an error stops the run.
using PageSink = std::function<Status(const ResourceConfig& resource, std::vector<Json>& rows)>;
// Optional: receives pages parsed in place (resources without parent, children or incremental
// cursor); without it those pages are converted to `Json` rows for the PageSink.
using RawPageSink = std::function<Status(const ResourceConfig& resource, const RawRecords& rows)>;

struct ExtractSummary {
    Json source_state = Json::object();
    std::map<std::string, int> requests;  // per resource name
    std::map<std::string, size_t> rows;   // per resource name, as given to the sink
    ExtractStats stats;
};

// prior_source_state: state["sources"][source_name] from the last run ({} on the first).
Result<ExtractSummary> ExtractStream(const PipelineConfig& config, const Json& prior_source_state,
                                     const ExtractOptions& options, const PageSink& sink,
                                     const RawPageSink* raw_sink = nullptr);

// Collects every row in memory (resources in config order).
Result<ExtractOutput> ExtractAll(const PipelineConfig& config, const Json& prior_source_state,
                                 const ExtractOptions& options = {});

}  // namespace oc::pipeline
