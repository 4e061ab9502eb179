#include "tools/analyst/model_validator.h"

#include <set>

#include "common/text.h"
#include "store/duckdb/connection.h"
#include "store/sql_guard.h"
#include "store/sql_lexer.h"

namespace oc::tools::analyst {
namespace {

// The first line of an error ("Binder Error: Referenced column \"x\" not found in FROM clause!"),
// with the second when the first only introduces it ("SQL compilation error:").
std::string FirstLine(const std::string& message) {
    size_t nl = message.find('\n');
    if (nl == std::string::npos) return message;
    if (nl == 0 || message[nl - 1] != ':') return message.substr(0, nl);
    size_t next = message.find('\n', nl + 1);
    return message.substr(0, nl) + " " +
           message.substr(nl + 1, next == std::string::npos ? next : next - nl - 1);
}

// Prepares sql after the sandbox's text checks; "" when it binds, else why not.
std::string Bind(store::Connection& conn, const std::string& sql) {
    auto statements = store::SplitSqlStatements(sql);
    if (statements.size() != 1) return "must be a single SQL expression";
    if (Status st = store::CheckSqlText(statements); !st) return FirstLine(st.error().message);
    auto prepared = conn.Prepare(sql);
    return prepared ? "" : FirstLine(prepared.error().message);
}

// Coarse type families: join columns must share one (the binder casts most pairs silently).
const char* Family(duckdb_type t) {
    switch (t) {
        case DUCKDB_TYPE_BOOLEAN:
            return "boolean";
        case DUCKDB_TYPE_TINYINT:
        case DUCKDB_TYPE_SMALLINT:
        case DUCKDB_TYPE_INTEGER:
        case DUCKDB_TYPE_BIGINT:
        case DUCKDB_TYPE_UTINYINT:
        case DUCKDB_TYPE_USMALLINT:
        case DUCKDB_TYPE_UINTEGER:
        case DUCKDB_TYPE_UBIGINT:
        case DUCKDB_TYPE_HUGEINT:
        case DUCKDB_TYPE_UHUGEINT:
        case DUCKDB_TYPE_FLOAT:
        case DUCKDB_TYPE_DOUBLE:
        case DUCKDB_TYPE_DECIMAL:
            return "number";
        case DUCKDB_TYPE_VARCHAR:
            return "text";
        case DUCKDB_TYPE_DATE:
        case DUCKDB_TYPE_TIMESTAMP:
        case DUCKDB_TYPE_TIMESTAMP_S:
        case DUCKDB_TYPE_TIMESTAMP_MS:
        case DUCKDB_TYPE_TIMESTAMP_NS:
        case DUCKDB_TYPE_TIMESTAMP_TZ:
            return "date/time";
        default:
            return "other";
    }
}

class Validator {
public:
    Validator(const SemanticModel& model, store::Connection& conn) : model_(model), conn_(conn) {}

    void Run() {
        for (const LogicalTable& t : model_.tables) CheckTable(t);
        for (const LogicalTable& t : model_.tables) {
            if (!ok_.count(&t)) continue;
            for (const Field& m : t.metrics) {
                std::string sql = "WITH " + CteFor(model_, &physical_, t, m.expr) + "\nSELECT " +
                                  m.expr + " FROM " + CteName(t) + " AS " + QuoteName(t.name);
                Expect(m, ".expr", sql, "metric");
            }
            for (const Field& f : t.filters) {
                std::string sql = "WITH " + CteFor(model_, &physical_, t, f.expr) +
                                  "\nSELECT 1 FROM " + CteName(t) + " AS " + QuoteName(t.name) +
                                  " WHERE " + f.expr;
                Expect(f, ".expr", sql, "filter");
            }
        }
        for (const Relationship& r : model_.relationships) CheckRelationship(r);
        for (const VerifiedQuery& vq : model_.verified_queries) CheckVerifiedQuery(vq);
        for (const Field& m : model_.metrics) CheckModelMetric(m);
    }

    std::vector<ModelIssue> errors;
    std::vector<ModelIssue> warnings;
    PhysicalColumns physical_;

private:
    void Expect(const Field& f, const char* key, const std::string& sql, const char* what) {
        std::string why = Bind(conn_, sql);
        if (!why.empty())
            errors.push_back(
                {f.mark, f.path + key, std::string(what) + " '" + f.name + "': " + why});
    }

