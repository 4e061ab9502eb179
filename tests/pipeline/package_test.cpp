// Load packages (new → normalized → loaded on disk, resume, idempotent reload, failed jobs) and
// the filesystem destination, against the loopback mock API (mock_api.h).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "mock_api.h"
#include "s3_mock.h"
#include "scenario.h"
#include "pipeline/config.h"
#include "pipeline/package.h"
#include "pipeline/package_flow.h"
#include "pipeline/package_io.h"
#include "pipeline/pipeline.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

namespace fs = std::filesystem;

int CountLines(const fs::path& p) {
    std::ifstream in(p);
    std::string line;
    int n = 0;
    while (std::getline(in, line)) n += line.empty() ? 0 : 1;
    return n;
}

std::vector<std::string> FilesIn(const fs::path& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

class PackageScenario : public ScenarioDir {
protected:
    PackageScenario() : ScenarioDir("oc_pkg_") {}
    void SetUp() override {
        ScenarioDir::SetUp();
        secrets_.env_override = {{"SOURCES__REST_API__API_KEY", "sekret"}};
    }

    Json Config(Json resources) {
        return Json{{"pipeline_name", "pk_pipe"},
                    {"dataset_name", "pk_data"},
                    {"client", {{"base_url", api_.base}, {"auth", "bearer"}}},
                    {"resources", resources}};
    }
    static Json Users() {
        return Json::array({Json{
            {"name", "users"},
            {"endpoint", {{"path", "users"}, {"paginator", {{"type", "json_link"}}}}}}});
    }
    static Json Events() {
        return Json::array({Json{
            {"name", "events"},
            {"primary_key", "id"},
            {"endpoint",
             {{"path", "events"},
              {"params", {{"since", "{incremental.start_value}"}}},
              {"incremental",
               {{"cursor_path", "updated_at"}, {"initial_value", "2024-01-01T00:00:00Z"}}}}}}});
    }
    void AddEvents(int from, int to) {
        for (int i = from; i <= to; ++i)
            api_.AddEvent(i, "2024-01-" + std::string(i < 10 ? "0" : "") + std::to_string(i) +
                                 "T00:00:00Z");
    }

    Result<PipelineConfig> Parse(const Json& doc) {
        return ParsePipelineConfig(doc, "test.json", secrets_);
    }
    fs::path Wd() const { return dir_ / "pipelines" / "pk_pipe"; }
    PackageStore Store() const { return PackageStore(Wd().string()); }

    std::string Text(const std::string& sql) { return Cell("pk_pipe.duckdb", sql); }
    int64_t Count(const std::string& sql) { return Number("pk_pipe.duckdb", sql); }
    // package_completed.json of a loaded package.
    Json Completed(const std::string& id) {
        auto done =
            ReadJsonFile((Wd() / "load" / "loaded" / id / "package_completed.json").string());
        EXPECT_TRUE(done) << id;
        return done ? *done : Json();
    }
    void Exec(const std::string& sql) {
        auto db = store::Database::Open((dir_ / "pk_pipe.duckdb").string());
        auto conn = (*db)->Connect();
        auto st = (*conn)->Execute(sql);
        ASSERT_TRUE(st) << st.error().message;
    }
    // Puts a loaded package back into the state a kill after the destination commit leaves.
    void UnloadPackage(const std::string& id) {
        fs::path from = Wd() / "load" / "loaded" / id;
        fs::path to = Wd() / "load" / "normalized" / id;
        fs::create_directories(to.parent_path());
        fs::rename(from, to);
        fs::create_directories(to / "new_jobs");
        for (const auto& f : FilesIn(to / "completed_jobs"))
            fs::rename(to / "completed_jobs" / f, to / "new_jobs" / f);
        fs::remove(to / "package_completed.json");
    }

    MockApi api_;
};

TEST_F(PackageScenario, RunLeavesOneLoadedPackageWithCompletedJobs) {
    auto info = Run(Config(Users()));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 1u);
    const std::string id = info->load_ids[0];
    EXPECT_EQ(Store().List(kPackageLoaded), std::vector<std::string>{id});
    EXPECT_TRUE(Store().List(kPackageNew).empty());
    EXPECT_TRUE(Store().List(kPackageNormalized).empty());
    EXPECT_TRUE(FilesIn(Wd() / "load" / "new").empty());  // no .tmp leftovers
    fs::path pkg = Wd() / "load" / "loaded" / id;
    auto jobs = PackageStore::Jobs(pkg.string());
    ASSERT_EQ(jobs.size(), 2u);
    std::map<std::string, int> lines;
    for (const auto& j : jobs) {
        EXPECT_EQ(j.folder, "completed_jobs");
        EXPECT_EQ(j.retry, 0);
        EXPECT_EQ(j.format, "jsonl");
        EXPECT_EQ(j.file_id.size(), 10u);
        lines[j.table] = CountLines(j.path);
    }
    EXPECT_EQ(lines["users"], 5);
    EXPECT_EQ(lines["users__tags"], 10);
    auto manifest = ReadJsonFile((pkg / "load_package_state.json").string());
    ASSERT_TRUE(manifest);
    EXPECT_EQ((*manifest)["state"], "loaded");
    EXPECT_EQ((*manifest)["load_id"], id);
    EXPECT_EQ((*manifest)["schema_updates"], 2);
    EXPECT_TRUE(fs::exists(pkg / "package_completed.json"));
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.users"), 5);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data._dlt_loads WHERE load_id = '" + id + "'"), 1);
}

