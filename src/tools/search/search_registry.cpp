#include "tools/search/search_registry.h"

#include <filesystem>

#include "common/clock.h"
#include "common/log.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::tools::search {
namespace {

constexpr const char* kUpsert =
    "INSERT OR REPLACE INTO _cortex.search_services VALUES (?, ?, ?, ?, ?, ?)";
constexpr const char* kDelete =
    "DELETE FROM _cortex.search_services WHERE database_name = ? AND schema_name = ? AND name = ?";

}  // namespace

std::string SearchRegistry::PathOf(const SearchServiceSpec& spec) const {
    return IndexFilePath(store_.data_dir(), spec.database_name, spec.schema_name, spec.name);
}

SourceReader SearchRegistry::SourceFor(const SearchServiceSpec& spec) {
    store::SystemStore* store = &store_;
    return [store, db = spec.database_name, schema = spec.schema_name, sql = spec.definition] {
        return RunSourceQuery(*store, db, schema, sql);
    };
}

Status SearchRegistry::Load() {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto rows, conn->Query("SELECT spec FROM _cortex.search_services"));
    std::map<Key, std::shared_ptr<SearchService>> loaded;
    auto log = GetLogger("search");
    for (idx_t r = 0; r < rows->RowCount(); ++r) {
        auto json = ParseJson(rows->GetString(0, r));
        auto spec = json ? SpecFromStoredJson(*json) : Result<SearchServiceSpec>(json.error());
        if (!spec) {
            log->error("skipping unreadable search service metadata: {}", spec.error().message);
            continue;
        }
        auto service = std::make_shared<SearchService>(*spec, SourceFor(*spec), PathOf(*spec));
        service->SetEmbedder(embedder_);
        if (Status st = service->Open(); !st) {
            log->warn("search service {}.{}.{}: index unavailable: {}", spec->database_name,
                      spec->schema_name, spec->name, st.error().message);
        }
        loaded[{spec->database_name, spec->schema_name, spec->name}] = std::move(service);
    }
    std::unique_lock lock(mu_);
    services_ = std::move(loaded);
    return {};
}

std::shared_ptr<SearchService> SearchRegistry::Find(const std::string& db, const std::string& schema,
                                                    const std::string& name) const {
    std::shared_lock lock(mu_);
    auto it = services_.find({db, schema, name});
    return it == services_.end() ? nullptr : it->second;
}

std::vector<std::shared_ptr<SearchService>> SearchRegistry::List(const std::string& db,
                                                                 const std::string& schema) const {
    std::shared_lock lock(mu_);
    std::vector<std::shared_ptr<SearchService>> out;
    for (auto it = services_.lower_bound({db, schema, ""});
         it != services_.end() && std::get<0>(it->first) == db && std::get<1>(it->first) == schema; ++it) {
        out.push_back(it->second);
    }
    return out;
}

Result<store::CreateOutcome> SearchRegistry::Create(SearchServiceSpec spec, store::CreateMode mode) {
    std::lock_guard write(write_mu_);
    auto existing = Find(spec.database_name, spec.schema_name, spec.name);
    if (existing && mode == store::CreateMode::kIfNotExists) return store::CreateOutcome::kExisted;
    if (existing && mode == store::CreateMode::kErrorIfExists) {
        return MakeError(ErrorCode::kAlreadyExists, "Object '" + spec.name + "' already exists.");
    }
    spec.created_on_ms = NowMillis();
    auto service = std::make_shared<SearchService>(spec, SourceFor(spec), "");
    service->SetEmbedder(embedder_);
    OC_TRY(service->Refresh());  // validates the definition and columns; nothing stored yet
    SearchServiceSpec resolved = service->spec();
    OC_TRY(store_.WithWriter([&](store::Connection& c) {
        return c.ExecuteWith(kUpsert, resolved.database_name, resolved.schema_name, resolved.name,
                             DumpJson(SpecToStoredJson(resolved)), resolved.owner, resolved.created_on_ms);
    }));
    if (existing) existing->Retire(false);
    if (Status st = service->PersistTo(PathOf(resolved)); !st) {
        GetLogger("search")->warn("search service {}: index kept in memory only: {}", resolved.name,
                                  st.error().message);
    }
    {
        std::unique_lock lock(mu_);
        services_[{resolved.database_name, resolved.schema_name, resolved.name}] = service;
    }
    return existing ? store::CreateOutcome::kReplaced : store::CreateOutcome::kCreated;
}

Result<bool> SearchRegistry::Drop(const std::string& db, const std::string& schema, const std::string& name) {
    std::lock_guard write(write_mu_);
    auto service = Find(db, schema, name);
    if (!service) return false;
    OC_TRY(store_.WithWriter([&](store::Connection& c) { return c.ExecuteWith(kDelete, db, schema, name); }));
    {
        std::unique_lock lock(mu_);
        services_.erase({db, schema, name});
    }
    service->Retire(true);
    return true;
}

Status SearchRegistry::SaveSpec(const SearchService& service) {
    std::lock_guard write(write_mu_);
    SearchServiceSpec spec = service.spec();
    if (Find(spec.database_name, spec.schema_name, spec.name).get() != &service) return {};
    return store_.WithWriter([&](store::Connection& c) {
        return c.ExecuteWith(kUpsert, spec.database_name, spec.schema_name, spec.name,
                             DumpJson(SpecToStoredJson(spec)), spec.owner, spec.created_on_ms);
    });
}

void SearchRegistry::ForgetDropped(const std::string& db, const std::string* schema) {
    std::vector<Key> gone;
    {
        std::shared_lock lock(mu_);
        for (const auto& [key, service] : services_) {
            if (std::get<0>(key) == db && (!schema || std::get<1>(key) == *schema)) gone.push_back(key);
        }
    }
    for (const Key& key : gone) {
        auto dropped = Drop(std::get<0>(key), std::get<1>(key), std::get<2>(key));
        if (!dropped) {
            GetLogger("search")->warn("dropping search service {}: {}", std::get<2>(key), dropped.error().message);
        }
    }
}

}  // namespace oc::tools::search
