// A small in-memory BM25 ranker over short documents (tool descriptions, catalog entries).
// Deterministic: equal inputs give equal scores, in document order.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace oc::llm {

// Lower-cased runs of ASCII letters and digits; every other byte separates tokens.
std::vector<std::string> Bm25Tokenize(std::string_view text);

// The scores Bm25Index would give `documents` for `query` (same k1, b, bit for bit), computed in
// one pass that counts only the query's tokens: for a one-off ranking (the offline model routing
// a prompt to a tool) it builds no per-document term maps.
std::vector<double> Bm25Scores(const std::vector<std::string>& documents, std::string_view query,
                               double k1 = 1.2, double b = 0.75);

class Bm25Index {
public:
    explicit Bm25Index(double k1 = 1.2, double b = 0.75) : k1_(k1), b_(b) {}

    // Adds a document; its position is the index Score reports it under.
    void Add(std::string_view document);
    size_t size() const { return documents_.size(); }

    // One score per document, >= 0; 0 when no query token occurs in it. IDF is BM25's
    // log(1 + (N - n + 0.5) / (n + 0.5)), so a token in every document still counts a little.
    std::vector<double> Score(std::string_view query) const;

private:
    struct Document {
        std::map<std::string, int> term_counts;
        size_t length = 0;
    };
    double k1_;
    double b_;
    std::vector<Document> documents_;
    std::map<std::string, int> document_frequency_;
    size_t total_length_ = 0;
};

}  // namespace oc::llm
