// Extract: retries (429 + Retry-After, 5xx, connection errors), the client rate limit,
// concurrent fetch workers with a bounded page buffer, deterministic results, settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <thread>

#include "extract_fixture.h"
#include "net/server.h"
#include "pipeline/http_fetch.h"
#include "pipeline/presets.h"
#include "pipeline/rate_limiter.h"

namespace oc::pipeline {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// --- retries -------------------------------------------------------------------------------

TEST_F(ExtractScenario, RetryAfterIsHonouredThenSucceeds) {
    auto t0 = std::chrono::steady_clock::now();
    auto info = Run(Doc(Json::array({Json{{"name", "ra"}, {"endpoint", "retry_after"}}})),
                    ExtractOptions{.initial_backoff_ms = 10});
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_GE(SecondsSince(t0), 0.95);  // Retry-After: 1 beats the 10 ms backoff
    EXPECT_EQ(api_.requests.load(), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.ra"), 2);
}

TEST_F(ExtractScenario, Permanent500StopsAfterMaxAttempts) {
    Json doc = Doc(Json::array({Json{{"name", "bad"}, {"endpoint", "always500"}}}));
    doc["runtime"] = Json{{"request_max_attempts", 3}, {"request_backoff_factor", 0.05}};
    auto t0 = std::chrono::steady_clock::now();
    auto info = Run(doc);
    ASSERT_FALSE(info);
    EXPECT_EQ(api_.requests.load(), 3);
    EXPECT_GE(SecondsSince(t0), 0.14);  // waits 0.05 + 0.1
    EXPECT_EQ(info.error().message,
              "resource `bad`: GET " + api_.base +
                  "/always500 returned HTTP 500 (Server Error: Internal Server Error) after 3 "
                  "attempts; response: {\"error\":\"down\"}");
    EXPECT_EQ(Tables(), std::vector<std::string>{});
}

TEST_F(ExtractScenario, ConnectionErrorsAreRetriedThenNameTheUrl) {
    int port = 0;
    {
        net::Router router;
        net::Server probe(
            net::ServerOptions{
                .host = "127.0.0.1", .port = 0, .io_threads = 1, .worker_threads = 1},
            router, [](int, const std::string&) { return net::HttpResponse{}; });
        port = static_cast<int>(probe.Start().value_or(0));
        probe.Stop();
    }
    Json doc = Doc(Json::array({"nothing"}));
    doc["client"]["base_url"] = "http://127.0.0.1:" + std::to_string(port) + "/api";
    doc["runtime"] = Json{{"request_max_attempts", 2}, {"request_backoff_factor", 0.01}};
    auto info = Run(doc);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().message.rfind("resource `nothing`: GET http://127.0.0.1:" +
                                             std::to_string(port) + "/api/nothing failed: ",
                                         0),
              0u)
        << info.error().message;
    EXPECT_NE(info.error().message.find("(after 2 attempts)"), std::string::npos);
}

TEST(RetryDelay, DltBackoffAndRetryAfter) {
    RetryPolicy p;
    EXPECT_EQ(RetryDelayMs(p, 1, ""), 1000);
    EXPECT_EQ(RetryDelayMs(p, 2, ""), 2000);
    EXPECT_EQ(RetryDelayMs(p, 4, ""), 8000);
    EXPECT_EQ(RetryDelayMs(p, 1, "7"), 7000);
    EXPECT_EQ(RetryDelayMs(p, 3, "1.5"), 4000);       // unparseable for dlt → backoff
    EXPECT_EQ(RetryDelayMs(p, 1, "100000"), 300000);  // clamped to request_max_retry_delay
    p.max_delay_s = 3;
    EXPECT_EQ(RetryDelayMs(p, 4, ""), 3000);
}

// --- rate limit --------------------------------------------------------------------------

TEST(TokenBucketTest, BurstThenOnePerInterval) {
    TokenBucket bucket(60, 3);  // one token per second, capacity 3
    auto t = TokenBucket::Clock::now();
    using std::chrono::milliseconds;
    auto ms = [](TokenBucket::Clock::duration d) {
        return std::chrono::duration_cast<milliseconds>(d).count();
    };
    EXPECT_EQ(ms(bucket.Reserve(t)), 0);
    EXPECT_EQ(ms(bucket.Reserve(t)), 0);
    EXPECT_EQ(ms(bucket.Reserve(t)), 0);
    EXPECT_EQ(ms(bucket.Reserve(t)), 1000);
    EXPECT_EQ(ms(bucket.Reserve(t)), 2000);
    // 10 s idle refills to the capacity, not beyond.
    t += std::chrono::seconds(12);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(ms(bucket.Reserve(t)), 0);
    EXPECT_EQ(ms(bucket.Reserve(t)), 1000);
    TokenBucket off(0, 1);
    EXPECT_FALSE(off.enabled());
    EXPECT_EQ(ms(off.Reserve(t)), 0);
}

TEST_F(ExtractScenario, ClientRateLimitSpacesRequestsAcrossWorkers) {
    api_.many_pages = 4;
    Json res = Json::array();
    for (const char* n : {"a", "b", "c"}) {
        res.push_back(
            Json{{"name", n},
                 {"endpoint",
                  {{"path", std::string("many/") + n},
                   {"data_selector", "items"},
                   {"paginator", {{"type", "page_number"}, {"total_path", "total_pages"}}}}}});
    }
    Json doc = Doc(res);
    doc["client"]["requests_per_minute"] = 600;  // 10/s, burst 1
    doc["extract"] = Json{{"workers", 4}};
    auto t0 = std::chrono::steady_clock::now();
    auto out = Extract(doc);
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(api_.requests.load(), 12);
    EXPECT_GE(SecondsSince(t0), 1.05);  // 12 requests, 100 ms apart after the first
    for (const auto& r : out->resources) EXPECT_EQ(r.rows.size(), 12u);
    // The same run without the limit is not paced.
    api_.requests = 0;
    doc["client"].erase("requests_per_minute");
    t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(Extract(doc));
    EXPECT_LT(SecondsSince(t0), 0.9);
}

TEST(CortexPreset, DefaultsTo1000RequestsPerMinute) {
    auto text = PresetPipelineFile("cortex", "duckdb");
    ASSERT_TRUE(text);
    auto doc = ParseConfigText(*text, "yaml", "cortex_pipeline.yaml");
    ASSERT_TRUE(doc);
    SecretSources secrets;
    secrets.use_process_env = false;
    secrets.project_dir = "/nonexistent";
    secrets.env_override = {{"SOURCES__CORTEX_SOURCE__API_KEY", "k"}};
    auto cfg = ParsePipelineConfig(*doc, "cortex_pipeline.yaml", secrets);
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->client.requests_per_minute, 1000);
}

