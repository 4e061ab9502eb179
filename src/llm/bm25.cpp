// BM25 (Robertson/Sparck Jones) with the usual k1/b; tokens counted per document.
#include "llm/bm25.h"

#include <cmath>
#include <set>

namespace oc::llm {

std::vector<std::string> Bm25Tokenize(std::string_view text) {
    std::vector<std::string> tokens;
    std::string current;
    for (char c : text) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (alnum) {
            current.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
        } else if (!current.empty()) {
            tokens.push_back(std::move(current));
            current.clear();
        }
    }
    if (!current.empty()) tokens.push_back(std::move(current));
    return tokens;
}

void Bm25Index::Add(std::string_view document) {
    Document doc;
    for (std::string& token : Bm25Tokenize(document)) {
        ++doc.term_counts[std::move(token)];
        ++doc.length;
    }
    for (const auto& [term, count] : doc.term_counts) ++document_frequency_[term];
    total_length_ += doc.length;
    documents_.push_back(std::move(doc));
}

std::vector<double> Bm25Index::Score(std::string_view query) const {
    std::vector<double> scores(documents_.size(), 0.0);
    if (documents_.empty()) return scores;
    const double n_docs = static_cast<double>(documents_.size());
    const double avg_length = std::max(1.0, static_cast<double>(total_length_) / n_docs);
    std::set<std::string> terms;
    for (std::string& token : Bm25Tokenize(query)) terms.insert(std::move(token));
    for (const std::string& term : terms) {
        auto df = document_frequency_.find(term);
        if (df == document_frequency_.end()) continue;
        const double n = df->second;
        const double idf = std::log(1.0 + (n_docs - n + 0.5) / (n + 0.5));
        for (size_t i = 0; i < documents_.size(); ++i) {
            auto tf_it = documents_[i].term_counts.find(term);
            if (tf_it == documents_[i].term_counts.end()) continue;
            const double tf = tf_it->second;
            const double norm =
                1.0 - b_ + b_ * static_cast<double>(documents_[i].length) / avg_length;
            scores[i] += idf * tf * (k1_ + 1.0) / (tf + k1_ * norm);
        }
    }
    return scores;
}

}  // namespace oc::llm
