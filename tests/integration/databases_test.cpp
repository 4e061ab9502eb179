// REST databases and schemas against the real binary (reference sql-api.md §3).
#include <filesystem>

#include "fixture.h"

namespace oc::testing {
namespace {

using DatabasesApi = ServerTest;

TEST_F(DatabasesApi, CreateFetchListDeleteDatabase) {
    auto r = Call("POST", "/api/v2/databases", R"({"name": "sales", "comment": "orders"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r), Json::parse(R"({"status": "Request successfully completed"})"));
    EXPECT_TRUE(std::filesystem::exists(dir_.path() + "/data/databases/SALES.duckdb"));

    auto f = Call("GET", "/api/v2/databases/SALES");
    ASSERT_EQ(f.status, 200) << f.body;
    Json db = Body(f);
    EXPECT_EQ(db["name"], "SALES");
    EXPECT_EQ(db["kind"], "PERMANENT");
    EXPECT_EQ(db["comment"], "orders");
    EXPECT_EQ(db["owner"], "ACCOUNTADMIN");
    EXPECT_TRUE(db["dropped_on"].is_null());

    auto schemas = Call("GET", "/api/v2/databases/sales/schemas");
    ASSERT_EQ(schemas.status, 200) << schemas.body;
    ASSERT_EQ(Body(schemas).size(), 1u);
    EXPECT_EQ(Body(schemas)[0]["name"], "PUBLIC");
    EXPECT_EQ(Body(schemas)[0]["database_name"], "SALES");

    ExpectSnowflakeError(Call("POST", "/api/v2/databases", R"({"name": "SALES"})"), 409, "002002");
    EXPECT_EQ(Call("POST", "/api/v2/databases?createMode=ifNotExists", R"({"name": "SALES"})").status, 200);

    auto list = Call("GET", "/api/v2/databases?like=sal%25");
    ASSERT_EQ(list.status, 200);
    ASSERT_EQ(Body(list).size(), 1u);

    EXPECT_EQ(Call("DELETE", "/api/v2/databases/SALES").status, 200);
    EXPECT_FALSE(std::filesystem::exists(dir_.path() + "/data/databases/SALES.duckdb"));
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/SALES"), 404, "002003");
    ExpectSnowflakeError(Call("DELETE", "/api/v2/databases/SALES"), 404, "002003");
    EXPECT_EQ(Call("DELETE", "/api/v2/databases/SALES?ifExists=true").status, 200);
}

TEST_F(DatabasesApi, QuotedDatabaseNameKeepsCase) {
    ASSERT_EQ(Call("POST", "/api/v2/databases", R"({"name": "\"My Db\""})").status, 200);
    auto r = Call("GET", "/api/v2/databases/%22My%20Db%22");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["name"], "My Db");
    EXPECT_EQ(Call("GET", "/api/v2/databases/%22My%20Db%22/schemas/PUBLIC").status, 200);
}

TEST_F(DatabasesApi, SchemaLifecycle) {
    CreateDatabase("S1");
    ASSERT_EQ(Call("POST", "/api/v2/databases/S1/schemas", R"({"name": "raw", "comment": "landing"})").status, 200);
    auto r = Call("GET", "/api/v2/databases/S1/schemas/RAW");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["comment"], "landing");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases/S1/schemas", R"({"name": "RAW"})"), 409, "002002");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases/NOPE/schemas", R"({"name": "x"})"), 404, "002003");
    // Agents in a dropped schema are gone with it.
    ASSERT_EQ(Call("POST", "/api/v2/databases/S1/schemas/RAW/agents", R"({"name": "a"})").status, 200);
    EXPECT_EQ(Call("DELETE", "/api/v2/databases/S1/schemas/RAW").status, 200);
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/S1/schemas/RAW"), 404, "002003");
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/S1/schemas/RAW/agents/A"), 404, "002003");
    ASSERT_EQ(Call("POST", "/api/v2/databases/S1/schemas", R"({"name": "RAW"})").status, 200);
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/S1/schemas/RAW/agents/A"), 404, "002003");
}

TEST_F(DatabasesApi, BadBodiesAre400) {
    ExpectSnowflakeError(Call("POST", "/api/v2/databases", "{"), 400, "390142");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases", R"({"comment": "x"})"), 400, "001003");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases", R"({"name": "a b"})"), 400, "001003");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases", R"({"name": "x", "kind": "WEIRD"})"), 400, "001003");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases?createMode=bad", R"({"name": "x"})"), 400, "001003");
    ExpectSnowflakeError(Call("GET", "/api/v2/databases?showLimit=0"), 400, "001003");
    EXPECT_EQ(Body(Call("GET", "/api/v2/databases")), Json::array());
}

TEST_F(DatabasesApi, DatabasesSurviveRestart) {
    CreateDatabase("KEEP");
    ASSERT_EQ(Call("POST", "/api/v2/databases/KEEP/schemas", R"({"name": "S"})").status, 200);
    ASSERT_EQ(server_->Stop(), 0);
    server_ = CortexServer::Start(dir_.path() + "/data");
    ASSERT_NE(server_, nullptr);
    EXPECT_EQ(Call("GET", "/api/v2/databases/KEEP/schemas/S").status, 200);
}

}  // namespace
}  // namespace oc::testing
