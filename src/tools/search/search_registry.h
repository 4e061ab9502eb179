// Every Cortex Search service of the server: definitions in _cortex.search_services (system
// store), indexes under <data_dir>/search, one SearchService object per service in memory.
// Thread-safe; Find/List are cheap map lookups, Create/Drop block on DuckDB and file I/O.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <vector>

#include "common/result.h"
#include "store/catalog.h"
#include "tools/search/search_service.h"

namespace oc::store {
class SystemStore;
}  // namespace oc::store

namespace oc::tools::search {

class SearchRegistry {
public:
    explicit SearchRegistry(store::SystemStore& store) : store_(store) {}

    // The embedding provider of every service loaded or created afterwards (vector re-ranking,
    // search_service.h); null = BM25 only. Call before Load().
    void SetEmbedder(std::shared_ptr<llm::EmbeddingProvider> embedder) { embedder_ = std::move(embedder); }

    // Reads every stored service and opens its index (loading the file, or rebuilding it from
    // the source when missing or stale). A service whose source fails stays listed with its
    // indexing_error. Call once at start, after the catalog has attached the databases.
    Status Load();

    // The service, or nullptr. The pointer stays valid after a drop (in-flight queries finish).
    std::shared_ptr<SearchService> Find(const std::string& db, const std::string& schema,
                                        const std::string& name) const;
    // Services of one schema, sorted by name (byte order).
    std::vector<std::shared_ptr<SearchService>> List(const std::string& db, const std::string& schema) const;

    // Creates (or replaces) spec.database_name.schema_name.name honouring mode: runs the source,
    // resolves the columns and builds the index before anything is stored, so a bad definition
    // (kInvalidArgument) leaves no trace. kAlreadyExists (409) for kErrorIfExists on a taken
    // name; kExisted leaves the old service untouched. Blocks for the whole build.
    Result<store::CreateOutcome> Create(SearchServiceSpec spec, store::CreateMode mode);

    // Removes the service, its metadata row and its index file; false when there was none.
    Result<bool> Drop(const std::string& db, const std::string& schema, const std::string& name);

    // Persists the suspend flags after SearchService::SetSuspended.
    Status SaveSpec(const SearchService& service);

    // After the catalog dropped a database (schema == nullptr) or schema: drops its services.
    void ForgetDropped(const std::string& db, const std::string* schema);

    // The source of a service: its definition run on the data instance.
    SourceReader SourceFor(const SearchServiceSpec& spec);

private:
    using Key = std::tuple<std::string, std::string, std::string>;
    std::string PathOf(const SearchServiceSpec& spec) const;

    store::SystemStore& store_;
    std::mutex write_mu_;           // serialises create/drop
    mutable std::shared_mutex mu_;  // guards services_
    std::map<Key, std::shared_ptr<SearchService>> services_;
    std::shared_ptr<llm::EmbeddingProvider> embedder_;
};

}  // namespace oc::tools::search
