#include "store/catalog.h"

#include <filesystem>
#include <mutex>

#include "common/clock.h"
#include "common/identifier.h"
#include "common/log.h"
#include "common/text.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

namespace fs = std::filesystem;

// Catalog names DuckDB itself uses in the data instance.
bool IsReservedDatabaseName(const std::string& name) {
    return EqualsIgnoreCase(name, "memory") || EqualsIgnoreCase(name, "system") ||
           EqualsIgnoreCase(name, "temp") || EqualsIgnoreCase(name, "main");
}

// File name for a database: [A-Za-z0-9_] kept, every other byte as %XX.
std::string FileNameFor(const std::string& name) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : name) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (plain) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out + ".duckdb";
}

Error DatabaseMissing(const std::string& name) {
    return MakeError(ErrorCode::kNotFound,
                     "Database '" + name + "' does not exist or not authorized.");
}

Error SchemaMissing(const std::string& db, const std::string& name) {
    return MakeError(ErrorCode::kNotFound,
                     "Schema '" + db + "." + name + "' does not exist or not authorized.");
}

// What creating `name` among `existing` (databases or schemas) does under `mode`: created,
// existed (IF NOT EXISTS), replaced (OR REPLACE), or an error when it exists or differs only in case.
template <typename Info>
Result<CreateOutcome> CreateOutcomeFor(const std::vector<Info>& existing, const std::string& name, CreateMode mode,
                                       const std::string& kind) {
    CreateOutcome outcome = CreateOutcome::kCreated;
    for (const auto& e : existing) {
        if (e.name == name) {
            if (mode == CreateMode::kIfNotExists) return CreateOutcome::kExisted;
            if (mode == CreateMode::kErrorIfExists) {
                return MakeError(ErrorCode::kAlreadyExists, "Object '" + name + "' already exists.");
            }
            outcome = CreateOutcome::kReplaced;
        } else if (EqualsIgnoreCase(e.name, name)) {
            return MakeError(ErrorCode::kAlreadyExists, kind + " '" + name + "' conflicts with existing " +
                                                            ToLowerAscii(kind) + " '" + e.name +
                                                            "' (names differing only in case are not supported).");
        }
    }
    return outcome;
}

}  // namespace

Result<CreateMode> ParseCreateMode(const std::string& text) {
    if (text.empty() || text == "errorIfExists") return CreateMode::kErrorIfExists;
    if (text == "orReplace") return CreateMode::kOrReplace;
    if (text == "ifNotExists") return CreateMode::kIfNotExists;
    return MakeError(ErrorCode::kInvalidArgument,
                     "createMode must be errorIfExists, orReplace or ifNotExists, got '" + text + "'");
}

Status Catalog::Load() {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto rows, conn->Query(
        "SELECT name, file, kind, comment, owner, created_on, data_retention_time_in_days "
        "FROM _cortex.databases ORDER BY name"));
    OC_ASSIGN_OR_RETURN(auto data, store_.ConnectData());
    std::map<std::string, DatabaseInfo> dbs;
    for (idx_t r = 0; r < rows->RowCount(); ++r) {
        DatabaseInfo info;
        info.name = rows->GetString(0, r);
        std::string file = (fs::path(store_.data_dir()) / "databases" / rows->GetString(1, r)).string();
        info.kind = rows->GetString(2, r);
        info.comment = rows->GetOptString(3, r).value_or("");
        info.owner = rows->GetString(4, r);
        info.created_on_ms = rows->GetInt64(5, r);
        info.data_retention_time_in_days = static_cast<int>(rows->GetInt64(6, r));
        Status st = data->Execute("ATTACH IF NOT EXISTS " + QuoteLiteral(file) + " AS " + QuoteIdentifier(info.name));
        if (!st) {
            GetLogger("store")->error("cannot attach database {}: {}", info.name, st.error().message);
            continue;
        }
        dbs[info.name] = info;
    }
    {
        std::unique_lock lock(mu_);
        databases_ = std::move(dbs);
    }
    return Refresh();
}

