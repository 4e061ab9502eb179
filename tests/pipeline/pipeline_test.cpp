// Scenario tests: a loopback mock REST API (net::Server) → RunPipeline → rows in a temp DuckDB.
#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>

#include "mock_api.h"
#include "scenario.h"
#include "net/server.h"
#include "pipeline/config.h"
#include "pipeline/presets.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

class PipelineScenario : public ScenarioDir {
protected:
    PipelineScenario() : ScenarioDir("oc_pipe_") {}
    void SetUp() override {
        ScenarioDir::SetUp();
        secrets_.env_override = {{"SOURCES__REST_API__API_KEY", "sekret"}};
    }

    Json Config(Json resources, Json paginator = Json()) {
        Json client = Json{{"base_url", api_.base}, {"auth", "bearer"}};
        if (!paginator.is_null()) client["paginator"] = paginator;
        return Json{{"pipeline_name", "test_pipe"},
                    {"dataset_name", "Test-Data"},
                    {"client", client},
                    {"resources", resources}};
    }

    int64_t Count(const std::string& sql) { return Number("test_pipe.duckdb", sql); }

    std::vector<std::string> Columns(const std::string& table) {
        auto db = store::Database::Open((dir_ / "test_pipe.duckdb").string());
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema='test_data' "
            "AND table_name='" +
            table + "' ORDER BY ordinal_position");
        std::vector<std::string> out;
        for (idx_t i = 0; i < (*r)->RowCount(); ++i) out.push_back((*r)->GetString(0, i));
        return out;
    }

    std::vector<std::string> Tables() {
        auto db = store::Database::Open((dir_ / "test_pipe.duckdb").string());
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema='test_data' ORDER "
            "BY 1");
        std::vector<std::string> out;
        for (idx_t i = 0; i < (*r)->RowCount(); ++i) out.push_back((*r)->GetString(0, i));
        return out;
    }

    MockApi api_;
};

TEST_F(PipelineScenario, JsonLinkNestedUsersWithBearerSecret) {
    Json res = Json::array(
        {Json{{"name", "users"},
              {"endpoint", {{"path", "users"}, {"paginator", {{"type", "json_link"}}}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->load_ids.size(), 1u);
    EXPECT_EQ(Tables(), (std::vector<std::string>{"_dlt_loads", "_dlt_pipeline_state",
                                                  "_dlt_version", "users", "users__tags"}));
    EXPECT_EQ(Columns("users"),
              (std::vector<std::string>{"id", "user_name", "created_at", "address__city",
                                        "address__geo__lat", "address__geo__lng", "_dlt_load_id",
                                        "_dlt_id"}));
    EXPECT_EQ(Columns("users__tags"),
              (std::vector<std::string>{"value", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"}));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.users"), 5);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.users__tags"), 10);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.users u JOIN test_data.users__tags t ON "
                    "t._dlt_parent_id = u._dlt_id"),
              10);
    EXPECT_EQ(Count("SELECT count(*) FROM information_schema.columns WHERE "
                    "table_schema='test_data' AND table_name='users' "
                    "AND column_name='created_at' AND data_type='TIMESTAMP WITH TIME ZONE'"),
              1);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data._dlt_loads WHERE status = 0 AND schema_name = "
                    "'rest_api'"),
              1);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data._dlt_pipeline_state WHERE state LIKE 'eNp%' "
                    "AND version = 1"),
              1);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data._dlt_version"), 1);
    EXPECT_EQ(api_.requests.load(), 2);
    // The random row ids are stored without compression (cheaper to commit), other text is not.
    const std::string segments =
        "SELECT count(*) FROM pragma_storage_info('test_data.users__tags') WHERE "
        "segment_type = 'VARCHAR' AND ";
    EXPECT_GE(Count(segments + "column_name IN ('_dlt_id', '_dlt_parent_id') AND "
                               "compression = 'Uncompressed'"),
              2);
    EXPECT_EQ(Count(segments + "column_name IN ('_dlt_id', '_dlt_parent_id') AND "
                               "compression <> 'Uncompressed'"),
              0);
    EXPECT_EQ(Count(segments + "column_name = 'value' AND compression = 'Uncompressed'"), 0);
}

