#include "pipeline/extract.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <pthread.h>

#include "pipeline/auth.h"
#include "pipeline/extract_chain.h"
#include "pipeline/incremental.h"
#include "pipeline/rate_limiter.h"

namespace oc::pipeline {
namespace {

// Parsed pages waiting for the consumer hold about 10 bytes per byte of response body, so
// beyond the page count bound (queue_cap_) the waiting pages' bodies are bounded too: pages are
// fetched ahead only while less than this is waiting.
constexpr size_t kMaxWaitingBodyBytes = 4u << 20;

struct PageItem {
    std::vector<Json> rows;
    RawRecordsPtr raw;  // instead of rows (extract_chain.h FetchedPage)
    bool last = true;
    std::shared_ptr<const Json> parent_row;
    size_t bytes = 0;  // of the raw page's records
};

// Per-resource run state. Fields below `// scheduling` are guarded by Extractor::mu_.
struct ResourceRun {
    const ResourceConfig* cfg = nullptr;
    int parent = -1;  // index of the parent resource, -1 = top level
    int depth = 0;
    std::vector<size_t> children;
    std::optional<IncrementalRun> inc;  // touched by the consumer thread only
    std::unique_ptr<RequestAuth> own_auth;
    RequestAuth* auth = nullptr;
    std::atomic<int> requests{0};
    size_t rows = 0;  // consumer thread only
    // scheduling
    uint64_t created = 0;  // chains created
    uint64_t head = 0;     // chains whose pages were all delivered
    int head_next = 0;     // next page of the head chain to deliver
    bool complete = false;
    std::map<std::pair<uint64_t, int>, PageItem> buffer;  // fetched, not yet delivered
};

Status AddParentFields(const ResourceConfig& res, const Json& parent_row, std::vector<Json>& rows) {
    for (auto& row : rows) {
        if (!row.is_object()) row = Json{{"value", row}};
        for (const auto& f : res.include_from_parent) {
            if (!parent_row.contains(f)) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "resource `" + res.name + "`: include_from_parent field `" + f +
                                     "` is missing in the parent row");
            }
            row["_" + res.parent + "_" + f] = parent_row[f];
        }
    }
    return {};
}

class Extractor {
public:
    Extractor(const PipelineConfig& config, const Json& prior, const ExtractOptions& options,
              const PageSink& sink, const RawPageSink* raw_sink)
        : config_(config),
          options_(options),
          sink_(sink),
          raw_sink_(raw_sink),
          limiter_(config.client.requests_per_minute, config.client.requests_burst) {
        source_state_ = prior.is_object() ? prior : Json::object();
        const RuntimeSettings& rt = config.runtime;
        policy_.max_attempts =
            options.max_retries ? *options.max_retries + 1 : rt.request_max_attempts;
        policy_.backoff_factor_s = options.initial_backoff_ms ? *options.initial_backoff_ms / 1000.0
                                                              : rt.request_backoff_factor;
        policy_.max_delay_s = rt.request_max_retry_delay;
        policy_.timeout_ms = options.total_timeout_ms ? *options.total_timeout_ms
                                                      : static_cast<int>(rt.request_timeout * 1000);
        workers_ = std::max(1, options.workers.value_or(config.extract.workers));
        int queued = options.max_queued_pages.value_or(config.extract.max_queued_pages);
        queue_cap_ = queued > 0 ? queued : 2 * workers_ + 2;
        client_auth_ = std::make_unique<RequestAuth>(config.client.auth, policy_.timeout_ms);
    }

    Result<ExtractSummary> Run();

private:
    void Setup();
    void WorkerLoop();
    std::unique_ptr<ChainState> PickLocked();
    bool HeadBufferedLocked(const ResourceRun& r) const {
        return !r.buffer.empty() && r.buffer.begin()->first.first == r.head;
    }
    uint64_t BacklogLocked(const ResourceRun& r) const {
        uint64_t n = 0;
        for (size_t c : r.children) n += res_[c]->created - res_[c]->head;
        return n;
    }
    int DeliverableLocked() const;
    bool AllCompleteLocked();
    Status Consume(ResourceRun& r, PageItem& page);
    void FailLocked(Error e) {
        if (!error_) error_ = std::move(e);
        stop_ = true;
        work_cv_.notify_all();
        page_cv_.notify_all();
    }
    int64_t InFlightLocked() const { return buffered_ + inflight_ + consuming_; }
    // Whether a page of r goes to the raw page sink as parsed in place (no parent row fields to
    // add, no incremental filter, no child chains to start from its rows).
    bool RawSinkTakes(const ResourceRun& r, bool has_parent_row) const {
        return raw_sink_ != nullptr && !has_parent_row && !r.inc && r.children.empty();
    }

