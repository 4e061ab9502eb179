// Agent runs through the real binary that stream the data-tool items (reference agents-api.md
// §3.4-3.6): the Analyst tool's table followed by a Vega-Lite `response.chart`, Cortex Search
// citations as `response.text.annotation` events, and the web_search tool against a loopback
// SearXNG / Brave backend (and without one). Offline model throughout.
#include <fstream>

#include "fake_search.h"
#include "run_fixture.h"

namespace oc::testing {
namespace {

using namespace runs;  // NOLINT: the run test helpers of run_fixture.h

std::vector<SseEvent> All(const std::vector<SseEvent>& events, const std::string& name) {
    std::vector<SseEvent> out;
    for (const auto& e : events) {
        if (e.name == name) out.push_back(e);
    }
    return out;
}

size_t Position(const std::vector<SseEvent>& events, const std::string& name) {
    for (size_t i = 0; i < events.size(); ++i) {
        if (events[i].name == name) return i;
    }
    return events.size();
}

class DemoDataRuns : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = CortexServer::Start(dir_.path() + "/data", {"--demo"});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
    }
    std::vector<SseEvent> Stream(Json agent, const std::string& question) {
        agent["messages"] = Question(question);
        auto r = Api("POST", server_->url() + kInlineRun, token_, DumpJson(agent));
        EXPECT_EQ(r.status, 200) << r.body;
        return ParseSse(r.body);
    }
    TempDir dir_;
    std::unique_ptr<CortexServer> server_;
    std::string token_;
};

TEST_F(DemoDataRuns, AnalystRunStreamsATableThenABarChartOfTheSameRows) {
    Json agent = Json::parse(R"({"models": {"orchestration": "auto"},
      "tools": [{"tool_spec": {"type": "cortex_analyst_text_to_sql", "name": "analyst"}}],
      "tool_resources": {"analyst": {"semantic_model_file": "@DEMO.PUBLIC.MODELS/sales.yaml",
                                     "execution_environment": {"type": "warehouse", "warehouse": "WH"}}}})");
    auto events = Stream(agent, "What is the total revenue by region?");
    const SseEvent* table = First(events, "response.table");
    const SseEvent* chart = First(events, "response.chart");
    ASSERT_NE(table, nullptr);
    ASSERT_NE(chart, nullptr);
    EXPECT_EQ(Position(events, "response.chart"), Position(events, "response.table") + 1);
    EXPECT_EQ(chart->json["content_index"], table->json["content_index"].get<int>() + 1);
    EXPECT_EQ(chart->json["tool_use_id"], table->json["tool_use_id"]);
    ASSERT_TRUE(chart->json["chart_spec"].is_string()) << chart->data;

    Json spec = Json::parse(chart->json["chart_spec"].get<std::string>());
    EXPECT_EQ(spec["$schema"], "https://vega.github.io/schema/vega-lite/v5.json");
    EXPECT_EQ(spec["mark"]["type"], "bar");
    EXPECT_EQ(spec["encoding"]["x"]["type"], "nominal");
    EXPECT_EQ(spec["encoding"]["y"]["type"], "quantitative");
    // The chart's values are the table's rows: same categories, same numbers.
    const Json& rs = table->json["result_set"];
    const Json& values = spec["data"]["values"];
    ASSERT_EQ(values.size(), rs["data"].size());
    ASSERT_EQ(values.size(), 4u);  // four regions
    std::string x = spec["encoding"]["x"]["field"], y = spec["encoding"]["y"]["field"];
    int x_col = -1, y_col = -1;
    for (size_t i = 0; i < rs["resultSetMetaData"]["rowType"].size(); ++i) {
        if (rs["resultSetMetaData"]["rowType"][i]["name"] == x) x_col = static_cast<int>(i);
        if (rs["resultSetMetaData"]["rowType"][i]["name"] == y) y_col = static_cast<int>(i);
    }
    ASSERT_GE(x_col, 0);
    ASSERT_GE(y_col, 0);
    for (size_t i = 0; i < values.size(); ++i) {
        EXPECT_EQ(values[i][x], rs["data"][i][x_col]);
        EXPECT_NEAR(values[i][y].get<double>(), std::stod(rs["data"][i][y_col].get<std::string>()), 0.005);
    }
    // The final response carries the chart as a content item at the event's index.
    const Json& final_response = First(events, "response")->json;
    const Json& item = final_response["content"][chart->json["content_index"].get<int>()];
    EXPECT_EQ(item["type"], "chart");
    EXPECT_EQ(item["chart"]["chart_spec"], chart->json["chart_spec"]);
    EXPECT_EQ(item["chart"]["tool_use_id"], chart->json["tool_use_id"]);
}

