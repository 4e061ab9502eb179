// Agent feedback (reference agents-api.md §5): any role that sees the agent may rate it; the
// owner or ACCOUNTADMIN may list what was sent, newest first.
#include "api/feedback.h"

#include "api/llm_bridge.h"
#include "api/path_params.h"
#include "common/clock.h"
#include "store/catalog.h"
#include "store/repos/agent_repo.h"
#include "store/repos/feedback_repo.h"

namespace oc::api {
namespace {

// The agent at the path if the caller may see it; 404 (002003) otherwise.
Result<store::AgentRecord> FindAgent(Services& s, const RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    auto agent = s.agents->Get(p.database, p.schema, p.name);
    if (!agent || !CanSee(ctx, agent->owner)) {
        return MakeError(ErrorCode::kNotFound, "Agent '" + p.database + "." + p.schema + "." +
                                                   p.name + "' does not exist or not authorized.");
    }
    return *agent;
}

Status ParseFeedback(const Json& body, store::FeedbackRecord* f) {
    auto positive = body.find("positive");
    if (positive == body.end() || !positive->is_boolean()) {
        return BadField("positive", "is required and must be a boolean");
    }
    f->positive = positive->get<bool>();
    OC_ASSIGN_OR_RETURN(f->orig_request_id, OptString(body, "orig_request_id", "orig_request_id"));
    OC_ASSIGN_OR_RETURN(f->feedback_message,
                        OptString(body, "feedback_message", "feedback_message"));
    if (auto cats = body.find("categories"); cats != body.end() && !cats->is_null()) {
        if (!cats->is_array()) return BadField("categories", "must be an array of strings");
        for (const auto& c : *cats) {
            if (!c.is_string()) return BadField("categories", "must be an array of strings");
            f->categories.push_back(c.get<std::string>());
        }
    }
    // thread_id is int64 on the wire; some clients send it as a string of digits.
    if (auto t = body.find("thread_id"); t != body.end() && t->is_string()) {
        const std::string v = t->get<std::string>();
        if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string::npos) {
            return BadField("thread_id", "must be an integer, got '" + v + "'");
        }
        f->thread_id = std::stoll(v);
    } else {
        OC_ASSIGN_OR_RETURN(f->thread_id, OptInt(body, "thread_id", "thread_id"));
    }
    return {};
}

Result<net::HttpResponse> Submit(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::AgentRecord agent, FindAgent(s, ctx));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    store::FeedbackRecord f;
    OC_TRY(ParseFeedback(body, &f));
    f.database_name = agent.database_name;
    f.schema_name = agent.schema_name;
    f.agent_name = agent.name;
    f.user_name = ctx.principal.user;
    f.role = ctx.principal.role;
    OC_TRY(s.feedback->Insert(f));
    return StatusResponse("Feedback submitted successfully");
}

Json Describe(const store::FeedbackRecord& f) {
    auto opt = [](const auto& v) { return v ? Json(*v) : Json(); };
    return Json{{"id", f.id},
                {"agent_name", f.agent_name},
                {"user", f.user_name},
                {"role", f.role},
                {"orig_request_id", opt(f.orig_request_id)},
                {"positive", f.positive},
                {"feedback_message", opt(f.feedback_message)},
                {"categories", f.categories},
                {"thread_id", opt(f.thread_id)},
                {"created_on", FormatIsoMillis(f.created_on_ms)}};
}

Result<net::HttpResponse> List(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::AgentRecord agent, FindAgent(s, ctx));
    OC_TRY(RequireOwner(ctx, agent.owner, "agent " + agent.name));
    OC_ASSIGN_OR_RETURN(auto rows,
                        s.feedback->List(agent.database_name, agent.schema_name, agent.name));
    Json out = Json::array();
    for (const auto& f : rows) out.push_back(Describe(f));
    return JsonResponse(out);
}

}  // namespace

void RegisterFeedbackRoutes(ApiRouter& r) {
    Services& s = r.services();
    const std::string agent = "/api/v2/databases/{db}/schemas/{schema}/agents/{name}";
    r.Add("POST", agent + ":feedback", Wrap(s, Submit));
    r.Add("GET", agent + "/feedback", Wrap(s, List));
}

}  // namespace oc::api
