#include "store/duckdb/connection.h"

#include <string>

namespace oc::store {
namespace {

Error DuckError(std::string_view what, const char* detail) {
    return MakeError(ErrorCode::kInternal,
                     std::string(what) + (detail ? std::string(": ") + detail : std::string()));
}

}  // namespace

// The deprecated per-cell accessors are fine for small metadata results and keep repos short.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
idx_t QueryResult::RowCount() { return duckdb_row_count(&result_); }
bool QueryResult::IsNull(idx_t col, idx_t row) { return duckdb_value_is_null(&result_, col, row); }
std::string QueryResult::GetString(idx_t col, idx_t row) {
    char* s = duckdb_value_varchar(&result_, col, row);
    if (!s) return {};
    std::string out(s);
    duckdb_free(s);
    return out;
}
std::optional<std::string> QueryResult::GetOptString(idx_t col, idx_t row) {
    if (IsNull(col, row)) return std::nullopt;
    return GetString(col, row);
}
int64_t QueryResult::GetInt64(idx_t col, idx_t row) { return duckdb_value_int64(&result_, col, row); }
bool QueryResult::GetBool(idx_t col, idx_t row) { return duckdb_value_boolean(&result_, col, row); }
#pragma GCC diagnostic pop

Status Prepared::Bind(idx_t i, std::string_view v) {
    if (duckdb_bind_varchar_length(stmt_, i, v.data(), v.size()) != DuckDBSuccess) {
        return DuckError("bind varchar", duckdb_prepare_error(stmt_));
    }
    return {};
}
Status Prepared::Bind(idx_t i, int64_t v) {
    if (duckdb_bind_int64(stmt_, i, v) != DuckDBSuccess) return DuckError("bind int64", nullptr);
    return {};
}
Status Prepared::Bind(idx_t i, double v) {
    if (duckdb_bind_double(stmt_, i, v) != DuckDBSuccess) return DuckError("bind double", nullptr);
    return {};
}
Status Prepared::BindBool(idx_t i, bool v) {
    if (duckdb_bind_boolean(stmt_, i, v) != DuckDBSuccess) return DuckError("bind bool", nullptr);
    return {};
}
Status Prepared::BindNull(idx_t i) {
    if (duckdb_bind_null(stmt_, i) != DuckDBSuccess) return DuckError("bind null", nullptr);
    return {};
}

Result<std::unique_ptr<QueryResult>> Prepared::Execute() {
    duckdb_result r{};  // left untouched by some early errors, then destroyed
    if (duckdb_execute_prepared(stmt_, &r) != DuckDBSuccess) {
        std::string msg = duckdb_result_error(&r) ? duckdb_result_error(&r) : "execute failed";
        duckdb_destroy_result(&r);
        return MakeError(ErrorCode::kInternal, msg);
    }
    return std::make_unique<QueryResult>(r);
}

Status Connection::Execute(std::string_view sql) {
    OC_ASSIGN_OR_RETURN(auto result, Query(sql));
    return {};
}

Result<std::unique_ptr<QueryResult>> Connection::Query(std::string_view sql) {
    duckdb_result r{};  // left untouched by some early errors, then destroyed
    std::string text(sql);
    if (duckdb_query(conn_, text.c_str(), &r) != DuckDBSuccess) {
        std::string msg = duckdb_result_error(&r) ? duckdb_result_error(&r) : "query failed";
        duckdb_error_type type = duckdb_result_error_type(&r);
        duckdb_destroy_result(&r);
        ErrorCode code = type == DUCKDB_ERROR_INTERRUPT ? ErrorCode::kCancelled : ErrorCode::kInternal;
        return MakeError(code, msg);
    }
    return std::make_unique<QueryResult>(r);
}

Result<std::unique_ptr<Prepared>> Connection::Prepare(std::string_view sql) {
    duckdb_prepared_statement stmt;
    std::string text(sql);
    if (duckdb_prepare(conn_, text.c_str(), &stmt) != DuckDBSuccess) {
        std::string msg = duckdb_prepare_error(stmt) ? duckdb_prepare_error(stmt) : "prepare failed";
        duckdb_destroy_prepare(&stmt);
        return MakeError(ErrorCode::kInvalidArgument, msg);
    }
    return std::make_unique<Prepared>(stmt);
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& path) {
    std::string load_error;
    if (!DuckDbLibrary().Load(&load_error)) {
        return MakeError(ErrorCode::kUnavailable, "cannot open database " + path + ": " + load_error);
    }
    duckdb_database db;
    duckdb_config config;
    if (duckdb_create_config(&config) != DuckDBSuccess) return DuckError("create config", nullptr);
    // No network at run time: never try to download extensions.
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    char* err = nullptr;
    const char* p = path.empty() ? nullptr : path.c_str();
    if (duckdb_open_ext(p, &db, config, &err) != DuckDBSuccess) {
        std::string msg = err ? err : "open failed";
        if (err) duckdb_free(err);
        duckdb_destroy_config(&config);
        return MakeError(ErrorCode::kUnavailable, "cannot open database " + path + ": " + msg);
    }
    duckdb_destroy_config(&config);
    return std::unique_ptr<Database>(new Database(db));
}

Result<std::unique_ptr<Connection>> Database::Connect() {
    duckdb_connection c;
    if (duckdb_connect(db_, &c) != DuckDBSuccess) return DuckError("connect", nullptr);
    return std::make_unique<Connection>(c);
}

}  // namespace oc::store
