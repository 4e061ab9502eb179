// The in-memory inverted index of one search service: documents (rows) by key, postings of the
// search column's terms, and Okapi BM25 ranking (k1 = 1.2, b = 0.75). Not thread-safe: the owner
// (SearchService) guards it with a reader/writer lock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/json.h"

namespace oc::tools::search {

struct Bm25Params {
    double k1 = 1.2;
    double b = 0.75;
};

struct IndexedDoc {
    uint64_t key = 0;           // row key: hash of the primary key, or of every column
    uint64_t content_hash = 0;  // hash of every column; changes when the row changes
    uint32_t length = 0;        // terms in the search column
    bool live = false;          // false once removed (the slot stays until Compact)
    Json row;                   // object of the service's columns
    std::vector<float> embedding;  // of the search column's text; empty = none (no provider)
};

struct Posting {
    uint32_t doc = 0;  // slot in docs()
    uint32_t tf = 0;   // occurrences of the term in that document
};

struct SearchHit {
    uint32_t doc = 0;
    double score = 0;
};

class InvertedIndex {
public:
    explicit InvertedIndex(std::string search_column, Bm25Params params = {})
        : search_column_(std::move(search_column)), params_(params) {}

    // Adds a row under key, replacing a live document with the same key.
    void Add(uint64_t key, uint64_t content_hash, Json row);
    // Removes the live document with key; false when there is none.
    bool Remove(uint64_t key);
    // The live document with key, or nullptr.
    const IndexedDoc* Find(uint64_t key) const;

    // Top `limit` live documents by BM25 score that pass accept, best first (ties: slot order).
    // Only documents containing a query term are candidates; a query without any term (empty,
    // or only stop words) instead lists accepted documents in slot order with score 0.
    std::vector<SearchHit> Search(std::string_view query, size_t limit,
                                  const std::function<bool(const Json&)>& accept) const;

    // Drops removed slots and renumbers postings; slot order of live documents is kept.
    void Compact();

    size_t live_count() const { return live_count_; }
    const std::string& search_column() const { return search_column_; }
    const std::vector<IndexedDoc>& docs() const { return docs_; }
    const std::unordered_map<std::string, std::vector<Posting>>& postings() const { return postings_; }
    // Which embedding model produced the documents' vectors ("" = none): a different one re-embeds.
    const std::string& embedding_identity() const { return embedding_identity_; }
    void set_embedding_identity(std::string identity) { embedding_identity_ = std::move(identity); }
    // Sets (or, with an empty vector, clears) the embedding of a slot.
    void SetEmbedding(uint32_t slot, std::vector<float> v) { docs_[slot].embedding = std::move(v); }

    // Rough bytes held: rows, terms and postings.
    size_t ApproximateBytes() const;

    // For the index file reader: appends a document and a postings list as stored. Postings must
    // reference appended documents; Restore() then rebuilds the key map and statistics.
    void AppendStored(IndexedDoc doc) { docs_.push_back(std::move(doc)); }
    void AppendPostings(std::string term, std::vector<Posting> list) { postings_[std::move(term)] = std::move(list); }
    void Restore();

    // The text of the search column of a row (strings as is, other values as JSON, null = "").
    static std::string SearchText(const Json& row, const std::string& column);

private:
    std::vector<std::string> TermsOf(const Json& row) const;

    std::string search_column_;
    Bm25Params params_;
    std::vector<IndexedDoc> docs_;
    std::unordered_map<uint64_t, uint32_t> by_key_;
    std::unordered_map<std::string, std::vector<Posting>> postings_;
    size_t live_count_ = 0;
    uint64_t total_length_ = 0;  // sum of live document lengths
    std::vector<uint32_t> lengths_;  // docs_[d].length, dense for the scoring loop
    std::string embedding_identity_;
};

}  // namespace oc::tools::search