TEST_F(PackageScenario, AppendIsLoadedWhileNormalizedAndMatchesTheLoadFromJobFiles) {
    // Three pages of 10000 rows; normalized rows are flushed after each page (every 5000 root
    // rows at most), so the third page's variant column, timestamp column and nested table reach
    // the open load transaction after two batches (ALTER TABLE and CREATE TABLE mid-load).
    std::vector<Json> pages(3, Json::array());
    for (int i = 0; i < 30000; ++i) {
        Json r = {{"id", i}, {"name", "n" + std::to_string(i)}, {"score", i}};
        if (i >= 20000) {
            r["score"] = "s" + std::to_string(i);
            r["seen_at"] = "2024-01-02T03:04:05Z";
            r["tags"] = Json::array({"a", "b"});
        }
        pages[i / 10000].push_back(r);
    }
    api_.SetPages(pages);
    Json res = Json::array({Json{
        {"name", "things"},
        {"endpoint", {{"path", "paged"}, {"paginator", {{"type", "json_link"}}}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 1u);
    const std::string id = info->load_ids[0];
    EXPECT_EQ(Completed(id)["streamed"], true);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.things"), 30000);
    EXPECT_EQ(Count("SELECT sum(id) FROM pk_data.things"), 29999LL * 30000 / 2);
    EXPECT_EQ(Count("SELECT count(score) FROM pk_data.things"), 20000);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.things WHERE score__v_text = 's' || id"), 10000);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.things WHERE seen_at = "
                    "TIMESTAMPTZ '2024-01-02 03:04:05+00'"),
              10000);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.things__tags"), 20000);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data._dlt_loads WHERE load_id = '" + id + "'"), 1);
    const std::string kDigest =
        "SELECT (SELECT string_agg(table_name || '.' || column_name || ' ' || data_type, ', ' "
        "ORDER BY table_name, ordinal_position) FROM information_schema.columns WHERE "
        "table_schema = 'pk_data' AND table_name LIKE 'things%') || ' | ' || (SELECT "
        "md5(string_agg(t::VARCHAR, '|' ORDER BY _dlt_id)) FROM pk_data.things t) || ' | ' || "
        "(SELECT md5(string_agg(t::VARCHAR, '|' ORDER BY _dlt_id)) FROM pk_data.things__tags t)";
    const std::string streamed = Text(kDigest);
    ASSERT_NE(streamed.find("things.seen_at TIMESTAMP WITH TIME ZONE"), std::string::npos)
        << streamed;
    // The same package loaded from its job files, as a resumed run loads it.
    Exec("DROP SCHEMA pk_data CASCADE");
    UnloadPackage(id);
    api_.SetPages({});
    auto again = Run(Config(res));
    ASSERT_TRUE(again) << again.error().message;
    ASSERT_FALSE(again->load_ids.empty());
    EXPECT_EQ(again->load_ids[0], id);
    EXPECT_EQ(Completed(id)["streamed"], false);
    EXPECT_EQ(Completed(id)["already_loaded"], false);
    EXPECT_EQ(Text(kDigest), streamed);
}

