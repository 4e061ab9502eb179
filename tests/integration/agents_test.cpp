// Cortex Agent objects over HTTP against the real binary (reference agents-api.md §2).
#include <fstream>
#include <sstream>

#include "fixture.h"

namespace oc::testing {
namespace {

const std::string kAgents = "/api/v2/databases/TESTDB/schemas/PUBLIC/agents";

std::string SeedSpec() {
    std::ifstream in(std::string(TEST_DATA_DIR) + "/seed_describe_agent_spec.json");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class AgentsApi : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (HasFatalFailure()) return;
        CreateDatabase("TESTDB");
    }
    HttpResult CreateAgent(const std::string& body, const std::string& query = "") {
        return Call("POST", kAgents + query, body);
    }
};

TEST_F(AgentsApi, SeedDescribeExampleRoundTripsExactly) {
    std::string spec = SeedSpec();
    ASSERT_FALSE(spec.empty());
    auto body = *ParseJson(spec);
    Json create = Json::object();
    create["name"] = "MY_AGENT1";
    for (auto it = body.begin(); it != body.end(); ++it) create[it.key()] = it.value();
    auto r = CreateAgent(DumpJson(create));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r), Json::parse(R"({"status": "Agent MY_AGENT1 successfully created."})"));

    auto d = Call("GET", kAgents + "/MY_AGENT1");
    ASSERT_EQ(d.status, 200) << d.body;
    Json desc = Body(d);
    EXPECT_EQ(desc["agent_spec"].get<std::string>(), spec);
    EXPECT_EQ(desc["name"], "MY_AGENT1");
    EXPECT_EQ(desc["database_name"], "TESTDB");
    EXPECT_EQ(desc["schema_name"], "PUBLIC");
    EXPECT_EQ(desc["owner"], "ACCOUNTADMIN");
    std::string created = desc["created_on"];
    ASSERT_EQ(created.size(), 29u) << created;  // YYYY-MM-DDTHH:MM:SS.sss+00:00
    EXPECT_EQ(created.substr(23), "+00:00");
    EXPECT_FALSE(d.Header("x-snowflake-request-id").empty());
}

TEST_F(AgentsApi, UnquotedNamesUpperCaseQuotedKeepCase) {
    ASSERT_EQ(CreateAgent(R"({"name": "sales_bot"})").status, 200);
    ASSERT_EQ(CreateAgent(R"({"name": "\"Mixed Case\""})").status, 200);
    EXPECT_EQ(Call("GET", kAgents + "/SALES_BOT").status, 200);
    EXPECT_EQ(Call("GET", kAgents + "/Sales_Bot").status, 200);
    EXPECT_EQ(Call("GET", kAgents + "/%22SALES_BOT%22").status, 200);
    EXPECT_EQ(Call("GET", kAgents + "/%22sales_bot%22").status, 404);
    auto mixed = Call("GET", kAgents + "/%22Mixed%20Case%22");
    ASSERT_EQ(mixed.status, 200) << mixed.body;
    EXPECT_EQ(Body(mixed)["name"], "Mixed Case");
    EXPECT_EQ(Call("GET", kAgents + "/MIXED_CASE").status, 404);
}

TEST_F(AgentsApi, CreateModes) {
    ASSERT_EQ(CreateAgent(R"({"name": "a1", "comment": "first"})").status, 200);
    ExpectSnowflakeError(CreateAgent(R"({"name": "a1"})"), 409, "002002");
    ExpectSnowflakeError(CreateAgent(R"({"name": "a1"})", "?createMode=errorIfExists"), 409, "002002");
    auto keep = CreateAgent(R"({"name": "a1", "comment": "second"})", "?createMode=ifNotExists");
    EXPECT_EQ(keep.status, 200);
    EXPECT_EQ(Body(Call("GET", kAgents + "/A1"))["comment"], "first");
    auto replace = CreateAgent(R"({"name": "a1", "comment": "third"})", "?createMode=orReplace");
    EXPECT_EQ(replace.status, 200);
    EXPECT_EQ(Body(replace)["status"], "Agent A1 successfully created.");
    EXPECT_EQ(Body(Call("GET", kAgents + "/A1"))["comment"], "third");
    ExpectSnowflakeError(CreateAgent(R"({"name": "a2"})", "?createMode=sometimes"), 400, "001003");
}

