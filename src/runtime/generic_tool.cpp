#include "runtime/generic_tool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "common/identifier.h"
#include "common/text.h"
#include "net/client/http_client.h"
#include "store/duckdb/connection.h"
#include "store/result_set.h"
#include "store/sql_guard.h"
#include "store/system_store.h"

namespace oc::runtime {
namespace {

constexpr size_t kMaxResultBytes = size_t{256} << 10;
constexpr int kDefaultWebhookTimeoutMs = 30000;

// Interrupts a connection's running query when the run is cancelled or the timeout passes.
// Re-interrupts every slice until stopped, so an interrupt cannot slip in before the query.
class QueryWatch {
public:
    QueryWatch(store::Connection& conn, const llm::CancelToken& cancel, int64_t timeout_ms)
        : conn_(conn), cancel_(cancel),
          deadline_(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms)),
          thread_([this] { Watch(); }) {}
    ~QueryWatch() {
        {
            std::lock_guard lock(mu_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    bool timed_out() const { return timed_out_.load(); }

private:
    void Watch() {
        std::unique_lock lock(mu_);
        while (!done_) {
            if (cancel_.cancelled()) conn_.Interrupt();
            if (std::chrono::steady_clock::now() >= deadline_) {
                timed_out_ = true;
                conn_.Interrupt();
            }
            cv_.wait_for(lock, std::chrono::milliseconds(20));
        }
    }

    store::Connection& conn_;
    const llm::CancelToken& cancel_;
    const std::chrono::steady_clock::time_point deadline_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool done_ = false;  // guarded by mu_
    std::atomic<bool> timed_out_{false};
    std::thread thread_;  // last: starts after every other member is ready
};

Status BindJson(store::Prepared& stmt, idx_t i, const Json& v) {
    switch (v.type()) {
        case Json::value_t::null: return stmt.BindNull(i);
        case Json::value_t::boolean: return stmt.BindBool(i, v.get<bool>());
        case Json::value_t::number_integer:
        case Json::value_t::number_unsigned: return stmt.Bind(i, v.get<int64_t>());
        case Json::value_t::number_float: return stmt.Bind(i, v.get<double>());
        case Json::value_t::string: return stmt.Bind(i, std::string_view(v.get_ref<const std::string&>()));
        default: return stmt.Bind(i, std::string_view(DumpJson(v)));
    }
}

// A string cell as a JSON value of its column type (numbers and booleans unquoted for the model).
Json CellValue(const store::Cell& cell, const Json& row_type) {
    if (!cell) return nullptr;
    std::string type = row_type.value("type", "");
    if (type == "boolean") return *cell == "true";
    if (type == "fixed" || type == "real") {
        auto parsed = ParseJson(*cell);
        if (parsed && parsed->is_number()) return *parsed;
    }
    return *cell;
}

Json RenderForModel(const store::RenderedResult& r, bool scalar) {
    if (scalar && r.rows.size() == 1 && r.rows[0].size() == 1) {
        return Json::object({{"result", CellValue(r.rows[0][0], r.row_type[0])}});
    }
    Json rows = Json::array();
    for (const store::Row& row : r.rows) {
        Json obj = Json::object();
        for (size_t c = 0; c < row.size() && c < r.row_type.size(); ++c) {
            obj[r.row_type[c].value("name", "")] = CellValue(row[c], r.row_type[c]);
        }
        rows.push_back(std::move(obj));
    }
    return Json::object({{"rows", std::move(rows)}, {"row_count", r.rows.size()}});
}

// The default webhook transport: one POST through the outbound client, no retries (a tool call
// may have side effects).
Result<std::pair<int, std::string>> PostWithClient(const std::string& url, const Json& headers,
                                                   const std::string& body, int timeout_ms,
                                                   const llm::CancelToken& cancel) {
    net::ClientRequest request;
    request.url = url;
    request.body = body;
    request.headers.emplace_back("Content-Type", "application/json");
    for (auto it = headers.begin(); it != headers.end(); ++it) {
        if (it.value().is_string()) request.headers.emplace_back(it.key(), it.value().get<std::string>());
    }
    request.total_timeout_ms = timeout_ms;
    request.max_retries = 0;
    request.is_cancelled = [&cancel] { return cancel.cancelled(); };
    OC_ASSIGN_OR_RETURN(net::ClientResponse response, net::HttpClient::Send(request));
    return std::make_pair(response.status, std::move(response.body));
}

int64_t SecondsToMs(const Json& v, int64_t fallback_ms) {
    if (v.is_number()) return static_cast<int64_t>(v.get<double>() * 1000);
    if (v.is_string()) {
        auto parsed = ParseJson(v.get<std::string>());
        if (parsed && parsed->is_number()) return static_cast<int64_t>(parsed->get<double>() * 1000);
    }
    return fallback_ms;
}

// A DuckDB scalar or table macro (or function) DB.SCHEMA.NAME called with named arguments.
class SqlFunctionTool : public Tool {
public:
    SqlFunctionTool(ToolSpec spec, std::vector<std::string> parts, int64_t timeout_ms, const ToolEnvironment& env)
        : Tool(std::move(spec)), parts_(std::move(parts)), timeout_ms_(timeout_ms), env_(env) {}

    ToolOutput Execute(const Json& input, ToolContext& ctx) override {
        if (!input.is_object()) return ToolOutput::Error("The tool input must be a JSON object.");
        auto conn = env_.store->ConnectData();
        if (!conn) return ToolOutput::Error("Cannot open a database connection: " + conn.error().message);
        store::LockDownOptions lock_down;
        lock_down.allowed_directories = store::DataInstanceDirectories(env_.store->data_dir());
        if (auto st = store::LockDownDataInstance(**conn, lock_down); !st) {
            return ToolOutput::Error("Cannot prepare the database: " + st.error().message);
        }
        auto table = IsTableFunction(**conn);
        if (!table) return ToolOutput::Error(table.error().message);
        std::string call = QuoteIdentifier(parts_[0]) + "." + QuoteIdentifier(parts_[1]) + "." +
                           QuoteIdentifier(parts_[2]) + "(";
        bool first = true;
        for (auto it = input.begin(); it != input.end(); ++it) {
            call += (first ? "" : ", ") + QuoteIdentifier(it.key()) + " := ?";
            first = false;
        }
        call += ")";
        std::string sql = *table ? "SELECT * FROM " + call : "SELECT " + call + " AS " + QuoteIdentifier("result");
        ctx.report_status("Executing SQL", "Calling " + Identifier(), Json::object({{"sql", sql}}));
        auto rendered = RunQuery(**conn, sql, input, ctx);
        if (!rendered) return ToolOutput::Error(rendered.error().message);
        return ToolOutput::JsonResult(RenderForModel(*rendered, !*table));
    }

private:
    std::string Identifier() const { return parts_[0] + "." + parts_[1] + "." + parts_[2]; }

    Result<bool> IsTableFunction(store::Connection& conn) {
        OC_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(
            "SELECT function_type FROM duckdb_functions() WHERE database_name = ? AND schema_name = ?"
            " AND lower(function_name) = lower(?) LIMIT 1"));
        OC_TRY(stmt->BindAll(parts_[0], parts_[1], parts_[2]));
        OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
        if (rows->RowCount() == 0) {
            return MakeError(ErrorCode::kNotFound, "Function " + Identifier() + " does not exist.");
        }
        std::string type = rows->GetString(0, 0);
        return type == "table_macro" || type == "table";
    }

    Result<store::RenderedResult> RunQuery(store::Connection& conn, const std::string& sql,
                                           const Json& input, ToolContext& ctx) {
        OC_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(sql));
        idx_t i = 0;
        for (auto it = input.begin(); it != input.end(); ++it) OC_TRY(BindJson(*stmt, ++i, it.value()));
        QueryWatch watch(conn, ctx.cancel, timeout_ms_);
        auto result = stmt->Execute();
        if (!result) {
            if (watch.timed_out()) {
                return MakeError(ErrorCode::kDeadlineExceeded,
                                 "The query timed out after " + std::to_string(timeout_ms_ / 1000) + " s.");
            }
            if (ctx.cancel.cancelled()) return MakeError(ErrorCode::kCancelled, "The run was cancelled.");
            return result.error();
        }
        return store::RenderRows(**result, kMaxResultBytes);
    }

    std::vector<std::string> parts_;
    int64_t timeout_ms_;
    const ToolEnvironment& env_;
};

// POSTs the tool input as JSON; a JSON answer becomes a json result, anything else text.
class WebhookTool : public Tool {
public:
    WebhookTool(ToolSpec spec, std::string url, Json headers, int timeout_ms, const ToolEnvironment& env)
        : Tool(std::move(spec)), url_(std::move(url)), headers_(std::move(headers)), timeout_ms_(timeout_ms), env_(env) {}

