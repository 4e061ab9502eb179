#include "tools/search/service_spec.h"

#include <algorithm>

#include "common/identifier.h"

namespace oc::tools::search {
namespace {

Error BadField(const std::string& field, const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, "Invalid field '" + field + "': " + why);
}

Result<std::string> RequiredString(const Json& body, const std::string& field) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) {
        return MakeError(ErrorCode::kInvalidArgument, "Missing required field '" + field + "'.");
    }
    if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
        return BadField(field, "expected a non-empty string.");
    }
    return it->get<std::string>();
}

Result<std::string> OptionalString(const Json& body, const std::string& field) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::string();
    if (!it->is_string()) return BadField(field, "expected a string.");
    return it->get<std::string>();
}

Result<std::vector<std::string>> OptionalStrings(const Json& body, const std::string& field) {
    std::vector<std::string> out;
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return out;
    if (!it->is_array()) return BadField(field, "expected an array of column names.");
    for (const Json& v : *it) {
        if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
            return BadField(field, "expected an array of column names.");
        }
        out.push_back(v.get<std::string>());
    }
    return out;
}

Result<TargetLag> ParseTargetLag(const Json& body) {
    auto it = body.find("target_lag");
    if (it == body.end() || it->is_null()) {
        return MakeError(ErrorCode::kInvalidArgument, "Missing required field 'target_lag'.");
    }
    if (!it->is_object()) return BadField("target_lag", "expected an object {\"type\", \"seconds\"}.");
    std::string type = it->contains("type") && (*it)["type"].is_string() ? (*it)["type"].get<std::string>()
                                                                           : "USER_DEFINED";
    TargetLag lag;
    if (type == "DOWNSTREAM") {
        lag.downstream = true;
        return lag;
    }
    if (type != "USER_DEFINED") return BadField("target_lag", "type must be USER_DEFINED or DOWNSTREAM, got '" + type + "'.");
    auto seconds = it->find("seconds");
    if (seconds == it->end() || !seconds->is_number_integer() || seconds->get<int64_t>() < 1) {
        return BadField("target_lag", "USER_DEFINED needs an integer 'seconds' of at least 1.");
    }
    lag.seconds = seconds->get<int64_t>();
    return lag;
}

Result<std::string> Resolve(const std::vector<ColumnInfo>& columns, const std::string& field,
                            const std::string& reference) {
    auto name = ResolveColumn(reference, columns);
    if (name) return *name;
    std::string known;
    for (const ColumnInfo& c : columns) known += (known.empty() ? "" : ", ") + c.name;
    return BadField(field, "column '" + reference + "' is not produced by the definition (its columns: " +
                               known + ").");
}

Status ResolveAll(const std::vector<ColumnInfo>& columns, const std::string& field,
                  std::vector<std::string>* names) {
    std::vector<std::string> out;
    for (const std::string& ref : *names) {
        OC_ASSIGN_OR_RETURN(std::string name, Resolve(columns, field, ref));
        if (std::find(out.begin(), out.end(), name) == out.end()) out.push_back(std::move(name));
    }
    *names = std::move(out);
    return {};
}

