// The SQL API over HTTP against the real binary (reference sql-api.md §2).
#include <chrono>
#include <thread>

#include "fixture.h"

namespace oc::testing {
namespace {

class StatementsApi : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (HasFatalFailure()) return;
        CreateDatabase("TESTDB");
    }
    HttpResult Sql(const std::string& statement, const std::string& query = "", const std::string& extra = "") {
        Json body = {{"statement", statement}, {"database", "TESTDB"}, {"schema", "PUBLIC"}};
        std::string text = body.dump();
        if (!extra.empty()) text = text.substr(0, text.size() - 1) + "," + extra + "}";
        return Call("POST", "/api/v2/statements" + query, text);
    }
};

TEST_F(StatementsApi, SelectReturnsResultSetWithStringCells) {
    auto r = Sql("SELECT 42 AS n, 'ab' AS s, 1.25::DECIMAL(10,2) AS d, true AS b, NULL AS z, DATE '2024-03-05' AS dt");
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = Body(r);
    EXPECT_EQ(body["code"], "090001");
    EXPECT_EQ(body["sqlState"], "00000");
    EXPECT_EQ(body["resultSetMetaData"]["numRows"], 1);
    EXPECT_EQ(body["resultSetMetaData"]["format"], "jsonv2");
    EXPECT_EQ(body["data"], Json::parse(R"([["42", "ab", "1.25", "true", null, "19787"]])"));
    // DuckDB types a bare NULL literal as INTEGER, hence "fixed" for z.
    Json types = Json::array();
    for (const auto& col : body["resultSetMetaData"]["rowType"]) types.push_back(col["type"]);
    EXPECT_EQ(types, Json::parse(R"(["fixed", "text", "fixed", "boolean", "fixed", "date"])"));
    EXPECT_EQ(body["statementStatusUrl"].get<std::string>().rfind("/api/v2/statements/", 0), 0u);
}

TEST_F(StatementsApi, TablesPersistAndDmlReportsStats) {
    ASSERT_EQ(Sql("CREATE TABLE t (id INTEGER, name VARCHAR)").status, 200);
    auto ins = Sql("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')");
    ASSERT_EQ(ins.status, 200) << ins.body;
    EXPECT_EQ(Body(ins)["data"][0][0], "3");
    EXPECT_EQ(Body(ins)["stats"]["numRowsInserted"], 3);
    auto sel = Sql("SELECT count(*) AS c FROM t");
    EXPECT_EQ(Body(sel)["data"][0][0], "3");
}

TEST_F(StatementsApi, BindingsArePositional) {
    auto r = Sql("SELECT ?::INTEGER + 1 AS x, ? AS y", "",
                 R"("bindings": {"1": {"type": "FIXED", "value": "41"}, "2": {"type": "TEXT", "value": "hi"}})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["data"], Json::parse(R"([["42", "hi"]])"));
}

TEST_F(StatementsApi, SqlErrorIs422AndBadPayloadIs400) {
    auto r = Sql("SELECT nope FROM nowhere");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_FALSE(Body(r)["message"].get<std::string>().empty());
    EXPECT_FALSE(Body(r)["statementHandle"].get<std::string>().empty());
    auto bad = Call("POST", "/api/v2/statements", R"({"database": "TESTDB"})");
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(Body(bad)["code"], "390142");
}

TEST_F(StatementsApi, FileAccessAndAttachAreRefused) {
    for (const char* sql : {"ATTACH '/tmp/x.duckdb' AS x", "SELECT * FROM read_csv('/etc/passwd')",
                            "COPY (SELECT 1) TO '/tmp/out.csv'", "INSTALL httpfs"}) {
        SCOPED_TRACE(sql);
        EXPECT_EQ(Sql(sql).status, 422);
    }
}

TEST_F(StatementsApi, AsyncThenPollByHandle) {
    auto r = Sql("SELECT 7 AS x", "?async=true");
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_EQ(Body(r)["code"], "333334");
    std::string handle = Body(r)["statementHandle"];
    HttpResult got;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    do {
        got = Call("GET", "/api/v2/statements/" + handle);
        if (got.status == 202) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (got.status == 202 && std::chrono::steady_clock::now() < deadline);
    ASSERT_EQ(got.status, 200) << got.body;
    EXPECT_EQ(Body(got)["data"][0][0], "7");
}

TEST_F(StatementsApi, LargeResultsArePartitioned) {
    auto r = Sql("SELECT i FROM range(25000) t(i) ORDER BY i");
    ASSERT_EQ(r.status, 200);
    Json body = Body(r);
    EXPECT_EQ(body["resultSetMetaData"]["numRows"], 25000);
    ASSERT_EQ(body["resultSetMetaData"]["partitionInfo"].size(), 3u);
    EXPECT_EQ(body["data"].size(), 10000u);
    std::string handle = body["statementHandle"];
    auto p2 = Call("GET", "/api/v2/statements/" + handle + "?partition=2");
    ASSERT_EQ(p2.status, 200) << p2.body.substr(0, 200);
    Json part = Body(p2);
    EXPECT_EQ(part["data"].size(), 5000u);
    EXPECT_EQ(part["data"][0][0], "20000");
}

TEST_F(StatementsApi, TimeoutIs408AndUnknownCancelIs422) {
    auto r = Sql("SELECT count(*) FROM range(100000000000) a", "", R"("timeout": 1)");
    EXPECT_EQ(r.status, 408) << r.body;
    auto c = Call("POST", "/api/v2/statements/00000000-0000-4000-8000-000000000000/cancel");
    EXPECT_EQ(c.status, 422) << c.body;
    EXPECT_EQ(Body(c)["code"], "000709");
}

TEST_F(StatementsApi, SchemasCreatedBySqlAppearInRest) {
    ASSERT_EQ(Sql("CREATE SCHEMA \"TESTDB\".\"STAGING\"").status, 200);
    EXPECT_EQ(Call("GET", "/api/v2/databases/TESTDB/schemas/STAGING").status, 200);
}

}  // namespace
}  // namespace oc::testing
