// Lookups on the model and the checks that need the whole document: unique names, primary keys
// and relationship columns that name real logical columns.
#include "tools/analyst/semantic_model.h"

#include <map>

#include "common/text.h"
#include "tools/analyst/yaml_reader.h"

namespace oc::tools::analyst {

const Field* LogicalTable::FindColumn(std::string_view name) const {
    for (const auto* list : {&dimensions, &time_dimensions, &facts}) {
        for (const Field& f : *list) {
            if (EqualsIgnoreCase(f.name, name)) return &f;
        }
    }
    return nullptr;
}

std::vector<const Field*> LogicalTable::Columns() const {
    std::vector<const Field*> out;
    for (const auto* list : {&dimensions, &time_dimensions, &facts}) {
        for (const Field& f : *list) out.push_back(&f);
    }
    return out;
}

const LogicalTable* SemanticModel::FindTable(std::string_view name) const {
    for (const LogicalTable& t : tables) {
        if (EqualsIgnoreCase(t.name, name)) return &t;
    }
    return nullptr;
}

const std::string& SemanticModel::SqlInstructions() const {
    return sql_generation_instructions.empty() ? custom_instructions : sql_generation_instructions;
}

std::string ModelIssue::ToString() const {
    std::string out;
    if (mark.line > 0)
        out =
            "line " + std::to_string(mark.line) + ", column " + std::to_string(mark.column) + ": ";
    if (!path.empty()) out += path + ": ";
    return out + message;
}

std::string FormatIssues(std::string_view what, const std::vector<ModelIssue>& issues) {
    std::string out(what);
    out += issues.size() == 1 ? ": " : " (" + std::to_string(issues.size()) + " problems):\n";
    for (size_t i = 0; i < issues.size(); ++i) {
        if (i > 0) out += "\n";
        out += issues[i].ToString();
    }
    return out;
}

namespace {

// Reports the second use of a name (ASCII case-insensitive) among one scope.
class NameSet {
public:
    NameSet(IssueLog& log, std::string what, std::string scope = "")
        : log_(log), what_(std::move(what)), scope_(std::move(scope)) {}
    void Add(const std::string& name, SourceMark mark, const std::string& path) {
        if (name.empty()) return;
        auto [it, inserted] = seen_.emplace(ToLowerAscii(name), path);
        if (!inserted)
            log_.Error(mark, path + ".name",
                       "duplicate " + what_ + " '" + name + "'" + scope_ + " (first at " +
                           it->second + ")");
    }

private:
    IssueLog& log_;
    std::string what_;
    std::string scope_;
    std::map<std::string, std::string> seen_;
};

void CheckTable(const LogicalTable& t, IssueLog& log) {
    NameSet names(log, "name", " in table '" + t.name + "'");
    for (const auto* list : {&t.dimensions, &t.time_dimensions, &t.facts, &t.metrics, &t.filters}) {
        for (const Field& f : *list) {
            names.Add(f.name, f.mark, f.path);
            if (f.is_enum && f.sample_values.empty()) {
                log.Warn(f.mark, f.path + ".is_enum", "is true but sample_values is empty");
            }
        }
    }
    for (size_t i = 0; i < t.primary_key.size(); ++i) {
        if (!t.FindColumn(t.primary_key[i])) {
            log.Error(t.mark, t.path + ".primary_key.columns[" + std::to_string(i) + "]",
                      "'" + t.primary_key[i] +
                          "' is not a dimension, time dimension or fact of table '" + t.name + "'");
        }
    }
}

void CheckRelationship(const SemanticModel& m, const Relationship& r, IssueLog& log) {
    const LogicalTable* left = m.FindTable(r.left_table);
    const LogicalTable* right = m.FindTable(r.right_table);
    if (!r.left_table.empty() && !left) {
        log.Error(r.mark, r.path + ".left_table", "unknown table '" + r.left_table + "'");
    }
    if (!r.right_table.empty() && !right) {
        log.Error(r.mark, r.path + ".right_table", "unknown table '" + r.right_table + "'");
    }
    for (size_t i = 0; i < r.columns.size(); ++i) {
        const ColumnPair& c = r.columns[i];
        std::string path = r.path + ".relationship_columns[" + std::to_string(i) + "]";
        if (left && !c.left_column.empty() && !left->FindColumn(c.left_column)) {
            log.Error(r.mark, path + ".left_column",
                      "'" + c.left_column + "' is not a column of table '" + left->name + "'");
        }
        if (right && !c.right_column.empty() && !right->FindColumn(c.right_column)) {
            log.Error(r.mark, path + ".right_column",
                      "'" + c.right_column + "' is not a column of table '" + right->name + "'");
        }
    }
    bool to_one = r.relationship_type == RelationshipType::kManyToOne ||
                  r.relationship_type == RelationshipType::kOneToOne;
    if (right && to_one && !right->primary_key.empty()) {
        for (const ColumnPair& c : r.columns) {
            bool covered = false;
            for (const auto& pk : right->primary_key)
                covered = covered || EqualsIgnoreCase(pk, c.right_column);
            if (!covered) {
                log.Warn(r.mark, r.path,
                         "right column '" + c.right_column + "' is not in the primary key of '" +
                             right->name + "'");
            }
        }
    }
}

}  // namespace

// Called by the parser once the document is read (declared there).
void CheckModel(const SemanticModel& model, IssueLog& log) {
    NameSet tables(log, "table");
    for (const LogicalTable& t : model.tables) {
        tables.Add(t.name, t.mark, t.path);
        CheckTable(t, log);
    }
    NameSet relationships(log, "relationship");
    for (const Relationship& r : model.relationships) {
        relationships.Add(r.name, r.mark, r.path);
        CheckRelationship(model, r, log);
    }
    NameSet metrics(log, "model-level metric");
    for (const Field& f : model.metrics) metrics.Add(f.name, f.mark, f.path);
}

}  // namespace oc::tools::analyst
