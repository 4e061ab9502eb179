// Cortex Search services over HTTP against the real binary (reference agents-api.md §7): a table
// made through the SQL API, the service CRUD, :query with columns/filter/limit, errors, refresh,
// suspension and restarts, with every body held to cortex-search-service.yaml.
#include "fixture.h"
#include "openapi_validator.h"

namespace oc::testing {
namespace {

const std::string kSpecDir = TEST_DATA_DIR "/snowflake-rest-api-specs";
const std::string kService = "cortex-search-service.yaml#/components/schemas/CortexSearchService";
const std::string kQueryRequest = "cortex-search-service.yaml#/components/schemas/QueryRequest";
const std::string kQueryResponse = "cortex-search-service.yaml#/components/schemas/QueryResponse";
const std::string kErrorResponse = "common.yaml#/components/schemas/ErrorResponse";
const std::string kSuccessResponse = "common.yaml#/components/schemas/SuccessResponse";
const std::string kServices = "/api/v2/databases/TESTDB/schemas/PUBLIC/cortex-search-services";

OpenApiValidator& Specs() {
    static OpenApiValidator validator(kSpecDir);
    return validator;
}

::testing::AssertionResult Conforms(const Json& value, const std::string& ref) {
    auto violations = Specs().Validate(value, ref);
    if (violations.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "does not conform to " << ref << ":\n"
                                         << JoinViolations(violations) << "value: " << value.dump();
}

const char* kCreateBody = R"({
  "name": "policy_search",
  "search_column": "BODY",
  "columns": ["DOC_ID", "TITLE", "BODY", "CATEGORY", "TAGS", "UPDATED_AT", "PRICE"],
  "attribute_columns": ["CATEGORY", "TAGS", "UPDATED_AT", "PRICE"],
  "target_lag": {"type": "USER_DEFINED", "seconds": 3600},
  "warehouse": "DEMO_WH",
  "definition": "SELECT doc_id, title, body, category, tags, updated_at, price FROM policies",
  "comment": "Company policies"
})";

class SearchApi : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (HasFatalFailure()) return;
        CreateDatabase("TESTDB");
        Sql("CREATE TABLE policies (doc_id VARCHAR, title VARCHAR, body VARCHAR, category VARCHAR,"
            " tags VARCHAR[], updated_at DATE, price DOUBLE)");
        Sql("INSERT INTO policies VALUES"
            " ('POL-17', 'Refund policy', 'Customers may return items within 30 days for a full refund.',"
            "  'policy', ['returns', 'refund'], DATE '2025-03-01', 10.5),"
            " ('POL-03', 'Shipping policy', 'Orders ship within two business days.',"
            "  'policy', ['shipping'], DATE '2024-11-20', 12.5),"
            " ('FAQ-01', 'Damaged goods', 'Damaged items can be returned for a replacement.',"
            "  'faq', ['returns'], DATE '2025-05-10', 3),"
            " ('FAQ-02', 'Gift cards', 'Gift cards never expire.', 'faq', [], DATE '2023-01-01', 50)");
    }
    void Sql(const std::string& statement) {
        Json body = {{"statement", statement}, {"database", "TESTDB"}, {"schema", "PUBLIC"}};
        auto r = Call("POST", "/api/v2/statements", body.dump());
        ASSERT_EQ(r.status, 200) << statement << "\n" << r.body;
    }
    HttpResult Create(const std::string& body = kCreateBody, const std::string& query = "") {
        return Call("POST", kServices + query, body);
    }
    HttpResult Query(const std::string& body, const std::string& name = "POLICY_SEARCH") {
        EXPECT_TRUE(Conforms(Json::parse(body), kQueryRequest));
        return Call("POST", kServices + "/" + name + ":query", body);
    }
    // The values of column in the results of a successful query.
    std::vector<std::string> Column(const HttpResult& r, const std::string& column) {
        EXPECT_EQ(r.status, 200) << r.body;
        std::vector<std::string> out;
        const Json body = Body(r);
        for (const Json& row : body["results"]) out.push_back(row[column].get<std::string>());
        return out;
    }
    void ExpectError(const HttpResult& r, long status, const std::string& code, const std::string& part) {
        ExpectSnowflakeError(r, status, code);
        EXPECT_TRUE(Conforms(Body(r), kErrorResponse));
        EXPECT_NE(Body(r)["message"].get<std::string>().find(part), std::string::npos) << r.body;
    }
};

