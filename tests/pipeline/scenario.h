// The set-up the pipeline scenario tests share: a fresh temp project dir whose secrets and
// settings come only from `secrets_.env_override`, RunPipeline on a config document (no retries,
// the dir as working and pipelines dir), and the first cell of a query on a DuckDB file there.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>

#include "common/json.h"
#include "pipeline/config.h"
#include "pipeline/pipeline.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {

class ScenarioDir : public ::testing::Test {
protected:
    // prefix names the temp dir (`<prefix><random>`).
    explicit ScenarioDir(std::string prefix) : prefix_(std::move(prefix)) {}

    void SetUp() override {
        std::mt19937_64 rng{std::random_device{}()};
        dir_ = std::filesystem::temp_directory_path() / (prefix_ + std::to_string(rng()));
        std::filesystem::create_directories(dir_);
        secrets_.project_dir = dir_.string();
        secrets_.use_process_env = false;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    Result<LoadInfo> Run(const Json& doc) {
        auto cfg = ParsePipelineConfig(doc, "test.json", secrets_);
        if (!cfg) return cfg.error();
        RunOptions opt;
        opt.working_dir = dir_.string();
        opt.pipelines_dir = (dir_ / "pipelines").string();
        opt.extract.max_retries = 0;
        return RunPipeline(*cfg, opt);
    }

    // The first cell of sql on `<dir>/<db_file>` as text ("" when there is no row; a failed
    // query fails the test).
    std::string Cell(const std::string& db_file, const std::string& sql) {
        auto db = store::Database::Open((dir_ / db_file).string());
        EXPECT_TRUE(db) << (db ? "" : db.error().message);
        if (!db) return "";
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(sql);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r && (*r)->RowCount() > 0 ? (*r)->GetString(0, 0) : "";
    }

    // Cell as an integer (0 for NULL or no row).
    int64_t Number(const std::string& db_file, const std::string& sql) {
        const std::string v = Cell(db_file, sql);
        return v.empty() ? 0 : std::stoll(v);
    }

    std::filesystem::path dir_;
    SecretSources secrets_;

private:
    std::string prefix_;
};

}  // namespace oc::pipeline
