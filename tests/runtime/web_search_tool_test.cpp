// The web_search tool and its backends against the loopback fake (tests/support/fake_search.h):
// request shapes per provider, parsing, errors, config loading, url citations, and the tool
// without a configured backend.
#include "runtime/web_search_tool.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "fake_search.h"
#include "test_util.h"

namespace oc::runtime {
namespace {

using tools::web::WebSearchConfig;

WebSearchConfig Config(const std::string& provider, const std::string& url, const std::string& key = "test-search-key") {
    WebSearchConfig c;
    c.provider = provider;
    c.url = url;
    c.api_key = key;
    c.timeout_ms = 5000;
    return c;
}

class WebSearchBackend : public ::testing::Test {
protected:
    void SetUp() override {
        fake_ = oc::testing::FakeSearch::Start();
        ASSERT_NE(fake_, nullptr);
    }
    std::unique_ptr<oc::testing::FakeSearch> fake_;
};

TEST_F(WebSearchBackend, SearxngSendsFormatJsonAndReturnsTitlesUrlsSnippets) {
    auto found = tools::web::Search(Config("searxng", fake_->base_url(), ""), "DuckDB & SQL", 5, {});
    ASSERT_TRUE(found.has_value()) << found.error().message;
    ASSERT_EQ(found->size(), 2u);  // "duckdb" matches the release notes and the DuckDB docs
    EXPECT_EQ((*found)[0].url, "https://example.org/opencortex/releases");
    EXPECT_EQ((*found)[1].title, "DuckDB documentation");
    EXPECT_EQ((*found)[1].snippet, "DuckDB is an in-process SQL OLAP database management system.");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "GET");
    EXPECT_EQ(requests[0].path, "/search");
    EXPECT_EQ(requests[0].query["format"], "json");
    EXPECT_EQ(requests[0].query["q"], "DuckDB & SQL");  // percent-encoded on the wire, decoded here
}

TEST_F(WebSearchBackend, SearxngResultsAreCappedAtMaxResults) {
    auto found = tools::web::Search(Config("searxng", fake_->base_url(), ""), "grammar duckdb opencortex", 1, {});
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_EQ(found->size(), 1u);
}

TEST_F(WebSearchBackend, BraveSendsTheTokenAndCountAndStripsHtml) {
    auto found = tools::web::Search(Config("brave", fake_->base_url()), "vega charts", 3, {});
    ASSERT_TRUE(found.has_value()) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].url, "https://vega.github.io/vega-lite/");
    EXPECT_EQ((*found)[0].snippet, "Vega-Lite is a high-level grammar of interactive graphics & charts.");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].path, "/res/v1/web/search");
    EXPECT_EQ(requests[0].query["count"], "3");
    EXPECT_EQ(requests[0].headers["x-subscription-token"], "test-search-key");
}

TEST_F(WebSearchBackend, BraveWithoutWebResultsIsEmptyNotAnError) {
    auto found = tools::web::Search(Config("brave", fake_->base_url()), "zzzz nothing", 3, {});
    ASSERT_TRUE(found.has_value()) << found.error().message;
    EXPECT_TRUE(found->empty());
}

TEST_F(WebSearchBackend, WrongKeyIsAClearError) {
    auto brave = tools::web::Search(Config("brave", fake_->base_url(), "wrong"), "duckdb", 3, {});
    ASSERT_FALSE(brave.has_value());
    EXPECT_NE(brave.error().message.find("HTTP 401"), std::string::npos) << brave.error().message;
    EXPECT_NE(brave.error().message.find("subscription token is invalid"), std::string::npos);
    auto tavily = tools::web::Search(Config("tavily", fake_->base_url(), "wrong"), "duckdb", 3, {});
    ASSERT_FALSE(tavily.has_value());
    EXPECT_NE(tavily.error().message.find("Unauthorized"), std::string::npos) << tavily.error().message;
}

