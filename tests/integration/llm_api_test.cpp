// LLM endpoints over HTTP against the real binary with the offline model (no config):
// chat completions (reference agents-api.md §8.1), inference:complete (§8.3), models (§8.4).
#include <algorithm>
#include <fstream>

#include "fixture.h"
#include "llm_sse.h"
#include "openapi_validator.h"

namespace oc::testing {
namespace {

const std::string kChat = "/api/v2/cortex/v1/chat/completions";
const std::string kComplete = "/api/v2/cortex/inference:complete";
const std::string kSpecDir = TEST_DATA_DIR "/snowflake-rest-api-specs";

const Json kWeatherTool = Json::parse(R"({"type": "function", "function": {
    "name": "get_weather", "description": "Current weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}})");

std::string ChatBody(Json extra = Json::object()) {
    Json body = {
        {"model", "claude-4-sonnet"},
        {"messages", Json::array({{{"role", "user"}, {"content", "Say hello to the tests"}}})}};
    for (auto it = extra.begin(); it != extra.end(); ++it) body[it.key()] = it.value();
    return DumpJson(body);
}

std::string WeatherQuestion(bool stream) {
    Json extra = {{"tools", Json::array({kWeatherTool})},
                  {"stream", stream},
                  {"messages",
                   Json::array({{{"role", "user"}, {"content", "What is the weather in Rome?"}}})}};
    return ChatBody(extra);
}

using LlmApi = ServerTest;

TEST_F(LlmApi, ChatCompletionPlain) {
    auto r = Call("POST", kChat, ChatBody());
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    EXPECT_EQ(b["object"], "chat.completion");
    EXPECT_EQ(b["id"].get<std::string>().rfind("chatcmpl-", 0), 0u) << b;
    EXPECT_EQ(b["model"], "claude-4-sonnet");
    EXPECT_TRUE(b["created"].is_number_integer());
    ASSERT_EQ(b["choices"].size(), 1u);
    EXPECT_EQ(b["choices"][0]["index"], 0);
    EXPECT_EQ(b["choices"][0]["message"]["role"], "assistant");
    ASSERT_TRUE(b["choices"][0]["message"]["content"].is_string()) << b;
    EXPECT_FALSE(b["choices"][0]["message"]["content"].get<std::string>().empty());
    EXPECT_FALSE(b["choices"][0]["message"].contains("tool_calls"));
    EXPECT_EQ(b["choices"][0]["finish_reason"], "stop");
    const Json& u = b["usage"];
    EXPECT_EQ(u["total_tokens"],
              u["prompt_tokens"].get<int64_t>() + u["completion_tokens"].get<int64_t>());
    EXPECT_FALSE(r.Header("x-snowflake-request-id").empty());
}

TEST_F(LlmApi, ChatCompletionStreamRoleFirstSameIdsFinishAndDone) {
    auto plain = Body(Call("POST", kChat, ChatBody()));
    auto r = Call("POST", kChat, ChatBody({{"stream", true}}));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "text/event-stream");
    EXPECT_EQ(r.body.find("event:"), std::string::npos) << "only data: lines";
    auto frames = SseData(r.body);
    ASSERT_GE(frames.size(), 3u) << r.body;
    EXPECT_EQ(frames.back(), "[DONE]");
    auto chunks = SseJson(frames);
    ASSERT_EQ(chunks.size(), frames.size() - 1);
    EXPECT_EQ(chunks[0]["choices"][0]["delta"],
              Json::parse(R"({"role": "assistant", "content": ""})"));
    std::string text;
    for (const auto& c : chunks) {
        EXPECT_EQ(c["object"], "chat.completion.chunk");
        EXPECT_EQ(c["id"], chunks[0]["id"]);
        EXPECT_EQ(c["created"], chunks[0]["created"]);
        EXPECT_EQ(c["model"], "claude-4-sonnet");
        ASSERT_EQ(c["choices"].size(), 1u) << "no usage chunk without include_usage";
        EXPECT_TRUE(c["choices"][0].contains("finish_reason"));
        text += c["choices"][0]["delta"].value("content", "");
    }
    EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(chunks.back()["choices"][0]["delta"], Json::object());
    EXPECT_EQ(text, plain["choices"][0]["message"]["content"]) << "offline is deterministic";
}

TEST_F(LlmApi, ChatCompletionStreamUsageChunkWithIncludeUsage) {
    auto r = Call("POST", kChat,
                  ChatBody({{"stream", true}, {"stream_options", {{"include_usage", true}}}}));
    ASSERT_EQ(r.status, 200) << r.body;
    auto frames = SseData(r.body);
    ASSERT_GE(frames.size(), 4u);
    EXPECT_EQ(frames.back(), "[DONE]");
    auto chunks = SseJson(frames);
    const Json& usage = chunks.back();
    EXPECT_EQ(usage["choices"], Json::array());
    EXPECT_EQ(usage["id"], chunks[0]["id"]);
    EXPECT_GT(usage["usage"]["total_tokens"].get<int64_t>(), 0);
    EXPECT_EQ(chunks[chunks.size() - 2]["choices"][0]["finish_reason"], "stop");
}

TEST_F(LlmApi, ChatCompletionToolCallsPlain) {
    auto r = Call("POST", kChat, WeatherQuestion(false));
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    const Json& choice = b["choices"][0];
    EXPECT_EQ(choice["finish_reason"], "tool_calls") << b;
    EXPECT_TRUE(choice["message"]["content"].is_null());
    ASSERT_EQ(choice["message"]["tool_calls"].size(), 1u) << b;
    const Json& call = choice["message"]["tool_calls"][0];
    EXPECT_FALSE(call["id"].get<std::string>().empty());
    EXPECT_EQ(call["type"], "function");
    EXPECT_EQ(call["function"]["name"], "get_weather");
    auto args = ParseJson(call["function"]["arguments"].get<std::string>());
    ASSERT_TRUE(args && args->is_object()) << call;
}

TEST_F(LlmApi, ChatCompletionToolCallsStreamAsIndexedDeltas) {
    auto r = Call("POST", kChat, WeatherQuestion(true));
    ASSERT_EQ(r.status, 200) << r.body;
    auto chunks = SseJson(SseData(r.body));
    std::vector<Json> deltas;
    for (const auto& c : chunks) {
        const Json& d = c["choices"][0]["delta"];
        if (d.contains("tool_calls")) deltas.push_back(d["tool_calls"][0]);
    }
    ASSERT_GE(deltas.size(), 2u) << r.body;
    EXPECT_EQ(deltas[0]["index"], 0);
    EXPECT_FALSE(deltas[0]["id"].get<std::string>().empty());
    EXPECT_EQ(deltas[0]["type"], "function");
    EXPECT_EQ(deltas[0]["function"]["name"], "get_weather");
    EXPECT_EQ(deltas[0]["function"]["arguments"], "");
    std::string args;
    for (size_t i = 1; i < deltas.size(); ++i) {
        EXPECT_EQ(deltas[i]["index"], 0);
        EXPECT_FALSE(deltas[i].contains("id"));
        EXPECT_FALSE(deltas[i]["function"].contains("name"));
        args += deltas[i]["function"]["arguments"].get<std::string>();
    }
    auto parsed = ParseJson(args);
    ASSERT_TRUE(parsed && parsed->is_object()) << args;
    EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "tool_calls");
}

