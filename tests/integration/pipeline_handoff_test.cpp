// `cortex pipeline run --data-dir D` hands the run to the `cortex serve` running on D
// (POST /api/v2/pipelines/{name}:run); the loaded tables are queryable at once through the SQL
// API. Without a server the CLI loads into D itself, into the same database.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cortex_process.h"
#include "fixture.h"
#include "pipeline_mock.h"

namespace oc::testing {
namespace {

class PipelineHandoff : public ServerTest {
protected:
    void WriteConfig(const Json& doc) { std::ofstream(dir_.path() + "/shop.json") << DumpJson(doc); }

    CliResult RunPipeline(const std::string& data_dir, std::map<std::string, std::string> env) {
        return RunCortexIn(dir_.path(), {"pipeline", "run", "shop.json", "--data-dir", data_dir}, env, 90);
    }

    // One-cell SQL API answer of `sql`, as text.
    std::string Scalar(const std::string& sql, CortexServer* server = nullptr, const std::string& token = "") {
        auto r = Api("POST", (server ? server : server_.get())->url() + "/api/v2/statements",
                     token.empty() ? token_ : token, DumpJson(Json{{"statement", sql}}));
        EXPECT_EQ(r.status, 200) << r.body;
        auto body = Body(r);
        if (!body.contains("data") || body["data"].empty()) return "<none: " + r.body + ">";
        const Json& v = body["data"][0][0];
        return v.is_string() ? v.get<std::string>() : v.dump();
    }

