// The offline provider: tool routing (a table of cases), argument filling, answers from tool
// results, streaming, usage and determinism.
#include "llm/offline.h"

#include <gtest/gtest.h>

#include "recording_sink.h"

namespace oc::llm {
namespace {

std::vector<ToolDef> Tools() {
    return {
        {"get_weather", "Get the current weather for a city",
         Json::parse(R"({"type":"object","properties":{
             "city":{"type":"string","description":"City name, e.g. Paris"},
             "units":{"type":"string","enum":["celsius","fahrenheit"]}},
             "required":["city"]})")},
        {"run_sql", "Run a SQL query against the sales database",
         Json::parse(R"({"type":"object","properties":{
             "query":{"type":"string","description":"SQL to execute"},
             "limit":{"type":"integer"},"dry_run":{"type":"boolean"}},
             "required":["query","limit","dry_run"]})")},
        {"search_docs", "Search the product documentation",
         Json::parse(R"({"type":"object","properties":{
             "top_k":{"type":"integer"},"q":{"type":"string","description":"manual pages"}}})")},
    };
}

ChatRequest Ask(const std::string& question, ToolChoice choice = {}) {
    ChatRequest request;
    request.model = "offline";
    request.messages = {{Role::kSystem, "You are helpful."}, {Role::kUser, question}};
    request.tools = Tools();
    request.tool_choice = std::move(choice);
    return request;
}

ChatResult ChatOffline(const ChatRequest& request, RecordingSink* sink = nullptr) {
    CancelToken cancel;
    auto result = MakeOfflineProvider()->Chat(request, sink, cancel);
    EXPECT_TRUE(result) << result.error().message;
    return result ? *result : ChatResult{};
}

struct RoutingCase {
    std::string question;
    ToolChoice choice;
    std::string expected_tool;  // "" = a text answer
    std::string expected_args;  // compact JSON
};

TEST(OfflineProvider, RoutesQuestionsToTools) {
    using K = ToolChoice::Kind;
    const std::string weather = "What is the weather in Paris?";
    const std::vector<RoutingCase> cases = {
        {weather, {}, "get_weather", R"({"city":"What is the weather in Paris?"})"},
        {"Show sales revenue by region",
         {},
         "run_sql",
         R"({"query":"Show sales revenue by region","limit":0,"dry_run":false})"},
        {"where are the manual pages", {}, "search_docs", R"({"q":"where are the manual pages"})"},
        {"Tell me some joke", {}, "", ""},
        {"Tell me some joke", {K::kRequired, {}}, "get_weather", R"({"city":"Tell me some joke"})"},
        {"weather forecast please",
         {K::kTool, {"run_sql", "search_docs"}},
         "run_sql",
         R"({"query":"weather forecast please","limit":0,"dry_run":false})"},
        {"weather forecast please",
         {K::kTool, {"search_docs"}},
         "search_docs",
         R"({"q":"weather forecast please"})"},
        {weather, {K::kNone, {}}, "", ""},
    };
    for (const RoutingCase& c : cases) {
        SCOPED_TRACE(c.question + " / expected " + c.expected_tool);
        ChatResult result = ChatOffline(Ask(c.question, c.choice));
        if (c.expected_tool.empty()) {
            EXPECT_TRUE(result.tool_calls.empty());
            EXPECT_EQ(result.finish_reason, "stop");
            EXPECT_EQ(result.text,
                      "I am the offline model of opencortex and have no tool for that question: " +
                          c.question);
            continue;
        }
        ASSERT_EQ(result.tool_calls.size(), 1u);
        EXPECT_EQ(result.tool_calls[0].name, c.expected_tool);
        EXPECT_EQ(DumpJson(result.tool_calls[0].arguments), c.expected_args);
        EXPECT_EQ(result.finish_reason, "tool_calls");
        EXPECT_TRUE(result.text.empty());
    }
}

TEST(OfflineProvider, NoToolsOfferedAnswersText) {
    ChatRequest request = Ask("What is the weather in Paris?");
    request.tools.clear();
    ChatResult result = ChatOffline(request);
    EXPECT_TRUE(result.tool_calls.empty());
    EXPECT_EQ(result.text,
              "I am the offline model of opencortex and have no tool for that question: What is "
              "the weather in Paris?");
}

TEST(OfflineProvider, TieGoesToTheFirstTool) {
    ChatRequest request = Ask("lookup");
    request.tools = {{"alpha", "lookup things", Json::object()},
                     {"beta", "lookup things", Json::object()}};
    ChatResult result = ChatOffline(request);
    ASSERT_EQ(result.tool_calls.size(), 1u);
    EXPECT_EQ(result.tool_calls[0].name, "alpha");
    EXPECT_EQ(result.tool_calls[0].arguments, Json::object());
}

