#include "api/llm_bridge.h"

#include <map>
#include <set>
#include <utility>

#include "api/llm_pool.h"
#include "common/ids.h"
#include "common/log.h"

namespace oc::api {
namespace {

// Bridges provider deltas to SSE frames on the client's writer. Runs on the calling thread of
// Provider::Chat; a failed Write means the client is gone, so the upstream is cancelled.
class SseSink : public llm::StreamSink {
public:
    SseSink(net::BodyWriter& writer, SseFormatter& formatter, llm::CancelToken& cancel)
        : writer_(writer), formatter_(formatter), cancel_(cancel) {}

    void OnText(std::string_view delta) override {
        if (delta.empty()) return;
        text_streamed_ = true;
        Send(formatter_.Text(delta));
    }
    void OnThinking(std::string_view delta) override {
        if (!delta.empty()) Send(formatter_.Thinking(delta));
    }
    void OnToolCallStart(int index, const std::string& id, const std::string& name) override {
        started_.insert(index);
        Send(formatter_.ToolCallStart(index, id.empty() ? "call_" + RandomHex(8) : id, name));
    }
    void OnToolCallArguments(int index, std::string_view fragment) override {
        if (!fragment.empty()) Send(formatter_.ToolCallArguments(index, fragment));
    }

    // Writes what the provider returned without streaming it, then the tail.
    void Finish(const llm::ChatResult& result) {
        if (!text_streamed_ && !result.text.empty()) Send(formatter_.Text(result.text));
        for (size_t i = 0; i < result.tool_calls.size(); ++i) {
            const int index = static_cast<int>(i);
            if (started_.count(index)) continue;
            const llm::ToolCall& call = result.tool_calls[i];
            Send(formatter_.ToolCallStart(index, call.id.empty() ? "call_" + RandomHex(8) : call.id,
                                          call.name));
            Send(formatter_.ToolCallArguments(index, ArgumentsText(call)));
        }
        Send(formatter_.End(result));
    }
    void Send(std::string frames) {
        if (frames.empty() || cancel_.cancelled()) return;
        if (!writer_.Write(std::move(frames))) cancel_.Cancel();
    }

private:
    net::BodyWriter& writer_;
    SseFormatter& formatter_;
    llm::CancelToken& cancel_;
    bool text_streamed_ = false;
    std::set<int> started_;
};

void RunStream(const LlmCall& call, SseFormatter& formatter, net::BodyWriter& writer,
               llm::CancelToken& cancel) {
    SseSink sink(writer, formatter, cancel);
    sink.Send(formatter.Begin());
    auto result = call.model.provider->Chat(call.request, &sink, cancel);
    if (result) {
        sink.Finish(*result);
    } else if (!cancel.cancelled()) {
        GetLogger("api")->warn("model {} failed after the stream started: {}", call.client_model,
                               result.error().message);
        sink.Send(formatter.Failure(result.error()));
    }
    writer.Close();
}

Error Unavailable(std::string_view why) {
    return MakeError(ErrorCode::kUnavailable, std::string(why));
}

}  // namespace

Error BadField(std::string_view where, std::string_view what) {
    return MakeError(ErrorCode::kInvalidArgument, std::string(where) + " " + std::string(what));
}

std::string ElementPath(std::string_view base, size_t i) {
    return std::string(base) + "[" + std::to_string(i) + "]";
}

Result<llm::ToolDef> ParseToolSpec(const Json& spec, const std::string& where,
                                   const char* schema_key, bool strict_schema) {
    llm::ToolDef def;
    OC_ASSIGN_OR_RETURN(auto name, OptString(spec, "name", where + ".name"));
    OC_ASSIGN_OR_RETURN(auto description, OptString(spec, "description", where + ".description"));
    if (!name || name->empty()) return BadField(where + ".name", "is required");
    def.name = *name;
    def.description = description.value_or("");
    auto schema = spec.find(schema_key);
    if (schema != spec.end() && schema->is_object()) {
        def.input_schema = *schema;
    } else if (strict_schema && schema != spec.end() && !schema->is_null()) {
        return BadField(where + "." + schema_key, "must be an object");
    } else {
        def.input_schema = Json{{"type", "object"}, {"properties", Json::object()}};
    }
    return def;
}

Result<std::vector<llm::ToolDef>> ParseToolArray(
    const Json& body, const std::function<Result<llm::ToolDef>(const Json&, size_t)>& parse_one) {
    std::vector<llm::ToolDef> tools;
    auto it = body.find("tools");
    if (it == body.end() || it->is_null()) return tools;
    if (!it->is_array()) return BadField("tools", "must be an array");
    for (size_t i = 0; i < it->size(); ++i) {
        OC_ASSIGN_OR_RETURN(auto def, parse_one((*it)[i], i));
        tools.push_back(std::move(def));
    }
    return tools;
}

Result<LlmCall> ParseLlmBody(const Json& body, const LlmBodyParsers& parsers, bool default_stream,
                             std::string* model) {
    LlmCall call;
    OC_ASSIGN_OR_RETURN(auto name, OptString(body, "model", "model"));
    if (!name || name->empty()) return BadField("model", "is required");
    *model = *name;
    OC_ASSIGN_OR_RETURN(call.request.messages, parsers.messages(body));
    OC_ASSIGN_OR_RETURN(call.request.tools, parsers.tools(body));
    OC_ASSIGN_OR_RETURN(call.request.tool_choice, parsers.tool_choice(body));
    OC_TRY(parsers.options(body, &call.request));
    OC_ASSIGN_OR_RETURN(auto stream, OptBool(body, "stream", "stream"));
    call.stream = stream.value_or(default_stream);
    return call;
}

Status ResolveCall(const Services& s, const std::string& name, LlmCall* call) {
    if (s.models == nullptr) return Unavailable("No models are configured on this server.");
    OC_ASSIGN_OR_RETURN(call->model, s.models->Resolve(name));
    if (!call->model.provider) return Unavailable("Model '" + name + "' has no provider.");
    call->client_model = name;
    call->request.model = call->model.upstream_model;
    return {};
}

Result<std::optional<std::string>> OptString(const Json& obj, const char* key,
                                             std::string_view where) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<std::string>();
    if (!it->is_string()) return BadField(where, "must be a string");
    return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<bool>> OptBool(const Json& obj, const char* key, std::string_view where) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<bool>();
    if (!it->is_boolean()) return BadField(where, "must be a boolean");
    return std::optional<bool>(it->get<bool>());
}

