#include "runtime/tool.h"

#include "common/text.h"
#include "runtime/generic_tool.h"

namespace oc::runtime {

ToolOutput ToolOutput::Error(const std::string& message) {
    ToolOutput out;
    out.success = false;
    out.content.push_back(Json::object({{"type", "text"}, {"text", message}}));
    return out;
}

ToolOutput ToolOutput::JsonResult(Json value) {
    ToolOutput out;
    out.content.push_back(Json::object({{"type", "json"}, {"json", std::move(value)}}));
    return out;
}

std::string ToolOutput::ModelText() const {
    std::string out;
    for (const Json& item : content) {
        if (!out.empty()) out += "\n";
        if (item.value("type", "") == "text") {
            out += item.value("text", "");
        } else if (item.contains("json")) {
            out += DumpJson(item["json"]);
        } else {
            out += DumpJson(item);
        }
    }
    return out;
}

Tool* ToolSet::Find(const std::string& name) const {
    for (const auto& t : tools) {
        if (t->spec().name == name) return t.get();
    }
    return nullptr;
}

ToolCatalog ToolCatalog::WithBuiltins() {
    ToolCatalog catalog;
    catalog.Register("generic", MakeGenericTool);
    return catalog;
}

void ToolCatalog::Register(const std::string& type, ToolFactory factory) {
    factories_[type] = std::move(factory);
}

ToolSet ToolCatalog::Build(const Json& agent_spec, const ToolEnvironment& env) const {
    ToolSet set;
    auto tools = agent_spec.find("tools");
    if (tools == agent_spec.end() || !tools->is_array()) return set;
    for (const Json& entry : *tools) {
        auto spec = ParseToolSpec(entry);
        if (!spec) {
            set.warnings.push_back(spec.error().message);
            continue;
        }
        auto factory = factories_.find(spec->type);
        if (factory == factories_.end()) {
            set.warnings.push_back("Tool '" + spec->name + "' of type '" + spec->type +
                                   "' is not supported yet; it was not offered to the model.");
            continue;
        }
        auto tool = factory->second(*spec, FindToolResource(agent_spec, spec->name), env);
        if (!tool) {
            set.warnings.push_back("Tool '" + spec->name + "' was not offered to the model: " +
                                   tool.error().message);
            continue;
        }
        set.tools.push_back(std::move(*tool));
    }
    return set;
}

Result<ToolSpec> ParseToolSpec(const Json& tool) {
    const Json& ts = tool.is_object() && tool.contains("tool_spec") ? tool["tool_spec"] : tool;
    auto field = [&ts](const char* key) -> Json {
        auto it = ts.is_object() ? ts.find(key) : ts.end();
        return it == ts.end() ? Json(nullptr) : *it;
    };
    if (!field("type").is_string() || !field("name").is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, "A tool has no tool_spec with type and name; it was ignored.");
    }
    ToolSpec spec;
    spec.type = field("type").get<std::string>();
    spec.name = field("name").get<std::string>();
    if (field("description").is_string()) spec.description = field("description").get<std::string>();
    if (field("input_schema").is_object()) spec.input_schema = field("input_schema");
    if (!spec.input_schema.contains("type")) spec.input_schema["type"] = "object";
    if (!spec.input_schema.contains("properties")) spec.input_schema["properties"] = Json::object();
    if (field("required").is_array() && !spec.input_schema.contains("required")) {
        spec.input_schema["required"] = field("required");
    }
    return spec;
}

Json FindToolResource(const Json& agent_spec, const std::string& name) {
    auto resources = agent_spec.find("tool_resources");
    if (resources == agent_spec.end() || !resources->is_object()) return nullptr;
    auto it = resources->find(name);
    return it == resources->end() ? Json(nullptr) : *it;
}

Json ResourceValue(const Json& resource, const std::string& key) {
    if (!resource.is_object()) return nullptr;
    for (auto it = resource.begin(); it != resource.end(); ++it) {
        if (EqualsIgnoreCase(it.key(), key)) return it.value();
    }
    return nullptr;
}

}  // namespace oc::runtime
