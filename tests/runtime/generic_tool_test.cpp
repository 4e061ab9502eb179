#include "runtime/generic_tool.h"

#include <gtest/gtest.h>

#include "store/duckdb/connection.h"
#include "store/system_store.h"
#include "test_util.h"

namespace oc::runtime {
namespace {

using testing::ScratchDir;

class GenericToolTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = store::SystemStore::Open({dir_.path()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
        env_.store = store_.get();
        auto conn = store_->ConnectData();
        ASSERT_TRUE(conn);
        for (const char* sql : {
                 "ATTACH ':memory:' AS \"TESTDB\"",
                 "CREATE SCHEMA \"TESTDB\".\"PUBLIC\"",
                 "CREATE MACRO \"TESTDB\".\"PUBLIC\".order_total(qty, price) AS qty * price",
                 "CREATE MACRO \"TESTDB\".\"PUBLIC\".upto(n) AS TABLE SELECT range AS i, 'x' || range AS s FROM range(n)",
                 "CREATE MACRO \"TESTDB\".\"PUBLIC\".slow() AS TABLE "
                 "SELECT sum(a.range * b.range) AS s FROM range(1000000) a, range(1000000) b"}) {
            ASSERT_TRUE((*conn)->Execute(sql)) << sql;
        }
    }

    std::unique_ptr<Tool> Make(const std::string& resource_json) {
        auto resource = ParseJson(resource_json);
        EXPECT_TRUE(resource);
        ToolSpec spec{"generic", "t", "", Json::object()};
        auto tool = MakeGenericTool(spec, *resource, env_);
        EXPECT_TRUE(tool) << (tool ? "" : tool.error().message);
        return tool ? std::move(*tool) : nullptr;
    }

    ToolOutput Execute(Tool& tool, const Json& input) {
        ToolContext ctx{cancel_, [this](const std::string& s, const std::string&, const Json&) { statuses_.push_back(s); },
                        "req", "ADMIN"};
        return tool.Execute(input, ctx);
    }

    ScratchDir dir_;
    std::unique_ptr<store::SystemStore> store_;
    ToolEnvironment env_;
    llm::CancelToken cancel_;
    std::vector<std::string> statuses_;
};

TEST_F(GenericToolTest, ScalarMacroWithNamedArguments) {
    auto tool = Make(R"({"type":"function","identifier":"TESTDB.PUBLIC.ORDER_TOTAL"})");
    ASSERT_TRUE(tool);
    ToolOutput out = Execute(*tool, Json::parse(R"({"price": 2.5, "qty": 3})"));
    ASSERT_TRUE(out.success) << out.ModelText();
    EXPECT_EQ(out.content, Json::parse(R"([{"type":"json","json":{"result":7.5}}])"));
    EXPECT_EQ(statuses_, std::vector<std::string>{"Executing SQL"});
}

TEST_F(GenericToolTest, TableMacroReturnsRows) {
    auto tool = Make(R"({"type":"procedure","identifier":"testdb.public.upto"})");
    ToolOutput out = Execute(*tool, Json::parse(R"({"n": 2})"));
    ASSERT_TRUE(out.success) << out.ModelText();
    EXPECT_EQ(out.content[0]["json"],
              Json::parse(R"({"rows":[{"i":0,"s":"x0"},{"i":1,"s":"x1"}],"row_count":2})"));
}

TEST_F(GenericToolTest, ValuesAreBoundNotSpliced) {
    auto tool = Make(R"({"type":"function","identifier":"TESTDB.PUBLIC.UPTO"})");
    ToolOutput out = Execute(*tool, Json::parse(R"({"n": "1); DROP SCHEMA \"TESTDB\".\"PUBLIC\" CASCADE; --"})"));
    EXPECT_FALSE(out.success);
    auto again = Execute(*tool, Json::parse(R"({"n": 1})"));
    EXPECT_TRUE(again.success) << again.ModelText();
}

TEST_F(GenericToolTest, MissingFunctionIsAToolError) {
    auto tool = Make(R"({"type":"function","identifier":"TESTDB.PUBLIC.NOPE"})");
    ToolOutput out = Execute(*tool, Json::object());
    EXPECT_FALSE(out.success);
    EXPECT_EQ(out.ModelText(), "Function TESTDB.PUBLIC.NOPE does not exist.");
}

TEST_F(GenericToolTest, WrongArgumentIsAToolError) {
    auto tool = Make(R"({"type":"function","identifier":"TESTDB.PUBLIC.ORDER_TOTAL"})");
    ToolOutput out = Execute(*tool, Json::parse(R"({"qty": 1, "nope": 2})"));
    EXPECT_FALSE(out.success);
    EXPECT_NE(out.ModelText().find("order_total"), std::string::npos) << out.ModelText();
}

TEST_F(GenericToolTest, QueryTimeoutInterruptsTheQuery) {
    auto tool = Make(R"({"type":"function","identifier":"TESTDB.PUBLIC.SLOW",
                         "execution_environment":{"type":"warehouse","query_timeout":0.2}})");
    auto start = std::chrono::steady_clock::now();
    ToolOutput out = Execute(*tool, Json::object());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    EXPECT_FALSE(out.success);
    EXPECT_NE(out.ModelText().find("timed out"), std::string::npos) << out.ModelText();
}