    void CheckTable(const LogicalTable& t) {
        if (t.base_table.table.empty()) return;
        const std::string physical = PhysicalTableSql(t.base_table);
        auto described = conn_.Query("DESCRIBE " + physical);
        if (!described) {
            errors.push_back({t.base_table_mark, t.path + ".base_table",
                              "table " + t.base_table.database + "." + t.base_table.schema + "." +
                                  t.base_table.table + " does not exist or is not accessible"});
            return;
        }
        std::vector<std::string>& cols = physical_[ToLowerAscii(t.name)];
        for (idx_t row = 0; row < (*described)->RowCount(); ++row)
            cols.push_back((*described)->GetString(0, row));
        size_t before = errors.size();
        for (const Field* f : t.Columns()) {
            const char* what = f->kind == FieldKind::kFact            ? "fact"
                               : f->kind == FieldKind::kTimeDimension ? "time dimension"
                                                                      : "dimension";
            Expect(*f, ".expr", "SELECT " + f->expr + " FROM " + physical, what);
        }
        if (errors.size() == before) ok_.insert(&t);
    }

    void CheckRelationship(const Relationship& r) {
        const LogicalTable* left = model_.FindTable(r.left_table);
        const LogicalTable* right = model_.FindTable(r.right_table);
        if (!left || !right || !ok_.count(left) || !ok_.count(right) || r.columns.empty()) return;
        std::string names;
        for (const ColumnPair& c : r.columns) names += c.left_column + " " + c.right_column + " ";
        std::string sql = "WITH " + CteFor(model_, &physical_, *left, names);
        if (left != right) sql += ", " + CteFor(model_, &physical_, *right, names);
        sql += "\nSELECT 1 FROM " + CteName(*left) + " AS l JOIN " + CteName(*right) + " AS r ON ";
        for (size_t i = 0; i < r.columns.size(); ++i) {
            sql += (i ? " AND " : "") + std::string("l.") + QuoteName(r.columns[i].left_column) +
                   " = r." + QuoteName(r.columns[i].right_column);
        }
        std::string why = Bind(conn_, sql);
        if (why.empty()) why = CompareTypes(r, sql.substr(0, sql.find("\nSELECT")));
        if (!why.empty())
            errors.push_back({r.mark, r.path + ".relationship_columns",
                              "relationship '" + r.name + "': " + why});
    }

    // "" when each column pair shares a type family; with_clause defines __left and __right.
    std::string CompareTypes(const Relationship& r, const std::string& with_clause) {
        const LogicalTable* left = model_.FindTable(r.left_table);
        const LogicalTable* right = model_.FindTable(r.right_table);
        std::string sql = with_clause + "\nSELECT ";
        for (size_t i = 0; i < r.columns.size(); ++i) {
            sql += (i ? ", l." : "l.") + QuoteName(r.columns[i].left_column) + ", r." +
                   QuoteName(r.columns[i].right_column);
        }
        sql += " FROM " + CteName(*left) + " AS l, " + CteName(*right) + " AS r";
        auto prepared = conn_.Prepare(sql);
        if (!prepared) return FirstLine(prepared.error().message);
        for (size_t i = 0; i < r.columns.size(); ++i) {
            duckdb_type a = duckdb_prepared_statement_column_type((*prepared)->raw(), 2 * i);
            duckdb_type b = duckdb_prepared_statement_column_type((*prepared)->raw(), 2 * i + 1);
            if (std::string(Family(a)) != Family(b)) {
                return "columns " + r.columns[i].left_column + " (" + Family(a) + ") and " +
                       r.columns[i].right_column + " (" + Family(b) + ") cannot be joined";
            }
        }
        return "";
    }

    void CheckVerifiedQuery(const VerifiedQuery& vq) {
        if (vq.sql.empty()) return;
        for (const LogicalTable& t : model_.tables) {
            if (!ok_.count(&t) && MentionedNames(vq.sql).count("__" + ToLowerAscii(t.name)))
                return;  // reported already
        }
        Status st = CheckReadOnlySql(conn_, ExpandLogicalSql(model_, &physical_, vq.sql));
        if (!st) {
            errors.push_back(
                {vq.mark, vq.path + ".sql",
                 "verified query '" + vq.name + "': " + FirstLine(st.error().message)});
        }
    }

