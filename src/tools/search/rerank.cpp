#include "tools/search/rerank.h"

#include <algorithm>

#include "llm/embeddings.h"

namespace oc::tools::search {

std::vector<RankedHit> Rerank(const InvertedIndex& index, const std::vector<SearchHit>& candidates,
                              const std::vector<float>& query_vector, size_t limit) {
    std::vector<RankedHit> with_vector, without;
    for (const SearchHit& h : candidates) {
        const std::vector<float>& v = index.docs()[h.doc].embedding;
        if (v.size() == query_vector.size() && !v.empty()) {
            with_vector.push_back({h, llm::CosineSimilarity(query_vector, v)});
        } else {
            without.push_back({h, std::nullopt});
        }
    }
    std::stable_sort(with_vector.begin(), with_vector.end(),
                     [](const RankedHit& a, const RankedHit& b) { return *a.cosine > *b.cosine; });
    with_vector.insert(with_vector.end(), without.begin(), without.end());
    if (with_vector.size() > limit) with_vector.resize(limit);
    return with_vector;
}

bool RerankDisabled(const Json& request) {
    if (!request.is_object()) return false;
    auto it = request.find("scoring_config");
    if (it == request.end() || !it->is_object()) return false;
    auto r = it->find("reranker");
    return r != it->end() && r->is_string() && r->get<std::string>() == "none";
}

}  // namespace oc::tools::search
