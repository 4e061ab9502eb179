// openai_compatible and snowflake providers against the loopback fake LLM: streaming, tool
// calls, usage, retries, malformed chunks, cancellation; plus the request body mapping.
#include "llm/openai_compatible.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "fake_llm.h"
#include "llm/model_registry.h"
#include "llm/snowflake.h"
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
    request.model = "gpt-test";
    request.messages = {{Role::kUser, "Hi"}};
    return request;
}

class OpenAiCompatibleTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_ = FakeLlm::Start();
        ASSERT_NE(fake_, nullptr);
        options_.base_url = fake_->base_url() + "/v1";
        options_.api_key = "sk-test-1234";
        options_.max_retries = 2;
        options_.initial_backoff_ms = 10;
        options_.timeout_seconds = 30;
        provider_ = MakeOpenAiCompatibleProvider(options_);
    }

    Result<ChatResult> Chat(const ChatRequest& request, StreamSink* sink = nullptr) {
        return provider_->Chat(request, sink, cancel_);
    }

    std::unique_ptr<FakeLlm> fake_;
    UpstreamOptions options_;
    std::unique_ptr<Provider> provider_;
    CancelToken cancel_;
};

TEST_F(OpenAiCompatibleTest, PlainTextStreamsDeltasInOrder) {
    FakeReply reply;
    reply.text_chunks = {"Hel", "lo ", "world"};
    reply.prompt_tokens = 12;
    reply.completion_tokens = 3;
    fake_->Enqueue(reply);
    RecordingSink sink;
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(sink.events, (std::vector<std::string>{"text:Hel", "text:lo ", "text:world"}));
    EXPECT_EQ(result->text, "Hello world");
    EXPECT_EQ(result->finish_reason, "stop");
    EXPECT_EQ(result->usage.input_tokens, 12);
    EXPECT_EQ(result->usage.output_tokens, 3);
    EXPECT_EQ(result->model, "gpt-test");
    EXPECT_TRUE(result->tool_calls.empty());
}

TEST_F(OpenAiCompatibleTest, SendsStreamingRequestWithBearerKey) {
    ChatRequest request = SimpleRequest();
    request.messages = {{Role::kSystem, "Be brief."}, {Role::kUser, "Weather?"}};
    Message call;
    call.role = Role::kAssistant;
    call.tool_calls = {{"call_1", "get_weather", Json{{"city", "Paris"}}}};
    request.messages.push_back(call);
    Message result;
    result.role = Role::kTool;
    result.tool_call_id = "call_1";
    result.text = "sunny";
    request.messages.push_back(result);
    request.tools = {{"get_weather", "Weather by city", Json{{"type", "object"}}}};
    request.max_tokens = 100;
    request.temperature = 0.5;
    request.stop = {"END"};
    request.reasoning_effort = "low";
    ASSERT_TRUE(Chat(request));

    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].path, "/v1/chat/completions");
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer sk-test-1234");
    const Json& body = requests[0].json;
    EXPECT_EQ(body["model"], "gpt-test");
    EXPECT_EQ(body["stream"], true);
    EXPECT_EQ(body["stream_options"], (Json{{"include_usage", true}}));
    EXPECT_EQ(
        DumpJson(body["messages"]),
        R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Weather?"},)"
        R"({"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",)"
        R"("function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},)"
        R"({"role":"tool","tool_call_id":"call_1","content":"sunny"}])");
    EXPECT_EQ(
        DumpJson(body["tools"]),
        R"([{"type":"function","function":{"name":"get_weather","description":"Weather by city",)"
        R"("parameters":{"type":"object"}}}])");
    EXPECT_EQ(body["tool_choice"], "auto");
    EXPECT_EQ(body["max_completion_tokens"], 100);
    EXPECT_EQ(body["temperature"], 0.5);
    EXPECT_EQ(body["stop"], Json::array({"END"}));
    EXPECT_EQ(body["reasoning_effort"], "low");
}

