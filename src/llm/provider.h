// The LLM provider interface: one chat request (messages, tools, tool choice, limits) in, a
// stream of text / thinking / tool-call deltas out, then the complete result with usage.
// Implementations: openai_compatible, anthropic, snowflake, offline (see model_registry.h).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::llm {

enum class Role { kSystem, kUser, kAssistant, kTool };

struct ToolCall {
    std::string id;    // provider's id (e.g. "call_1", "toolu_01"); generated when missing
    std::string name;
    Json arguments = Json::object();  // parsed JSON object
};

struct Message {
    Role role = Role::kUser;
    std::string text;                  // text content (may be empty for pure tool-call turns)
    std::vector<ToolCall> tool_calls;  // assistant turns that call tools
    std::string tool_call_id;          // kTool: the call this result answers
    std::string tool_name;             // kTool: name of the tool
    bool is_error = false;             // kTool: the tool failed
    std::string thinking;              // assistant reasoning to replay (Anthropic)
    std::string thinking_signature;
};

struct ToolDef {
    std::string name;
    std::string description;
    Json input_schema = Json::object();  // JSON Schema of the arguments
};

struct ToolChoice {
    enum class Kind { kAuto, kRequired, kNone, kTool };
    Kind kind = Kind::kAuto;
    std::vector<std::string> names;  // kTool: allowed tool names
};

struct ChatRequest {
    std::string model;  // upstream model id (already resolved by the registry)
    std::vector<Message> messages;
    std::vector<ToolDef> tools;
    ToolChoice tool_choice;
    std::optional<int64_t> max_tokens;
    std::optional<double> temperature;
    std::optional<double> top_p;
    std::string reasoning_effort;  // "", "low", "medium", "high"
    std::vector<std::string> stop;
    Json response_format;  // null = none; OpenAI response_format object otherwise
};

struct Usage {
    int64_t input_tokens = 0;
    int64_t output_tokens = 0;
    int64_t cache_read_tokens = 0;
    int64_t cache_write_tokens = 0;
};

struct ChatResult {
    std::string text;
    std::string thinking;
    std::string thinking_signature;
    std::vector<ToolCall> tool_calls;
    std::string finish_reason;  // "stop", "length", "tool_calls"
    Usage usage;
    std::string model;          // model id that answered
    Json metadata = Json::object();  // e.g. {"offline": true}
};

// Receives deltas as they arrive, on the thread that called Chat. Default: ignore.
class StreamSink {
public:
    virtual ~StreamSink() = default;
    virtual void OnText(std::string_view delta) {}
    virtual void OnThinking(std::string_view delta) {}
    // A tool call starts (index = position among this turn's calls); arguments follow as fragments.
    virtual void OnToolCallStart(int index, const std::string& id, const std::string& name) {}
    virtual void OnToolCallArguments(int index, std::string_view fragment) {}
};

// Cooperative cancellation shared between a run and its upstream call.
class CancelToken {
public:
    void Cancel() { cancelled_ = true; }
    bool cancelled() const { return cancelled_; }

private:
    std::atomic<bool> cancelled_{false};
};

class Provider {
public:
    virtual ~Provider() = default;
    // "openai_compatible", "anthropic", "snowflake", "offline".
    virtual std::string kind() const = 0;
    // Blocks until the answer is complete, calling sink (may be null) for each delta as it
    // arrives. Returns kCancelled soon after cancel is set (the upstream request is aborted),
    // kUnavailable / kResourceExhausted / kDeadlineExceeded with a clear message when the
    // upstream fails after retries. Thread-safe: one Provider serves concurrent calls.
    virtual Result<ChatResult> Chat(const ChatRequest& request, StreamSink* sink,
                                    const CancelToken& cancel) = 0;
};

}  // namespace oc::llm
