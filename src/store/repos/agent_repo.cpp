#include "store/repos/agent_repo.h"

#include "common/clock.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

Error AgentMissing(const std::string& db, const std::string& schema, const std::string& name) {
    return MakeError(ErrorCode::kNotFound,
                     "Agent '" + db + "." + schema + "." + name + "' does not exist or not authorized.");
}

}  // namespace

Status AgentRepo::Load() {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto rows, conn->Query(
        "SELECT database_name, schema_name, name, spec, comment, profile, owner, created_on "
        "FROM _cortex.agents"));
    std::map<Key, AgentRecord> cache;
    for (idx_t r = 0; r < rows->RowCount(); ++r) {
        AgentRecord a;
        a.database_name = rows->GetString(0, r);
        a.schema_name = rows->GetString(1, r);
        a.name = rows->GetString(2, r);
        a.spec = rows->GetString(3, r);
        a.comment = rows->GetOptString(4, r).value_or("");
        a.profile = rows->GetOptString(5, r).value_or("");
        a.owner = rows->GetString(6, r);
        a.created_on_ms = rows->GetInt64(7, r);
        cache[{a.database_name, a.schema_name, a.name}] = std::move(a);
    }
    std::unique_lock lock(mu_);
    cache_ = std::move(cache);
    return {};
}

std::optional<AgentRecord> AgentRepo::Get(const std::string& db, const std::string& schema,
                                          const std::string& name) const {
    std::shared_lock lock(mu_);
    auto it = cache_.find({db, schema, name});
    if (it == cache_.end()) return std::nullopt;
    return it->second;
}

std::vector<AgentRecord> AgentRepo::List(const std::string& db, const std::string& schema) const {
    std::shared_lock lock(mu_);
    std::vector<AgentRecord> out;
    for (auto it = cache_.lower_bound({db, schema, ""});
         it != cache_.end() && std::get<0>(it->first) == db && std::get<1>(it->first) == schema; ++it) {
        out.push_back(it->second);
    }
    return out;
}

Status AgentRepo::Write(const AgentRecord& a, bool replace_row) {
    OC_TRY(store_.WithWriter([&](Connection& c) {
        return c.ExecuteWith(std::string(replace_row ? "INSERT OR REPLACE" : "INSERT") +
                                 " INTO _cortex.agents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             a.database_name, a.schema_name, a.name, a.spec, a.comment, a.profile,
                             a.owner, a.created_on_ms);  // autocommit: durable when this returns
    }));
    std::unique_lock lock(mu_);
    cache_[{a.database_name, a.schema_name, a.name}] = a;
    return {};
}

Result<CreateOutcome> AgentRepo::Create(AgentRecord record, CreateMode mode) {
    std::lock_guard write(write_mu_);
    bool exists = Get(record.database_name, record.schema_name, record.name).has_value();
    if (exists && mode == CreateMode::kIfNotExists) return CreateOutcome::kExisted;
    if (exists && mode == CreateMode::kErrorIfExists) {
        return MakeError(ErrorCode::kAlreadyExists, "Object '" + record.name + "' already exists.");
    }
    record.created_on_ms = NowMillis();
    OC_TRY(Write(record, exists));
    return exists ? CreateOutcome::kReplaced : CreateOutcome::kCreated;
}

Status AgentRepo::Update(const AgentRecord& record) {
    std::lock_guard write(write_mu_);
    auto current = Get(record.database_name, record.schema_name, record.name);
    if (!current) return AgentMissing(record.database_name, record.schema_name, record.name);
    AgentRecord next = record;
    next.created_on_ms = current->created_on_ms;
    next.owner = current->owner;
    return Write(next, true);
}

Result<bool> AgentRepo::Delete(const std::string& db, const std::string& schema, const std::string& name) {
    std::lock_guard write(write_mu_);
    if (!Get(db, schema, name)) return false;
    OC_TRY(store_.WithWriter([&](Connection& c) {
        return c.ExecuteWith("DELETE FROM _cortex.agents WHERE database_name = ? AND schema_name = ? AND name = ?",
                             db, schema, name);
    }));
    std::unique_lock lock(mu_);
    cache_.erase({db, schema, name});
    return true;
}

void AgentRepo::ForgetDropped(const std::string& db, const std::string* schema) {
    std::unique_lock lock(mu_);
    for (auto it = cache_.begin(); it != cache_.end();) {
        bool match = std::get<0>(it->first) == db && (!schema || std::get<1>(it->first) == *schema);
        it = match ? cache_.erase(it) : std::next(it);
    }
}

}  // namespace oc::store
