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
    // Threads API and agent runs (reference agents-api.md §3.8, §4): one id sequence for
    // threads and messages keeps every id unique and far below 2^53.
    "CREATE SEQUENCE IF NOT EXISTS _cortex.thread_ids START 1001",
    "CREATE TABLE IF NOT EXISTS _cortex.threads ("
    " thread_id BIGINT PRIMARY KEY, owner VARCHAR NOT NULL, thread_name VARCHAR NOT NULL,"
    " origin_application VARCHAR NOT NULL, created_on BIGINT NOT NULL, updated_on BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _cortex.messages ("
    " message_id BIGINT PRIMARY KEY, thread_id BIGINT NOT NULL, parent_id BIGINT,"
    " created_on BIGINT NOT NULL, role VARCHAR NOT NULL, message_payload VARCHAR NOT NULL,"
    " content VARCHAR NOT NULL, request_id VARCHAR NOT NULL, message_type VARCHAR NOT NULL)",
    "CREATE INDEX IF NOT EXISTS messages_thread ON _cortex.messages (thread_id)",
    "CREATE TABLE IF NOT EXISTS _cortex.runs ("
    " run_id VARCHAR PRIMARY KEY, user_name VARCHAR NOT NULL, thread_id BIGINT NOT NULL,"
    " user_message_id BIGINT NOT NULL, assistant_message_id BIGINT NOT NULL,"
    " status VARCHAR NOT NULL, started_on BIGINT NOT NULL, ended_on BIGINT)",
    "CREATE TABLE IF NOT EXISTS _cortex.run_events ("
    " run_id VARCHAR NOT NULL, seq BIGINT NOT NULL, name VARCHAR NOT NULL, data VARCHAR NOT NULL,"
    " PRIMARY KEY (run_id, seq))",
    // Agent feedback (reference agents-api.md §5); categories is a JSON array of strings.
    "CREATE TABLE IF NOT EXISTS _cortex.feedback ("
    " id VARCHAR PRIMARY KEY, database_name VARCHAR NOT NULL, schema_name VARCHAR NOT NULL,"
    " agent_name VARCHAR NOT NULL, user_name VARCHAR NOT NULL, role VARCHAR NOT NULL,"
    " orig_request_id VARCHAR, positive BOOLEAN NOT NULL, feedback_message VARCHAR,"
    " categories VARCHAR NOT NULL, thread_id BIGINT, created_on BIGINT NOT NULL)",
    // Cortex Search services (reference agents-api.md §7.4); spec is the JSON of
    // tools/search/service_spec.h. Their indexes live in <data_dir>/search.
    "CREATE TABLE IF NOT EXISTS _cortex.search_services ("
    " database_name VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, name VARCHAR NOT NULL,"
    " spec VARCHAR NOT NULL, owner VARCHAR NOT NULL, created_on BIGINT NOT NULL,"
    " PRIMARY KEY (database_name, schema_name, name))",
    // Cortex Analyst (reference agents-api.md §6): semantic views hold a semantic model YAML;
    // feedback on /cortex/analyst/message answers by request id.
    "CREATE TABLE IF NOT EXISTS _cortex.semantic_views ("
    " database_name VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, name VARCHAR NOT NULL,"
    " definition VARCHAR NOT NULL, comment VARCHAR, owner VARCHAR NOT NULL, created_on BIGINT NOT NULL,"
    " PRIMARY KEY (database_name, schema_name, name))",
    "CREATE TABLE IF NOT EXISTS _cortex.analyst_feedback ("
    " id VARCHAR PRIMARY KEY, request_id VARCHAR NOT NULL, positive BOOLEAN NOT NULL,"
    " feedback_message VARCHAR, user_name VARCHAR NOT NULL, role VARCHAR NOT NULL,"
    " created_on BIGINT NOT NULL)",
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
