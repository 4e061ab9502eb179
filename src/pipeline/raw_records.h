// A page's records kept as parsed by simdjson (no per-record JSON DOM): the extract fast path
// hands them from the fetch worker to the normalizer, which reads them in place. Resources that
// need `Json` rows (parents, children, incremental cursors) get them from RawToJson.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "pipeline/json_path.h"

namespace oc::pipeline {

struct RawRecords;  // raw_records_impl.h
using RawRecordsPtr = std::shared_ptr<const RawRecords>;

size_t RawCount(const RawRecords& raw);
std::vector<Json> RawToJson(const RawRecords& raw);
// Appends each record as one line of minified JSON.
void AppendRawLines(std::string& out, const RawRecords& raw);
// Those lines, made once by ParseRawPage (on the fetch worker, off the normalizer's thread).
const std::string& RawLines(const RawRecords& raw);

// Parses a response body. When `selector` is unset it is detected (as DetectDataSelector) and
// set. Returns null when the fast path does not apply (the body is not JSON simdjson takes, or
// the selector is not a plain key path to a list): the caller then parses the body as before.
// Otherwise *skeleton is the body with the selected list emptied (for the paginator).
RawRecordsPtr ParseRawPage(const std::string& body, std::optional<JsonPath>& selector,
                           Json* skeleton);

}  // namespace oc::pipeline