TEST_F(PackageScenario, ReplaceIsLoadedFromTheJobFiles) {
    Json res = Users();
    res[0]["write_disposition"] = "replace";
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 1u);
    EXPECT_EQ(Completed(info->load_ids[0])["streamed"], false);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.users"), 5);
}

TEST_F(PackageScenario, PendingNormalizedPackageIsLoadedFirst) {
    auto cfg = Parse(Config(Users()));
    ASSERT_TRUE(cfg) << cfg.error().message;
    PackageStore store = Store();
    {
        PackageBuilder builder(store, "1700000000.5", *cfg, {});
        ASSERT_TRUE(builder.Begin());
        std::vector<Json> rows = {User(7), User(8), User(9)};
        ASSERT_TRUE(builder.AddPage(cfg->resources[0], rows));
        ASSERT_TRUE(builder.Finish(Json()));
    }
    EXPECT_EQ(store.List(kPackageNormalized), std::vector<std::string>{"1700000000.5"});
    EXPECT_TRUE(store.List(kPackageNew).empty());
    auto info = Run(Config(Users()));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 2u);
    EXPECT_EQ(info->load_ids[0], "1700000000.5");
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.users"), 8);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.users WHERE _dlt_load_id = '1700000000.5'"), 3);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.users__tags"), 16);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data._dlt_loads"), 2);
    EXPECT_EQ(store.List(kPackageLoaded).size(), 2u);
}

TEST_F(PackageScenario, PendingNewPackageIsNormalizedThenLoaded) {
    // A `new` package as a run killed between extract and normalize leaves it.
    const std::string id = "1700000001.25";
    fs::path pkg = Wd() / "load" / "new" / id;
    fs::create_directories(pkg / "new_jobs");
    std::vector<Json> records;
    for (int i = 0; i < 4; ++i) records.push_back(Json{{"mid", i}, {"payload", {{"k", i}}}});
    ASSERT_TRUE(WriteRecordsFile((pkg / "new_jobs" / "manual.0123456789.0.jsonl").string(), records));
    ResourceConfig manual;
    manual.name = "manual";
    ASSERT_TRUE(WriteJsonFile(
        (pkg / "load_package_state.json").string(),
        Json{{"load_id", id},
             {"schema_name", "rest_api"},
             {"pipeline_name", "pk_pipe"},
             {"pipeline_state", nullptr},
             {"state", "new"},
             {"resources", Json::array({Json{{"resource", ResourceToJson(manual)},
                                             {"job", "manual.0123456789.0.jsonl"},
                                             {"rows", 4}}})}}));
    auto info = Run(Config(Users()));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 2u);
    EXPECT_EQ(info->load_ids[0], id);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.manual"), 4);
    EXPECT_EQ(Count("SELECT sum(payload__k) FROM pk_data.manual"), 6);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.users"), 5);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data._dlt_loads"), 2);
    EXPECT_FALSE(fs::exists(pkg));
    EXPECT_TRUE(fs::exists(Wd() / "load" / "loaded" / id / "completed_jobs"));
}

TEST_F(PackageScenario, ReloadOfCommittedPackageAddsNoDuplicate) {
    AddEvents(1, 10);
    auto first = Run(Config(Events()));
    ASSERT_TRUE(first) << first.error().message;
    ASSERT_EQ(first->load_ids.size(), 1u);
    UnloadPackage(first->load_ids[0]);  // killed after COMMIT, before the move to loaded
    auto second = Run(Config(Events()));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->load_ids, first->load_ids);  // finished, not loaded again
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.events"), 10);
    EXPECT_EQ(Count("SELECT count(DISTINCT id) FROM pk_data.events"), 10);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data._dlt_loads"), 1);
    EXPECT_EQ(Store().List(kPackageLoaded), first->load_ids);
    auto done = ReadJsonFile(
        (Wd() / "load" / "loaded" / first->load_ids[0] / "package_completed.json").string());
    ASSERT_TRUE(done);
    EXPECT_EQ((*done)["already_loaded"], true);
}

