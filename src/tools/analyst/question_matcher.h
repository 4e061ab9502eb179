// Recognises what a question names in a semantic model: tokens with a light stemmer, a phrase
// index over table / column / metric / filter names, synonyms and sample values (longest match
// wins), and verified-query ranking by Jaccard similarity over content words. Deterministic.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tools/analyst/semantic_model.h"

namespace oc::tools::analyst {

struct QuestionToken {
    std::string raw;  // lower-cased run of ASCII letters/digits (other bytes separate tokens)
    std::string
        stem;  // raw without a plural ending ("categories" -> "category", "orders" -> "order")
};

std::vector<QuestionToken> TokenizeQuestion(std::string_view text);
std::string Stem(std::string_view lower_word);
bool IsStopword(std::string_view raw);

// Jaccard similarity of the content-word stems of two questions, 0..1.
double QuestionSimilarity(std::string_view a, std::string_view b);

struct RankedQuery {
    const VerifiedQuery* query = nullptr;
    double score = 0;
};
// Every verified query by similarity to question, best first (ties keep model order).
std::vector<RankedQuery> RankVerifiedQueries(const SemanticModel& model, std::string_view question);

enum class EntityKind {
    kTable,
    kDimension,
    kTimeDimension,
    kFact,
    kMetric,
    kFilter,
    kValue,
    kModelMetric
};

struct Entity {
    EntityKind kind = EntityKind::kTable;
    const LogicalTable* table = nullptr;  // null for model-level metrics
    const Field* field = nullptr;         // null for tables
    std::string value;                    // kValue: the sample value, as written in the model
};

// Tokens [begin, end) of the question name one of the candidates (several = ambiguous).
struct Mention {
    size_t begin = 0;
    size_t end = 0;
    std::vector<Entity> candidates;
};

class PhraseIndex {
public:
    // The model must outlive the index.
    explicit PhraseIndex(const SemanticModel& model);

    // Longest-first, left-to-right, non-overlapping matches over the tokens not marked in used
    // (used may be shorter than tokens: missing entries count as unused).
    std::vector<Mention> Match(const std::vector<QuestionToken>& tokens,
                               const std::vector<bool>& used) const;

private:
    struct Phrase {
        std::vector<std::string> stems;
        Entity entity;
    };
    void Add(std::string_view text, const Entity& entity);

    std::vector<Phrase> phrases_;
    std::map<std::string, std::vector<size_t>> by_first_;  // first stem -> phrases, longest first
};

}  // namespace oc::tools::analyst
