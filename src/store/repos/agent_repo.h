// Cortex Agent objects: rows of _cortex.agents, served from an in-memory cache that each write
// updates after its commit (DESIGN.md: no DuckDB round trip per read).
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <vector>

#include "common/result.h"
#include "store/catalog.h"

namespace oc::store {

class SystemStore;

struct AgentRecord {
    std::string database_name;
    std::string schema_name;
    std::string name;
    std::string spec;     // compact JSON text of the agent spec, as the client sent it
    std::string comment;
    std::string profile;  // compact JSON text, "" when absent
    std::string owner;    // owning role
    int64_t created_on_ms = 0;
};

class AgentRepo {
public:
    explicit AgentRepo(SystemStore& store) : store_(store) {}

    Status Load();

    std::optional<AgentRecord> Get(const std::string& db, const std::string& schema,
                                   const std::string& name) const;
    // Agents of one schema, sorted by name (byte order).
    std::vector<AgentRecord> List(const std::string& db, const std::string& schema) const;

    // Create honouring mode; the record's created_on is set here. kExisted leaves it unchanged.
    Result<CreateOutcome> Create(AgentRecord record, CreateMode mode);
    // Replaces spec/comment/profile of an existing agent; NotFound when missing.
    Status Update(const AgentRecord& record);
    // Returns false when there was no such agent.
    Result<bool> Delete(const std::string& db, const std::string& schema, const std::string& name);

    // Cache eviction after the catalog dropped a database (schema == nullptr) or schema; the
    // rows themselves were deleted in the catalog's transaction.
    void ForgetDropped(const std::string& db, const std::string* schema);

private:
    using Key = std::tuple<std::string, std::string, std::string>;
    Status Write(const AgentRecord& record, bool replace_row);

    SystemStore& store_;
    std::mutex write_mu_;           // serialises check-then-write sequences
    mutable std::shared_mutex mu_;  // guards cache_
    std::map<Key, AgentRecord> cache_;
};

}  // namespace oc::store