TEST_F(PackageScenario, RejectedJobGoesToFailedJobsAndIsRetried) {
    Exec("CREATE SCHEMA pk_data");
    Exec("CREATE TABLE pk_data.items (id BIGINT CHECK (id < 5), name VARCHAR, _dlt_load_id "
         "VARCHAR NOT NULL, _dlt_id VARCHAR NOT NULL)");
    Json res = Json::array({Json{
        {"name", "items"},
        {"endpoint",
         {{"path", "offset"}, {"paginator", {{"type", "offset"}, {"limit", 3}}}}}}});
    auto failed = Run(Config(res));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("job items."), std::string::npos)
        << failed.error().message;
    auto pending = Store().List(kPackageNormalized);
    ASSERT_EQ(pending.size(), 1u);
    fs::path pkg = Wd() / "load" / "normalized" / pending[0];
    auto files = FilesIn(pkg / "failed_jobs");
    ASSERT_EQ(files.size(), 2u);  // the job and its .exception
    EXPECT_NE(files[0].find(".0.jsonl"), std::string::npos);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.items"), 0);
    // Fix the destination; the next run retries the job (retry 1) before extracting again.
    Exec("DROP TABLE pk_data.items");
    auto ok = Run(Config(res));
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_EQ(ok->load_ids.size(), 2u);
    EXPECT_EQ(ok->load_ids[0], pending[0]);
    EXPECT_EQ(Count("SELECT count(*) FROM pk_data.items"), 14);
    EXPECT_EQ(Count("SELECT count(DISTINCT _dlt_load_id) FROM pk_data.items"), 2);
    auto done = PackageStore::Jobs((Wd() / "load" / "loaded" / pending[0]).string());
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].folder, "completed_jobs");
    EXPECT_EQ(done[0].retry, 1);
    // The rejected rows also stopped the streaming load (rolled back, nothing kept); the retried
    // package loads from its files, the new one streams.
    EXPECT_EQ(Completed(pending[0])["streamed"], false);
    EXPECT_EQ(Completed(ok->load_ids[1])["streamed"], true);
}

// ---- filesystem destination ----

class FilesystemScenario : public PackageScenario {
protected:
    void SetUp() override {
        PackageScenario::SetUp();
        bucket_ = dir_ / "bucket";
        secrets_.env_override.emplace_back("DESTINATION__FILESYSTEM__BUCKET_URL",
                                           "file://" + bucket_.string());
    }
    Json FsConfig(Json resources, const std::string& format = "") {
        Json doc = Config(std::move(resources));
        doc["destination"] = "filesystem";
        if (!format.empty()) doc["loader_file_format"] = format;
        return doc;
    }
    int64_t DuckCount(const std::string& sql) {
        auto db = store::Database::Open(":memory:");
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(sql);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? (*r)->GetInt64(0, 0) : -1;
    }
    fs::path Ds() const { return bucket_ / "pk_data"; }
    fs::path bucket_;
};