    const PipelineConfig& config_;
    const ExtractOptions& options_;
    const PageSink& sink_;
    const RawPageSink* raw_sink_;
    TokenBucket limiter_;
    RetryPolicy policy_;
    int workers_ = 1;
    int64_t queue_cap_ = 4;
    std::unique_ptr<RequestAuth> client_auth_;
    std::vector<std::unique_ptr<ResourceRun>> res_;
    Json source_state_;

    std::mutex mu_;
    std::condition_variable work_cv_;  // workers: a chain became ready or capacity freed
    std::condition_variable page_cv_;  // consumer: a page arrived, or an error
    // Chains waiting for their next fetch, per resource, by ordinal.
    std::vector<std::map<uint64_t, std::unique_ptr<ChainState>>> ready_;
    int64_t buffered_ = 0;
    size_t buffered_bytes_ = 0;  // PageItem::bytes of the buffered pages
    int64_t inflight_ = 0;
    int64_t consuming_ = 0;
    std::atomic<bool> stop_{false};
    std::optional<Error> error_;
    ExtractStats stats_;
};

void Extractor::Setup() {
    std::map<std::string, size_t> index;
    for (const auto& res : config_.resources) {
        auto r = std::make_unique<ResourceRun>();
        r->cfg = &res;
        if (!res.parent.empty()) {
            r->parent = static_cast<int>(index.at(res.parent));
            r->depth = res_[r->parent]->depth + 1;
            res_[r->parent]->children.push_back(res_.size());
        }
        if (res.endpoint.auth) {
            r->own_auth = std::make_unique<RequestAuth>(*res.endpoint.auth, policy_.timeout_ms);
            r->auth = r->own_auth.get();
        } else {
            r->auth = client_auth_.get();
        }
        if (res.endpoint.incremental) {
            r->inc.emplace(
                *res.endpoint.incremental, res.primary_key,
                IncrementalState(source_state_, res.name, res.endpoint.incremental->cursor_path));
        }
        index[res.name] = res_.size();
        res_.push_back(std::move(r));
    }
    ready_.resize(res_.size());
    for (size_t i = 0; i < res_.size(); ++i) {
        if (res_[i]->parent >= 0) continue;
        auto chain = std::make_unique<ChainState>();
        chain->resource = i;
        chain->ordinal = res_[i]->created++;
        ready_[i].emplace(chain->ordinal, std::move(chain));
    }
    stats_.page_bound = queue_cap_ + static_cast<int64_t>(res_.size()) + 1;
}

// The next chain to fetch: the head chain of a resource may always go (so the consumer can
// never wait on a page nobody fetches) unless its resource has too many child chains queued;
// others only while fewer than queue_cap_ pages are held. Deeper resources first, so fan-out
// backlogs drain before their parents fetch more pages; within a resource the oldest chain.
std::unique_ptr<ChainState> Extractor::PickLocked() {
    int best_res = -1;
    uint64_t best_ordinal = 0;
    int best_score = -1;
    const bool room = InFlightLocked() < queue_cap_ && buffered_bytes_ < kMaxWaitingBodyBytes;
    for (size_t i = 0; i < res_.size(); ++i) {
        auto& queue = ready_[i];
        if (queue.empty()) continue;
        const ResourceRun& r = *res_[i];
        if (!r.children.empty() &&
            BacklogLocked(r) >= static_cast<uint64_t>(config_.extract.max_parallel_items))
            continue;
        int score = -1;
        uint64_t ordinal = 0;
        if (!HeadBufferedLocked(r) && queue.count(r.head) != 0) {
            score = 1000 + r.depth;
            ordinal = r.head;
        } else if (room) {
            score = r.depth;
            ordinal = queue.begin()->first;
        }
        if (score > best_score) {
            best_score = score;
            best_res = static_cast<int>(i);
            best_ordinal = ordinal;
        }
    }
    if (best_res < 0) return nullptr;
    auto node = ready_[best_res].extract(best_ordinal);
    return std::move(node.mapped());
}