Result<std::optional<double>> OptNumber(const Json& obj, const char* key, std::string_view where) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<double>();
    if (!it->is_number()) return BadField(where, "must be a number");
    return std::optional<double>(it->get<double>());
}

Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key, std::string_view where) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::optional<int64_t>();
    if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
    if (it->is_number_float()) {
        const double v = it->get<double>();
        if (v == static_cast<double>(static_cast<int64_t>(v))) {
            return std::optional<int64_t>(static_cast<int64_t>(v));
        }
    }
    return BadField(where, "must be an integer");
}

std::string FinishReason(const llm::ChatResult& r) {
    static const std::map<std::string, std::string> kAliases = {
        {"stop", "stop"},
        {"end_turn", "stop"},
        {"stop_sequence", "stop"},
        {"length", "length"},
        {"max_tokens", "length"},
        {"tool_calls", "tool_calls"},
        {"tool_use", "tool_calls"},
        {"content_filter", "content_filter"},
        {"refusal", "content_filter"},
    };
    auto it = kAliases.find(r.finish_reason);
    if (it != kAliases.end()) return it->second;
    return r.tool_calls.empty() ? "stop" : "tool_calls";
}

std::string ArgumentsText(const llm::ToolCall& call) {
    return call.arguments.is_null() ? "{}" : DumpJson(call.arguments);
}

std::string SseData(const Json& payload) { return "data: " + DumpJson(payload) + "\n\n"; }

net::HttpResponse StreamCompletion(const Services& s, LlmCall call,
                                   std::unique_ptr<SseFormatter> formatter) {
    net::HttpResponse resp;
    resp.content_type = "text/event-stream";
    resp.keepalive_chunk = ": keep-alive\n\n";  // also how a silent client disconnect is noticed
    resp.keepalive_seconds = 5;
    LlmPool* pool = s.llm_pool;
    auto shared_call = std::make_shared<LlmCall>(std::move(call));
    std::shared_ptr<SseFormatter> shared_formatter = std::move(formatter);
    resp.stream = [pool, shared_call, shared_formatter](std::shared_ptr<net::BodyWriter> writer) {
        auto task = [shared_call, shared_formatter, writer](llm::CancelToken& cancel) {
            RunStream(*shared_call, *shared_formatter, *writer, cancel);
        };
        if (pool == nullptr) {
            llm::CancelToken cancel;
            task(cancel);
            return;
        }
        if (!pool->Submit(writer, task)) {
            writer->Write(shared_formatter->Failure(Unavailable("The server is shutting down.")));
            writer->Close();
        }
    };
    return resp;
}

Result<llm::ChatResult> RunCompletion(const LlmCall& call) {
    llm::CancelToken cancel;
    return call.model.provider->Chat(call.request, nullptr, cancel);
}

}  // namespace oc::api