TEST_F(FilesystemScenario, JsonlLayoutAndSystemFiles) {
    auto info = Run(FsConfig(Users()));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 1u);
    const std::string id = info->load_ids[0];
    EXPECT_EQ(info->destination_name, "filesystem");
    EXPECT_EQ(info->location, "file://" + bucket_.string());
    EXPECT_NE(FormatLoadInfo(*info).find("The filesystem destination used file://"),
              std::string::npos);
    auto users = FilesIn(Ds() / "users");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].rfind(id + ".", 0), 0u);
    EXPECT_EQ(users[0].size(), id.size() + 1 + 10 + 6);  // <load_id>.<file_id>.jsonl
    EXPECT_EQ(CountLines(Ds() / "users" / users[0]), 5);
    EXPECT_EQ(CountLines(Ds() / "users__tags" / FilesIn(Ds() / "users__tags").at(0)), 10);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_loads"), std::vector<std::string>{"rest_api__" + id + ".jsonl"});
    ASSERT_EQ(FilesIn(Ds() / "_dlt_version").size(), 1u);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_version")[0].rfind("rest_api__" + id + "__", 0), 0u);
    ASSERT_EQ(FilesIn(Ds() / "_dlt_pipeline_state").size(), 1u);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_pipeline_state")[0].rfind("pk_pipe__" + id + "__", 0), 0u);
    EXPECT_TRUE(fs::exists(Ds() / "init"));
    auto loads = ReadRecordsFile((Ds() / "_dlt_loads" / ("rest_api__" + id + ".jsonl")).string());
    ASSERT_TRUE(loads);
    ASSERT_EQ(loads->size(), 1u);
    EXPECT_EQ((*loads)[0]["load_id"], id);
    EXPECT_EQ((*loads)[0]["status"], 0);
    EXPECT_EQ((*loads)[0]["schema_name"], "rest_api");
    const std::string glob = (Ds() / "users" / "*.jsonl").string();
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_json_auto('" + glob +
                        "') WHERE address__city = 'C3' AND _dlt_load_id = '" + id + "'"),
              1);
    // A second append run adds a second file; merge falls back to append.
    auto again = Run(FsConfig(Users()));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(FilesIn(Ds() / "users").size(), 2u);
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_json_auto('" + glob + "')"), 10);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_loads").size(), 2u);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_version").size(), 1u);  // schema unchanged
}

TEST_F(FilesystemScenario, ReplaceDeletesOldFiles) {
    Json res = Users();
    res[0]["write_disposition"] = "replace";
    ASSERT_TRUE(Run(FsConfig(res)));
    auto second = Run(FsConfig(res));
    ASSERT_TRUE(second) << second.error().message;
    auto users = FilesIn(Ds() / "users");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].rfind(second->load_ids[0] + ".", 0), 0u);
    EXPECT_EQ(FilesIn(Ds() / "users__tags").size(), 1u);
}

TEST_F(FilesystemScenario, IncrementalStateIsReadBackFromFiles) {
    AddEvents(1, 10);
    ASSERT_TRUE(Run(FsConfig(Events())));
    AddEvents(11, 13);
    auto second = Run(FsConfig(Events()));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(api_.last_since, "2024-01-10T00:00:00Z");
    auto third = Run(FsConfig(Events()));
    ASSERT_TRUE(third) << third.error().message;
    EXPECT_TRUE(third->load_ids.empty());
    const std::string glob = (Ds() / "events" / "*.jsonl").string();
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_json_auto('" + glob + "')"), 13);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_loads").size(), 2u);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_pipeline_state").size(), 2u);
}

TEST_F(FilesystemScenario, ParquetAndCsvThroughDuckDb) {
    auto parquet = Run(FsConfig(Users(), "parquet"));
    ASSERT_TRUE(parquet) << parquet.error().message;
    auto files = FilesIn(Ds() / "users");
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(files[0].find(".parquet"), std::string::npos);
    const std::string pq = (Ds() / "users" / files[0]).string();
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_parquet('" + pq + "')"), 5);
    EXPECT_EQ(DuckCount("SELECT count(*) FROM (DESCRIBE SELECT * FROM read_parquet('" + pq +
                        "')) WHERE column_name = 'created_at' AND column_type = 'TIMESTAMP WITH "
                        "TIME ZONE'"),
              1);
    fs::remove_all(bucket_);
    fs::remove_all(Wd());
    auto csv = Run(FsConfig(Users(), "csv"));
    ASSERT_TRUE(csv) << csv.error().message;
    files = FilesIn(Ds() / "users__tags");
    ASSERT_EQ(files.size(), 1u);
    EXPECT_NE(files[0].find(".csv"), std::string::npos);
    const std::string c = (Ds() / "users__tags" / files[0]).string();
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_csv('" + c + "', header = true)"), 10);
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_csv('" + c +
                        "', header = true) WHERE value = 'b'"),
              5);
}

