#include "tools/search/filter.h"

#include <algorithm>

namespace oc::tools::search {

enum class FilterOp { kAll, kAnd, kOr, kNot, kEq, kContains, kGte, kLte, kPrimaryKey };

struct Filter::Node {
    FilterOp op = FilterOp::kAll;
    std::string column;
    ColumnKind kind = ColumnKind::kOther;
    Json value;        // @eq/@contains on text, boolean and array elements; @primarykey values
    double number = 0;  // NUMBER comparisons
    int64_t time = 0;   // DATE days, TIMESTAMP microseconds
    std::vector<Node> children;
};

namespace {

using Node = Filter::Node;

Error FilterError(std::string message) {
    return MakeError(ErrorCode::kInvalidArgument, "Invalid filter: " + std::move(message));
}

std::string TypeOf(const Json& v) {
    if (v.is_string()) return "a string";
    if (v.is_number()) return "a number";
    if (v.is_boolean()) return "a boolean";
    if (v.is_null()) return "null";
    if (v.is_array()) return "an array";
    return "an object";
}

bool SameScalar(const Json& a, const Json& b) {
    if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
    return a == b;
}

std::optional<int64_t> TimeOf(ColumnKind kind, const Json& v) {
    if (!v.is_string()) return std::nullopt;
    const auto& s = v.get_ref<const std::string&>();
    return kind == ColumnKind::kDate ? ParseDateDays(s) : ParseTimestampMicros(s);
}

class Compiler {
public:
    explicit Compiler(const FilterScope& scope) : scope_(scope) {}

    Result<Node> CompileObject(const Json& j) {
        if (!j.is_object()) return FilterError("expected a filter object, got " + TypeOf(j) + ".");
        Node all;
        all.op = FilterOp::kAnd;
        for (auto it = j.begin(); it != j.end(); ++it) {
            OC_ASSIGN_OR_RETURN(Node child, CompileOperator(it.key(), it.value()));
            all.children.push_back(std::move(child));
        }
        if (all.children.size() == 1) return std::move(all.children[0]);
        if (all.children.empty()) all.op = FilterOp::kAll;
        return all;
    }

private:
    Result<Node> CompileOperator(const std::string& op, const Json& arg) {
        if (op == "@and" || op == "@or") {
            if (!arg.is_array()) return FilterError(op + " takes an array of filters, got " + TypeOf(arg) + ".");
            Node n;
            n.op = op == "@and" ? FilterOp::kAnd : FilterOp::kOr;
            for (const Json& item : arg) {
                OC_ASSIGN_OR_RETURN(Node child, CompileObject(item));
                n.children.push_back(std::move(child));
            }
            return n;
        }
        if (op == "@not") {
            if (!arg.is_object()) return FilterError("@not takes one filter object, got " + TypeOf(arg) + ".");
            Node n;
            n.op = FilterOp::kNot;
            OC_ASSIGN_OR_RETURN(Node child, CompileObject(arg));
            n.children.push_back(std::move(child));
            return n;
        }
        if (op == "@primarykey") return CompilePrimaryKey(arg);
        FilterOp kind;
        if (op == "@eq") kind = FilterOp::kEq;
        else if (op == "@contains") kind = FilterOp::kContains;
        else if (op == "@gte") kind = FilterOp::kGte;
        else if (op == "@lte") kind = FilterOp::kLte;
        else {
            return FilterError("unknown operator '" + op +
                               "'; expected one of @eq, @contains, @gte, @lte, @and, @or, @not, @primarykey.");
        }
        if (!arg.is_object() || arg.empty()) {
            return FilterError(op + " takes an object of column: value, got " +
                               (arg.is_object() ? std::string("an empty object") : TypeOf(arg)) + ".");
        }
        Node all;
        all.op = FilterOp::kAnd;
        for (auto it = arg.begin(); it != arg.end(); ++it) {
            OC_ASSIGN_OR_RETURN(Node leaf, CompileMatcher(op, kind, it.key(), it.value()));
            all.children.push_back(std::move(leaf));
        }
        if (all.children.size() == 1) return std::move(all.children[0]);
        return all;
    }

    Result<const ColumnInfo*> Attribute(const std::string& op, const std::string& reference) {
        auto name = ResolveColumn(reference, *scope_.columns);
        if (!name) return FilterError(op + ": column '" + reference + "' does not exist in the service.");
        if (std::find(scope_.attributes.begin(), scope_.attributes.end(), *name) == scope_.attributes.end()) {
            return FilterError(op + ": column '" + *name +
                               "' is not an ATTRIBUTES column of the service; only attribute columns can be filtered.");
        }
        return FindColumn(*scope_.columns, *name);
    }