TEST(OpenAiChatBody, ToolChoiceMapping) {
    using K = ToolChoice::Kind;
    struct Case {
        ToolChoice choice;
        std::string tool_choice;  // compact JSON
        std::vector<std::string> offered;
    };
    const std::vector<Case> cases = {
        {{K::kAuto, {}}, R"("auto")", {"a", "b", "c"}},
        {{K::kRequired, {}}, R"("required")", {"a", "b", "c"}},
        {{K::kNone, {}}, R"("none")", {"a", "b", "c"}},
        {{K::kTool, {"b"}}, R"({"type":"function","function":{"name":"b"}})", {"b"}},
        {{K::kTool, {"a", "c"}}, R"("required")", {"a", "c"}},
    };
    for (const Case& c : cases) {
        ChatRequest request = SimpleRequest();
        request.tools = {
            {"a", "", Json::object()}, {"b", "", Json::object()}, {"c", "", Json::object()}};
        request.tool_choice = c.choice;
        const Json body = BuildOpenAiChatBody(request);
        EXPECT_EQ(DumpJson(body["tool_choice"]), c.tool_choice);
        std::vector<std::string> offered;
        for (const Json& tool : body["tools"]) offered.push_back(tool["function"]["name"]);
        EXPECT_EQ(offered, c.offered);
    }
}

TEST(OpenAiChatBody, NoToolsNoToolChoiceAndResponseFormatPassesThrough) {
    ChatRequest request = SimpleRequest();
    request.response_format = Json{{"type", "json_object"}};
    const Json body = BuildOpenAiChatBody(request);
    EXPECT_FALSE(body.contains("tools"));
    EXPECT_FALSE(body.contains("tool_choice"));
    EXPECT_FALSE(body.contains("max_completion_tokens"));
    EXPECT_EQ(body["response_format"], (Json{{"type", "json_object"}}));
}

TEST_F(OpenAiCompatibleTest, ToolCallsWithFragmentedArguments) {
    FakeReply reply;
    reply.tool_calls = {{"call_abc", "get_weather", R"({"city": "Paris", "days": 3})"},
                        {"", "get_time", R"({"zone": "CET"})"}};
    fake_->Enqueue(reply);
    RecordingSink sink;
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_TRUE(result) << result.error().message;
    ASSERT_EQ(result->tool_calls.size(), 2u);
    EXPECT_EQ(result->tool_calls[0].id, "call_abc");
    EXPECT_EQ(result->tool_calls[0].name, "get_weather");
    EXPECT_EQ(result->tool_calls[0].arguments, (Json{{"city", "Paris"}, {"days", 3}}));
    EXPECT_EQ(result->tool_calls[1].name, "get_time");
    EXPECT_FALSE(result->tool_calls[1].id.empty());
    EXPECT_EQ(result->finish_reason, "tool_calls");
    ASSERT_GE(sink.events.size(), 4u);
    EXPECT_EQ(sink.events[0], "start:0:call_abc:get_weather");
    int fragments = 0;
    for (const std::string& e : sink.events) fragments += e.rfind("args:0:", 0) == 0;
    EXPECT_GE(fragments, 2);  // arrived in pieces
    ASSERT_EQ(sink.arguments.size(), 2u);
    EXPECT_EQ(sink.arguments[0], R"({"city": "Paris", "days": 3})");
}

TEST_F(OpenAiCompatibleTest, ReasoningContentIsThinking) {
    FakeReply reply;
    reply.thinking = "Let me think about it.";
    reply.text = "42";
    fake_->Enqueue(reply);
    RecordingSink sink;
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->thinking, "Let me think about it.");
    EXPECT_EQ(sink.thinking, "Let me think about it.");
    EXPECT_EQ(sink.events.front().rfind("thinking:", 0), 0u);
    EXPECT_EQ(result->text, "42");
}

TEST_F(OpenAiCompatibleTest, RetriesAfter429HonouringRetryAfter) {
    FakeReply limited;
    limited.status = 429;
    limited.retry_after = "1";
    fake_->Enqueue(limited);
    FakeReply ok;
    ok.text = "after the wait";
    fake_->Enqueue(ok);
    const auto start = Clock::now();
    auto result = Chat(SimpleRequest());
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->text, "after the wait");
    EXPECT_EQ(fake_->RequestCount(), 2u);
    EXPECT_GE(MsSince(start), 900);  // waited Retry-After, not the 10 ms backoff
}

TEST_F(OpenAiCompatibleTest, ServerErrorAfterRetriesIsUnavailable) {
    FakeReply failure;
    failure.status = 500;
    for (int i = 0; i < 3; ++i) fake_->Enqueue(failure);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(result.error().message.find("HTTP 500"), std::string::npos) << result.error().message;
    EXPECT_NE(result.error().message.find("fake error"), std::string::npos);  // upstream's message
    EXPECT_EQ(fake_->RequestCount(), 3u);                                     // 1 + max_retries
}

