// SearchService's vector side: embedding documents at refresh and queries at query time.
#include <algorithm>

#include "common/log.h"
#include "tools/search/search_service.h"

namespace oc::tools::search {

void SearchService::SetEmbedder(std::shared_ptr<llm::EmbeddingProvider> embedder) {
    std::lock_guard lock(state_mu_);
    embedder_ = std::move(embedder);
}

size_t SearchService::EmbedMissing(InvertedIndex& index, const InvertedIndex* previous, bool published) {
    std::shared_ptr<llm::EmbeddingProvider> embedder;
    {
        std::lock_guard lock(state_mu_);
        embedder = embedder_;
    }
    if (!embedder) return 0;
    const std::string identity = embedder->Identity();
    if (index.embedding_identity() != identity) {
        std::unique_lock lock(index_mu_, std::defer_lock);
        if (published) lock.lock();
        for (uint32_t d = 0; d < index.docs().size(); ++d) index.SetEmbedding(d, {});
        index.set_embedding_identity(identity);
    }
    // Reuse the vectors of unchanged rows from the previous index (a full rebuild).
    const bool reuse = previous && previous->embedding_identity() == identity;
    std::vector<uint32_t> missing;
    for (uint32_t d = 0; d < index.docs().size(); ++d) {
        const IndexedDoc& doc = index.docs()[d];
        if (!doc.live || !doc.embedding.empty()) continue;
        if (reuse) {
            const IndexedDoc* old = previous->Find(doc.key);
            if (old && old->content_hash == doc.content_hash && !old->embedding.empty()) {
                index.SetEmbedding(d, old->embedding);  // not published: no lock needed
                continue;
            }
        }
        missing.push_back(d);
    }
    size_t done = 0;
    const size_t batch = std::max<size_t>(1, embedder->batch_size());
    for (size_t start = 0; start < missing.size(); start += batch) {
        const size_t end = std::min(missing.size(), start + batch);
        std::vector<std::string> texts;
        for (size_t i = start; i < end; ++i) {
            texts.push_back(InvertedIndex::SearchText(index.docs()[missing[i]].row, index.search_column()));
        }
        auto vectors = embedder->Embed(texts);
        if (!vectors) {
            GetLogger("search")->warn("embedding documents failed: {}", vectors.error().message);
            std::lock_guard lock(state_mu_);
            embedding_error_ = vectors.error().message;
            return done;
        }
        std::unique_lock lock(index_mu_, std::defer_lock);
        if (published) lock.lock();
        for (size_t i = start; i < end; ++i) index.SetEmbedding(missing[i], std::move((*vectors)[i - start]));
        done += end - start;
    }
    std::lock_guard lock(state_mu_);
    embedding_error_.clear();
    return done;
}

std::optional<std::vector<float>> SearchService::EmbedQuery(const std::string& query) {
    std::shared_ptr<llm::EmbeddingProvider> embedder;
    {
        std::lock_guard lock(state_mu_);
        embedder = embedder_;
    }
    if (!embedder || query.find_first_not_of(" \t\r\n") == std::string::npos) return std::nullopt;
    auto vectors = embedder->Embed({query});
    if (!vectors || vectors->size() != 1) {
        GetLogger("search")->warn("embedding the query failed ({}); keeping BM25 order",
                                  vectors ? "no vector" : vectors.error().message);
        return std::nullopt;
    }
    return std::move((*vectors)[0]);
}

}  // namespace oc::tools::search
