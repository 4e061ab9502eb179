// Anthropic messages: request body mapping (content blocks, tools, thinking), the SSE event
// decoder, and the Provider around them.
#include "llm/anthropic.h"

#include <map>
#include <utility>

#include "net/client/sse_parser.h"

namespace oc::llm {
namespace {

constexpr int64_t kDefaultMaxTokens = 4096;

int64_t ThinkingBudget(const std::string& effort) {
    if (effort == "minimal" || effort == "low") return 1024;
    if (effort == "high") return 16384;
    return 4096;
}

bool ForcesTool(const ToolChoice& choice) {
    return choice.kind == ToolChoice::Kind::kRequired || choice.kind == ToolChoice::Kind::kTool;
}

// Appends a content block to the last message when it has the same role (the API wants
// alternating roles: consecutive tool results and user text share one user message).
void AppendBlock(Json& messages, const char* role, Json block) {
    if (!messages.empty() && messages.back()["role"] == role) {
        messages.back()["content"].push_back(std::move(block));
        return;
    }
    messages.push_back({{"role", role}, {"content", Json::array({std::move(block)})}});
}

void AppendMessage(Json& messages, const Message& m) {
    switch (m.role) {
        case Role::kSystem: return;  // collected into "system"
        case Role::kUser:
            AppendBlock(messages, "user",
                        {{"type", "text"}, {"text", m.text.empty() ? "(empty message)" : m.text}});
            return;
        case Role::kTool: {
            Json block = {
                {"type", "tool_result"}, {"tool_use_id", m.tool_call_id}, {"content", m.text}};
            if (m.is_error) block["is_error"] = true;
            AppendBlock(messages, "user", std::move(block));
            return;
        }
        case Role::kAssistant:
            if (!m.thinking.empty() && !m.thinking_signature.empty()) {
                AppendBlock(messages, "assistant",
                            {{"type", "thinking"},
                             {"thinking", m.thinking},
                             {"signature", m.thinking_signature}});
            }
            if (!m.text.empty())
                AppendBlock(messages, "assistant", {{"type", "text"}, {"text", m.text}});
            for (const ToolCall& call : m.tool_calls) {
                AppendBlock(messages, "assistant",
                            {{"type", "tool_use"},
                             {"id", call.id},
                             {"name", call.name},
                             {"input", call.arguments}});
            }
            return;
    }
}

Json ToolChoiceJson(const ToolChoice& choice) {
    switch (choice.kind) {
        case ToolChoice::Kind::kAuto: return {{"type", "auto"}};
        case ToolChoice::Kind::kRequired: return {{"type", "any"}};
        case ToolChoice::Kind::kNone: return {{"type", "none"}};
        case ToolChoice::Kind::kTool:
            if (choice.names.size() == 1) return {{"type", "tool"}, {"name", choice.names.front()}};
            return {{"type", "any"}};
    }
    return {{"type", "auto"}};
}

std::string MapStopReason(const std::string& reason) {
    if (reason == "end_turn" || reason == "stop_sequence" || reason.empty()) return "stop";
    if (reason == "max_tokens") return "length";
    if (reason == "tool_use") return "tool_calls";
    return reason;
}

// Decodes the event stream of one answer.
class AnthropicStream {
public:
    AnthropicStream(StreamSink* sink, std::string label)
        : sink_(sink),
          label_(std::move(label)),
          parser_([this](const net::SseEvent& e) { return OnEvent(e); }) {}

    Status Feed(std::string_view bytes) { return parser_.Feed(bytes); }

    Result<ChatResult> Finish(const std::string& requested_model) {
        OC_TRY(parser_.Finish());
        if (!done_ && stop_reason_.empty()) {
            return MakeError(ErrorCode::kUnavailable,
                             label_ + " upstream closed the stream before the answer was complete");
        }
        for (PendingCall& call : calls_) {
            Json args;
            if (call.arguments.empty() && call.initial_input.is_object()) {
                args = std::move(call.initial_input);
            } else {
                OC_ASSIGN_OR_RETURN(args, ParseToolArguments(label_, call.name, call.arguments));
            }
            result_.tool_calls.push_back(ToolCall{call.id, call.name, std::move(args)});
        }
        result_.finish_reason = MapStopReason(stop_reason_);
        if (result_.finish_reason == "stop" && !result_.tool_calls.empty())
            result_.finish_reason = "tool_calls";
        if (result_.model.empty()) result_.model = requested_model;
        return std::move(result_);
    }

private:
    enum class BlockKind { kText, kThinking, kToolUse, kOther };
    struct PendingCall {
        std::string id;
        std::string name;
        std::string arguments;
        Json initial_input;
    };