TEST_F(SearchApi, CreateDescribeListDeleteConformToTheSpec) {
    EXPECT_TRUE(Conforms(Json::parse(kCreateBody), kService));
    auto created = Create();
    ASSERT_EQ(created.status, 200) << created.body;
    EXPECT_EQ(Body(created)["status"], "Cortex search service POLICY_SEARCH successfully created.");
    EXPECT_TRUE(Conforms(Body(created), kSuccessResponse));

    auto d = Call("GET", kServices + "/policy_search");
    ASSERT_EQ(d.status, 200) << d.body;
    Json desc = Body(d);
    EXPECT_TRUE(Conforms(desc, kService));
    EXPECT_EQ(desc["name"], "POLICY_SEARCH");
    EXPECT_EQ(desc["database_name"], "TESTDB");
    EXPECT_EQ(desc["schema_name"], "PUBLIC");
    EXPECT_EQ(desc["search_column"], "BODY");
    EXPECT_EQ(desc["attribute_columns"], Json::parse(R"(["CATEGORY", "TAGS", "UPDATED_AT", "PRICE"])"));
    EXPECT_EQ(desc["target_lag"], Json::parse(R"({"type": "USER_DEFINED", "seconds": 3600})"));
    EXPECT_EQ(desc["source_data_num_rows"], 4);
    EXPECT_EQ(desc["indexing_state"], "ACTIVE");
    EXPECT_EQ(desc["serving_state"], "ACTIVE");
    EXPECT_EQ(desc["comment"], "Company policies");

    ASSERT_EQ(Create(R"({"name": "other", "search_column": "title", "target_lag": {"type": "DOWNSTREAM"},
                        "warehouse": "W", "definition": "SELECT title FROM policies"})").status, 200);
    auto list = Call("GET", kServices + "?like=pol%25");
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(Body(list).size(), 1u);
    EXPECT_EQ(Body(list)[0]["name"], "POLICY_SEARCH");
    auto all = Call("GET", kServices + "?showLimit=1");
    ASSERT_EQ(Body(all).size(), 1u);
    EXPECT_EQ(Body(all)[0]["name"], "OTHER");
    EXPECT_NE(all.Header("link").find("fromName=OTHER"), std::string::npos) << all.Header("link");
    for (const Json& item : Body(Call("GET", kServices))) EXPECT_TRUE(Conforms(item, kService));

    auto del = Call("DELETE", kServices + "/POLICY_SEARCH");
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_TRUE(Conforms(Body(del), kSuccessResponse));
    ExpectError(Call("GET", kServices + "/POLICY_SEARCH"), 404, "002003", "POLICY_SEARCH");
    ExpectError(Call("DELETE", kServices + "/POLICY_SEARCH"), 404, "002003", "does not exist");
    EXPECT_EQ(Call("DELETE", kServices + "/POLICY_SEARCH?ifExists=true").status, 200);
}

