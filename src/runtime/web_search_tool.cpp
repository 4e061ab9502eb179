#include "runtime/web_search_tool.h"

#include <cstdlib>

#include "common/ids.h"

namespace oc::runtime {
namespace {

class WebSearchTool : public Tool {
public:
    WebSearchTool(ToolSpec spec, int max_results, tools::web::WebSearchConfig config)
        : Tool(std::move(spec)), max_results_(max_results), config_(std::move(config)) {}

    ToolOutput Execute(const Json& input, ToolContext& ctx) override {
        if (!config_.configured()) {
            return ToolOutput::Error(
                "Web search is not configured on this server: set [web_search] provider in cortex.toml.");
        }
        std::string query;
        if (input.is_object() && input.contains("query") && input["query"].is_string()) {
            query = input["query"].get<std::string>();
        }
        if (query.empty()) return ToolOutput::Error("the input needs a 'query' string");
        ctx.report_status("Searching the web", "Querying " + config_.provider, Json::object());
        const llm::CancelToken& cancel = ctx.cancel;
        auto found = tools::web::Search(config_, query, max_results_, [&cancel] { return cancel.cancelled(); });
        if (!found) return ToolOutput::Error("Web search failed: " + found.error().message);
        Json results = Json::array();
        std::vector<Json> citations;
        int index = ctx.first_citation_index;
        for (const auto& r : *found) {
            Json row = Json::object();
            row["index"] = index;  // the model cites this result as [^index]
            row["search_result_id"] = "ws_" + NewUuid();
            row["title"] = r.title;
            row["url"] = r.url;
            row["snippet"] = r.snippet;
            Json citation = Json::object();
            citation["type"] = "url_citation";
            citation["index"] = index++;
            citation["search_result_id"] = row["search_result_id"];
            citation["url"] = r.url;
            citation["title"] = r.title;
            citation["text"] = r.snippet;
            citations.push_back(std::move(citation));
            results.push_back(std::move(row));
        }
        ToolOutput out = ToolOutput::JsonResult(Json::object({{"search_results", std::move(results)}}));
        out.citations = std::move(citations);
        return out;
    }

private:
    int max_results_;
    tools::web::WebSearchConfig config_;
};

}  // namespace

Result<std::unique_ptr<Tool>> MakeWebSearchTool(const ToolSpec& spec, const Json& resource,
                                                const tools::web::WebSearchConfig& config) {
    int max_results = config.max_results;
    Json limit = resource.is_object() ? ResourceValue(resource, "max_results") : Json();
    if (limit.is_string()) limit = std::atoi(limit.get<std::string>().c_str());
    if (!limit.is_null()) {
        if (!limit.is_number_integer() || limit.get<int64_t>() < 1 || limit.get<int64_t>() > tools::web::kMaxWebResults) {
            return MakeError(ErrorCode::kInvalidArgument, "tool '" + spec.name + "': max_results must be an integer in 1.." +
                                                              std::to_string(tools::web::kMaxWebResults));
        }
        max_results = static_cast<int>(limit.get<int64_t>());
    }
    ToolSpec with_schema = spec;
    if (!with_schema.input_schema.contains("properties") || with_schema.input_schema["properties"].empty()) {
        with_schema.input_schema = Json::parse(R"({"type": "object", "properties": {"query": {"type": "string",
            "description": "What to search the web for"}}, "required": ["query"]})");
    }
    if (with_schema.description.empty()) with_schema.description = "Searches the web";
    with_schema.description += ". Cite results as [^index].";
    return std::unique_ptr<Tool>(new WebSearchTool(std::move(with_schema), max_results, config));
}

}  // namespace oc::runtime
