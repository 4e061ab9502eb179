#include "pipeline/load_duckdb.h"

#include "store/duckdb_api.h"

#include <fstream>
#include <set>

#include "pipeline/digest.h"
#include "pipeline/jsonl_append.h"
#include "pipeline/package.h"
#include "pipeline/sql_load.h"
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

DuckDbDestination::DuckDbDestination(std::unique_ptr<store::Database> db,
                                     std::unique_ptr<store::Connection> conn, std::string path,
                                     std::string dataset)
    : db_(std::move(db)),
      conn_(std::move(conn)),
      path_(std::move(path)),
      dataset_(std::move(dataset)) {}

DuckDbDestination::~DuckDbDestination() = default;

Result<std::unique_ptr<DuckDbDestination>> DuckDbDestination::Open(const std::string& path,
                                                                   const std::string& dataset) {
    OC_ASSIGN_OR_RETURN(auto db, store::Database::Open(path));
    OC_ASSIGN_OR_RETURN(auto conn, db->Connect());
    return std::unique_ptr<DuckDbDestination>(
        new DuckDbDestination(std::move(db), std::move(conn), path, dataset));
}

Result<std::unique_ptr<DuckDbDestination>> DuckDbDestination::OnConnection(
    std::unique_ptr<store::Connection> conn, const std::string& catalog,
    const std::string& dataset) {
    OC_TRY(conn->Execute("USE " + QuoteIdent(catalog)));
    return std::unique_ptr<DuckDbDestination>(
        new DuckDbDestination(nullptr, std::move(conn), "", dataset));
}

Result<Json> DuckDbDestination::LoadState(const std::string& pipeline_name) {
    OC_ASSIGN_OR_RETURN(auto exists,
                        conn_->Prepare("SELECT count(*) FROM information_schema.tables WHERE "
                                       "table_schema = ? AND table_name = '_dlt_pipeline_state' "
                                       "AND table_catalog = current_database()"));
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

Result<ExistingSchema> DuckDbDestination::ExistingColumns() {
    ExistingSchema out;
    OC_ASSIGN_OR_RETURN(
        auto stmt,
        conn_->Prepare("SELECT table_name, column_name, data_type FROM information_schema.columns "
                       "WHERE table_schema = ? AND table_catalog = current_database() "
                       "ORDER BY table_name, ordinal_position"));
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
            "table_name = ? AND table_catalog = current_database() ORDER BY ordinal_position"));
    OC_TRY(stmt->Bind(1, schema));
    OC_TRY(stmt->Bind(2, table));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    std::vector<std::string> cols;
    for (idx_t r = 0; r < rows->RowCount(); ++r) cols.push_back(rows->GetString(0, r));
    return cols;
}

namespace {

// Row ids are random base64. DuckDB's FSST/dictionary analysis of them at commit took ~12% of a
// nested load's CPU (bench/pipeline_bench.sh), so they are stored uncompressed, trading a larger
// database file (docs/BENCHMARKS.md, Pipeline) for that CPU.
bool RandomIdColumn(const std::string& name) {
    return name == "_dlt_id" || name == "_dlt_parent_id" || name == "_dlt_root_id";
}

}  // namespace