    // Model-level metrics (semantic view YAML) span tables; their rules are unverified, so a
    // failure is only a warning.
    void CheckModelMetric(const Field& m) {
        QueryFrame frame(model_, &physical_);
        frame.Mention(m.expr);
        for (const std::string& name : MentionedNames(m.expr)) {
            const LogicalTable* t = model_.FindTable(name);
            if (!t || !ok_.count(t)) continue;
            if (Status st = frame.AddTable(*t); !st) {
                warnings.push_back(
                    {m.mark, m.path + ".expr", "metric '" + m.name + "': " + st.error().message});
                return;
            }
        }
        if (frame.Empty()) return;
        std::string why =
            Bind(conn_, frame.WithClause() + "SELECT " + m.expr + "\n" + frame.FromClause());
        if (!why.empty())
            warnings.push_back({m.mark, m.path + ".expr", "metric '" + m.name + "': " + why});
    }

    const SemanticModel& model_;
    store::Connection& conn_;
    std::set<const LogicalTable*> ok_;  // tables whose base table and columns resolve
};

// The keyword of the statement proper: the first token, or for WITH the token after the last
// CTE ("WITH a AS (...), b AS (...) <here>"). Lower-cased; "(" for a parenthesised query.
std::string MainKeyword(const std::vector<store::SqlToken>& t) {
    auto word = [&](size_t i) { return i < t.size() ? ToLowerAscii(t[i].text) : std::string(); };
    auto skip_group = [&](size_t i) {  // i at "(": returns the index after its ")"
        int depth = 0;
        for (; i < t.size(); ++i) {
            if (t[i].IsSymbol('(')) ++depth;
            if (t[i].IsSymbol(')') && --depth == 0) return i + 1;
        }
        return t.size();
    };
    if (t.empty()) return "";
    if (!t[0].IsWord("with")) return t[0].IsSymbol('(') ? "(" : word(0);
    size_t i = t.size() > 1 && t[1].IsWord("recursive") ? 2 : 1;
    while (i < t.size()) {
        ++i;                                                        // the CTE name
        if (i < t.size() && t[i].IsSymbol('(')) i = skip_group(i);  // column list
        if (i < t.size() && t[i].IsWord("as")) ++i;
        if (i < t.size() && t[i].IsWord("not")) ++i;
        if (i < t.size() && t[i].IsWord("materialized")) ++i;
        if (i >= t.size() || !t[i].IsSymbol('(')) return word(i);
        i = skip_group(i);
        if (i >= t.size() || !t[i].IsSymbol(',')) break;
        ++i;
    }
    return i < t.size() && t[i].IsSymbol('(') ? "(" : word(i);
}

}  // namespace

Result<PhysicalColumns> ValidateModel(const SemanticModel& model, store::Connection& conn,
                                      std::vector<ModelIssue>* warnings) {
    Validator v(model, conn);
    v.Run();
    for (auto& w : v.warnings) warnings->push_back(std::move(w));
    if (!v.errors.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         FormatIssues("Semantic model does not match the catalog", v.errors));
    }
    return std::move(v.physical_);
}

Status CheckReadOnlySql(store::Connection& conn, std::string_view sql) {
    auto statements = store::SplitSqlStatements(sql);
    auto refuse = [](const std::string& what) {
        return MakeError(
            ErrorCode::kPermissionDenied,
            "SQL compilation error:\n" + what + " Cortex Analyst SQL may only read data.",
            store::kRefusedWireCode, 422);
    };
    if (statements.empty())
        return MakeError(ErrorCode::kInvalidArgument, "the SQL statement is empty");
    if (statements.size() != 1)
        return refuse("Only one statement is allowed, got " + std::to_string(statements.size()) +
                      ".");
    const std::string main = MainKeyword(statements[0].tokens);
    if (main != "select" && main != "from" && main != "values" && main != "table" && main != "(") {
        return refuse("A " + ToUpperAscii(main) + " statement is not a query.");
    }
    OC_TRY(store::CheckSqlText(statements));
    OC_ASSIGN_OR_RETURN(auto prepared, conn.Prepare(statements[0].text));
    if (duckdb_prepared_statement_type(prepared->raw()) != DUCKDB_STATEMENT_TYPE_SELECT) {
        return refuse("This statement is not a query.");
    }
    return {};
}

}  // namespace oc::tools::analyst
