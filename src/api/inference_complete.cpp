// POST /api/v2/cortex/inference:complete (the older Cortex REST API, reference agents-api.md §8.3,
// spec cortex-inference.yaml) and GET /api/v2/cortex/models (§8.4). Cortex message/tool shapes
// map onto the same provider call as chat completions (api/llm_bridge).
#include <map>

#include "api/llm_bridge.h"
#include "api/llm_routes.h"
#include "common/clock.h"
#include "llm/model_registry.h"

namespace oc::api {
namespace {

// Text of a tool result's content array ({"type": "text"} joined, {"type": "json"} serialized).
std::string ResultText(const Json& content) {
    if (content.is_string()) return content.get<std::string>();
    if (!content.is_array()) return content.is_null() ? "" : DumpJson(content);
    std::string text;
    for (const auto& item : content) {
        if (!text.empty()) text += "\n";
        if (item.is_object() && item.value("type", "") == "text" && item.contains("text") &&
            item["text"].is_string()) {
            text += item["text"].get<std::string>();
        } else if (item.is_object() && item.contains("json")) {
            text += DumpJson(item["json"]);
        } else {
            text += DumpJson(item);
        }
    }
    return text;
}

// One content_list item into msg (text, tool_use, anthropic thinking) or *results (tool results).
Status AddContentItem(const Json& item, const std::string& where, llm::Message* msg,
                      std::vector<llm::Message>* results) {
    if (!item.is_object()) return BadField(where, "must be an object");
    const std::string type = item.value("type", "");
    if (type == "text") {
        OC_ASSIGN_OR_RETURN(auto text, OptString(item, "text", where + ".text"));
        if (!msg->text.empty() && text) msg->text += "\n";
        msg->text += text.value_or("");
    } else if (type == "tool_use") {
        const Json& use = item.contains("tool_use") ? item["tool_use"] : item;
        llm::ToolCall call;
        call.id = use.value("tool_use_id", "");
        call.name = use.value("name", "");
        if (call.name.empty()) return BadField(where + ".tool_use.name", "is required");
        if (use.contains("input") && use["input"].is_object()) call.arguments = use["input"];
        msg->tool_calls.push_back(std::move(call));
    } else if (type == "tool_results" || type == "tool_result") {
        const Json& res = item.contains(type) ? item[type] : item;
        llm::Message tool;
        tool.role = llm::Role::kTool;
        tool.tool_call_id = res.value("tool_use_id", "");
        tool.tool_name = res.value("name", "");
        if (tool.tool_call_id.empty())
            return BadField(where + "." + type + ".tool_use_id", "is required");
        tool.text = ResultText(res.contains("content") ? res["content"] : Json());
        tool.is_error = res.value("status", "success") == "error";
        results->push_back(std::move(tool));
    } else if (type == "anthropic") {
        if (item.contains("thinking") && item["thinking"].is_object()) {
            msg->thinking = item["thinking"].value("thinking", "");
            msg->thinking_signature = item["thinking"].value("signature", "");
        }
    } else if (type != "openai") {
        return BadField(where + ".type",
                        "'" + type + "' is not supported; use text, tool_use or tool_results");
    }
    return {};
}

Result<std::vector<llm::Message>> ParseMessages(const Json& body) {
    auto it = body.find("messages");
    if (it == body.end() || !it->is_array() || it->empty()) {
        return BadField("messages", "is required and must be a non-empty array");
    }
    std::vector<llm::Message> out;
    for (size_t i = 0; i < it->size(); ++i) {
        const Json& m = (*it)[i];
        const std::string where = ElementPath("messages", i);
        if (!m.is_object()) return BadField(where, "must be an object");
        OC_ASSIGN_OR_RETURN(auto role, OptString(m, "role", where + ".role"));
        llm::Message msg;
        if (!role || *role == "user")
            msg.role = llm::Role::kUser;
        else if (*role == "system")
            msg.role = llm::Role::kSystem;
        else if (*role == "assistant")
            msg.role = llm::Role::kAssistant;
        else
            return BadField(where + ".role",
                            "must be system, user or assistant, got '" + *role + "'");
        OC_ASSIGN_OR_RETURN(auto content, OptString(m, "content", where + ".content"));
        msg.text = content.value_or("");
        std::vector<llm::Message> results;
        if (auto list = m.find("content_list"); list != m.end() && !list->is_null()) {
            if (!list->is_array()) return BadField(where + ".content_list", "must be an array");
            for (size_t j = 0; j < list->size(); ++j) {
                OC_TRY(AddContentItem((*list)[j], ElementPath(where + ".content_list", j), &msg,
                                      &results));
            }
        }
        for (auto& r : results) out.push_back(std::move(r));  // tool results answer the prior turn
        if (results.empty() || !msg.text.empty() || !msg.tool_calls.empty())
            out.push_back(std::move(msg));
    }
    return out;
}

Result<std::vector<llm::ToolDef>> ParseTools(const Json& body) {
    return ParseToolArray(body, [](const Json& t, size_t i) -> Result<llm::ToolDef> {
        const std::string where = ElementPath("tools", i) + ".tool_spec";
        if (!t.is_object() || !t.contains("tool_spec") || !t["tool_spec"].is_object()) {
            return BadField(where, "is required and must be an object");
        }
        return ParseToolSpec(t["tool_spec"], where, "input_schema", false);
    });
}

Result<llm::ToolChoice> ParseToolChoice(const Json& body) {
    llm::ToolChoice choice;
    auto it = body.find("tool_choice");
    if (it == body.end() || it->is_null()) return choice;
    if (!it->is_object()) return BadField("tool_choice", "must be an object {\"type\", \"name\"}");
    static const std::map<std::string, llm::ToolChoice::Kind> kKinds = {
        {"auto", llm::ToolChoice::Kind::kAuto},
        {"required", llm::ToolChoice::Kind::kRequired},
        {"tool", llm::ToolChoice::Kind::kTool},
        {"none", llm::ToolChoice::Kind::kNone}};
    const std::string type = it->value("type", "");
    auto kind = kKinds.find(type);
    if (kind == kKinds.end())
        return BadField("tool_choice.type",
                        "must be auto, required, tool or none, got '" + type + "'");
    choice.kind = kind->second;
    if (auto names = it->find("name"); names != it->end() && names->is_array()) {
        for (const auto& n : *names) {
            if (n.is_string()) choice.names.push_back(n.get<std::string>());
        }
    }
    if (choice.kind == llm::ToolChoice::Kind::kTool && choice.names.empty()) {
        return BadField("tool_choice.name", "must list at least one tool when type is tool");
    }
    return choice;
}

Status ParseOptions(const Json& body, llm::ChatRequest* req) {
    OC_ASSIGN_OR_RETURN(req->temperature, OptNumber(body, "temperature", "temperature"));
    if (req->temperature && *req->temperature < 0) return BadField("temperature", "must be >= 0");
    OC_ASSIGN_OR_RETURN(req->top_p, OptNumber(body, "top_p", "top_p"));
    if (req->top_p && (*req->top_p < 0 || *req->top_p > 1))
        return BadField("top_p", "must be between 0 and 1");
    OC_ASSIGN_OR_RETURN(auto max_tokens, OptInt(body, "max_tokens", "max_tokens"));
    OC_ASSIGN_OR_RETURN(auto max_output, OptInt(body, "max_output_tokens", "max_output_tokens"));
    if (!max_tokens) max_tokens = max_output;  // deprecated alias
    if (max_tokens && *max_tokens < 0) return BadField("max_tokens", "must be >= 0");
    if (max_tokens && *max_tokens > 0) req->max_tokens = max_tokens;
    if (auto rf = body.find("response_format"); rf != body.end() && !rf->is_null()) {
        if (!rf->is_object() || rf->value("type", "") != "json") {
            return BadField("response_format", "must be {\"type\": \"json\", \"schema\": {...}}");
        }
        if (rf->contains("schema") && (*rf)["schema"].is_object()) {
            req->response_format = {
                {"type", "json_schema"},
                {"json_schema", {{"name", "response"}, {"schema", (*rf)["schema"]}}}};
        } else {
            req->response_format = {{"type", "json_object"}};
        }
    }
    // Reasoning: openai.reasoning.effort as is; anthropic.thinking.budget_tokens by size.
    if (body.contains("openai") && body["openai"].is_object() &&
        body["openai"].contains("reasoning")) {
        const Json& reasoning = body["openai"]["reasoning"];
        if (reasoning.is_object()) req->reasoning_effort = reasoning.value("effort", "");
    }
    if (body.contains("anthropic") && body["anthropic"].is_object() &&
        body["anthropic"].contains("thinking")) {
        const Json& thinking = body["anthropic"]["thinking"];
        OC_ASSIGN_OR_RETURN(
            auto budget, thinking.is_object()
                             ? OptInt(thinking, "budget_tokens", "anthropic.thinking.budget_tokens")
                             : Result<std::optional<int64_t>>(std::optional<int64_t>()));
        if (budget)
            req->reasoning_effort = *budget <= 4096 ? "low" : *budget <= 16384 ? "medium" : "high";
    }
    return {};
}

Result<LlmCall> ParseCompleteRequest(const Services& s, const Json& body) {
    std::string model;
    // §9 item 8: inference:complete defaults to stream = true.
    OC_ASSIGN_OR_RETURN(
        auto call, ParseLlmBody(body, {ParseMessages, ParseTools, ParseToolChoice, ParseOptions},
                                /*default_stream=*/true, &model));
    OC_TRY(ResolveCall(s, model, &call));
    return call;
}

Json UsageJson(const llm::Usage& u) {
    Json usage = {{"prompt_tokens", u.input_tokens},
                  {"completion_tokens", u.output_tokens},
                  {"guard_tokens", 0},
                  {"total_tokens", u.input_tokens + u.output_tokens}};
    if (u.cache_read_tokens > 0) usage["cache_read_input_tokens"] = u.cache_read_tokens;
    if (u.cache_write_tokens > 0) usage["cache_write_input_tokens"] = u.cache_write_tokens;
    return usage;
}

// NonStreamingCompleteResponse, with finish_reason inside the choice (§8.3).
Json CompleteBody(const std::string& id, const LlmCall& call, const llm::ChatResult& r) {
    Json list = Json::array();
    if (!r.thinking.empty()) {
        list.push_back(
            {{"type", "anthropic"},
             {"thinking", {{"thinking", r.thinking}, {"signature", r.thinking_signature}}}});
    }
    if (!r.text.empty()) list.push_back({{"type", "text"}, {"text", r.text}});
    for (const auto& c : r.tool_calls) {
        Json input = c.arguments.is_object() ? c.arguments : Json::object();
        list.push_back(
            {{"type", "tool_use"},
             {"tool_use", {{"tool_use_id", c.id}, {"name", c.name}, {"input", std::move(input)}}}});
    }
    Json choice = {{"message", {{"content", r.text}, {"content_list", std::move(list)}}},
                   {"finish_reason", FinishReason(r)}};
    return Json{{"id", id},
                {"created", NowMillis() / 1000},
                {"model", call.client_model},
                {"choices", Json::array({std::move(choice)})},
                {"usage", UsageJson(r.usage)}};
}

// StreamingCompleteResponseDataEvent frames: one typed delta per event.
class CortexFormatter : public SseFormatter {
public:
    CortexFormatter(std::string request_id, std::string model)
        : request_id_(request_id),
          envelope_({{"id", std::move(request_id)},
                     {"created", NowMillis() / 1000},
                     {"model", std::move(model)}}) {}

