#include "pipeline/load_postgres.h"

#include "pipeline/libpq_api.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <vector>

#include "pipeline/digest.h"
#include "pipeline/package.h"
#include "pipeline/secrets.h"
#include "pipeline/sql_load.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

const char* PgTypeName(DataType t) {
    switch (t) {
        case DataType::kBigint:
            return "bigint";
        case DataType::kDouble:
            return "double precision";
        case DataType::kBool:
            return "boolean";
        case DataType::kTimestamp:
            return "timestamp with time zone";
        case DataType::kJson:
            return "jsonb";
        default:
            return "varchar";
    }
}

DataType FromPgType(const std::string& t) {
    if (t == "bigint") return DataType::kBigint;
    if (t == "double precision") return DataType::kDouble;
    if (t == "boolean") return DataType::kBool;
    if (t.rfind("timestamp", 0) == 0) return DataType::kTimestamp;
    if (t == "jsonb" || t == "json") return DataType::kJson;
    return DataType::kText;
}

template <typename T>
Status Discard(Result<T> r) {
    if (!r) return std::move(r).error();
    return {};
}

std::string Trim(std::string s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s;
}

std::string Q(const std::string& schema, const std::string& table) {
    return QuoteIdent(schema) + "." + QuoteIdent(table);
}

class PgResult {
public:
    explicit PgResult(PGresult* r) : r_(r) {}
    ~PgResult() { PQclear(r_); }
    PgResult(const PgResult&) = delete;
    PgResult& operator=(const PgResult&) = delete;
    int rows() const { return PQntuples(r_); }
    std::string Get(int row, int col) const { return PQgetvalue(r_, row, col); }

private:
    PGresult* r_;
};

class Pg {
public:
    explicit Pg(PGconn* c) : c_(c) {}
    ~Pg() { PQfinish(c_); }
    Pg(const Pg&) = delete;
    Pg& operator=(const Pg&) = delete;

    Status Exec(const std::string& sql) { return Discard(Query(sql, {})); }

    Result<std::unique_ptr<PgResult>> Query(const std::string& sql,
                                            const std::vector<std::string>& params) {
        std::vector<const char*> values;
        for (const auto& p : params) values.push_back(p.c_str());
        PGresult* r = PQexecParams(c_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                   values.empty() ? nullptr : values.data(), nullptr, nullptr, 0);
        auto st = PQresultStatus(r);
        if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            std::string msg = Trim(PQresultErrorMessage(r));
            PQclear(r);
            return MakeError(ErrorCode::kInternal, "postgres: " + msg);
        }
        return std::make_unique<PgResult>(r);
    }

    // COPY ... FROM STDIN streaming the bytes of file.
    Status CopyFile(const std::string& copy_sql, const std::string& file) {
        PGresult* r = PQexec(c_, copy_sql.c_str());
        bool ok = PQresultStatus(r) == PGRES_COPY_IN;
        std::string msg = ok ? "" : Trim(PQresultErrorMessage(r));
        PQclear(r);
        if (!ok) return MakeError(ErrorCode::kInternal, "postgres: " + msg);
        std::ifstream in(file, std::ios::binary);
        std::vector<char> buf(1 << 20);
        bool sent = true;
        while (in && sent) {
            in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
            auto n = in.gcount();
            if (n > 0) sent = PQputCopyData(c_, buf.data(), static_cast<int>(n)) == 1;
        }
        PQputCopyEnd(c_, sent ? nullptr : "read error");
        Status result;
        while ((r = PQgetResult(c_)) != nullptr) {
            if (PQresultStatus(r) != PGRES_COMMAND_OK && result) {
                result = MakeError(ErrorCode::kInternal,
                                   "postgres: " + Trim(PQresultErrorMessage(r)));
            }
            PQclear(r);
        }
        return result;
    }

    PGconn* raw() { return c_; }

private:
    PGconn* c_;
};

