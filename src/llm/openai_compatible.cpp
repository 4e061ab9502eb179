// OpenAI chat completions: request body mapping, the chunk-by-chunk stream decoder, and the
// Provider that ties them to the streamed POST.
#include "llm/openai_compatible.h"

#include <map>

#include "net/client/sse_parser.h"

namespace oc::llm {
namespace {

const char* RoleName(Role role) {
    switch (role) {
        case Role::kSystem: return "system";
        case Role::kUser: return "user";
        case Role::kAssistant: return "assistant";
        case Role::kTool: return "tool";
    }
    return "user";
}

Json MessageJson(const Message& m) {
    Json out = Json::object();
    out["role"] = RoleName(m.role);
    if (m.role == Role::kTool) {
        out["tool_call_id"] = m.tool_call_id;
        out["content"] = m.is_error ? "Error: " + m.text : m.text;
        return out;
    }
    if (m.role == Role::kAssistant && !m.tool_calls.empty()) {
        out["content"] = m.text.empty() ? Json(nullptr) : Json(m.text);
        Json calls = Json::array();
        for (const ToolCall& call : m.tool_calls) {
            calls.push_back(
                {{"id", call.id},
                 {"type", "function"},
                 {"function", {{"name", call.name}, {"arguments", DumpJson(call.arguments)}}}});
        }
        out["tool_calls"] = std::move(calls);
        return out;
    }
    out["content"] = m.text;
    return out;
}

Json ToolChoiceJson(const ToolChoice& choice) {
    switch (choice.kind) {
        case ToolChoice::Kind::kAuto: return "auto";
        case ToolChoice::Kind::kRequired: return "required";
        case ToolChoice::Kind::kNone: return "none";
        case ToolChoice::Kind::kTool:
            if (choice.names.size() == 1) {
                return {{"type", "function"}, {"function", {{"name", choice.names.front()}}}};
            }
            return "required";
    }
    return "auto";
}

std::string MapFinishReason(const std::string& reason, bool has_tool_calls) {
    if (reason == "function_call") return "tool_calls";
    if (has_tool_calls && (reason.empty() || reason == "stop")) return "tool_calls";
    return reason.empty() ? "stop" : reason;
}

// Decodes one streamed answer (or, when the server ignored `stream`, one plain JSON body).
class OpenAiStream {
public:
    OpenAiStream(StreamSink* sink, std::string label)
        : sink_(sink),
          label_(std::move(label)),
          parser_([this](const net::SseEvent& e) { return OnEvent(e); }) {}

    Status Feed(std::string_view bytes) {
        if (mode_ == Mode::kUnknown) {
            const size_t first = bytes.find_first_not_of(" \t\r\n");
            if (first == std::string_view::npos) return {};
            mode_ = bytes[first] == '{' ? Mode::kPlainJson : Mode::kEventStream;
        }
        if (mode_ == Mode::kPlainJson) {
            plain_body_.append(bytes);
            return {};
        }
        return parser_.Feed(bytes);
    }

    Result<ChatResult> Finish(const std::string& requested_model) {
        if (mode_ == Mode::kPlainJson) {
            OC_TRY(OnData(plain_body_));
        } else {
            OC_TRY(parser_.Finish());
        }
        if (!done_ && result_.finish_reason.empty()) {
            return MakeError(ErrorCode::kUnavailable,
                             label_ + " upstream closed the stream before the answer was complete");
        }
        for (size_t i = 0; i < calls_.size(); ++i) {
            PendingCall& pending = calls_[i];
            OC_TRY(StartCall(static_cast<int>(i)));
            OC_ASSIGN_OR_RETURN(Json args,
                                ParseToolArguments(label_, pending.name, pending.arguments));
            result_.tool_calls.push_back(ToolCall{pending.id, pending.name, std::move(args)});
        }
        result_.finish_reason = MapFinishReason(result_.finish_reason, !result_.tool_calls.empty());
        if (result_.model.empty()) result_.model = requested_model;
        return std::move(result_);
    }

private:
    enum class Mode { kUnknown, kEventStream, kPlainJson };
    struct PendingCall {
        std::string id;
        std::string name;
        std::string arguments;
        bool started = false;
    };

    Status OnEvent(const net::SseEvent& event) {
        if (event.event != "message" && event.event != "error") return {};
        return OnData(event.data);
    }