void Extractor::WorkerLoop() {
    pthread_setname_np(pthread_self(), "cortex-fetch");
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        if (stop_) return;
        auto chain = PickLocked();
        if (!chain) {
            work_cv_.wait(lock);
            continue;
        }
        ++inflight_;
        stats_.max_pages_in_flight = std::max(stats_.max_pages_in_flight, InFlightLocked());
        stats_.max_concurrent_requests =
            std::max(stats_.max_concurrent_requests, static_cast<int>(inflight_));
        ResourceRun& r = *res_[chain->resource];
        lock.unlock();

        ChainEnv env;
        env.config = &config_;
        env.fetch.policy = policy_;
        env.fetch.limiter = limiter_.enabled() ? &limiter_ : nullptr;
        env.fetch.auth = r.auth;
        env.fetch.stop = &stop_;
        env.fetch.requests = &r.requests;
        env.incremental_values = r.inc ? &r.inc->values : nullptr;
        env.raw_pages = RawSinkTakes(r, chain->parent_row != nullptr);
        Result<FetchedPage> page = MakeError(ErrorCode::kInternal, "not fetched");
        try {
            page = FetchNextPage(env, *chain);
        } catch (const std::exception& e) {
            page = MakeError(ErrorCode::kInvalidArgument,
                             "resource `" + r.cfg->name + "`: unexpected value: " + e.what());
        }
        if (page && options_.progress != nullptr) {
            options_.progress->pages.fetch_add(1, std::memory_order_relaxed);
            options_.progress->rows.fetch_add(
                static_cast<int64_t>(page->raw ? RawCount(*page->raw) : page->rows.size()),
                                              std::memory_order_relaxed);
        }

        lock.lock();
        --inflight_;
        if (!page) {
            if (page.error().code != ErrorCode::kCancelled || !error_) FailLocked(page.error());
            return;
        }
        ++stats_.pages;
        PageItem item{std::move(page->rows), std::move(page->raw), page->last, chain->parent_row};
        item.bytes = item.raw ? RawLines(*item.raw).size() : 0;
        buffered_bytes_ += item.bytes;
        r.buffer.emplace(std::make_pair(chain->ordinal, chain->pages - 1), std::move(item));
        ++buffered_;
        stats_.max_pages_in_flight = std::max(stats_.max_pages_in_flight, InFlightLocked());
        if (!page->last) {
            const size_t idx = chain->resource;
            const uint64_t ordinal = chain->ordinal;
            ready_[idx].emplace(ordinal, std::move(chain));
        }
        page_cv_.notify_one();
        work_cv_.notify_all();
    }
}

int Extractor::DeliverableLocked() const {
    for (size_t i = 0; i < res_.size(); ++i) {
        const ResourceRun& r = *res_[i];
        if (!r.buffer.empty() && r.buffer.begin()->first == std::make_pair(r.head, r.head_next))
            return static_cast<int>(i);
    }
    return -1;
}

bool Extractor::AllCompleteLocked() {
    bool all = true;
    for (auto& rp : res_) {
        ResourceRun& r = *rp;
        if (!r.complete) {
            const bool closed = r.parent < 0 || res_[r.parent]->complete;
            if (closed && r.head == r.created && r.buffer.empty()) {
                r.complete = true;
                if (options_.progress != nullptr) options_.progress->resources_done.fetch_add(1);
            }
        }
        all = all && r.complete;
    }
    return all;
}

