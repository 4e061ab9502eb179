#include "tools/analyst/question_matcher.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

namespace oc::tools::analyst {
namespace {

constexpr std::array<std::string_view, 52> kStopwords = {
    "a",     "an",   "the",   "of",   "for",   "by",   "in",  "on",     "at",   "to",   "and",
    "or",    "what", "which", "who",  "whose", "was",  "is",  "are",    "were", "be",   "been",
    "how",   "show", "me",    "give", "list",  "tell", "get", "per",    "each", "with", "from",
    "our",   "my",   "we",    "i",    "do",    "does", "did", "please", "can",  "you",  "all",
    "there", "that", "this",  "it",   "its",   "have", "has", "had"};

void AddUnique(std::vector<std::string>* v, std::string s) {
    if (std::find(v->begin(), v->end(), s) == v->end()) v->push_back(std::move(s));
}

std::vector<std::string> ContentStems(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& t : TokenizeQuestion(text)) {
        if (!IsStopword(t.raw)) AddUnique(&out, t.stem);
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

std::string Stem(std::string_view w) {
    std::string s(w);
    if (s.size() > 4 && s.ends_with("ies")) return s.substr(0, s.size() - 3) + "y";
    if (s.size() > 4 &&
        (s.ends_with("sses") || s.ends_with("xes") || s.ends_with("ches") || s.ends_with("shes"))) {
        return s.substr(0, s.size() - 2);
    }
    if (s.size() > 3 && s.back() == 's' && !s.ends_with("ss") && !s.ends_with("us") &&
        !s.ends_with("is")) {
        return s.substr(0, s.size() - 1);
    }
    return s;
}

std::vector<QuestionToken> TokenizeQuestion(std::string_view text) {
    std::vector<QuestionToken> out;
    std::string cur;
    auto flush = [&] {
        if (cur.empty()) return;
        out.push_back({cur, Stem(cur)});
        cur.clear();
    };
    for (char ch : text) {
        unsigned char c = static_cast<unsigned char>(ch);
        if (std::isalnum(c)) {
            cur += static_cast<char>(std::tolower(c));
        } else {
            flush();
        }
    }
    flush();
    return out;
}

bool IsStopword(std::string_view raw) {
    return std::find(kStopwords.begin(), kStopwords.end(), raw) != kStopwords.end();
}

double QuestionSimilarity(std::string_view a, std::string_view b) {
    std::vector<std::string> x = ContentStems(a), y = ContentStems(b);
    if (x.empty() && y.empty()) return 0;
    std::vector<std::string> both;
    std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(both));
    size_t uni = x.size() + y.size() - both.size();
    return uni == 0 ? 0 : static_cast<double>(both.size()) / static_cast<double>(uni);
}

std::vector<RankedQuery> RankVerifiedQueries(const SemanticModel& model,
                                             std::string_view question) {
    std::vector<RankedQuery> out;
    for (const VerifiedQuery& vq : model.verified_queries) {
        out.push_back({&vq, QuestionSimilarity(question, vq.question)});
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const RankedQuery& a, const RankedQuery& b) { return a.score > b.score; });
    return out;
}

PhraseIndex::PhraseIndex(const SemanticModel& model) {
    auto field_kind = [](FieldKind k) {
        switch (k) {
            case FieldKind::kDimension:
                return EntityKind::kDimension;
            case FieldKind::kTimeDimension:
                return EntityKind::kTimeDimension;
            case FieldKind::kFact:
                return EntityKind::kFact;
            case FieldKind::kMetric:
                return EntityKind::kMetric;
            case FieldKind::kFilter:
                return EntityKind::kFilter;
        }
        return EntityKind::kDimension;
    };
    for (const LogicalTable& t : model.tables) {
        Entity table{EntityKind::kTable, &t, nullptr, ""};
        Add(t.name, table);
        for (const auto& s : t.synonyms) Add(s, table);
        for (const auto* list :
             {&t.metrics, &t.facts, &t.time_dimensions, &t.dimensions, &t.filters}) {
            for (const Field& f : *list) {
                Entity e{field_kind(f.kind), &t, &f, ""};
                Add(f.name, e);
                for (const auto& s : f.synonyms) Add(s, e);
                if (f.kind != FieldKind::kDimension) continue;
                for (const auto& v : f.sample_values) Add(v, Entity{EntityKind::kValue, &t, &f, v});
            }
        }
    }
    for (const Field& f : model.metrics) {
        Entity e{EntityKind::kModelMetric, nullptr, &f, ""};
        Add(f.name, e);
        for (const auto& s : f.synonyms) Add(s, e);
    }
    for (auto& [first, ids] : by_first_) {
        std::stable_sort(ids.begin(), ids.end(), [&](size_t a, size_t b) {
            return phrases_[a].stems.size() > phrases_[b].stems.size();
        });
    }
}

void PhraseIndex::Add(std::string_view text, const Entity& entity) {
    std::string spaced(text);
    std::replace(spaced.begin(), spaced.end(), '_', ' ');
    Phrase p;
    bool content = false;
    for (auto& t : TokenizeQuestion(spaced)) {
        content = content || !IsStopword(t.raw);
        p.stems.push_back(t.stem);
    }
    if (p.stems.empty() || !content) return;
    p.entity = entity;
    by_first_[p.stems[0]].push_back(phrases_.size());
    phrases_.push_back(std::move(p));
}

std::vector<Mention> PhraseIndex::Match(const std::vector<QuestionToken>& tokens,
                                        const std::vector<bool>& used) const {
    auto is_used = [&](size_t i) { return i < used.size() && used[i]; };
    std::vector<Mention> out;
    size_t i = 0;
    while (i < tokens.size()) {
        auto it = is_used(i) ? by_first_.end() : by_first_.find(tokens[i].stem);
        size_t best = 0;
        std::vector<Entity> candidates;
        if (it != by_first_.end()) {
            for (size_t id : it->second) {
                const Phrase& p = phrases_[id];
                if (p.stems.size() < best) break;
                if (i + p.stems.size() > tokens.size()) continue;
                bool ok = true;
                for (size_t k = 0; k < p.stems.size() && ok; ++k) {
                    ok = !is_used(i + k) && tokens[i + k].stem == p.stems[k];
                }
                if (!ok) continue;
                best = p.stems.size();
                bool dup = false;
                for (const Entity& c : candidates) {
                    dup = dup || (c.kind == p.entity.kind && c.field == p.entity.field &&
                                  c.table == p.entity.table);
                }
                if (!dup) candidates.push_back(p.entity);
            }
        }
        if (best == 0) {
            ++i;
            continue;
        }
        out.push_back({i, i + best, std::move(candidates)});
        i += best;
    }
    return out;
}

}  // namespace oc::tools::analyst
