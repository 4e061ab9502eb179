// The system prompt of the LLM path: the model described over the CTE names the SQL must use
// (reference agents-api.md §6.4), the custom instructions and the closest verified queries.
#include <sstream>

#include "tools/analyst/analyst_engine.h"
#include "tools/analyst/question_matcher.h"

namespace oc::tools::analyst {
namespace {

constexpr size_t kPromptVerifiedQueries = 3;

void DescribeField(std::ostringstream& out, const Field& f, const char* kind) {
    out << "  - " << f.name << " (" << kind;
    if (!f.data_type.empty()) out << ", " << f.data_type;
    out << ")";
    if (!f.description.empty()) out << ": " << f.description;
    if (!f.synonyms.empty()) {
        out << " Synonyms:";
        for (const auto& s : f.synonyms) out << " '" << s << "'";
        out << ".";
    }
    if (!f.sample_values.empty()) {
        out << " Sample values:";
        for (const auto& v : f.sample_values) out << " '" << v << "'";
        out << (f.is_enum ? " (all values)." : ".");
    }
    if (f.kind == FieldKind::kMetric || f.kind == FieldKind::kFilter)
        out << " Expression: " << f.expr;
    out << "\n";
}

void DescribeTable(std::ostringstream& out, const LogicalTable& t) {
    out << "Table " << t.name << " (query it as __" << t.name << " AS " << t.name << ")";
    if (!t.description.empty()) out << ": " << t.description;
    out << "\n";
    if (!t.synonyms.empty()) {
        out << "  Synonyms:";
        for (const auto& s : t.synonyms) out << " '" << s << "'";
        out << "\n";
    }
    if (!t.primary_key.empty()) {
        out << "  Primary key:";
        for (const auto& c : t.primary_key) out << " " << c;
        out << "\n";
    }
    for (const Field& f : t.dimensions) DescribeField(out, f, "dimension");
    for (const Field& f : t.time_dimensions) DescribeField(out, f, "time dimension");
    for (const Field& f : t.facts) DescribeField(out, f, "fact");
    for (const Field& f : t.metrics) DescribeField(out, f, "metric");
    for (const Field& f : t.filters) DescribeField(out, f, "filter");
}

}  // namespace

std::string BuildAnalystPrompt(const SemanticModel& model, const std::string& question) {
    std::ostringstream out;
    out << "You are Cortex Analyst. Translate the user's question into one read-only DuckDB SQL "
           "query over "
           "the semantic model below.\n\n"
           "Rules:\n"
           "- Query only the logical tables, as __<table> AS <table>; columns are the logical "
           "names listed "
           "(dimensions, time dimensions, facts). They already exist: do not define these CTEs "
           "yourself.\n"
           "- Metrics and filters are SQL expressions over those names; use them verbatim.\n"
           "- Join only along the relationships listed.\n"
           "- Write exactly one SELECT (or WITH ... SELECT). Never modify data.\n"
           "- Answer in this form:\nINTERPRETATION: <one sentence restating the "
           "question>\n```sql\n<query>\n```\n"
           "- If the model cannot answer the question, answer instead:\nUNANSWERABLE: <why>\n"
           "followed by up to 3 questions the model can answer, one per line, each starting with "
           "'- '.\n\n";
    out << "Semantic model " << model.name;
    if (!model.description.empty()) out << ": " << model.description;
    out << "\n\n";
    for (const LogicalTable& t : model.tables) DescribeTable(out, t), out << "\n";
    if (!model.metrics.empty()) {
        out << "Model-level metrics:\n";
        for (const Field& f : model.metrics) DescribeField(out, f, "metric");
        out << "\n";
    }
    if (!model.relationships.empty()) {
        out << "Relationships:\n";
        for (const Relationship& r : model.relationships) {
            out << "  - " << r.name << ": ";
            for (size_t i = 0; i < r.columns.size(); ++i) {
                out << (i ? " AND " : "") << r.left_table << "." << r.columns[i].left_column
                    << " = " << r.right_table << "." << r.columns[i].right_column;
            }
            out << " (" << (r.join_type == JoinType::kInner ? "inner join" : "left outer join")
                << ", "
                << (r.relationship_type == RelationshipType::kOneToOne ? "one to one"
                                                                       : "many to one")
                << ")\n";
        }
        out << "\n";
    }
    if (!model.SqlInstructions().empty())
        out << "Instructions:\n" << model.SqlInstructions() << "\n\n";
    auto ranked = RankVerifiedQueries(model, question);
    size_t shown = 0;
    for (const RankedQuery& r : ranked) {
        if (shown == kPromptVerifiedQueries || r.score <= 0) break;
        if (shown++ == 0) out << "Verified queries similar to the question:\n";
        out << "Question: " << r.query->question << "\n```sql\n" << r.query->sql << "\n```\n";
    }
    return out.str();
}

}  // namespace oc::tools::analyst
