// Threads API: create, list, describe (messages newest first, paged), update, delete (§4).
#include "api/threads.h"

#include <charconv>

#include "store/repos/thread_repo.h"

namespace oc::api {
namespace {

using store::MessageRecord;
using store::ThreadRecord;

constexpr int64_t kDefaultPageSize = 20;
constexpr int64_t kMaxPageSize = 100;

Result<int64_t> ParseInt64(const std::string& text, const std::string& what) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, what + " must be an integer, got '" + text + "'");
    }
    return v;
}

Result<int64_t> ThreadIdParam(const RequestContext& ctx) {
    auto it = ctx.req.params.find("thread_id");
    return ParseInt64(it == ctx.req.params.end() ? "" : it->second, "thread_id");
}

// An absent or empty body is {} (create takes only optional fields).
Result<Json> OptionalJsonBody(const net::HttpRequest& req) {
    if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) return Json::object();
    return ParseJsonBody(req);
}

Json ThreadJson(const ThreadRecord& t) {
    Json j = Json::object();
    j["thread_id"] = t.thread_id;
    j["thread_name"] = t.thread_name;
    j["origin_application"] = t.origin_application;
    j["created_on"] = t.created_on_ms;
    j["updated_on"] = t.updated_on_ms;
    return j;
}

Json MessageJson(const MessageRecord& m) {
    Json j = Json::object();
    j["message_id"] = m.message_id;
    j["parent_id"] = m.parent_id ? Json(*m.parent_id) : Json(nullptr);
    j["created_on"] = m.created_on_ms;
    j["role"] = m.role;
    j["message_payload"] = m.message_payload;
    j["request_id"] = m.request_id;
    j["message_type"] = m.message_type;
    return j;
}

Result<store::ThreadRepo*> Repo(Services& s) {
    if (s.threads == nullptr) return MakeError(ErrorCode::kUnavailable, "Threads are not available.");
    return s.threads;
}

Result<net::HttpResponse> Create(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::ThreadRepo * repo, Repo(s));
    OC_ASSIGN_OR_RETURN(Json body, OptionalJsonBody(ctx.req));
    std::string origin;
    if (body.contains("origin_application") && !body["origin_application"].is_null()) {
        if (!body["origin_application"].is_string()) {
            return MakeError(ErrorCode::kInvalidArgument, "origin_application must be a string");
        }
        origin = body["origin_application"].get<std::string>();
        if (origin.size() > store::kMaxOriginApplicationBytes) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "origin_application must be at most 16 bytes, got " +
                                 std::to_string(origin.size()));
        }
    }
    OC_ASSIGN_OR_RETURN(ThreadRecord t, repo->Create(ctx.principal.user, origin));
    return JsonResponse(ThreadJson(t));
}

Result<net::HttpResponse> List(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::ThreadRepo * repo, Repo(s));
    OC_ASSIGN_OR_RETURN(auto threads, repo->List(ctx.principal.user, ctx.req.Query("origin_application")));
    Json out = Json::array();
    for (const auto& t : threads) out.push_back(ThreadJson(t));
    return JsonResponse(out);
}

Result<net::HttpResponse> Describe(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::ThreadRepo * repo, Repo(s));
    OC_ASSIGN_OR_RETURN(int64_t id, ThreadIdParam(ctx));
    int64_t page_size = kDefaultPageSize;
    if (ctx.req.HasQuery("page_size")) {
        OC_ASSIGN_OR_RETURN(page_size, ParseInt64(ctx.req.Query("page_size"), "page_size"));
        if (page_size < 1 || page_size > kMaxPageSize) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "page_size must be 1..100, got " + std::to_string(page_size));
        }
    }
    std::optional<int64_t> before;
    if (ctx.req.HasQuery("last_message_id")) {
        OC_ASSIGN_OR_RETURN(before, ParseInt64(ctx.req.Query("last_message_id"), "last_message_id"));
    }
    std::string type = ctx.req.Query("message_type");
    if (!type.empty() && type != "conversation" && type != "compaction") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "message_type must be conversation or compaction, got '" + type + "'");
    }
    OC_ASSIGN_OR_RETURN(ThreadRecord t, repo->Get(ctx.principal.user, id));
    OC_ASSIGN_OR_RETURN(auto messages, repo->Messages(id, static_cast<size_t>(page_size), before, type));
    Json list = Json::array();
    for (const auto& m : messages) list.push_back(MessageJson(m));
    return JsonResponse(Json::object({{"metadata", ThreadJson(t)}, {"messages", std::move(list)}}));
}

Result<net::HttpResponse> Update(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::ThreadRepo * repo, Repo(s));
    OC_ASSIGN_OR_RETURN(int64_t id, ThreadIdParam(ctx));
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    if (!body.contains("thread_name") || !body["thread_name"].is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, "thread_name must be a string");
    }
    OC_TRY(repo->Rename(ctx.principal.user, id, body["thread_name"].get<std::string>()));
    return StatusResponse("Thread " + std::to_string(id) + " successfully updated.");
}

Result<net::HttpResponse> Delete(Services& s, RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(store::ThreadRepo * repo, Repo(s));
    OC_ASSIGN_OR_RETURN(int64_t id, ThreadIdParam(ctx));
    OC_TRY(repo->Delete(ctx.principal.user, id));
    return JsonResponse(Json::object({{"success", true}}));
}

}  // namespace

void RegisterThreadRoutes(ApiRouter& r) {
    Services& s = r.services();
    const std::string base = "/api/v2/cortex/threads";
    r.Add("POST", base, Wrap(s, Create));
    r.Add("GET", base, Wrap(s, List));
    r.Add("GET", base + "/{thread_id}", Wrap(s, Describe));
    r.Add("POST", base + "/{thread_id}", Wrap(s, Update));
    r.Add("DELETE", base + "/{thread_id}", Wrap(s, Delete));
}

}  // namespace oc::api
