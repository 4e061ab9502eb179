#include "tools/analyst/sql_builder.h"

#include <cctype>
#include <deque>

#include "common/identifier.h"
#include "common/text.h"
#include "store/sql_lexer.h"

namespace oc::tools::analyst {
namespace {

bool IsSimpleName(std::string_view s) {
    if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
    }
    return true;
}

// A base_table part as DuckDB should see it: identifiers resolve as Snowflake would store them.
std::string PhysicalPart(const std::string& raw) {
    auto parsed = ParseIdentifier(raw);
    return QuoteIdentifier(parsed ? *parsed : raw);
}

std::string ColumnRef(const LogicalTable& t, std::string_view column) {
    return QuoteName(t.name) + "." + QuoteName(column);
}

}  // namespace

std::string PhysicalTableSql(const BaseTable& base) {
    return PhysicalPart(base.database) + "." + PhysicalPart(base.schema) + "." +
           PhysicalPart(base.table);
}

std::set<std::string> MentionedNames(std::string_view sql) {
    std::set<std::string> out;
    for (const store::SqlToken& t : store::TokenizeSql(sql)) {
        if (t.kind == store::TokenKind::kWord || t.kind == store::TokenKind::kQuotedIdent) {
            out.insert(ToLowerAscii(store::IdentifierOf(t)));
        }
    }
    return out;
}

std::string CteName(const LogicalTable& t) {
    std::string name = "__" + t.name;
    return IsSimpleName(t.name) ? name : QuoteIdentifier(name);
}

std::string QuoteName(std::string_view name) { return QuoteIdentifier(name); }

Status QueryFrame::AddTable(const LogicalTable& table) {
    for (const LogicalTable* t : order_) {
        if (t == &table) return {};
    }
    if (order_.empty()) {
        order_.push_back(&table);
        joins_.push_back({&table, nullptr, false});
        return {};
    }
    // Breadth-first from every table already joined; parent[t] = the step that reached t.
    std::map<const LogicalTable*, Join> parent;
    std::map<const LogicalTable*, const LogicalTable*> from;
    std::deque<const LogicalTable*> queue(order_.begin(), order_.end());
    std::set<const LogicalTable*> seen(order_.begin(), order_.end());
    while (!queue.empty() && !seen.count(&table)) {
        const LogicalTable* cur = queue.front();
        queue.pop_front();
        for (const Relationship& r : model_.relationships) {
            const LogicalTable* left = model_.FindTable(r.left_table);
            const LogicalTable* right = model_.FindTable(r.right_table);
            if (!left || !right) continue;
            const LogicalTable* next = left == cur ? right : right == cur ? left : nullptr;
            if (!next || seen.count(next)) continue;
            seen.insert(next);
            parent[next] = Join{next, &r, next == left};
            from[next] = cur;
            queue.push_back(next);
        }
    }
    if (!seen.count(&table)) {
        return MakeError(ErrorCode::kInvalidArgument, "no relationship connects table '" +
                                                          table.name + "' to '" +
                                                          order_.front()->name + "'");
    }
    std::vector<Join> path;
    for (const LogicalTable* t = &table; parent.count(t); t = from[t]) path.push_back(parent[t]);
    for (auto it = path.rbegin(); it != path.rend(); ++it) {
        order_.push_back(it->table);
        joins_.push_back(*it);
        for (const ColumnPair& c : it->via->columns) {
            mentioned_.insert(ToLowerAscii(c.left_column));
            mentioned_.insert(ToLowerAscii(c.right_column));
        }
    }
    return {};
}

void QueryFrame::Mention(std::string_view sql) {
    for (auto& n : MentionedNames(sql)) mentioned_.insert(n);
}

std::string QueryFrame::TableCte(const LogicalTable& t) const {
    std::vector<std::string> items;
    std::set<std::string> logical;
    for (const Field* f : t.Columns()) {
        logical.insert(ToLowerAscii(f->name));
        if (mentioned_.count(ToLowerAscii(f->name)))
            items.push_back(f->expr + " AS " + QuoteName(f->name));
    }
    if (physical_) {
        auto it = physical_->find(ToLowerAscii(t.name));
        if (it != physical_->end()) {
            for (const std::string& p : it->second) {
                std::string lower = ToLowerAscii(p);
                if (mentioned_.count(lower) && !logical.count(lower))
                    items.push_back(QuoteIdentifier(p));
            }
        }
    }
    if (items.empty()) {
        auto cols = t.Columns();
        items.push_back(cols.empty() ? "1 AS \"__row\""
                                     : cols[0]->expr + " AS " + QuoteName(cols[0]->name));
    }
    std::string out = CteName(t) + " AS (\n  SELECT\n";
    for (size_t i = 0; i < items.size(); ++i)
        out += "    " + items[i] + (i + 1 < items.size() ? ",\n" : "\n");
    return out + "  FROM " + PhysicalTableSql(t.base_table) + "\n)";
}