TEST_F(WebSearchBackend, TavilyPostsJsonWithBearerKey) {
    auto found = tools::web::Search(Config("tavily", fake_->base_url()), "opencortex agents", 2, {});
    ASSERT_TRUE(found.has_value()) << found.error().message;
    ASSERT_EQ(found->size(), 1u);
    EXPECT_EQ((*found)[0].title, "opencortex release notes");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].headers["authorization"], "Bearer test-search-key");
    Json body = Json::parse(requests[0].body);
    EXPECT_EQ(body["query"], "opencortex agents");
    EXPECT_EQ(body["max_results"], 2);
}

TEST_F(WebSearchBackend, ServerErrorsAndBadBodiesAreErrors) {
    fake_->FailWith(503);
    auto failed = tools::web::Search(Config("searxng", fake_->base_url(), ""), "duckdb", 3, {});
    ASSERT_FALSE(failed.has_value());
    EXPECT_EQ(failed.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(failed.error().message.find("fake search failure"), std::string::npos) << failed.error().message;
    auto bad = tools::web::ParseResponse("searxng", 200, R"({"unexpected": true})", 5);
    ASSERT_FALSE(bad.has_value());
    EXPECT_NE(bad.error().message.find("no results array"), std::string::npos);
}

TEST(WebSearchText, PlainTextDropsTagsAndEntities) {
    EXPECT_EQ(tools::web::PlainText("<b>A</b> &amp; <i>B</i>\n  &quot;c&quot; &#39;d&#39;"), "A & B \"c\" 'd'");
}

class WebSearchConfigFile : public ::testing::Test {
protected:
    std::string Write(const std::string& text) {
        std::string path = dir_.path() + "/cortex.toml";
        std::ofstream(path) << text;
        return path;
    }
    testing::ScratchDir dir_;
};

TEST_F(WebSearchConfigFile, ReadsProviderUrlKeyAndLimits) {
    ::setenv("OC_TEST_WEB_KEY", "k-123", 1);
    auto c = tools::web::LoadWebSearchConfig(
        Write("[web_search]\nprovider = \"brave\"\nurl = \"http://127.0.0.1:9/\"\napi_key_env = \"OC_TEST_WEB_KEY\"\n"
              "max_results = 7\ntimeout_ms = 2000\n"));
    ASSERT_TRUE(c.has_value()) << c.error().message;
    EXPECT_TRUE(c->configured());
    EXPECT_EQ(c->provider, "brave");
    EXPECT_EQ(c->url, "http://127.0.0.1:9");
    EXPECT_EQ(c->api_key, "k-123");
    EXPECT_EQ(c->max_results, 7);
    EXPECT_EQ(c->timeout_ms, 2000);
    auto tavily = tools::web::LoadWebSearchConfig(
        Write("[web_search]\nprovider = \"tavily\"\napi_key_env = \"OC_TEST_WEB_KEY\"\n"));
    ASSERT_TRUE(tavily.has_value()) << tavily.error().message;
    EXPECT_EQ(tavily->url, "https://api.tavily.com");
}

TEST_F(WebSearchConfigFile, NoSectionOrNoFileIsNotConfigured) {
    auto none = tools::web::LoadWebSearchConfig(Write("[server]\nport = 1\n"));
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->configured());
    auto empty = tools::web::LoadWebSearchConfig("");
    ASSERT_TRUE(empty.has_value());
    EXPECT_FALSE(empty->configured());
}

TEST_F(WebSearchConfigFile, BadValuesNameTheKey) {
    ::unsetenv("OC_TEST_WEB_UNSET");
    auto expect_error = [&](const std::string& toml, const std::string& needle) {
        auto c = tools::web::LoadWebSearchConfig(Write(toml));
        ASSERT_FALSE(c.has_value()) << toml;
        EXPECT_NE(c.error().message.find(needle), std::string::npos) << c.error().message;
    };
    expect_error("[web_search]\nprovider = \"bing\"\n", "[web_search] provider must be searxng, brave or tavily");
    expect_error("[web_search]\nprovider = \"searxng\"\n", "[web_search] url is required");
    expect_error("[web_search]\nprovider = \"brave\"\n", "[web_search] api_key_env is required");
    expect_error("[web_search]\nprovider = \"brave\"\napi_key_env = \"OC_TEST_WEB_UNSET\"\n",
                 "OC_TEST_WEB_UNSET, which is not set");
    expect_error("[web_search]\nprovider = \"searxng\"\nurl = \"ftp://x\"\n", "[web_search] url must start with");
    expect_error("[web_search]\nprovider = \"searxng\"\nurl = \"http://x\"\nmax_results = 0\n", "max_results");
    expect_error("[web_search]\nurl = \"http://x\"\n", "provider is required");
}

