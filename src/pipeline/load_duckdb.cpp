#include "pipeline/load_duckdb.h"

#include <duckdb.h>

#include <set>

#include "pipeline/digest.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

DataType FromDuckDbType(const std::string& t) {
    if (t == "BIGINT") return DataType::kBigint;
    if (t == "DOUBLE") return DataType::kDouble;
    if (t == "BOOLEAN") return DataType::kBool;
    if (t.rfind("TIMESTAMP", 0) == 0) return DataType::kTimestamp;
    if (t == "JSON") return DataType::kJson;
    return DataType::kText;
}

std::string Qualified(const std::string& schema, const std::string& table) {
    return QuoteIdent(schema) + "." + QuoteIdent(table);
}

std::string SqlString(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        out += c;
        if (c == '\'') out += '\'';
    }
    return out + "'";
}

constexpr const char* kSystemTables[] = {
    "CREATE TABLE IF NOT EXISTS {s}._dlt_loads (load_id VARCHAR NOT NULL, schema_name VARCHAR, "
    "status BIGINT NOT NULL, inserted_at TIMESTAMP WITH TIME ZONE NOT NULL, schema_version_hash "
    "VARCHAR)",
    "CREATE TABLE IF NOT EXISTS {s}._dlt_version (version BIGINT NOT NULL, engine_version BIGINT "
    "NOT NULL, "
    "inserted_at TIMESTAMP WITH TIME ZONE NOT NULL, schema_name VARCHAR NOT NULL, "
    "version_hash VARCHAR NOT NULL, schema VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {s}._dlt_pipeline_state (version BIGINT NOT NULL, engine_version "
    "BIGINT NOT NULL, "
    "pipeline_name VARCHAR NOT NULL, state VARCHAR NOT NULL, created_at TIMESTAMP WITH TIME ZONE "
    "NOT NULL, "
    "version_hash VARCHAR, _dlt_load_id VARCHAR NOT NULL, _dlt_id VARCHAR NOT NULL)",
};

std::string WithSchema(std::string sql, const std::string& schema) {
    size_t pos = sql.find("{s}");
    sql.replace(pos, 3, QuoteIdent(schema));
    return sql;
}

}  // namespace

std::string QuoteIdent(const std::string& name) {
    std::string out = "\"";
    for (char c : name) {
        out += c;
        if (c == '"') out += '"';
    }
    return out + "\"";
}

DuckDbDestination::DuckDbDestination(std::unique_ptr<store::Database> db,
                                     std::unique_ptr<store::Connection> conn, std::string dataset)
    : db_(std::move(db)), conn_(std::move(conn)), dataset_(std::move(dataset)) {}

DuckDbDestination::~DuckDbDestination() = default;

Result<std::unique_ptr<DuckDbDestination>> DuckDbDestination::Open(const std::string& path,
                                                                   const std::string& dataset) {
    OC_ASSIGN_OR_RETURN(auto db, store::Database::Open(path));
    OC_ASSIGN_OR_RETURN(auto conn, db->Connect());
    return std::unique_ptr<DuckDbDestination>(
        new DuckDbDestination(std::move(db), std::move(conn), dataset));
}

Result<Json> DuckDbDestination::LoadState(const std::string& pipeline_name) {
    OC_ASSIGN_OR_RETURN(auto exists,
                        conn_->Prepare("SELECT count(*) FROM information_schema.tables WHERE "
                                       "table_schema = ? AND table_name = '_dlt_pipeline_state'"));
    OC_TRY(exists->Bind(1, dataset_));
    OC_ASSIGN_OR_RETURN(auto n, exists->Execute());
    if (n->GetInt64(0, 0) == 0) return Json();
    OC_ASSIGN_OR_RETURN(
        auto stmt,
        conn_->Prepare("SELECT state FROM " + Qualified(dataset_, "_dlt_pipeline_state") +
                       " WHERE pipeline_name = ? ORDER BY version DESC, created_at DESC LIMIT 1"));
    OC_TRY(stmt->Bind(1, pipeline_name));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    if (rows->RowCount() == 0) return Json();
    auto doc = ParseJson(DecompressState(rows->GetString(0, 0)));
    if (!doc) return MakeError(ErrorCode::kInternal, "stored pipeline state is not readable");
    return *doc;
}