// --- concurrency ---------------------------------------------------------------------------

Json FanOut() {
    return Json::array({Json{{"name", "parents"}, {"endpoint", "parents"}},
                        Json{{"name", "children"},
                             {"endpoint",
                              {{"path", "children/{resources.parents.id}"},
                               {"data_selector", "items"},
                               {"paginator", "single_page"}}},
                             {"include_from_parent", {"name"}}}});
}

std::vector<std::string> Dumped(const ExtractedResource& r) {
    std::vector<std::string> out;
    for (const auto& row : r.rows) out.push_back(DumpJson(row));
    return out;
}

TEST_F(ExtractScenario, ChildFanOutRunsOnConcurrentWorkers) {
    api_.parent_count = 20;
    api_.child_delay_ms = 100;
    ExtractStats stats;
    auto t0 = std::chrono::steady_clock::now();
    auto par = Extract(Doc(FanOut()), ExtractOptions{.workers = 5, .stats = &stats});
    double parallel_s = SecondsSince(t0);
    ASSERT_TRUE(par) << par.error().message;
    EXPECT_GE(api_.max_in_flight.load(), 4);
    EXPECT_GE(stats.max_concurrent_requests, 4);
    EXPECT_LT(parallel_s, 1.2);  // 20 × 100 ms sequentially
    EXPECT_EQ(stats.requests, 21);

    api_.max_in_flight = 0;
    t0 = std::chrono::steady_clock::now();
    auto seq = Extract(Doc(FanOut()), ExtractOptions{.workers = 1});
    ASSERT_TRUE(seq);
    EXPECT_GE(SecondsSince(t0), 2.0);
    EXPECT_EQ(api_.max_in_flight.load(), 1);
    // Same rows in the same order, whatever the number of workers.
    ASSERT_EQ(par->resources.size(), 2u);
    EXPECT_EQ(par->resources[1].rows.size(), 41u);  // Σ (id % 3 + 1) for id 1..20
    EXPECT_EQ(Dumped(par->resources[0]), Dumped(seq->resources[0]));
    EXPECT_EQ(Dumped(par->resources[1]), Dumped(seq->resources[1]));
    EXPECT_EQ(par->resources[1].rows[0],
              (Json{{"cid", 100}, {"tag", "t0"}, {"_parents_name", "p1"}}));
}