constexpr const char* kSystemTables[] = {
    "CREATE TABLE IF NOT EXISTS {s}._dlt_loads (load_id varchar NOT NULL, schema_name varchar, "
    "status bigint NOT NULL, inserted_at timestamp with time zone NOT NULL, schema_version_hash "
    "varchar)",
    "CREATE TABLE IF NOT EXISTS {s}._dlt_version (version bigint NOT NULL, engine_version bigint "
    "NOT NULL, inserted_at timestamp with time zone NOT NULL, schema_name varchar NOT NULL, "
    "version_hash varchar NOT NULL, schema varchar NOT NULL)",
    "CREATE TABLE IF NOT EXISTS {s}._dlt_pipeline_state (version bigint NOT NULL, engine_version "
    "bigint NOT NULL, pipeline_name varchar NOT NULL, state varchar NOT NULL, created_at "
    "timestamp with time zone NOT NULL, version_hash varchar, _dlt_load_id varchar NOT NULL, "
    "_dlt_id varchar NOT NULL)",
};

class PostgresDestination : public Destination {
public:
    PostgresDestination(std::unique_ptr<Pg> pg, std::string dataset)
        : pg_(std::move(pg)), dataset_(std::move(dataset)) {
        location_ = std::string("postgresql://") + PQuser(pg_->raw()) + ":***@" +
                    PQhost(pg_->raw()) + ":" + PQport(pg_->raw()) + "/" + PQdb(pg_->raw());
    }

    std::string name() const override { return "postgres"; }
    std::string location() const override { return location_; }

    Result<Json> LoadState(const std::string& pipeline_name) override {
        OC_ASSIGN_OR_RETURN(bool has, HasTable("_dlt_pipeline_state"));
        if (!has) return Json();
        OC_ASSIGN_OR_RETURN(auto r, pg_->Query("SELECT state FROM " +
                                                   Q(dataset_, "_dlt_pipeline_state") +
                                                   " WHERE pipeline_name = $1 ORDER BY version "
                                                   "DESC, created_at DESC LIMIT 1",
                                               {pipeline_name}));
        if (r->rows() == 0) return Json();
        auto doc = ParseJson(DecompressState(r->Get(0, 0)));
        if (!doc) return MakeError(ErrorCode::kInternal, "stored pipeline state is not readable");
        return *doc;
    }

    Result<ExistingSchema> ExistingColumns() override {
        OC_ASSIGN_OR_RETURN(
            auto r, pg_->Query("SELECT table_name, column_name, data_type FROM "
                               "information_schema.columns WHERE table_schema = $1 ORDER BY "
                               "table_name, ordinal_position",
                               {dataset_}));
        ExistingSchema out;
        for (int i = 0; i < r->rows(); ++i)
            out[r->Get(i, 0)].emplace_back(r->Get(i, 1), FromPgType(r->Get(i, 2)));
        return out;
    }

    Result<bool> IsLoaded(const std::string& load_id) override {
        OC_ASSIGN_OR_RETURN(bool has, HasTable("_dlt_loads"));
        if (!has) return false;
        OC_ASSIGN_OR_RETURN(auto r, pg_->Query("SELECT count(*) FROM " + Q(dataset_, "_dlt_loads") +
                                                   " WHERE load_id = $1",
                                               {load_id}));
        return r->Get(0, 0) != "0";
    }

    Status Load(const NormalizedPackage& package, std::string* failed_job) override {
        OC_TRY(pg_->Exec("BEGIN"));
        Status st = LoadTables(package, failed_job);
        if (!st) {
            (void)pg_->Exec("ROLLBACK");
            return st;
        }
        return pg_->Exec("COMMIT");
    }

private:
    Result<bool> HasTable(const std::string& table) {
        OC_ASSIGN_OR_RETURN(auto r, pg_->Query("SELECT count(*) FROM information_schema.tables "
                                               "WHERE table_schema = $1 AND table_name = $2",
                                               {dataset_, table}));
        return r->Get(0, 0) != "0";
    }