Status Catalog::Refresh() {
    OC_ASSIGN_OR_RETURN(auto data, store_.ConnectData());
    OC_ASSIGN_OR_RETURN(auto live, data->Query(
        "SELECT database_name, schema_name FROM duckdb_schemas() "
        "WHERE NOT internal AND schema_name <> 'main' "
        "AND database_name NOT IN ('memory', 'system', 'temp')"));
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto meta, conn->Query(
        "SELECT database_name, name, kind, comment, owner, created_on, managed_access FROM _cortex.schemas"));
    std::map<std::pair<std::string, std::string>, SchemaInfo> known;
    for (idx_t r = 0; r < meta->RowCount(); ++r) {
        SchemaInfo s;
        s.database_name = meta->GetString(0, r);
        s.name = meta->GetString(1, r);
        s.kind = meta->GetString(2, r);
        s.comment = meta->GetOptString(3, r).value_or("");
        s.owner = meta->GetString(4, r);
        s.created_on_ms = meta->GetInt64(5, r);
        s.managed_access = meta->GetBool(6, r);
        known[{s.database_name, s.name}] = s;
    }
    std::unique_lock lock(mu_);
    std::map<std::pair<std::string, std::string>, SchemaInfo> schemas;
    for (idx_t r = 0; r < live->RowCount(); ++r) {
        auto key = std::make_pair(live->GetString(0, r), live->GetString(1, r));
        auto db = databases_.find(key.first);
        if (db == databases_.end()) continue;
        auto it = known.find(key);
        if (it != known.end()) {
            schemas[key] = it->second;
            continue;
        }
        SchemaInfo s;  // created through SQL: owned by the database owner
        s.database_name = key.first;
        s.name = key.second;
        s.owner = db->second.owner;
        s.created_on_ms = db->second.created_on_ms;
        schemas[key] = s;
    }
    schemas_ = std::move(schemas);
    return {};
}

Result<CreateOutcome> Catalog::CreateDatabase(const DatabaseInfo& input, CreateMode mode) {
    if (IsReservedDatabaseName(input.name)) {
        return MakeError(ErrorCode::kInvalidArgument, "Database name '" + input.name + "' is reserved.");
    }
    std::lock_guard ddl(ddl_mu_);
    OC_ASSIGN_OR_RETURN(CreateOutcome outcome, CreateOutcomeFor(ListDatabases(), input.name, mode, "Database"));
    if (outcome == CreateOutcome::kExisted) return outcome;
    if (outcome == CreateOutcome::kReplaced) OC_TRY(DropDatabaseLocked(input.name));

    DatabaseInfo info = input;
    info.created_on_ms = NowMillis();
    std::string file_name = FileNameFor(info.name);
    fs::path file = fs::path(store_.data_dir()) / "databases" / file_name;
    std::error_code ec;
    fs::remove(file, ec);  // a stale file from an interrupted drop
    fs::remove(file.string() + ".wal", ec);
    OC_ASSIGN_OR_RETURN(auto data, store_.ConnectData());
    OC_TRY(data->Execute("ATTACH " + QuoteLiteral(file.string()) + " AS " + QuoteIdentifier(info.name)));
    auto undo_attach = [&] {
        (void)data->Execute("DETACH " + QuoteIdentifier(info.name));
        fs::remove(file, ec);
        fs::remove(file.string() + ".wal", ec);
    };
    Status st = data->Execute("CREATE SCHEMA " + QuoteIdentifier(info.name) + ".\"PUBLIC\"");
    if (st) st = data->Execute("CHECKPOINT " + QuoteIdentifier(info.name));
    SchemaInfo pub{info.name, "PUBLIC", "PERMANENT", "", info.owner, info.created_on_ms, false};
    if (st) {
        st = store_.Transaction([&](Connection& c) -> Status {
            OC_TRY(c.ExecuteWith("INSERT INTO _cortex.databases VALUES (?, ?, ?, ?, ?, ?, ?)", info.name,
                                 file_name, info.kind, info.comment, info.owner, info.created_on_ms,
                                 static_cast<int64_t>(info.data_retention_time_in_days)));
            return InsertSchemaRow(c, pub);
        });
    }
    if (!st) {
        undo_attach();
        return st.error();
    }
    std::unique_lock lock(mu_);
    databases_[info.name] = info;
    schemas_[{info.name, "PUBLIC"}] = pub;
    return outcome;
}

Status Catalog::InsertSchemaRow(Connection& c, const SchemaInfo& s) {
    return c.ExecuteWith("INSERT OR REPLACE INTO _cortex.schemas VALUES (?, ?, ?, ?, ?, ?, ?)", s.database_name,
                         s.name, s.kind, s.comment, s.owner, s.created_on_ms, s.managed_access);
}

Status Catalog::DropDatabase(const std::string& name, bool if_exists) {
    std::lock_guard ddl(ddl_mu_);
    if (!GetDatabase(name)) return if_exists ? Status() : Status(DatabaseMissing(name));
    return DropDatabaseLocked(name);
}

