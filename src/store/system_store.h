// The one DuckDB instance of a data dir: an in-memory primary catalog with the system file
// (cortex.duckdb, schema _cortex) and every user database file attached to it, so SQL can join
// across databases. Metadata writes are serialised through one writer connection.
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

// Catalog alias of the system database inside the DuckDB instance.
inline constexpr const char* kSystemCatalog = "__oc_system";

class SystemStore {
public:
    static Result<std::unique_ptr<SystemStore>> Open(const StoreOptions& options);
    ~SystemStore();

    // True when this open created the system file (first start on an empty data dir).
    bool created() const { return created_; }
    const std::string& data_dir() const { return data_dir_; }

    // A new connection for reads or user statements (cheap; one per task).
    Result<std::unique_ptr<Connection>> Connect() { return db_->Connect(); }

    // Runs fn(writer) while holding the writer lock. fn should wrap multi-statement changes in
    // BEGIN/COMMIT; a commit in DuckDB is durable (WAL fsync) before it returns.
    Status WithWriter(const std::function<Status(Connection&)>& fn);

    // Runs fn inside BEGIN ... COMMIT on the writer; rolls back if fn fails.
    Status Transaction(const std::function<Status(Connection&)>& fn);

    // Flushes the WAL into the database files (on clean shutdown).
    void Checkpoint();

private:
    SystemStore() = default;
    Status Migrate();

    std::string data_dir_;
    bool created_ = false;
    std::unique_ptr<Database> db_;
    std::mutex writer_mu_;
    std::unique_ptr<Connection> writer_;
};

}  // namespace oc::store
