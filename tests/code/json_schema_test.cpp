// Unit tests: the JSON Schema subset validator, SQL permission rules, the price table and
// connection profiles.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "code/connection_tools.h"
#include "code/connections.h"
#include "code/json_schema.h"
#include "code/permissions.h"
#include "code/pricing.h"
#include "code_child.h"

namespace oc::code {
namespace {

TEST(JsonSchema, TypesRequiredEnumItemsAndAdditionalProperties) {
    const Json schema = Json::parse(R"({"type":"object","required":["name","tags"],"additionalProperties":false,
      "properties":{"name":{"type":"string","minLength":2},"age":{"type":"integer","minimum":0},
      "kind":{"enum":["a","b"]},"tags":{"type":"array","items":{"type":"string"},"maxItems":2},
      "score":{"type":["number","null"]}}})");
    EXPECT_TRUE(ValidateJsonSchema(schema, Json::parse(R"({"name":"ann","tags":[],"age":3,"score":null})")).empty());
    EXPECT_TRUE(ValidateJsonSchema(schema, Json::parse(R"({"name":"ann","tags":["x"],"age":3.0,"score":1.5})")).empty());
    auto errors = ValidateJsonSchema(schema, Json::parse(R"({"name":"a","tags":["x",1,"y"],"age":-1,"kind":"c","extra":1})"));
    const std::string all = [&] { std::string s; for (auto& e : errors) s += e + "\n"; return s; }();
    EXPECT_EQ(errors.size(), 6u) << all;
    EXPECT_NE(all.find("$.name: shorter than 2"), std::string::npos) << all;
    EXPECT_NE(all.find("$.tags[1]: expected string, got integer"), std::string::npos) << all;
    EXPECT_NE(all.find("$.tags: allows at most 2"), std::string::npos) << all;
    EXPECT_NE(all.find("$.age: less than the minimum"), std::string::npos) << all;
    EXPECT_NE(all.find("$.kind: \"c\" is not one of"), std::string::npos) << all;
    EXPECT_NE(all.find("property 'extra' is not allowed"), std::string::npos) << all;
    errors = ValidateJsonSchema(schema, Json::parse(R"({"age":1.5})"));
    EXPECT_EQ(errors.size(), 3u);  // name and tags missing, age not an integer
    EXPECT_EQ(ValidateJsonSchema(schema, Json::array()).size(), 1u);
    EXPECT_TRUE(CheckStructuredOutputSchema(schema));
    EXPECT_FALSE(CheckStructuredOutputSchema(Json::parse(R"({"type":"string"})")));
    EXPECT_FALSE(CheckStructuredOutputSchema(Json::array()));
}

TEST(SqlRules, PrefixRulesCoverEveryStatement) {
    EXPECT_TRUE(SqlRuleMatches("select:*", "SELECT 1"));
    EXPECT_TRUE(SqlRuleMatches("select:*", "  select\n a from t; select 2"));
    EXPECT_FALSE(SqlRuleMatches("select:*", "select 1; drop table t"));
    EXPECT_FALSE(SqlRuleMatches("select:*", "selection_fn()"));
    EXPECT_TRUE(SqlRuleMatches("insert into orders:*", "INSERT INTO orders VALUES (1)"));
    EXPECT_FALSE(SqlRuleMatches("insert into orders:*", "INSERT INTO orders_x VALUES (1)"));
    EXPECT_TRUE(SqlRuleMatches("delete from t where *", "delete from t where id = 1"));
    EXPECT_TRUE(SqlIsReadOnly("with x as (select 1) select * from x; show tables; describe t"));
    EXPECT_FALSE(SqlIsReadOnly("select 1; copy t to 'x.csv'"));
    EXPECT_FALSE(SqlIsReadOnly("attach 'x.duckdb'"));
    // The SQL tool's kind follows the statement.
    BuiltinTool sql = MakeSqlTool(ConnectionProfile{"x", "/tmp/x.duckdb", "", "", "", "", ""});
    EXPECT_EQ(sql.KindOf({{"sql", "select 1"}}), ToolKind::kRead);
    EXPECT_EQ(sql.KindOf({{"sql", "update t set a = 1"}}), ToolKind::kExecute);
}

TEST(Pricing, TableCostsAndErrors) {
    codetest::ScratchDir dir;
    dir.WriteFile("ok.toml", "[prices.\"m-1\"]\ninput_per_mtok = 2\noutput_per_mtok = 8.5\ncache_read_per_mtok = 1\n");
    auto table = PriceTable::Load(dir.path() + "/ok.toml");
    ASSERT_TRUE(table) << table.error().message;
    llm::Usage u;
    u.input_tokens = 1000000;
    u.output_tokens = 2000;
    u.cache_read_tokens = 500000;
    EXPECT_NEAR(table->Cost({"other", "m-1"}, u), 2.0 + 0.017 + 0.5, 1e-12);
    EXPECT_EQ(table->Cost({"offline"}, u), 0.0);
    dir.WriteFile("bad.toml", "[prices.m]\ninput_per_mtok = \"cheap\"\n");
    auto bad = PriceTable::Load(dir.path() + "/bad.toml");
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("prices.\"m\".input_per_mtok"), std::string::npos) << bad.error().message;
    dir.WriteFile("typo.toml", "[prices.m]\ninput = 1\n");
    EXPECT_FALSE(PriceTable::Load(dir.path() + "/typo.toml"));
}

TEST(Connections, ProfilesPathsAndEnv) {
    codetest::ScratchDir dir;
    dir.WriteFile("w.duckdb", "");
    dir.WriteFile("cortex.toml",
                  "default_connection_name = \"main\"\n[connections.main]\nduckdb = \"w.duckdb\"\n"
                  "url = \"http://127.0.0.1:9/\"\ntoken_env = \"OC_TEST_PAT\"\nagent = \"D.S.A\"\n"
                  "[connections.bad]\nport = \"1\"\n");
    setenv("OC_TEST_PAT", "pat-123", 1);
    auto p = ResolveConnection("", dir.path() + "/cortex.toml", dir.path());
    ASSERT_TRUE(p) << p.error().message;
    EXPECT_EQ(p->name, "main");
    EXPECT_EQ(p->duckdb_path, dir.path() + "/w.duckdb");
    EXPECT_EQ(p->url, "http://127.0.0.1:9");
    EXPECT_EQ(p->token, "pat-123");
    EXPECT_EQ(p->agent, "D.S.A");
    auto bad = ResolveConnection("bad", dir.path() + "/cortex.toml", dir.path());
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("connections.bad.port"), std::string::npos);
    auto path = ResolveConnection("w.duckdb", "", dir.path());  // a path relative to the workdir
    ASSERT_TRUE(path);
    EXPECT_EQ(path->duckdb_path, dir.path() + "/w.duckdb");
    EXPECT_FALSE(ResolveConnection("missing", "", dir.path()));
}

}  // namespace
}  // namespace oc::code