    std::string Text(std::string_view delta) override {
        return Event({{"type", "text"}, {"content", std::string(delta)}});
    }
    std::string Thinking(std::string_view delta) override {
        return Event({{"type", "anthropic"}, {"thinking", {{"thinking", std::string(delta)}}}});
    }
    std::string ToolCallStart(int index, const std::string& id, const std::string& name) override {
        calls_[index] = {id, name};
        return Event({{"type", "tool_use"}, {"tool_use_id", id}, {"name", name}, {"input", ""}});
    }
    std::string ToolCallArguments(int index, std::string_view fragment) override {
        const auto& [id, name] = calls_[index];
        return Event({{"type", "tool_use"},
                      {"tool_use_id", id},
                      {"name", name},
                      {"input", std::string(fragment)}});
    }
    std::string End(const llm::ChatResult& r) override {
        Json event = envelope_;
        event["choices"] = Json::array({Json{{"delta", {{"type", "text"}, {"content", ""}}},
                                             {"finish_reason", FinishReason(r)}}});
        event["usage"] = UsageJson(r.usage);
        return SseData(event) + "data: [DONE]\n\n";
    }
    std::string Failure(const Error& e) override {
        return "event: error\n" + SseData(*ParseJson(ErrorResponse(request_id_, e).body));
    }

private:
    std::string Event(Json delta) {
        Json event = envelope_;
        event["choices"] = Json::array({Json{{"delta", std::move(delta)}}});
        return SseData(event);
    }
    std::string request_id_;
    Json envelope_;
    std::map<int, std::pair<std::string, std::string>> calls_;  // index → (id, name)
};

Result<net::HttpResponse> Complete(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(LlmCall call, ParseCompleteRequest(s, body));
    if (call.stream) {
        auto formatter = std::make_unique<CortexFormatter>(ctx.request_id, call.client_model);
        return StreamCompletion(s, std::move(call), std::move(formatter));
    }
    OC_ASSIGN_OR_RETURN(llm::ChatResult result, RunCompletion(call));
    return JsonResponse(CompleteBody(ctx.request_id, call, result));
}

Result<net::HttpResponse> Models(Services& s, RequestContext&) {
    Json names = Json::array();
    if (s.models != nullptr) {
        for (const auto& n : s.models->Names()) names.push_back(n);
    }
    return JsonResponse(Json{{"models", std::move(names)}});
}

}  // namespace

void RegisterInferenceRoutes(ApiRouter& r) {
    Services& s = r.services();
    r.Add("POST", "/api/v2/cortex/inference:complete", Wrap(s, Complete));
    r.Add("GET", "/api/v2/cortex/models", Wrap(s, Models), {.blocking = false});
}

}  // namespace oc::api