Result<std::map<std::string, std::vector<std::pair<std::string, DataType>>>>
DuckDbDestination::ExistingColumns() {
    std::map<std::string, std::vector<std::pair<std::string, DataType>>> out;
    OC_ASSIGN_OR_RETURN(
        auto stmt,
        conn_->Prepare("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = ? ORDER BY table_name, ordinal_position"));
    OC_TRY(stmt->Bind(1, dataset_));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    for (idx_t r = 0; r < rows->RowCount(); ++r) {
        out[rows->GetString(0, r)].emplace_back(rows->GetString(1, r),
                                                FromDuckDbType(rows->GetString(2, r)));
    }
    return out;
}

Result<std::vector<std::string>> DuckDbDestination::TableColumns(const std::string& schema,
                                                                 const std::string& table) {
    OC_ASSIGN_OR_RETURN(
        auto stmt,
        conn_->Prepare(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND "
            "table_name = ? ORDER BY ordinal_position"));
    OC_TRY(stmt->Bind(1, schema));
    OC_TRY(stmt->Bind(2, table));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    std::vector<std::string> cols;
    for (idx_t r = 0; r < rows->RowCount(); ++r) cols.push_back(rows->GetString(0, r));
    return cols;
}

Status DuckDbDestination::EnsureTable(const std::string& schema, const Table& table) {
    OC_ASSIGN_OR_RETURN(auto existing, TableColumns(schema, table.name));
    if (existing.empty()) {
        std::string sql = "CREATE TABLE " + Qualified(schema, table.name) + " (";
        for (size_t i = 0; i < table.columns.size(); ++i) {
            const Column& c = table.columns[i];
            bool not_null = c.name == "_dlt_id" || c.name == "_dlt_load_id" ||
                            c.name == "_dlt_parent_id" || c.name == "_dlt_list_idx" ||
                            c.name == "_dlt_root_id";
            sql += (i ? ", " : "") + QuoteIdent(c.name) + " " + DuckDbTypeName(c.type) +
                   (not_null ? " NOT NULL" : "");
        }
        return conn_->Execute(sql + ")");
    }
    std::set<std::string> have(existing.begin(), existing.end());
    for (const Column& c : table.columns) {
        if (have.count(c.name) != 0) continue;
        OC_TRY(conn_->Execute("ALTER TABLE " + Qualified(schema, table.name) + " ADD COLUMN " +
                              QuoteIdent(c.name) + " " + DuckDbTypeName(c.type)));
    }
    return {};
}

Status DuckDbDestination::Append(const std::string& schema, const Table& table) {
    OC_ASSIGN_OR_RETURN(auto dest_cols, TableColumns(schema, table.name));
    std::vector<int> map(table.columns.size(), -1);
    for (size_t i = 0; i < table.columns.size(); ++i) {
        for (size_t j = 0; j < dest_cols.size(); ++j) {
            if (dest_cols[j] == table.columns[i].name) map[i] = static_cast<int>(j);
        }
    }
    duckdb_appender app = nullptr;
    if (duckdb_appender_create(conn_->raw(), schema.c_str(), table.name.c_str(), &app) ==
        DuckDBError) {
        std::string msg = app ? duckdb_appender_error(app) : "cannot create appender";
        duckdb_appender_destroy(&app);
        return MakeError(ErrorCode::kInternal, "load " + table.name + ": " + msg);
    }
    std::vector<const Cell*> cells(dest_cols.size());
    bool ok = true;
    for (const auto& row : table.rows) {
        std::fill(cells.begin(), cells.end(), nullptr);
        for (const auto& [col, cell] : row) {
            if (map[col] >= 0) cells[static_cast<size_t>(map[col])] = &cell;
        }
        for (const Cell* c : cells) {
            duckdb_state st;
            if (c == nullptr)
                st = duckdb_append_null(app);
            else if (c->type == DataType::kBigint)
                st = duckdb_append_int64(app, c->i);
            else if (c->type == DataType::kDouble)
                st = duckdb_append_double(app, c->d);
            else if (c->type == DataType::kBool)
                st = duckdb_append_bool(app, c->b);
            else
                st = duckdb_append_varchar_length(app, c->text.data(), c->text.size());
            ok = ok && st == DuckDBSuccess;
        }
        ok = ok && duckdb_appender_end_row(app) == DuckDBSuccess;
        if (!ok) break;
    }
    ok = ok && duckdb_appender_close(app) == DuckDBSuccess;
    std::string msg =
        ok ? "" : (duckdb_appender_error(app) ? duckdb_appender_error(app) : "append failed");
    duckdb_appender_destroy(&app);
    if (!ok) return MakeError(ErrorCode::kInternal, "load " + table.name + ": " + msg);
    return {};
}