TEST_F(FilesystemScenario, ReloadAfterKillBeforeLoadsMarkerKeepsOneCopy) {
    AddEvents(1, 6);
    auto first = Run(FsConfig(Events()));
    ASSERT_TRUE(first) << first.error().message;
    const std::string id = first->load_ids.at(0);
    UnloadPackage(id);
    // Killed after the data files, before `_dlt_loads` (the package's commit marker).
    fs::remove(Ds() / "_dlt_loads" / ("rest_api__" + id + ".jsonl"));
    auto second = Run(FsConfig(Events()));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(second->load_ids, std::vector<std::string>{id});
    EXPECT_EQ(FilesIn(Ds() / "events").size(), 1u);
    const std::string glob = (Ds() / "events" / "*.jsonl").string();
    EXPECT_EQ(DuckCount("SELECT count(*) FROM read_json_auto('" + glob + "')"), 6);
    EXPECT_EQ(FilesIn(Ds() / "_dlt_loads").size(), 1u);
}

TEST_F(FilesystemScenario, MissingBucketUrlIsAClearError) {
    secrets_.env_override.pop_back();
    auto info = Run(FsConfig(Users()));
    ASSERT_FALSE(info);
    EXPECT_NE(info.error().message.find("bucket_url"), std::string::npos);
    auto bad = FsConfig(Users());
    bad["loader_file_format"] = "xml";
    auto cfg = Parse(bad);
    ASSERT_FALSE(cfg);
    EXPECT_NE(cfg.error().message.find("loader_file_format"), std::string::npos);
}

// ---- filesystem destination on an S3 bucket (s3_mock.h) ----

class S3Scenario : public PackageScenario {
protected:
    void SetUp() override {
        PackageScenario::SetUp();
        secrets_.env_override.insert(
            secrets_.env_override.end(),
            {{"DESTINATION__FILESYSTEM__BUCKET_URL", "s3://pk-bucket/landing"},
             {"DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID", "AKIATESTKEY"},
             {"DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY", "s3-SECRET-value"},
             {"DESTINATION__FILESYSTEM__CREDENTIALS__REGION_NAME", "eu-west-1"},
             {"DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL", s3_.endpoint}});
    }
    Json S3Config(Json resources, const std::string& format = "") {
        Json doc = Config(std::move(resources));
        doc["destination"] = "filesystem";
        if (!format.empty()) doc["loader_file_format"] = format;
        return doc;
    }
    // Object keys under `landing/pk_data/<dir>/`, file names only.
    std::vector<std::string> Names(const std::string& dir) {
        std::vector<std::string> out;
        const std::string prefix = "landing/pk_data/" + dir + "/";
        for (const auto& [key, body] : s3_.Objects()) {
            if (key.rfind(prefix, 0) == 0) out.push_back(key.substr(prefix.size()));
        }
        return out;
    }
    std::string Body(const std::string& dir, const std::string& name) {
        return s3_.Objects()["landing/pk_data/" + dir + "/" + name];
    }
    // Rows of a parquet file (in-memory DuckDB).
    int64_t DuckRows(const std::string& path) {
        auto db = store::Database::Open(":memory:");
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query("SELECT count(*) FROM read_parquet(" + SqlString(path) + ")");
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? (*r)->GetInt64(0, 0) : -1;
    }
    void SetEnv(const std::string& name, const std::string& value) {
        for (auto& [k, v] : secrets_.env_override) {
            if (k == name) v = value;
        }
    }

    S3Mock s3_{"pk-bucket", "AKIATESTKEY", "s3-SECRET-value"};
};