Json Strings(const std::vector<std::string>& v) {
    Json a = Json::array();
    for (const auto& s : v) a.push_back(s);
    return a;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

Result<SearchServiceSpec> ParseCreateBody(const Json& body) {
    SearchServiceSpec spec;
    OC_ASSIGN_OR_RETURN(std::string raw_name, RequiredString(body, "name"));
    auto name = ParseIdentifier(raw_name);
    if (!name) return BadField("name", name.error().message);
    spec.name = *name;
    OC_ASSIGN_OR_RETURN(spec.search_column, RequiredString(body, "search_column"));
    OC_ASSIGN_OR_RETURN(spec.target_lag, ParseTargetLag(body));
    OC_ASSIGN_OR_RETURN(spec.warehouse, RequiredString(body, "warehouse"));
    OC_ASSIGN_OR_RETURN(spec.definition, RequiredString(body, "definition"));
    OC_ASSIGN_OR_RETURN(spec.columns, OptionalStrings(body, "columns"));
    OC_ASSIGN_OR_RETURN(spec.attribute_columns, OptionalStrings(body, "attribute_columns"));
    OC_ASSIGN_OR_RETURN(spec.primary_key, OptionalStrings(body, "primary_key"));
    OC_ASSIGN_OR_RETURN(spec.comment, OptionalString(body, "comment"));
    OC_ASSIGN_OR_RETURN(spec.embedding_model, OptionalString(body, "embedding_model"));
    return spec;
}

Status ResolveSpecColumns(const std::vector<ColumnInfo>& columns, SearchServiceSpec* spec) {
    OC_ASSIGN_OR_RETURN(spec->search_column, Resolve(columns, "search_column", spec->search_column));
    const ColumnInfo* search = FindColumn(columns, spec->search_column);
    if (search->kind != ColumnKind::kText) {
        return BadField("search_column", "column '" + search->name + "' is " + ColumnKindName(search->kind) +
                                             "; the search column must be TEXT.");
    }
    OC_TRY(ResolveAll(columns, "columns", &spec->columns));
    OC_TRY(ResolveAll(columns, "attribute_columns", &spec->attribute_columns));
    OC_TRY(ResolveAll(columns, "primary_key", &spec->primary_key));
    return {};
}

std::vector<ColumnInfo> StoredColumns(const std::vector<ColumnInfo>& source, const SearchServiceSpec& spec) {
    std::vector<ColumnInfo> out;
    for (const ColumnInfo& c : source) {
        bool keep = spec.columns.empty() || Contains(spec.columns, c.name) || c.name == spec.search_column ||
                    Contains(spec.attribute_columns, c.name) || Contains(spec.primary_key, c.name);
        if (keep) out.push_back(c);
    }
    return out;
}

Json TargetLagJson(const TargetLag& lag) {
    Json j = Json::object();
    j["type"] = lag.downstream ? "DOWNSTREAM" : "USER_DEFINED";
    if (!lag.downstream) j["seconds"] = lag.seconds;
    return j;
}

Json SpecToStoredJson(const SearchServiceSpec& s) {
    Json j = Json::object();
    j["database_name"] = s.database_name;
    j["schema_name"] = s.schema_name;
    j["name"] = s.name;
    j["search_column"] = s.search_column;
    j["columns"] = Strings(s.columns);
    j["attribute_columns"] = Strings(s.attribute_columns);
    j["primary_key"] = Strings(s.primary_key);
    j["target_lag"] = TargetLagJson(s.target_lag);
    j["warehouse"] = s.warehouse;
    j["embedding_model"] = s.embedding_model;
    j["definition"] = s.definition;
    j["comment"] = s.comment;
    j["owner"] = s.owner;
    j["created_on"] = s.created_on_ms;
    j["indexing_suspended"] = s.indexing_suspended;
    j["serving_suspended"] = s.serving_suspended;
    return j;
}

Result<SearchServiceSpec> SpecFromStoredJson(const Json& j) {
    if (!j.is_object()) return MakeError(ErrorCode::kInternal, "search service metadata is not an object");
    SearchServiceSpec s;
    s.database_name = j.value("database_name", "");
    s.schema_name = j.value("schema_name", "");
    s.name = j.value("name", "");
    s.search_column = j.value("search_column", "");
    OC_ASSIGN_OR_RETURN(s.columns, OptionalStrings(j, "columns"));
    OC_ASSIGN_OR_RETURN(s.attribute_columns, OptionalStrings(j, "attribute_columns"));
    OC_ASSIGN_OR_RETURN(s.primary_key, OptionalStrings(j, "primary_key"));
    OC_ASSIGN_OR_RETURN(s.target_lag, ParseTargetLag(j));
    s.warehouse = j.value("warehouse", "");
    s.embedding_model = j.value("embedding_model", "");
    s.definition = j.value("definition", "");
    s.comment = j.value("comment", "");
    s.owner = j.value("owner", "");
    s.created_on_ms = j.value("created_on", int64_t{0});
    s.indexing_suspended = j.value("indexing_suspended", false);
    s.serving_suspended = j.value("serving_suspended", false);
    return s;
}

}  // namespace oc::tools::search