TEST_F(AgentsApi, ValidationErrors) {
    struct Case {
        std::string body;
        std::string code;
    };
    const Case cases[] = {
        {"{not json", "390142"},
        {"[1,2]", "390142"},
        {R"({"comment": "no name"})", "001003"},
        {R"({"name": 42})", "001003"},
        {R"({"name": "1bad"})", "001003"},
        {R"({"name": "\"unterminated"})", "001003"},
        {R"({"name": "x", "tools": [{"tool_spec": {"name": "t"}}]})", "001003"},
        {R"({"name": "x", "tools": [{"tool_spec": {"type": "generic"}}]})", "001003"},
        {R"({"name": "x", "tools": [{"tool_spec": {"type": "generic", "name": "t"}},
                                    {"tool_spec": {"type": "cortex_search", "name": "t"}}]})", "001003"},
        {R"({"name": "x", "tools": {}})", "001003"},
        {R"({"name": "x", "orchestration": {"budget": {"seconds": -1}}})", "001003"},
        {R"({"name": "x", "models": {"orchestration": 5}})", "001003"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.body);
        ExpectSnowflakeError(CreateAgent(c.body), 400, c.code);
    }
    // Nothing partial was stored.
    auto list = Call("GET", kAgents);
    EXPECT_EQ(Body(list), Json::array());
}

TEST_F(AgentsApi, WrongContentTypeIs415) {
    auto r = Http("POST", server_->url() + kAgents, R"({"name": "x"})",
                  {"Authorization: Bearer " + token_, "Content-Type: text/plain"});
    ExpectSnowflakeError(r, 415, "390142");
}

TEST_F(AgentsApi, UnknownFieldsAndUnmatchedResourcesAreKept) {
    auto r = CreateAgent(R"({"name": "x", "experimental": {"a": [1, 2.5, null]},
        "tools": [{"tool_spec": {"type": "generic", "name": "t", "required": ["q"]}}],
        "tool_resources": {"t": {"type": "function"}, "orphan": {"Max_results": "5"}}})");
    ASSERT_EQ(r.status, 200) << r.body;
    Json spec = Json::parse(Body(Call("GET", kAgents + "/X"))["agent_spec"].get<std::string>());
    EXPECT_EQ(spec["experimental"]["a"][1], 2.5);
    EXPECT_EQ(spec["tool_resources"]["orphan"]["Max_results"], "5");
    EXPECT_EQ(spec["tools"][0]["tool_spec"]["required"][0], "q");
}

