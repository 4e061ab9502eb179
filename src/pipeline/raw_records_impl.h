// The definition of RawRecords (raw_records.h); includes simdjson, so only the files that read
// records in place include it.
#pragma once

#include <simdjson.h>

#include <string>
#include <vector>

#include "pipeline/raw_records.h"

namespace oc::pipeline {

struct RawRecords {
    simdjson::dom::document doc;  // the parsed page; the items point into it
    std::vector<simdjson::dom::element> items;
    std::string lines;  // the items as minified jsonl (written on the fetch worker)
};

// The element as nlohmann JSON, with nlohmann's number kinds (non-negative integers unsigned).
Json RawElementToJson(simdjson::dom::element e);

}  // namespace oc::pipeline
