// BM25 (Robertson/Sparck Jones) with the usual k1/b; tokens counted per document.
#include "llm/bm25.h"

#include <algorithm>
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

std::vector<double> Bm25Scores(const std::vector<std::string>& documents, std::string_view query,
                               double k1, double b) {
    std::vector<double> scores(documents.size(), 0.0);
    if (documents.empty()) return scores;
    std::vector<std::string> terms = Bm25Tokenize(query);  // sorted and unique, as Score's set
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
    const size_t n_terms = terms.size();
    std::vector<int> tf(documents.size() * n_terms, 0);  // [document][term]
    std::vector<size_t> lengths(documents.size(), 0);
    size_t total_length = 0;
    std::string current;
    for (size_t d = 0; d < documents.size(); ++d) {
        auto end_token = [&] {
            ++lengths[d];
            auto it = std::lower_bound(terms.begin(), terms.end(), current);
            if (it != terms.end() && *it == current) ++tf[d * n_terms + (it - terms.begin())];
            current.clear();
        };
        for (char c : documents[d]) {
            const bool alnum =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (alnum) current.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
            else if (!current.empty()) end_token();
        }
        if (!current.empty()) end_token();
        total_length += lengths[d];
    }
    const double n_docs = static_cast<double>(documents.size());
    const double avg_length = std::max(1.0, static_cast<double>(total_length) / n_docs);
    for (size_t t = 0; t < n_terms; ++t) {
        int df = 0;
        for (size_t d = 0; d < documents.size(); ++d) df += tf[d * n_terms + t] > 0 ? 1 : 0;
        if (df == 0) continue;
        const double n = df;
        const double idf = std::log(1.0 + (n_docs - n + 0.5) / (n + 0.5));
        for (size_t d = 0; d < documents.size(); ++d) {
            if (tf[d * n_terms + t] == 0) continue;
            const double f = tf[d * n_terms + t];
            const double norm = 1.0 - b + b * static_cast<double>(lengths[d]) / avg_length;
            scores[d] += idf * f * (k1 + 1.0) / (f + k1 * norm);
        }
    }
    return scores;
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
