#include "tools/analyst/offline_sql.h"

#include <algorithm>

#include "common/identifier.h"
#include "common/text.h"
#include "tools/analyst/offline_intent.h"

namespace oc::tools::analyst {
namespace {

constexpr const char* kInterpretation = "This is our interpretation of your question:\n\n";

std::string Ref(const LogicalTable& t, const Field& f) {
    return QuoteName(t.name) + "." + QuoteName(f.name);
}

std::string JoinWords(const std::vector<std::string>& words,
                      const std::string& last_sep = " and ") {
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        out += (i == 0 ? "" : i + 1 == words.size() ? last_sep : ", ") + words[i];
    }
    return out;
}

// The time dimension a grain or range applies to: the one named, else the first of the measure's
// table, then of any table in the query, then of any table at all.
std::pair<const LogicalTable*, const Field*> PickTimeDimension(const SemanticModel& model,
                                                               const Intent& intent,
                                                               const QueryFrame& frame) {
    if (intent.time_dim) return {intent.time_table, intent.time_dim};
    for (const LogicalTable* t : frame.tables()) {
        if (!t->time_dimensions.empty()) return {t, &t->time_dimensions[0]};
    }
    for (const LogicalTable& t : model.tables) {
        if (!t.time_dimensions.empty()) return {&t, &t.time_dimensions[0]};
    }
    return {nullptr, nullptr};
}

struct BuiltQuery {
    std::string sql;
    std::string interpretation;
    std::vector<std::string> warnings;
};

// Tables a model-level metric reaches: the logical table names its expression mentions.
std::vector<const LogicalTable*> TablesOf(const SemanticModel& model, const Measure& m) {
    if (m.table) return {m.table};
    std::vector<const LogicalTable*> out;
    for (const std::string& name : MentionedNames(m.sql)) {
        if (const LogicalTable* t = model.FindTable(name)) out.push_back(t);
    }
    return out;
}

std::string ValueCondition(const ValueFilter& v) {
    const std::string col = Ref(*v.table, *v.field);
    if (v.values.size() == 1) return col + (v.negated ? " <> " : " = ") + QuoteLiteral(v.values[0]);
    std::string list;
    for (const auto& x : v.values) list += (list.empty() ? "" : ", ") + QuoteLiteral(x);
    return col + (v.negated ? " NOT IN (" : " IN (") + list + ")";
}

std::string ValueWords(const ValueFilter& v) {
    std::string name = Humanize(v.field->name);
    if (v.values.size() == 1) return name + (v.negated ? " is not " : " is ") + v.values[0];
    return name + (v.negated ? " is none of " : " is one of ") + JoinWords(v.values, ", ");
}

Result<BuiltQuery> BuildQuery(const SemanticModel& model, const PhysicalColumns* physical,
                              const Intent& in) {
    BuiltQuery out;
    QueryFrame frame(model, physical);
    std::vector<const LogicalTable*> needed;
    for (const Measure& m : in.measures) {
        for (const LogicalTable* t : TablesOf(model, m)) needed.push_back(t);
    }
    if (in.counted_table) needed.push_back(in.counted_table);
    for (const auto& d : in.dims) needed.push_back(d.first);
    for (const auto& v : in.values) needed.push_back(v.table);
    for (const auto& f : in.filters) needed.push_back(f.first);
    if (needed.empty() && !in.tables.empty()) needed.push_back(in.tables.front());
    if (in.time_table) needed.push_back(in.time_table);
    for (const LogicalTable* t : needed) OC_TRY(frame.AddTable(*t));

    std::vector<std::string> select, group, where, order, words_group, words_where;
    for (const auto& [t, f] : in.dims) {
        select.push_back(Ref(*t, *f));
        group.push_back(Ref(*t, *f));
        words_group.push_back(Humanize(f->name));
    }
    std::string time_col, time_alias, range_words;
    if (in.grain != Grain::kNone || in.range.kind != TimeRange::Kind::kNone) {
        auto [tt, td] = PickTimeDimension(model, in, frame);
        if (!td) {
            out.warnings.push_back(
                "The question names a time period but the model has no time dimension; ignored.");
        } else if (Status st = frame.AddTable(*tt); !st) {
            out.warnings.push_back("Time dimension " + tt->name + "." + td->name +
                                   " cannot be joined; time ignored.");
        } else {
            time_col = Ref(*tt, *td);
            frame.Mention(td->name);
            if (in.grain != Grain::kNone) {
                const std::string g = GrainName(in.grain);
                time_alias = QuoteName(td->name + "_" + g);
                std::string expr = "DATE_TRUNC('" + g + "', " + time_col + ")";
                select.insert(select.begin(), expr + " AS " + time_alias);
                group.insert(group.begin(), expr);
                words_group.insert(words_group.begin(), g + " of " + Humanize(td->name));
            }
            if (in.range.kind != TimeRange::Kind::kNone) {
                where.push_back(RangePredicate(in.range, time_col));
                range_words =
                    " for " + DescribeRange(in.range) + " (by " + Humanize(td->name) + ")";
            }
        }
    }
    std::vector<std::string> measure_words;
    for (const Measure& m : in.measures) {
        select.push_back(m.sql + " AS " + QuoteName(m.alias));
        measure_words.push_back(m.label);
        frame.Mention(m.sql);
    }
    for (const ValueFilter& v : in.values) {
        where.push_back(ValueCondition(v));
        words_where.push_back(ValueWords(v));
    }
    for (const auto& [t, f] : in.filters) {
        where.push_back("(" + f->expr + ")");
        words_where.push_back("it is " + Humanize(f->name) +
                              (f->description.empty() ? "" : " (" + f->description + ")"));
        frame.Mention(f->expr);
    }
    for (const auto& [t, f] : in.dims) frame.Mention(f->name);
    for (const ValueFilter& v : in.values) frame.Mention(v.field->name);

    const bool aggregate = !in.measures.empty();
    if (!time_alias.empty()) order.push_back(time_alias);
    if (aggregate && (time_alias.empty() || in.limit)) {
        order.insert(
            in.limit ? order.begin() : order.end(),
            QuoteName(in.measures[0].alias) + (in.ascending ? " ASC" : " DESC") + " NULLS LAST");
    }
    if (!aggregate) order = group;

    std::string sql = frame.WithClause() + (aggregate ? "SELECT\n  " : "SELECT DISTINCT\n  ");
    for (size_t i = 0; i < select.size(); ++i) sql += (i ? ",\n  " : "") + select[i];
    sql += "\n" + frame.FromClause();
    for (size_t i = 0; i < where.size(); ++i) sql += (i ? "\n  AND " : "WHERE ") + where[i];
    if (!where.empty()) sql += "\n";
    if (aggregate && !group.empty()) {
        sql += "GROUP BY ";
        for (size_t i = 0; i < group.size(); ++i) sql += (i ? ", " : "") + group[i];
        sql += "\n";
    }
    if (!order.empty()) {
        sql += "ORDER BY ";
        for (size_t i = 0; i < order.size(); ++i) sql += (i ? ", " : "") + order[i];
        sql += "\n";
    }
    if (in.limit) sql += "LIMIT " + std::to_string(*in.limit) + "\n";
    out.sql = FinishStatement(sql);

    std::string text =
        aggregate ? JoinWords(measure_words) : "The distinct values of " + JoinWords(words_group);
    if (aggregate && !words_group.empty()) text += " for each " + JoinWords(words_group);
    if (!words_where.empty()) text += ", where " + JoinWords(words_where);
    text += range_words;
    if (in.limit)
        text += (in.ascending ? ", the bottom " : ", the top ") + std::to_string(*in.limit);
    text += ".";
    if (!text.empty())
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    out.interpretation = kInterpretation + text;
    return out;
}

}  // namespace