    PipelineMockApi api_;
};

TEST_F(PipelineHandoff, RunIsHandedToTheServerAndQueryableThroughSqlApi) {
    WriteConfig(api_.Config("shop"));
    const std::string data = dir_.path() + "/data";
    auto r = RunPipeline(data, {{"CORTEX_TOKEN", token_}, {"SOURCES__REST_API__API_KEY", "sekret"}});
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    EXPECT_NE(r.err.find("shop: handing the run to the cortex server at " + server_->url()), std::string::npos)
        << r.err;
    EXPECT_NE(r.out.find("1 load package(s) were loaded to destination duckdb and into dataset shop_data\n"),
              std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/databases/SHOP"), std::string::npos) << r.out;
    EXPECT_EQ(Scalar("SELECT count(*) FROM SHOP.shop_data.items"), "23");
    EXPECT_EQ(Scalar("SELECT count(*) FROM SHOP.shop_data.items__tags"), "46");
    EXPECT_EQ(Scalar("SELECT count(*) FROM SHOP.shop_data._dlt_loads"), "1");
    // The dataset is a schema of the database SHOP in the catalog (lower case: a quoted name).
    auto schema = Call("GET", "/api/v2/databases/SHOP/schemas/%22shop_data%22");
    EXPECT_EQ(schema.status, 200) << schema.body;

    // A second hand-off appends; the working dir in <data>/pipelines records both loads.
    ASSERT_EQ(RunPipeline(data, {{"CORTEX_TOKEN", token_}, {"SOURCES__REST_API__API_KEY", "sekret"}}).exit_code, 0);
    EXPECT_EQ(Scalar("SELECT count(*) FROM SHOP.shop_data.items"), "46");
    auto info = RunCortexIn(dir_.path(), {"pipeline", "shop", "info", "--data-dir", data});
    ASSERT_EQ(info.exit_code, 0) << info.err;
    EXPECT_NE(info.out.find("Has 2 completed load packages"), std::string::npos) << info.out;
    // show --query goes through the server's SQL API while it runs.
    auto show = RunCortexIn(dir_.path(),
                            {"pipeline", "shop", "show", "--data-dir", data, "--query",
                             "SELECT count(*) AS n FROM items"},
                            {{"CORTEX_TOKEN", token_}});
    ASSERT_EQ(show.exit_code, 0) << show.err;
    EXPECT_NE(show.out.find("n\n--\n46\n(1 row)"), std::string::npos) << show.out;
}

TEST_F(PipelineHandoff, HandOffErrorsAreOneLineAndNothingIsLoaded) {
    WriteConfig(api_.Config("shop"));
    const std::string data = dir_.path() + "/data";
    auto no_token = RunPipeline(data, {{"CORTEX_TOKEN", ""}, {"SOURCES__REST_API__API_KEY", "sekret"}});
    EXPECT_NE(no_token.exit_code, 0);
    EXPECT_NE(no_token.err.find("error: a cortex server is running on " + data), std::string::npos) << no_token.err;
    auto bad_secret = RunPipeline(data, {{"CORTEX_TOKEN", token_}, {"SOURCES__REST_API__API_KEY", "wrong"}});
    EXPECT_NE(bad_secret.exit_code, 0);
    EXPECT_NE(bad_secret.err.find("error: server: "), std::string::npos) << bad_secret.err;
    EXPECT_NE(bad_secret.err.find("401"), std::string::npos) << bad_secret.err;
    EXPECT_EQ(bad_secret.err.find("wrong"), std::string::npos) << bad_secret.err;
    EXPECT_EQ(server_->Stderr().find("wrong"), std::string::npos);
    EXPECT_EQ(Call("GET", "/api/v2/databases/SHOP/schemas/%22shop_data%22").status, 404);
}

TEST_F(PipelineHandoff, RouteRejectsBadBodiesWithSnowflakeErrors) {
    ExpectSnowflakeError(Call("POST", "/api/v2/pipelines/shop:run", R"({"nope": 1})"), 400, "001003");
    ExpectSnowflakeError(Call("POST", "/api/v2/pipelines/shop:run", R"({"config": []})"), 400, "001003");
    Json doc = api_.Config("other");
    ExpectSnowflakeError(Call("POST", "/api/v2/pipelines/shop:run", DumpJson(Json{{"config", doc}})), 400,
                         "001003");
    Json bad = api_.Config("shop");
    bad["client"]["bogus_key"] = 1;
    auto r = Call("POST", "/api/v2/pipelines/shop:run", DumpJson(Json{{"config", bad}, {"secrets", Json::object()}}));
    ExpectSnowflakeError(r, 400, "001003");
    EXPECT_NE(r.body.find("bogus_key"), std::string::npos) << r.body;
    auto unauth = Http("POST", server_->url() + "/api/v2/pipelines/shop:run", "{}",
                       {"Content-Type: application/json"});
    EXPECT_EQ(unauth.status, 401) << unauth.body;
    // Secrets in the body: the server runs with them (and only them).
    Json good = api_.Config("shop");
    auto ok = Call("POST", "/api/v2/pipelines/shop:run",
                   DumpJson(Json{{"config", good}, {"secrets", {{"SOURCES__REST_API__API_KEY", "sekret"}}}}));
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto body = Body(ok);
    EXPECT_EQ(body["database"], "SHOP");
    EXPECT_EQ(body["table_rows"]["items"], 23);
    EXPECT_EQ(body["load_ids"].size(), 1u);
    EXPECT_EQ(Scalar("SELECT count(*) FROM SHOP.shop_data.items"), "23");
}

TEST_F(PipelineHandoff, WithoutServerTheCliLoadsTheDataDirItself) {
    WriteConfig(api_.Config("shop"));
    TempDir other;
    const std::string data = other.path() + "/data";
    auto r = RunPipeline(data, {{"SOURCES__REST_API__API_KEY", "sekret"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("handing the run"), std::string::npos);
    auto server = CortexServer::Start(data);
    ASSERT_NE(server, nullptr);
    // The CLI created the data dir but no users, so the first server start bootstraps ADMIN.
    std::string token = server->admin_token();
    ASSERT_FALSE(token.empty()) << server->Stderr();
    EXPECT_EQ(Scalar("SELECT count(*) FROM SHOP.shop_data.items", server.get(), token), "23");
}

}  // namespace
}  // namespace oc::testing