TEST(OfflineProvider, EnumRequiredGetsFirstValue) {
    ChatRequest request = Ask("convert units");
    request.tools = {
        {"convert", "convert units",
         Json::parse(
             R"({"properties":{"unit":{"type":"string","enum":["m","ft"]}},"required":["unit"]})")}};
    ChatResult result = ChatOffline(request);
    ASSERT_EQ(result.tool_calls.size(), 1u);
    EXPECT_EQ(DumpJson(result.tool_calls[0].arguments), R"({"unit":"m"})");
}

TEST(OfflineProvider, ToolCallIsStreamedAsStartAndFragments) {
    RecordingSink sink;
    ChatResult result = ChatOffline(Ask("What is the weather in Paris?"), &sink);
    ASSERT_EQ(result.tool_calls.size(), 1u);
    ASSERT_GE(sink.events.size(), 3u);
    EXPECT_EQ(sink.events[0], "start:0:call_offline_1:get_weather");
    ASSERT_EQ(sink.arguments.size(), 1u);
    EXPECT_EQ(sink.arguments[0], DumpJson(result.tool_calls[0].arguments));
}

ChatRequest AfterToolResult(const std::string& content, bool is_error,
                            const std::string& tool_name = "") {
    ChatRequest request = Ask("Show sales revenue by region");
    Message call;
    call.role = Role::kAssistant;
    call.tool_calls = {{"call_1", "run_sql", Json{{"query", "SELECT 1"}}}};
    request.messages.push_back(call);
    Message result;
    result.role = Role::kTool;
    result.tool_call_id = "call_1";
    result.tool_name = tool_name;
    result.text = content;
    result.is_error = is_error;
    request.messages.push_back(result);
    return request;
}

TEST(OfflineProvider, SummarisesToolResult) {
    ChatResult result = ChatOffline(AfterToolResult("{\n  \"rows\": [[\"EMEA\", 10]]\n}", false));
    EXPECT_TRUE(result.tool_calls.empty());
    EXPECT_EQ(result.text, R"(Based on run_sql: {"rows":[["EMEA",10]]})");  // name found by call id
    EXPECT_EQ(result.finish_reason, "stop");
}

TEST(OfflineProvider, ReportsToolError) {
    ChatResult result =
        ChatOffline(AfterToolResult("table   SALES\ndoes not exist", true, "run_sql"));
    EXPECT_EQ(result.text, "The tool run_sql failed: table SALES does not exist");
}

TEST(OfflineProvider, LongToolResultIsTruncated) {
    ChatResult result = ChatOffline(AfterToolResult(std::string(5000, 'x'), false));
    EXPECT_EQ(result.text, "Based on run_sql: " + std::string(2000, 'x') + "...");
}

TEST(OfflineProvider, StreamsTextInSeveralDeltas) {
    RecordingSink sink;
    ChatRequest request = Ask("Tell me a joke about databases and streams");
    request.tools.clear();
    ChatResult result = ChatOffline(request, &sink);
    EXPECT_GT(sink.events.size(), 3u);
    EXPECT_EQ(sink.text, result.text);
    for (const std::string& e : sink.events) EXPECT_EQ(e.rfind("text:", 0), 0u) << e;
}

TEST(OfflineProvider, UsageAndMetadata) {
    ChatRequest request = Ask("Tell me a joke");
    request.tools.clear();
    ChatResult result = ChatOffline(request);
    EXPECT_EQ(result.metadata, (Json{{"offline", true}, {"model", "offline"}}));
    EXPECT_EQ(result.model, "offline");
    EXPECT_EQ(result.usage.input_tokens,
              static_cast<int64_t>((16 + 14 + 3) / 4));  // system + user chars
    EXPECT_EQ(result.usage.output_tokens, static_cast<int64_t>((result.text.size() + 3) / 4));
}

TEST(OfflineProvider, SameInputSameOutput) {
    for (const ChatRequest& request : {Ask("Show sales revenue by region"), Ask("Tell me a joke"),
                                       AfterToolResult("[1,2,3]", false)}) {
        RecordingSink first_sink, second_sink;
        ChatResult first = ChatOffline(request, &first_sink);
        ChatResult second = ChatOffline(request, &second_sink);
        EXPECT_EQ(first_sink.events, second_sink.events);
        EXPECT_EQ(first.text, second.text);
        ASSERT_EQ(first.tool_calls.size(), second.tool_calls.size());
        for (size_t i = 0; i < first.tool_calls.size(); ++i) {
            EXPECT_EQ(first.tool_calls[i].id, second.tool_calls[i].id);
            EXPECT_EQ(first.tool_calls[i].arguments, second.tool_calls[i].arguments);
        }
        EXPECT_EQ(first.usage.input_tokens, second.usage.input_tokens);
    }
}

TEST(OfflineProvider, CancelledReturnsCancelled) {
    CancelToken cancel;
    cancel.Cancel();
    auto result = MakeOfflineProvider()->Chat(Ask("Tell me a joke"), nullptr, cancel);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
}

}  // namespace
}  // namespace oc::llm