Status DuckDbDestination::Merge(const LoadPackage& package, const Table& root) {
    const std::string staging = dataset_ + "_staging";
    OC_TRY(conn_->Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(staging)));
    std::vector<const Table*> chain;
    for (const Table& t : *package.tables) {
        if (t.root == root.name && !t.rows.empty()) chain.push_back(&t);
    }
    for (const Table* t : chain) {
        OC_TRY(conn_->Execute("CREATE OR REPLACE TABLE " + Qualified(staging, t->name) +
                              " AS SELECT * FROM " + Qualified(dataset_, t->name) + " LIMIT 0"));
        OC_TRY(Append(staging, *t));
    }
    std::string keys, on;
    for (const auto& k : root.primary_key) {
        keys += (keys.empty() ? "" : ", ") + QuoteIdent(k);
        on +=
            std::string(on.empty() ? "" : " AND ") + "d." + QuoteIdent(k) + " = s." + QuoteIdent(k);
    }
    const std::string dest_root = Qualified(dataset_, root.name);
    const std::string stage_root = Qualified(staging, root.name);
    // Nested rows of replaced roots go too, also in tables this package has no rows for.
    OC_ASSIGN_OR_RETURN(auto existing, ExistingColumns());
    for (const auto& [name, cols] : existing) {
        bool has_root_id = false;
        for (const auto& col : cols) has_root_id = has_root_id || col.first == "_dlt_root_id";
        if (name.rfind(root.name + "__", 0) != 0 || !has_root_id) continue;
        OC_TRY(conn_->Execute("DELETE FROM " + Qualified(dataset_, name) +
                              " WHERE _dlt_root_id IN (SELECT d._dlt_id FROM " + dest_root +
                              " d JOIN " + stage_root + " s ON " + on + ")"));
    }
    OC_TRY(conn_->Execute("DELETE FROM " + dest_root + " d WHERE EXISTS (SELECT 1 FROM " +
                          stage_root + " s WHERE " + on + ")"));
    OC_ASSIGN_OR_RETURN(auto cols, TableColumns(dataset_, root.name));
    std::string list;
    for (const auto& c : cols) list += (list.empty() ? "" : ", ") + QuoteIdent(c);
    OC_TRY(conn_->Execute("INSERT INTO " + dest_root + " (" + list + ") SELECT " + list +
                          " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY " + keys +
                          ") AS _dlt_dedup_rn FROM " + stage_root + ") WHERE _dlt_dedup_rn = 1"));
    for (const Table* t : chain) {
        if (t == &root) continue;
        OC_ASSIGN_OR_RETURN(auto ccols, TableColumns(dataset_, t->name));
        std::string clist;
        for (const auto& c : ccols) clist += (clist.empty() ? "" : ", ") + QuoteIdent(c);
        OC_TRY(conn_->Execute("INSERT INTO " + Qualified(dataset_, t->name) + " (" + clist +
                              ") SELECT " + clist + " FROM " + Qualified(staging, t->name) +
                              " WHERE _dlt_root_id IN (SELECT _dlt_id FROM " + dest_root +
                              " WHERE _dlt_load_id = " + SqlString(package.load_id) + ")"));
    }
    return {};
}

