#include "tools/search/search_service.h"

#include <algorithm>
#include <filesystem>
#include <unordered_map>

#include "common/clock.h"
#include "common/log.h"
#include "tools/search/filter.h"
#include "tools/search/query_request.h"
#include "tools/search/rerank.h"

namespace oc::tools::search {
namespace {

uint64_t Fnv1a(std::string_view bytes, uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : bytes) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

bool SameColumns(const std::vector<ColumnInfo>& a, const std::vector<ColumnInfo>& b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].kind != b[i].kind) return false;
    }
    return true;
}

struct KeyedRow {
    uint64_t key = 0;
    uint64_t content_hash = 0;
    Json row;
};

// Projects source rows to the stored columns and gives each its key: the hash of the primary key
// values (a later duplicate wins), or the content hash and its occurrence number, so identical
// rows stay distinct documents.
std::vector<KeyedRow> KeyRows(std::vector<Json>& rows, const std::vector<ColumnInfo>& stored,
                              const std::vector<std::string>& primary_key) {
    std::vector<KeyedRow> out;
    std::unordered_map<uint64_t, size_t> at;
    std::unordered_map<uint64_t, uint64_t> occurrences;
    out.reserve(rows.size());
    for (Json& source : rows) {
        KeyedRow k;
        k.row = Json::object();
        for (const ColumnInfo& c : stored) k.row[c.name] = std::move(source[c.name]);
        k.content_hash = Fnv1a(DumpJson(k.row));
        if (primary_key.empty()) {
            const std::string n = std::to_string(occurrences[k.content_hash]++);
            k.key = Fnv1a(n, k.content_hash);
        } else {
            Json key = Json::array();
            for (const std::string& c : primary_key) key.push_back(k.row[c]);
            k.key = Fnv1a(DumpJson(key));
        }
        auto [it, inserted] = at.emplace(k.key, out.size());
        if (inserted) {
            out.push_back(std::move(k));
        } else {
            out[it->second] = std::move(k);
        }
    }
    return out;
}

struct RefreshPlan {
    std::vector<uint64_t> removals;  // keys of live documents that are gone or changed
    std::vector<size_t> additions;   // positions in rows of new or changed rows
    size_t unchanged = 0;
};

// The changes that turn current into rows. REQUIRES: nobody writes current meanwhile.
RefreshPlan PlanRefresh(const InvertedIndex& current, const std::vector<KeyedRow>& rows) {
    RefreshPlan plan;
    std::unordered_map<uint64_t, uint64_t> incoming;
    for (const KeyedRow& r : rows) incoming.emplace(r.key, r.content_hash);
    for (const IndexedDoc& d : current.docs()) {
        if (!d.live) continue;
        auto it = incoming.find(d.key);
        if (it == incoming.end() || it->second != d.content_hash) plan.removals.push_back(d.key);
    }
    for (size_t i = 0; i < rows.size(); ++i) {
        const IndexedDoc* d = current.Find(rows[i].key);
        if (d && d->content_hash == rows[i].content_hash) {
            ++plan.unchanged;
        } else {
            plan.additions.push_back(i);
        }
    }
    return plan;
}

Json ScoresJson(double score) {
    Json s = Json::object();
    s["text_match"] = score;
    return s;
}

}  // namespace

SearchService::SearchService(SearchServiceSpec spec, SourceReader source, std::string index_path)
    : spec_(std::move(spec)), source_(std::move(source)), index_path_(std::move(index_path)) {}

SearchServiceSpec SearchService::spec() const {
    std::lock_guard lock(state_mu_);
    return spec_;
}

Status SearchService::Open() {
    std::lock_guard refresh(refresh_mu_);
    SearchServiceSpec spec = this->spec();
    if (!index_path_.empty()) {
        IndexFileMeta meta;
        auto loaded = LoadIndexFile(index_path_, spec.search_column, &meta);
        if (loaded) {
            std::shared_ptr<InvertedIndex> index = std::move(*loaded);
            if (EmbedMissing(*index, nullptr, false) > 0) {
                if (Status st = SaveIndexFile(index_path_, *index, meta); !st) {
                    GetLogger("search")->warn("service {}: {}", spec.name, st.error().message);
                }
            }
            size_t bytes = index->ApproximateBytes();
            {
                std::unique_lock lock(index_mu_);
                index_ = std::move(index);
            }
            std::lock_guard lock(state_mu_);
            meta_ = std::move(meta);
            bytes_ = bytes;
            return {};
        }
        if (loaded.error().code != ErrorCode::kNotFound) {
            GetLogger("search")->warn("{}; rebuilding from the source", loaded.error().message);
        }
    }
    auto refreshed = RefreshLocked();
    if (!refreshed) return refreshed.error();
    return {};
}

Result<RefreshStats> SearchService::Refresh() {
    std::lock_guard refresh(refresh_mu_);
    return RefreshLocked();
}

