// The README's main command end to end: the demo agent answers a data question with the Analyst
// tool (SQL + table) and a policy question with the Search tool, on the offline model.
#include <map>
#include <set>

#include "fixture.h"

namespace oc::testing {
namespace {

class DemoAgent : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = CortexServer::Start(dir_.path() + "/data", {"--demo"});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
        ASSERT_FALSE(token_.empty());
    }
    Json Ask(const std::string& question) {
        Json body = {{"stream", false},
                     {"messages", {{{"role", "user"}, {"content", {{{"type", "text"}, {"text", question}}}}}}}};
        auto r = Api("POST", server_->url() + "/api/v2/databases/DEMO/schemas/PUBLIC/agents/SALES_ASSISTANT:run",
                     token_, body.dump());
        EXPECT_EQ(r.status, 200) << r.body;
        auto j = ParseJson(r.body);
        return j ? *j : Json();
    }
    static const Json* Find(const Json& response, const std::string& type) {
        for (const auto& item : response["content"]) {
            if (item["type"] == type) return &item;
        }
        return nullptr;
    }

    TempDir dir_;
    std::unique_ptr<CortexServer> server_;
    std::string token_;
};

TEST_F(DemoAgent, RevenueQuestionRunsAnalystSqlAndReturnsATable) {
    Json response = Ask("What is the total revenue by region?");
    const Json* result = Find(response, "tool_result");
    ASSERT_NE(result, nullptr) << response.dump();
    EXPECT_EQ((*result)["tool_result"]["status"], "success") << result->dump();
    EXPECT_EQ((*result)["tool_result"]["type"], "cortex_analyst_text_to_sql");
    const Json* table = Find(response, "table");
    ASSERT_NE(table, nullptr) << response.dump();
    const Json& rs = (*table)["table"]["result_set"];
    EXPECT_EQ(rs["resultSetMetaData"]["numRows"], 4);  // four regions in the demo data
    // The revenues add up to the total of the ORDERS table, computed independently here.
    auto total = Api("POST", server_->url() + "/api/v2/statements", token_,
                     R"({"statement": "SELECT sum(amount)::VARCHAR FROM orders", "database": "DEMO", "schema": "PUBLIC"})");
    ASSERT_EQ(total.status, 200) << total.body;
    double expected = std::stod(Json::parse(total.body)["data"][0][0].get<std::string>());
    double sum = 0;
    int revenue_col = -1;
    for (size_t i = 0; i < rs["resultSetMetaData"]["rowType"].size(); ++i) {
        if (rs["resultSetMetaData"]["rowType"][i]["type"] == "fixed") revenue_col = static_cast<int>(i);
    }
    ASSERT_GE(revenue_col, 0) << rs.dump();
    for (const auto& row : rs["data"]) sum += std::stod(row[revenue_col].get<std::string>());
    EXPECT_NEAR(sum, expected, 0.01);
}

TEST_F(DemoAgent, PolicyQuestionSearchesAndCitesTheRefundPolicy) {
    Json response = Ask("What is the refund policy?");
    const Json* result = Find(response, "tool_result");
    ASSERT_NE(result, nullptr) << response.dump();
    EXPECT_EQ((*result)["tool_result"]["type"], "cortex_search");
    EXPECT_EQ((*result)["tool_result"]["status"], "success");
    const Json& hits = (*result)["tool_result"]["content"][0]["json"]["search_results"];
    ASSERT_FALSE(hits.empty());
    ASSERT_TRUE(hits[0].contains("doc_id")) << hits[0].dump();
    EXPECT_EQ(hits[0]["doc_id"], "POL-1");
    EXPECT_EQ(hits[0]["doc_title"], "Refund policy");
    const Json* text = Find(response, "text");
    ASSERT_NE(text, nullptr);
    EXPECT_NE((*text)["text"].get<std::string>().find("30 days"), std::string::npos);
}