Status DuckDbDestination::LoadTables(const LoadPackage& package) {
    OC_TRY(conn_->Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(dataset_)));
    for (const char* sql : kSystemTables) OC_TRY(conn_->Execute(WithSchema(sql, dataset_)));
    for (const Table& t : *package.tables) {
        if (!t.rows.empty() && !t.columns.empty()) OC_TRY(EnsureTable(dataset_, t));
    }
    OC_ASSIGN_OR_RETURN(auto existing, ExistingColumns());
    for (const Table& t : *package.tables) {
        if (!t.parent.empty() || t.write_disposition != "replace") continue;
        for (const auto& [name, cols] : existing) {
            if (name == t.name || name.rfind(t.name + "__", 0) == 0) {
                OC_TRY(conn_->Execute("DELETE FROM " + Qualified(dataset_, name)));
            }
        }
    }
    for (const Table& t : *package.tables) {
        if (!t.parent.empty() || t.rows.empty()) continue;
        if (t.write_disposition == "merge" && !t.primary_key.empty()) {
            OC_TRY(Merge(package, t));
            continue;
        }
        for (const Table& c : *package.tables) {
            if (c.root == t.name && !c.rows.empty()) OC_TRY(Append(dataset_, c));
        }
    }
    return WriteSystemRows(package);
}

Status DuckDbDestination::WriteSystemRows(const LoadPackage& package) {
    Json schema = Json{{"name", package.schema_name}, {"tables", Json::object()}};
    OC_ASSIGN_OR_RETURN(auto existing, ExistingColumns());
    for (const auto& [name, cols] : existing) {
        Json columns = Json::object();
        for (const auto& [c, type] : cols)
            columns[c] = Json{{"name", c}, {"data_type", DltTypeName(type)}};
        schema["tables"][name] = Json{{"name", name}, {"columns", columns}};
    }
    std::string hash = Sha3Base64(DumpJson(schema));
    const std::string ver = Qualified(dataset_, "_dlt_version");
    OC_ASSIGN_OR_RETURN(
        auto last,
        conn_->Query("SELECT coalesce(max(version), 1), count(*) FILTER (WHERE version_hash = " +
                     SqlString(hash) + ") FROM " + ver));
    if (last->GetInt64(1, 0) == 0) {
        OC_TRY(conn_->ExecuteWith("INSERT INTO " + ver + " VALUES (?, 11, now(), ?, ?, ?)",
                                  last->GetInt64(0, 0) + 1, package.schema_name, hash,
                                  DumpJson(schema)));
    }
    if (!package.state.is_null()) {
        OC_TRY(conn_->ExecuteWith("INSERT INTO " + Qualified(dataset_, "_dlt_pipeline_state") +
                                      " VALUES (?, 4, ?, ?, now(), ?, ?, ?)",
                                  package.state.value("_state_version", int64_t{1}),
                                  package.pipeline_name, CompressState(DumpJson(package.state)),
                                  package.state.value("_version_hash", std::string()),
                                  package.load_id, RandomId()));
    }
    return conn_->ExecuteWith(
        "INSERT INTO " + Qualified(dataset_, "_dlt_loads") + " VALUES (?, ?, 0, now(), ?)",
        package.load_id, package.schema_name, hash);
}

Status DuckDbDestination::Load(const LoadPackage& package) {
    OC_TRY(conn_->Execute("BEGIN TRANSACTION"));
    Status st = LoadTables(package);
    if (!st) {
        (void)conn_->Execute("ROLLBACK");
        return st;
    }
    return conn_->Execute("COMMIT");
}

}  // namespace oc::pipeline