OfflineSqlGenerator::OfflineSqlGenerator(const SemanticModel& model,
                                         const PhysicalColumns* physical, OfflineOptions options)
    : model_(model), physical_(physical), options_(options), index_(model) {}

AnalystAnswer OfflineSqlGenerator::FromVerifiedQuery(const VerifiedQuery& vq) const {
    AnalystAnswer a;
    a.text = std::string(kInterpretation) + vq.question;
    a.sql = FinishStatement(ExpandLogicalSql(model_, physical_, vq.sql));
    a.verified_query = vq;
    return a;
}

AnalystAnswer OfflineSqlGenerator::Clarify(std::string text, std::vector<std::string> suggestions,
                                           std::vector<std::string> warnings) const {
    AnalystAnswer a;
    a.text = std::move(text);
    a.suggestions = std::move(suggestions);
    if (a.suggestions.empty()) a.suggestions = Suggestions();
    a.warnings = std::move(warnings);
    a.question_category = "AMBIGUOUS";
    return a;
}

AnalystAnswer OfflineSqlGenerator::Answer(const std::vector<ConversationTurn>& conversation) const {
    std::vector<const ConversationTurn*> questions;
    for (const auto& turn : conversation) {
        if (turn.from_user && !turn.text.empty()) questions.push_back(&turn);
    }
    if (questions.empty()) return Clarify("Please ask a question about the data.", {}, {});
    const std::string& question = questions.back()->text;

    auto ranked = RankVerifiedQueries(model_, question);
    if (!ranked.empty() && ranked[0].score >= options_.verified_query_threshold) {
        return FromVerifiedQuery(*ranked[0].query);
    }
    Intent intent = ParseIntent(index_, questions[0]->text);
    for (size_t i = 1; i < questions.size(); ++i) {
        Intent next = ParseIntent(index_, questions[i]->text);
        bool follow_up =
            !next.HasMeasure() && intent.HasMeasure() && next.ambiguous_metrics.empty();
        intent = follow_up && next.recognized > 0 ? MergeFollowUp(std::move(intent), next)
                                                  : std::move(next);
    }
    if (!intent.ambiguous_metrics.empty()) {
        std::vector<std::string> options, suggestions;
        for (const Entity& e : intent.ambiguous_metrics[0]) {
            std::string where = e.table ? " of " + Humanize(e.table->name) : "";
            options.push_back(Humanize(e.field->name) + where);
            suggestions.push_back("What is the " + Humanize(e.field->name) + where + "?");
        }
        return Clarify("Your question is ambiguous: it could mean " + JoinWords(options, " or ") +
                           ". Which one did you mean?",
                       std::move(suggestions), intent.warnings);
    }
    AddImplicitCount(&intent);
    if (intent.Empty() || (intent.measures.empty() && intent.dims.empty())) {
        return Clarify("I could not match your question to the semantic model '" + model_.name +
                           "'. Here are some questions I can answer:",
                       {}, intent.warnings);
    }
    auto built = BuildQuery(model_, physical_, intent);
    if (!built) {
        return Clarify("I cannot answer this question with the semantic model '" + model_.name +
                           "': " + built.error().message + ".",
                       {}, intent.warnings);
    }
    AnalystAnswer a;
    a.text = std::move(built->interpretation);
    a.sql = std::move(built->sql);
    a.warnings = std::move(intent.warnings);
    for (auto& w : built->warnings) a.warnings.push_back(std::move(w));
    return a;
}

std::vector<std::string> OfflineSqlGenerator::Suggestions() const {
    std::vector<std::string> out;
    auto add = [&](const std::string& q) {
        if (out.size() < options_.max_suggestions &&
            std::find(out.begin(), out.end(), q) == out.end())
            out.push_back(q);
    };
    for (const auto& vq : model_.verified_queries) {
        if (vq.use_as_onboarding_question) add(vq.question);
    }
    for (const auto& vq : model_.verified_queries) add(vq.question);
    for (const LogicalTable& t : model_.tables) {
        const Field* dim = nullptr;
        for (const Field& d : t.dimensions) {
            if (!d.unique && !dim) dim = &d;
        }
        for (const Field& m : t.metrics) {
            add("What is the " + Humanize(m.name) + (dim ? " by " + Humanize(dim->name) : "") +
                "?");
        }
        for (const Field& f : t.facts) {
            add("What is the total " + Humanize(f.name) +
                (dim ? " by " + Humanize(dim->name) : "") + "?");
        }
    }
    return out;
}

int OfflineSqlGenerator::Recognition(std::string_view question) const {
    return ParseIntent(index_, std::string(question)).recognized;
}

}  // namespace oc::tools::analyst
