#include "fake_llm_wire.h"

#include <ctime>

namespace oc::testing {
namespace {

constexpr size_t kDefaultPieces = 3;

std::string ToolCallId(const FakeToolCall& call, const WireContext& context, size_t index,
                       const char* prefix) {
    if (!call.id.empty()) return call.id;
    return std::string(prefix) + std::to_string(context.sequence) + "_" + std::to_string(index + 1);
}

std::string Arguments(const FakeToolCall& call) {
    return call.arguments_json.empty() ? "{}" : call.arguments_json;
}

std::vector<std::string> TextPieces(const FakeReply& reply) {
    if (!reply.text_chunks.empty()) return reply.text_chunks;
    return SplitPieces(reply.text, kDefaultPieces);
}

// finish_reason in OpenAI terms; Anthropic names given by a script are mapped too.
std::string OpenAiFinish(const FakeReply& reply) {
    const std::string& f = reply.finish_reason;
    if (f.empty()) return reply.tool_calls.empty() ? "stop" : "tool_calls";
    if (f == "end_turn" || f == "stop_sequence") return "stop";
    if (f == "tool_use") return "tool_calls";
    if (f == "max_tokens") return "length";
    return f;
}

std::string AnthropicStop(const FakeReply& reply) {
    const std::string f = OpenAiFinish(reply);
    if (f == "stop") return "end_turn";
    if (f == "tool_calls") return "tool_use";
    if (f == "length") return "max_tokens";
    return f;
}

std::string Signature(const FakeReply& reply) {
    return reply.thinking_signature.empty() ? "fake-signature" : reply.thinking_signature;
}

Json OpenAiUsage(const FakeReply& reply) {
    return Json{{"prompt_tokens", reply.prompt_tokens},
                {"completion_tokens", reply.completion_tokens},
                {"total_tokens", reply.prompt_tokens + reply.completion_tokens}};
}

std::string DataFrame(const Json& value) { return "data: " + DumpJson(value) + "\n\n"; }

std::string EventFrame(const Json& value) {
    return "event: " + value["type"].get<std::string>() + "\ndata: " + DumpJson(value) + "\n\n";
}

// One chat.completion.chunk with a single choice carrying delta (and finish_reason).
Json OpenAiChunk(const WireContext& context, Json delta, const std::string& finish = "") {
    Json choice{{"index", 0}, {"delta", std::move(delta)}, {"logprobs", nullptr}};
    choice["finish_reason"] = finish.empty() ? Json(nullptr) : Json(finish);
    return Json{{"id", "chatcmpl-fake-" + std::to_string(context.sequence)},
                {"object", "chat.completion.chunk"},
                {"created", static_cast<int64_t>(std::time(nullptr))},
                {"model", context.model},
                {"system_fingerprint", "fp_fake"},
                {"choices", Json::array({std::move(choice)})}};
}

Json AnthropicInput(const FakeToolCall& call) {
    Json input = Json::parse(Arguments(call), nullptr, false);
    return input.is_discarded() ? Json::object() : input;
}

void AddBlockFrames(std::vector<std::string>& frames, int index, Json start,
                    const std::vector<Json>& deltas) {
    frames.push_back(EventFrame(Json{
        {"type", "content_block_start"}, {"index", index}, {"content_block", std::move(start)}}));
    for (const Json& delta : deltas) {
        frames.push_back(
            EventFrame(Json{{"type", "content_block_delta"}, {"index", index}, {"delta", delta}}));
    }
    frames.push_back(EventFrame(Json{{"type", "content_block_stop"}, {"index", index}}));
}

}  // namespace

std::vector<std::string> SplitPieces(std::string_view text, size_t pieces) {
    std::vector<std::string> out;
    if (text.empty() || pieces == 0) return out;
    const size_t step = (text.size() + pieces - 1) / pieces;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t end = std::min(text.size(), pos + step);
        while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
        out.emplace_back(text.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

std::string OpenAiBody(const FakeReply& reply, const WireContext& context) {
    Json message{{"role", "assistant"}};
    message["content"] =
        reply.text.empty() && !reply.tool_calls.empty() ? Json(nullptr) : Json(reply.text);
    if (!reply.thinking.empty()) message["reasoning_content"] = reply.thinking;
    if (!reply.tool_calls.empty()) {
        Json calls = Json::array();
        for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
            const FakeToolCall& call = reply.tool_calls[i];
            calls.push_back(
                Json{{"id", ToolCallId(call, context, i, "call_fake_")},
                     {"type", "function"},
                     {"function", {{"name", call.name}, {"arguments", Arguments(call)}}}});
        }
        message["tool_calls"] = std::move(calls);
    }
    Json body{{"id", "chatcmpl-fake-" + std::to_string(context.sequence)},
              {"object", "chat.completion"},
              {"created", static_cast<int64_t>(std::time(nullptr))},
              {"model", context.model},
              {"system_fingerprint", "fp_fake"},
              {"choices", Json::array({Json{{"index", 0},
                                            {"message", std::move(message)},
                                            {"logprobs", nullptr},
                                            {"finish_reason", OpenAiFinish(reply)}}})},
              {"usage", OpenAiUsage(reply)}};
    return DumpJson(body);
}

std::vector<std::string> OpenAiFrames(const FakeReply& reply, const WireContext& context) {
    std::vector<std::string> frames;
    frames.push_back(DataFrame(OpenAiChunk(context, Json{{"role", "assistant"}, {"content", ""}})));
    for (const std::string& piece : SplitPieces(reply.thinking, kDefaultPieces)) {
        frames.push_back(DataFrame(OpenAiChunk(context, Json{{"reasoning_content", piece}})));
    }
    for (const std::string& piece : TextPieces(reply)) {
        frames.push_back(DataFrame(OpenAiChunk(context, Json{{"content", piece}})));
    }
    for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
        const FakeToolCall& call = reply.tool_calls[i];
        Json head{{"index", i},
                  {"id", ToolCallId(call, context, i, "call_fake_")},
                  {"type", "function"},
                  {"function", {{"name", call.name}, {"arguments", ""}}}};
        frames.push_back(
            DataFrame(OpenAiChunk(context, Json{{"tool_calls", Json::array({head})}})));
        for (const std::string& piece : SplitPieces(Arguments(call), kDefaultPieces)) {
            Json fragment{{"index", i}, {"function", {{"arguments", piece}}}};
            frames.push_back(
                DataFrame(OpenAiChunk(context, Json{{"tool_calls", Json::array({fragment})}})));
        }
    }
    frames.push_back(DataFrame(OpenAiChunk(context, Json::object(), OpenAiFinish(reply))));
    if (context.include_usage) {
        Json usage = OpenAiChunk(context, Json::object());
        usage["choices"] = Json::array();
        usage["usage"] = OpenAiUsage(reply);
        frames.push_back(DataFrame(usage));
    }
    frames.push_back("data: [DONE]\n\n");
    return frames;
}

std::string AnthropicBody(const FakeReply& reply, const WireContext& context) {
    Json content = Json::array();
    if (!reply.thinking.empty()) {
        content.push_back(Json{
            {"type", "thinking"}, {"thinking", reply.thinking}, {"signature", Signature(reply)}});
    }
    if (!reply.text.empty()) content.push_back(Json{{"type", "text"}, {"text", reply.text}});
    for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
        const FakeToolCall& call = reply.tool_calls[i];
        content.push_back(Json{{"type", "tool_use"},
                               {"id", ToolCallId(call, context, i, "toolu_fake_")},
                               {"name", call.name},
                               {"input", AnthropicInput(call)}});
    }
    Json body{
        {"id", "msg_fake_" + std::to_string(context.sequence)},
        {"type", "message"},
        {"role", "assistant"},
        {"model", context.model},
        {"content", std::move(content)},
        {"stop_reason", AnthropicStop(reply)},
        {"stop_sequence", nullptr},
        {"usage",
         {{"input_tokens", reply.prompt_tokens}, {"output_tokens", reply.completion_tokens}}}};
    return DumpJson(body);
}

