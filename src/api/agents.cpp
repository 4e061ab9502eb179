// Cortex Agent objects: create, describe, update, list, delete (reference agents-api.md §2).
#include "api/agents.h"

#include "api/agent_spec.h"
#include "api/list_params.h"
#include "api/path_params.h"
#include "common/clock.h"
#include "store/catalog.h"
#include "store/repos/agent_repo.h"

namespace oc::api {
namespace {

using store::AgentRecord;

Error AgentMissing(const ObjectPath& p) {
    return MakeError(ErrorCode::kNotFound, "Agent '" + p.database + "." + p.schema + "." + p.name +
                                               "' does not exist or not authorized.");
}

Json Describe(const AgentRecord& a) {
    Json body = Json::object();
    body["agent_spec"] = a.spec;
    body["name"] = a.name;
    body["database_name"] = a.database_name;
    body["schema_name"] = a.schema_name;
    body["owner"] = a.owner;
    body["created_on"] = FormatIsoMillis(a.created_on_ms);
    body["comment"] = a.comment;
    auto profile = a.profile.empty() ? Result<Json>(Json::object()) : ParseJson(a.profile);
    body["profile"] = profile ? *profile : Json::object();
    return body;
}

// Resolves the path and checks the schema exists; used by every agent handler.
Result<ObjectPath> ResolveSchema(Services& s, const RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ParseObjectPath(ctx.req));
    OC_TRY(s.catalog->CheckSchemaExists(p.database, p.schema));
    return p;
}

// The agent at the path, if the caller may see it.
Result<AgentRecord> FindVisible(Services& s, const RequestContext& ctx, const ObjectPath& p) {
    auto agent = s.agents->Get(p.database, p.schema, p.name);
    if (!agent || !CanSee(ctx, agent->owner)) return AgentMissing(p);
    return *agent;
}

Result<net::HttpResponse> Create(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(store::CreateMode mode, store::ParseCreateMode(ctx.req.Query("createMode")));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(AgentBody parts, SplitAgentBody(body, true));
    OC_TRY(ValidateAgentSpec(parts.spec));
    if (mode == store::CreateMode::kOrReplace) {
        if (auto existing = s.agents->Get(p.database, p.schema, parts.name)) {
            OC_TRY(RequireOwner(ctx, existing->owner, "agent " + parts.name));
        }
    }
    AgentRecord record;
    record.database_name = p.database;
    record.schema_name = p.schema;
    record.name = parts.name;
    record.spec = DumpJson(parts.spec);
    record.comment = parts.comment.value_or("");
    record.profile = parts.profile ? DumpJson(*parts.profile) : "";
    record.owner = ctx.principal.role;
    OC_ASSIGN_OR_RETURN(store::CreateOutcome outcome, s.agents->Create(std::move(record), mode));
    if (outcome == store::CreateOutcome::kExisted) {
        return StatusResponse(parts.name + " already exists, statement succeeded.");
    }
    return StatusResponse("Agent " + parts.name + " successfully created.");
}

Result<net::HttpResponse> Get(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(AgentRecord agent, FindVisible(s, ctx, p));
    return JsonResponse(Describe(agent));
}

Result<net::HttpResponse> Update(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    OC_ASSIGN_OR_RETURN(AgentRecord agent, FindVisible(s, ctx, p));
    OC_TRY(RequireOwner(ctx, agent.owner, "agent " + agent.name));
    OC_ASSIGN_OR_RETURN(AgentBody parts, SplitAgentBody(body, false));
    // Each top-level field present replaces the stored one; absent fields are kept.
    OC_ASSIGN_OR_RETURN(Json spec, ParseJson(agent.spec));
    for (auto it = parts.spec.begin(); it != parts.spec.end(); ++it) spec[it.key()] = it.value();
    OC_TRY(ValidateAgentSpec(spec));
    agent.spec = DumpJson(spec);
    if (parts.comment) agent.comment = *parts.comment;
    if (parts.profile) agent.profile = DumpJson(*parts.profile);
    OC_TRY(s.agents->Update(agent));
    return StatusResponse("Agent " + agent.name + " successfully updated.");
}

Result<net::HttpResponse> List(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(ListParams params, ParseListParams(ctx.req));
    std::vector<AgentRecord> visible;
    for (auto& a : s.agents->List(p.database, p.schema)) {
        if (CanSee(ctx, a.owner)) visible.push_back(std::move(a));
    }
    return ListResponse(ctx.req, params, std::move(visible), [](const AgentRecord& a) { return a.name; },
                        [](const AgentRecord& a) {
                            Json item = Json::object();
                            item["name"] = a.name;
                            item["database"] = a.database_name;
                            item["schema"] = a.schema_name;
                            item["created_on"] = FormatIsoMillis(a.created_on_ms);
                            item["owner"] = a.owner;
                            item["comment"] = a.comment;
                            return item;
                        });
}

Result<net::HttpResponse> Delete(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(ObjectPath p, ResolveSchema(s, ctx));
    OC_ASSIGN_OR_RETURN(bool if_exists, ParseBoolParam(ctx.req, "ifExists"));
    auto agent = FindVisible(s, ctx, p);
    if (!agent) {
        if (if_exists) return StatusResponse("Request successfully completed");
        return agent.error();
    }
    OC_TRY(RequireOwner(ctx, agent->owner, "agent " + agent->name));
    OC_TRY(s.agents->Delete(p.database, p.schema, p.name));
    return StatusResponse("Request successfully completed");
}

}  // namespace

void RegisterAgentRoutes(ApiRouter& r) {
    Services& s = r.services();
    const std::string base = "/api/v2/databases/{db}/schemas/{schema}/agents";
    r.Add("POST", base, Wrap(s, Create));
    r.Add("GET", base, Wrap(s, List), {.blocking = false});
    r.Add("GET", base + "/{name}", Wrap(s, Get), {.blocking = false});
    r.Add("PUT", base + "/{name}", Wrap(s, Update));
    r.Add("DELETE", base + "/{name}", Wrap(s, Delete));
}

}  // namespace oc::api
