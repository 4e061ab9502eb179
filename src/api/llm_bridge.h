// What the LLM endpoints share (chat completions §8.1, inference:complete §8.3): body field
// readers, model resolution, finish/usage mapping, and the bridge that runs a provider call and
// turns each StreamSink delta into SSE frames on the client's BodyWriter as it arrives.
#pragma once

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

// Optional body fields: absent or null → nullopt; a value of the wrong type → 400 naming where.
Result<std::optional<std::string>> OptString(const Json& obj, const char* key,
                                             std::string_view where);
Result<std::optional<bool>> OptBool(const Json& obj, const char* key, std::string_view where);
Result<std::optional<double>> OptNumber(const Json& obj, const char* key, std::string_view where);
Result<std::optional<int64_t>> OptInt(const Json& obj, const char* key, std::string_view where);
Error BadField(std::string_view where, std::string_view what);

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