TEST_F(OpenAiCompatibleTest, RateLimitedAfterRetriesIsResourceExhausted) {
    FakeReply limited;
    limited.status = 429;
    for (int i = 0; i < 3; ++i) fake_->Enqueue(limited);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kResourceExhausted);
}

TEST_F(OpenAiCompatibleTest, BadRequestIsNotRetried) {
    FakeReply rejected;
    rejected.status = 400;
    fake_->Enqueue(rejected);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(fake_->RequestCount(), 1u);
}

TEST_F(OpenAiCompatibleTest, MalformedChunkIsAnError) {
    FakeReply reply;
    reply.text = "partial answer";
    reply.malformed = true;
    fake_->Enqueue(reply);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(result.error().message, "upstream sent a malformed chunk");
    EXPECT_EQ(fake_->RequestCount(), 1u);  // bytes were delivered: never retried
}

TEST_F(OpenAiCompatibleTest, HangUpMidStreamIsAnError) {
    FakeReply reply;
    reply.text = "cut short";
    reply.hang_up = true;
    fake_->Enqueue(reply);
    auto result = Chat(SimpleRequest());
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
}

TEST_F(OpenAiCompatibleTest, CancelMidStreamReturnsPromptly) {
    FakeReply reply;
    for (int i = 0; i < 20; ++i) reply.text_chunks.push_back("word ");
    reply.chunk_delay_ms = 200;  // 4 s of stream
    fake_->Enqueue(reply);
    RecordingSink sink;
    sink.cancel_on_text = &cancel_;
    const auto start = Clock::now();
    auto result = Chat(SimpleRequest(), &sink);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
    EXPECT_LT(MsSince(start), 1500);
    EXPECT_LT(sink.events.size(), 5u);
    EXPECT_TRUE(fake_->WaitForDisconnect(3000));  // the upstream request was aborted
}

TEST_F(OpenAiCompatibleTest, CancelWhileWaitingForFirstByte) {
    FakeReply reply;
    reply.text = "late";
    reply.delay_ms = 10000;
    fake_->Enqueue(reply);
    std::thread canceller([this] {
        fake_->WaitForRequests(1, 5000);
        cancel_.Cancel();
    });
    const auto start = Clock::now();
    auto result = Chat(SimpleRequest());
    canceller.join();
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
    EXPECT_LT(MsSince(start), 2000);
}

TEST_F(OpenAiCompatibleTest, SnowflakeUsesCortexPathAndPatHeaders) {
    UpstreamOptions options = options_;
    options.base_url = fake_->base_url();
    options.api_key = "pat-secret";
    auto snowflake = MakeSnowflakeProvider(options);
    EXPECT_EQ(snowflake->kind(), "snowflake");
    fake_->Enqueue(FakeReply{.text = "from snowflake"});
    auto result = snowflake->Chat(SimpleRequest(), nullptr, cancel_);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->text, "from snowflake");
    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].path, "/api/v2/cortex/v1/chat/completions");
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer pat-secret");
    EXPECT_EQ(requests[0].headers.at("x-snowflake-authorization-token-type"),
              "PROGRAMMATIC_ACCESS_TOKEN");
}

TEST_F(OpenAiCompatibleTest, RegistryReadsApiKeyFromEnvironment) {
    ::setenv("OC_LLM_TEST_KEY", "sk-from-env", 1);
    ModelEntry entry;
    entry.name = "local";
    entry.provider = "openai_compatible";
    entry.base_url = fake_->base_url() + "/v1";
    entry.model = "llama3";
    entry.api_key_env = "OC_LLM_TEST_KEY";
    auto registry = ModelRegistry::FromEntries({entry});
    ::unsetenv("OC_LLM_TEST_KEY");  // read once, at load
    ASSERT_TRUE(registry) << registry.error().message;
    auto resolved = (*registry)->Resolve("local");
    ASSERT_TRUE(resolved);
    ChatRequest request = SimpleRequest();
    request.model = resolved->upstream_model;
    ASSERT_TRUE(resolved->provider->Chat(request, nullptr, cancel_));
    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer sk-from-env");
    EXPECT_EQ(requests[0].json["model"], "llama3");
}

}  // namespace
}  // namespace oc::llm
