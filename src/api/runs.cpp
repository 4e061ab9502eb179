// Agent runs (reference agents-api.md §3): :run on a stored agent or inline, reconnect with
// replay, cancel. Validation errors are ordinary error bodies; once the stream started, failures
// are `error` events. Runs execute on the runner's own threads, never on the HTTP workers.
#include "api/runs.h"

#include <charconv>
#include <chrono>

#include "api/agent_spec.h"
#include "api/path_params.h"
#include "common/text.h"
#include "llm/model_registry.h"
#include "runtime/agent_runner.h"
#include "store/catalog.h"
#include "store/repos/agent_repo.h"

namespace oc::api {
namespace {

using runtime::Run;

// stream:false waits this long on the HTTP worker for a quick answer (with its real HTTP
// status); a slower run answers 200 and writes its JSON body when it ends.
constexpr auto kJsonInlineWait = std::chrono::milliseconds(2000);
constexpr auto kCancelWait = std::chrono::seconds(10);
constexpr const char* kKeepAlive = ": keep-alive\n\n";

Error Invalid(const std::string& message) { return MakeError(ErrorCode::kInvalidArgument, message); }

Result<runtime::AgentRunner*> Runner(Services& s) {
    if (s.runs == nullptr || s.models == nullptr) {
        return MakeError(ErrorCode::kUnavailable, "Agent runs are not available.");
    }
    return s.runs;
}

// An int64 field given as a JSON integer or a string of digits; nullopt when absent/null.
Result<std::optional<int64_t>> Int64Field(const Json& body, const char* key) {
    auto it = body.find(key);
    if (it == body.end() || it->is_null()) return std::optional<int64_t>();
    if (it->is_number_integer()) return std::optional<int64_t>(it->get<int64_t>());
    if (it->is_string()) {
        const std::string& s = it->get_ref<const std::string&>();
        int64_t v = 0;
        auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return std::optional<int64_t>(v);
    }
    return Invalid(std::string(key) + " must be an integer");
}

// Streams when `stream` says so; when absent, unless Accept rules out text/event-stream.
Result<bool> WantsStream(const Json& body, const net::HttpRequest& req) {
    auto it = body.find("stream");
    if (it != body.end() && !it->is_null()) {
        if (!it->is_boolean()) return Invalid("stream must be a boolean");
        return it->get<bool>();
    }
    std::string accept = ToLowerAscii(req.Header("accept"));
    return accept.empty() || accept.find("text/event-stream") != std::string::npos ||
           accept.find("*/*") != std::string::npos || accept.find("text/*") != std::string::npos;
}

// The run request common to both endpoints, given the effective agent spec.
Result<runtime::AgentRunRequest> BuildRequest(Services& s, const RequestContext& ctx, const Json& body,
                                              Json spec) {
    runtime::AgentRunRequest request;
    if (!body.contains("messages") || !body["messages"].is_array() || body["messages"].empty()) {
        return Invalid("messages must be a non-empty array");
    }
    request.messages = body["messages"];
    OC_ASSIGN_OR_RETURN(auto thread_id, Int64Field(body, "thread_id"));
    OC_ASSIGN_OR_RETURN(auto parent_id, Int64Field(body, "parent_message_id"));
    if (thread_id.has_value() != parent_id.has_value()) {
        return Invalid("thread_id and parent_message_id must be given together");
    }
    request.thread_id = thread_id;
    request.parent_message_id = parent_id.value_or(0);
    OC_ASSIGN_OR_RETURN(request.tool_choice,
                        runtime::ParseToolChoice(body.value("tool_choice", Json()), spec));
    std::string model = "auto";
    Json models = spec.value("models", Json::object());
    if (models.is_object() && models.contains("orchestration")) {
        if (!models["orchestration"].is_string()) return Invalid("models.orchestration must be a string");
        model = models["orchestration"].get<std::string>();
    }
    auto resolved = s.models->Resolve(model);
    if (!resolved) {
        return Invalid(resolved.error().message.empty()
                           ? "Model '" + model + "' is not available."
                           : resolved.error().message);
    }
    request.provider = resolved->provider;
    request.upstream_model = resolved->upstream_model;
    request.model_name = model;
    request.agent_spec = std::move(spec);
    request.request_id = ctx.request_id;
    request.user = ctx.principal.user;
    return request;
}

// The JSON answer of a finished run: the final response, or the error with an HTTP status.
net::HttpResponse FinishedJson(const RequestContext& ctx, Run& run) {
    if (run.status() == runtime::RunStatus::kFailed) {
        Json error = run.error();
        std::string message = error.is_object() ? error.value("message", "The run failed.") : "The run failed.";
        return ErrorResponse(ctx, MakeError(ErrorCode::kUnavailable, message, runtime::kRunErrorCode));
    }
    return JsonResponse(run.final_response());
}

// SSE: every event from the start; a client that goes away cancels the run.
net::HttpResponse StreamResponse(Services& s, std::shared_ptr<Run> run, int64_t after, bool cancel_on_disconnect) {
    net::HttpResponse resp;
    resp.content_type = "text/event-stream";
    resp.keepalive_seconds = 15;
    resp.keepalive_chunk = kKeepAlive;
    runtime::RunRegistry* registry = &s.runs->registry();
    resp.stream = [run, after, cancel_on_disconnect, registry](std::shared_ptr<net::BodyWriter> writer) {
        if (cancel_on_disconnect) registry->CancelWhen(run, [writer] { return writer->Cancelled(); });
        Run* raw = run.get();
        run->Subscribe(after, {[writer, raw, cancel_on_disconnect](const runtime::RunEvent& e) {
                                   if (writer->Write(runtime::RenderSse(e))) return true;
                                   if (cancel_on_disconnect) raw->Cancel();
                                   return false;
                               },
                               [writer] { writer->Close(); }});
    };
    return resp;
}

// stream:false: the final response as one JSON body.
net::HttpResponse JsonAnswer(Services& s, const RequestContext& ctx, const std::shared_ptr<Run>& run) {
    if (run->WaitFinished(kJsonInlineWait)) return FinishedJson(ctx, *run);
    net::HttpResponse resp;
    resp.keepalive_seconds = 15;
    resp.keepalive_chunk = " ";  // JSON allows leading whitespace; it detects a gone client
    runtime::RunRegistry* registry = &s.runs->registry();
    resp.stream = [run, registry](std::shared_ptr<net::BodyWriter> writer) {
        registry->CancelWhen(run, [writer] { return writer->Cancelled(); });
        Run* raw = run.get();
        run->Subscribe(0, {[](const runtime::RunEvent&) { return true; },
                           [writer, raw] {
                               Json body = raw->final_response();
                               if (raw->status() == runtime::RunStatus::kFailed) body = raw->error();
                               writer->Write(DumpJson(body));
                               writer->Close();
                           }});
    };
    return resp;
}

Result<net::HttpResponse> StartRun(Services& s, RequestContext& ctx, const Json& body, Json spec) {
    OC_ASSIGN_OR_RETURN(runtime::AgentRunner * runner, Runner(s));
    OC_ASSIGN_OR_RETURN(bool stream, WantsStream(body, ctx.req));
    OC_ASSIGN_OR_RETURN(runtime::AgentRunRequest request, BuildRequest(s, ctx, body, std::move(spec)));
    OC_ASSIGN_OR_RETURN(std::shared_ptr<Run> run, runner->Start(std::move(request)));
    return stream ? StreamResponse(s, std::move(run), 0, true) : JsonAnswer(s, ctx, std::move(run));
}

// POST /api/v2/databases/{db}/schemas/{schema}/agents/{name}:run
Result<net::HttpResponse> RunStoredAgent(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    auto agent = s.agents->Get(p.database, p.schema, p.name);
    if (!agent || !CanSee(ctx, agent->owner)) {
        return MakeError(ErrorCode::kNotFound, "Agent '" + p.database + "." + p.schema + "." + p.name +
                                                   "' does not exist or not authorized.");
    }
    for (const char* key : {"models", "instructions", "orchestration"}) {
        if (body.contains(key)) {
            return Invalid(std::string(key) + " cannot be set when running a stored agent; update the agent instead");
        }
    }
    OC_ASSIGN_OR_RETURN(Json spec, ParseJson(agent->spec));
    if (!spec.is_object()) spec = Json::object();
    for (const char* key : {"tools", "tool_resources"}) {
        if (body.contains(key)) spec[key] = body[key];
    }
    return StartRun(s, ctx, body, std::move(spec));
}

// POST /api/v2/cortex/agent:run — the agent configuration comes in the body.
Result<net::HttpResponse> RunInline(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    if (body.contains("model") && !body.contains("models")) {
        return Invalid("The legacy request schema (top-level model) is not supported; set models.orchestration");
    }
    Json spec = Json::object();
    for (const char* key : {"models", "instructions", "orchestration", "tools", "tool_resources",
                            "tool_unable_to_answer", "experimental"}) {
        if (body.contains(key)) spec[key] = body[key];
    }
    OC_TRY(ValidateAgentSpec(spec));
    return StartRun(s, ctx, body, std::move(spec));
}

// The run of {run_id} if it belongs to the caller.
Result<std::shared_ptr<Run>> FindRun(Services& s, const RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(runtime::AgentRunner * runner, Runner(s));
    std::string run_id = ctx.req.params.count("run_id") ? ctx.req.params.at("run_id") : "";
    OC_ASSIGN_OR_RETURN(std::shared_ptr<Run> run, runner->registry().Find(run_id));
    if (run->ids().user != ctx.principal.user) {
        return MakeError(ErrorCode::kNotFound, "Run " + run_id + " does not exist or not authorized.");
    }
    return run;
}

// GET /api/v2/cortex/agent/runs/{run_id}?starting_after=N (or Last-Event-ID)
Result<net::HttpResponse> Reconnect(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(std::shared_ptr<Run> run, FindRun(s, ctx));
    std::string cursor = ctx.req.HasQuery("starting_after") ? ctx.req.Query("starting_after")
                                                            : ctx.req.Header("last-event-id");
    int64_t after = 0;
    if (!cursor.empty()) {
        auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), after);
        if (ec != std::errc() || end != cursor.data() + cursor.size() || after < 0) {
            return Invalid("starting_after must be a non-negative integer, got '" + cursor + "'");
        }
    }
    return StreamResponse(s, std::move(run), after, false);
}