    ToolOutput Execute(const Json& input, ToolContext& ctx) override {
        ctx.report_status("Calling webhook", "POST " + url_, Json::object());
        auto reply = env_.post_json ? env_.post_json(url_, headers_, DumpJson(input), timeout_ms_, ctx.cancel)
                                    : PostWithClient(url_, headers_, DumpJson(input), timeout_ms_, ctx.cancel);
        if (!reply) return ToolOutput::Error("Webhook call failed: " + reply.error().message);
        auto [status, body] = *reply;
        if (status < 200 || status >= 300) {
            return ToolOutput::Error("Webhook answered HTTP " + std::to_string(status) + ": " + body.substr(0, 2000));
        }
        auto parsed = ParseJson(body);
        if (parsed) return ToolOutput::JsonResult(std::move(*parsed));
        ToolOutput out;
        out.content.push_back(Json::object({{"type", "text"}, {"text", body}}));
        return out;
    }

private:
    std::string url_;
    Json headers_;
    int timeout_ms_;
    const ToolEnvironment& env_;
};

// No server-side resource: the client executes it (§3.7).
class ClientSideTool : public Tool {
public:
    using Tool::Tool;
    bool client_side() const override { return true; }
    ToolOutput Execute(const Json&, ToolContext&) override {
        return ToolOutput::Error("This tool is executed by the client.");
    }
};

}  // namespace

Result<std::unique_ptr<Tool>> MakeGenericTool(const ToolSpec& spec, const Json& resource,
                                              const ToolEnvironment& env) {
    if (resource.is_null()) return std::unique_ptr<Tool>(new ClientSideTool(spec));
    if (!resource.is_object()) {
        return MakeError(ErrorCode::kInvalidArgument, "its tool_resources entry must be an object");
    }
    Json type = ResourceValue(resource, "type");
    std::string kind = type.is_string() ? ToLowerAscii(type.get<std::string>()) : "";
    if (kind == "function" || kind == "procedure") {
        Json identifier = ResourceValue(resource, "identifier");
        if (!identifier.is_string()) {
            return MakeError(ErrorCode::kInvalidArgument, "tool_resources identifier must be DB.SCHEMA.NAME");
        }
        auto parts = ParseQualifiedName(identifier.get<std::string>());
        if (!parts || parts->size() != 3) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "tool_resources identifier must be DB.SCHEMA.NAME, got '" +
                                 identifier.get<std::string>() + "'");
        }
        if (env.store == nullptr) return MakeError(ErrorCode::kUnavailable, "no database is available");
        int64_t timeout = SecondsToMs(ResourceValue(ResourceValue(resource, "execution_environment"), "query_timeout"),
                                      env.default_query_timeout_ms);
        if (timeout <= 0) timeout = env.default_query_timeout_ms;
        return std::unique_ptr<Tool>(new SqlFunctionTool(spec, std::move(*parts), timeout, env));
    }
    if (kind == "webhook") {
        Json url = ResourceValue(resource, "url");
        if (!url.is_string() || url.get<std::string>().rfind("http", 0) != 0) {
            return MakeError(ErrorCode::kInvalidArgument, "tool_resources url must be an http(s) URL");
        }
        Json headers = ResourceValue(resource, "headers");
        auto timeout = static_cast<int>(SecondsToMs(ResourceValue(resource, "timeout"), kDefaultWebhookTimeoutMs));
        return std::unique_ptr<Tool>(new WebhookTool(spec, url.get<std::string>(),
                                                     headers.is_object() ? headers : Json::object(),
                                                     timeout > 0 ? timeout : kDefaultWebhookTimeoutMs, env));
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "tool_resources type must be function, procedure or webhook");
}

}  // namespace oc::runtime
