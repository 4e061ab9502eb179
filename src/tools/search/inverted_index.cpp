#include "tools/search/inverted_index.h"

#include <algorithm>
#include <cmath>

#include "tools/search/tokenizer.h"

namespace oc::tools::search {
namespace {

// Each distinct term once with its count, in first-occurrence order.
std::vector<std::pair<std::string, uint32_t>> CountTerms(std::vector<std::string> terms) {
    std::vector<std::pair<std::string, uint32_t>> counts;
    std::unordered_map<std::string, size_t> at;
    for (auto& t : terms) {
        auto [it, inserted] = at.emplace(t, counts.size());
        if (inserted) {
            counts.emplace_back(std::move(t), 1);
        } else {
            ++counts[it->second].second;
        }
    }
    return counts;
}

}  // namespace

std::string InvertedIndex::SearchText(const Json& row, const std::string& column) {
    auto it = row.find(column);
    if (it == row.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    return DumpJson(*it);
}

std::vector<std::string> InvertedIndex::TermsOf(const Json& row) const {
    return Tokenize(SearchText(row, search_column_));
}

void InvertedIndex::Add(uint64_t key, uint64_t content_hash, Json row) {
    Remove(key);
    std::vector<std::string> terms = TermsOf(row);
    const auto slot = static_cast<uint32_t>(docs_.size());
    IndexedDoc doc;
    doc.key = key;
    doc.content_hash = content_hash;
    doc.length = static_cast<uint32_t>(terms.size());
    doc.live = true;
    doc.row = std::move(row);
    for (auto& [term, tf] : CountTerms(std::move(terms))) postings_[term].push_back({slot, tf});
    total_length_ += doc.length;
    ++live_count_;
    by_key_[key] = slot;
    lengths_.push_back(doc.length);
    docs_.push_back(std::move(doc));
}

bool InvertedIndex::Remove(uint64_t key) {
    auto found = by_key_.find(key);
    if (found == by_key_.end()) return false;
    const uint32_t slot = found->second;
    IndexedDoc& doc = docs_[slot];
    for (auto& [term, tf] : CountTerms(TermsOf(doc.row))) {
        auto list = postings_.find(term);
        if (list == postings_.end()) continue;
        auto& v = list->second;
        auto p = std::find_if(v.begin(), v.end(), [&](const Posting& x) { return x.doc == slot; });
        if (p != v.end()) {
            *p = v.back();
            v.pop_back();
        }
        if (v.empty()) postings_.erase(list);
    }
    total_length_ -= doc.length;
    --live_count_;
    doc.live = false;
    doc.row = Json();
    doc.embedding = {};
    by_key_.erase(found);
    return true;
}

const IndexedDoc* InvertedIndex::Find(uint64_t key) const {
    auto it = by_key_.find(key);
    return it == by_key_.end() ? nullptr : &docs_[it->second];
}

std::vector<SearchHit> InvertedIndex::Search(std::string_view query, size_t limit,
                                             const std::function<bool(const Json&)>& accept) const {
    std::vector<SearchHit> hits;
    auto terms = CountTerms(Tokenize(query));
    if (terms.empty()) {
        for (uint32_t d = 0; d < docs_.size() && hits.size() < limit; ++d) {
            if (docs_[d].live && accept(docs_[d].row)) hits.push_back({d, 0.0});
        }
        return hits;
    }
    const double n_docs = static_cast<double>(live_count_);
    const double avg_length = live_count_ ? static_cast<double>(total_length_) / n_docs : 1.0;
    const double avg = avg_length > 0 ? avg_length : 1.0;
    // Term-at-a-time into a dense accumulator (one per thread, reused): every BM25 term score is
    // > 0, so a zero slot has not been touched yet.
    thread_local std::vector<double> scores;
    thread_local std::vector<uint32_t> touched;
    if (scores.size() < docs_.size()) scores.resize(docs_.size(), 0.0);
    touched.clear();
    const double k1 = params_.k1, b = params_.b;
    const uint32_t* lengths = lengths_.data();
    for (const auto& [term, query_tf] : terms) {
        auto list = postings_.find(term);
        if (list == postings_.end()) continue;
        const double df = static_cast<double>(list->second.size());
        const double idf = std::log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
        for (const Posting& p : list->second) {
            const double tf = p.tf;
            const double norm = 1.0 - b + b * lengths[p.doc] / avg;
            double& s = scores[p.doc];
            if (s == 0.0) touched.push_back(p.doc);
            s += idf * tf * (k1 + 1.0) / (tf + k1 * norm);
        }
    }
    std::vector<SearchHit> candidates;
    candidates.reserve(touched.size());
    for (uint32_t d : touched) {
        candidates.push_back({d, scores[d]});
        scores[d] = 0.0;
    }
    auto better = [](const SearchHit& a, const SearchHit& b) {
        return a.score != b.score ? a.score > b.score : a.doc < b.doc;
    };
    // Sort only as far as needed: the best `want` first, doubling while the filter rejects.
    size_t sorted = 0;
    size_t want = std::min(candidates.size(), std::max<size_t>(limit, 16));
    while (hits.size() < limit && sorted < candidates.size()) {
        std::partial_sort(candidates.begin() + sorted, candidates.begin() + want, candidates.end(), better);
        for (; sorted < want && hits.size() < limit; ++sorted) {
            if (accept(docs_[candidates[sorted].doc].row)) hits.push_back(candidates[sorted]);
        }
        sorted = want;
        want = std::min(candidates.size(), want * 2);
    }
    return hits;
}

void InvertedIndex::Compact() {
    if (live_count_ == docs_.size()) return;
    std::vector<uint32_t> remap(docs_.size(), 0);
    std::vector<IndexedDoc> kept;
    kept.reserve(live_count_);
    for (uint32_t d = 0; d < docs_.size(); ++d) {
        if (!docs_[d].live) continue;
        remap[d] = static_cast<uint32_t>(kept.size());
        kept.push_back(std::move(docs_[d]));
    }
    docs_ = std::move(kept);
    for (auto& [term, list] : postings_) {
        for (Posting& p : list) p.doc = remap[p.doc];
    }
    by_key_.clear();
    lengths_.clear();
    for (uint32_t d = 0; d < docs_.size(); ++d) {
        by_key_[docs_[d].key] = d;
        lengths_.push_back(docs_[d].length);
    }
}

void InvertedIndex::Restore() {
    by_key_.clear();
    lengths_.clear();
    for (const IndexedDoc& d : docs_) lengths_.push_back(d.length);
    live_count_ = 0;
    total_length_ = 0;
    for (uint32_t d = 0; d < docs_.size(); ++d) {
        if (!docs_[d].live) continue;
        by_key_[docs_[d].key] = d;
        ++live_count_;
        total_length_ += docs_[d].length;
    }
}

size_t InvertedIndex::ApproximateBytes() const {
    size_t bytes = 0;
    for (const IndexedDoc& d : docs_) {
        if (d.live) bytes += sizeof(IndexedDoc) + DumpJson(d.row).size();
    }
    for (const auto& [term, list] : postings_) bytes += term.size() + list.size() * sizeof(Posting);
    return bytes;
}

}  // namespace oc::tools::search
