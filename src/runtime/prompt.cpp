#include "runtime/prompt.h"

namespace oc::runtime {
namespace {

constexpr const char* kDefaultSystem =
    "You are a data agent. Answer the user's question, calling the available tools when they help.";

std::string StringAt(const Json& obj, const char* key) {
    if (!obj.is_object()) return "";
    auto it = obj.find(key);
    return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string ToolResultText(const Json& content) {
    if (content.is_string()) return content.get<std::string>();
    if (!content.is_array()) return DumpJson(content);
    std::string out;
    for (const Json& item : content) {
        if (!out.empty()) out += "\n";
        if (StringAt(item, "type") == "text") {
            out += StringAt(item, "text");
        } else if (item.is_object() && item.contains("json")) {
            out += DumpJson(item["json"]);
        } else {
            out += DumpJson(item);
        }
    }
    return out;
}

llm::Message ToolMessage(const Json& result) {
    llm::Message m;
    m.role = llm::Role::kTool;
    m.tool_call_id = StringAt(result, "tool_use_id");
    m.tool_name = StringAt(result, "name");
    m.text = ToolResultText(result.is_object() && result.contains("content") ? result["content"] : Json());
    m.is_error = StringAt(result, "status") == "error";
    return m;
}

// The body of a tool_result item: {"type":"tool_result","tool_result":{...}} or the request's
// {"type":"tool_results","tool_results":{...}} (§3.2, §9.9); null for other items.
Json ToolResultBody(const Json& item) {
    for (const char* key : {"tool_results", "tool_result"}) {
        if (item.contains(key) && item[key].is_object()) return item[key];
    }
    return nullptr;
}

void AppendAssistant(const Json& content, std::vector<llm::Message>* out) {
    llm::Message cur;
    cur.role = llm::Role::kAssistant;
    auto flush = [&] {
        if (cur.text.empty() && cur.thinking.empty() && cur.tool_calls.empty()) return;
        out->push_back(std::move(cur));
        cur = llm::Message();
        cur.role = llm::Role::kAssistant;
    };
    for (const Json& item : content) {
        if (!item.is_object()) continue;
        std::string type = StringAt(item, "type");
        if (type == "text") {
            if (!cur.tool_calls.empty()) flush();
            cur.text += StringAt(item, "text");
        } else if (type == "thinking") {
            if (!cur.tool_calls.empty() || !cur.text.empty()) flush();
            cur.thinking += StringAt(item.value("thinking", Json::object()), "text");
        } else if (type == "tool_use" && item.contains("tool_use")) {
            const Json& use = item["tool_use"];
            llm::ToolCall call;
            call.id = StringAt(use, "tool_use_id");
            call.name = StringAt(use, "name");
            call.arguments = use.is_object() && use.contains("input") ? use["input"] : Json::object();
            cur.tool_calls.push_back(std::move(call));
        } else if (Json result = ToolResultBody(item); !result.is_null()) {
            flush();
            out->push_back(ToolMessage(result));
        }
    }
    flush();
}

void AppendUser(const Json& content, std::vector<llm::Message>* out) {
    llm::Message user;
    user.role = llm::Role::kUser;
    for (const Json& item : content) {
        if (!item.is_object()) continue;
        if (StringAt(item, "type") == "text") {
            if (!user.text.empty()) user.text += "\n\n";
            user.text += StringAt(item, "text");
        } else if (Json result = ToolResultBody(item); !result.is_null()) {
            out->push_back(ToolMessage(result));  // answers the previous assistant's tool calls
        }
    }
    if (!user.text.empty()) out->push_back(std::move(user));
}

}  // namespace

std::string BuildSystemPrompt(const Json& agent_spec, const ToolSet& tools) {
    Json instructions = agent_spec.is_object() ? agent_spec.value("instructions", Json::object()) : Json::object();
    std::string system = StringAt(instructions, "system");
    std::string out = system.empty() ? kDefaultSystem : system;
    if (std::string o = StringAt(instructions, "orchestration"); !o.empty()) {
        out += "\n\n# How to plan and use tools\n" + o;
    }
    if (std::string r = StringAt(instructions, "response"); !r.empty()) out += "\n\n# How to answer\n" + r;
    Json samples = instructions.is_object() ? instructions.value("sample_questions", Json::array()) : Json::array();
    if (samples.is_array() && !samples.empty()) {
        out += "\n\n# Example questions";
        for (const Json& s : samples) {
            std::string q = s.is_string() ? s.get<std::string>() : StringAt(s, "question");
            if (q.empty()) continue;
            out += "\n- " + q;
            if (std::string a = StringAt(s, "answer"); !a.empty()) out += "\n  Answer: " + a;
        }
    }
    if (!tools.tools.empty()) {
        out += "\n\n# Tools";
        for (const auto& t : tools.tools) {
            out += "\n- " + t->spec().name + " (" + t->spec().type + ")";
            if (!t->spec().description.empty()) out += ": " + t->spec().description;
        }
    }
    if (std::string u = StringAt(agent_spec, "tool_unable_to_answer"); !u.empty()) {
        out += "\n\nIf the tools cannot answer the question, reply: " + u;
    }
    return out;
}

Status AppendCortexMessage(const Json& message, std::vector<llm::Message>* out) {
    std::string role = StringAt(message, "role");
    Json content = message.is_object() && message.contains("content") ? message["content"] : Json();
    if (content.is_string()) content = Json::array({Json::object({{"type", "text"}, {"text", content}})});
    if (!content.is_array()) return MakeError(ErrorCode::kInvalidArgument, "content must be an array");
    if (role == "user") {
        AppendUser(content, out);
    } else if (role == "assistant") {
        AppendAssistant(content, out);
    } else {
        return MakeError(ErrorCode::kInvalidArgument, "role must be user or assistant, got '" + role + "'");
    }
    return {};
}

Result<std::vector<llm::Message>> ConvertMessages(const Json& messages) {
    std::vector<llm::Message> out;
    if (!messages.is_array() || messages.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "messages must be a non-empty array");
    }
    for (size_t i = 0; i < messages.size(); ++i) {
        if (auto st = AppendCortexMessage(messages[i], &out); !st) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "messages[" + std::to_string(i) + "]: " + st.error().message);
        }
    }
    return out;
}

std::string MessageText(const Json& message) {
    std::string out;
    Json content = message.is_object() && message.contains("content") ? message["content"] : Json();
    if (content.is_string()) return content.get<std::string>();
    if (!content.is_array()) return out;
    for (const Json& item : content) {
        if (StringAt(item, "type") != "text") continue;
        if (!out.empty()) out += "\n\n";
        out += StringAt(item, "text");
    }
    return out;
}

}  // namespace oc::runtime