Result<RefreshStats> SearchService::RefreshLocked() {
    auto fail = [&](const Error& e) -> Result<RefreshStats> {
        std::lock_guard lock(state_mu_);
        indexing_error_ = e.message;
        return e;
    };
    const int64_t started = NowMillis();
    {
        std::lock_guard lock(state_mu_);
        last_attempt_ms_ = started;
    }
    auto source = source_();
    if (!source) return fail(source.error());
    SearchServiceSpec resolved = spec();
    if (Status st = ResolveSpecColumns(source->columns, &resolved); !st) return fail(st.error());
    std::vector<ColumnInfo> stored = StoredColumns(source->columns, resolved);
    std::vector<KeyedRow> rows = KeyRows(source->rows, stored, resolved.primary_key);

    std::shared_ptr<InvertedIndex> current;
    {
        std::shared_lock lock(index_mu_);
        current = index_;
    }
    bool same_columns = false;
    {
        std::lock_guard lock(state_mu_);
        same_columns = SameColumns(stored, meta_.columns);
    }
    RefreshStats stats;
    RefreshPlan plan;
    bool full = !current || !same_columns;
    if (!full) {
        plan = PlanRefresh(*current, rows);  // only this thread writes the index (refresh_mu_)
        full = plan.removals.size() + plan.additions.size() > current->live_count() / 2 + 64;
    }
    std::shared_ptr<InvertedIndex> next = current;
    if (full) {
        auto fresh = std::make_shared<InvertedIndex>(resolved.search_column);
        for (KeyedRow& r : rows) fresh->Add(r.key, r.content_hash, std::move(r.row));
        EmbedMissing(*fresh, current.get(), false);  // fresh is not visible yet
        stats = RefreshStats{rows.size(), current ? current->live_count() : 0, 0};
        std::unique_lock lock(index_mu_);
        index_ = fresh;
        next = fresh;
    } else {
        {
            std::unique_lock lock(index_mu_);
            for (uint64_t key : plan.removals) current->Remove(key);
            for (size_t i : plan.additions) current->Add(rows[i].key, rows[i].content_hash, std::move(rows[i].row));
            if (current->docs().size() > 2 * current->live_count() + 64) current->Compact();
        }
        EmbedMissing(*current, nullptr, true);
        stats = RefreshStats{plan.additions.size(), plan.removals.size(), plan.unchanged};
    }
    Publish(resolved, IndexFileMeta{stored, started, source->rows.size()}, *next);
    return stats;
}

void SearchService::Publish(const SearchServiceSpec& resolved, const IndexFileMeta& meta,
                            const InvertedIndex& index) {
    size_t bytes = index.ApproximateBytes();
    bool persist = false;
    {
        std::lock_guard lock(state_mu_);
        spec_.search_column = resolved.search_column;
        spec_.columns = resolved.columns;
        spec_.attribute_columns = resolved.attribute_columns;
        spec_.primary_key = resolved.primary_key;
        meta_ = meta;
        bytes_ = bytes;
        indexing_error_.clear();
        persist = !retired_ && !index_path_.empty();
    }
    if (!persist) return;
    if (Status st = SaveIndexFile(index_path_, index, meta); !st) {
        GetLogger("search")->warn("service {}: {}", resolved.name, st.error().message);
        std::lock_guard lock(state_mu_);
        indexing_error_ = "index not persisted: " + st.error().message;
    }
}

bool SearchService::RefreshDue() const {
    std::lock_guard lock(state_mu_);
    if (spec_.target_lag.downstream || spec_.target_lag.seconds <= 0 || spec_.indexing_suspended) return false;
    const int64_t last = std::max(meta_.data_timestamp_ms, last_attempt_ms_);
    return NowMillis() - last >= spec_.target_lag.seconds * 1000;
}

