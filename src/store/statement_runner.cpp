#include "store/statement_runner.h"

#include "store/duckdb_api.h"

#include <algorithm>

#include "common/identifier.h"
#include "store/duckdb/connection.h"
#include "store/sql_lexer.h"
#include "store/sql_messages.h"
#include "store/statement_binding.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

constexpr auto kReinterruptEvery = std::chrono::milliseconds(50);

// Owns the statements of duckdb_extract_statements.
class Extracted {
public:
    Extracted(Connection& conn, const std::string& sql) {
        count_ = duckdb_extract_statements(conn.raw(), sql.c_str(), &statements_);
    }
    ~Extracted() { duckdb_destroy_extracted(&statements_); }
    Extracted(const Extracted&) = delete;
    Extracted& operator=(const Extracted&) = delete;

    idx_t count() const { return count_; }
    std::string error() const {
        const char* e = duckdb_extract_statements_error(statements_);
        return e ? e : "Parser Error: could not parse the statement";
    }
    duckdb_extracted_statements raw() const { return statements_; }

private:
    duckdb_extracted_statements statements_ = nullptr;
    idx_t count_ = 0;
};

Error StopError(const ExecutionControl& control, int64_t timeout_ms) {
    return control.timed_out() ? TimeoutError(timeout_ms) : CancelledError();
}

Error NotFound(const std::string& what) {
    return MakeError(ErrorCode::kNotFound, what + " does not exist or not authorized.", "002003", 422);
}

// USE of the request's database and schema; a database alone also selects its PUBLIC schema
// when there is one, as Snowflake does.
Status UseContext(Connection& conn, const StatementRequest& r) {
    if (!r.database.empty() && !r.schema.empty()) {
        if (!conn.Execute("USE " + QuoteIdentifier(r.database) + "." + QuoteIdentifier(r.schema))) {
            return NotFound("Schema '" + r.database + "." + r.schema + "'");
        }
        return {};
    }
    if (!r.database.empty()) {
        if (!conn.Execute("USE " + QuoteIdentifier(r.database))) {
            return NotFound("Database '" + r.database + "'");
        }
        (void)conn.Execute("USE " + QuoteIdentifier(r.database) + ".\"PUBLIC\"");
        return {};
    }
    if (!r.schema.empty()) {
        OC_ASSIGN_OR_RETURN(auto current, conn.Query("SELECT current_database()"));
        std::string db = current->GetString(0, 0);
        if (!conn.Execute("USE " + QuoteIdentifier(db) + "." + QuoteIdentifier(r.schema))) {
            return NotFound("Schema '" + r.schema + "'");
        }
    }
    return {};
}

bool IsDdl(duckdb_statement_type type) {
    return type == DUCKDB_STATEMENT_TYPE_CREATE || type == DUCKDB_STATEMENT_TYPE_CREATE_FUNC ||
           type == DUCKDB_STATEMENT_TYPE_DROP || type == DUCKDB_STATEMENT_TYPE_ALTER;
}

// Statements Snowflake accepts only inside a multi-statement request (§2.2).
Status CheckSingleStatementKind(duckdb_statement_type type, const SqlStatementText* statement) {
    if (type != DUCKDB_STATEMENT_TYPE_TRANSACTION && type != DUCKDB_STATEMENT_TYPE_SET &&
        type != DUCKDB_STATEMENT_TYPE_VARIABLE_SET) {
        return {};
    }
    std::string what = statement && !statement->tokens.empty()
                           ? std::string(statement->tokens[0].text) : std::string("this statement");
    return MakeError(ErrorCode::kInvalidArgument,
                     "Unsupported feature '" + what +
                         "' in a single-statement request; send it inside a multi-statement request.",
                     "000002", 422);
}

