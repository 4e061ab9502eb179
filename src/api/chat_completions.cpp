// POST /api/v2/cortex/v1/chat/completions: OpenAI Chat Completions over any configured provider
// (reference agents-api.md §8.1, §9 item 10). Request mapping, the chat.completion body and the
// chat.completion.chunk stream; the provider call itself goes through api/llm_bridge.
#include <map>

#include "api/llm_bridge.h"
#include "api/llm_routes.h"
#include "common/clock.h"
#include "common/ids.h"

namespace oc::api {
namespace {

// content: a string, null, or an array of {"type": "text", "text": …} parts.
Result<std::string> ContentText(const Json& msg, const std::string& where) {
    auto it = msg.find("content");
    if (it == msg.end() || it->is_null()) return std::string();
    if (it->is_string()) return it->get<std::string>();
    if (!it->is_array())
        return BadField(where + ".content", "must be a string or an array of parts");
    std::string text;
    for (size_t j = 0; j < it->size(); ++j) {
        const Json& part = (*it)[j];
        const std::string pw = ElementPath(where + ".content", j);
        if (!part.is_object()) return BadField(pw, "must be an object");
        const std::string type = part.value("type", "");
        if (type != "text") {
            return BadField(pw, "has type '" + type + "'; only text parts are supported");
        }
        auto t = part.find("text");
        if (t == part.end() || !t->is_string()) return BadField(pw + ".text", "must be a string");
        if (!text.empty()) text += "\n";
        text += t->get<std::string>();
    }
    return text;
}

Result<std::vector<llm::ToolCall>> ParseToolCalls(const Json& list, const std::string& where) {
    if (!list.is_array()) return BadField(where, "must be an array");
    std::vector<llm::ToolCall> calls;
    for (size_t i = 0; i < list.size(); ++i) {
        const Json& c = list[i];
        const std::string cw = ElementPath(where, i);
        if (!c.is_object() || !c.contains("function") || !c["function"].is_object()) {
            return BadField(cw, "must be {\"id\", \"type\": \"function\", \"function\": {...}}");
        }
        llm::ToolCall call;
        OC_ASSIGN_OR_RETURN(auto id, OptString(c, "id", cw + ".id"));
        OC_ASSIGN_OR_RETURN(auto name, OptString(c["function"], "name", cw + ".function.name"));
        OC_ASSIGN_OR_RETURN(auto args,
                            OptString(c["function"], "arguments", cw + ".function.arguments"));
        if (!name || name->empty()) return BadField(cw + ".function.name", "is required");
        call.id = id.value_or("");
        call.name = *name;
        auto parsed = ParseJson(args.value_or("").empty() ? "{}" : *args);
        if (!parsed || !parsed->is_object()) {
            return BadField(cw + ".function.arguments",
                            "must be a JSON object serialized as a string");
        }
        call.arguments = std::move(*parsed);
        calls.push_back(std::move(call));
    }
    return calls;
}

Result<std::vector<llm::Message>> ParseMessages(const Json& body) {
    auto it = body.find("messages");
    if (it == body.end() || !it->is_array() || it->empty()) {
        return BadField("messages", "is required and must be a non-empty array");
    }
    std::vector<llm::Message> out;
    std::map<std::string, std::string> tool_names;  // tool_call id → function name
    for (size_t i = 0; i < it->size(); ++i) {
        const Json& m = (*it)[i];
        const std::string where = ElementPath("messages", i);
        if (!m.is_object()) return BadField(where, "must be an object");
        const std::string role = m.value("role", "");
        llm::Message msg;
        OC_ASSIGN_OR_RETURN(msg.text, ContentText(m, where));
        if (role == "system" || role == "developer") {
            msg.role = llm::Role::kSystem;
        } else if (role == "user") {
            msg.role = llm::Role::kUser;
        } else if (role == "assistant") {
            msg.role = llm::Role::kAssistant;
            if (m.contains("tool_calls") && !m["tool_calls"].is_null()) {
                OC_ASSIGN_OR_RETURN(msg.tool_calls,
                                    ParseToolCalls(m["tool_calls"], where + ".tool_calls"));
                for (const auto& c : msg.tool_calls) tool_names[c.id] = c.name;
            }
        } else if (role == "tool") {
            msg.role = llm::Role::kTool;
            OC_ASSIGN_OR_RETURN(auto id, OptString(m, "tool_call_id", where + ".tool_call_id"));
            if (!id || id->empty())
                return BadField(where + ".tool_call_id", "is required for role tool");
            msg.tool_call_id = *id;
            auto named = tool_names.find(*id);
            msg.tool_name = named != tool_names.end() ? named->second : m.value("name", "");
        } else {
            return BadField(
                where + ".role",
                "must be system, developer, user, assistant or tool, got '" + role + "'");
        }
        out.push_back(std::move(msg));
    }
    return out;
}

Result<std::vector<llm::ToolDef>> ParseTools(const Json& body) {
    return ParseToolArray(body, [](const Json& t, size_t i) -> Result<llm::ToolDef> {
        const std::string where = ElementPath("tools", i);
        if (!t.is_object() || t.value("type", "function") != "function" ||
            !t.contains("function") || !t["function"].is_object()) {
            return BadField(where, "must be {\"type\": \"function\", \"function\": {...}}");
        }
        return ParseToolSpec(t["function"], where + ".function", "parameters", true);
    });
}

Result<llm::ToolChoice> ParseToolChoice(const Json& body) {
    llm::ToolChoice choice;
    auto it = body.find("tool_choice");
    if (it == body.end() || it->is_null()) return choice;
    if (it->is_string()) {
        const std::string v = it->get<std::string>();
        if (v == "auto") return choice;
        if (v == "none")
            choice.kind = llm::ToolChoice::Kind::kNone;
        else if (v == "required")
            choice.kind = llm::ToolChoice::Kind::kRequired;
        else
            return BadField("tool_choice",
                            "must be auto, none, required or a function object, got '" + v + "'");
        return choice;
    }
    if (it->is_object() && it->contains("function") && (*it)["function"].is_object()) {
        OC_ASSIGN_OR_RETURN(auto name,
                            OptString((*it)["function"], "name", "tool_choice.function.name"));
        if (name && !name->empty()) {
            choice.kind = llm::ToolChoice::Kind::kTool;
            choice.names.push_back(*name);
            return choice;
        }
    }
    return BadField(
        "tool_choice",
        "must be auto, none, required or {\"type\": \"function\", \"function\": {\"name\": ...}}");
}

// Sampling, limits and output controls.
Status ParseOptions(const Json& body, llm::ChatRequest* req) {
    if (body.contains("max_tokens") && !body["max_tokens"].is_null()) {
        return BadField("max_tokens", "is not supported; use max_completion_tokens instead.");
    }
    OC_ASSIGN_OR_RETURN(auto n, OptInt(body, "n", "n"));
    if (n && *n != 1) return BadField("n", "must be 1, got " + std::to_string(*n));
    OC_ASSIGN_OR_RETURN(req->max_tokens,
                        OptInt(body, "max_completion_tokens", "max_completion_tokens"));
    if (req->max_tokens && *req->max_tokens < 1)
        return BadField("max_completion_tokens", "must be at least 1");
    OC_ASSIGN_OR_RETURN(req->temperature, OptNumber(body, "temperature", "temperature"));
    OC_ASSIGN_OR_RETURN(req->top_p, OptNumber(body, "top_p", "top_p"));
    if (auto stop = body.find("stop"); stop != body.end() && !stop->is_null()) {
        if (stop->is_string()) {
            req->stop.push_back(stop->get<std::string>());
        } else if (stop->is_array()) {
            for (const auto& s : *stop) {
                if (!s.is_string())
                    return BadField("stop", "must be a string or an array of strings");
                req->stop.push_back(s.get<std::string>());
            }
        } else {
            return BadField("stop", "must be a string or an array of strings");
        }
    }
    OC_ASSIGN_OR_RETURN(auto effort, OptString(body, "reasoning_effort", "reasoning_effort"));
    if (effort) {
        static const std::map<std::string, std::string> kEffort = {{"none", ""},
                                                                   {"minimal", "low"},
                                                                   {"low", "low"},
                                                                   {"medium", "medium"},
                                                                   {"high", "high"}};
        auto e = kEffort.find(*effort);
        if (e == kEffort.end())
            return BadField("reasoning_effort",
                            "must be none, minimal, low, medium or high, got '" + *effort + "'");
        req->reasoning_effort = e->second;
    }
    if (auto rf = body.find("response_format"); rf != body.end() && !rf->is_null()) {
        if (!rf->is_object()) return BadField("response_format", "must be an object");
        const std::string type = rf->value("type", "");
        if (type != "text" && type != "json_object" && type != "json_schema") {
            return BadField("response_format.type",
                            "must be text, json_object or json_schema, got '" + type + "'");
        }
        if (type != "text") req->response_format = *rf;
    }
    return {};
}

Result<LlmCall> ParseChatRequest(const Services& s, const Json& body) {
    std::string model;
    // §9 item 8: chat completions default to stream = false.
    OC_ASSIGN_OR_RETURN(
        auto call, ParseLlmBody(body, {ParseMessages, ParseTools, ParseToolChoice, ParseOptions},
                                /*default_stream=*/false, &model));
    if (auto so = body.find("stream_options"); so != body.end() && so->is_object()) {
        OC_ASSIGN_OR_RETURN(auto usage,
                            OptBool(*so, "include_usage", "stream_options.include_usage"));
        call.include_usage = usage.value_or(false);
    }
    OC_TRY(ResolveCall(s, model, &call));
    return call;
}

// OpenAI's error object from a Snowflake error body (§1.4): OpenAI SDKs read only body.error.
Json OpenAiError(const Json& wire, const Error& e) {
    return Json{
        {"message", wire.value("message", "Internal error.")},
        {"type", e.code == ErrorCode::kInvalidArgument ? "invalid_request_error" : "server_error"},
        {"param", Json()},
        {"code", wire.value("code", "390000")}};
}

// The Snowflake error body plus {"error": {...}} so OpenAI SDKs show the message [ours].
net::HttpResponse ChatError(const RequestContext& ctx, const Error& e) {
    net::HttpResponse resp = ErrorResponse(ctx, e);
    auto body = ParseJson(resp.body);
    if (!body) return resp;
    (*body)["error"] = OpenAiError(*body, e);
    resp.body = DumpJson(*body);
    return resp;
}

Json UsageJson(const llm::Usage& u) {
    Json usage = {{"prompt_tokens", u.input_tokens},
                  {"completion_tokens", u.output_tokens},
                  {"total_tokens", u.input_tokens + u.output_tokens}};
    if (u.cache_read_tokens > 0)
        usage["prompt_tokens_details"] = {{"cached_tokens", u.cache_read_tokens}};
    return usage;
}

Json Envelope(const std::string& id, int64_t created, const std::string& model,
              const char* object) {
    return Json{{"id", id}, {"object", object}, {"created", created}, {"model", model}};
}

Json CompletionBody(const LlmCall& call, const llm::ChatResult& r) {
    Json body = Envelope("chatcmpl-" + RandomHex(12), NowMillis() / 1000, call.client_model,
                         "chat.completion");
    Json message = {{"role", "assistant"},
                    {"content", r.text.empty() && !r.tool_calls.empty() ? Json() : Json(r.text)}};
    if (!r.tool_calls.empty()) {
        Json calls = Json::array();
        for (const auto& c : r.tool_calls) {
            calls.push_back({{"id", c.id.empty() ? "call_" + RandomHex(8) : c.id},
                             {"type", "function"},
                             {"function", {{"name", c.name}, {"arguments", ArgumentsText(c)}}}});
        }
        message["tool_calls"] = std::move(calls);
    }
    body["choices"] = Json::array(
        {Json{{"index", 0}, {"message", std::move(message)}, {"finish_reason", FinishReason(r)}}});
    body["usage"] = UsageJson(r.usage);
    return body;
}

// chat.completion.chunk frames; id, created and model are fixed for the whole completion.
class ChunkFormatter : public SseFormatter {
public:
    ChunkFormatter(std::string request_id, std::string model, bool include_usage)
        : request_id_(std::move(request_id)),
          envelope_(Envelope("chatcmpl-" + RandomHex(12), NowMillis() / 1000, model,
                             "chat.completion.chunk")),
          include_usage_(include_usage) {}

