// The offline provider's answers from search results cite them with [^index] markers: the top
// result and those scoring at least half as well, at most three.
#include <gtest/gtest.h>

#include "llm/offline.h"

namespace oc::llm {
namespace {

std::string AnswerFrom(const Json& tool_result, const std::string& tool_name = "policy_search") {
    ChatRequest request;
    Message question;
    question.role = Role::kUser;
    question.text = "What is the refund policy?";
    request.messages.push_back(question);
    Message call;
    call.role = Role::kAssistant;
    call.tool_calls = {{"call_1", tool_name, Json{{"query", "refund policy"}}}};
    request.messages.push_back(call);
    Message result;
    result.role = Role::kTool;
    result.tool_call_id = "call_1";
    result.tool_name = tool_name;
    result.text = DumpJson(tool_result);
    request.messages.push_back(result);
    CancelToken cancel;
    auto answer = MakeOfflineProvider()->Chat(request, nullptr, cancel);
    EXPECT_TRUE(answer.has_value());
    return answer ? answer->text : "";
}

Json Hit(int index, const std::string& title, const std::string& text, double score) {
    return Json{{"doc_id", "D" + std::to_string(index)}, {"doc_title", title}, {"text", text},
                {"@scores", {{"text_match", score}}}, {"index", index}};
}

TEST(OfflineCitations, CitesTheTopResultAndCloseOnes) {
    Json results = {{"search_results", Json::array({Hit(3, "Refund policy", "Return within 30 days.", 4.0),
                                                    Hit(4, "Cancellation policy", "Cancelled orders are refunded.", 2.5),
                                                    Hit(5, "Shipping policy", "Orders ship in 2 days.", 1.0)})}};
    EXPECT_EQ(AnswerFrom(results),
              "Based on policy_search: Refund policy: Return within 30 days. [^3] Cancellation policy: "
              "Cancelled orders are refunded. [^4]");
}

TEST(OfflineCitations, WebResultsUseTitleAndSnippet) {
    Json results = {{"search_results", Json::array({Json{{"index", 1}, {"title", "DuckDB"}, {"url", "https://duckdb.org"},
                                                         {"snippet", "An in-process database."}}})}};
    EXPECT_EQ(AnswerFrom(results, "web"), "Based on web: DuckDB: An in-process database. [^1]");
}

TEST(OfflineCitations, NoResultsSaysSo) {
    EXPECT_EQ(AnswerFrom(Json{{"search_results", Json::array()}}), "Based on policy_search: No matching documents were found.");
}

}  // namespace
}  // namespace oc::llm