TEST_F(PipelineScenario, OffsetPaginatorStopsAtTotal) {
    Json res = Json::array({Json{{"name", "offset"},
                                 {"endpoint",
                                  {{"path", "offset"},
                                   {"data_selector", "items"},
                                   {"paginator", {{"type", "offset"}, {"limit", 3}}}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.offset"), 7);
    EXPECT_EQ(api_.requests.load(), 3);
}

TEST_F(PipelineScenario, PageNumberAutoDetected) {
    Json res = Json::array({"pages"});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    // dlt quirk (reference §3.3): unnumbered first request, then page=1..3.
    EXPECT_EQ(api_.requests.load(), 4);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.pages"), 8);
    EXPECT_EQ(Count("SELECT count(DISTINCT id) FROM test_data.pages"), 8);
}

TEST_F(PipelineScenario, CursorPaginatorFollowsCursor) {
    Json res = Json::array(
        {Json{{"name", "cursor"}, {"endpoint", {{"path", "cursor"}, {"paginator", "cursor"}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.cursor"), 6);
    EXPECT_EQ(Columns("cursor"),
              (std::vector<std::string>{"id", "name", "_dlt_load_id", "_dlt_id"}));
}

TEST_F(PipelineScenario, HeaderLinkAutoDetected) {
    auto info = Run(Config(Json::array({"link"})));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.link"), 9);
    EXPECT_EQ(api_.requests.load(), 3);
}

TEST_F(PipelineScenario, SinglePageClientPaginator) {
    auto info = Run(Config(Json::array({"link"}), "single_page"));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.link"), 3);
}

TEST_F(PipelineScenario, ParentChildFanOut) {
    Json res = Json::array({"posts", Json{{"name", "comments"},
                                          {"endpoint",
                                           {{"path", "posts/{resources.posts.id}/comments"},
                                            {"data_selector", "comments"}}},
                                          {"include_from_parent", {"name"}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.posts"), 3);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.comments"), 6);
    EXPECT_EQ(Columns("comments"),
              (std::vector<std::string>{"cid", "body", "_posts_name", "_dlt_load_id", "_dlt_id"}));
}

TEST_F(PipelineScenario, ResolveParamEqualsPlaceholder) {
    Json res = Json::array(
        {"posts",
         Json{{"name", "comments"},
              {"selected", true},
              {"endpoint",
               {{"path", "posts/{pid}/comments"},
                {"params",
                 {{"pid", {{"type", "resolve"}, {"resource", "posts"}, {"field", "id"}}}}}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.comments"), 6);
}

TEST_F(PipelineScenario, SecondIncrementalRunLoadsOnlyNewRows) {
    for (int i = 1; i <= 10; ++i)
        api_.AddEvent(
            i, "2024-01-" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "T00:00:00Z");
    Json res = Json::array(
        {Json{{"name", "events"},
              {"primary_key", "id"},
              {"endpoint",
               {{"path", "events"},
                {"params", {{"since", "{incremental.start_value}"}}},
                {"incremental",
                 {{"cursor_path", "updated_at"}, {"initial_value", "2024-01-01T00:00:00Z"}}}}}}});
    auto first = Run(Config(res));
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(api_.last_since, "2024-01-01T00:00:00Z");
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.events"), 10);
    for (int i = 11; i <= 13; ++i) api_.AddEvent(i, "2024-01-" + std::to_string(i) + "T00:00:00Z");
    auto second = Run(Config(res));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(api_.last_since, "2024-01-10T00:00:00Z");
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.events"), 13);
    auto third = Run(Config(res));
    ASSERT_TRUE(third) << third.error().message;
    EXPECT_TRUE(third->load_ids.empty());
    EXPECT_NE(FormatLoadInfo(*third).find("completed in ---"), std::string::npos);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data._dlt_loads"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data._dlt_pipeline_state"), 2);
}

TEST_F(PipelineScenario, MergeDedupsByPrimaryKey) {
    Json res = Json::array(
        {Json{{"name", "dups"}, {"primary_key", "id"}, {"write_disposition", "merge"}}});
    ASSERT_TRUE(Run(Config(res)));
    ASSERT_TRUE(Run(Config(res)));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.dups"), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.dups__parts"), 4);
    EXPECT_EQ(Columns("dups__parts"),
              (std::vector<std::string>{"value", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx",
                                        "_dlt_id"}));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.dups__parts p JOIN test_data.dups d ON "
                    "p._dlt_root_id = d._dlt_id"),
              4);
}

TEST_F(PipelineScenario, ReplaceKeepsOneCopyAndAppendAccumulates) {
    Json replace = Json::array({Json{
        {"name", "offset"},
        {"write_disposition", "replace"},
        {"endpoint", {{"path", "offset"}, {"paginator", {{"type", "offset"}, {"limit", 3}}}}}}});
    ASSERT_TRUE(Run(Config(replace)));
    ASSERT_TRUE(Run(Config(replace)));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.offset"), 7);
    Json append = replace;
    append[0]["write_disposition"] = "append";
    ASSERT_TRUE(Run(Config(append)));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.offset"), 14);
}

TEST_F(PipelineScenario, UnknownConfigKeyIsOneLineError) {
    Json res = Json::array({Json{{"name", "users"}, {"endpoint", {{"pathh", "users"}}}}});
    auto info = Run(Config(res));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(info.error().message, "test.json: unknown key `resources[0].endpoint.pathh`");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "test_pipe.duckdb"));
}

TEST_F(PipelineScenario, BadDataSelectorIsConfigError) {
    Json res = Json::array(
        {Json{{"name", "chat"},
              {"endpoint", {{"path", "chat"}, {"data_selector", "choices/content[*]"}}}}});
    auto info = Run(Config(res));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().message.rfind("test.json: `resources[0].endpoint.data_selector`: "
                                         "invalid JSONPath `choices/content[*]`",
                                         0),
              0u)
        << info.error().message;
    EXPECT_EQ(api_.requests.load(), 0);
}

TEST_F(PipelineScenario, RetriesOn429And5xx) {
    auto cfg = ParsePipelineConfig(Config(Json::array({"flaky"})), "test.json", secrets_);
    ASSERT_TRUE(cfg);
    RunOptions opt;
    opt.working_dir = dir_.string();
    opt.pipelines_dir = (dir_ / "pipelines").string();
    opt.extract.initial_backoff_ms = 10;
    auto info = RunPipeline(*cfg, opt);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(api_.requests.load(), 3);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.flaky"), 3);
}

TEST_F(PipelineScenario, PostJsonBodyWithSelector) {
    Json res = Json::array(
        {Json{{"name", "chat_completions"},
              {"endpoint",
               {{"path", "chat"},
                {"method", "POST"},
                {"json", {{"messages", Json::array({Json{{"role", "user"}, {"content", "hi"}}})}}},
                {"data_selector", "choices[*].message"}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Columns("chat_completions"),
              (std::vector<std::string>{"role", "content", "_dlt_load_id", "_dlt_id"}));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.chat_completions WHERE content = 're: hi'"), 1);
}

TEST_F(PipelineScenario, HeaderCursorPaginator) {
    Json res = Json::array(
        {Json{{"name", "hcursor"},
              {"endpoint",
               {{"path", "hcursor"},
                {"paginator", {{"type", "header_cursor"}, {"cursor_key", "x-next"}}}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.hcursor"), 6);
    EXPECT_EQ(api_.requests.load(), 3);
}

TEST_F(PipelineScenario, HttpErrorLoadsNothing) {
    auto info = Run(Config(Json::array({"posts", "broken"})));
    ASSERT_FALSE(info);
    EXPECT_NE(info.error().message.find("returned HTTP 404"), std::string::npos);
    EXPECT_EQ(
        Count("SELECT count(*) FROM information_schema.tables WHERE table_schema='test_data'"), 0);
}

TEST_F(PipelineScenario, YamlFileWithSecretsToml) {
    secrets_.env_override.clear();
    std::filesystem::create_directories(dir_ / ".dlt");
    {
        std::ofstream(dir_ / ".dlt" / "secrets.toml")
            << "[sources.rest_api]\napi_key = \"sekret\"\n";
        std::ofstream(dir_ / "p.yaml")
            << "pipeline_name: test_pipe\ndataset_name: test_data\nclient:\n  base_url: "
            << api_.base << "\n  auth:\n    type: bearer\nresources:\n  - name: users\n";
    }
    auto cfg = LoadPipelineFile((dir_ / "p.yaml").string(), secrets_);
    ASSERT_TRUE(cfg) << cfg.error().message;
    RunOptions opt;
    opt.working_dir = dir_.string();
    opt.pipelines_dir = (dir_ / "pipelines").string();
    auto info = RunPipeline(*cfg, opt);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.users"), 5);
    std::string text = FormatLoadInfo(*info);
    EXPECT_EQ(text.rfind("Pipeline test_pipe load step completed in ", 0), 0u);
    EXPECT_NE(
        text.find("1 load package(s) were loaded to destination duckdb and into dataset test_data\n"
                  "The duckdb destination used duckdb:///" +
                  (dir_ / "test_pipe.duckdb").string() + " location to store data\nLoad package " +
                  info->load_ids[0] + " is LOADED and contains no failed jobs\n"),
        std::string::npos);
}

TEST_F(PipelineScenario, SchemaEvolvesWithNewAndVariantColumns) {
    ASSERT_TRUE(Run(Config(Json::array({"evolve"}))));
    ASSERT_TRUE(Run(Config(Json::array({"evolve"}))));
    EXPECT_EQ(Columns("evolve"), (std::vector<std::string>{"id", "val", "_dlt_load_id", "_dlt_id",
                                                           "val__v_text", "extra_field"}));
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.evolve WHERE val IS NULL AND val__v_text = "
                    "'five' AND extra_field"),
              1);
    EXPECT_EQ(Count("SELECT count(*) FROM test_data._dlt_version"), 2);
}

TEST_F(PipelineScenario, ApiKeyInQueryFromEnvSecret) {
    Json doc = Config(Json::array({"keyed"}));
    doc["client"]["auth"] = Json{{"type", "api_key"}, {"name", "api_key"}, {"location", "query"}};
    auto info = Run(doc);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM test_data.keyed"), 2);
}

TEST_F(PipelineScenario, TomlFileAndDataDir) {
    {
        std::ofstream(dir_ / "p.toml")
            << "pipeline_name = \"test_pipe\"\ndataset_name = \"test_data\"\n[client]\nbase_url = "
               "\""
            << api_.base << "\"\nauth = \"bearer\"\n[[resources]]\nname = \"offset\"\n"
            << "endpoint = { path = \"offset\", paginator = { type = \"offset\", limit = 3 } }\n";
    }
    auto cfg = LoadPipelineFile((dir_ / "p.toml").string(), secrets_);
    ASSERT_TRUE(cfg) << cfg.error().message;
    RunOptions opt;
    opt.data_dir = (dir_ / "data").string();
    auto info = RunPipeline(*cfg, opt);
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->database_path, (dir_ / "data" / "databases" / "test_pipe.duckdb").string());
    EXPECT_TRUE(std::filesystem::exists(info->database_path));
}

TEST(Presets, CortexPresetParses) {
    auto text = PresetPipelineFile("cortex", "duckdb");
    ASSERT_TRUE(text);
    auto doc = ParseConfigText(*text, "yaml", "cortex_pipeline.yaml");
    ASSERT_TRUE(doc) << doc.error().message;
    SecretSources secrets;
    secrets.use_process_env = false;
    secrets.project_dir = "/nonexistent";
    secrets.env_override = {{"SOURCES__CORTEX_SOURCE__API_KEY", "k"}};
    auto cfg = ParsePipelineConfig(*doc, "cortex_pipeline.yaml", secrets);
    ASSERT_TRUE(cfg) << cfg.error().message;
    EXPECT_EQ(cfg->pipeline_name, "cortex_pipeline");
    EXPECT_EQ(cfg->dataset_name, "cortex_data");
    EXPECT_EQ(cfg->resources.size(), 6u);
    EXPECT_EQ(cfg->client.auth.token, "k");
    secrets.env_override.clear();
    auto missing = ParsePipelineConfig(*doc, "cortex_pipeline.yaml", secrets);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().message.find("k\""), std::string::npos);
    EXPECT_FALSE(PresetPipelineFile("nope", "duckdb"));
}

TEST(LoadInfoText, ElapsedLikeHumanize) {
    EXPECT_EQ(FormatElapsed(0.26), "0.26 seconds");
    EXPECT_EQ(FormatElapsed(1), "1 second");
    EXPECT_EQ(FormatElapsed(65.5), "1 minute and 5.50 seconds");
    EXPECT_EQ(FormatElapsed(125), "2 minutes and 5 seconds");
    EXPECT_EQ(FormatElapsed(3725.3), "1 hour, 2 minutes and 5.30 seconds");
}

}  // namespace
}  // namespace oc::pipeline