    Status OnEvent(const net::SseEvent& event) {
        Json data = Json::parse(event.data, nullptr, false);
        if (data.is_discarded() || !data.is_object())
            return MalformedChunk(label_, "event data is not a JSON object");
        std::string type = StringField(data, "type");
        if (type.empty()) type = event.event;
        if (type == "message_start") return OnMessageStart(data);
        if (type == "content_block_start") return OnBlockStart(data);
        if (type == "content_block_delta") return OnBlockDelta(data);
        if (type == "message_delta") return OnMessageDelta(data);
        if (type == "message_stop") done_ = true;
        if (type == "error") return ErrorEvent(data);
        return {};  // ping, content_block_stop, and future event types
    }

    Status OnMessageStart(const Json& data) {
        const Json& message = data.contains("message") ? data["message"] : data;
        if (!message.is_object()) return MalformedChunk(label_, "message_start without a message");
        if (message.contains("model") && message["model"].is_string())
            result_.model = message["model"].get<std::string>();
        if (message.contains("usage")) ReadUsage(message["usage"]);
        return {};
    }

    Status OnBlockStart(const Json& data) {
        const Json* block = data.contains("content_block") ? &data["content_block"] : nullptr;
        if (!block || !block->is_object() || !data.contains("index")) {
            return MalformedChunk(label_, "content_block_start without index or content_block");
        }
        const std::string type = StringField(*block, "type");
        const int64_t index = IntField(data, "index");
        if (type == "text") {
            blocks_[index] = {BlockKind::kText, -1};
            return EmitText(StringField(*block, "text"));
        }
        if (type == "thinking") {
            blocks_[index] = {BlockKind::kThinking, -1};
            return EmitThinking(StringField(*block, "thinking"));
        }
        if (type != "tool_use") {
            blocks_[index] = {BlockKind::kOther,
                              -1};  // redacted_thinking, server tools: not replayed
            return {};
        }
        const std::string id = StringField(*block, "id");
        const std::string name = StringField(*block, "name");
        if (name.empty()) return MalformedChunk(label_, "tool_use block without a name");
        const int call_index = static_cast<int>(calls_.size());
        calls_.push_back({id.empty() ? "toolu_" + std::to_string(call_index + 1) : id, name, "",
                          block->contains("input") ? (*block)["input"] : Json()});
        blocks_[index] = {BlockKind::kToolUse, call_index};
        if (sink_) sink_->OnToolCallStart(call_index, calls_.back().id, name);
        return {};
    }

    Status OnBlockDelta(const Json& data) {
        auto it = blocks_.find(IntField(data, "index"));
        if (it == blocks_.end() || !data.contains("delta") || !data["delta"].is_object()) {
            return MalformedChunk(label_, "content_block_delta for an unknown block");
        }
        const Json& delta = data["delta"];
        const std::string type = StringField(delta, "type");
        auto text_of = [&](const char* key) -> Result<std::string> {
            if (!delta.contains(key) || !delta[key].is_string()) {
                return MalformedChunk(label_, type + " without a string " + key);
            }
            return delta[key].get<std::string>();
        };
        if (type == "text_delta") {
            OC_ASSIGN_OR_RETURN(std::string text, text_of("text"));
            return EmitText(text);
        }
        if (type == "thinking_delta") {
            OC_ASSIGN_OR_RETURN(std::string thinking, text_of("thinking"));
            return EmitThinking(thinking);
        }
        if (type == "signature_delta") {
            OC_ASSIGN_OR_RETURN(std::string signature, text_of("signature"));
            result_.thinking_signature += signature;
            return {};
        }
        if (type == "input_json_delta") {
            if (it->second.kind != BlockKind::kToolUse)
                return MalformedChunk(label_, "input_json_delta outside tool_use");
            OC_ASSIGN_OR_RETURN(std::string fragment, text_of("partial_json"));
            calls_[it->second.call_index].arguments += fragment;
            if (sink_ && !fragment.empty())
                sink_->OnToolCallArguments(it->second.call_index, fragment);
        }
        return {};
    }

    Status OnMessageDelta(const Json& data) {
        if (data.contains("delta") && data["delta"].is_object()) {
            const Json& delta = data["delta"];
            if (delta.contains("stop_reason") && delta["stop_reason"].is_string()) {
                stop_reason_ = delta["stop_reason"].get<std::string>();
            }
        }
        if (data.contains("usage")) ReadUsage(data["usage"]);
        return {};
    }

    Status ErrorEvent(const Json& data) {
        const Json& error = data.contains("error") ? data["error"] : data;
        std::string type = StringField(error, "type");
        if (type.empty()) type = "error";
        const std::string message = StringField(error, "message");
        const ErrorCode code =
            type == "rate_limit_error" ? ErrorCode::kResourceExhausted : ErrorCode::kUnavailable;
        return MakeError(
            code, label_ + " upstream reported " + type + " mid-stream: " + message.substr(0, 500));
    }