int Lines(const std::string& text) {
    return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

TEST_F(S3Scenario, JsonlObjectsSystemFilesAndReplaceInTheBucket) {
    auto info = Run(S3Config(Users()));
    ASSERT_TRUE(info) << info.error().message;
    ASSERT_EQ(info->load_ids.size(), 1u);
    const std::string id = info->load_ids[0];
    EXPECT_EQ(info->location, "s3://pk-bucket/landing");
    auto users = Names("users");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].rfind(id + ".", 0), 0u);
    EXPECT_EQ(Lines(Body("users", users[0])), 5);
    ASSERT_EQ(Names("users__tags").size(), 1u);
    EXPECT_EQ(Lines(Body("users__tags", Names("users__tags")[0])), 10);
    EXPECT_EQ(Names("_dlt_loads"), std::vector<std::string>{"rest_api__" + id + ".jsonl"});
    EXPECT_EQ(Json::parse(Body("_dlt_loads", "rest_api__" + id + ".jsonl"))["load_id"], id);
    ASSERT_EQ(Names("_dlt_version").size(), 1u);
    ASSERT_EQ(Names("_dlt_pipeline_state").size(), 1u);
    EXPECT_EQ(s3_.Objects().count("landing/pk_data/init"), 1u);
    // replace: the second load's files are the only ones left, for the nested table too (the
    // dataset listing pages through the mock's two keys per page).
    Json res = Users();
    res[0]["write_disposition"] = "replace";
    auto second = Run(S3Config(res));
    ASSERT_TRUE(second) << second.error().message;
    users = Names("users");
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].rfind(second->load_ids.at(0) + ".", 0), 0u);
    ASSERT_EQ(Names("users__tags").size(), 1u);
    EXPECT_EQ(Names("users__tags")[0].rfind(second->load_ids.at(0) + ".", 0), 0u);
    EXPECT_EQ(Names("_dlt_loads").size(), 2u);
    EXPECT_GT(s3_.list_pages(), 4);
}

TEST_F(S3Scenario, IncrementalStateAndSchemaAreReadBackFromTheBucket) {
    AddEvents(1, 10);
    ASSERT_TRUE(Run(S3Config(Events(), "parquet")));
    AddEvents(11, 13);
    auto second = Run(S3Config(Events(), "parquet"));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(api_.last_since, "2024-01-10T00:00:00Z");
    auto third = Run(S3Config(Events(), "parquet"));
    ASSERT_TRUE(third) << third.error().message;
    EXPECT_TRUE(third->load_ids.empty());
    auto files = Names("events");
    ASSERT_EQ(files.size(), 2u);
    // The parquet objects read back: 13 rows in all.
    int64_t rows = 0;
    for (const auto& f : files) {
        const fs::path local = dir_ / f;
        std::ofstream(local, std::ios::binary) << Body("events", f);
        rows += DuckRows(local.string());
    }
    EXPECT_EQ(rows, 13);
    EXPECT_EQ(Names("_dlt_version").size(), 1u);  // the schema did not change
}

TEST_F(S3Scenario, BadCredentialsAndSchemesAreOneLineErrors) {
    SetEnv("DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID", "");
    auto missing = Run(S3Config(Users()));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message,
              "destination filesystem: s3://pk-bucket/landing needs "
              "destination.filesystem.credentials.aws_access_key_id and aws_secret_access_key");
    SetEnv("DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID", "AKIAOTHER");
    auto denied = Run(S3Config(Users()));
    ASSERT_FALSE(denied);
    EXPECT_NE(denied.error().message.find("HTTP 403 AccessDenied"), std::string::npos)
        << denied.error().message;
    EXPECT_EQ(denied.error().message.find("s3-SECRET-value"), std::string::npos);
    EXPECT_EQ(denied.error().message.find('\n'), std::string::npos);
    EXPECT_TRUE(s3_.Objects().empty());
    // The right key id with a wrong secret: the signature does not verify.
    SetEnv("DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID", "AKIATESTKEY");
    SetEnv("DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY", "not-the-secret");
    auto forged = Run(S3Config(Users()));
    ASSERT_FALSE(forged);
    EXPECT_NE(forged.error().message.find("HTTP 403 AccessDenied"), std::string::npos)
        << forged.error().message;
    EXPECT_TRUE(s3_.Objects().empty());
    SetEnv("DESTINATION__FILESYSTEM__BUCKET_URL", "gs://pk-bucket");
    auto scheme = Run(S3Config(Users()));
    ASSERT_FALSE(scheme);
    EXPECT_EQ(scheme.error().message,
              "destination filesystem: bucket_url `gs://pk-bucket` is not supported (a local "
              "path, file:// or s3:// URL)");
}

}  // namespace
}  // namespace oc::pipeline