TEST_F(LlmApi, ChatCompletionAcceptsToolResultsAndParts) {
    Json messages = Json::parse(R"([
      {"role": "developer", "content": "Be brief."},
      {"role": "user", "content": [{"type": "text", "text": "What is the weather in Rome?"}]},
      {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}}]},
      {"role": "tool", "tool_call_id": "call_1", "content": "Sunny, 24 C"}])");
    Json extra = {{"messages", messages},
                  {"tools", Json::array({kWeatherTool})},
                  {"max_completion_tokens", 200},
                  {"temperature", 0.2},
                  {"top_p", 0.9},
                  {"stop", "END"},
                  {"reasoning_effort", "low"},
                  {"tool_choice", "auto"},
                  {"seed", 7},
                  {"n", 1}};
    auto r = Call("POST", kChat, ChatBody(extra));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(Body(r)["choices"][0]["message"]["content"].is_string()) << r.body;
}

TEST_F(LlmApi, ChatCompletionMaxTokensIs400) {
    auto r = Call("POST", kChat, ChatBody({{"max_tokens", 100}}));
    ExpectSnowflakeError(r, 400, "001003");
    EXPECT_NE(Body(r)["message"].get<std::string>().find("max_completion_tokens"),
              std::string::npos)
        << r.body;
    // OpenAI SDKs read body.error: the same message, so the SDK's exception says it too.
    EXPECT_EQ(Body(r)["error"]["message"], Body(r)["message"]);
    EXPECT_EQ(Body(r)["error"]["type"], "invalid_request_error");
    EXPECT_EQ(Body(r)["error"]["code"], "001003");
}

