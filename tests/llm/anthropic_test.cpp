// anthropic provider against the loopback fake LLM, and the Messages API body mapping.
#include "llm/anthropic.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "fake_llm.h"
#include "recording_sink.h"

namespace oc::llm {
namespace {

using oc::testing::FakeLlm;
using oc::testing::FakeReply;
using Clock = std::chrono::steady_clock;

long long MsSince(Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
}

ChatRequest SimpleRequest() {
    ChatRequest request;
    request.model = "claude-test";
    request.messages = {{Role::kSystem, "Be brief."}, {Role::kUser, "Hi"}};
    return request;
}

class AnthropicTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_ = FakeLlm::Start();
        ASSERT_NE(fake_, nullptr);
        UpstreamOptions options;
        options.base_url = fake_->base_url();
        options.api_key = "sk-ant-test";
        options.max_retries = 2;
        options.initial_backoff_ms = 10;
        provider_ = MakeAnthropicProvider(options);
    }

    Result<ChatResult> Chat(const ChatRequest& request, StreamSink* sink = nullptr) {
        return provider_->Chat(request, sink, cancel_);
    }

    std::unique_ptr<FakeLlm> fake_;
    std::unique_ptr<Provider> provider_;
    CancelToken cancel_;
};

TEST_F(AnthropicTest, PlainTextStreamsDeltasWithUsage) {
    FakeReply reply;
    reply.text_chunks = {"Hello", ", ", "world"};
    reply.prompt_tokens = 21;
    reply.completion_tokens = 7;
    fake_->Enqueue(reply);
    RecordingSink sink;
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(sink.events, (std::vector<std::string>{"text:Hello", "text:, ", "text:world"}));
    EXPECT_EQ(result->text, "Hello, world");
    EXPECT_EQ(result->finish_reason, "stop");
    EXPECT_EQ(result->usage.input_tokens, 21);
    EXPECT_EQ(result->usage.output_tokens, 7);
    EXPECT_EQ(result->model, "claude-test");
}

TEST_F(AnthropicTest, SendsMessagesRequestWithHeaders) {
    ASSERT_TRUE(Chat(SimpleRequest()));
    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].path, "/v1/messages");
    EXPECT_EQ(requests[0].headers.at("x-api-key"), "sk-ant-test");
    EXPECT_EQ(requests[0].headers.at("anthropic-version"), "2023-06-01");
    EXPECT_EQ(requests[0].headers.count("authorization"), 0u);
    const Json& body = requests[0].json;
    EXPECT_EQ(body["system"], "Be brief.");
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["max_tokens"], 4096);
    EXPECT_EQ(DumpJson(body["messages"]),
              R"([{"role":"user","content":[{"type":"text","text":"Hi"}]}])");
}

TEST(AnthropicBody, ToolUseAndToolResultBlocks) {
    ChatRequest request = SimpleRequest();
    Message call;
    call.role = Role::kAssistant;
    call.text = "Checking.";
    call.thinking = "need weather";
    call.thinking_signature = "sig";
    call.tool_calls = {{"toolu_1", "get_weather", Json{{"city", "Paris"}}},
                       {"toolu_2", "get_time", Json::object()}};
    request.messages.push_back(call);
    Message first{Role::kTool, "sunny"};
    first.tool_call_id = "toolu_1";
    Message second{Role::kTool, "no clock"};
    second.tool_call_id = "toolu_2";
    second.is_error = true;
    request.messages.push_back(first);
    request.messages.push_back(second);
    request.tools = {{"get_weather", "Weather", Json::object()}};
    const Json body = BuildAnthropicBody(request);
    EXPECT_EQ(
        DumpJson(body["messages"][1]),
        R"({"role":"assistant","content":[{"type":"thinking","thinking":"need weather","signature":"sig"},)"
        R"({"type":"text","text":"Checking."},)"
        R"({"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},)"
        R"({"type":"tool_use","id":"toolu_2","name":"get_time","input":{}}]})");
    // Both results share one user turn (roles must alternate).
    EXPECT_EQ(
        DumpJson(body["messages"][2]),
        R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sunny"},)"
        R"({"type":"tool_result","tool_use_id":"toolu_2","content":"no clock","is_error":true}]})");
    EXPECT_EQ(
        DumpJson(body["tools"]),
        R"([{"name":"get_weather","description":"Weather","input_schema":{"type":"object","properties":{}}}])");
    EXPECT_EQ(DumpJson(body["tool_choice"]), R"({"type":"auto"})");
}

