// The two DuckDB instances of a data dir. The system instance opens cortex.duckdb (schema
// _cortex: agents, users, tokens, ...); its writes go through one serialised writer connection.
// The data instance is an in-memory primary with every user database file
// (databases/<NAME>.duckdb) attached under its name, so user SQL can join across databases but
// can never reach the system tables.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "common/result.h"
#include "store/duckdb/connection.h"

namespace oc::store {

struct StoreOptions {
    // Directory holding cortex.duckdb and databases/*.duckdb; created when missing.
    std::string data_dir = "cortex-data";
};

class SystemStore {
public:
    static Result<std::unique_ptr<SystemStore>> Open(const StoreOptions& options);
    ~SystemStore();

    // True when this open created the system file (first start on an empty data dir).
    bool created() const { return created_; }
    const std::string& data_dir() const { return data_dir_; }

    // A new connection to the system database (reads of metadata).
    Result<std::unique_ptr<Connection>> Connect() { return system_db_->Connect(); }
    // A new connection to the data instance (user SQL, catalog DDL); cheap, one per task.
    Result<std::unique_ptr<Connection>> ConnectData() { return data_db_->Connect(); }

    // Runs fn(writer) while holding the writer lock. fn should wrap multi-statement changes in
    // BEGIN/COMMIT; a commit in DuckDB is durable (WAL fsync) before it returns.
    Status WithWriter(const std::function<Status(Connection&)>& fn);

    // Runs fn inside BEGIN ... COMMIT on the writer; rolls back if fn fails.
    Status Transaction(const std::function<Status(Connection&)>& fn);

    // Flushes the system WAL into cortex.duckdb (on clean shutdown).
    void Checkpoint();

private:
    SystemStore() = default;
    Status Migrate();

    std::string data_dir_;
    bool created_ = false;
    std::unique_ptr<Database> system_db_;
    std::unique_ptr<Database> data_db_;
    std::mutex writer_mu_;
    std::unique_ptr<Connection> writer_;
};

}  // namespace oc::store
