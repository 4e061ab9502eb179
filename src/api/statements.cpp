// SQL API v2 handlers (reference sql-api.md §2.2-§2.3): request parsing, submission, the
// synchronous wait, retries by requestId, GET by handle and cancel.
#include "api/statements.h"

#include <charconv>
#include <chrono>
#include <mutex>

#include "api/api_router.h"
#include "common/identifier.h"
#include "common/log.h"
#include "common/text.h"
#include "store/catalog.h"
#include "store/sql_messages.h"
#include "store/statement_registry.h"

namespace oc::api {
namespace {

using store::Partition;
using store::RegistryOptions;
using store::StatementOutput;
using store::StatementRegistry;
using store::StatementState;
using store::StatementView;
using store::Submission;

constexpr const char* kRunningMessage =
    "Asynchronous execution in progress. Use provided query id to perform query monitoring and "
    "management.";

// "/api/v2/statements/<handle>" plus "?requestId=<id>" when there is one.
std::string StatementStatusUrl(const std::string& handle, const std::string& request_id) {
    std::string url = "/api/v2/statements/" + handle;
    if (!request_id.empty()) url += "?requestId=" + PercentEncode(request_id);
    return url;
}

std::string PartitionUrl(const std::string& handle, size_t partition) {
    return "/api/v2/statements/" + handle + "?partition=" + std::to_string(partition);
}

// RFC 8288 Link header with first, prev, next and last (§2.7).
std::string LinkHeader(const std::string& handle, size_t partition, size_t count) {
    auto link = [&](size_t p, const char* rel) {
        return "<" + PartitionUrl(handle, p) + ">; rel=\"" + rel + "\"";
    };
    std::string out = link(0, "first");
    if (partition > 0) out += ", " + link(partition - 1, "prev");
    if (partition + 1 < count) out += ", " + link(partition + 1, "next");
    out += ", " + link(count - 1, "last");
    return out;
}

net::HttpResponse RawJson(std::string body, int status) {
    net::HttpResponse resp;
    resp.status = status;
    resp.body = std::move(body);
    return resp;
}

// 202 QueryStatus while the statement runs.
net::HttpResponse RunningResponse(const StatementView& view) {
    Json body = Json::object();
    body["code"] = "333334";
    body["sqlState"] = "01000";
    body["message"] = kRunningMessage;
    body["statementHandle"] = view.handle;
    body["statementStatusUrl"] = StatementStatusUrl(view.handle, view.request_id);
    body["createdOn"] = view.created_on_ms;
    return JsonResponse(body, 202);
}

// The full ResultSet of partition 0; `data` is spliced in as prepared JSON text.
net::HttpResponse ResultSetResponse(const StatementView& v) {
    const StatementOutput& out = *v.output;
    Json partition_info = Json::array();
    for (const Partition& p : out.partitions) {
        Json info = Json::object();
        info["rowCount"] = p.row_count;
        info["uncompressedSize"] = p.data_json.size();
        partition_info.push_back(std::move(info));
    }
    Json meta = Json::object();
    meta["numRows"] = out.num_rows;
    meta["format"] = "jsonv2";
    meta["partitionInfo"] = std::move(partition_info);
    meta["rowType"] = out.row_type;
    Json rest = Json::object();
    rest["code"] = "090001";
    if (!out.child_handles.empty()) rest["statementHandles"] = out.child_handles;
    rest["statementStatusUrl"] = StatementStatusUrl(v.handle, v.request_id);
    rest["requestId"] = v.request_id;
    rest["sqlState"] = "00000";
    rest["statementHandle"] = v.handle;
    rest["message"] = store::kExecutedMessage;
    rest["createdOn"] = v.created_on_ms;
    if (!out.stats.is_null()) rest["stats"] = out.stats;
    std::string tail = DumpJson(rest);  // "{...}": reuse without its opening brace
    std::string body = "{\"resultSetMetaData\":" + DumpJson(meta) + ",\"data\":" +
                       out.partitions.front().data_json + "," + tail.substr(1);
    net::HttpResponse resp = RawJson(std::move(body), 200);
    resp.SetHeader("Link", LinkHeader(v.handle, 0, out.partitions.size()));
    return resp;
}

// QueryFailureStatus (422) or, for a timeout, QueryStatus (408). Errors without a wire status
// (internal failures) go through the generic error answer, which hides their text.
net::HttpResponse FailureResponse(const RequestContext& ctx, const StatementView& v) {
    const Error& e = v.error;
    if (e.http_status == 0 || e.code == ErrorCode::kInternal || e.wire_code.empty()) {
        return ErrorResponse(ctx, e);
    }
    Json body = Json::object();
    body["code"] = e.wire_code;
    body["message"] = e.message;
    body["sqlState"] = store::SqlStateFor(e.wire_code);
    body["statementHandle"] = v.handle;
    body["createdOn"] = v.created_on_ms;
    body["statementStatusUrl"] = StatementStatusUrl(v.handle, v.request_id);
    return JsonResponse(body, e.http_status);
}

// GET semantics for a statement in any state (§2.3, §2.7): 200 ResultSet for partition 0,
// {"data": [...]} for later partitions, 202 while running, 408/422 after a failure.
net::HttpResponse StatementResponse(const RequestContext& ctx, const StatementView& view, size_t partition) {
    if (view.state == StatementState::kRunning) return RunningResponse(view);
    if (view.state == StatementState::kFailed) return FailureResponse(ctx, view);
    size_t count = view.output->partitions.size();
    if (partition >= count) {
        return ErrorResponse(ctx, MakeError(ErrorCode::kInvalidArgument,
                                            "partition must be 0.." + std::to_string(count - 1) + ", got " +
                                                std::to_string(partition)));
    }
    if (partition == 0) return ResultSetResponse(view);
    net::HttpResponse resp = RawJson("{\"data\":" + view.output->partitions[partition].data_json + "}", 200);
    resp.SetHeader("Link", LinkHeader(view.handle, partition, count));
    return resp;
}

// 200 CancelStatus (§2.9).
net::HttpResponse CancelResponse(const std::string& handle) {
    Json body = Json::object();
    body["code"] = "000604";
    body["sqlState"] = "57014";
    body["message"] = "SQL execution canceled";
    body["statementHandle"] = handle;
    body["statementStatusUrl"] = StatementStatusUrl(handle, "");
    return JsonResponse(body, 200);
}

// 422 for a handle we never issued, that expired, or that is no longer running (cancel).
net::HttpResponse HandleNotFoundResponse(const std::string& handle) {
    Json body = Json::object();
    body["code"] = "000709";
    body["message"] = "Statement " + handle + " not found";
    body["sqlState"] = "02000";
    body["statementHandle"] = handle;
    return JsonResponse(body, 422);
}

constexpr int64_t kDefaultTimeoutSeconds = 172800;  // STATEMENT_TIMEOUT_IN_SECONDS default
constexpr int64_t kMaxTimeoutSeconds = 604800;      // `timeout: 0` means this maximum

// Output-format parameters change how values are rendered; only the defaults are supported.
constexpr const char* kFormatParameters[] = {
    "binary_output_format",        "date_output_format",          "time_output_format",
    "timestamp_output_format",     "timestamp_ltz_output_format", "timestamp_ntz_output_format",
    "timestamp_tz_output_format",
};

Error BadPayload(const std::string& message) {
    return MakeError(ErrorCode::kInvalidArgument, message, codes::kBadPayload);
}

// A JSON number or numeric string as a non-negative integer.
Result<int64_t> NonNegativeInt(const Json& value, const std::string& field) {
    int64_t n = -1;
    if (value.is_number_integer()) {
        n = value.get<int64_t>();
    } else if (value.is_string()) {
        const std::string s = value.get<std::string>();
        auto res = std::from_chars(s.data(), s.data() + s.size(), n);
        if (res.ec != std::errc() || res.ptr != s.data() + s.size()) n = -1;
    }
    if (n < 0) return BadPayload(field + " must be a non-negative integer, got " + value.dump());
    return n;
}

// database/schema are case-sensitive stored names (§1.2); a "quoted" form is unquoted.
Result<std::string> ContextName(const Json& body, const char* field) {
    auto it = body.find(field);
    if (it == body.end() || it->is_null()) return std::string();
    if (!it->is_string()) return BadPayload(std::string(field) + " must be a string");
    std::string value = it->get<std::string>();
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') return ParseIdentifier(value);
    return value;
}

Status ApplyParameters(const Json& parameters, Submission* s) {
    if (parameters.is_null()) return {};
    if (!parameters.is_object()) return BadPayload("parameters must be an object");
    for (auto it = parameters.begin(); it != parameters.end(); ++it) {
        std::string key = ToLowerAscii(it.key());
        if (key == "multi_statement_count") {
            OC_ASSIGN_OR_RETURN(s->request.statement_count, NonNegativeInt(it.value(), it.key()));
        } else if (key == "rows_per_resultset") {
            OC_ASSIGN_OR_RETURN(int64_t rows, NonNegativeInt(it.value(), it.key()));
            s->max_rows = static_cast<size_t>(rows);
        } else {
            for (const char* format : kFormatParameters) {
                if (key == format) {
                    return MakeError(ErrorCode::kInvalidArgument,
                                     "Unsupported feature '" + ToUpperAscii(key) +
                                         "': values are always returned in the default formats.",
                                     "000002", 422);
                }
            }
            // query_tag, timezone, use_cached_result, client_result_chunk_size...: accepted, no effect.
        }
    }
    return {};
}

// The body of POST /api/v2/statements (§2.2).
Result<Submission> ParseSubmission(const RequestContext& ctx) {
    OC_ASSIGN_OR_RETURN(Json body, ParseJsonBody(ctx.req));
    auto statement = body.find("statement");
    if (statement == body.end() || !statement->is_string()) {
        return BadPayload("Incoming request does not contain a valid payload.");
    }
    Submission s;
    s.request.sql = statement->get<std::string>();
    int64_t timeout_s = kDefaultTimeoutSeconds;
    if (auto t = body.find("timeout"); t != body.end() && !t->is_null()) {
        OC_ASSIGN_OR_RETURN(timeout_s, NonNegativeInt(*t, "timeout"));
        if (timeout_s == 0 || timeout_s > kMaxTimeoutSeconds) timeout_s = kMaxTimeoutSeconds;
    }
    s.request.timeout_ms = timeout_s * 1000;
    OC_ASSIGN_OR_RETURN(s.request.database, ContextName(body, "database"));
    OC_ASSIGN_OR_RETURN(s.request.schema, ContextName(body, "schema"));
    if (auto b = body.find("bindings"); b != body.end() && !b->is_null()) {
        if (!b->is_object()) return BadPayload("bindings must be an object");
        s.request.bindings = *b;
    }
    if (auto p = body.find("parameters"); p != body.end()) OC_TRY(ApplyParameters(*p, &s));
    s.request_id = ctx.req.Query("requestId", ctx.request_id);
    s.nullable = !EqualsIgnoreCase(ctx.req.Query("nullable", "true"), "false");
    return s;
}

// Owns the registry, created on first use so that the store and catalog are ready.
class StatementService {
public:
    explicit StatementService(Services& services) : services_(services) {}

