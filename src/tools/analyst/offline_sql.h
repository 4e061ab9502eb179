// Text-to-SQL without an LLM: a similar verified query first; else metrics, dimensions, time and
// filter values recognised from names, synonyms and sample values become one SELECT joined along
// the declared relationships. Nothing recognised (or an ambiguous metric) → suggestions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tools/analyst/analyst_answer.h"
#include "tools/analyst/question_matcher.h"
#include "tools/analyst/sql_builder.h"

namespace oc::tools::analyst {

struct OfflineOptions {
    // A verified query answers when its question's similarity (question_matcher.h) reaches this.
    double verified_query_threshold = 0.75;
    // At most this many suggestions.
    size_t max_suggestions = 3;
};

class OfflineSqlGenerator {
public:
    // model (and physical, which may be null) must outlive the generator. Building the index
    // is linear in the model; Answer is pure, deterministic and thread-safe.
    OfflineSqlGenerator(const SemanticModel& model, const PhysicalColumns* physical,
                        OfflineOptions options = {});

    // Answers the last user turn; earlier user turns make it a follow-up when it names no measure
    // of its own ("what about EMEA?", "and by channel?").
    AnalystAnswer Answer(const std::vector<ConversationTurn>& conversation) const;

    // Questions this model can answer: onboarding verified queries first, then other verified
    // queries, then "What is the <metric> by <dimension>?" built from the model.
    std::vector<std::string> Suggestions() const;

    // How many phrases of question the model recognises (to choose among several models).
    int Recognition(std::string_view question) const;

private:
    AnalystAnswer FromVerifiedQuery(const VerifiedQuery& vq) const;
    AnalystAnswer Clarify(std::string text, std::vector<std::string> suggestions,
                          std::vector<std::string> warnings) const;

    const SemanticModel& model_;
    const PhysicalColumns* physical_;
    OfflineOptions options_;
    PhraseIndex index_;
};

}  // namespace oc::tools::analyst