    Result<Node> CompileMatcher(const std::string& op, FilterOp kind, const std::string& reference,
                                const Json& value) {
        OC_ASSIGN_OR_RETURN(const ColumnInfo* col, Attribute(op, reference));
        Node n;
        n.op = kind;
        n.column = col->name;
        n.kind = col->kind;
        n.value = value;
        const std::string kind_name = ColumnKindName(col->kind);
        auto mismatch = [&](const std::string& wanted) {
            return FilterError(op + " on " + kind_name + " column '" + col->name + "' needs " + wanted +
                               ", got " + TypeOf(value) + ".");
        };
        bool time_column = col->kind == ColumnKind::kDate || col->kind == ColumnKind::kTimestamp;
        if (kind == FilterOp::kContains) {
            if (col->kind != ColumnKind::kArray) {
                return FilterError("@contains needs an ARRAY column; '" + col->name + "' is " + kind_name + ".");
            }
            if (!value.is_string() && !value.is_number() && !value.is_boolean()) return mismatch("a scalar value");
            return n;
        }
        if (kind != FilterOp::kEq && !time_column && col->kind != ColumnKind::kNumber) {
            return FilterError(op + " needs a NUMBER, DATE or TIMESTAMP column; '" + col->name + "' is " +
                               kind_name + ".");
        }
        switch (col->kind) {
            case ColumnKind::kText:
                if (!value.is_string()) return mismatch("a string");
                return n;
            case ColumnKind::kNumber:
                if (!value.is_number()) return mismatch("a number");
                n.number = value.get<double>();
                return n;
            case ColumnKind::kBoolean:
                if (!value.is_boolean()) return mismatch("a boolean");
                return n;
            case ColumnKind::kDate:
            case ColumnKind::kTimestamp: {
                auto t = TimeOf(col->kind, value);
                if (!t) {
                    return mismatch(col->kind == ColumnKind::kDate
                                        ? "a date string 'YYYY-MM-DD'"
                                        : "a timestamp string 'YYYY-MM-DDTHH:MM:SS.sss+HH:MM'");
                }
                n.time = *t;
                return n;
            }
            default:
                return FilterError(op + " is not supported on " + kind_name + " column '" + col->name +
                                   (col->kind == ColumnKind::kArray ? "'; use @contains." : "'."));
        }
    }

    Result<Node> CompilePrimaryKey(const Json& arg) {
        if (scope_.primary_key.empty()) {
            return FilterError("@primarykey needs a service created with a primary key.");
        }
        if (!arg.is_object()) return FilterError("@primarykey takes an object of column: value, got " + TypeOf(arg) + ".");
        Node n;
        n.op = FilterOp::kPrimaryKey;
        n.value = Json::object();
        for (auto it = arg.begin(); it != arg.end(); ++it) {
            auto name = ResolveColumn(it.key(), *scope_.columns);
            const auto& pk = scope_.primary_key;
            if (!name || std::find(pk.begin(), pk.end(), *name) == pk.end()) {
                return FilterError("@primarykey: column '" + it.key() + "' is not a primary key column.");
            }
            n.value[*name] = it.value();
        }
        for (const std::string& key : scope_.primary_key) {
            if (!n.value.contains(key)) return FilterError("@primarykey must name every key column; '" + key + "' is missing.");
        }
        return n;
    }

    const FilterScope& scope_;
};

bool Compare(const Node& n, const Json& v) {
    if (v.is_null()) return false;
    if (n.kind == ColumnKind::kNumber) {
        if (!v.is_number()) return false;
        double x = v.get<double>();
        return n.op == FilterOp::kEq ? x == n.number : n.op == FilterOp::kGte ? x >= n.number : x <= n.number;
    }
    if (n.kind == ColumnKind::kDate || n.kind == ColumnKind::kTimestamp) {
        auto t = TimeOf(n.kind, v);
        if (!t) return false;
        return n.op == FilterOp::kEq ? *t == n.time : n.op == FilterOp::kGte ? *t >= n.time : *t <= n.time;
    }
    return n.op == FilterOp::kEq && v == n.value;
}

bool Eval(const Node& n, const Json& row) {
    switch (n.op) {
        case FilterOp::kAll: return true;
        case FilterOp::kAnd:
            return std::all_of(n.children.begin(), n.children.end(), [&](const Node& c) { return Eval(c, row); });
        case FilterOp::kOr:
            return std::any_of(n.children.begin(), n.children.end(), [&](const Node& c) { return Eval(c, row); });
        case FilterOp::kNot: return !Eval(n.children[0], row);
        case FilterOp::kPrimaryKey:
            for (auto it = n.value.begin(); it != n.value.end(); ++it) {
                auto cell = row.find(it.key());
                Json v = cell == row.end() ? Json() : *cell;
                if (!SameScalar(v, it.value())) return false;
            }
            return true;
        default: break;
    }
    auto cell = row.find(n.column);
    if (cell == row.end()) return false;
    if (n.op == FilterOp::kContains) {
        if (!cell->is_array()) return false;
        return std::any_of(cell->begin(), cell->end(), [&](const Json& e) { return SameScalar(e, n.value); });
    }
    return Compare(n, *cell);
}

}  // namespace

Filter::Filter() = default;
Filter::~Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;

Result<Filter> Filter::Compile(const Json& filter, const FilterScope& scope) {
    Filter f;
    if (filter.is_null() || (filter.is_object() && filter.empty())) return f;
    Compiler compiler(scope);
    OC_ASSIGN_OR_RETURN(Node root, compiler.CompileObject(filter));
    f.root_ = std::make_unique<Node>(std::move(root));
    return f;
}

bool Filter::empty() const { return root_ == nullptr; }

bool Filter::Matches(const Json& row) const { return !root_ || Eval(*root_, row); }

}  // namespace oc::tools::search
