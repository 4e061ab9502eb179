// What the LLM endpoints share (chat completions §8.1, inference:complete §8.3): body field
// readers, model resolution, finish/usage mapping, and the bridge that runs a provider call and
// turns each StreamSink delta into SSE frames on the client's BodyWriter as it arrives.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/context.h"
#include "api/services.h"
#include "llm/model_registry.h"
#include "llm/provider.h"

namespace oc::api {

// A provider call ready to run.
struct LlmCall {
    llm::ResolvedModel model;
    llm::ChatRequest request;  // request.model is the upstream id once resolved
    std::string client_model;  // the name the client sent; echoed in every response
    bool stream = false;
    bool include_usage = false;  // chat completions: stream_options.include_usage
};

// Resolves name through services.models (400 naming the model when unknown; 503 when no
// registry is configured) and fills call->model, call->client_model and call->request.model.
Status ResolveCall(const Services& s, const std::string& name, LlmCall* call);

// The endpoint-specific readers of a request body (chat completions and inference:complete
// differ in message, tool and option shapes).
struct LlmBodyParsers {
    std::function<Result<std::vector<llm::Message>>(const Json& body)> messages;
    std::function<Result<std::vector<llm::ToolDef>>(const Json& body)> tools;
    std::function<Result<llm::ToolChoice>(const Json& body)> tool_choice;
    std::function<Status(const Json& body, llm::ChatRequest* req)> options;
};
// Reads a body in the order both endpoints share: model (required, into *model), messages,
// tools, tool_choice, the options, then stream (default_stream when absent). The caller reads its
// own extra fields, then resolves *model with ResolveCall.
Result<LlmCall> ParseLlmBody(const Json& body, const LlmBodyParsers& parsers, bool default_stream,
                             std::string* model);

// Optional body fields: absent or null → nullopt; a value of the wrong type → 400 naming where.
Result<std::optional<std::string>> OptString(const Json& obj, const char* key,
                                             std::string_view where);
Result<std::optional<bool>> OptBool(const Json& obj, const char* key, std::string_view where);
Result<std::optional<double>> OptNumber(const Json& obj, const char* key, std::string_view where);
Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key, std::string_view where);
Error BadField(std::string_view where, std::string_view what);
// "base[i]", the path of an array element in error messages.
std::string ElementPath(std::string_view base, size_t i);

// One tool definition from spec: name (required) and description strings at where.name and
// where.description; the input schema from spec[schema_key] (absent or null: an empty object
// schema; any other non-object: a 400 at where.<schema_key> when strict_schema, else ignored).
Result<llm::ToolDef> ParseToolSpec(const Json& spec, const std::string& where,
                                   const char* schema_key, bool strict_schema);
// body.tools (absent or null: no tools; not an array: 400), element i read by parse_one.
Result<std::vector<llm::ToolDef>> ParseToolArray(
    const Json& body, const std::function<Result<llm::ToolDef>(const Json&, size_t)>& parse_one);

// Normalises a provider finish reason to stop | length | tool_calls | content_filter.
std::string FinishReason(const llm::ChatResult& r);
// Tool-call arguments as the wire string (compact JSON).
std::string ArgumentsText(const llm::ToolCall& call);
// "data: <compact json>\n\n".
std::string SseData(const Json& payload);

// Formats one completion as SSE frames. Each method returns zero or more complete frames; all
// are called on one thread, in order: Begin, deltas..., then End or Failure.
class SseFormatter {
public:
    virtual ~SseFormatter() = default;
    virtual std::string Begin() { return {}; }
    virtual std::string Text(std::string_view delta) = 0;
    virtual std::string Thinking(std::string_view) { return {}; }
    virtual std::string ToolCallStart(int index, const std::string& id,
                                      const std::string& name) = 0;
    virtual std::string ToolCallArguments(int index, std::string_view fragment) = 0;
    // finish reason, usage and the terminator.
    virtual std::string End(const llm::ChatResult& result) = 0;
    // A failure after the headers were sent (the stream then closes without a terminator).
    virtual std::string Failure(const Error& e) = 0;
};

// A text/event-stream response whose body comes from the provider: the call runs on
// services.llm_pool (or, without one, on the server worker that starts the stream), each delta
// is written as soon as the provider emits it, and the upstream is cancelled (CancelToken) once
// the client disconnects. Deltas the provider did not stream are written before End.
net::HttpResponse StreamCompletion(const Services& s, LlmCall call,
                                   std::unique_ptr<SseFormatter> formatter);

// Runs the call on the calling thread and returns the whole answer (non-streaming requests).
Result<llm::ChatResult> RunCompletion(const LlmCall& call);

}  // namespace oc::api