Status Catalog::DropDatabaseLocked(const std::string& name) {
    // Metadata first: once it commits the database is gone even if the file removal is cut off.
    OC_TRY(store_.Transaction([&](Connection& c) -> Status {
        for (const char* table : {"databases", "schemas", "agents"}) {
            std::string column = std::string(table) == "databases" ? "name" : "database_name";
            OC_TRY(c.ExecuteWith(std::string("DELETE FROM _cortex.") + table + " WHERE " + column + " = ?", name));
        }
        return {};
    }));
    {
        std::unique_lock lock(mu_);
        databases_.erase(name);
        for (auto it = schemas_.begin(); it != schemas_.end();) {
            it = it->first.first == name ? schemas_.erase(it) : std::next(it);
        }
    }
    for (auto& observer : drop_observers_) observer(name, nullptr);
    OC_ASSIGN_OR_RETURN(auto data, store_.ConnectData());
    Status st = data->Execute("DETACH " + QuoteIdentifier(name));
    if (!st) GetLogger("store")->warn("detach {} failed: {}", name, st.error().message);
    fs::path file = fs::path(store_.data_dir()) / "databases" / FileNameFor(name);
    std::error_code ec;
    fs::remove(file, ec);
    fs::remove(file.string() + ".wal", ec);
    return {};
}

std::optional<DatabaseInfo> Catalog::GetDatabase(const std::string& name) const {
    std::shared_lock lock(mu_);
    auto it = databases_.find(name);
    if (it == databases_.end()) return std::nullopt;
    return it->second;
}

std::vector<DatabaseInfo> Catalog::ListDatabases() const {
    std::shared_lock lock(mu_);
    std::vector<DatabaseInfo> out;
    for (const auto& [name, info] : databases_) out.push_back(info);
    return out;
}

Result<CreateOutcome> Catalog::CreateSchema(const SchemaInfo& input, CreateMode mode) {
    std::lock_guard ddl(ddl_mu_);
    if (!GetDatabase(input.database_name)) return DatabaseMissing(input.database_name);
    OC_ASSIGN_OR_RETURN(CreateOutcome outcome,
                        CreateOutcomeFor(ListSchemas(input.database_name), input.name, mode, "Schema"));
    if (outcome == CreateOutcome::kExisted) return outcome;
    if (outcome == CreateOutcome::kReplaced) OC_TRY(DropSchemaLocked(input.database_name, input.name));
    SchemaInfo info = input;
    info.created_on_ms = NowMillis();
    OC_ASSIGN_OR_RETURN(auto data, store_.ConnectData());
    std::string qualified = QuoteIdentifier(info.database_name) + "." + QuoteIdentifier(info.name);
    OC_TRY(data->Execute("CREATE SCHEMA " + qualified));
    Status st = store_.Transaction([&](Connection& c) { return InsertSchemaRow(c, info); });
    if (!st) {
        (void)data->Execute("DROP SCHEMA " + qualified + " CASCADE");
        return st.error();
    }
    std::unique_lock lock(mu_);
    schemas_[{info.database_name, info.name}] = info;
    return outcome;
}

Status Catalog::DropSchema(const std::string& database, const std::string& name, bool if_exists) {
    std::lock_guard ddl(ddl_mu_);
    if (!GetDatabase(database)) return DatabaseMissing(database);
    if (!GetSchema(database, name)) return if_exists ? Status() : Status(SchemaMissing(database, name));
    return DropSchemaLocked(database, name);
}

Status Catalog::DropSchemaLocked(const std::string& database, const std::string& name) {
    OC_ASSIGN_OR_RETURN(auto data, store_.ConnectData());
    OC_TRY(data->Execute("DROP SCHEMA " + QuoteIdentifier(database) + "." + QuoteIdentifier(name) + " CASCADE"));
    OC_TRY(store_.Transaction([&](Connection& c) -> Status {
        for (const char* sql : {"DELETE FROM _cortex.schemas WHERE database_name = ? AND name = ?",
                                "DELETE FROM _cortex.agents WHERE database_name = ? AND schema_name = ?"}) {
            OC_TRY(c.ExecuteWith(sql, database, name));
        }
        return {};
    }));
    {
        std::unique_lock lock(mu_);
        schemas_.erase({database, name});
    }
    for (auto& observer : drop_observers_) observer(database, &name);
    return {};
}

std::optional<SchemaInfo> Catalog::GetSchema(const std::string& database, const std::string& name) const {
    std::shared_lock lock(mu_);
    auto it = schemas_.find({database, name});
    if (it == schemas_.end()) return std::nullopt;
    return it->second;
}

std::vector<SchemaInfo> Catalog::ListSchemas(const std::string& database) const {
    std::shared_lock lock(mu_);
    std::vector<SchemaInfo> out;
    for (auto it = schemas_.lower_bound({database, ""}); it != schemas_.end() && it->first.first == database; ++it) {
        out.push_back(it->second);
    }
    return out;
}

Status Catalog::CheckSchemaExists(const std::string& database, const std::string& schema) const {
    std::shared_lock lock(mu_);
    if (!databases_.count(database)) return DatabaseMissing(database);
    if (!schemas_.count({database, schema})) return SchemaMissing(database, schema);
    return {};
}

}  // namespace oc::store
