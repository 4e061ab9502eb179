// The LLM path of AnswerQuestion with a scripted provider: prompt contents, the repair round,
// refusal of writes, UNANSWERABLE replies, and the offline path when the provider is offline.
#include "tools/analyst/analyst_engine.h"

#include <mutex>

#include "analyst_fixture.h"

namespace oc::tools::analyst {
namespace {

class ScriptedProvider : public llm::Provider {
public:
    explicit ScriptedProvider(std::vector<std::string> replies,
                              std::string kind = "openai_compatible")
        : replies_(std::move(replies)), kind_(std::move(kind)) {}
    std::string kind() const override { return kind_; }
    Result<llm::ChatResult> Chat(const llm::ChatRequest& request, llm::StreamSink*,
                                 const llm::CancelToken&) override {
        std::lock_guard<std::mutex> lock(mu_);
        requests.push_back(request);
        llm::ChatResult r;
        r.text = replies_.at(std::min(requests.size() - 1, replies_.size() - 1));
        return r;
    }
    std::vector<llm::ChatRequest> requests;

private:
    std::mutex mu_;
    std::vector<std::string> replies_;
    std::string kind_;
};

class AnalystEngine : public testing::ShopTest {
protected:
    Result<AnalystAnswer> Ask(std::shared_ptr<ScriptedProvider> provider,
                              const std::string& question) {
        AnalystRequest req{&model_, &physical_, {{true, question, ""}}};
        llm::CancelToken cancel;
        return AnswerQuestion(req, {provider, "gpt-test"}, *conn_, cancel);
    }
};

TEST_F(AnalystEngine, PromptDescribesTheModel) {
    std::string prompt = BuildAnalystPrompt(model_, "Which customer brought the most revenue?");
    for (const char* part :
         {"Table orders (query it as __orders AS orders)", "Synonyms: 'revenue' 'turnover'",
          "Sample values: 'web' 'store' 'phone' (all values).",
          "Expression: SUM(orders.line_amount)",
          "orders.customer_id = customers.customer_id (left outer join, many to one)",
          "Round money to two decimals.", "Question: Which customer generated the most revenue?"}) {
        EXPECT_NE(prompt.find(part), std::string::npos) << part << "\n" << prompt;
    }
}

TEST_F(AnalystEngine, RepairsOnceAfterADuckDbError) {
    auto provider = std::make_shared<ScriptedProvider>(std::vector<std::string>{
        "INTERPRETATION: revenue per region\n```sql\nSELECT c.regio, SUM(o.line_amount) FROM "
        "__orders o "
        "JOIN __customers c ON o.customer_id = c.customer_id GROUP BY 1\n```",
        "INTERPRETATION: Revenue per region.\n```sql\nSELECT c.region, SUM(o.line_amount) AS "
        "revenue FROM __orders o "
        "JOIN __customers c ON o.customer_id = c.customer_id GROUP BY 1 ORDER BY 2 DESC\n```"});
    auto a = Ask(provider, "revenue per region please");
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_EQ(provider->requests.size(), 2u);
    EXPECT_EQ(provider->requests[0].model, "gpt-test");
    EXPECT_NE(provider->requests[1].messages.back().text.find("regio"), std::string::npos);
    EXPECT_EQ(a->text, "This is our interpretation of your question:\n\nRevenue per region.");
    EXPECT_EQ(Run(a->sql),
              (testing::Rows{{"EMEA", "204.0000"}, {"APAC", "60.0000"}, {"AMER", "5.0000"}}));
}

TEST_F(AnalystEngine, TwoFailuresGiveSuggestions) {
    auto provider = std::make_shared<ScriptedProvider>(
        std::vector<std::string>{"```sql\nSELECT nope FROM __orders\n```"});
    auto a = Ask(provider, "revenue per region please");
    ASSERT_TRUE(a) << a.error().message;
    EXPECT_EQ(provider->requests.size(), 2u);
    EXPECT_TRUE(a->sql.empty());
    EXPECT_FALSE(a->suggestions.empty());
    ASSERT_EQ(a->warnings.size(), 1u);
    EXPECT_NE(a->warnings[0].find("did not compile"), std::string::npos);
}

TEST_F(AnalystEngine, WritesAreRefused) {
    auto provider = std::make_shared<ScriptedProvider>(
        std::vector<std::string>{"```sql\nDELETE FROM DEMO.PUBLIC.CUSTOMERS\n```"});
    auto a = Ask(provider, "remove every customer");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, ErrorCode::kPermissionDenied);
    EXPECT_EQ(a.error().wire_code, "002140");
    EXPECT_EQ(Run("SELECT count(*) FROM DEMO.PUBLIC.CUSTOMERS"), (testing::Rows{{"4"}}));
}

TEST_F(AnalystEngine, UnanswerableBecomesSuggestions) {
    auto provider = std::make_shared<ScriptedProvider>(
        std::vector<std::string>{"UNANSWERABLE: the model has no weather data\n- What is the total "
                                 "revenue?\n- How many orders per channel?"});
    auto a = Ask(provider, "will it rain?");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->text, "the model has no weather data");
    EXPECT_EQ(a->suggestions, (std::vector<std::string>{"What is the total revenue?",
                                                        "How many orders per channel?"}));
}

TEST_F(AnalystEngine, VerifiedQueryAndOfflineProviderSkipTheLlm) {
    auto provider = std::make_shared<ScriptedProvider>(std::vector<std::string>{"unused"});
    auto a = Ask(provider, "Which customer generated the most revenue?");
    ASSERT_TRUE(a);
    EXPECT_TRUE(a->verified_query);
    auto offline =
        std::make_shared<ScriptedProvider>(std::vector<std::string>{"unused"}, "offline");
    auto b = Ask(offline, "revenue by region");
    ASSERT_TRUE(b);
    EXPECT_EQ(Run(b->sql).size(), 3u);
    EXPECT_TRUE(provider->requests.empty());
    EXPECT_TRUE(offline->requests.empty());
}

}  // namespace
}  // namespace oc::tools::analyst