TEST_F(LlmApi, ChatCompletionInvalidRequestsAre400) {
    struct Case {
        std::string body;
        std::string mentions;
    };
    const std::vector<Case> cases = {
        {ChatBody({{"n", 2}}), "n"},
        {R"({"messages": [{"role": "user", "content": "hi"}]})", "model"},
        {R"({"model": "claude-4-sonnet"})", "messages"},
        {R"({"model": "claude-4-sonnet", "messages": []})", "messages"},
        {ChatBody({{"messages", Json::parse(R"([{"role": "robot", "content": "x"}])")}}),
         "messages[0].role"},
        {ChatBody({{"messages", Json::parse(R"([{"role": "tool", "content": "x"}])")}}),
         "tool_call_id"},
        {ChatBody({{"messages", Json::parse(R"([{"role": "user", "content": [{"type": "image_url",
            "image_url": {"url": "http://x/y.png"}}]}])")}}),
         "messages[0].content[0]"},
        {ChatBody({{"tool_choice", "sometimes"}}), "tool_choice"},
        {ChatBody({{"tools", "search"}}), "tools must be an array"},
        {ChatBody({{"tools", Json::parse(R"([{"type": "retrieval"}])")}}), "tools[0] must be"},
        {ChatBody({{"tools", Json::parse(R"([{"type": "function", "function": {}}])")}}),
         "tools[0].function.name is required"},
        {ChatBody({{"tools", Json::parse(R"([{"type": "function", "function": {"name": "f",
            "parameters": "x"}}])")}}),
         "tools[0].function.parameters must be an object"},
        {ChatBody({{"temperature", "hot"}}), "temperature"},
        {ChatBody({{"reasoning_effort", "extreme"}}), "reasoning_effort"},
    };
    for (const auto& c : cases) {
        auto r = Call("POST", kChat, c.body);
        ExpectSnowflakeError(r, 400, "001003");
        EXPECT_NE(Body(r)["message"].get<std::string>().find(c.mentions), std::string::npos)
            << c.body << " -> " << r.body;
    }
    ExpectSnowflakeError(Call("POST", kChat, "{not json"), 400, "390142");
}

// A server with a model map: names outside it are rejected before anything streams.
class LlmApiWithConfig : public ServerTest {
protected:
    void SetUp() override {
        std::string config = dir_.path() + "/cortex.toml";
        std::ofstream(config) << "[models.\"claude-4-sonnet\"]\nprovider = \"offline\"\n";
        server_ = CortexServer::Start(dir_.path() + "/data", {"--config", config});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
    }
};

