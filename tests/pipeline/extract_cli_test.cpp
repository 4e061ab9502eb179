// `cortex pipeline run FILE` through the real binary: bad configs (unknown key, missing secret,
// bad JSONPath, unreachable host) give one line on stderr naming the key or URL, a non-zero exit
// and nothing loaded.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "cortex_process.h"
#include "extract_mock.h"
#include "net/server.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

using Exit = oc::testing::CliResult;

// Runs `cortex args...` in cwd with exactly the given environment (plus PATH and HOME), bounded
// to 60 s.
Exit RunCortexIn(const std::filesystem::path& cwd, const std::vector<std::string>& args,
                 std::map<std::string, std::string> env = {}) {
    oc::testing::SpawnOptions options;
    options.cwd = cwd.string();
    options.exact_env = true;
    options.env = std::move(env);
    options.env["PATH"] = "/usr/bin:/bin";
    options.env["HOME"] = cwd.string();
    const std::string out = (cwd / "stdout.txt").string(), err = (cwd / "stderr.txt").string();
    return oc::testing::WaitForCortex(oc::testing::SpawnCortex(args, out, err, options), out, err);
}

class PipelineCli : public ::testing::Test {
protected:
    void SetUp() override {
        std::mt19937_64 rng{std::random_device{}()};
        dir_ = std::filesystem::temp_directory_path() / ("oc_pipe_cli_" + std::to_string(rng()));
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    void Write(const std::string& name, const std::string& text) {
        std::ofstream(dir_ / name) << text;
    }

    std::string Head(const std::string& base) {
        return "pipeline_name: cli_pipe\ndataset_name: cli_data\nclient:\n  base_url: " + base +
               "\n";
    }

    // Exit code 1 and exactly one error line on stderr, the last one, naming `needle`
    // (plain progress lines may precede it when stderr is not a terminal).
    void ExpectOneLineError(const Exit& r, const std::string& needle) {
        EXPECT_EQ(r.exit_code, 1) << r.err;
        std::vector<std::string> lines;
        std::stringstream ss(r.err);
        for (std::string line; std::getline(ss, line);) lines.push_back(line);
        ASSERT_FALSE(lines.empty());
        int errors = 0;
        for (const auto& l : lines) errors += l.rfind("error: ", 0) == 0 ? 1 : 0;
        EXPECT_EQ(errors, 1) << r.err;
        EXPECT_EQ(lines.back().rfind("error: ", 0), 0u) << r.err;
        EXPECT_NE(lines.back().find(needle), std::string::npos) << r.err;
        EXPECT_EQ(r.out.find("Load package"), std::string::npos) << r.out;
    }

    // Data tables in the dataset (system tables excluded); empty when no database exists.
    std::vector<std::string> DataTables() {
        std::vector<std::string> out;
        if (!std::filesystem::exists(dir_ / "cli_pipe.duckdb")) return out;
        auto db = store::Database::Open((dir_ / "cli_pipe.duckdb").string());
        if (!db) return {"cannot open"};
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='cli_data' AND "
            "table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1");
        if (!r) return {"error: " + r.error().message};
        for (idx_t i = 0; i < (*r)->RowCount(); ++i) out.push_back((*r)->GetString(0, i));
        return out;
    }

    ExtractMock api_;
    std::filesystem::path dir_;
};

TEST_F(PipelineCli, UnknownKeyNamesTheKey) {
    Write("p.yaml", Head(api_.base) +
                        "resources:\n  - name: parents\n    endpoint:\n      pathh: "
                        "parents\n");
    auto r = RunCortexIn(dir_, {"pipeline", "run", "p.yaml"});
    ExpectOneLineError(r, "p.yaml: unknown key `resources[0].endpoint.pathh`");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "cli_pipe.duckdb"));
    EXPECT_EQ(api_.requests.load(), 0);
}

TEST_F(PipelineCli, MissingSecretNamesTheKeyAndTheEnvVariable) {
    Write("p.yaml", Head(api_.base) + "  auth:\n    type: bearer\nresources:\n  - parents\n");
    auto r = RunCortexIn(dir_, {"pipeline", "run", "p.yaml"});
    ExpectOneLineError(
        r, "missing secret `api_key` for `client.auth` (set SOURCES__REST_API__API_KEY");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "cli_pipe.duckdb"));
    // The same file runs once the secret is in the environment.
    auto ok = RunCortexIn(dir_, {"pipeline", "run", "p.yaml"}, {{"SOURCES__REST_API__API_KEY", "s3"}});
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(DataTables(), (std::vector<std::string>{"parents"}));
}

TEST_F(PipelineCli, BadJsonPathNamesTheKey) {
    Write("p.json",
          "{\"pipeline_name\": \"cli_pipe\", \"dataset_name\": \"cli_data\", \"client\": "
          "{\"base_url\": \"" +
              api_.base +
              "\"}, \"resources\": [{\"name\": \"parents\", \"endpoint\": {\"path\": "
              "\"parents\", \"data_selector\": \"choices/content[*]\"}}]}");
    auto r = RunCortexIn(dir_, {"pipeline", "run", "p.json"});
    ExpectOneLineError(r,
                       "p.json: `resources[0].endpoint.data_selector`: invalid JSONPath "
                       "`choices/content[*]`");
    EXPECT_EQ(api_.requests.load(), 0);
}

TEST_F(PipelineCli, UnreachableHostNamesTheUrlAndLoadsNothing) {
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
    const std::string dead = "http://127.0.0.1:" + std::to_string(port) + "/gone";
    // The first resource can succeed; the second cannot connect: the run loads nothing. The
    // resources are fetched concurrently, so the failure may stop the run before `parents` asked.
    Write("p.yaml", Head(api_.base) +
                        "runtime:\n  request_max_attempts: 2\n  request_backoff_factor: 0.01\n"
                        "resources:\n  - parents\n  - name: gone\n    endpoint:\n      path: " +
                        dead + "\n");
    auto r = RunCortexIn(dir_, {"pipeline", "run", "p.yaml"});
    ExpectOneLineError(r, "resource `gone`: GET " + dead + " failed: ");
    EXPECT_EQ(DataTables(), std::vector<std::string>{});
    // Nothing of the failed run is left to be loaded later: a fixed run loads parents once.
    Write("p.yaml", Head(api_.base) + "resources:\n  - parents\n");
    auto ok = RunCortexIn(dir_, {"pipeline", "run", "p.yaml"});
    ASSERT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_EQ(DataTables(), (std::vector<std::string>{"parents"}));
    auto db = store::Database::Open((dir_ / "cli_pipe.duckdb").string());
    ASSERT_TRUE(db);
    auto conn = (*db)->Connect();
    auto n = (*conn)->Query("SELECT count(*) FROM cli_data.parents");
    ASSERT_TRUE(n);
    EXPECT_EQ((*n)->GetInt64(0, 0), 5);
}

}  // namespace
}  // namespace oc::pipeline
