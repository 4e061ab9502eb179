#include "api/analyst_wire.h"

namespace oc::api {
namespace {

namespace analyst = tools::analyst;

Json VerifiedQueryJson(const analyst::VerifiedQuery& vq) {
    Json j{{"name", vq.name}, {"question", vq.question}, {"sql", vq.sql}};
    if (vq.verified_at) j["verified_at"] = *vq.verified_at;
    if (!vq.verified_by.empty()) j["verified_by"] = vq.verified_by;
    return j;
}

// §6.1: confidence.verified_query_used is the verified query or null.
Json Confidence(const analyst::AnalystAnswer& a) {
    return Json{
        {"verified_query_used", a.verified_query ? VerifiedQueryJson(*a.verified_query) : Json()}};
}

Json WarningsJson(const std::vector<std::string>& warnings) {
    Json out = Json::array();
    for (const auto& w : warnings) out.push_back(Json{{"message", w}});
    return out;
}

}  // namespace

Json AnalystContent(const analyst::AnalystAnswer& a) {
    Json content = Json::array();
    content.push_back(Json{{"type", "text"}, {"text", a.text}});
    if (!a.sql.empty()) {
        content.push_back(
            Json{{"type", "sql"}, {"statement", a.sql}, {"confidence", Confidence(a)}});
    } else if (!a.suggestions.empty()) {
        content.push_back(Json{{"type", "suggestions"}, {"suggestions", a.suggestions}});
    }
    return content;
}

Json AnalystResponseJson(const analyst::AnalystAnswer& a, const AnalystEnvelope& e) {
    Json body{{"request_id", e.request_id},
              {"message", Json{{"role", "analyst"}, {"content", AnalystContent(a)}}},
              {"warnings", WarningsJson(e.warnings)},
              {"response_metadata", e.response_metadata}};
    if (!e.semantic_model_selection.is_null())
        body["semantic_model_selection"] = e.semantic_model_selection;
    return body;
}

std::string SseEvent(const char* name, const Json& data) {
    return std::string("event: ") + name + "\ndata: " + DumpJson(data) + "\n\n";
}

std::string StatusEvent(const std::string& status, const std::string& message,
                        const std::string& request_id) {
    return SseEvent(
        "status",
        Json{{"status", status}, {"status_message", message}, {"request_id", request_id}});
}

std::string AnswerEvents(const analyst::AnalystAnswer& a, const AnalystEnvelope& e) {
    std::string out = SseEvent("message.content.delta",
                               Json{{"index", 0}, {"type", "text"}, {"text_delta", a.text}});
    out += StatusEvent("generating_sql", "Generating SQL", e.request_id);
    if (!a.sql.empty()) {
        out += StatusEvent("validating_sql", "Validating SQL", e.request_id);
        out += SseEvent("message.content.delta", Json{{"index", 1},
                                                      {"type", "sql"},
                                                      {"statement_delta", a.sql},
                                                      {"confidence", Confidence(a)}});
    } else if (!a.suggestions.empty()) {
        out += StatusEvent("generating_suggestions", "Generating suggestions", e.request_id);
        for (size_t k = 0; k < a.suggestions.size(); ++k) {
            out += SseEvent("message.content.delta",
                            Json{{"index", 1},
                                 {"type", "suggestions"},
                                 {"suggestions_delta",
                                  Json{{"index", k}, {"suggestion_delta", a.suggestions[k]}}}});
        }
    }
    if (!e.warnings.empty())
        out += SseEvent("warnings", Json{{"warnings", WarningsJson(e.warnings)}});
    out += SseEvent("response_metadata", e.response_metadata);
    out += StatusEvent("done", "Done", e.request_id);
    out += SseEvent("done", Json("done"));
    return out;
}

}  // namespace oc::api