Result<Json> SearchService::Query(const Json& request) {
    OC_ASSIGN_OR_RETURN(QueryRequest q, ParseQueryRequest(request));
    SearchServiceSpec spec = this->spec();
    if (spec.serving_suspended) {
        return MakeError(ErrorCode::kFailedPrecondition,
                         "Cortex Search Service " + spec.name + " is suspended for serving; resume it first.");
    }
    bool have_index = false;
    {
        std::shared_lock lock(index_mu_);
        have_index = index_ != nullptr;
    }
    if (!have_index) {
        std::lock_guard refresh(refresh_mu_);  // wait for a running build, or build now
        std::shared_lock lock(index_mu_);
        if (!index_) {
            lock.unlock();
            (void)RefreshLocked();
        }
    } else if (RefreshDue()) {
        std::unique_lock refresh(refresh_mu_, std::try_to_lock);  // one lazy refresh; others serve
        if (refresh.owns_lock() && RefreshDue()) {
            if (auto r = RefreshLocked(); !r) {
                GetLogger("search")->warn("service {}: refresh failed: {}", spec.name, r.error().message);
            }
        }
    }
    spec = this->spec();
    std::vector<ColumnInfo> columns;
    std::string indexing_error;
    {
        std::lock_guard lock(state_mu_);
        columns = meta_.columns;
        indexing_error = indexing_error_;
    }
    std::optional<std::vector<float>> query_vector;
    if (!RerankDisabled(request)) query_vector = EmbedQuery(q.query);
    std::shared_lock lock(index_mu_);
    if (!index_) {
        return MakeError(ErrorCode::kUnavailable, "Cortex Search Service " + spec.name +
                                                      " has no index yet: " + indexing_error);
    }
    std::vector<std::string> wanted;
    for (const std::string& ref : q.columns.value_or(std::vector<std::string>{spec.search_column})) {
        auto name = ResolveColumn(ref, columns);
        if (!name) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "Invalid field 'columns': column '" + ref + "' is not a column of the service.");
        }
        wanted.push_back(*name);
    }
    FilterScope scope{&columns, spec.attribute_columns, spec.primary_key};
    OC_ASSIGN_OR_RETURN(Filter filter, Filter::Compile(q.filter, scope));
    auto accept = [&](const Json& row) { return filter.Matches(row); };
    std::vector<RankedHit> hits;
    if (query_vector) {
        hits = Rerank(*index_, index_->Search(q.query, std::max(q.limit, kRerankCandidates), accept),
                      *query_vector, q.limit);
    } else {
        for (const SearchHit& h : index_->Search(q.query, q.limit, accept)) hits.push_back({h, std::nullopt});
    }
    Json results = Json::array();
    for (const RankedHit& hit : hits) {
        const Json& row = index_->docs()[hit.bm25.doc].row;
        Json item = Json::object();
        for (const std::string& c : wanted) {
            auto it = row.find(c);
            item[c] = it == row.end() ? Json() : *it;
        }
        item["@scores"] = ScoresJson(hit.bm25.score);
        if (hit.cosine) item["@scores"]["cosine_similarity"] = *hit.cosine;
        results.push_back(std::move(item));
    }
    Json out = Json::object();
    out["results"] = std::move(results);
    return out;
}

Json SearchService::Describe() const {
    bool have_index = false;
    {
        std::shared_lock lock(index_mu_);
        have_index = index_ != nullptr;
    }
    std::lock_guard lock(state_mu_);
    const SearchServiceSpec& s = spec_;
    Json j = Json::object();
    j["name"] = s.name;
    j["search_column"] = s.search_column;
    Json columns = Json::array();
    if (!meta_.columns.empty()) {
        for (const ColumnInfo& c : meta_.columns) columns.push_back(c.name);
    } else {
        for (const std::string& c : s.columns) columns.push_back(c);
    }
    j["columns"] = std::move(columns);
    j["attribute_columns"] = s.attribute_columns;
    if (!s.primary_key.empty()) j["primary_key"] = s.primary_key;
    j["target_lag"] = TargetLagJson(s.target_lag);
    j["warehouse"] = s.warehouse;
    if (!s.embedding_model.empty()) j["embedding_model"] = s.embedding_model;
    j["definition"] = s.definition;
    j["comment"] = s.comment;
    j["created_on"] = FormatIsoMillis(s.created_on_ms);
    j["database_name"] = s.database_name;
    j["schema_name"] = s.schema_name;
    j["owner"] = s.owner;
    j["source_data_num_rows"] = meta_.source_rows;
    if (meta_.data_timestamp_ms > 0) j["data_timestamp"] = FormatIsoMillis(meta_.data_timestamp_ms);
    j["indexing_state"] = s.indexing_suspended ? "SUSPENDED" : have_index ? "ACTIVE" : "INITIALIZING";
    j["serving_state"] = s.serving_suspended ? "SUSPENDED" : have_index ? "ACTIVE" : "INITIALIZING";
    if (!indexing_error_.empty()) j["indexing_error"] = indexing_error_;
    if (!embedding_error_.empty()) j["embedding_error"] = embedding_error_;
    j["serving_data_bytes"] = bytes_;
    return j;
}

void SearchService::SetSuspended(bool indexing, bool serving, bool suspended) {
    std::lock_guard lock(state_mu_);
    if (indexing) spec_.indexing_suspended = suspended;
    if (serving) spec_.serving_suspended = suspended;
}

Status SearchService::PersistTo(std::string index_path) {
    std::lock_guard refresh(refresh_mu_);
    std::shared_ptr<InvertedIndex> index;
    {
        std::shared_lock lock(index_mu_);
        index = index_;
    }
    IndexFileMeta meta;
    {
        std::lock_guard lock(state_mu_);
        index_path_ = std::move(index_path);
        meta = meta_;
    }
    if (!index) return {};
    return SaveIndexFile(index_path_, *index, meta);
}

void SearchService::Retire(bool delete_file) {
    std::lock_guard refresh(refresh_mu_);
    std::string path;
    {
        std::lock_guard lock(state_mu_);
        retired_ = true;
        path = index_path_;
    }
    if (delete_file && !path.empty()) {
        std::error_code ec;
        std::filesystem::remove(path, ec);
    }
}

}  // namespace oc::tools::search
