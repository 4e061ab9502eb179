// Cortex Analyst message and feedback (reference agents-api.md §6). The model is loaded, parsed
// and validated against the catalog before anything is sent, so bad YAML is a 400 naming line and
// key, a missing stage file or view a 404; only then does the answer stream (or return).
#include "api/analyst.h"

#include <memory>

#include "api/analyst_wire.h"
#include "api/llm_bridge.h"
#include "api/semantic_views.h"
#include "api/stages.h"
#include "llm/model_registry.h"
#include "store/duckdb/connection.h"
#include "store/repos/analyst_repo.h"
#include "store/system_store.h"
#include "tools/analyst/analyst_engine.h"
#include "tools/analyst/model_validator.h"
#include "tools/analyst/offline_sql.h"

namespace oc::api {
namespace {

namespace analyst = tools::analyst;

// One candidate model: which request field named it and its value.
struct ModelSource {
    std::string field;  // semantic_model_file | semantic_view | inline_semantic_model
    std::string value;
};

struct LoadedModel {
    analyst::ParsedModel parsed;
    analyst::PhysicalColumns physical;
    std::vector<analyst::ModelIssue> warnings;
};

Result<std::vector<analyst::ConversationTurn>> ParseMessages(const Json& body) {
    auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array() || messages->empty()) {
        return BadField("messages", "is required and must be a non-empty array");
    }
    std::vector<analyst::ConversationTurn> turns;
    for (size_t i = 0; i < messages->size(); ++i) {
        const Json& m = (*messages)[i];
        const std::string where = "messages[" + std::to_string(i) + "]";
        if (!m.is_object()) return BadField(where, "must be an object");
        auto role = m.find("role");
        std::string r = role != m.end() && role->is_string() ? role->get<std::string>() : "";
        if (r != "user" && r != "analyst")
            return BadField(where + ".role", "must be 'user' or 'analyst'");
        auto content = m.find("content");
        if (content == m.end() || !content->is_array())
            return BadField(where + ".content", "must be an array");
        analyst::ConversationTurn turn;
        turn.from_user = r == "user";
        for (const Json& item : *content) {
            if (!item.is_object()) return BadField(where + ".content", "items must be objects");
            std::string type = item.value("type", "");
            if (type == "text" && item.contains("text") && item["text"].is_string()) {
                turn.text += (turn.text.empty() ? "" : "\n") + item["text"].get<std::string>();
            } else if (type == "sql" && item.contains("statement") &&
                       item["statement"].is_string()) {
                turn.sql = item["statement"].get<std::string>();
            }
        }
        turns.push_back(std::move(turn));
    }
    if (!turns.back().from_user)
        return BadField("messages", "the last message must have role 'user'");
    if (turns.back().text.empty())
        return BadField("messages", "the last message must contain a text item");
    return turns;
}

// Exactly one model source (§6.1); semantic_models, when given, wins over the single fields.
Result<std::vector<ModelSource>> ParseSources(const Json& body, bool* multiple) {
    std::vector<ModelSource> out;
    *multiple = false;
    if (auto list = body.find("semantic_models"); list != body.end() && !list->is_null()) {
        if (!list->is_array() || list->empty())
            return BadField("semantic_models", "must be a non-empty array");
        for (size_t i = 0; i < list->size(); ++i) {
            const Json& item = (*list)[i];
            std::vector<ModelSource> found;
            for (const char* key :
                 {"semantic_model_file", "semantic_view", "inline_semantic_model"}) {
                if (item.is_object() && item.contains(key) && item[key].is_string())
                    found.push_back({key, item[key].get<std::string>()});
            }
            if (found.size() != 1) {
                return BadField("semantic_models[" + std::to_string(i) + "]",
                                "must hold exactly one of semantic_model_file, semantic_view, "
                                "inline_semantic_model");
            }
            out.push_back(found[0]);
        }
        *multiple = true;
        return out;
    }
    for (const auto& [key, field] : {std::pair{"semantic_model_file", "semantic_model_file"},
                                     std::pair{"semantic_model", "inline_semantic_model"},
                                     std::pair{"semantic_view", "semantic_view"}}) {
        auto it = body.find(key);
        if (it == body.end() || it->is_null()) continue;
        if (!it->is_string()) return BadField(key, "must be a string");
        out.push_back({field, it->get<std::string>()});
    }
    if (out.size() != 1) {
        return MakeError(
            ErrorCode::kInvalidArgument,
            "Exactly one of semantic_model_file, semantic_model, semantic_view or semantic_models "
            "must be given, got " +
                std::to_string(out.size()) + ".");
    }
    return out;
}

Result<std::shared_ptr<LoadedModel>> LoadModel(Services& s, const RequestContext& ctx,
                                               store::Connection& conn, const ModelSource& source) {
    std::string yaml;
    if (source.field == "semantic_model_file") {
        OC_ASSIGN_OR_RETURN(yaml, ReadStageFile(s, ctx, source.value));
    } else if (source.field == "semantic_view") {
        OC_ASSIGN_OR_RETURN(yaml, ReadSemanticView(s, ctx, source.value));
    } else {
        yaml = source.value;
    }
    auto loaded = std::make_shared<LoadedModel>();
    OC_ASSIGN_OR_RETURN(loaded->parsed, analyst::ParseSemanticModel(yaml));
    loaded->warnings = loaded->parsed.warnings;
    OC_ASSIGN_OR_RETURN(loaded->physical,
                        analyst::ValidateModel(loaded->parsed.model, conn, &loaded->warnings));
    return loaded;
}

// The analyst's LLM: [models."cortex-analyst"] when configured, else "auto"; with no models at all
// both resolve to the offline provider. *name is what response_metadata.model_names shows.
analyst::AnalystLlm ResolveLlm(const Services& s, std::string* name) {
    *name = "offline";
    if (!s.models) return {};
    auto resolved = s.models->Resolve("cortex-analyst");
    if (!resolved) resolved = s.models->Resolve("auto");
    if (!resolved || !resolved->provider || resolved->provider->kind() == "offline") return {};
    *name = resolved->name;
    return {resolved->provider, resolved->upstream_model};
}

// Everything one answer needs; shared with the stream callback, which outlives the handler.
struct Turn {
    Services* services = nullptr;
    std::shared_ptr<LoadedModel> model;
    std::vector<analyst::ConversationTurn> conversation;
    analyst::AnalystLlm llm;
    AnalystEnvelope envelope;
};

Result<analyst::AnalystAnswer> Answer(Turn& turn, const llm::CancelToken& cancel) {
    OC_ASSIGN_OR_RETURN(auto conn, turn.services->store->ConnectData());
    analyst::AnalystRequest req{&turn.model->parsed.model, &turn.model->physical,
                                turn.conversation};
    OC_ASSIGN_OR_RETURN(analyst::AnalystAnswer answer,
                        analyst::AnswerQuestion(req, turn.llm, *conn, cancel));
    for (const auto& w : answer.warnings) turn.envelope.warnings.push_back(w);
    turn.envelope.response_metadata["question_category"] = answer.question_category;
    return answer;
}

net::HttpResponse Stream(std::shared_ptr<Turn> turn) {
    net::HttpResponse resp;
    resp.content_type = "text/event-stream";
    resp.keepalive_chunk = ": keep-alive\n\n";
    resp.SetHeader("Cache-Control", "no-cache");
    resp.stream = [turn](std::shared_ptr<net::BodyWriter> writer) {
        const std::string& id = turn->envelope.request_id;
        writer->Write(StatusEvent("interpreting_question", "Interpreting question", id));
        llm::CancelToken cancel;
        auto answer = Answer(*turn, cancel);
        if (!answer) {
            auto body = ParseJson(ErrorResponse(id, answer.error()).body);
            Json err{
                {"message", (*body)["message"]}, {"code", (*body)["code"]}, {"request_id", id}};
            writer->Write(SseEvent("error", err));
        } else {
            writer->Write(AnswerEvents(*answer, turn->envelope));
        }
        writer->Close();
    };
    return resp;
}

Result<net::HttpResponse> Message(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    auto turn = std::make_shared<Turn>();
    turn->services = &s;
    turn->envelope.request_id = ctx.request_id;
    OC_ASSIGN_OR_RETURN(turn->conversation, ParseMessages(body));
    OC_ASSIGN_OR_RETURN(auto stream, OptBool(body, "stream", "stream"));
    OC_ASSIGN_OR_RETURN(auto operation, OptString(body, "operation", "operation"));
    if (operation && *operation != "sql_generation" && *operation != "answer_generation") {
        return BadField("operation",
                        "must be sql_generation or answer_generation, got '" + *operation + "'");
    }
    bool multiple = false;
    OC_ASSIGN_OR_RETURN(std::vector<ModelSource> sources, ParseSources(body, &multiple));
    OC_ASSIGN_OR_RETURN(auto conn, s.store->ConnectData());
    std::vector<std::shared_ptr<LoadedModel>> models;
    for (const ModelSource& source : sources) {
        OC_ASSIGN_OR_RETURN(auto loaded, LoadModel(s, ctx, *conn, source));
        models.push_back(std::move(loaded));
    }
    // Several candidates: the one that recognises most of the question (ties: the first).
    size_t chosen = 0;
    int best = -1;
    for (size_t i = 0; i < models.size() && multiple; ++i) {
        analyst::OfflineSqlGenerator probe(models[i]->parsed.model, &models[i]->physical);
        int score = probe.Recognition(turn->conversation.back().text);
        if (score > best) best = score, chosen = i;
    }
    turn->model = models[chosen];
    for (const auto& w : turn->model->warnings) turn->envelope.warnings.push_back(w.ToString());
    if (operation && *operation == "answer_generation") {
        turn->envelope.warnings.push_back(
            "operation answer_generation is not supported; returning SQL only.");
    }
    if (multiple) {
        turn->envelope.semantic_model_selection =
            Json{{"index", chosen},
                 {"identifier", Json{{sources[chosen].field, sources[chosen].value}}}};
    }
    std::string model_name;
    turn->llm = ResolveLlm(s, &model_name);
    turn->envelope.response_metadata = Json{{"model_names", Json::array({model_name})},
                                            {"question_category", "CLEAR_SQL"},
                                            {"cortex_search_retrieval", Json::array()}};
    if (stream.value_or(false))
        return Stream(std::move(turn));  // §9 item 8: Analyst defaults to false
    llm::CancelToken cancel;
    OC_ASSIGN_OR_RETURN(analyst::AnalystAnswer answer, Answer(*turn, cancel));
    return JsonResponse(AnalystResponseJson(answer, turn->envelope));
}

Result<net::HttpResponse> Feedback(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    store::AnalystFeedbackRecord f;
    auto request_id = body.find("request_id");
    if (request_id == body.end() || !request_id->is_string() ||
        request_id->get<std::string>().empty()) {
        return BadField("request_id", "is required and must be a non-empty string");
    }
    f.request_id = request_id->get<std::string>();
    auto positive = body.find("positive");
    if (positive == body.end() || !positive->is_boolean())
        return BadField("positive", "is required and must be a boolean");
    f.positive = positive->get<bool>();
    OC_ASSIGN_OR_RETURN(f.feedback_message,
                        OptString(body, "feedback_message", "feedback_message"));
    f.user_name = ctx.principal.user;
    f.role = ctx.principal.role;
    OC_TRY(store::AnalystRepo(*s.store).InsertFeedback(f));
    return StatusResponse("Request successfully completed");
}

}  // namespace

void RegisterAnalystRoutes(ApiRouter& r) {
    Services& s = r.services();
    r.Add("POST", "/api/v2/cortex/analyst/message", Wrap(s, Message));
    r.Add("POST", "/api/v2/cortex/analyst/feedback", Wrap(s, Feedback));
}

}  // namespace oc::api
