// Reads the YAML document into SemanticModel (reference agents-api.md §6.5); the cross-reference
// checks (unique names, relationship columns, primary keys) live in semantic_model.cpp.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <vector>

#include "common/text.h"
#include "tools/analyst/semantic_model.h"
#include "tools/analyst/yaml_reader.h"

namespace oc::tools::analyst {

// Defined in semantic_model.cpp.
void CheckModel(const SemanticModel& model, IssueLog& log);

namespace {

std::string Index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
}

// Snowflake type names (case-insensitive, arguments stripped) that data_type may hold.
constexpr std::array<std::string_view, 36> kDataTypes = {"NUMBER",        "DECIMAL",
                                                         "NUMERIC",       "INT",
                                                         "INTEGER",       "BIGINT",
                                                         "SMALLINT",      "TINYINT",
                                                         "BYTEINT",       "FLOAT",
                                                         "FLOAT4",        "FLOAT8",
                                                         "DOUBLE",        "DOUBLE PRECISION",
                                                         "REAL",          "VARCHAR",
                                                         "CHAR",          "CHARACTER",
                                                         "STRING",        "TEXT",
                                                         "BINARY",        "VARBINARY",
                                                         "BOOLEAN",       "DATE",
                                                         "DATETIME",      "TIME",
                                                         "TIMESTAMP",     "TIMESTAMP_LTZ",
                                                         "TIMESTAMP_NTZ", "TIMESTAMP_TZ",
                                                         "VARIANT",       "OBJECT",
                                                         "ARRAY",         "GEOGRAPHY",
                                                         "GEOMETRY",      "BOOL"};

bool IsTemporal(std::string_view base) {
    return base == "DATE" || base == "DATETIME" || base == "TIME" ||
           base.substr(0, 9) == "TIMESTAMP";
}

void CheckDataType(IssueLog& log, const YAML::Node& at, const std::string& path, Field* f) {
    if (f->data_type.empty()) return;
    std::string base = ToUpperAscii(f->data_type.substr(0, f->data_type.find('(')));
    while (!base.empty() && base.back() == ' ') base.pop_back();
    if (std::find(kDataTypes.begin(), kDataTypes.end(), base) == kDataTypes.end()) {
        log.Warn(MarkOf(at), path + ".data_type", "unknown data type '" + f->data_type + "'");
    } else if (f->kind == FieldKind::kTimeDimension && !IsTemporal(base)) {
        log.Warn(MarkOf(at), path + ".data_type",
                 "time dimension '" + f->name + "' has non-temporal type " + f->data_type);
    }
}

void ReadSearchService(IssueLog& log, const MapView& m, Field* f) {
    if (auto node = m.Get("cortex_search_service")) {
        MapView s(log, *node, m.KeyPath("cortex_search_service"),
                  {"service", "literal_column", "database", "schema"});
        if (!s.ok()) return;
        f->cortex_search_service = SearchServiceRef{s.Str("service", true), s.Str("literal_column"),
                                                    s.Str("database"), s.Str("schema")};
    } else if (std::string name = m.Str("cortex_search_service_name"); !name.empty()) {
        log.Warn(m.mark(), m.KeyPath("cortex_search_service_name"),
                 "deprecated; use cortex_search_service");
        f->cortex_search_service = SearchServiceRef{name, "", "", ""};
    }
}

// Reads one dimension / time dimension / fact / metric / filter.
Field ReadField(IssueLog& log, const YAML::Node& node, const std::string& path, FieldKind kind) {
    Field f;
    f.kind = kind;
    f.path = path;
    f.mark = MarkOf(node);
    static const std::vector<std::string_view> kDimensionKeys = {"name",
                                                                 "expr",
                                                                 "data_type",
                                                                 "synonyms",
                                                                 "description",
                                                                 "unique",
                                                                 "sample_values",
                                                                 "is_enum",
                                                                 "cortex_search_service",
                                                                 "cortex_search_service_name"};
    static const std::vector<std::string_view> kTimeKeys = {
        "name", "expr", "data_type", "synonyms", "description", "unique", "sample_values"};
    static const std::vector<std::string_view> kFactKeys = {
        "name",   "expr",          "data_type",           "synonyms",       "description",
        "unique", "sample_values", "default_aggregation", "access_modifier"};
    static const std::vector<std::string_view> kMetricKeys = {
        "name", "expr", "data_type", "synonyms", "description", "access_modifier"};
    static const std::vector<std::string_view> kFilterKeys = {"name", "expr", "synonyms",
                                                              "description"};
    const std::vector<std::string_view>& keys = kind == FieldKind::kDimension       ? kDimensionKeys
                                                : kind == FieldKind::kTimeDimension ? kTimeKeys
                                                : kind == FieldKind::kFact          ? kFactKeys
                                                : kind == FieldKind::kMetric        ? kMetricKeys
                                                                                    : kFilterKeys;
    MapView m(log, node, path, keys);
    if (!m.ok()) return f;
    f.name = m.Str("name", true);
    f.expr = m.Str("expr", true);
    bool typed = kind == FieldKind::kDimension || kind == FieldKind::kTimeDimension ||
                 kind == FieldKind::kFact;
    f.data_type = m.Str("data_type", typed);
    f.description = m.Str("description");
    f.synonyms = m.Strs("synonyms");
    f.sample_values = m.Strs("sample_values");
    f.unique = m.Bool("unique");
    f.is_enum = m.Bool("is_enum");
    f.default_aggregation = ToLowerAscii(m.Str("default_aggregation"));
    f.access_modifier = ToLowerAscii(m.Str("access_modifier"));
    static constexpr std::array<std::string_view, 8> kAggregations = {
        "sum", "avg", "median", "min", "max", "count", "count_distinct", "average"};
    if (!f.default_aggregation.empty() && std::find(kAggregations.begin(), kAggregations.end(),
                                                    f.default_aggregation) == kAggregations.end()) {
        log.Error(m.mark(), path + ".default_aggregation",
                  "must be one of sum, avg, median, min, max, count, count_distinct, got '" +
                      f.default_aggregation + "'");
    }
    if (!f.access_modifier.empty() && f.access_modifier != "public_access" &&
        f.access_modifier != "private_access") {
        log.Error(m.mark(), path + ".access_modifier",
                  "must be public_access or private_access, got '" + f.access_modifier + "'");
    }
    if (kind == FieldKind::kDimension) ReadSearchService(log, m, &f);
    CheckDataType(log, node, path, &f);
    return f;
}

// The legacy `columns` list: each entry names its kind.
void ReadLegacyColumns(IssueLog& log, const MapView& t, LogicalTable* table) {
    std::vector<YAML::Node> items = t.Seq("columns");
    for (size_t i = 0; i < items.size(); ++i) {
        const YAML::Node& item = items[i];
        std::string path = Index(t.KeyPath("columns"), i);
        std::string kind;
        if (item.IsMap() && item["kind"] && item["kind"].IsScalar())
            kind = ToLowerAscii(item["kind"].Scalar());
        size_t warnings_before = log.warnings.size();
        if (kind == "dimension") {
            table->dimensions.push_back(ReadField(log, item, path, FieldKind::kDimension));
        } else if (kind == "time_dimension") {
            table->time_dimensions.push_back(ReadField(log, item, path, FieldKind::kTimeDimension));
        } else if (kind == "measure" || kind == "fact") {
            table->facts.push_back(ReadField(log, item, path, FieldKind::kFact));
        } else if (kind == "metric") {
            table->metrics.push_back(ReadField(log, item, path, FieldKind::kMetric));
        } else {
            log.Error(MarkOf(item), path + ".kind",
                      "must be dimension, time_dimension, measure or metric, got '" + kind + "'");
            continue;
        }
        // `kind` is expected here, not an unknown key.
        auto& w = log.warnings;
        w.erase(std::remove_if(w.begin() + static_cast<std::ptrdiff_t>(warnings_before), w.end(),
                               [&](const ModelIssue& x) { return x.path == path + ".kind"; }),
                w.end());
    }
    if (!items.empty())
        log.Warn(t.mark(), t.KeyPath("columns"),
                 "legacy form; prefer dimensions, time_dimensions, facts");
}

void ReadFields(IssueLog& log, const MapView& t, std::string_view key, FieldKind kind,
                std::vector<Field>* out) {
    std::vector<YAML::Node> items = t.Seq(key);
    for (size_t i = 0; i < items.size(); ++i) {
        out->push_back(ReadField(log, items[i], Index(t.KeyPath(key), i), kind));
    }
}

LogicalTable ReadTable(IssueLog& log, const YAML::Node& node, const std::string& path) {
    LogicalTable table;
    table.path = path;
    table.mark = MarkOf(node);
    MapView t(log, node, path,
              {"name", "description", "synonyms", "base_table", "primary_key", "dimensions",
               "time_dimensions", "facts", "measures", "metrics", "filters", "columns"});
    if (!t.ok()) return table;
    table.name = t.Str("name", true);
    table.description = t.Str("description");
    table.synonyms = t.Strs("synonyms");
    if (auto bt = t.Get("base_table")) {
        MapView b(log, *bt, t.KeyPath("base_table"), {"database", "schema", "table"});
        table.base_table_mark = b.mark();
        if (b.ok())
            table.base_table = {b.Str("database", true), b.Str("schema", true),
                                b.Str("table", true)};
    } else {
        log.Error(t.mark(), t.KeyPath("base_table"), "is required");
    }
    if (auto pk = t.Get("primary_key")) {
        MapView p(log, *pk, t.KeyPath("primary_key"), {"columns"});
        if (p.ok()) {
            table.primary_key = p.Strs("columns");
            if (table.primary_key.empty())
                log.Error(p.mark(), p.KeyPath("columns"), "must list at least one column");
        }
    }
    ReadFields(log, t, "dimensions", FieldKind::kDimension, &table.dimensions);
    ReadFields(log, t, "time_dimensions", FieldKind::kTimeDimension, &table.time_dimensions);
    ReadFields(log, t, "facts", FieldKind::kFact, &table.facts);
    ReadFields(log, t, "measures", FieldKind::kFact, &table.facts);
    ReadFields(log, t, "metrics", FieldKind::kMetric, &table.metrics);
    ReadFields(log, t, "filters", FieldKind::kFilter, &table.filters);
    ReadLegacyColumns(log, t, &table);
    return table;
}

JoinType ParseJoinType(IssueLog& log, const MapView& r, const std::string& text) {
    if (text.empty() || text == "left_outer") return JoinType::kLeftOuter;
    if (text == "inner") return JoinType::kInner;
    const std::string path = r.KeyPath("join_type");
    if (text == "full_outer" || text == "cross" || text == "right_outer") {
        log.Warn(r.mark(), path, "join type '" + text + "' is deprecated; use left_outer or inner");
        return text == "full_outer" ? JoinType::kFullOuter
               : text == "cross"    ? JoinType::kCross
                                    : JoinType::kRightOuter;
    }
    log.Error(r.mark(), path, "must be left_outer or inner, got '" + text + "'");
    return JoinType::kLeftOuter;
}

RelationshipType ParseRelationshipType(IssueLog& log, const MapView& r, const std::string& text) {
    if (text.empty() || text == "many_to_one") return RelationshipType::kManyToOne;
    if (text == "one_to_one") return RelationshipType::kOneToOne;
    const std::string path = r.KeyPath("relationship_type");
    if (text == "one_to_many" || text == "many_to_many") {
        log.Warn(r.mark(), path, "relationship type '" + text + "' is deprecated");
        return text == "one_to_many" ? RelationshipType::kOneToMany : RelationshipType::kManyToMany;
    }
    log.Error(r.mark(), path, "must be many_to_one or one_to_one, got '" + text + "'");
    return RelationshipType::kManyToOne;
}

Relationship ReadRelationship(IssueLog& log, const YAML::Node& node, const std::string& path) {
    Relationship rel;
    rel.path = path;
    rel.mark = MarkOf(node);
    MapView r(log, node, path,
              {"name", "left_table", "right_table", "relationship_columns", "join_type",
               "relationship_type"});
    if (!r.ok()) return rel;
    rel.name = r.Str("name", true);
    rel.left_table = r.Str("left_table", true);
    rel.right_table = r.Str("right_table", true);
    std::vector<YAML::Node> cols = r.Seq("relationship_columns");
    if (cols.empty() && !r.Get("relationship_columns"))
        log.Error(r.mark(), r.KeyPath("relationship_columns"), "is required");
    for (size_t i = 0; i < cols.size(); ++i) {
        MapView c(log, cols[i], Index(r.KeyPath("relationship_columns"), i),
                  {"left_column", "right_column"});
        if (c.ok())
            rel.columns.push_back({c.Str("left_column", true), c.Str("right_column", true)});
    }
    rel.join_type = ParseJoinType(log, r, ToLowerAscii(r.Str("join_type")));
    rel.relationship_type = ParseRelationshipType(log, r, ToLowerAscii(r.Str("relationship_type")));
    return rel;
}

VerifiedQuery ReadVerifiedQuery(IssueLog& log, const YAML::Node& node, const std::string& path) {
    VerifiedQuery vq;
    vq.path = path;
    vq.mark = MarkOf(node);
    MapView v(log, node, path,
              {"name", "question", "sql", "verified_at", "verified_by",
               "use_as_onboarding_question", "semantic_model_name"});
    if (!v.ok()) return vq;
    vq.name = v.Str("name", true);
    vq.question = v.Str("question", true);
    vq.sql = v.Str("sql", true);
    vq.verified_at = v.Int("verified_at");
    vq.verified_by = v.Str("verified_by");
    vq.use_as_onboarding_question = v.Bool("use_as_onboarding_question");
    vq.semantic_model_name = v.Str("semantic_model_name");
    return vq;
}

void ReadModel(IssueLog& log, const YAML::Node& root, SemanticModel* model) {
    MapView m(log, root, "",
              {"name", "description", "tables", "relationships", "verified_queries",
               "custom_instructions", "module_custom_instructions", "synonyms", "metrics"});
    if (!m.ok()) return;
    model->name = m.Str("name", true);
    model->description = m.Str("description");
    model->synonyms = m.Strs("synonyms");
    model->custom_instructions = m.Str("custom_instructions");
    if (auto mci = m.Get("module_custom_instructions")) {
        MapView c(log, *mci, "module_custom_instructions",
                  {"sql_generation", "question_categorization"});
        model->sql_generation_instructions = c.Str("sql_generation");
        model->question_categorization_instructions = c.Str("question_categorization");
    }
    std::vector<YAML::Node> tables = m.Seq("tables");
    if (tables.empty())
        log.Error(m.mark(), "tables", "is required and must list at least one table");
    for (size_t i = 0; i < tables.size(); ++i)
        model->tables.push_back(ReadTable(log, tables[i], Index("tables", i)));
    std::vector<YAML::Node> rels = m.Seq("relationships");
    for (size_t i = 0; i < rels.size(); ++i) {
        model->relationships.push_back(ReadRelationship(log, rels[i], Index("relationships", i)));
    }
    std::vector<YAML::Node> vqs = m.Seq("verified_queries");
    for (size_t i = 0; i < vqs.size(); ++i) {
        model->verified_queries.push_back(
            ReadVerifiedQuery(log, vqs[i], Index("verified_queries", i)));
    }
    std::vector<YAML::Node> metrics = m.Seq("metrics");
    for (size_t i = 0; i < metrics.size(); ++i) {
        model->metrics.push_back(
            ReadField(log, metrics[i], Index("metrics", i), FieldKind::kMetric));
    }
}

}  // namespace

ParsedModel ParseSemanticModel(std::string_view yaml, std::vector<ModelIssue>* errors) {
    ParsedModel out;
    IssueLog log;
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::ParserException& e) {
        SourceMark mark;
        if (!e.mark.is_null()) mark = {e.mark.line + 1, e.mark.column + 1};
        log.Error(mark, "", "YAML syntax error: " + e.msg);
    } catch (const YAML::Exception& e) {
        log.Error({}, "", "YAML syntax error: " + e.msg);
    }
    if (log.errors.empty()) {
        if (!root.IsDefined() || root.IsNull()) {
            log.Error({1, 1}, "", "the document is empty");
        } else {
            ReadModel(log, root, &out.model);
            CheckModel(out.model, log);
        }
    }
    *errors = std::move(log.errors);
    out.warnings = std::move(log.warnings);
    return out;
}

Result<ParsedModel> ParseSemanticModel(std::string_view yaml) {
    std::vector<ModelIssue> errors;
    ParsedModel parsed = ParseSemanticModel(yaml, &errors);
    if (!errors.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         FormatIssues("Invalid semantic model", errors));
    }
    return parsed;
}

}  // namespace oc::tools::analyst