// The README's first question: a table of last quarter's revenue per region and a bar chart of it.
TEST_F(DemoAgent, LastQuarterRevenueByRegionReturnsATableAndAChart) {
    Json response = Ask("what was revenue by region last quarter?");
    const Json* table = Find(response, "table");
    ASSERT_NE(table, nullptr) << response.dump();
    const Json& rs = (*table)["table"]["result_set"];
    ASSERT_EQ(rs["resultSetMetaData"]["numRows"], 4) << rs.dump();  // every region sold last quarter
    // The table's total equals last quarter's revenue computed independently.
    auto total = Api("POST", server_->url() + "/api/v2/statements", token_,
                     R"sql({"statement": "SELECT sum(amount)::VARCHAR FROM orders WHERE order_date >= DATE_TRUNC('quarter', CURRENT_DATE) - INTERVAL 3 MONTH AND order_date < DATE_TRUNC('quarter', CURRENT_DATE)", "database": "DEMO", "schema": "PUBLIC"})sql");
    ASSERT_EQ(total.status, 200) << total.body;
    double expected = std::stod(Json::parse(total.body)["data"][0][0].get<std::string>());
    const Json* chart = Find(response, "chart");
    ASSERT_NE(chart, nullptr) << response.dump();
    EXPECT_EQ((*chart)["chart"]["tool_use_id"], (*table)["table"]["tool_use_id"]);
    Json spec = Json::parse((*chart)["chart"]["chart_spec"].get<std::string>());
    EXPECT_EQ(spec["$schema"], "https://vega.github.io/schema/vega-lite/v5.json");
    EXPECT_EQ(spec["mark"]["type"], "bar");
    EXPECT_EQ(spec["encoding"]["x"]["type"], "nominal");
    EXPECT_EQ(spec["encoding"]["y"]["type"], "quantitative");
    std::string x = spec["encoding"]["x"]["field"], y = spec["encoding"]["y"]["field"];
    std::set<std::string> regions;
    double sum = 0;
    for (const auto& v : spec["data"]["values"]) {
        ASSERT_TRUE(v.contains(x) && v.contains(y)) << v.dump();
        regions.insert(v[x].get<std::string>());
        sum += v[y].get<double>();
    }
    EXPECT_EQ(regions, (std::set<std::string>{"North America", "Europe", "Asia Pacific", "Latin America"}));
    EXPECT_NEAR(sum, expected, 0.05);
}

// The README's second question: an answer citing the refund policy document of DEMO.PUBLIC.POLICIES.
TEST_F(DemoAgent, RefundPolicyAnswerCitesThePolicyDocument) {
    Json response = Ask("what is the refund policy?");
    const Json* text = Find(response, "text");
    ASSERT_NE(text, nullptr) << response.dump();
    const Json& annotations = (*text)["annotations"];
    ASSERT_FALSE(annotations.empty()) << text->dump();
    EXPECT_EQ(annotations[0]["type"], "cortex_search_citation");
    EXPECT_EQ(annotations[0]["doc_id"], "POL-1");
    EXPECT_EQ(annotations[0]["doc_title"], "Refund policy");
    std::string answer = (*text)["text"];
    EXPECT_NE(answer.find("30 days"), std::string::npos) << answer;
    // Every annotation names a real POLICIES row (id and title as stored) and is marked in the text.
    auto rows = Api("POST", server_->url() + "/api/v2/statements", token_,
                    R"({"statement": "SELECT doc_id, title, body FROM policies", "database": "DEMO", "schema": "PUBLIC"})");
    ASSERT_EQ(rows.status, 200) << rows.body;
    std::map<std::string, std::pair<std::string, std::string>> docs;
    const Json rows_body = Json::parse(rows.body);
    for (const auto& row : rows_body["data"]) {
        docs[row[0].get<std::string>()] = {row[1].get<std::string>(), row[2].get<std::string>()};
    }
    ASSERT_EQ(docs.size(), 5u) << rows.body;
    for (const auto& a : annotations) {
        ASSERT_TRUE(docs.count(a["doc_id"].get<std::string>())) << a.dump() << rows.body;
        EXPECT_EQ(docs[a["doc_id"]].first, a["doc_title"]);
        EXPECT_EQ(docs[a["doc_id"]].second, a["text"]);
        EXPECT_NE(answer.find("[^" + std::to_string(a["index"].get<int>()) + "]"), std::string::npos) << answer;
    }
}

}  // namespace
}  // namespace oc::testing