TEST_F(AgentsApi, UpdateReplacesPresentFieldsOnly) {
    ASSERT_EQ(CreateAgent(R"({"name": "u", "comment": "c1", "models": {"orchestration": "m1"},
                             "instructions": {"system": "s1"}})").status, 200);
    auto r = Call("PUT", kAgents + "/U", R"({"models": {"orchestration": "m2"}, "comment": "c2", "name": "ignored"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["status"], "Agent U successfully updated.");
    Json desc = Body(Call("GET", kAgents + "/U"));
    Json spec = Json::parse(desc["agent_spec"].get<std::string>());
    EXPECT_EQ(spec["models"]["orchestration"], "m2");
    EXPECT_EQ(spec["instructions"]["system"], "s1");
    EXPECT_EQ(desc["comment"], "c2");
    EXPECT_EQ(desc["name"], "U");
    ExpectSnowflakeError(Call("PUT", kAgents + "/MISSING", "{}"), 404, "002003");
    ExpectSnowflakeError(Call("PUT", kAgents + "/U", R"({"tools": 1})"), 400, "001003");
}

TEST_F(AgentsApi, ListLikeFromNameShowLimitAndLink) {
    for (const char* n : {"alpha", "beta", "beta2", "gamma", "\"beta_lower\""}) {
        ASSERT_EQ(CreateAgent(std::string(R"({"name": )") + Json(n).dump() + "}").status, 200);
    }
    auto names = [](const HttpResult& r) {
        std::vector<std::string> out;
        for (const auto& item : Json::parse(r.body)) out.push_back(item["name"]);
        return out;
    };
    auto all = Call("GET", kAgents);
    ASSERT_EQ(all.status, 200);
    EXPECT_EQ(names(all), (std::vector<std::string>{"ALPHA", "BETA", "BETA2", "GAMMA", "beta_lower"}));
    Json first = Json::parse(all.body)[0];
    for (const char* key : {"name", "database", "schema", "created_on", "owner", "comment"}) {
        EXPECT_TRUE(first.contains(key)) << key;
    }
    EXPECT_EQ(names(Call("GET", kAgents + "?like=beta%25")),
              (std::vector<std::string>{"BETA", "BETA2", "beta_lower"}));
    EXPECT_EQ(names(Call("GET", kAgents + "?like=b_ta")), (std::vector<std::string>{"BETA"}));
    EXPECT_EQ(names(Call("GET", kAgents + "?fromName=BETA")),
              (std::vector<std::string>{"BETA2", "GAMMA", "beta_lower"}));
    EXPECT_EQ(names(Call("GET", kAgents + "?fromName=beta")), (std::vector<std::string>{"beta_lower"}));
    auto page = Call("GET", kAgents + "?showLimit=2");
    EXPECT_EQ(names(page), (std::vector<std::string>{"ALPHA", "BETA"}));
    std::string link = page.Header("link");
    EXPECT_NE(link.find("rel=\"first\""), std::string::npos) << link;
    EXPECT_NE(link.find("fromName=BETA>; rel=\"next\""), std::string::npos) << link;
    auto last = Call("GET", kAgents + "?showLimit=10");
    EXPECT_EQ(last.Header("link").find("rel=\"next\""), std::string::npos);
    ExpectSnowflakeError(Call("GET", kAgents + "?showLimit=0"), 400, "001003");
    ExpectSnowflakeError(Call("GET", kAgents + "?showLimit=10001"), 400, "001003");
    ExpectSnowflakeError(Call("GET", kAgents + "?showLimit=abc"), 400, "001003");
}

TEST_F(AgentsApi, DeleteWithAndWithoutIfExists) {
    ASSERT_EQ(CreateAgent(R"({"name": "d"})").status, 200);
    auto r = Call("DELETE", kAgents + "/D");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(Body(r), Json::parse(R"({"status": "Request successfully completed"})"));
    ExpectSnowflakeError(Call("GET", kAgents + "/D"), 404, "002003");
    ExpectSnowflakeError(Call("DELETE", kAgents + "/D"), 404, "002003");
    ExpectSnowflakeError(Call("DELETE", kAgents + "/D?ifExists=false"), 404, "002003");
    EXPECT_EQ(Call("DELETE", kAgents + "/D?ifExists=true").status, 200);
    EXPECT_EQ(Call("DELETE", kAgents + "/D?ifExists=TRUE").status, 200);
    ExpectSnowflakeError(Call("DELETE", kAgents + "/D?ifExists=maybe"), 400, "001003");
}

TEST_F(AgentsApi, MissingDatabaseOrSchemaIs404) {
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/NOPE/schemas/PUBLIC/agents"), 404, "002003");
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/TESTDB/schemas/NOPE/agents"), 404, "002003");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases/TESTDB/schemas/NOPE/agents", R"({"name": "x"})"),
                         404, "002003");
    ExpectSnowflakeError(Call("GET", "/api/v2/databases/TESTDB/schemas/PUBLIC/agents/NOPE"), 404, "002003");
}

TEST_F(AgentsApi, WrongMethodIs405AndUnknownPathIs404) {
    ExpectSnowflakeError(Call("PATCH", kAgents), 405, "001003");
    ExpectSnowflakeError(Call("DELETE", kAgents), 405, "001003");
    ExpectSnowflakeError(Call("GET", "/api/v2/nothing-here"), 404, "002003");
    ExpectSnowflakeError(Call("GET", kAgents + "/X:unknownverb"), 404, "002003");
}

TEST_F(AgentsApi, BodyOverLimitIs413) {
    std::string big = R"({"name": "big", "comment": ")" + std::string(1100000, 'x') + R"("})";
    auto r = CreateAgent(big);
    EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
    EXPECT_EQ(Call("GET", kAgents + "/BIG").status, 404);
}

TEST_F(AgentsApi, AgentsSurviveRestart) {
    ASSERT_EQ(CreateAgent(R"({"name": "persist", "comment": "kept"})").status, 200);
    ASSERT_EQ(server_->Stop(), 0);
    server_ = CortexServer::Start(dir_.path() + "/data");
    ASSERT_NE(server_, nullptr);
    auto r = Call("GET", kAgents + "/PERSIST");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["comment"], "kept");
}

}  // namespace
}  // namespace oc::testing
