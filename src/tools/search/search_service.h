// One Cortex Search service: its definition, its BM25 index over the source rows, refresh
// (incremental, by row key) and the query of reference agents-api.md §7.1. Thread-safe: queries
// share the index, refreshes are serialised and swap their changes in under an exclusive lock.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "common/json.h"
#include "common/result.h"
#include "llm/embeddings.h"
#include "tools/search/index_file.h"
#include "tools/search/inverted_index.h"
#include "tools/search/service_spec.h"
#include "tools/search/source_query.h"

namespace oc::tools::search {

struct RefreshStats {
    size_t added = 0;      // new or changed rows indexed
    size_t removed = 0;    // rows gone or changed, taken out
    size_t unchanged = 0;  // rows kept as they were
};

class SearchService {
public:
    // index_path "" = keep the index in memory only. REQUIRES: spec columns resolved unless the
    // service has never been refreshed (the first Refresh resolves them).
    SearchService(SearchServiceSpec spec, SourceReader source, std::string index_path);

    // Loads the index file when it matches the spec; otherwise runs a full Refresh. A failure
    // is kept as indexing_error (the service still exists and answers 503 until a refresh works).
    Status Open();

    // Re-runs the source and applies the difference to the index by row key (the primary key
    // when declared, else a hash of every stored column), then writes the index file. Blocks;
    // concurrent calls run one after another. On failure the previous index keeps serving.
    Result<RefreshStats> Refresh();

    // The query of §7.1: {"results": [...]} (the caller adds request_id). Runs a Refresh first
    // when the USER_DEFINED target lag has passed (lazy refresh) and indexing is not suspended.
    // kInvalidArgument for bad fields, columns or filters; kFailedPrecondition when serving is
    // suspended; kUnavailable while no index exists.
    Result<Json> Query(const Json& request);

    // Vector re-ranking: documents are embedded at refresh (in the provider's batches, persisted
    // with the index, only new or changed rows when the provider is unchanged); a query then
    // re-ranks its BM25 top candidates (kRerankCandidates, at least limit) by the cosine
    // similarity of query and document vectors. Null (the default) keeps BM25 order. Set before
    // Open(); an embedding failure is logged and leaves BM25 order.
    void SetEmbedder(std::shared_ptr<llm::EmbeddingProvider> embedder);
    static constexpr size_t kRerankCandidates = 100;

    // The CortexSearchService object (describe and list).
    Json Describe() const;

    SearchServiceSpec spec() const;
    // Suspends or resumes indexing (lazy refresh) and/or serving (queries).
    void SetSuspended(bool indexing, bool serving, bool suspended);
    // Sets the index file and writes the current index to it (a service built in memory, e.g.
    // while its create was validated, becomes durable). Blocks on file I/O.
    Status PersistTo(std::string index_path);
    // Stops writing the index file (the service was replaced or dropped) and deletes it if
    // delete_file. Waits for a running refresh.
    void Retire(bool delete_file);

private:
    // REQUIRES: refresh_mu_ held.
    Result<RefreshStats> RefreshLocked();
    // Records a finished refresh (resolved spec, meta, size) and writes the index file.
    // REQUIRES: refresh_mu_ held.
    void Publish(const SearchServiceSpec& resolved, const IndexFileMeta& meta, const InvertedIndex& index);
    bool RefreshDue() const;
    // Embeds the live documents of index that have no vector of the embedder's identity (reusing
    // those of previous with the same key and content). published: index is visible to queries,
    // so vectors are written under index_mu_. REQUIRES: refresh_mu_ held.
    // Returns how many documents got a vector.
    size_t EmbedMissing(InvertedIndex& index, const InvertedIndex* previous, bool published);
    // The query's vector, or nullopt (no embedder, empty query, or the provider failed).
    std::optional<std::vector<float>> EmbedQuery(const std::string& query);

    mutable std::mutex state_mu_;  // guards the fields below up to retired_
    SearchServiceSpec spec_;
    IndexFileMeta meta_;           // columns kept, data timestamp, source rows
    std::string indexing_error_;
    int64_t last_attempt_ms_ = 0;  // start of the last refresh, failed or not (lazy refresh backoff)
    size_t bytes_ = 0;
    bool retired_ = false;
    std::shared_ptr<llm::EmbeddingProvider> embedder_;
    std::string embedding_error_;

    SourceReader source_;
    std::mutex refresh_mu_;                  // one refresh at a time; guards index_path_ writes
    std::string index_path_;
    mutable std::shared_mutex index_mu_;     // readers: queries; writer: refresh swap/apply
    std::shared_ptr<InvertedIndex> index_;   // null until the first successful build
};

}  // namespace oc::tools::search