TEST_F(LlmApiWithConfig, UnknownModelIs400NamingIt) {
    EXPECT_EQ(Call("POST", kChat, ChatBody()).status, 200);
    for (bool stream : {false, true}) {
        Json body = *ParseJson(ChatBody({{"model", "no-such-model"}, {"stream", stream}}));
        auto r = Call("POST", kChat, DumpJson(body));
        ExpectSnowflakeError(r, 400, "001003");
        EXPECT_NE(Body(r)["message"].get<std::string>().find("no-such-model"), std::string::npos)
            << r.body;
    }
    auto r =
        Call("POST", kComplete, R"({"model": "no-such-model", "messages": [{"content": "hi"}]})");
    ExpectSnowflakeError(r, 400, "001003");
    auto models = Body(Call("GET", "/api/v2/cortex/models"))["models"];
    EXPECT_NE(std::find(models.begin(), models.end(), Json("claude-4-sonnet")), models.end())
        << models;
}

// --- inference:complete -----------------------------------------------------------------

TEST_F(LlmApi, CompleteStreamsByDefaultInSpecShape) {
    OpenApiValidator specs(kSpecDir);
    auto r = Call("POST", kComplete,
                  R"({"model": "mistral-large2", "messages": [{"content": "Say hello"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "text/event-stream");
    auto frames = SseData(r.body);
    ASSERT_GE(frames.size(), 2u) << r.body;
    EXPECT_EQ(frames.back(), "[DONE]");
    auto events = SseJson(frames);
    std::string text;
    for (const auto& e : events) {
        auto v = specs.Validate(
            e, "cortex-inference.yaml#/components/schemas/StreamingCompleteResponseDataEvent");
        EXPECT_TRUE(v.empty()) << JoinViolations(v) << e;
        EXPECT_EQ(e["id"], r.Header("x-snowflake-request-id"));
        EXPECT_EQ(e["model"], "mistral-large2");
        EXPECT_EQ(e["created"], events[0]["created"]);
        EXPECT_EQ(e["choices"][0]["delta"]["type"], "text") << e;
        text += e["choices"][0]["delta"]["content"].get<std::string>();
    }
    EXPECT_FALSE(text.empty());
    EXPECT_EQ(events.back()["choices"][0]["finish_reason"], "stop");
    EXPECT_GT(events.back()["usage"]["total_tokens"].get<int64_t>(), 0);
    EXPECT_EQ(events.back()["usage"]["guard_tokens"], 0);
}

TEST_F(LlmApi, CompleteNonStreamingInSpecShape) {
    OpenApiValidator specs(kSpecDir);
    auto r =
        Call("POST", kComplete, R"({"model": "mistral-large2", "stream": false, "max_tokens": 100,
        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Say hello"}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    auto v =
        specs.Validate(b, "cortex-inference.yaml#/components/schemas/NonStreamingCompleteResponse");
    EXPECT_TRUE(v.empty()) << JoinViolations(v) << b;
    EXPECT_EQ(b["id"], r.Header("x-snowflake-request-id"));
    EXPECT_EQ(b["model"], "mistral-large2");
    const Json& msg = b["choices"][0]["message"];
    ASSERT_FALSE(msg["content"].get<std::string>().empty());
    EXPECT_EQ(msg["content_list"], Json::array({{{"type", "text"}, {"text", msg["content"]}}}));
    EXPECT_EQ(b["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(b["usage"]["guard_tokens"], 0);
}

const std::string kCortexWeather = R"({"model": "claude-4-sonnet", "stream": STREAM,
    "messages": [{"role": "user", "content": "What is the weather in Rome?"}],
    "tools": [{"tool_spec": {"type": "generic", "name": "get_weather", "description": "Current weather for a city",
               "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}}],
    "tool_choice": {"type": "auto"}})";

std::string CortexWeather(bool stream) {
    std::string s = kCortexWeather;
    s.replace(s.find("STREAM"), 6, stream ? "true" : "false");
    return s;
}

TEST_F(LlmApi, CompleteToolUseNonStreaming) {
    auto r = Call("POST", kComplete, CortexWeather(false));
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    EXPECT_EQ(b["choices"][0]["finish_reason"], "tool_calls") << b;
    Json use;
    for (const auto& item : b["choices"][0]["message"]["content_list"]) {
        if (item["type"] == "tool_use") use = item["tool_use"];
    }
    ASSERT_TRUE(use.is_object()) << b;
    EXPECT_EQ(use["name"], "get_weather");
    EXPECT_FALSE(use["tool_use_id"].get<std::string>().empty());
    EXPECT_TRUE(use["input"].is_object());
}

TEST_F(LlmApi, CompleteToolUseStreamsInputFragments) {
    auto r = Call("POST", kComplete, CortexWeather(true));
    ASSERT_EQ(r.status, 200) << r.body;
    std::string input, id;
    for (const auto& e : SseJson(SseData(r.body))) {
        const Json& d = e["choices"][0]["delta"];
        if (d["type"] != "tool_use") continue;
        EXPECT_EQ(d["name"], "get_weather");
        if (id.empty()) id = d["tool_use_id"];
        EXPECT_EQ(d["tool_use_id"], id);
        input += d["input"].get<std::string>();
    }
    ASSERT_FALSE(id.empty()) << r.body;
    auto parsed = ParseJson(input);
    EXPECT_TRUE(parsed && parsed->is_object()) << input;
}

TEST_F(LlmApi, CompleteAcceptsToolResultsContentList) {
    auto r = Call("POST", kComplete, R"({"model": "claude-4-sonnet", "stream": false,
      "messages": [
        {"role": "user", "content": "What is the weather in Rome?"},
        {"role": "assistant", "content_list": [{"type": "tool_use", "tool_use": {"tool_use_id": "t1",
          "name": "get_weather", "input": {"city": "Rome"}}}]},
        {"role": "user", "content_list": [{"type": "tool_results", "tool_results": {"tool_use_id": "t1",
          "name": "get_weather", "content": [{"type": "text", "text": "Sunny, 24 C"}]}}]}],
      "tools": [{"tool_spec": {"type": "generic", "name": "get_weather"}}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(Body(r)["choices"][0]["message"]["content"].is_string());
}

TEST_F(LlmApi, CompleteInvalidRequestsAre400) {
    for (const char* body :
         {R"({"messages": [{"content": "hi"}]})", R"({"model": "m"})",
          R"({"model": "m", "messages": [{"role": "robot", "content": "hi"}]})",
          R"({"model": "m", "messages": [{"content": "hi"}], "top_p": 2})",
          R"({"model": "m", "messages": [{"content": "hi"}], "tool_choice": {"type": "tool"}})"}) {
        ExpectSnowflakeError(Call("POST", kComplete, body), 400, "001003");
    }
    const std::vector<std::pair<std::string, std::string>> tool_cases = {
        {R"("tools": {})", "tools must be an array"},
        {R"("tools": [{"name": "f"}])", "tools[0].tool_spec is required"},
        {R"("tools": [{"tool_spec": {"description": "d"}}])", "tools[0].tool_spec.name is required"},
    };
    for (const auto& [tools, mentions] : tool_cases) {
        const std::string body = R"({"model": "m", "messages": [{"content": "hi"}], )" + tools + "}";
        auto r = Call("POST", kComplete, body);
        ExpectSnowflakeError(r, 400, "001003");
        EXPECT_NE(Body(r)["message"].get<std::string>().find(mentions), std::string::npos)
            << body << " -> " << r.body;
    }
}

TEST_F(LlmApi, ModelsListsTheOfflineModel) {
    auto r = Call("GET", "/api/v2/cortex/models");
    ASSERT_EQ(r.status, 200) << r.body;
    Json models = Body(r)["models"];
    ASSERT_TRUE(models.is_array()) << r.body;
    EXPECT_NE(std::find(models.begin(), models.end(), Json("offline")), models.end()) << r.body;
    ExpectSnowflakeError(Http("GET", server_->url() + "/api/v2/cortex/models"), 401, "390303");
}

}  // namespace
}  // namespace oc::testing