std::vector<std::string> AnthropicFrames(const FakeReply& reply, const WireContext& context) {
    std::vector<std::string> frames;
    Json message{{"id", "msg_fake_" + std::to_string(context.sequence)},
                 {"type", "message"},
                 {"role", "assistant"},
                 {"model", context.model},
                 {"content", Json::array()},
                 {"stop_reason", nullptr},
                 {"stop_sequence", nullptr},
                 {"usage", {{"input_tokens", reply.prompt_tokens}, {"output_tokens", 1}}}};
    frames.push_back(EventFrame(Json{{"type", "message_start"}, {"message", std::move(message)}}));
    frames.push_back(EventFrame(Json{{"type", "ping"}}));
    int index = 0;
    if (!reply.thinking.empty()) {
        std::vector<Json> deltas;
        for (const std::string& piece : SplitPieces(reply.thinking, kDefaultPieces)) {
            deltas.push_back(Json{{"type", "thinking_delta"}, {"thinking", piece}});
        }
        deltas.push_back(Json{{"type", "signature_delta"}, {"signature", Signature(reply)}});
        AddBlockFrames(frames, index++,
                       Json{{"type", "thinking"}, {"thinking", ""}, {"signature", ""}}, deltas);
    }
    const std::vector<std::string> text = TextPieces(reply);
    if (!text.empty()) {
        std::vector<Json> deltas;
        for (const std::string& piece : text)
            deltas.push_back(Json{{"type", "text_delta"}, {"text", piece}});
        AddBlockFrames(frames, index++, Json{{"type", "text"}, {"text", ""}}, deltas);
    }
    for (size_t i = 0; i < reply.tool_calls.size(); ++i) {
        const FakeToolCall& call = reply.tool_calls[i];
        std::vector<Json> deltas;
        for (const std::string& piece : SplitPieces(Arguments(call), kDefaultPieces)) {
            deltas.push_back(Json{{"type", "input_json_delta"}, {"partial_json", piece}});
        }
        Json start{{"type", "tool_use"},
                   {"id", ToolCallId(call, context, i, "toolu_fake_")},
                   {"name", call.name},
                   {"input", Json::object()}};
        AddBlockFrames(frames, index++, std::move(start), deltas);
    }
    frames.push_back(EventFrame(Json{
        {"type", "message_delta"},
        {"delta", {{"stop_reason", AnthropicStop(reply)}, {"stop_sequence", nullptr}}},
        {"usage",
         {{"input_tokens", reply.prompt_tokens}, {"output_tokens", reply.completion_tokens}}}}));
    frames.push_back(EventFrame(Json{{"type", "message_stop"}}));
    return frames;
}

std::string ErrorBody(const FakeReply& reply, bool anthropic) {
    if (!reply.error_body.empty()) return reply.error_body;
    const char* type = reply.status == 429   ? "rate_limit_error"
                       : reply.status == 401 ? "authentication_error"
                       : reply.status == 400 ? "invalid_request_error"
                       : reply.status == 529 ? "overloaded_error"
                                             : "api_error";
    const std::string message = "fake error (HTTP " + std::to_string(reply.status) + ")";
    if (anthropic) {
        return DumpJson(Json{{"type", "error"}, {"error", {{"type", type}, {"message", message}}}});
    }
    return DumpJson(Json{
        {"error", {{"message", message}, {"type", type}, {"param", nullptr}, {"code", nullptr}}}});
}

std::string MalformedFrame(bool anthropic) {
    if (anthropic)
        return "event: content_block_delta\ndata: {\"type\": \"content_block_delta\", oops\n\n";
    return "data: {\"id\": \"chatcmpl-fake\", \"choices\": [oops\n\n";
}

}  // namespace oc::testing