    Result<StatementRegistry*> Registry() {
        std::call_once(once_, [this] { status_ = Create(); });
        if (!status_) return status_.error();
        return registry_.get();
    }

private:
    Status Create() {
        if (services_.store == nullptr) {
            return MakeError(ErrorCode::kUnavailable, "The SQL API has no data store configured.");
        }
        store::RunnerOptions runner_options;
        store::Catalog* catalog = services_.catalog;
        runner_options.after_ddl = [catalog] {
            if (catalog == nullptr) return;
            Status st = catalog->Refresh();
            if (!st) GetLogger("api")->warn("catalog refresh after DDL failed: {}", st.error().message);
        };
        OC_ASSIGN_OR_RETURN(auto runner, store::StatementRunner::Create(*services_.store, runner_options));
        RegistryOptions options;
        options.rows_per_partition = services_.options.rows_per_partition;
        registry_ = std::make_unique<StatementRegistry>(std::move(runner), options);
        return {};
    }

    Services& services_;
    std::once_flag once_;
    Status status_;
    std::unique_ptr<StatementRegistry> registry_;
};

net::HttpResponse PostStatement(StatementService& service, Services& services, RequestContext& ctx) {
    auto registry = service.Registry();
    if (!registry) return ErrorResponse(ctx, registry.error());
    auto submission = ParseSubmission(ctx);
    if (!submission) return ErrorResponse(ctx, submission.error());
    bool wait = !EqualsIgnoreCase(ctx.req.Query("async", "false"), "true");
    auto timeout = std::chrono::milliseconds(wait ? services.options.sync_wait_ms : 0);
    if (EqualsIgnoreCase(ctx.req.Query("retry", "false"), "true") && ctx.req.HasQuery("requestId")) {
        auto earlier = (*registry)->FindByRequestId(submission->request_id);
        if (earlier && earlier->state != StatementState::kFailed) {
            auto view = (*registry)->Wait(earlier->handle, timeout);
            return StatementResponse(ctx, view ? *view : *earlier, 0);
        }
    }
    auto submitted = (*registry)->Submit(std::move(*submission));
    if (!submitted) return ErrorResponse(ctx, submitted.error());
    if (!wait) return RunningResponse(*submitted);
    auto view = (*registry)->Wait(submitted->handle, timeout);
    return StatementResponse(ctx, view ? *view : *submitted, 0);
}

net::HttpResponse GetStatement(StatementService& service, RequestContext& ctx) {
    auto registry = service.Registry();
    if (!registry) return ErrorResponse(ctx, registry.error());
    const std::string& handle = ctx.req.params["handle"];
    size_t partition = 0;
    if (ctx.req.HasQuery("partition")) {
        std::string text = ctx.req.Query("partition");
        auto res = std::from_chars(text.data(), text.data() + text.size(), partition);
        if (res.ec != std::errc() || res.ptr != text.data() + text.size()) {
            return ErrorResponse(ctx, MakeError(ErrorCode::kInvalidArgument,
                                                "partition must be a non-negative integer, got '" + text + "'"));
        }
    }
    auto view = (*registry)->Get(handle);
    if (!view) return HandleNotFoundResponse(handle);
    return StatementResponse(ctx, *view, partition);
}

net::HttpResponse CancelStatement(StatementService& service, RequestContext& ctx) {
    auto registry = service.Registry();
    if (!registry) return ErrorResponse(ctx, registry.error());
    const std::string& handle = ctx.req.params["handle"];
    if (!(*registry)->Cancel(handle)) return HandleNotFoundResponse(handle);
    return CancelResponse(handle);
}

}  // namespace

void RegisterStatementRoutes(ApiRouter& r) {
    Services& services = r.services();
    auto service = std::make_shared<StatementService>(services);
    // Start (and lock down the data instance) now when the store is ready, so the sandbox does
    // not depend on which request comes first; a failure is answered on every SQL API request.
    if (services.store != nullptr) {
        auto registry = service->Registry();
        if (!registry) GetLogger("api")->error("SQL API unavailable: {}", registry.error().message);
    }
    r.Add("POST", "/api/v2/statements",
          [service, &services](RequestContext& ctx) { return PostStatement(*service, services, ctx); });
    r.Add("GET", "/api/v2/statements/{handle}",
          [service](RequestContext& ctx) { return GetStatement(*service, ctx); });
    r.Add("POST", "/api/v2/statements/{handle}/cancel",
          [service](RequestContext& ctx) { return CancelStatement(*service, ctx); });
}

}  // namespace oc::api