Status DuckDbDestination::EnsureTable(const std::string& schema, const Table& table) {
    OC_ASSIGN_OR_RETURN(auto existing, TableColumns(schema, table.name));
    if (existing.empty()) {
        std::string sql = "CREATE TABLE " + Qualified(schema, table.name) + " (";
        for (size_t i = 0; i < table.columns.size(); ++i) {
            const Column& c = table.columns[i];
            bool not_null = IsDltColumn(c.name);
            sql += (i ? ", " : "") + QuoteIdent(c.name) + " " + DuckDbTypeName(c.type) +
                   (RandomIdColumn(c.name) ? " USING COMPRESSION uncompressed" : "") +
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

Result<bool> DuckDbDestination::IsLoaded(const std::string& load_id) {
    OC_ASSIGN_OR_RETURN(auto exists,
                        conn_->Prepare("SELECT count(*) FROM information_schema.tables WHERE "
                                       "table_schema = ? AND table_name = '_dlt_loads' "
                                       "AND table_catalog = current_database()"));
    OC_TRY(exists->Bind(1, dataset_));
    OC_ASSIGN_OR_RETURN(auto n, exists->Execute());
    if (n->GetInt64(0, 0) == 0) return false;
    OC_ASSIGN_OR_RETURN(auto stmt, conn_->Prepare("SELECT count(*) FROM " +
                                                  Qualified(dataset_, "_dlt_loads") +
                                                  " WHERE load_id = ?"));
    OC_TRY(stmt->Bind(1, load_id));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    return rows->GetInt64(0, 0) > 0;
}

Status DuckDbDestination::AppendJob(const std::string& schema, const PackageTable& table,
                                     const std::vector<std::string>& dest_cols) {
    std::ifstream in(table.path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kInternal, "load " + table.table.name + ": cannot read " + table.path);
    duckdb_appender app = nullptr;
    if (duckdb_appender_create(conn_->raw(), schema.c_str(), table.table.name.c_str(), &app) ==
        DuckDBError) {
        std::string msg = app ? duckdb_appender_error(app) : "cannot create appender";
        duckdb_appender_destroy(&app);
        return MakeError(ErrorCode::kInternal, "load " + table.table.name + ": " + msg);
    }
    bool ok = true;
    std::string line;
    while (ok && std::getline(in, line)) {
        if (line.empty()) continue;
        auto row = ParseJson(line);
        if (!row || !row->is_object()) {
            ok = false;
            break;
        }
        for (const auto& col : dest_cols) {
            auto it = row->find(col);
            duckdb_state st;
            if (it == row->end() || it->is_null()) {
                st = duckdb_append_null(app);
            } else if (it->is_boolean()) {
                st = duckdb_append_bool(app, it->get<bool>());
            } else if (it->is_number_integer()) {
                st = duckdb_append_int64(app, it->get<int64_t>());
            } else if (it->is_number()) {
                st = duckdb_append_double(app, it->get<double>());
            } else {
                std::string text = it->is_string() ? it->get<std::string>() : DumpJson(*it);
                st = duckdb_append_varchar_length(app, text.data(), text.size());
            }
            ok = ok && st == DuckDBSuccess;
        }
        ok = ok && duckdb_appender_end_row(app) == DuckDBSuccess;
    }
    ok = ok && duckdb_appender_close(app) == DuckDBSuccess;
    std::string msg = ok ? "" : (duckdb_appender_error(app) ? duckdb_appender_error(app) : "bad job row");
    duckdb_appender_destroy(&app);
    if (!ok) return MakeError(ErrorCode::kInternal, "load " + table.table.name + ": " + msg);
    return {};
}

Status DuckDbDestination::InsertJob(const std::string& schema, const PackageTable& table) {
    OC_ASSIGN_OR_RETURN(bool naive_utc, NaiveUtc());
    // The fast path: the job parsed here and appended in data chunks.
    OC_ASSIGN_OR_RETURN(auto dest_cols, TableColumns(schema, table.table.name));
    OC_ASSIGN_OR_RETURN(AppendOutcome done, AppendJsonlJob(conn_->raw(), schema, table.table.name,
                                                           dest_cols, table.path, naive_utc));
    if (done == AppendOutcome::kLoaded) return {};
    if (db_ == nullptr) return AppendJob(schema, table, dest_cols);  // attached: no file access
    std::string cols;
    for (const auto& c : table.table.columns) cols += (cols.empty() ? "" : ", ") + QuoteIdent(c.name);
    Status st = conn_->Execute("INSERT INTO " + Qualified(schema, table.table.name) + " (" + cols +
                               ") SELECT " + CastSelectList(table) + " FROM " +
                               ReadJobSql(table));
    if (!st) return MakeError(ErrorCode::kInternal, "load " + table.table.name + ": " + st.error().message);
    return {};
}

SqlLoadOps DuckDbDestination::LoadOps() {
    SqlLoadOps ops;
    ops.exec = [this](const std::string& sql) { return conn_->Execute(sql); };
    ops.existing_columns = [this] { return ExistingColumns(); };
    ops.table_columns = [this](const std::string& schema, const std::string& table) {
        return TableColumns(schema, table);
    };
    ops.create_staging = [this](const std::string& schema, const std::string& table) {
        return conn_->Execute("CREATE OR REPLACE TABLE " + Qualified(schema, table) +
                              " AS SELECT * FROM " + Qualified(dataset_, table) + " LIMIT 0");
    };
    ops.load_job = [this](const std::string& schema, const PackageTable& table) {
        return InsertJob(schema, table);
    };
    ops.replace_strategy = replace_strategy_;
    return ops;
}

Result<bool> DuckDbDestination::NaiveUtc() {
    if (naive_utc_ < 0) {
        OC_ASSIGN_OR_RETURN(auto tz, conn_->Query("SELECT current_setting('TimeZone')"));
        const std::string name = tz->RowCount() > 0 ? tz->GetString(0, 0) : "";
        naive_utc_ = name == "UTC" || name == "Etc/UTC" || name == "GMT" || name == "Etc/GMT";
    }
    return naive_utc_ == 1;
}

Status DuckDbDestination::EnsureDataset() {
    OC_TRY(conn_->Execute("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(dataset_)));
    for (const char* sql : kSystemTables) OC_TRY(conn_->Execute(WithSchema(sql, dataset_)));
    return {};
}

Status DuckDbDestination::LoadTables(const NormalizedPackage& package, std::string* failed_job) {
    OC_TRY(EnsureDataset());
    for (const auto& t : package.tables) {
        if (t.rows > 0 && !t.table.columns.empty()) OC_TRY(EnsureTable(dataset_, t.table));
    }
    OC_TRY(WritePackageTables(LoadOps(), dataset_, package, failed_job));
    OC_TRY(WriteSystemRows(package));
    TestPause("load");
    return {};
}

Status DuckDbDestination::WriteSystemRows(const NormalizedPackage& package) {
    OC_ASSIGN_OR_RETURN(auto existing, ExistingColumns());
    Json schema = SchemaJson(package.schema_name, existing);
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

Status DuckDbDestination::Load(const NormalizedPackage& package, std::string* failed_job) {
    OC_TRY(conn_->Execute("BEGIN TRANSACTION"));
    Status st = LoadTables(package, failed_job);
    if (!st) {
        (void)conn_->Execute("ROLLBACK");
        return st;
    }
    return conn_->Execute("COMMIT");
}

}  // namespace oc::pipeline