TEST_F(DemoDataRuns, SearchRunStreamsAnnotationsBeforeTheCitedText) {
    Json agent = Json::parse(R"({"models": {"orchestration": "auto"},
      "tools": [{"tool_spec": {"type": "cortex_search", "name": "policies",
                               "description": "Company policies: refunds, shipping, warranty"}}],
      "tool_resources": {"policies": {"search_service": "DEMO.PUBLIC.POLICY_SEARCH", "id_column": "doc_id",
                                      "title_column": "title", "max_results": 3}}})");
    auto events = Stream(agent, "How long is the warranty on hardware?");
    auto annotations = All(events, "response.text.annotation");
    ASSERT_FALSE(annotations.empty()) << DumpJson(First(events, "response")->json);
    const SseEvent* text = First(events, "response.text");
    ASSERT_NE(text, nullptr);
    EXPECT_LT(Position(events, "response.text.annotation"), Position(events, "response.text"));
    const Json& first = annotations[0].json;
    EXPECT_EQ(first["content_index"], text->json["content_index"]);
    EXPECT_EQ(first["annotation_index"], 0);
    EXPECT_EQ(first["annotation"]["type"], "cortex_search_citation");
    EXPECT_EQ(first["annotation"]["doc_id"], "POL-3");  // id_column read case-insensitively
    EXPECT_EQ(first["annotation"]["doc_title"], "Warranty policy");
    EXPECT_NE(first["annotation"]["text"].get<std::string>().find("two year warranty"), std::string::npos);
    std::string marker = "[^" + std::to_string(first["annotation"]["index"].get<int>()) + "]";
    EXPECT_NE(text->json["text"].get<std::string>().find(marker), std::string::npos) << text->data;
    // The search_result_id is the one the tool result returned for that document.
    const Json& hits = First(events, "response.tool_result")->json["content"][0]["json"]["search_results"];
    bool found = false;
    for (const auto& h : hits) found = found || h["search_result_id"] == first["annotation"]["search_result_id"];
    EXPECT_TRUE(found);
    ASSERT_EQ(text->json["annotations"].size(), annotations.size());
    for (size_t i = 0; i < annotations.size(); ++i) {
        EXPECT_EQ(text->json["annotations"][i], annotations[i].json["annotation"]);
    }
    const Json& final_response = First(events, "response")->json;
    const Json& item = final_response["content"][text->json["content_index"].get<int>()];
    EXPECT_EQ(item["type"], "text");
    EXPECT_EQ(item["annotations"], text->json["annotations"]);
}

Json WebAgent() {
    return Json::parse(R"({"models": {"orchestration": "auto"},
      "tools": [{"tool_spec": {"type": "web_search", "name": "web", "description": "Searches the web"}}],
      "tool_resources": {"web": {"max_results": 2}}})");
}

class WebSearchRuns : public ::testing::Test {
protected:
    void SetUp() override {
        fake_ = FakeSearch::Start("brave-key-1");
        ASSERT_NE(fake_, nullptr);
    }
    // Starts cortex with this cortex.toml ("" = none) and environment.
    void StartWith(const std::string& toml, const std::map<std::string, std::string>& env = {}) {
        std::vector<std::string> extra;
        if (!toml.empty()) {
            std::string path = dir_.path() + "/cortex.toml";
            std::ofstream(path) << toml;
            extra = {"--config", path};
        }
        server_ = CortexServer::Start(dir_.path() + "/data", extra, env);
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
    }
    Json Ask(const std::string& question) {
        Json agent = WebAgent();
        agent["messages"] = Question(question);
        agent["stream"] = false;
        auto r = Api("POST", server_->url() + kInlineRun, token_, DumpJson(agent));
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
    std::unique_ptr<FakeSearch> fake_;
    std::unique_ptr<CortexServer> server_;
    std::string token_;
};

TEST_F(WebSearchRuns, SearxngResultsComeBackAsResultsAndUrlCitations) {
    StartWith("[web_search]\nprovider = \"searxng\"\nurl = \"" + fake_->base_url() + "\"\n");
    Json response = Ask("search the web for duckdb grammar");
    const Json* result = Find(response, "tool_result");
    ASSERT_NE(result, nullptr) << response.dump();
    EXPECT_EQ((*result)["tool_result"]["type"], "web_search");
    EXPECT_EQ((*result)["tool_result"]["status"], "success") << result->dump();
    const Json& hits = (*result)["tool_result"]["content"][0]["json"]["search_results"];
    ASSERT_EQ(hits.size(), 2u);  // three documents match, max_results 2
    EXPECT_EQ(hits[0]["url"], "https://example.org/opencortex/releases");
    EXPECT_EQ(hits[1]["url"], "https://duckdb.org/docs/");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].query["format"], "json");
    const Json* text = Find(response, "text");
    ASSERT_NE(text, nullptr);
    const Json& annotations = (*text)["annotations"];
    ASSERT_EQ(annotations.size(), 2u) << text->dump();
    EXPECT_EQ(annotations[0]["type"], "url_citation");
    EXPECT_EQ(annotations[0]["url"], "https://example.org/opencortex/releases");
    EXPECT_EQ(annotations[1]["url"], "https://duckdb.org/docs/");
    EXPECT_EQ(annotations[1]["title"], "DuckDB documentation");
    EXPECT_NE((*text)["text"].get<std::string>().find("[^2]"), std::string::npos);
}

