// RAII over the DuckDB C API: Database (one per file set), Connection, QueryResult, Prepared.
// Every C API status is checked; errors become Result values. Not thread-safe per object:
// a Connection is used by one thread at a time (Interrupt() may be called from any thread).
#pragma once

#include "store/duckdb_api.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace oc::store {

class Connection;

class QueryResult {
public:
    explicit QueryResult(duckdb_result r) : result_(r) {}
    ~QueryResult() { duckdb_destroy_result(&result_); }
    QueryResult(const QueryResult&) = delete;
    QueryResult& operator=(const QueryResult&) = delete;

    idx_t ColumnCount() { return duckdb_column_count(&result_); }
    idx_t RowCount();
    idx_t RowsChanged() { return duckdb_rows_changed(&result_); }
    std::string ColumnName(idx_t col) { return duckdb_column_name(&result_, col); }
    duckdb_type ColumnType(idx_t col) { return duckdb_column_type(&result_, col); }
    duckdb_statement_type StatementType() { return duckdb_result_statement_type(result_); }

    // Simple cell access for small metadata results (materialises chunks on first use).
    bool IsNull(idx_t col, idx_t row);
    std::string GetString(idx_t col, idx_t row);
    std::optional<std::string> GetOptString(idx_t col, idx_t row);
    int64_t GetInt64(idx_t col, idx_t row);
    bool GetBool(idx_t col, idx_t row);

    duckdb_result* raw() { return &result_; }

private:
    duckdb_result result_;
};

class Prepared {
public:
    explicit Prepared(duckdb_prepared_statement s) : stmt_(s) {}
    ~Prepared() { duckdb_destroy_prepare(&stmt_); }
    Prepared(const Prepared&) = delete;
    Prepared& operator=(const Prepared&) = delete;

    // Parameters are 1-based.
    Status Bind(idx_t i, std::string_view v);
    Status Bind(idx_t i, int64_t v);
    Status Bind(idx_t i, double v);
    Status BindBool(idx_t i, bool v);
    Status BindNull(idx_t i);
    Status BindOpt(idx_t i, const std::optional<std::string>& v) { return v ? Bind(i, *v) : BindNull(i); }
    Status BindValue(idx_t i, std::string_view v) { return Bind(i, v); }
    Status BindValue(idx_t i, const std::string& v) { return Bind(i, std::string_view(v)); }
    Status BindValue(idx_t i, const char* v) { return Bind(i, std::string_view(v)); }
    Status BindValue(idx_t i, int64_t v) { return Bind(i, v); }
    Status BindValue(idx_t i, bool v) { return BindBool(i, v); }
    // Binds args to parameters 1..n in order; stops at the first failure.
    template <typename... Args>
    Status BindAll(const Args&... args) {
        idx_t i = 0;
        Status st;
        ((st = st ? BindValue(++i, args) : st), ...);
        return st;
    }
    idx_t ParamCount() { return duckdb_nparams(stmt_); }
    Result<std::unique_ptr<QueryResult>> Execute();
    duckdb_prepared_statement raw() { return stmt_; }

private:
    duckdb_prepared_statement stmt_;
};

class Connection {
public:
    explicit Connection(duckdb_connection c) : conn_(c) {}
    ~Connection() { duckdb_disconnect(&conn_); }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Status Execute(std::string_view sql);
    Result<std::unique_ptr<QueryResult>> Query(std::string_view sql);
    Result<std::unique_ptr<Prepared>> Prepare(std::string_view sql);
    // Prepares sql, binds args to ?1..?n and executes it (autocommit unless in a transaction).
    template <typename... Args>
    Status ExecuteWith(std::string_view sql, const Args&... args) {
        OC_ASSIGN_OR_RETURN(auto stmt, Prepare(sql));
        OC_TRY(stmt->BindAll(args...));
        OC_ASSIGN_OR_RETURN(auto result, stmt->Execute());
        return {};
    }
    // Cancels the running query of this connection; safe from another thread.
    void Interrupt() { duckdb_interrupt(conn_); }
    duckdb_connection raw() { return conn_; }

private:
    duckdb_connection conn_;
};

class Database {
public:
    // Opens (creating if needed) a DuckDB database file; ":memory:" or "" for in-memory.
    static Result<std::unique_ptr<Database>> Open(const std::string& path);
    ~Database() { duckdb_close(&db_); }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    Result<std::unique_ptr<Connection>> Connect();
    duckdb_database raw() { return db_; }

private:
    explicit Database(duckdb_database db) : db_(db) {}
    duckdb_database db_;
};

}  // namespace oc::store