    Status OnData(std::string_view data) {
        if (data == "[DONE]") {
            done_ = true;
            return {};
        }
        Json chunk = Json::parse(data, nullptr, false);
        if (chunk.is_discarded() || !chunk.is_object())
            return MalformedChunk(label_, "not a JSON object");
        if (chunk.contains("error")) return UpstreamErrorChunk(chunk["error"]);
        if (chunk.contains("model") && chunk["model"].is_string())
            result_.model = chunk["model"].get<std::string>();
        if (chunk.contains("usage") && chunk["usage"].is_object()) ReadUsage(chunk["usage"]);
        if (!chunk.contains("choices")) return {};
        const Json& choices = chunk["choices"];
        if (!choices.is_array()) return MalformedChunk(label_, "choices is not an array");
        for (const Json& choice : choices) {
            if (!choice.is_object()) return MalformedChunk(label_, "a choice is not an object");
            if (IntField(choice, "index") != 0) continue;  // n = 1: only the first choice counts
            OC_TRY(OnChoice(choice));
        }
        return {};
    }

    Status OnChoice(const Json& choice) {
        const char* key = choice.contains("delta") ? "delta" : "message";
        if (choice.contains(key) && !choice[key].is_null()) {
            const Json& delta = choice[key];
            if (!delta.is_object())
                return MalformedChunk(label_, std::string(key) + " is not an object");
            OC_TRY(OnDelta(delta));
        }
        if (choice.contains("finish_reason") && !choice["finish_reason"].is_null()) {
            if (!choice["finish_reason"].is_string())
                return MalformedChunk(label_, "finish_reason is not a string");
            result_.finish_reason = choice["finish_reason"].get<std::string>();
        }
        return {};
    }

    Status OnDelta(const Json& delta) {
        OC_ASSIGN_OR_RETURN(std::string text, TypedString(delta, "content"));
        if (!text.empty()) {
            result_.text += text;
            if (sink_) sink_->OnText(text);
        }
        for (const char* key : {"reasoning_content", "reasoning"}) {
            OC_ASSIGN_OR_RETURN(std::string thinking, TypedString(delta, key));
            if (thinking.empty()) continue;
            result_.thinking += thinking;
            if (sink_) sink_->OnThinking(thinking);
        }
        if (!delta.contains("tool_calls") || delta["tool_calls"].is_null()) return {};
        const Json& calls = delta["tool_calls"];
        if (!calls.is_array()) return MalformedChunk(label_, "tool_calls is not an array");
        for (size_t i = 0; i < calls.size(); ++i) OC_TRY(OnToolCallDelta(calls[i], i));
        return {};
    }

    Status OnToolCallDelta(const Json& delta, size_t position) {
        if (!delta.is_object()) return MalformedChunk(label_, "a tool call delta is not an object");
        const int64_t upstream_index =
            delta.contains("index") ? IntField(delta, "index") : static_cast<int64_t>(position);
        auto [it, inserted] = index_of_.emplace(upstream_index, static_cast<int>(calls_.size()));
        if (inserted) calls_.emplace_back();
        const int index = it->second;
        PendingCall& call = calls_[index];
        OC_ASSIGN_OR_RETURN(std::string id, TypedString(delta, "id"));
        if (!id.empty() && call.id.empty()) call.id = id;
        const Json empty = Json::object();
        const Json& function = delta.contains("function") ? delta["function"] : empty;
        if (!function.is_object()) return MalformedChunk(label_, "function is not an object");
        OC_ASSIGN_OR_RETURN(std::string name, TypedString(function, "name"));
        if (!name.empty() && !call.started) call.name += name;
        OC_ASSIGN_OR_RETURN(std::string fragment, TypedString(function, "arguments"));
        if (!call.started && !call.name.empty()) OC_TRY(StartCall(index));
        call.arguments += fragment;
        if (call.started && !fragment.empty() && sink_) sink_->OnToolCallArguments(index, fragment);
        return {};
    }

    // Announces call `index` (once) and replays the arguments that arrived before its name.
    Status StartCall(int index) {
        PendingCall& call = calls_[index];
        if (call.started) return {};
        if (call.name.empty()) return MalformedChunk(label_, "a tool call has no function name");
        if (call.id.empty()) call.id = "call_" + std::to_string(index + 1);
        call.started = true;
        if (!sink_) return {};
        sink_->OnToolCallStart(index, call.id, call.name);
        if (!call.arguments.empty()) sink_->OnToolCallArguments(index, call.arguments);
        return {};
    }

    Result<std::string> TypedString(const Json& object, const char* key) {
        auto it = object.find(key);
        if (it == object.end() || it->is_null()) return std::string();
        if (!it->is_string()) return MalformedChunk(label_, std::string(key) + " is not a string");
        return it->get<std::string>();
    }

