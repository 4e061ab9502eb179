// The body of POST …/cortex-search-services/{name}:query (QueryRequest, reference agents-api.md
// §7.1) read into plain fields; column and filter checks need the service and happen later.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::tools::search {

inline constexpr size_t kDefaultQueryLimit = 10;
inline constexpr size_t kMaxQueryLimit = 1000;

struct QueryRequest {
    std::string query;
    std::optional<std::vector<std::string>> columns;  // nullopt = only the search column
    Json filter = Json::object();                      // {} = no filter
    size_t limit = kDefaultQueryLimit;
};

// kInvalidArgument naming the field for: a missing or non-string query, multi_index_query (no
// vector indexes here), columns that is not an array of strings, filter that is not an object,
// limit outside 1..1000, and scoring_profile (no stored profiles). scoring_config and
// experimental are accepted; of scoring_config only "reranker": "none" is honoured (no vector
// re-ranking, rerank.h).
Result<QueryRequest> ParseQueryRequest(const Json& body);

}  // namespace oc::tools::search