    Result<std::vector<std::string>> TableColumns(const std::string& schema,
                                                  const std::string& table) {
        OC_ASSIGN_OR_RETURN(auto r, pg_->Query("SELECT column_name FROM information_schema.columns "
                                               "WHERE table_schema = $1 AND table_name = $2 "
                                               "ORDER BY ordinal_position",
                                               {schema, table}));
        std::vector<std::string> cols;
        for (int i = 0; i < r->rows(); ++i) cols.push_back(r->Get(i, 0));
        return cols;
    }

    Status EnsureTable(const Table& table) {
        OC_ASSIGN_OR_RETURN(auto existing, TableColumns(dataset_, table.name));
        if (existing.empty()) {
            std::string sql = "CREATE TABLE " + Q(dataset_, table.name) + " (";
            for (size_t i = 0; i < table.columns.size(); ++i) {
                const Column& c = table.columns[i];
                sql += (i ? ", " : "") + QuoteIdent(c.name) + " " + PgTypeName(c.type) +
                       (IsDltColumn(c.name) ? " NOT NULL" : "");
            }
            return pg_->Exec(sql + ")");
        }
        std::set<std::string> have(existing.begin(), existing.end());
        for (const Column& c : table.columns) {
            if (have.count(c.name) != 0) continue;
            OC_TRY(pg_->Exec("ALTER TABLE " + Q(dataset_, table.name) + " ADD COLUMN " +
                             QuoteIdent(c.name) + " " + PgTypeName(c.type)));
        }
        return {};
    }

    // Converts the job to csv with DuckDB and streams it with COPY FROM STDIN.
    Status CopyJob(const std::string& schema, const PackageTable& t) {
        if (!duck_) {
            OC_ASSIGN_OR_RETURN(duck_db_, store::Database::Open(":memory:"));
            OC_ASSIGN_OR_RETURN(duck_, duck_db_->Connect());
        }
        std::string cols;
        for (const auto& c : t.table.columns) cols += (cols.empty() ? "" : ", ") + QuoteIdent(c.name);
        const std::string csv = t.path + ".csv";
        Status st = duck_->Execute("COPY (SELECT " + cols + " FROM " + ReadJobSql(t) + ") TO " +
                                   SqlString(csv) + " (FORMAT csv, HEADER false)");
        if (st) {
            st = pg_->CopyFile("COPY " + Q(schema, t.table.name) + " (" + cols +
                                   ") FROM STDIN WITH (FORMAT csv)",
                               csv);
        }
        std::error_code ec;
        std::filesystem::remove(csv, ec);
        if (!st) return MakeError(ErrorCode::kInternal, "load " + t.table.name + ": " + st.error().message);
        return {};
    }

    // What WritePackageTables (pipeline/sql_load.h) runs on this connection.
    SqlLoadOps LoadOps() {
        SqlLoadOps ops;
        ops.exec = [this](const std::string& sql) { return pg_->Exec(sql); };
        ops.existing_columns = [this] { return ExistingColumns(); };
        ops.table_columns = [this](const std::string& schema, const std::string& table) {
            return TableColumns(schema, table);
        };
        ops.create_staging = [this](const std::string& schema, const std::string& table) -> Status {
            OC_TRY(pg_->Exec("DROP TABLE IF EXISTS " + Q(schema, table)));
            return pg_->Exec("CREATE TABLE " + Q(schema, table) + " (LIKE " + Q(dataset_, table) +
                             ")");
        };
        ops.load_job = [this](const std::string& schema, const PackageTable& t) {
            return CopyJob(schema, t);
        };
        ops.replace_strategy = replace_strategy_;
        return ops;
    }

    Status LoadTables(const NormalizedPackage& package, std::string* failed_job) {
        OC_TRY(pg_->Exec("CREATE SCHEMA IF NOT EXISTS " + QuoteIdent(dataset_)));
        for (const char* sql : kSystemTables) {
            std::string s = sql;
            s.replace(s.find("{s}"), 3, QuoteIdent(dataset_));
            OC_TRY(pg_->Exec(s));
        }
        for (const auto& t : package.tables) {
            if (t.rows > 0 && !t.table.columns.empty()) OC_TRY(EnsureTable(t.table));
        }
        OC_TRY(WritePackageTables(LoadOps(), dataset_, package, failed_job));
        OC_TRY(WriteSystemRows(package));
        TestPause("load");
        return {};
    }

