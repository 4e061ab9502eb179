// cortex_analyst_text_to_sql at run time: the question goes through the Analyst engine over the
// tool's semantic model; the SQL runs on the data instance and comes back as a ResultSet.
#include <thread>

#include "common/identifier.h"
#include "common/ids.h"
#include "runtime/chart_spec.h"
#include "runtime/data_tools.h"
#include "store/duckdb/connection.h"
#include "store/repos/analyst_repo.h"
#include "store/result_set.h"
#include "store/stage_store.h"
#include "store/system_store.h"
#include "tools/analyst/analyst_engine.h"
#include "tools/analyst/model_validator.h"
#include "tools/analyst/semantic_model.h"

namespace oc::runtime {
namespace {

constexpr size_t kMaxResultBytes = 1 << 20;
constexpr size_t kMaxTableRows = 1000;

Json QuestionSchema() {
    return Json::parse(R"({"type": "object", "properties": {"query": {"type": "string",
        "description": "The question to answer with SQL over the semantic model"}}, "required": ["query"]})");
}

class AnalystTool : public Tool {
public:
    AnalystTool(ToolSpec spec, Json resource, ToolEnvironment env)
        : Tool(std::move(spec)), resource_(std::move(resource)), env_(std::move(env)) {}

    ToolOutput Execute(const Json& input, ToolContext& ctx) override {
        std::string question = QuestionOf(input);
        if (question.empty()) return ToolOutput::Error("the input needs a 'query' string");
        auto yaml = LoadYaml();
        if (!yaml) return ToolOutput::Error(yaml.error().message);
        auto conn = env_.store->ConnectData();
        if (!conn) return ToolOutput::Error(conn.error().message);
        auto parsed = tools::analyst::ParseSemanticModel(*yaml);
        if (!parsed) return ToolOutput::Error(parsed.error().message);
        std::vector<tools::analyst::ModelIssue> warnings;
        auto physical = tools::analyst::ValidateModel(parsed->model, **conn, &warnings);
        if (!physical) return ToolOutput::Error(physical.error().message);
        tools::analyst::AnalystRequest request{&parsed->model, &*physical, {{true, question, ""}}};
        ctx.report_status("Generating SQL", "Interpreting the question", Json::object());
        auto answer = tools::analyst::AnswerQuestion(request, {}, **conn, ctx.cancel);
        if (!answer) return ToolOutput::Error(answer.error().message);
        Json result = Json::object();
        result["text"] = answer->text;
        if (answer->sql.empty()) {
            if (!answer->suggestions.empty()) result["suggestions"] = answer->suggestions;
            return ToolOutput::JsonResult(result);  // Snowflake: still "success", only text
        }
        result["sql"] = answer->sql;
        ctx.report_status("Executing SQL", "Running the generated query", Json::object());
        std::string query_id = NewUuid();
        auto result_set = RunSql(**conn, answer->sql, query_id, ctx);
        if (!result_set) return ToolOutput::Error(result_set.error().message);
        result["query_id"] = query_id;
        result["result_set"] = *result_set;
        ToolOutput out = ToolOutput::JsonResult(result);
        Json table = Json::object();
        table["type"] = "table";
        table["query_id"] = query_id;
        table["result_set"] = *result_set;
        table["title"] = answer->text;
        out.extra_items.push_back(std::move(table));
        if (auto chart = BuildChartSpec(*result_set, answer->text)) {  // when the columns suit one
            out.extra_items.push_back(Json::object({{"type", "chart"}, {"chart_spec", DumpJson(*chart)}}));
        }
        return out;
    }

private:
    static std::string QuestionOf(const Json& input) {
        if (input.is_object() && input.contains("query") && input["query"].is_string()) {
            return input["query"].get<std::string>();
        }
        if (input.is_object()) {
            for (auto it = input.begin(); it != input.end(); ++it) {
                if (it.value().is_string()) return it.value().get<std::string>();
            }
        }
        return "";
    }