// The wire shape of an executed statement (§2.6).
Result<RenderedResult> Shape(QueryResult& result, const SqlStatementText* statement,
                             size_t max_bytes) {
    duckdb_statement_type type = result.StatementType();
    if (duckdb_result_return_type(*result.raw()) == DUCKDB_RESULT_TYPE_QUERY_RESULT) {
        return RenderRows(result, max_bytes);
    }
    auto changed = static_cast<int64_t>(result.RowsChanged());
    bool truncate = statement && !statement->tokens.empty() && statement->tokens[0].IsWord("truncate");
    bool merge = statement && !statement->tokens.empty() && statement->tokens[0].IsWord("merge");
    if (type == DUCKDB_STATEMENT_TYPE_INSERT) return RenderRowCount(ResultShape::kInserted, changed);
    if (type == DUCKDB_STATEMENT_TYPE_UPDATE) return RenderRowCount(ResultShape::kUpdated, changed);
    if (type == DUCKDB_STATEMENT_TYPE_DELETE && !truncate) {
        return RenderRowCount(ResultShape::kDeleted, changed);
    }
    if (merge) return RenderRowCount(ResultShape::kMerged, changed);
    if (IsDdl(type) && statement) return RenderStatus("status", DdlStatusMessage(*statement), true);
    return RenderStatus("status", kExecutedMessage, true);
}

struct RunContext {
    Connection& conn;
    const StatementRequest& request;
    ExecutionControl& control;
    const RunnerOptions& options;
    bool multi;
};

// Prepares, checks, binds and executes statement `index` of the request.
Result<RenderedResult> RunOne(const RunContext& ctx, duckdb_extracted_statements extracted, idx_t index,
                              const SqlStatementText* statement) {
    Connection& conn = ctx.conn;
    const StatementRequest& request = ctx.request;
    duckdb_prepared_statement raw = nullptr;
    if (duckdb_prepare_extracted_statement(conn.raw(), extracted, index, &raw) != DuckDBSuccess) {
        std::string message = duckdb_prepare_error(raw) ? duckdb_prepare_error(raw) : "Parser Error";
        duckdb_destroy_prepare(&raw);
        return SqlErrorFromDuckDb(message);
    }
    Prepared prepared(raw);
    OC_TRY(CheckStatementType(prepared, statement));
    duckdb_statement_type type = duckdb_prepared_statement_type(raw);
    if (!ctx.multi) OC_TRY(CheckSingleStatementKind(type, statement));
    OC_TRY(ApplyBindings(prepared, request.bindings));
    duckdb_result out;
    if (duckdb_execute_prepared(raw, &out) != DuckDBSuccess) {
        std::string message = duckdb_result_error(&out) ? duckdb_result_error(&out) : "execution failed";
        bool interrupted = duckdb_result_error_type(&out) == DUCKDB_ERROR_INTERRUPT;
        duckdb_destroy_result(&out);
        if (interrupted || ctx.control.stopping()) return StopError(ctx.control, request.timeout_ms);
        return SqlErrorFromDuckDb(message);
    }
    QueryResult result(out);
    OC_ASSIGN_OR_RETURN(RenderedResult rendered, Shape(result, statement, ctx.options.max_result_bytes));
    if (IsDdl(type) && ctx.options.after_ddl) ctx.options.after_ddl();
    return rendered;
}

}  // namespace

void ExecutionControl::Cancel() {
    cancelled_.store(true);
    Interrupt();
}

bool ExecutionControl::attached() const {
    std::lock_guard<std::mutex> lock(mu_);
    return conn_ != nullptr;
}

void ExecutionControl::Attach(Connection* conn) {
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = conn;
}

void ExecutionControl::Detach() {
    std::lock_guard<std::mutex> lock(mu_);
    conn_ = nullptr;
}

void ExecutionControl::TimeOut() {
    if (!cancelled()) timed_out_.store(true);
    Interrupt();
}

void ExecutionControl::Interrupt() {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn_ != nullptr) conn_->Interrupt();
}

StatementRunner::StatementRunner(SystemStore& store, RunnerOptions options)
    : store_(store), options_(std::move(options)) {}

Result<std::unique_ptr<StatementRunner>> StatementRunner::Create(SystemStore& store, RunnerOptions options) {
    if (options.lock_down.allowed_directories.empty()) {
        options.lock_down.allowed_directories = DataInstanceDirectories(store.data_dir());
    }
    OC_ASSIGN_OR_RETURN(auto conn, store.ConnectData());
    OC_TRY(LockDownDataInstance(*conn, options.lock_down));
    std::unique_ptr<StatementRunner> runner(new StatementRunner(store, std::move(options)));
    runner->watchdog_ = std::thread([r = runner.get()] { r->Watch(); });
    return runner;
}