    Status WriteSystemRows(const NormalizedPackage& package) {
        OC_ASSIGN_OR_RETURN(auto existing, ExistingColumns());
        Json schema = SchemaJson(package.schema_name, existing);
        std::string hash = Sha3Base64(DumpJson(schema));
        const std::string ver = Q(dataset_, "_dlt_version");
        OC_ASSIGN_OR_RETURN(auto last,
                            pg_->Query("SELECT coalesce(max(version), 1), count(*) FILTER (WHERE "
                                       "version_hash = $1) FROM " + ver,
                                       {hash}));
        if (last->Get(0, 1) == "0") {
            OC_TRY(Discard(pg_->Query("INSERT INTO " + ver + " VALUES ($1, 11, now(), $2, $3, $4)",
                              {std::to_string(std::stoll(last->Get(0, 0)) + 1),
                               package.schema_name, hash, DumpJson(schema)})));
        }
        if (!package.state.is_null()) {
            OC_TRY(Discard(pg_->Query("INSERT INTO " + Q(dataset_, "_dlt_pipeline_state") +
                                  " VALUES ($1, 4, $2, $3, now(), $4, $5, $6)",
                              {std::to_string(package.state.value("_state_version", int64_t{1})),
                               package.pipeline_name, CompressState(DumpJson(package.state)),
                               package.state.value("_version_hash", std::string()),
                               package.load_id, RandomId()})));
        }
        return Discard(pg_->Query("INSERT INTO " + Q(dataset_, "_dlt_loads") +
                              " VALUES ($1, $2, 0, now(), $3)",
                          {package.load_id, package.schema_name, hash}));
    }

    std::unique_ptr<Pg> pg_;
    std::string dataset_;
    std::string location_;
    std::unique_ptr<store::Database> duck_db_;
    std::unique_ptr<store::Connection> duck_;
};

std::string ConnValue(const std::string& v) {
    std::string out = "'";
    for (char c : v) {
        if (c == '\'' || c == '\\') out += '\\';
        out += c;
    }
    return out + "'";
}

}  // namespace

Result<std::string> PostgresConnInfo(const PipelineConfig& config) {
    const std::vector<std::string> base = {"destination", "postgres", "credentials"};
    if (auto s = LookupConfigValue(config.secrets, config.pipeline_name, base)) return *s;
    std::string info;
    const std::pair<const char*, const char*> fields[] = {
        {"host", "host"},         {"port", "port"},
        {"database", "dbname"},   {"username", "user"},
        {"password", "password"}, {"connect_timeout", "connect_timeout"},
        {"sslmode", "sslmode"}};
    bool any = false;
    for (const auto& [key, kw] : fields) {
        auto path = base;
        path.push_back(key);
        if (auto v = LookupConfigValue(config.secrets, config.pipeline_name, path)) {
            info += std::string(info.empty() ? "" : " ") + kw + "=" + ConnValue(*v);
            any = any || std::string(key) != "connect_timeout";
        }
    }
    if (!any) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "destination postgres needs credentials: set "
                         "DESTINATION__POSTGRES__CREDENTIALS (a connection string) or "
                         "[destination.postgres.credentials] database, username, password, host, "
                         "port in .dlt/secrets.toml");
    }
    return info;
}

Result<std::unique_ptr<Destination>> OpenPostgresDestination(const PipelineConfig& config) {
    OC_ASSIGN_OR_RETURN(std::string info, PostgresConnInfo(config));
    PGconn* c = PQconnectdb(info.c_str());
    auto pg = std::make_unique<Pg>(c);
    if (PQstatus(c) != CONNECTION_OK) {
        return MakeError(ErrorCode::kUnavailable,
                         "destination postgres: cannot connect: " + Trim(PQerrorMessage(c)));
    }
    OC_TRY(pg->Exec("SET client_min_messages = warning"));
    return std::unique_ptr<Destination>(
        new PostgresDestination(std::move(pg), config.dataset_name));
}

}  // namespace oc::pipeline
