#include "api/agent_spec.h"

#include <gtest/gtest.h>

#include "api/list_params.h"

namespace oc::api {
namespace {

TEST(AgentSpec, SplitKeepsUnknownFieldsInOrder) {
    Json body = Json::parse(R"({"zeta": 1, "name": "bot", "comment": "c", "profile": {"display_name": "B"},
                                "alpha": {"x": [1, 2]}})");
    auto parts = SplitAgentBody(body, true);
    ASSERT_TRUE(parts);
    EXPECT_EQ(parts->name, "BOT");
    EXPECT_EQ(parts->comment, "c");
    EXPECT_EQ(DumpJson(parts->spec), R"({"zeta":1,"alpha":{"x":[1,2]}})");
}

TEST(AgentSpec, UpdateIgnoresName) {
    auto parts = SplitAgentBody(Json::parse(R"({"name": "1 bad"})"), false);
    ASSERT_TRUE(parts);
    EXPECT_TRUE(parts->name.empty());
}

TEST(AgentSpec, ValidationMessagesNameTheField) {
    auto st = ValidateAgentSpec(Json::parse(R"({"orchestration": {"budget": {"tokens": 0}}})"));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(st.error().message.find("orchestration.budget.tokens"), std::string::npos);
    auto dup = ValidateAgentSpec(Json::parse(
        R"({"tools": [{"tool_spec": {"type": "a", "name": "t"}}, {"tool_spec": {"type": "b", "name": "t"}}]})"));
    ASSERT_FALSE(dup);
    EXPECT_NE(dup.error().message.find("duplicate tool name 't'"), std::string::npos);
    EXPECT_TRUE(ValidateAgentSpec(Json::parse(R"({"tool_resources": {"unmatched": {}}})")));
}

TEST(ListParams, OrderLikeFromNameLimit) {
    net::HttpRequest req;
    req.query = {{"like", "b%"}, {"fromName", "B1"}, {"showLimit", "1"}};
    auto p = ParseListParams(req);
    ASSERT_TRUE(p);
    bool cut = false;
    std::vector<std::string> names = {"B3", "A", "B1", "B2", "b0"};
    auto out = ApplyListParams(names, *p, [](const std::string& s) { return s; }, &cut);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0], "B2");
    EXPECT_TRUE(cut);
    req.query = {{"showLimit", "10001"}};
    EXPECT_FALSE(ParseListParams(req));
}

}  // namespace
}  // namespace oc::api