// Runs the tool once; the context numbers citations from first_index.
ToolOutput RunTool(Tool& tool, const Json& input, int first_index) {
    llm::CancelToken cancel;
    ToolContext ctx{cancel, [](const std::string&, const std::string&, const Json&) {}, "req", "user"};
    ctx.first_citation_index = first_index;
    return tool.Execute(input, ctx);
}

TEST_F(WebSearchBackend, ToolReturnsResultsAndUrlCitations) {
    ToolSpec spec{"web_search", "web", "", Json::object()};
    auto tool = MakeWebSearchTool(spec, Json{{"Max_results", 2}}, Config("searxng", fake_->base_url(), ""));
    ASSERT_TRUE(tool.has_value()) << tool.error().message;
    EXPECT_EQ((*tool)->spec().input_schema["required"][0], "query");
    ToolOutput out = RunTool(**tool, Json{{"query", "duckdb grammar"}}, 4);
    ASSERT_TRUE(out.success) << out.ModelText();
    const Json& results = out.content[0]["json"]["search_results"];
    ASSERT_EQ(results.size(), 2u);  // three match, max_results 2
    EXPECT_EQ(results[0]["index"], 4);
    EXPECT_EQ(results[1]["index"], 5);
    EXPECT_EQ(results[1]["url"], "https://duckdb.org/docs/");
    EXPECT_EQ(results[1]["title"], "DuckDB documentation");
    ASSERT_EQ(out.citations.size(), 2u);
    EXPECT_EQ(out.citations[1]["type"], "url_citation");
    EXPECT_EQ(out.citations[1]["index"], 5);
    EXPECT_EQ(out.citations[1]["url"], "https://duckdb.org/docs/");
    EXPECT_EQ(out.citations[1]["search_result_id"], results[1]["search_result_id"]);
    EXPECT_EQ(out.citations[1]["text"], results[1]["snippet"]);
}

TEST_F(WebSearchBackend, ToolReportsBackendFailuresAsErrorResults) {
    fake_->FailWith(500);
    auto tool = MakeWebSearchTool({"web_search", "web", "", Json::object()}, Json(),
                                  Config("searxng", fake_->base_url(), ""));
    ASSERT_TRUE(tool.has_value());
    ToolOutput out = RunTool(**tool, Json{{"query", "duckdb"}}, 1);
    EXPECT_FALSE(out.success);
    EXPECT_NE(out.ModelText().find("HTTP 500"), std::string::npos) << out.ModelText();
    EXPECT_TRUE(out.citations.empty());
}

TEST(WebSearchTool, WithoutABackendTheToolSaysItIsNotConfigured) {
    auto tool = MakeWebSearchTool({"web_search", "web", "", Json::object()}, Json(), WebSearchConfig{});
    ASSERT_TRUE(tool.has_value());
    ToolOutput out = RunTool(**tool, Json{{"query", "anything"}}, 1);
    EXPECT_FALSE(out.success);
    EXPECT_NE(out.ModelText().find("not configured"), std::string::npos) << out.ModelText();
}

TEST(WebSearchTool, BadMaxResultsIsRejected) {
    auto tool = MakeWebSearchTool({"web_search", "web", "", Json::object()}, Json{{"max_results", 500}},
                                  WebSearchConfig{});
    ASSERT_FALSE(tool.has_value());
    EXPECT_NE(tool.error().message.find("max_results"), std::string::npos);
}

}  // namespace
}  // namespace oc::runtime