TEST_F(SearchApi, QueryWithColumnsFilterAndLimit) {
    ASSERT_EQ(Create().status, 200);
    auto r = Query(R"({"query": "how do I return an item for a refund", "columns": ["DOC_ID", "TITLE"],
                       "filter": {}, "limit": 10})");
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = Body(r);
    EXPECT_TRUE(Conforms(body, kQueryResponse));
    EXPECT_EQ(body["request_id"], r.Header("x-snowflake-request-id"));
    EXPECT_EQ(Column(r, "DOC_ID"), (std::vector<std::string>{"POL-17", "FAQ-01"}));
    const Json& top = body["results"][0];
    EXPECT_EQ(top["TITLE"], "Refund policy");
    EXPECT_FALSE(top.contains("BODY"));
    EXPECT_GT(top["@scores"]["text_match"].get<double>(), body["results"][1]["@scores"]["text_match"].get<double>());

    auto only_search_column = Query(R"({"query": "gift"})");
    ASSERT_EQ(Body(only_search_column)["results"].size(), 1u);
    Json item = Body(only_search_column)["results"][0];
    item.erase("@scores");
    EXPECT_EQ(item, Json::parse(R"({"BODY": "Gift cards never expire."})"));

    EXPECT_EQ(Column(Query(R"({"query": "refund returns", "columns": ["DOC_ID"],
                               "filter": {"@eq": {"CATEGORY": "faq"}}})"), "DOC_ID"),
              std::vector<std::string>{"FAQ-01"});
    EXPECT_EQ(Column(Query(R"({"query": "returns", "columns": ["DOC_ID"],
                               "filter": {"@contains": {"TAGS": "returns"}}, "limit": 1})"), "DOC_ID"),
              std::vector<std::string>{"FAQ-01"});
    EXPECT_EQ(Column(Query(R"({"query": "", "columns": ["DOC_ID"], "filter": {"@and": [
                               {"@gte": {"UPDATED_AT": "2025-01-01"}}, {"@lte": {"PRICE": 11}},
                               {"@not": {"@eq": {"CATEGORY": "faq"}}}]}})"), "DOC_ID"),
              std::vector<std::string>{"POL-17"});
    EXPECT_EQ(Column(Query(R"({"query": "", "columns": ["DOC_ID"],
                               "filter": {"@or": [{"@gte": {"PRICE": 50}}, {"@lte": {"UPDATED_AT": "2024-12-31"}}]}})"), "DOC_ID"),
              (std::vector<std::string>{"POL-03", "FAQ-02"}));
    auto typed = Query(R"({"query": "refund", "columns": ["UPDATED_AT", "PRICE", "TAGS"], "limit": 1})");
    EXPECT_EQ(Body(typed)["results"][0]["UPDATED_AT"], "2025-03-01");
    EXPECT_EQ(Body(typed)["results"][0]["PRICE"], 10.5);
    EXPECT_EQ(Body(typed)["results"][0]["TAGS"], Json::parse(R"(["returns", "refund"])"));
}

TEST_F(SearchApi, QueryErrors) {
    ASSERT_EQ(Create().status, 200);
    ExpectError(Query(R"({"query": "x", "filter": {"@contains": {"CATEGORY": "faq"}}})"), 400, "001003",
                "'CATEGORY' is TEXT");
    ExpectError(Query(R"({"query": "x", "filter": {"@gte": {"PRICE": "cheap"}}})"), 400, "001003", "'PRICE'");
    ExpectError(Query(R"({"query": "x", "filter": {"@eq": {"TITLE": "Refund policy"}}})"), 400, "001003",
                "'TITLE' is not an ATTRIBUTES column");
    ExpectError(Query(R"({"query": "x", "filter": {"@like": {"TITLE": "R%"}}})"), 400, "001003", "@like");
    ExpectError(Query(R"({"query": "x", "columns": ["NOPE"]})"), 400, "001003", "NOPE");
    ExpectError(Query(R"({"query": "x", "limit": 0})"), 400, "001003", "limit");
    ExpectError(Query(R"({"columns": ["DOC_ID"]})"), 400, "001003", "query");
    ExpectError(Query(R"({"query": "x"})", "NOPE"), 404, "002003", "NOPE");
    ExpectError(Call("POST", "/api/v2/databases/TESTDB/schemas/NOSCHEMA/cortex-search-services/X:query",
                     R"({"query": "x"})"),
                404, "002003", "NOSCHEMA");
    ExpectError(Call("POST", kServices + "/POLICY_SEARCH:query", "{not json"), 400, "390142", "payload");
}

TEST_F(SearchApi, CreateErrorsAndModes) {
    ASSERT_EQ(Create().status, 200);
    ExpectError(Create(), 409, "002002", "already exists");
    auto kept = Create(kCreateBody, "?createMode=ifNotExists");
    EXPECT_EQ(kept.status, 200) << kept.body;
    EXPECT_EQ(Body(kept)["status"], "POLICY_SEARCH already exists, statement succeeded.");
    EXPECT_EQ(Create(kCreateBody, "?createMode=orReplace").status, 200);
    ExpectError(Create(R"({"name": "bad", "search_column": "BODY", "target_lag": {"seconds": 60},
                           "warehouse": "W", "definition": "SELECT * FROM missing_table"})"),
                400, "001003", "missing_table");
    ExpectError(Create(R"({"name": "bad", "search_column": "NOPE", "target_lag": {"seconds": 60},
                           "warehouse": "W", "definition": "SELECT body FROM policies"})"),
                400, "001003", "'search_column': column 'NOPE'");
    ExpectError(Create(R"({"name": "bad", "search_column": "PRICE", "target_lag": {"seconds": 60},
                           "warehouse": "W", "definition": "SELECT price FROM policies"})"),
                400, "001003", "must be TEXT");
    ExpectError(Create(R"({"name": "bad", "search_column": "BODY", "warehouse": "W",
                           "definition": "SELECT body FROM policies"})"),
                400, "001003", "target_lag");
    ExpectError(Create(R"({"name": "bad", "search_column": "BODY", "target_lag": {"seconds": 60},
                           "warehouse": "W", "definition": "DROP TABLE policies"})"),
                400, "001003", "SELECT");
    ExpectError(Create(R"({"name": "bad name", "search_column": "BODY", "target_lag": {"seconds": 60},
                           "warehouse": "W", "definition": "SELECT body FROM policies"})"),
                400, "001003", "name");
    ExpectError(Call("GET", kServices + "/BAD"), 404, "002003", "BAD");
}