// POST /api/v2/cortex/agent/runs/{run_id}/cancel
Result<net::HttpResponse> Cancel(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(std::shared_ptr<Run> run, FindRun(s, ctx));
    if (run->finished()) {
        return MakeError(ErrorCode::kFailedPrecondition, "Run " + run->id() + " has already finished.", "", 409);
    }
    run->Cancel();
    run->WaitFinished(kCancelWait);
    runtime::RunIds ids = run->ids();
    Json metadata = Json::object();
    metadata["run_id"] = ids.run_id;
    if (ids.thread_id != 0) {
        metadata["thread_id"] = ids.thread_id;
        metadata["user_message_id"] = ids.user_message_id;
        if (ids.assistant_message_id != 0) metadata["assistant_message_id"] = ids.assistant_message_id;
    }
    Json final_response = run->final_response();
    Json usage = final_response.is_object() && final_response.contains("metadata")
                     ? final_response["metadata"].value("usage", Json::object())
                     : Json::object({{"tokens_consumed", Json::array()}});
    metadata["usage"] = std::move(usage);
    return JsonResponse(Json::object({{"metadata", std::move(metadata)}}));
}

}  // namespace

void RegisterRunRoutes(ApiRouter& r) {
    Services& s = r.services();
    r.Add("POST", "/api/v2/databases/{db}/schemas/{schema}/agents/{name}:run", Wrap(s, RunStoredAgent));
    r.Add("POST", "/api/v2/cortex/agent:run", Wrap(s, RunInline));
    r.Add("GET", "/api/v2/cortex/agent/runs/{run_id}", Wrap(s, Reconnect));  // may read the journal
    r.Add("POST", "/api/v2/cortex/agent/runs/{run_id}/cancel", Wrap(s, Cancel));
}

}  // namespace oc::api