TEST(AnthropicBody, ToolChoiceMapping) {
    using K = ToolChoice::Kind;
    const std::vector<std::pair<ToolChoice, std::string>> cases = {
        {{K::kAuto, {}}, R"({"type":"auto"})"},
        {{K::kRequired, {}}, R"({"type":"any"})"},
        {{K::kNone, {}}, R"({"type":"none"})"},
        {{K::kTool, {"b"}}, R"({"type":"tool","name":"b"})"},
        {{K::kTool, {"a", "b"}}, R"({"type":"any"})"},
    };
    for (const auto& [choice, expected] : cases) {
        ChatRequest request = SimpleRequest();
        request.tools = {
            {"a", "", Json::object()}, {"b", "", Json::object()}, {"c", "", Json::object()}};
        request.tool_choice = choice;
        EXPECT_EQ(DumpJson(BuildAnthropicBody(request)["tool_choice"]), expected);
    }
}

TEST(AnthropicBody, ReasoningEffortEnablesThinking) {
    const std::vector<std::pair<std::string, int64_t>> budgets = {
        {"low", 1024}, {"medium", 4096}, {"high", 16384}};
    for (const auto& [effort, budget] : budgets) {
        ChatRequest request = SimpleRequest();
        request.reasoning_effort = effort;
        request.max_tokens = 2000;
        request.temperature = 0.2;
        const Json body = BuildAnthropicBody(request);
        EXPECT_EQ(body["thinking"], (Json{{"type", "enabled"}, {"budget_tokens", budget}}));
        EXPECT_GT(body["max_tokens"].get<int64_t>(), budget);
        EXPECT_FALSE(body.contains("temperature"));  // thinking allows only the default
    }
}

TEST(AnthropicBody, ForcedToolChoiceLeavesThinkingOff) {
    ChatRequest request = SimpleRequest();
    request.reasoning_effort = "high";
    request.tools = {{"a", "", Json::object()}};
    request.tool_choice.kind = ToolChoice::Kind::kRequired;
    EXPECT_FALSE(BuildAnthropicBody(request).contains("thinking"));
}

TEST_F(AnthropicTest, ToolCallsWithFragmentedInputJson) {
    FakeReply reply;
    reply.text = "Let me check.";
    reply.tool_calls = {{"toolu_abc", "get_weather", R"({"city": "Paris", "days": 3})"}};
    fake_->Enqueue(reply);
    RecordingSink sink;
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->text, "Let me check.");
    ASSERT_EQ(result->tool_calls.size(), 1u);
    EXPECT_EQ(result->tool_calls[0].id, "toolu_abc");
    EXPECT_EQ(result->tool_calls[0].arguments, (Json{{"city", "Paris"}, {"days", 3}}));
    EXPECT_EQ(result->finish_reason, "tool_calls");
    auto start = std::find(sink.events.begin(), sink.events.end(), "start:0:toolu_abc:get_weather");
    ASSERT_NE(start, sink.events.end());
    EXPECT_GE(sink.events.end() - start, 3);  // start, then several fragments
    ASSERT_EQ(sink.arguments.size(), 1u);
    EXPECT_EQ(sink.arguments[0], R"({"city": "Paris", "days": 3})");
}

TEST_F(AnthropicTest, ThinkingAndSignature) {
    FakeReply reply;
    reply.thinking = "Considering the options.";
    reply.thinking_signature = "sig-123";
    reply.text = "Done.";
    fake_->Enqueue(reply);
    RecordingSink sink;
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->thinking, "Considering the options.");
    EXPECT_EQ(result->thinking_signature, "sig-123");
    EXPECT_EQ(sink.thinking, "Considering the options.");
    EXPECT_EQ(result->text, "Done.");
}

TEST_F(AnthropicTest, RetriesAfter429HonouringRetryAfter) {
    FakeReply limited;
    limited.status = 429;
    limited.retry_after = "1";
    fake_->Enqueue(limited);
    fake_->Enqueue(FakeReply{.text = "ok now"});
    const auto start = Clock::now();
    auto result = Chat(SimpleRequest());
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->text, "ok now");
    EXPECT_EQ(fake_->RequestCount(), 2u);
    EXPECT_GE(MsSince(start), 900);
}

TEST_F(AnthropicTest, OverloadedAfterRetriesIsUnavailable) {
    FakeReply failure;
    failure.status = 529;
    for (int i = 0; i < 3; ++i) fake_->Enqueue(failure);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(result.error().message.find("HTTP 529"), std::string::npos);
    EXPECT_EQ(fake_->RequestCount(), 3u);
}

TEST_F(AnthropicTest, MalformedEventIsAnError) {
    FakeReply reply;
    reply.text = "partial";
    reply.malformed = true;
    fake_->Enqueue(reply);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(result.error().message, "upstream sent a malformed chunk");
}

TEST_F(AnthropicTest, CancelMidStreamReturnsPromptly) {
    FakeReply reply;
    for (int i = 0; i < 20; ++i) reply.text_chunks.push_back("word ");
    reply.chunk_delay_ms = 200;
    fake_->Enqueue(reply);
    RecordingSink sink;
    sink.cancel_on_text = &cancel_;
    const auto start = Clock::now();
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
    EXPECT_LT(MsSince(start), 2000);
    EXPECT_TRUE(fake_->WaitForDisconnect(3000));
}

}  // namespace
}  // namespace oc::llm