std::string QueryFrame::WithClause() const {
    if (order_.empty()) return "";
    std::string out = "WITH ";
    for (size_t i = 0; i < order_.size(); ++i) out += (i ? ", " : "") + TableCte(*order_[i]);
    return out + "\n";
}

std::string QueryFrame::FromClause() const {
    std::string out;
    for (const Join& j : joins_) {
        if (!j.via) {
            out += "FROM " + CteName(*j.table) + " AS " + QuoteName(j.table->name) + "\n";
            continue;
        }
        const LogicalTable* left = model_.FindTable(j.via->left_table);
        const LogicalTable* right = model_.FindTable(j.via->right_table);
        std::string kind;
        switch (j.via->join_type) {
            case JoinType::kInner:
                kind = "INNER JOIN";
                break;
            case JoinType::kFullOuter:
                kind = "FULL OUTER JOIN";
                break;
            case JoinType::kCross:
                kind = "CROSS JOIN";
                break;
            case JoinType::kRightOuter:
                kind = j.reversed ? "LEFT OUTER JOIN" : "RIGHT OUTER JOIN";
                break;
            case JoinType::kLeftOuter:
                kind = "LEFT OUTER JOIN";
                break;
        }
        out += kind + " " + CteName(*j.table) + " AS " + QuoteName(j.table->name);
        if (j.via->join_type != JoinType::kCross) {
            for (size_t i = 0; i < j.via->columns.size(); ++i) {
                const ColumnPair& c = j.via->columns[i];
                out += (i ? " AND " : " ON ") + ColumnRef(*left, c.left_column) + " = " +
                       ColumnRef(*right, c.right_column);
            }
        }
        out += "\n";
    }
    return out;
}

std::string CteFor(const SemanticModel& model, const PhysicalColumns* physical,
                   const LogicalTable& table, std::string_view mentioned_sql) {
    QueryFrame single(model, physical);
    single.Mention(mentioned_sql);
    (void)single.AddTable(table);
    std::string with = single.WithClause();  // "WITH __t AS (...)\n"
    return with.substr(5, with.size() - 6);
}

std::string ExpandLogicalSql(const SemanticModel& model, const PhysicalColumns* physical,
                             std::string_view logical_sql) {
    std::set<std::string> names = MentionedNames(logical_sql);
    std::vector<std::string> ctes;
    for (const LogicalTable& t : model.tables) {
        std::string lower = ToLowerAscii(t.name);
        bool dunder = names.count("__" + lower) > 0;
        bool bare = names.count(lower) > 0;
        if (!dunder && !bare) continue;
        ctes.push_back(CteFor(model, physical, t, logical_sql));
        if (bare) ctes.push_back(QuoteName(t.name) + " AS (SELECT * FROM " + CteName(t) + ")");
    }
    if (ctes.empty()) return std::string(logical_sql);
    std::string joined;
    for (size_t i = 0; i < ctes.size(); ++i) joined += (i ? ",\n" : "") + ctes[i];
    std::vector<store::SqlToken> tokens = store::TokenizeSql(logical_sql);
    if (!tokens.empty() && tokens[0].IsWord("with")) {
        size_t rest = tokens[0].offset + tokens[0].text.size();
        std::string head = "WITH ";
        if (tokens.size() > 1 && tokens[1].IsWord("recursive")) {
            head = "WITH RECURSIVE ";
            rest = tokens[1].offset + tokens[1].text.size();
        }
        return head + joined + ",\n" + std::string(logical_sql.substr(rest));
    }
    return "WITH " + joined + "\n" + std::string(logical_sql);
}

std::string FinishStatement(std::string_view sql) {
    std::string s(sql);
    while (!s.empty() && (std::isspace(static_cast<unsigned char>(s.back())) || s.back() == ';'))
        s.pop_back();
    return s + "\n -- Generated by Cortex Analyst\n;";
}

}  // namespace oc::tools::analyst