Status Extractor::Consume(ResourceRun& r, PageItem& page) {
    const ResourceConfig& res = *r.cfg;
    if (page.raw) {
        if (RawSinkTakes(r, page.parent_row != nullptr)) {
            r.rows += RawCount(*page.raw);
            return (*raw_sink_)(res, *page.raw);
        }
        page.rows = RawToJson(*page.raw);
        page.raw.reset();
    }
    if (page.parent_row) OC_TRY(AddParentFields(res, *page.parent_row, page.rows));
    if (r.inc) {
        auto kept = r.inc->Filter(std::move(page.rows));
        if (!kept)
            return MakeError(kept.error().code,
                             "resource `" + res.name + "`: " + kept.error().message);
        page.rows = std::move(*kept);
    }
    if (!r.children.empty() && !page.rows.empty()) {
        std::lock_guard<std::mutex> lock(mu_);
        for (const auto& row : page.rows) {
            auto shared = std::make_shared<const Json>(row);
            for (size_t c : r.children) {
                auto chain = std::make_unique<ChainState>();
                chain->resource = c;
                chain->ordinal = res_[c]->created++;
                chain->parent_row = shared;
                const uint64_t ordinal = chain->ordinal;
                ready_[c].emplace(ordinal, std::move(chain));
            }
        }
        work_cv_.notify_all();
    }
    r.rows += page.rows.size();
    return sink_(res, page.rows);
}

Result<ExtractSummary> Extractor::Run() {
    Setup();
    std::vector<std::thread> threads;
    threads.reserve(workers_);
    for (int i = 0; i < workers_; ++i) threads.emplace_back([this] { WorkerLoop(); });
    {
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            int idx = -1;
            page_cv_.wait(lock, [&] {
                if (error_) return true;
                idx = DeliverableLocked();
                return idx >= 0 || AllCompleteLocked();
            });
            if (error_ || idx < 0) break;
            ResourceRun& r = *res_[idx];
            auto node = r.buffer.extract(r.buffer.begin());
            --buffered_;
            buffered_bytes_ -= node.mapped().bytes;
            consuming_ = 1;
            lock.unlock();
            Status st;
            try {
                st = Consume(r, node.mapped());
            } catch (const std::exception& e) {
                st = MakeError(ErrorCode::kInvalidArgument,
                               "resource `" + r.cfg->name + "`: unexpected value: " + e.what());
            }
            const bool last = node.mapped().last;
            node = {};  // free the page before taking the lock again
            lock.lock();
            consuming_ = 0;
            if (last) {
                ++r.head;
                r.head_next = 0;
            } else {
                ++r.head_next;
            }
            work_cv_.notify_all();
            if (!st) {
                FailLocked(st.error());
                break;
            }
        }
        stop_ = true;
        work_cv_.notify_all();
    }
    for (auto& t : threads) t.join();
    if (error_) return *error_;

    ExtractSummary out;
    for (auto& rp : res_) {
        ResourceRun& r = *rp;
        const ResourceConfig& res = *r.cfg;
        out.requests[res.name] = r.requests.load();
        out.rows[res.name] = r.rows;
        stats_.requests += r.requests.load();
        if (r.inc && res.endpoint.incremental->end_value.is_null()) {
            SetIncrementalState(source_state_, res.name, res.endpoint.incremental->cursor_path,
                                r.inc->NewState());
        }
    }
    out.source_state = std::move(source_state_);
    out.stats = stats_;
    if (options_.stats != nullptr) *options_.stats = stats_;
    return out;
}

}  // namespace

Result<ExtractSummary> ExtractStream(const PipelineConfig& config, const Json& prior_source_state,
                                     const ExtractOptions& options, const PageSink& sink,
                                     const RawPageSink* raw_sink) {
    try {
        Extractor extractor(config, prior_source_state, options, sink, raw_sink);
        return extractor.Run();
    } catch (const nlohmann::json::exception& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         std::string("unexpected JSON value while extracting: ") + e.what());
    }
}

Result<ExtractOutput> ExtractAll(const PipelineConfig& config, const Json& prior_source_state,
                                 const ExtractOptions& options) {
    ExtractOutput out;
    std::map<const ResourceConfig*, size_t> index;
    for (const auto& res : config.resources) {
        index[&res] = out.resources.size();
        ExtractedResource er;
        er.config = &res;
        out.resources.push_back(std::move(er));
    }
    PageSink sink = [&](const ResourceConfig& res, std::vector<Json>& rows) -> Status {
        auto& dst = out.resources[index.at(&res)].rows;
        for (auto& row : rows) dst.push_back(std::move(row));
        return {};
    };
    OC_ASSIGN_OR_RETURN(ExtractSummary summary,
                        ExtractStream(config, prior_source_state, options, sink));
    for (auto& er : out.resources) er.requests = summary.requests[er.config->name];
    out.source_state = std::move(summary.source_state);
    return out;
}

}  // namespace oc::pipeline
