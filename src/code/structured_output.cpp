// Session helpers for `--json-schema` (the StructuredOutput tool and the final-answer check),
// tool definitions per model call, agent definitions and the running cost total.
#include <algorithm>

#include "code/json_schema.h"
#include "code/session.h"

namespace oc::code {
namespace {

constexpr const char* kStructuredOutputDescription =
    "StructuredOutput: return your final answer as JSON matching the required schema. Call this "
    "exactly once, when you are done; its input is the answer.";

std::string Join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& i : items) out += "\n- " + i;
    return out;
}

// The text without a surrounding ```json fence.
std::string Unfenced(std::string text) {
    const size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "";
    text = text.substr(first);
    if (text.rfind("```", 0) != 0) return text;
    const size_t newline = text.find('\n');
    const size_t close = text.rfind("```");
    if (newline == std::string::npos || close <= newline) return text;
    return text.substr(newline + 1, close - newline - 1);
}

}  // namespace

void Session::SetJsonSchema(Json schema) {
    std::lock_guard<std::mutex> lock(mu_);
    config_.json_schema = std::move(schema);
}

Json Session::JsonSchema() const {
    std::lock_guard<std::mutex> lock(mu_);
    return config_.json_schema;
}

void Session::SetAgentDefinitions(const Json& agents) {
    if (!agents.is_object()) return;
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = agents.begin(); it != agents.end(); ++it) agent_defs_[it.key()] = it.value();
    for (auto it = agent_defs_.begin(); it != agent_defs_.end(); ++it)  // --agents and initialize
        if (std::find(agents_.begin(), agents_.end(), it.key()) == agents_.end()) agents_.push_back(it.key());
}

std::vector<llm::ToolDef> Session::ToolDefs() const {
    std::vector<llm::ToolDef> defs;
    Json types = Json::array({"general-purpose"});
    {
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& name : agents_)
            if (name != "general-purpose") types.push_back(name);
    }
    ForEachTool([&defs, &types](const BuiltinTool& t) {
        llm::ToolDef def{t.name, t.description, t.input_schema};
        if (t.name == "Task" && def.input_schema.contains("properties"))
            def.input_schema["properties"]["subagent_type"]["enum"] = types;
        defs.push_back(std::move(def));
    });
    const Json schema = JsonSchema();
    if (!schema.is_null()) defs.push_back({"StructuredOutput", kStructuredOutputDescription, schema});
    return defs;
}

ToolOutput Session::RunStructuredOutput(const Json& input, TurnSummary* summary, ToolRun* run) const {
    const std::vector<std::string> errors = ValidateJsonSchema(JsonSchema(), input);
    if (!errors.empty()) {
        run->structured_failed = true;
        return ToolError("The output does not match the required JSON schema:" + Join(errors) +
                         "\nCall StructuredOutput again with corrected JSON.");
    }
    run->structured_ok = true;
    summary->structured_output = input;
    ToolOutput out;
    out.text = "Structured output provided successfully";
    out.structured = input;
    return out;
}

std::string Session::CheckFinalAnswer(const std::string& text, TurnSummary* summary) const {
    const Json schema = JsonSchema();
    const Json parsed = Json::parse(Unfenced(text), nullptr, false);
    std::string problem;
    if (parsed.is_discarded()) {
        problem = "the answer is not JSON";
    } else {
        const std::vector<std::string> errors = ValidateJsonSchema(schema, parsed);
        if (errors.empty()) {
            summary->structured_output = parsed;
            return "";
        }
        problem = "the JSON does not match the schema:" + Join(errors);
    }
    return "You must give the final answer by calling the StructuredOutput tool with JSON that "
           "matches the required schema (" + problem + ").";
}

double Session::AddCost(const std::string& model_name, const std::string& answer_model,
                        const llm::Usage& usage) {
    total_cost_usd_ += config_.prices.Cost({model_name, answer_model}, usage);
    return total_cost_usd_;
}

}  // namespace oc::code
