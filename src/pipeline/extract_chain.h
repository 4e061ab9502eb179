// One request chain of a resource (reference pipeline.md §1.4, §3): the first request rendered
// from the endpoint (placeholders, parent row, incremental values), then one page per call with
// the paginator's stop conditions. Used by the extract scheduler (extract.cpp) on its workers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/http_fetch.h"
#include "pipeline/json_path.h"
#include "pipeline/paginator.h"
#include "pipeline/raw_records.h"

namespace oc::pipeline {

struct ChainState {
    size_t resource = 0;   // index into PipelineConfig::resources
    uint64_t ordinal = 0;  // creation order among the resource's chains (parent row order)
    std::shared_ptr<const Json> parent_row;  // null for a top-level resource
    bool prepared = false;
    PageRequest req;
    Paginator pag;
    std::optional<JsonPath> selector;
    HeaderList headers;    // endpoint headers, placeholders expanded
    std::string raw_body;  // endpoint `data` (form-encoded or raw); empty = none
    std::string content_type;
    int pages = 0;  // pages fetched so far
    bool raw_ok = false;  // pages may be parsed in place (the paginator has no indexed path)
};

struct FetchedPage {
    std::vector<Json> rows;  // records selected from the response
    RawRecordsPtr raw;       // or, when set, the records as parsed in place (rows is empty)
    bool last = true;        // the chain is done after this page
};

struct ChainEnv {
    const PipelineConfig* config = nullptr;
    FetchEnv fetch;                            // auth filled per resource by the caller
    const Json* incremental_values = nullptr;  // {start_value, ...} of the resource, or null
    // The page's records may stay as parsed in place (a raw page sink takes them); otherwise they
    // are made Json rows directly.
    bool raw_pages = true;
};

// Fetches the chain's next page (preparing the first request on the first call).
Result<FetchedPage> FetchNextPage(const ChainEnv& env, ChainState& chain);

}  // namespace oc::pipeline
