#include "api/agent_spec.h"

#include <set>

#include "common/identifier.h"

namespace oc::api {
namespace {

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, message); }

Status ValidateTools(const Json& tools) {
    if (!tools.is_array()) return Invalid("tools must be an array");
    std::set<std::string> names;
    for (size_t i = 0; i < tools.size(); ++i) {
        const Json& tool = tools[i];
        std::string where = "tools[" + std::to_string(i) + "]";
        if (!tool.is_object() || !tool.contains("tool_spec") || !tool["tool_spec"].is_object()) {
            return Invalid(where + ".tool_spec is required and must be an object");
        }
        const Json& spec = tool["tool_spec"];
        if (!spec.contains("type") || !spec["type"].is_string() || spec["type"].get<std::string>().empty()) {
            return Invalid(where + ".tool_spec.type is required and must be a string");
        }
        if (!spec.contains("name") || !spec["name"].is_string() || spec["name"].get<std::string>().empty()) {
            return Invalid(where + ".tool_spec.name is required and must be a string");
        }
        std::string name = spec["name"].get<std::string>();
        if (!names.insert(name).second) return Invalid("duplicate tool name '" + name + "'");
        if (spec.contains("input_schema") && !spec["input_schema"].is_object()) {
            return Invalid(where + ".tool_spec.input_schema must be an object");
        }
    }
    return {};
}

Status ValidateBudget(const Json& orchestration) {
    if (!orchestration.is_object()) return Invalid("orchestration must be an object");
    if (!orchestration.contains("budget")) return {};
    const Json& budget = orchestration["budget"];
    if (!budget.is_object()) return Invalid("orchestration.budget must be an object");
    for (const char* key : {"seconds", "tokens"}) {
        if (!budget.contains(key)) continue;
        const Json& v = budget[key];
        if (!v.is_number_integer() || v.get<int64_t>() <= 0) {
            return Invalid(std::string("orchestration.budget.") + key + " must be a positive integer, got " +
                           v.dump());
        }
    }
    return {};
}

}  // namespace

Result<AgentBody> SplitAgentBody(const Json& body, bool require_name) {
    AgentBody out;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const std::string& key = it.key();
        if (key == "name") {
            if (!require_name) continue;  // renaming is not supported: ignored on update
            if (!it.value().is_string()) return Invalid("name must be a string");
            OC_ASSIGN_OR_RETURN(out.name, ParseIdentifier(it.value().get<std::string>()));
        } else if (key == "comment") {
            if (!it.value().is_string() && !it.value().is_null()) return Invalid("comment must be a string");
            out.comment = it.value().is_null() ? "" : it.value().get<std::string>();
        } else if (key == "profile") {
            if (!it.value().is_object() && !it.value().is_null()) return Invalid("profile must be an object");
            out.profile = it.value().is_null() ? Json::object() : it.value();
        } else {
            out.spec[key] = it.value();
        }
    }
    if (require_name && out.name.empty()) return Invalid("name is required");
    return out;
}

Status ValidateAgentSpec(const Json& spec) {
    if (spec.contains("tools")) OC_TRY(ValidateTools(spec["tools"]));
    if (spec.contains("tool_resources") && !spec["tool_resources"].is_object()) {
        return Invalid("tool_resources must be an object");
    }
    if (spec.contains("orchestration")) OC_TRY(ValidateBudget(spec["orchestration"]));
    if (spec.contains("models")) {
        const Json& models = spec["models"];
        if (!models.is_object()) return Invalid("models must be an object");
        if (models.contains("orchestration") && !models["orchestration"].is_string()) {
            return Invalid("models.orchestration must be a string");
        }
    }
    if (spec.contains("instructions") && !spec["instructions"].is_object()) {
        return Invalid("instructions must be an object");
    }
    return {};
}

}  // namespace oc::api
