// kill -9 of the real `cortex pipeline run` during extract, normalize, load (inside the open
// destination transaction) and after the commit; the next run completes the package with no
// duplicate and no lost row, and `_dlt_loads` records the load once. Also `load-package` and
// `failed-jobs`. The pause points come from the CORTEX_PIPELINE_TEST_PAUSE test hook.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <thread>

#include "common/json.h"
#include "cortex_process.h"
#include "loopback_server.h"
#include "net/server.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr int kRows = 5000;

std::string ReadAll(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// `/items?offset=&limit=`: kRows rows with a nested list, {"items": [...], "total": kRows}.
class ItemsApi {
public:
    ItemsApi() {
        router_.Add("GET", "/items", [](net::HttpRequest& req) {
            int offset = std::stoi(req.Query("offset", "0"));
            int limit = std::stoi(req.Query("limit", "1000"));
            Json items = Json::array();
            for (int i = offset; i < std::min(offset + limit, kRows); ++i) {
                items.push_back(Json{{"id", i},
                                     {"name", "item " + std::to_string(i)},
                                     {"tags", Json::array({"t" + std::to_string(i % 7), "x"})}});
            }
            net::HttpResponse r;
            r.body = DumpJson(Json{{"items", items}, {"total", kRows}});
            return r;
        });
        server_ = StartLoopbackServer(router_, 2, &base);
    }
    ~ItemsApi() { server_->Stop(); }
    std::string base;

private:
    net::Router router_;
    std::unique_ptr<net::Server> server_;
};

using Exit = oc::testing::CliResult;

class PackageKill : public ::testing::Test {
protected:
    void SetUp() override {
        std::mt19937_64 rng{std::random_device{}()};
        dir_ = fs::temp_directory_path() / ("oc_kill_" + std::to_string(rng()));
        fs::create_directories(dir_);
        Json doc = Json{
            {"pipeline_name", "kp"},
            {"dataset_name", "kd"},
            {"client", {{"base_url", api_.base}}},
            {"resources",
             Json::array({Json{
                 {"name", "items"},
                 {"primary_key", "id"},
                 {"endpoint",
                  {{"path", "items"},
                   {"data_selector", "items"},
                   {"paginator", {{"type", "offset"}, {"limit", 1000}}},
                   {"incremental", {{"cursor_path", "id"}, {"initial_value", 0}}}}}}})}};
        std::ofstream(dir_ / "kp.json") << doc.dump(2);
    }
    void TearDown() override {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
        fs::remove_all(dir_);
    }

    // Starts `cortex args...` in the test dir with exactly PATH, HOME and the pause hook as its
    // environment; stdin is /dev/null, so a confirmation prompt reads EOF: "no".
    pid_t Spawn(const std::vector<std::string>& args, const std::string& pause) {
        oc::testing::SpawnOptions options;
        options.cwd = dir_.string();
        options.exact_env = true;
        options.env = {{"PATH", "/usr/bin:/bin"}, {"HOME", dir_.string()}};
        if (!pause.empty()) options.env["CORTEX_PIPELINE_TEST_PAUSE"] = pause;
        return oc::testing::SpawnCortex(args, Out(), Err(), options);
    }

    Exit Run(const std::vector<std::string>& args) {
        return oc::testing::WaitForCortex(Spawn(args, ""), Out(), Err(), 90);
    }
    std::string Out() const { return (dir_ / "stdout.txt").string(); }
    std::string Err() const { return (dir_ / "stderr.txt").string(); }

    // Starts a run that pauses at `point`, waits for the pause, then kill -9.
    void RunAndKillAt(const std::string& point) {
        pid_ = Spawn(RunArgs(), point);
        const std::string marker = "paused at " + point;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        bool paused = false;
        while (std::chrono::steady_clock::now() < deadline) {
            if (ReadAll(dir_ / "stderr.txt").find(marker) != std::string::npos) {
                paused = true;
                break;
            }
            if (waitpid(pid_, nullptr, WNOHANG) != 0) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
        pid_ = -1;
        ASSERT_TRUE(paused) << "no pause at " << point << ": " << ReadAll(dir_ / "stderr.txt");
    }

    std::vector<std::string> RunArgs() const {
        return {"pipeline", "run", "kp.json", "--no-progress", "--pipelines-dir",
                (dir_ / "pipes").string()};
    }
    fs::path Wd() const { return dir_ / "pipes" / "kp"; }
    std::vector<std::string> Packages(const std::string& state) const {
        std::vector<std::string> out;
        std::error_code ec;
        if (!fs::is_directory(Wd() / "load" / state, ec)) return out;
        for (const auto& e : fs::directory_iterator(Wd() / "load" / state)) {
            std::string name = e.path().filename().string();
            if (name.find(".tmp") == std::string::npos) out.push_back(name);
        }
        return out;
    }
    // `.tmp` package dirs (a package being built when the process died).
    int Leftovers() const {
        int n = 0;
        std::error_code ec;
        for (const char* state : {"new", "normalized", "loaded"}) {
            if (!fs::is_directory(Wd() / "load" / state, ec)) continue;
            for (const auto& e : fs::directory_iterator(Wd() / "load" / state))
                n += e.path().filename().string().find(".tmp") != std::string::npos ? 1 : 0;
        }
        return n;
    }

    int64_t Count(const std::string& sql) {
        auto db = store::Database::Open((dir_ / "kp.duckdb").string());
        EXPECT_TRUE(db);
        if (!db) return -1;
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(sql);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? (*r)->GetInt64(0, 0) : -1;
    }
    void Exec(const std::string& sql) {
        auto db = store::Database::Open((dir_ / "kp.duckdb").string());
        auto conn = (*db)->Connect();
        auto st = (*conn)->Execute(sql);
        ASSERT_TRUE(st) << st.error().message;
    }

    // After the kill: the next run completes; exact rows, no duplicate, one `_dlt_loads` row.
    void ExpectCompletedOnce() {
        Exit rerun = Run(RunArgs());
        ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
        EXPECT_NE(rerun.out.find("1 load package(s) were loaded to destination duckdb and into "
                                 "dataset kd"),
                  std::string::npos)
            << rerun.out;
        EXPECT_EQ(Count("SELECT count(*) FROM kd.items"), kRows);
        EXPECT_EQ(Count("SELECT count(DISTINCT id) FROM kd.items"), kRows);
        EXPECT_EQ(Count("SELECT count(*) FROM kd.items__tags"), 2 * kRows);
        EXPECT_EQ(Count("SELECT count(DISTINCT _dlt_id) FROM kd.items__tags"), 2 * kRows);
        EXPECT_EQ(Count("SELECT count(*) FROM kd._dlt_loads"), 1);
        EXPECT_EQ(Count("SELECT count(*) FROM kd._dlt_pipeline_state"), 1);
        EXPECT_EQ(Packages("loaded").size(), 1u);
        EXPECT_TRUE(Packages("new").empty());
        EXPECT_TRUE(Packages("normalized").empty());
        EXPECT_EQ(Leftovers(), 0);
        // A third run finds nothing new (the incremental state was committed with the rows).
        Exit third = Run(RunArgs());
        ASSERT_EQ(third.exit_code, 0) << third.err;
        EXPECT_NE(third.out.find("0 load package(s)"), std::string::npos) << third.out;
        EXPECT_EQ(Count("SELECT count(*) FROM kd.items"), kRows);
        EXPECT_EQ(Count("SELECT count(*) FROM kd._dlt_loads"), 1);
    }

    fs::path dir_;
    ItemsApi api_;
    pid_t pid_ = -1;
};

TEST_F(PackageKill, KilledDuringExtractIsRedone) {
    RunAndKillAt("extract");
    EXPECT_TRUE(Packages("new").empty());
    EXPECT_TRUE(Packages("normalized").empty());
    EXPECT_EQ(Leftovers(), 2);  // new/<id>.tmp and normalized/<id>.tmp
    ExpectCompletedOnce();
}

TEST_F(PackageKill, KilledDuringNormalizeResumesFromTheNewPackage) {
    RunAndKillAt("normalize");
    EXPECT_EQ(Packages("new").size(), 1u);
    EXPECT_TRUE(Packages("loaded").empty());
    ExpectCompletedOnce();
}

TEST_F(PackageKill, KilledInsideTheLoadTransactionIsLoadedOnce) {
    RunAndKillAt("load");
    auto pending = Packages("normalized");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(Count("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'kd' "
                    "AND table_name = 'items'"),
              0);  // rolled back with the process
    ExpectCompletedOnce();
    EXPECT_EQ(Packages("loaded"), pending);
    EXPECT_EQ(Count("SELECT count(*) FROM kd.items WHERE _dlt_load_id = '" + pending[0] + "'"),
              kRows);
}

TEST_F(PackageKill, KilledAfterCommitIsNotLoadedAgain) {
    RunAndKillAt("loaded");
    auto pending = Packages("normalized");
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(Count("SELECT count(*) FROM kd.items"), kRows);  // committed before the kill
    ExpectCompletedOnce();
    EXPECT_EQ(Packages("loaded"), pending);
}

TEST_F(PackageKill, DropPendingPackagesThenRunStartsOver) {
    const std::string pdir = (dir_ / "pipes").string();
    RunAndKillAt("normalize");
    auto pending = Packages("new");
    ASSERT_EQ(pending.size(), 1u);
    const std::string dropped = pending[0];
    // Without --yes the question is asked; no answer keeps the package.
    Exit asked = Run({"pipeline", "kp", "drop-pending-packages", "--pipelines-dir", pdir});
    EXPECT_EQ(asked.exit_code, 1) << asked.err;
    EXPECT_EQ(asked.out, "Pending packages of pipeline kp:\n" + dropped +
                             ": EXTRACTED, 1 job(s)\nDelete the above packages? [y/N] Aborted\n");
    EXPECT_EQ(Packages("new"), pending);
    Exit drop = Run({"pipeline", "kp", "drop-pending-packages", "--yes", "--pipelines-dir", pdir});
    ASSERT_EQ(drop.exit_code, 0) << drop.err;
    EXPECT_EQ(drop.out, "Pending packages of pipeline kp:\n" + dropped +
                            ": EXTRACTED, 1 job(s)\nDropped 1 pending package(s)\n");
    EXPECT_TRUE(Packages("new").empty());
    EXPECT_TRUE(Packages("normalized").empty());
    // The next run extracts again under a new load id: nothing of the dropped package resumes.
    Exit rerun = Run(RunArgs());
    ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
    EXPECT_EQ(rerun.out.find(dropped), std::string::npos) << rerun.out;
    auto loaded = Packages("loaded");
    ASSERT_EQ(loaded.size(), 1u);
    EXPECT_NE(loaded[0], dropped);
    EXPECT_EQ(Count("SELECT count(*) FROM kd.items"), kRows);
    EXPECT_EQ(Count("SELECT count(*) FROM kd._dlt_loads"), 1);
    Exit none = Run({"pipeline", "kp", "drop-pending-packages", "--pipelines-dir", pdir});
    EXPECT_EQ(none.exit_code, 0) << none.err;
    EXPECT_EQ(none.out, "No pending packages found for pipeline kp\n");
    Exit missing = Run({"pipeline", "nope", "drop-pending-packages", "--pipelines-dir", pdir});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("error: pipeline nope not found in " + pdir), std::string::npos)
        << missing.err;
}

TEST_F(PackageKill, LoadPackageAndFailedJobsCommands) {
    Exec("CREATE SCHEMA kd");
    Exec("CREATE TABLE kd.items (id BIGINT CHECK (id < 100), name VARCHAR, _dlt_load_id VARCHAR "
         "NOT NULL, _dlt_id VARCHAR NOT NULL)");
    Exit failed = Run(RunArgs());
    EXPECT_EQ(failed.exit_code, 1);
    EXPECT_NE(failed.err.find("error: load package "), std::string::npos) << failed.err;
    EXPECT_NE(failed.err.find("job items."), std::string::npos) << failed.err;
    auto pending = Packages("normalized");
    ASSERT_EQ(pending.size(), 1u);
    const std::string id = pending[0];
    const std::string pdir = (dir_ / "pipes").string();

    Exit jobs = Run({"pipeline", "kp", "failed-jobs", "--pipelines-dir", pdir});
    ASSERT_EQ(jobs.exit_code, 0) << jobs.err;
    EXPECT_EQ(jobs.out.rfind("Checking failed jobs in load id '" + id + "'\nJOB: items.", 0), 0u)
        << jobs.out;
    EXPECT_NE(jobs.out.find(".jsonl(items)\nJOB file type: jsonl\nJOB file path: " +
                            (Wd() / "load" / "normalized" / id / "failed_jobs").string() +
                            "/items."),
              std::string::npos)
        << jobs.out;
    EXPECT_NE(jobs.out.find("CHECK"), std::string::npos) << jobs.out;

    Exit pkg = Run({"pipeline", "kp", "load-package", "--pipelines-dir", pdir});
    ASSERT_EQ(pkg.exit_code, 0) << pkg.err;
    EXPECT_EQ(pkg.out.rfind("Package " + id + " found in " +
                                (Wd() / "load" / "normalized" / id).string() +
                                "\nThe package with load id " + id +
                                " for schema rest_api is in NORMALIZED state. It updated schema "
                                "for 1 tables.\nJobs details:\n",
                            0),
              0u)
        << pkg.out;
    EXPECT_NE(pkg.out.find(", table: items in failed_jobs. File type: jsonl, size: "),
              std::string::npos)
        << pkg.out;
    EXPECT_NE(pkg.out.find(", table: items__tags in new_jobs."), std::string::npos) << pkg.out;

    // Fix the table; the next run retries the failed job and completes the package.
    Exec("DROP TABLE kd.items");
    Exit ok = Run(RunArgs());
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_NE(ok.out.find("Load package " + id + " is LOADED and contains no failed jobs"),
              std::string::npos)
        << ok.out;
    EXPECT_EQ(Count("SELECT count(*) FROM kd.items"), kRows);
    EXPECT_EQ(Count("SELECT count(*) FROM kd._dlt_loads"), 1);

    Exit loaded = Run({"pipeline", "kp", "load-package", id, "--pipelines-dir", pdir});
    ASSERT_EQ(loaded.exit_code, 0) << loaded.err;
    EXPECT_NE(loaded.out.find("is in LOADED state. It updated schema for 1 tables. The package "
                              "was LOADED at 20"),
              std::string::npos)
        << loaded.out;
    EXPECT_NE(loaded.out.find(", table: items in completed_jobs. File type: jsonl, size: "),
              std::string::npos)
        << loaded.out;
    EXPECT_NE(loaded.out.find(" and completed in "), std::string::npos) << loaded.out;
    Exit none = Run({"pipeline", "kp", "failed-jobs", "--pipelines-dir", pdir});
    EXPECT_EQ(none.out, "Checking failed jobs in load id '" + id + "'\nNo failed jobs found\n");
    Exit missing = Run({"pipeline", "nope", "failed-jobs", "--pipelines-dir", pdir});
    EXPECT_EQ(missing.exit_code, 1);
    EXPECT_NE(missing.err.find("error: pipeline nope not found in " + pdir), std::string::npos)
        << missing.err;
}

}  // namespace
}  // namespace oc::pipeline
