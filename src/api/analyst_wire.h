// The wire forms of one Analyst answer (reference agents-api.md §6.1, §6.2): the JSON
// SendMessageResponse and the SSE events of a streamed answer.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "tools/analyst/analyst_answer.h"

namespace oc::api {

// What goes with an answer besides its content.
struct AnalystEnvelope {
    std::string request_id;
    std::vector<std::string> warnings;
    Json response_metadata = Json::object();
    Json semantic_model_selection;  // null unless the request used semantic_models
};

// The content items of message.content: text, then sql or suggestions.
Json AnalystContent(const tools::analyst::AnalystAnswer& answer);

// The whole non-streaming body.
Json AnalystResponseJson(const tools::analyst::AnalystAnswer& answer,
                         const AnalystEnvelope& envelope);

// "event: <name>\ndata: <compact json>\n\n".
std::string SseEvent(const char* name, const Json& data);
std::string StatusEvent(const std::string& status, const std::string& message,
                        const std::string& request_id);

// Every event after the answer is known, in our order (§6.2): text delta, generating/validating
// status, sql delta (or generating_suggestions + one delta per suggestion), warnings,
// response_metadata, status done, done.
std::string AnswerEvents(const tools::analyst::AnalystAnswer& answer,
                         const AnalystEnvelope& envelope);

}  // namespace oc::api