TEST_F(ExtractScenario, PagesInFlightStayWithinTheQueueBound) {
    api_.many_pages = 10;
    Json res = Json::array();
    for (const char* n : {"a", "b", "c", "d"}) {
        res.push_back(
            Json{{"name", n},
                 {"endpoint",
                  {{"path", std::string("many/") + n},
                   {"data_selector", "items"},
                   {"paginator", {{"type", "page_number"}, {"total_path", "total_pages"}}}}}});
    }
    Json doc = Doc(res);
    doc["extract"] = Json{{"workers", 6}, {"max_queued_pages", 2}};
    auto cfg = Parse(doc);
    ASSERT_TRUE(cfg) << cfg.error().message;
    int consumed = 0, worst = 0;
    std::map<std::string, int> rows;
    PageSink slow = [&](const ResourceConfig& r, std::vector<Json>& page) -> Status {
        // Pages the server has sent but the sink has not finished yet.
        worst = std::max(worst, api_.served_pages.load() - consumed);
        std::this_thread::sleep_for(std::chrono::milliseconds(15));
        rows[r.name] += static_cast<int>(page.size());
        ++consumed;
        return {};
    };
    auto summary = ExtractStream(*cfg, Json::object(), ExtractOptions{}, slow);
    ASSERT_TRUE(summary) << summary.error().message;
    EXPECT_EQ(consumed, 40);
    EXPECT_EQ(rows, (std::map<std::string, int>{{"a", 30}, {"b", 30}, {"c", 30}, {"d", 30}}));
    const int64_t bound = summary->stats.page_bound;
    EXPECT_EQ(bound, 2 + 4 + 1);  // max_queued_pages + resources + the page in the sink
    EXPECT_LE(summary->stats.max_pages_in_flight, bound);
    EXPECT_LE(worst, bound);
    EXPECT_GE(worst, 3);  // the workers did run ahead of the slow sink
}

TEST_F(ExtractScenario, ConcurrentRunLoadsSameTablesAsSequential) {
    api_.parent_count = 12;
    Json doc = Doc(FanOut());
    doc["extract"] = Json{{"workers", 6}};
    auto info = Run(doc);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Tables(), (std::vector<std::string>{"children", "parents"}));
    EXPECT_EQ(Columns("children"),
              (std::vector<std::string>{"cid", "tag", "_parents_name", "_dlt_load_id", "_dlt_id"}));
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.parents"), 12);
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.children"), 24);
    EXPECT_EQ(Strings("SELECT string_agg(cid::VARCHAR, ',' ORDER BY cid) FROM ex_data.children "
                      "WHERE _parents_name IN ('p3', 'p5')"),
              (std::vector<std::string>{"300,500,501,502"}));
}

