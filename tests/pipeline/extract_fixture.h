// Shared fixture of the extract tests: a temp dir, env-only secrets and the mock API.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "extract_mock.h"
#include "pipeline/config.h"
#include "pipeline/extract.h"
#include "pipeline/pipeline.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {

class ExtractScenario : public ::testing::Test {
protected:
    void SetUp() override {
        std::mt19937_64 rng{std::random_device{}()};
        dir_ = std::filesystem::temp_directory_path() / ("oc_extract_" + std::to_string(rng()));
        std::filesystem::create_directories(dir_);
        secrets_.project_dir = dir_.string();
        secrets_.use_process_env = false;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    Json Doc(Json resources, Json auth = Json()) {
        Json client = Json{{"base_url", api_.base}};
        if (!auth.is_null()) client["auth"] = auth;
        return Json{{"pipeline_name", "ex_pipe"},
                    {"dataset_name", "ex_data"},
                    {"client", client},
                    {"resources", resources}};
    }

    Result<PipelineConfig> Parse(const Json& doc) {
        return ParsePipelineConfig(doc, "test.json", secrets_);
    }

    Result<LoadInfo> Run(const Json& doc, ExtractOptions extract = {}) {
        auto cfg = Parse(doc);
        if (!cfg) return cfg.error();
        RunOptions opt;
        opt.working_dir = dir_.string();
        opt.pipelines_dir = (dir_ / "pipelines").string();
        opt.extract = extract;
        return RunPipeline(*cfg, opt);
    }

    Result<ExtractOutput> Extract(const Json& doc, ExtractOptions extract = {}) {
        auto cfg = Parse(doc);
        if (!cfg) return cfg.error();
        config_ = *cfg;
        return ExtractAll(config_, Json::object(), extract);
    }

    int64_t Count(const std::string& sql) {
        auto db = store::Database::Open((dir_ / "ex_pipe.duckdb").string());
        EXPECT_TRUE(db);
        if (!db) return -1;
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(sql);
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        return r ? (*r)->GetInt64(0, 0) : -1;
    }

    std::vector<std::string> Strings(const std::string& sql) {
        std::vector<std::string> out;
        auto db = store::Database::Open((dir_ / "ex_pipe.duckdb").string());
        if (!db) return out;
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(sql);
        if (!r) return {"error: " + r.error().message};
        for (idx_t i = 0; i < (*r)->RowCount(); ++i) out.push_back((*r)->GetString(0, i));
        return out;
    }

    std::vector<std::string> Tables() {
        return Strings(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='ex_data' AND "
            "table_name NOT LIKE '\\_dlt%' ESCAPE '\\' ORDER BY 1");
    }

    std::vector<std::string> Columns(const std::string& table) {
        return Strings(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='ex_data' AND "
            "table_name='" +
            table + "' ORDER BY ordinal_position");
    }

    ExtractMock api_;
    std::filesystem::path dir_;
    SecretSources secrets_;
    PipelineConfig config_;
};

}  // namespace oc::pipeline