TEST_F(SearchApi, RefreshIndexesNewRowsAndSurvivesRestart) {
    ASSERT_EQ(Create().status, 200);
    EXPECT_TRUE(Column(Query(R"({"query": "warranty", "columns": ["DOC_ID"]})"), "DOC_ID").empty());
    Sql("INSERT INTO policies VALUES ('POL-20', 'Warranty', 'The warranty lasts one year.', 'policy', [],"
        " DATE '2025-06-01', 0)");
    Sql("DELETE FROM policies WHERE doc_id = 'FAQ-02'");
    auto refreshed = Call("POST", kServices + "/POLICY_SEARCH:refresh");
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    EXPECT_EQ(Body(refreshed)["status"],
              "Cortex search service POLICY_SEARCH successfully refreshed: 1 rows indexed, 1 removed, 3 unchanged.");
    EXPECT_EQ(Column(Query(R"({"query": "warranty", "columns": ["DOC_ID"]})"), "DOC_ID"),
              std::vector<std::string>{"POL-20"});

    ASSERT_EQ(server_->Stop(), 0);
    server_ = CortexServer::Start(dir_.path() + "/data");
    ASSERT_NE(server_, nullptr);
    EXPECT_EQ(Column(Query(R"({"query": "warranty", "columns": ["DOC_ID"]})"), "DOC_ID"),
              std::vector<std::string>{"POL-20"});
    EXPECT_TRUE(Column(Query(R"({"query": "gift", "columns": ["DOC_ID"]})"), "DOC_ID").empty());
    EXPECT_EQ(Body(Call("GET", kServices + "/POLICY_SEARCH"))["source_data_num_rows"], 4);
}

TEST_F(SearchApi, SuspendAndResumeServing) {
    ASSERT_EQ(Create().status, 200);
    auto suspended = Call("POST", kServices + "/POLICY_SEARCH:suspend?target=SERVING");
    ASSERT_EQ(suspended.status, 200) << suspended.body;
    EXPECT_EQ(Body(Call("GET", kServices + "/POLICY_SEARCH"))["serving_state"], "SUSPENDED");
    ExpectError(Query(R"({"query": "refund"})"), 400, "001003", "suspended");
    ExpectError(Call("POST", kServices + "/POLICY_SEARCH:suspend?target=everything"), 400, "001003", "target");
    ASSERT_EQ(Call("POST", kServices + "/POLICY_SEARCH:resume?target=serving").status, 200);
    EXPECT_EQ(Query(R"({"query": "refund"})").status, 200);
    EXPECT_EQ(Call("POST", kServices + "/NOPE:resume?ifExists=true").status, 200);
    ExpectError(Call("POST", kServices + "/NOPE:resume"), 404, "002003", "NOPE");
}

TEST_F(SearchApi, DroppingTheDatabaseDropsItsServices) {
    ASSERT_EQ(Create().status, 200);
    ASSERT_EQ(Call("DELETE", "/api/v2/databases/TESTDB").status, 200);
    CreateDatabase("TESTDB");
    Sql("CREATE TABLE policies (body VARCHAR)");
    EXPECT_EQ(Call("GET", kServices + "/POLICY_SEARCH").status, 404);
    EXPECT_EQ(Body(Call("GET", kServices)), Json::array());
}

}  // namespace
}  // namespace oc::testing
