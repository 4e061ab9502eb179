// Question words → Intent. Context words just before a phrase decide its role: "by/per/each"
// groups, "total/average/..." aggregates a fact, "how many/number of/count" counts, "not/
// excluding" negates a value; "top/bottom N" ranks.
#include "tools/analyst/offline_intent.h"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "common/text.h"
#include "tools/analyst/sql_builder.h"

namespace oc::tools::analyst {
namespace {

int KindRank(EntityKind k) {
    switch (k) {
        case EntityKind::kMetric:
            return 0;
        case EntityKind::kModelMetric:
            return 1;
        case EntityKind::kFact:
            return 2;
        case EntityKind::kTimeDimension:
            return 3;
        case EntityKind::kDimension:
            return 4;
        case EntityKind::kFilter:
            return 5;
        case EntityKind::kValue:
            return 6;
        case EntityKind::kTable:
            return 7;
    }
    return 8;
}

bool IsMetricKind(EntityKind k) {
    return k == EntityKind::kMetric || k == EntityKind::kModelMetric;
}

// The words before a phrase (up to three, skipping "the").
struct Context {
    std::vector<std::string> before;  // nearest first
    bool Has(std::string_view w, size_t within = 3) const {
        for (size_t i = 0; i < before.size() && i < within; ++i) {
            if (before[i] == w) return true;
        }
        return false;
    }
    bool Group() const {
        return Has("by", 2) || Has("per", 2) || Has("each", 2) || Has("across", 2);
    }
    bool Count() const {
        return (Has("many", 2) && Has("how", 3)) || (Has("number") && Has("of", 1)) ||
               Has("count", 2) || Has("distinct", 1) || Has("unique", 1);
    }
    bool Negated() const {
        return Has("not", 2) || Has("excluding", 2) || Has("except", 2) || Has("without", 2) ||
               Has("exclude", 2);
    }
    std::string Aggregation() const {
        for (size_t i = 0; i < before.size() && i < 3; ++i) {
            const std::string& w = before[i];
            if (w == "total" || w == "sum") return "sum";
            if (w == "average" || w == "avg" || w == "mean") return "avg";
            if (w == "median") return "median";
            if (w == "minimum" || w == "min") return "min";
            if (w == "maximum" || w == "max") return "max";
        }
        return "";
    }
};

Context ContextAt(const std::vector<QuestionToken>& tokens, size_t begin) {
    Context c;
    for (size_t i = begin; i > 0 && c.before.size() < 3; --i) {
        if (tokens[i - 1].raw == "the") continue;
        c.before.push_back(tokens[i - 1].raw);
    }
    return c;
}

std::string Ref(const LogicalTable& t, const Field& f) {
    return QuoteName(t.name) + "." + QuoteName(f.name);
}

Measure FactMeasure(const LogicalTable& t, const Field& f, std::string agg) {
    if (agg.empty()) agg = f.default_aggregation.empty() ? "sum" : f.default_aggregation;
    if (agg == "average") agg = "avg";
    const std::string ref = Ref(t, f);
    if (agg == "count")
        return {"COUNT(" + ref + ")", f.name + "_count", "number of " + Humanize(f.name), &t};
    if (agg == "count_distinct") {
        return {"COUNT(DISTINCT " + ref + ")", f.name + "_distinct_count",
                "distinct " + Humanize(f.name), &t};
    }
    static const std::map<std::string, std::string> kPrefix = {{"sum", "total"},
                                                               {"avg", "average"},
                                                               {"median", "median"},
                                                               {"min", "minimum"},
                                                               {"max", "maximum"}};
    const std::string prefix = kPrefix.count(agg) ? kPrefix.at(agg) : agg;
    return {ToUpperAscii(agg) + "(" + ref + ")", prefix + "_" + f.name,
            prefix + " " + Humanize(f.name), &t};
}

// COUNT of a table's rows: its first COUNT metric, else distinct primary keys, else COUNT(*).
Measure CountMeasure(const LogicalTable& t) {
    for (const Field& m : t.metrics) {
        if (ToLowerAscii(m.expr).rfind("count", 0) == 0)
            return {m.expr, m.name, Humanize(m.name), &t};
    }
    if (t.primary_key.size() == 1) {
        if (const Field* pk = t.FindColumn(t.primary_key[0])) {
            return {"COUNT(DISTINCT " + Ref(t, *pk) + ")", t.name + "_count",
                    "number of " + Humanize(t.name), &t};
        }
    }
    return {"COUNT(*)", t.name + "_count", "number of " + Humanize(t.name), &t};
}

// Ranking words: "top 5" / "bottom 3"; without a number only the direction.
void FindRanking(const std::vector<QuestionToken>& tokens, std::vector<bool>* used,
                 Intent* intent) {
    for (size_t i = 0; i < tokens.size(); ++i) {
        const std::string& w = tokens[i].raw;
        bool up = w == "top" || w == "highest" || w == "largest" || w == "biggest" || w == "best" ||
                  w == "most";
        bool down = w == "bottom" || w == "lowest" || w == "smallest" || w == "worst" ||
                    w == "least" || w == "fewest";
        if (!up && !down) continue;
        intent->ascending = down;
        (*used)[i] = true;
        ++intent->recognized;
        if (i + 1 < tokens.size() && tokens[i + 1].raw.size() <= 6 &&
            tokens[i + 1].raw.find_first_not_of("0123456789") == std::string::npos) {
            intent->limit = std::max(1, std::atoi(tokens[i + 1].raw.c_str()));
            (*used)[i + 1] = true;
        }
    }
}

// Picks one candidate: the kind ranked first, then a table the question already involves.
std::vector<Entity> Resolve(const Mention& m, const std::vector<const LogicalTable*>& involved) {
    int best = 99;
    for (const Entity& e : m.candidates) best = std::min(best, KindRank(e.kind));
    std::vector<Entity> top;
    for (const Entity& e : m.candidates) {
        if (KindRank(e.kind) == best || (best <= 1 && IsMetricKind(e.kind))) top.push_back(e);
    }
    if (top.size() > 1) {
        std::vector<Entity> preferred;
        for (const Entity& e : top) {
            if (std::find(involved.begin(), involved.end(), e.table) != involved.end())
                preferred.push_back(e);
        }
        if (preferred.size() == 1) return preferred;
    }
    return top;
}

void AddValue(Intent* intent, const Entity& e, bool negated) {
    for (ValueFilter& v : intent->values) {
        if (v.field == e.field && v.negated == negated) {
            if (std::find(v.values.begin(), v.values.end(), e.value) == v.values.end())
                v.values.push_back(e.value);
            return;
        }
    }
    intent->values.push_back({e.table, e.field, {e.value}, negated});
}

void Apply(const Entity& e, const Context& ctx, Intent* intent,
           std::vector<std::pair<const Field*, bool>>* dims) {
    switch (e.kind) {
        case EntityKind::kMetric:
        case EntityKind::kModelMetric:
            intent->measures.push_back(
                {e.field->expr, e.field->name, Humanize(e.field->name), e.table});
            break;
        case EntityKind::kFact:
            intent->measures.push_back(
                FactMeasure(*e.table, *e.field, ctx.Count() ? "count" : ctx.Aggregation()));
            break;
        case EntityKind::kDimension:
            if (ctx.Count() && !ctx.Group()) {
                intent->measures.push_back(FactMeasure(*e.table, *e.field, "count_distinct"));
            } else {
                intent->dims.push_back({e.table, e.field});
                dims->push_back({e.field, ctx.Group()});
            }
            break;
        case EntityKind::kTimeDimension:
            intent->time_dim = e.field;
            intent->time_table = e.table;
            if (ctx.Group() && intent->grain == Grain::kNone) intent->grain = Grain::kDay;
            break;
        case EntityKind::kFilter:
            intent->filters.push_back({e.table, e.field});
            break;
        case EntityKind::kValue:
            AddValue(intent, e, ctx.Negated());
            break;
        case EntityKind::kTable:
            intent->tables.push_back(e.table);
            if (ctx.Count()) intent->counted_table = e.table;
            break;
    }
}

}  // namespace

std::string Humanize(const std::string& name) {
    std::string out = name;
    std::replace(out.begin(), out.end(), '_', ' ');
    return ToLowerAscii(out);
}

Intent ParseIntent(const PhraseIndex& index, const std::string& question) {
    Intent intent;
    std::vector<QuestionToken> tokens = TokenizeQuestion(question);
    std::vector<bool> used;
    TimePhrases time = FindTimePhrases(tokens, &used);
    intent.grain = time.grain;
    intent.range = time.range;
    for (bool u : used) intent.recognized += u ? 1 : 0;
    FindRanking(tokens, &used, &intent);
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        if ((tokens[i].raw == "how" && tokens[i + 1].raw == "many") || tokens[i].raw == "count") {
            intent.count_word = true;
        }
    }
    std::vector<Mention> mentions = index.Match(tokens, used);
    // Tables named without ambiguity first: they settle which table an ambiguous word means.
    std::vector<const LogicalTable*> involved;
    for (const Mention& m : mentions) {
        auto resolved = Resolve(m, {});
        if (resolved.size() == 1 && resolved[0].table) involved.push_back(resolved[0].table);
    }
    std::vector<std::pair<const Field*, bool>> dims;  // field, explicitly grouped
    for (const Mention& m : mentions) {
        std::vector<Entity> resolved = Resolve(m, involved);
        ++intent.recognized;
        if (resolved.size() > 1 && IsMetricKind(resolved[0].kind)) {
            intent.ambiguous_metrics.push_back(resolved);
            continue;
        }
        if (resolved.size() > 1) {
            std::string names;
            for (const Entity& e : resolved) {
                names += (names.empty() ? "" : ", ") + (e.table ? e.table->name + "." : "") +
                         (e.field ? e.field->name : "");
            }
            std::string phrase;
            for (size_t k = m.begin; k < m.end; ++k)
                phrase += (k > m.begin ? " " : "") + tokens[k].raw;
            intent.warnings.push_back("'" + phrase + "' matches several columns (" + names +
                                      "); used the first");
        }
        Apply(resolved[0], ContextAt(tokens, m.begin), &intent, &dims);
    }
    // A dimension named without "by" whose value is also given is a filter, not a grouping.
    std::vector<std::pair<const LogicalTable*, const Field*>> kept;
    for (size_t i = 0; i < intent.dims.size(); ++i) {
        bool filtered =
            std::any_of(intent.values.begin(), intent.values.end(),
                        [&](const ValueFilter& v) { return v.field == intent.dims[i].second; });
        bool duplicate = std::any_of(kept.begin(), kept.end(),
                                     [&](auto& d) { return d.second == intent.dims[i].second; });
        if ((filtered && !dims[i].second) || duplicate) continue;
        kept.push_back(intent.dims[i]);
    }
    intent.dims = std::move(kept);
    if (intent.measures.empty() && !intent.counted_table && intent.count_word) {
        if (!intent.tables.empty()) {
            intent.counted_table = intent.tables.front();
        } else if (!intent.dims.empty() || !intent.values.empty()) {
            intent.counted_table =
                !intent.values.empty() ? intent.values.front().table : intent.dims.front().first;
        }
    }
    if (intent.measures.empty() && intent.counted_table)
        intent.measures.push_back(CountMeasure(*intent.counted_table));
    return intent;
}

