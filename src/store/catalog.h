// Snowflake databases and schemas over DuckDB: a database is the file databases/<NAME>.duckdb
// attached to the data instance under its name; a schema is a DuckDB schema in it. Metadata
// (owner, comment, created_on) lives in _cortex.databases/_cortex.schemas. Lookups are served
// from an in-memory cache that every write updates after its commit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace oc::store {

class SystemStore;
class Connection;

enum class CreateMode { kErrorIfExists, kOrReplace, kIfNotExists };
enum class CreateOutcome { kCreated, kReplaced, kExisted };

// Parses createMode ("errorIfExists" default when empty); other values are kInvalidArgument.
Result<CreateMode> ParseCreateMode(const std::string& text);

struct DatabaseInfo {
    std::string name;  // stored form (case resolved)
    std::string kind = "PERMANENT";
    std::string comment;
    std::string owner;
    int64_t created_on_ms = 0;
    int data_retention_time_in_days = 1;
};

struct SchemaInfo {
    std::string database_name;
    std::string name;
    std::string kind = "PERMANENT";
    std::string comment;
    std::string owner;
    int64_t created_on_ms = 0;
    bool managed_access = false;
};

class Catalog {
public:
    explicit Catalog(SystemStore& store) : store_(store) {}

    // Attaches every known database file and fills the cache. Call once at start.
    Status Load();
    // Re-reads the schemas of every database from DuckDB (after user DDL via SQL).
    Status Refresh();

    Result<CreateOutcome> CreateDatabase(const DatabaseInfo& info, CreateMode mode);
    // Detaches and deletes the file and drops the database's metadata. NotFound unless if_exists.
    Status DropDatabase(const std::string& name, bool if_exists);
    std::optional<DatabaseInfo> GetDatabase(const std::string& name) const;
    std::vector<DatabaseInfo> ListDatabases() const;  // sorted by name

    Result<CreateOutcome> CreateSchema(const SchemaInfo& info, CreateMode mode);
    Status DropSchema(const std::string& database, const std::string& name, bool if_exists);
    std::optional<SchemaInfo> GetSchema(const std::string& database, const std::string& name) const;
    std::vector<SchemaInfo> ListSchemas(const std::string& database) const;  // sorted by name

    // NotFound (002003) naming the missing database or schema; OK when both exist.
    Status CheckSchemaExists(const std::string& database, const std::string& schema) const;

    // Observers run after a database or schema is dropped (e.g. to drop its agents).
    using DropObserver = std::function<void(const std::string& db, const std::string* schema)>;
    void OnDrop(DropObserver observer) { drop_observers_.push_back(std::move(observer)); }

private:
    // REQUIRE: the DDL mutex is held.
    Status DropDatabaseLocked(const std::string& name);
    Status DropSchemaLocked(const std::string& database, const std::string& name);
    static Status InsertSchemaRow(Connection& c, const SchemaInfo& s);

    SystemStore& store_;
    std::mutex ddl_mu_;              // serialises DDL (create/drop)
    mutable std::shared_mutex mu_;   // guards the cache below
    std::map<std::string, DatabaseInfo> databases_;
    std::map<std::pair<std::string, std::string>, SchemaInfo> schemas_;
    std::vector<DropObserver> drop_observers_;
};

}  // namespace oc::store
