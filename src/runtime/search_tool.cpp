// cortex_search at run time: the model's query goes to the named Cortex Search service with the
// resource's max_results and filter; results carry search_result_id, doc_id and doc_title.
#include <cctype>

#include "common/identifier.h"
#include "common/ids.h"
#include "runtime/data_tools.h"
#include "tools/search/search_registry.h"
#include "tools/search/search_service.h"

namespace oc::runtime {
namespace {

class SearchTool : public Tool {
public:
    SearchTool(ToolSpec spec, Json resource, tools::search::SearchRegistry* registry,
               std::vector<std::string> service)
        : Tool(std::move(spec)), resource_(std::move(resource)), registry_(registry),
          service_(std::move(service)) {}

    ToolOutput Execute(const Json& input, ToolContext& ctx) override {
        std::string query;
        if (input.is_object() && input.contains("query") && input["query"].is_string()) {
            query = input["query"].get<std::string>();
        }
        if (query.empty()) return ToolOutput::Error("the input needs a 'query' string");
        auto service = registry_->Find(service_[0], service_[1], service_[2]);
        if (!service) {
            return ToolOutput::Error("Cortex Search service '" + service_[0] + "." + service_[1] + "." +
                                     service_[2] + "' does not exist or not authorized.");
        }
        ctx.report_status("Searching", "Querying " + service_[2], Json::object());
        Json request = Json::object();
        request["query"] = query;
        Json limit = ResourceValue(resource_, "max_results");
        if (limit.is_string()) limit = std::atoi(limit.get<std::string>().c_str());
        request["limit"] = limit.is_number_integer() && limit.get<int>() > 0 ? limit.get<int>() : 5;
        // Every returnable column, so id/title columns are there to cite.
        Json columns = Json::array();
        for (const auto& c : service->spec().columns) columns.push_back(c);
        if (!columns.empty()) request["columns"] = columns;
        Json filter = ResourceValue(resource_, "filter");
        if (filter.is_object()) request["filter"] = filter;
        auto found = service->Query(request);
        if (!found) return ToolOutput::Error(found.error().message);
        std::string id_column = ColumnName("id_column");
        std::string title_column = ColumnName("title_column");
        std::string search_column = service->spec().search_column;
        Json results = Json::array();
        std::vector<Json> citations;
        int index = ctx.first_citation_index;
        for (Json row : (*found)["results"]) {
            row["search_result_id"] = "cs_" + NewUuid();
            if (const Json* id = Column(row, id_column)) row["doc_id"] = *id;
            if (const Json* title = Column(row, title_column)) row["doc_title"] = *title;
            if (const Json* text = Column(row, search_column)) row["text"] = *text;
            row["index"] = index;  // the model cites this result as [^index]
            citations.push_back(Citation(row, index++));
            results.push_back(std::move(row));
        }
        ToolOutput out = ToolOutput::JsonResult(Json::object({{"search_results", results}}));
        out.citations = std::move(citations);
        return out;
    }

private:
    // The cortex_search_citation annotation of one result (reference agents-api.md §3.4).
    static Json Citation(const Json& row, int index) {
        Json a = Json::object();
        a["type"] = "cortex_search_citation";
        a["index"] = index;
        a["search_result_id"] = row["search_result_id"];
        a["doc_id"] = row.value("doc_id", Json(""));
        a["doc_title"] = row.value("doc_title", Json(""));
        a["text"] = row.value("text", Json(""));
        return a;
    }

    // A result column by name, case-insensitively (resource keys are often upper-cased).
    static const Json* Column(const Json& row, const std::string& name) {
        if (name.empty()) return nullptr;
        if (row.contains(name)) return &row[name];
        for (auto it = row.begin(); it != row.end(); ++it) {
            if (EqualsIgnoreCase(it.key(), name)) return &it.value();
        }
        return nullptr;
    }

    static bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
        if (a.size() != b.size()) return false;
        for (size_t i = 0; i < a.size(); ++i) {
            if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) {
                return false;
            }
        }
        return true;
    }

    std::string ColumnName(const std::string& key) const {
        Json v = ResourceValue(resource_, key);
        return v.is_string() ? v.get<std::string>() : "";
    }

    Json resource_;
    tools::search::SearchRegistry* registry_;
    std::vector<std::string> service_;  // db, schema, name
};

}  // namespace

Result<std::unique_ptr<Tool>> MakeSearchTool(const ToolSpec& spec, const Json& resource,
                                             tools::search::SearchRegistry* registry) {
    Json name = ResourceValue(resource, "search_service");
    if (!name.is_string()) name = ResourceValue(resource, "name");
    if (!name.is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, "tool '" + spec.name + "' needs tool_resources.search_service");
    }
    OC_ASSIGN_OR_RETURN(auto parts, ParseQualifiedName(name.get<std::string>()));
    if (parts.size() != 3) {
        return MakeError(ErrorCode::kInvalidArgument, "search_service must be DB.SCHEMA.SERVICE");
    }
    if (registry == nullptr) return MakeError(ErrorCode::kUnavailable, "Cortex Search is not available");
    ToolSpec with_schema = spec;
    if (!with_schema.input_schema.contains("properties") || with_schema.input_schema["properties"].empty()) {
        with_schema.input_schema = Json::parse(R"({"type": "object", "properties": {"query": {"type": "string",
            "description": "What to search for"}}, "required": ["query"]})");
    }
    if (with_schema.description.empty()) with_schema.description = "Searches documents";
    with_schema.description += ". Cite results as [^index].";
    return std::unique_ptr<Tool>(new SearchTool(std::move(with_schema), resource, registry, std::move(parts)));
}

}  // namespace oc::runtime