    Status EmitText(const std::string& text) {
        if (text.empty()) return {};
        result_.text += text;
        if (sink_) sink_->OnText(text);
        return {};
    }

    Status EmitThinking(const std::string& thinking) {
        if (thinking.empty()) return {};
        result_.thinking += thinking;
        if (sink_) sink_->OnThinking(thinking);
        return {};
    }

    // Fields present overwrite: message_delta carries cumulative counts.
    void ReadUsage(const Json& usage) {
        if (!usage.is_object()) return;
        auto read = [&](const char* key, int64_t* out) {
            if (usage.contains(key) && usage[key].is_number()) *out = IntField(usage, key);
        };
        read("input_tokens", &result_.usage.input_tokens);
        read("output_tokens", &result_.usage.output_tokens);
        read("cache_read_input_tokens", &result_.usage.cache_read_tokens);
        read("cache_creation_input_tokens", &result_.usage.cache_write_tokens);
    }

    struct Block {
        BlockKind kind = BlockKind::kOther;
        int call_index = -1;
    };

    StreamSink* sink_;
    std::string label_;
    net::SseParser parser_;
    bool done_ = false;
    std::string stop_reason_;
    ChatResult result_;
    std::map<int64_t, Block> blocks_;  // by the stream's content block index
    std::vector<PendingCall> calls_;
};

class AnthropicProvider : public Provider {
public:
    explicit AnthropicProvider(UpstreamOptions options)
        : options_(std::move(options)), url_(JoinUrl(options_.base_url, "/v1/messages")) {}

    std::string kind() const override { return "anthropic"; }

    Result<ChatResult> Chat(const ChatRequest& request, StreamSink* sink,
                            const CancelToken& cancel) override {
        if (cancel.cancelled()) return Cancelled();
        std::vector<std::pair<std::string, std::string>> headers = {
            {"anthropic-version", "2023-06-01"}};
        if (!options_.api_key.empty()) headers.emplace_back("x-api-key", options_.api_key);
        AnthropicStream stream(sink, "anthropic");
        Status sent = PostStream(options_, url_, std::move(headers), BuildAnthropicBody(request),
                                 cancel, "anthropic",
                                 [&stream](std::string_view bytes) { return stream.Feed(bytes); });
        if (cancel.cancelled()) return Cancelled();
        OC_TRY(sent);
        return stream.Finish(request.model);
    }

private:
    static Error Cancelled() {
        return MakeError(ErrorCode::kCancelled, "anthropic request was cancelled");
    }

    const UpstreamOptions options_;
    const std::string url_;
};

}  // namespace

Json BuildAnthropicBody(const ChatRequest& request) {
    Json body = Json::object();
    body["model"] = request.model;
    std::string system;
    Json messages = Json::array();
    for (const Message& m : request.messages) {
        if (m.role == Role::kSystem && !m.text.empty())
            system += (system.empty() ? "" : "\n\n") + m.text;
        AppendMessage(messages, m);
    }
    if (!request.response_format.is_null() && request.response_format.contains("json_schema")) {
        system += (system.empty() ? "" : "\n\n") +
                  std::string("Answer with JSON only, matching this schema: ") +
                  DumpJson(request.response_format["json_schema"]);
    }
    int64_t max_tokens = request.max_tokens.value_or(kDefaultMaxTokens);
    const bool thinking = !request.reasoning_effort.empty() && !ForcesTool(request.tool_choice);
    if (thinking) {
        const int64_t budget = ThinkingBudget(request.reasoning_effort);
        if (max_tokens <= budget) max_tokens += budget;
        body["thinking"] = {{"type", "enabled"}, {"budget_tokens", budget}};
    }
    body["max_tokens"] = max_tokens;
    if (!system.empty()) body["system"] = system;
    body["messages"] = std::move(messages);
    const std::vector<const ToolDef*> offered = OfferedTools(request);
    if (!offered.empty()) {
        Json tools = Json::array();
        for (const ToolDef* tool : offered) {
            Json schema = tool->input_schema.is_object() && !tool->input_schema.empty()
                              ? tool->input_schema
                              : Json{{"type", "object"}, {"properties", Json::object()}};
            tools.push_back({{"name", tool->name},
                             {"description", tool->description},
                             {"input_schema", schema}});
        }
        body["tools"] = std::move(tools);
        body["tool_choice"] = ToolChoiceJson(request.tool_choice);
    }
    if (!thinking && request.temperature)
        body["temperature"] = *request.temperature;  // thinking requires the default
    if (!thinking && request.top_p) body["top_p"] = *request.top_p;
    if (!request.stop.empty()) body["stop_sequences"] = request.stop;
    body["stream"] = true;
    return body;
}

std::unique_ptr<Provider> MakeAnthropicProvider(UpstreamOptions options) {
    return std::make_unique<AnthropicProvider>(std::move(options));
}

}  // namespace oc::llm