    void ReadUsage(const Json& usage) {
        result_.usage.input_tokens = IntField(usage, "prompt_tokens");
        result_.usage.output_tokens = IntField(usage, "completion_tokens");
        if (usage.contains("prompt_tokens_details")) {
            result_.usage.cache_read_tokens =
                IntField(usage["prompt_tokens_details"], "cached_tokens");
        }
    }

    Status UpstreamErrorChunk(const Json& error) {
        std::string message = "unknown error";
        if (error.is_object() && error.contains("message") && error["message"].is_string()) {
            message = error["message"].get<std::string>();
        } else if (error.is_string()) {
            message = error.get<std::string>();
        }
        const bool rate_limited =
            error.is_object() &&
            (IntField(error, "code") == 429 || StringField(error, "type") == "rate_limit_exceeded");
        return MakeError(
            rate_limited ? ErrorCode::kResourceExhausted : ErrorCode::kUnavailable,
            label_ + " upstream reported an error mid-stream: " + message.substr(0, 500));
    }

    StreamSink* sink_;
    std::string label_;
    net::SseParser parser_;
    Mode mode_ = Mode::kUnknown;
    std::string plain_body_;
    bool done_ = false;
    ChatResult result_;
    std::map<int64_t, int> index_of_;  // upstream tool-call index -> ours (order of appearance)
    std::vector<PendingCall> calls_;
};

class OpenAiCompatibleProvider : public Provider {
public:
    OpenAiCompatibleProvider(UpstreamOptions options, OpenAiEndpoint endpoint)
        : options_(std::move(options)),
          endpoint_(std::move(endpoint)),
          url_(JoinUrl(options_.base_url, endpoint_.path)) {}

    std::string kind() const override { return endpoint_.kind; }

    Result<ChatResult> Chat(const ChatRequest& request, StreamSink* sink,
                            const CancelToken& cancel) override {
        if (cancel.cancelled()) return Cancelled();
        std::vector<std::pair<std::string, std::string>> headers = endpoint_.extra_headers;
        if (!options_.api_key.empty())
            headers.emplace_back("Authorization", "Bearer " + options_.api_key);
        OpenAiStream stream(sink, endpoint_.kind);
        Status sent = PostStream(options_, url_, std::move(headers), BuildOpenAiChatBody(request),
                                 cancel, endpoint_.kind,
                                 [&stream](std::string_view bytes) { return stream.Feed(bytes); });
        if (cancel.cancelled()) return Cancelled();
        OC_TRY(sent);
        return stream.Finish(request.model);
    }

private:
    Error Cancelled() const {
        return MakeError(ErrorCode::kCancelled, endpoint_.kind + " request was cancelled");
    }

    const UpstreamOptions options_;
    const OpenAiEndpoint endpoint_;
    const std::string url_;
};

}  // namespace

Json BuildOpenAiChatBody(const ChatRequest& request) {
    Json body = Json::object();
    body["model"] = request.model;
    Json messages = Json::array();
    for (const Message& m : request.messages) messages.push_back(MessageJson(m));
    body["messages"] = std::move(messages);
    const std::vector<const ToolDef*> offered = OfferedTools(request);
    if (!offered.empty()) {
        Json tools = Json::array();
        for (const ToolDef* tool : offered) {
            Json parameters = tool->input_schema.is_object() && !tool->input_schema.empty()
                                  ? tool->input_schema
                                  : Json{{"type", "object"}, {"properties", Json::object()}};
            tools.push_back({{"type", "function"},
                             {"function",
                              {{"name", tool->name},
                               {"description", tool->description},
                               {"parameters", std::move(parameters)}}}});
        }
        body["tools"] = std::move(tools);
        body["tool_choice"] = ToolChoiceJson(request.tool_choice);
    }
    body["stream"] = true;
    body["stream_options"] = {{"include_usage", true}};
    if (request.max_tokens) body["max_completion_tokens"] = *request.max_tokens;
    if (request.temperature) body["temperature"] = *request.temperature;
    if (request.top_p) body["top_p"] = *request.top_p;
    if (!request.stop.empty()) body["stop"] = request.stop;
    if (!request.reasoning_effort.empty()) body["reasoning_effort"] = request.reasoning_effort;
    if (!request.response_format.is_null()) body["response_format"] = request.response_format;
    return body;
}

std::unique_ptr<Provider> MakeOpenAiCompatibleProvider(UpstreamOptions options,
                                                       OpenAiEndpoint endpoint) {
    return std::make_unique<OpenAiCompatibleProvider>(std::move(options), std::move(endpoint));
}

}  // namespace oc::llm