// Incremental filtering runs once per page: boundary hashes collected on an early page must
// survive later pages (here the minimum is on page 0 of 4).
TEST_F(ExtractScenario, IncrementalBoundaryDedupAcrossPages) {
    Json res = Json::array({Json{
        {"name", "a"},
        {"primary_key", "id"},
        {"endpoint",
         {{"path", "many/a"},
          {"data_selector", "items"},
          {"paginator", {{"type", "page_number"}, {"total_path", "total_pages"}}},
          {"incremental",
           {{"cursor_path", "id"}, {"initial_value", 999999999}, {"last_value_func", "min"}}}}}}});
    auto first = Run(Doc(res), ExtractOptions{.workers = 3});
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.a"), 12);
    auto second = Run(Doc(res), ExtractOptions{.workers = 3});
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_TRUE(second->load_ids.empty());  // the boundary row is recognised, nothing new
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.a"), 12);
}

// --- settings ------------------------------------------------------------------------------

TEST_F(ExtractScenario, ExtractAndRuntimeSettingsFromFileAndEnv) {
    Json doc = Doc(Json::array({"parents"}));
    auto defaults = Parse(doc);
    ASSERT_TRUE(defaults);
    EXPECT_EQ(defaults->extract.workers, 5);
    EXPECT_EQ(defaults->runtime.request_max_attempts, 5);
    doc["extract"] = Json{{"workers", 3}, {"max_parallel_items", 7}};
    doc["runtime"] = Json{{"request_timeout", 5}, {"request_max_attempts", 2}};
    auto file = Parse(doc);
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_EQ(file->extract.workers, 3);
    EXPECT_EQ(file->extract.max_parallel_items, 7);
    EXPECT_EQ(file->runtime.request_timeout, 5);
    EXPECT_EQ(file->runtime.request_max_attempts, 2);
    secrets_.env_override = {{"EXTRACT__WORKERS", "9"}, {"RUNTIME__REQUEST_MAX_ATTEMPTS", "4"}};
    auto env = Parse(doc);
    ASSERT_TRUE(env);
    EXPECT_EQ(env->extract.workers, 9);
    EXPECT_EQ(env->runtime.request_max_attempts, 4);
    // dlt's `.dlt/config.toml` sections; the environment still wins.
    std::filesystem::create_directories(dir_ / ".dlt");
    std::ofstream(dir_ / ".dlt" / "config.toml")
        << "[extract]\nmax_queued_pages = 11\n[runtime]\nrequest_backoff_factor = 0.25\n";
    auto toml = Parse(doc);
    ASSERT_TRUE(toml) << toml.error().message;
    EXPECT_EQ(toml->extract.max_queued_pages, 11);
    EXPECT_EQ(toml->runtime.request_backoff_factor, 0.25);
    EXPECT_EQ(toml->extract.workers, 9);
    std::filesystem::remove(dir_ / ".dlt" / "config.toml");
    secrets_.env_override = {{"EXTRACT__WORKERS", "many"}};
    auto bad_env = Parse(doc);
    ASSERT_FALSE(bad_env);
    EXPECT_EQ(bad_env.error().message, "test.json: `extract.workers` must be a number, got `many`");
    secrets_.env_override.clear();
    doc["extract"]["wokers"] = 2;
    auto unknown = Parse(doc);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(unknown.error().message, "test.json: unknown key `extract.wokers`");
    doc["extract"] = Json{{"workers", 0}};
    auto zero = Parse(doc);
    ASSERT_FALSE(zero);
    EXPECT_EQ(zero.error().message, "test.json: `extract.workers` must be an integer >= 1");
}

}  // namespace
}  // namespace oc::pipeline
