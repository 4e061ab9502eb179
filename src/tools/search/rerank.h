// Vector re-ranking of BM25 candidates (SearchService with an embedding provider): order by the
// cosine similarity of query and document vectors.
#pragma once

#include <optional>
#include <vector>

#include "common/json.h"
#include "tools/search/inverted_index.h"

namespace oc::tools::search {

struct RankedHit {
    SearchHit bm25;                 // slot and BM25 score
    std::optional<double> cosine;   // set when the hit was re-ranked
};

// The first `limit` of candidates (BM25 order) re-ordered by descending cosine similarity to
// query_vector; ties keep BM25 order. Documents without a vector of the query's dimension
// follow the re-ranked ones, in BM25 order.
std::vector<RankedHit> Rerank(const InvertedIndex& index, const std::vector<SearchHit>& candidates,
                              const std::vector<float>& query_vector, size_t limit);

// True when the request's scoring_config says "reranker": "none".
bool RerankDisabled(const Json& request);

}  // namespace oc::tools::search