TEST_F(GenericToolTest, CancelInterruptsTheQuery) {
    auto tool = Make(R"({"type":"function","identifier":"TESTDB.PUBLIC.SLOW"})");
    std::thread canceller([this] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        cancel_.Cancel();
    });
    ToolOutput out = Execute(*tool, Json::object());
    canceller.join();
    EXPECT_FALSE(out.success);
    EXPECT_EQ(out.ModelText(), "The run was cancelled.");
}

TEST_F(GenericToolTest, NoResourceMeansClientSide) {
    ToolSpec spec{"generic", "get_weather", "", Json::object()};
    auto tool = MakeGenericTool(spec, nullptr, env_);
    ASSERT_TRUE(tool);
    EXPECT_TRUE((*tool)->client_side());
}

TEST_F(GenericToolTest, BadResourcesAreRejected) {
    ToolSpec spec{"generic", "t", "", Json::object()};
    for (const char* bad : {R"({"type":"function","identifier":"ONLY.TWO"})", R"({"type":"function"})",
                            R"({"type":"lambda","identifier":"A.B.C"})", R"({"type":"webhook","url":"ftp://x"})",
                            R"("text")"}) {
        auto tool = MakeGenericTool(spec, Json::parse(bad), env_);
        EXPECT_FALSE(tool) << bad;
    }
}

TEST_F(GenericToolTest, WebhookPostsInputAndParsesJson) {
    std::string seen_url, seen_body;
    env_.post_json = [&](const std::string& url, const Json& headers, const std::string& body, int timeout_ms,
                         const llm::CancelToken&) -> Result<std::pair<int, std::string>> {
        seen_url = url;
        seen_body = body;
        EXPECT_EQ(headers["X-Key"], "k");
        EXPECT_EQ(timeout_ms, 5000);
        return std::make_pair(200, std::string(R"({"temp_c":21})"));
    };
    auto tool = Make(R"({"type":"webhook","url":"http://127.0.0.1:1/hook","headers":{"X-Key":"k"},"timeout":5})");
    ToolOutput out = Execute(*tool, Json::parse(R"({"city":"Oslo"})"));
    ASSERT_TRUE(out.success);
    EXPECT_EQ(seen_url, "http://127.0.0.1:1/hook");
    EXPECT_EQ(seen_body, R"({"city":"Oslo"})");
    EXPECT_EQ(out.content[0]["json"]["temp_c"], 21);
}

TEST_F(GenericToolTest, WebhookErrorStatusIsAToolError) {
    env_.post_json = [](const std::string&, const Json&, const std::string&, int,
                        const llm::CancelToken&) -> Result<std::pair<int, std::string>> {
        return std::make_pair(500, std::string("boom"));
    };
    auto tool = Make(R"({"type":"webhook","url":"http://127.0.0.1:1/hook"})");
    ToolOutput out = Execute(*tool, Json::object());
    EXPECT_FALSE(out.success);
    EXPECT_EQ(out.ModelText(), "Webhook answered HTTP 500: boom");
}

}  // namespace
}  // namespace oc::runtime