    std::string Begin() override { return Chunk({{"role", "assistant"}, {"content", ""}}); }
    std::string Text(std::string_view delta) override {
        return Chunk({{"content", std::string(delta)}});
    }
    std::string ToolCallStart(int index, const std::string& id, const std::string& name) override {
        Json call = {{"index", index},
                     {"id", id},
                     {"type", "function"},
                     {"function", {{"name", name}, {"arguments", ""}}}};
        return Chunk({{"tool_calls", Json::array({std::move(call)})}});
    }
    std::string ToolCallArguments(int index, std::string_view fragment) override {
        Json call = {{"index", index}, {"function", {{"arguments", std::string(fragment)}}}};
        return Chunk({{"tool_calls", Json::array({std::move(call)})}});
    }
    std::string End(const llm::ChatResult& r) override {
        std::string out = Chunk(Json::object(), FinishReason(r));
        if (include_usage_) {
            Json usage = envelope_;
            usage["choices"] = Json::array();
            usage["usage"] = UsageJson(r.usage);
            out += SseData(usage);
        }
        return out + "data: [DONE]\n\n";
    }
    std::string Failure(const Error& e) override {
        auto wire = ParseJson(ErrorResponse(request_id_, e).body);
        return SseData(Json{{"error", OpenAiError(wire ? *wire : Json::object(), e)}});
    }

private:
    std::string Chunk(Json delta, const std::string& finish_reason = "") {
        Json chunk = envelope_;
        chunk["choices"] = Json::array(
            {Json{{"index", 0},
                  {"delta", std::move(delta)},
                  {"finish_reason", finish_reason.empty() ? Json() : Json(finish_reason)}}});
        return SseData(chunk);
    }
    std::string request_id_;
    Json envelope_;
    bool include_usage_;
};

Result<net::HttpResponse> ChatCompletions(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(LlmCall call, ParseChatRequest(s, body));
    if (call.stream) {
        auto formatter =
            std::make_unique<ChunkFormatter>(ctx.request_id, call.client_model, call.include_usage);
        return StreamCompletion(s, std::move(call), std::move(formatter));
    }
    OC_ASSIGN_OR_RETURN(llm::ChatResult result, RunCompletion(call));
    return JsonResponse(CompletionBody(call, result));
}

}  // namespace

void RegisterChatCompletionRoutes(ApiRouter& r) {
    Services& s = r.services();
    // Non-streaming calls block on the provider, so the route runs on the worker pool.
    r.Add("POST", "/api/v2/cortex/v1/chat/completions", [&s](RequestContext& ctx) {
        auto resp = ChatCompletions(s, ctx);
        return resp ? std::move(*resp) : ChatError(ctx, resp.error());
    });
}

}  // namespace oc::api