void AddImplicitCount(Intent* intent) {
    if (!intent->measures.empty() || !intent->dims.empty()) return;
    const LogicalTable* t = !intent->tables.empty()    ? intent->tables.front()
                            : !intent->values.empty()  ? intent->values.front().table
                            : !intent->filters.empty() ? intent->filters.front().first
                                                       : nullptr;
    if (!t) return;
    intent->counted_table = t;
    intent->measures.push_back(CountMeasure(*t));
}

Intent MergeFollowUp(Intent earlier, const Intent& next) {
    for (const auto& d : next.dims) {
        bool have = std::any_of(earlier.dims.begin(), earlier.dims.end(),
                                [&](auto& x) { return x.second == d.second; });
        if (!have) earlier.dims.push_back(d);
    }
    for (const ValueFilter& v : next.values) {
        std::erase_if(earlier.values, [&](const ValueFilter& x) { return x.field == v.field; });
        std::erase_if(earlier.dims, [&](auto& d) { return d.second == v.field; });
    }
    for (const ValueFilter& v : next.values) earlier.values.push_back(v);
    for (const auto& f : next.filters) earlier.filters.push_back(f);
    for (const auto* t : next.tables) earlier.tables.push_back(t);
    if (next.time_dim) {
        earlier.time_dim = next.time_dim;
        earlier.time_table = next.time_table;
    }
    if (next.grain != Grain::kNone) earlier.grain = next.grain;
    if (next.range.kind != TimeRange::Kind::kNone) earlier.range = next.range;
    if (next.limit) earlier.limit = next.limit;
    if (next.limit || next.ascending) earlier.ascending = next.ascending;
    earlier.ambiguous_metrics = next.ambiguous_metrics;
    earlier.warnings = next.warnings;
    earlier.recognized = next.recognized;
    return earlier;
}

}  // namespace oc::tools::analyst
