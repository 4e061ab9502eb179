// Internal to the offline generator: what a question asks for (measures, group-by dimensions,
// filters, time grain and range, ranking), read from its words with the phrase index.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tools/analyst/question_matcher.h"
#include "tools/analyst/time_phrases.h"

namespace oc::tools::analyst {

struct Measure {
    std::string sql;    // aggregate over logical names, e.g. SUM(orders.line_amount)
    std::string alias;  // output column
    std::string label;  // words for the interpretation
    const LogicalTable* table = nullptr;  // null: model-level metric
};

struct ValueFilter {
    const LogicalTable* table = nullptr;
    const Field* field = nullptr;
    std::vector<std::string> values;
    bool negated = false;
};

struct Intent {
    std::vector<Measure> measures;
    std::vector<std::pair<const LogicalTable*, const Field*>> dims;     // group by
    std::vector<ValueFilter> values;                                    // sample-value filters
    std::vector<std::pair<const LogicalTable*, const Field*>> filters;  // named filters
    std::vector<const LogicalTable*> tables;                            // tables named
    const LogicalTable* counted_table = nullptr;                        // "how many orders"
    const LogicalTable* time_table = nullptr;                           // explicit time dimension
    const Field* time_dim = nullptr;
    Grain grain = Grain::kNone;
    TimeRange range;
    std::optional<int> limit;
    bool ascending = false;
    bool count_word = false;
    std::vector<std::vector<Entity>> ambiguous_metrics;  // each: the candidates of one phrase
    std::vector<std::string> warnings;
    int recognized = 0;  // phrases and time words understood

    bool HasMeasure() const { return !measures.empty() || counted_table != nullptr; }
    bool Empty() const {
        return measures.empty() && dims.empty() && values.empty() && filters.empty() &&
               !counted_table && tables.empty() && time_dim == nullptr;
    }
};

// Reads one question.
Intent ParseIntent(const PhraseIndex& index, const std::string& question);

// A follow-up without a measure of its own inherits the earlier intent: its measures, dims,
// filters and time; the follow-up's own dims are added and its filters replace those on the
// same dimension, its grain, range and ranking win.
Intent MergeFollowUp(Intent earlier, const Intent& follow_up);

// A question that names no measure and no dimension but a table or filter counts that
// table's rows ("web orders" -> the number of orders where channel is web).
void AddImplicitCount(Intent* intent);

// "total_revenue" -> "total revenue".
std::string Humanize(const std::string& name);

}  // namespace oc::tools::analyst