    Result<std::string> LoadYaml() const {
        Json file = ResourceValue(resource_, "semantic_model_file");
        if (file.is_string()) {
            OC_ASSIGN_OR_RETURN(auto ref, store::ParseStageFileRef(file.get<std::string>()));
            return store::StageStore(env_.store->data_dir()).ReadFile(ref);
        }
        Json view = ResourceValue(resource_, "semantic_view");
        if (view.is_string()) {
            OC_ASSIGN_OR_RETURN(auto parts, ParseQualifiedName(view.get<std::string>()));
            if (parts.size() != 3) {
                return MakeError(ErrorCode::kInvalidArgument, "semantic_view must be DB.SCHEMA.NAME");
            }
            store::AnalystRepo repo(*env_.store);
            OC_ASSIGN_OR_RETURN(auto record, repo.GetView(parts[0], parts[1], parts[2]));
            if (!record) {
                return MakeError(ErrorCode::kNotFound, "Semantic view '" + view.get<std::string>() +
                                                           "' does not exist or not authorized.");
            }
            return record->definition;
        }
        Json inline_model = ResourceValue(resource_, "inline_semantic_model");
        if (inline_model.is_string()) return inline_model.get<std::string>();
        return MakeError(ErrorCode::kInvalidArgument,
                         "the tool resource needs semantic_model_file, semantic_view or inline_semantic_model");
    }

    // Runs the statement with the resource's query_timeout; rows capped for the table item.
    Result<Json> RunSql(store::Connection& conn, const std::string& sql, const std::string& query_id,
                        ToolContext& ctx) const {
        int64_t timeout_ms = env_.default_query_timeout_ms;
        Json env = ResourceValue(resource_, "execution_environment");
        if (env.is_object()) {
            Json t = ResourceValue(env, "query_timeout");
            if (t.is_number_integer() && t.get<int64_t>() > 0) timeout_ms = t.get<int64_t>() * 1000;
        }
        std::atomic<bool> done{false};
        std::thread watchdog([&] {
            auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
            while (!done && std::chrono::steady_clock::now() < deadline && !ctx.cancel.cancelled()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (!done) conn.Interrupt();
        });
        auto rows = conn.Query(sql);
        done = true;
        watchdog.join();
        if (!rows) return rows.error();
        OC_ASSIGN_OR_RETURN(auto rendered, store::RenderRows(**rows, kMaxResultBytes));
        Json data = Json::array();
        for (size_t i = 0; i < rendered.rows.size() && i < kMaxTableRows; ++i) {
            Json row = Json::array();
            for (const auto& cell : rendered.rows[i]) row.push_back(cell ? Json(*cell) : Json());
            data.push_back(std::move(row));
        }
        Json meta = Json::object();
        meta["partition"] = 0;
        meta["numRows"] = rendered.rows.size();
        meta["format"] = "jsonv2";
        meta["rowType"] = rendered.row_type;
        Json rs = Json::object();
        rs["statementHandle"] = query_id;
        rs["resultSetMetaData"] = meta;
        rs["data"] = data;
        return rs;
    }

    Json resource_;
    ToolEnvironment env_;
};

}  // namespace

Result<std::unique_ptr<Tool>> MakeAnalystTool(const ToolSpec& spec, const Json& resource,
                                              const ToolEnvironment& env) {
    if (!resource.is_object()) {
        return MakeError(ErrorCode::kInvalidArgument, "tool '" + spec.name + "' has no tool_resources entry");
    }
    if (env.store == nullptr) return MakeError(ErrorCode::kUnavailable, "no data store");
    ToolSpec with_schema = spec;
    if (!with_schema.input_schema.contains("properties") || with_schema.input_schema["properties"].empty()) {
        with_schema.input_schema = QuestionSchema();
    }
    if (with_schema.description.empty()) with_schema.description = "Answers data questions with SQL";
    return std::unique_ptr<Tool>(new AnalystTool(std::move(with_schema), resource, env));
}

}  // namespace oc::runtime