StatementRunner::~StatementRunner() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stop_ = true;
    }
    cv_.notify_all();
    if (watchdog_.joinable()) watchdog_.join();
}

// Times out requests past their deadline and keeps interrupting stopping ones: an interrupt that
// lands between two statements is lost when the next one starts.
void StatementRunner::Watch() {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
        Clock::time_point now = Clock::now();
        Clock::time_point next = Clock::time_point::max();
        for (auto& [control, deadline] : active_) {
            if (!control->stopping() && now >= deadline) control->TimeOut();
            if (control->stopping()) control->Interrupt();
            next = std::min(next, control->stopping() ? now + kReinterruptEvery
                                                      : std::min(deadline, now + kReinterruptEvery));
        }
        if (next == Clock::time_point::max()) {
            cv_.wait(lock);
        } else {
            cv_.wait_until(lock, next);
        }
    }
}

void StatementRunner::Register(ExecutionControl* control, Clock::time_point deadline) {
    {
        std::lock_guard<std::mutex> lock(mu_);
        active_[control] = deadline;
    }
    cv_.notify_all();
}

void StatementRunner::Unregister(ExecutionControl* control) {
    std::lock_guard<std::mutex> lock(mu_);
    active_.erase(control);
}

Result<std::vector<RenderedResult>> StatementRunner::Run(const StatementRequest& request,
                                                         ExecutionControl& control) {
    std::vector<SqlStatementText> statements = SplitSqlStatements(request.sql);
    if (statements.empty()) {
        return MakeError(ErrorCode::kInvalidArgument, "Empty SQL statement.", "000900", 422);
    }
    OC_TRY(CheckSqlText(statements));  // before DuckDB parses anything (sql_guard.h)
    OC_ASSIGN_OR_RETURN(auto conn, store_.ConnectData());
    Clock::time_point deadline = request.timeout_ms > 0
                                     ? Clock::now() + std::chrono::milliseconds(request.timeout_ms)
                                     : Clock::time_point::max();
    control.Attach(conn.get());
    Register(&control, deadline);
    auto results = RunOn(*conn, request, control);
    Unregister(&control);
    control.Detach();
    return results;
}

Result<std::vector<RenderedResult>> StatementRunner::RunOn(Connection& conn, const StatementRequest& request,
                                                           ExecutionControl& control) {
    if (control.stopping()) return StopError(control, request.timeout_ms);
    OC_TRY(UseContext(conn, request));
    bool has_bindings = request.bindings.is_object() && !request.bindings.empty();
    std::string sql = has_bindings ? RewriteColonPlaceholders(request.sql) : request.sql;
    Extracted extracted(conn, sql);
    idx_t count = extracted.count();
    if (count == 0) return SqlErrorFromDuckDb(extracted.error());
    if (request.statement_count != 0 && static_cast<int64_t>(count) != request.statement_count) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Actual statement count " + std::to_string(count) +
                             " did not match the desired statement count " +
                             std::to_string(request.statement_count) + ".",
                         "000008", 422);
    }
    bool multi = request.statement_count != 1;
    if (multi && has_bindings) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Unsupported feature 'bindings in a multi-statement request'.", "000002", 422);
    }
    std::vector<SqlStatementText> statements = SplitSqlStatements(sql);
    bool paired = statements.size() == count;
    const RunContext ctx{conn, request, control, options_, multi};
    std::vector<RenderedResult> results;
    for (idx_t k = 0; k < count; ++k) {
        if (control.stopping()) return StopError(control, request.timeout_ms);
        const SqlStatementText* statement = paired ? &statements[k] : nullptr;
        Result<RenderedResult> one = RunOne(ctx, extracted.raw(), k, statement);
        if (!one) {
            if (control.stopping()) return StopError(control, request.timeout_ms);
            if (!multi) return one.error();
            return MultiStatementFailure(one.error(), request.sql, statement);
        }
        results.push_back(std::move(*one));
    }
    return results;
}

}  // namespace oc::store