TEST_F(WebSearchRuns, BraveBackendUsesTheKeyFromTheEnvironment) {
    StartWith("[web_search]\nprovider = \"brave\"\nurl = \"" + fake_->base_url() + "\"\napi_key_env = \"OC_WEB_KEY\"\n",
              {{"OC_WEB_KEY", "brave-key-1"}});
    Json response = Ask("search the web for vega charts");
    const Json* result = Find(response, "tool_result");
    ASSERT_NE(result, nullptr) << response.dump();
    EXPECT_EQ((*result)["tool_result"]["status"], "success") << result->dump();
    // "search", "web" and "vega" match two documents of the fake; max_results is 2.
    const Json& hits = (*result)["tool_result"]["content"][0]["json"]["search_results"];
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0]["url"], "https://example.org/opencortex/releases");
    EXPECT_EQ(hits[1]["url"], "https://vega.github.io/vega-lite/");
    // Brave's HTML (<strong>, &amp;) is plain text in the snippet.
    EXPECT_EQ(hits[1]["snippet"], "Vega-Lite is a high-level grammar of interactive graphics & charts.");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].headers["x-subscription-token"], "brave-key-1");
    EXPECT_EQ(requests[0].query["count"], "2");
    const Json* text = Find(response, "text");
    ASSERT_NE(text, nullptr);
    ASSERT_EQ((*text)["annotations"].size(), 2u) << text->dump();
    EXPECT_EQ((*text)["annotations"][1]["type"], "url_citation");
    EXPECT_EQ((*text)["annotations"][1]["url"], "https://vega.github.io/vega-lite/");
}

TEST_F(WebSearchRuns, WithoutABackendTheAgentIsAcceptedAndTheToolSaysSo) {
    StartWith("");
    // A stored agent with a web_search tool is accepted.
    Json stored = WebAgent();
    stored["name"] = "WEB_AGENT";
    auto db = Api("POST", server_->url() + "/api/v2/databases", token_, R"({"name": "WEBDB"})");
    ASSERT_EQ(db.status, 200) << db.body;
    auto created = Api("POST", server_->url() + "/api/v2/databases/WEBDB/schemas/PUBLIC/agents", token_,
                       DumpJson(stored));
    ASSERT_EQ(created.status, 200) << created.body;
    Json response = Ask("search the web for duckdb");
    EXPECT_EQ(response["status"], "completed") << response.dump();
    const Json* result = Find(response, "tool_result");
    ASSERT_NE(result, nullptr) << response.dump();
    EXPECT_EQ((*result)["tool_result"]["status"], "error");
    std::string message = DumpJson((*result)["tool_result"]["content"]);
    EXPECT_NE(message.find("not configured"), std::string::npos) << message;
    EXPECT_TRUE(fake_->Requests().empty());
}

TEST_F(WebSearchRuns, UnknownProviderStopsTheServerWithAClearMessage) {
    std::string path = dir_.path() + "/bad.toml";
    std::ofstream(path) << "[web_search]\nprovider = \"bing\"\n";
    CliResult r = RunCortex({"serve", "--port", "0", "--data-dir", dir_.path() + "/data", "--config", path}, 30);
    EXPECT_NE(r.exit_code, 0);
    EXPECT_NE(r.err.find("[web_search] provider must be searxng, brave or tavily"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace oc::testing
