#include "store/system_store.h"

#include <filesystem>

#include "common/log.h"

namespace oc::store {
namespace {

// Schema version 1 of the system catalog. New versions append statements; never edit these.
const char* kMigrationV1[] = {
    "CREATE SCHEMA IF NOT EXISTS _cortex",
    "CREATE TABLE IF NOT EXISTS _cortex.meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    "CREATE TABLE IF NOT EXISTS _cortex.databases ("
    " name VARCHAR PRIMARY KEY, file VARCHAR NOT NULL, kind VARCHAR NOT NULL, comment VARCHAR,"
    " owner VARCHAR NOT NULL, created_on BIGINT NOT NULL, data_retention_time_in_days INTEGER)",
    "CREATE TABLE IF NOT EXISTS _cortex.schemas ("
    " database_name VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL,"
    " comment VARCHAR, owner VARCHAR NOT NULL, created_on BIGINT NOT NULL,"
    " managed_access BOOLEAN NOT NULL DEFAULT false, PRIMARY KEY (database_name, name))",
    "CREATE TABLE IF NOT EXISTS _cortex.agents ("
    " database_name VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, name VARCHAR NOT NULL,"
    " spec VARCHAR NOT NULL, comment VARCHAR, profile VARCHAR, owner VARCHAR NOT NULL,"
    " created_on BIGINT NOT NULL, PRIMARY KEY (database_name, schema_name, name))",
    "CREATE TABLE IF NOT EXISTS _cortex.users ("
    " name VARCHAR PRIMARY KEY, default_role VARCHAR NOT NULL, public_key_fp VARCHAR,"
    " public_key_pem VARCHAR, created_on BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _cortex.tokens ("
    " id VARCHAR PRIMARY KEY, token_hash VARCHAR NOT NULL UNIQUE, user_name VARCHAR NOT NULL,"
    " role VARCHAR NOT NULL, name VARCHAR, created_on BIGINT NOT NULL, expires_at BIGINT,"
    " revoked BOOLEAN NOT NULL DEFAULT false)",
};

}  // namespace

Result<std::unique_ptr<SystemStore>> SystemStore::Open(const StoreOptions& options) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(options.data_dir) / "databases", ec);
    if (ec) {
        return MakeError(ErrorCode::kUnavailable,
                         "cannot create data dir " + options.data_dir + ": " + ec.message());
    }
    std::unique_ptr<SystemStore> store(new SystemStore());
    store->data_dir_ = options.data_dir;
    std::string system_file = (std::filesystem::path(options.data_dir) / "cortex.duckdb").string();
    store->created_ = !std::filesystem::exists(system_file);
    OC_ASSIGN_OR_RETURN(store->system_db_, Database::Open(system_file));
    OC_ASSIGN_OR_RETURN(store->data_db_, Database::Open(":memory:"));
    OC_ASSIGN_OR_RETURN(store->writer_, store->system_db_->Connect());
    OC_TRY(store->Migrate());
    return store;
}

SystemStore::~SystemStore() = default;

Status SystemStore::Migrate() {
    return Transaction([](Connection& c) -> Status {
        for (const char* sql : kMigrationV1) OC_TRY(c.Execute(sql));
        return c.Execute(
            "INSERT OR REPLACE INTO _cortex.meta VALUES ('schema_version', '1')");
    });
}

Status SystemStore::WithWriter(const std::function<Status(Connection&)>& fn) {
    std::lock_guard<std::mutex> lock(writer_mu_);
    return fn(*writer_);
}

Status SystemStore::Transaction(const std::function<Status(Connection&)>& fn) {
    return WithWriter([&](Connection& c) -> Status {
        OC_TRY(c.Execute("BEGIN TRANSACTION"));
        Status st = fn(c);
        if (!st) {
            (void)c.Execute("ROLLBACK");
            return st;
        }
        Status commit = c.Execute("COMMIT");
        if (!commit) (void)c.Execute("ROLLBACK");
        return commit;
    });
}

void SystemStore::Checkpoint() {
    Status st = WithWriter([](Connection& c) { return c.Execute("CHECKPOINT"); });
    if (!st) GetLogger("store")->warn("checkpoint failed: {}", st.error().message);
}

}  // namespace oc::store
