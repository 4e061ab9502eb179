#include "fake_llm.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "cortex_process.h"
#include "fake_llm_wire.h"

namespace oc::testing {
namespace {

const std::vector<std::string> kJson = {"Content-Type: application/json"};

// The JSON payloads of the `data:` lines of an OpenAI stream, without [DONE].
std::vector<Json> DataPayloads(const std::string& body) {
    std::vector<Json> out;
    size_t pos = 0;
    while ((pos = body.find("data: ", pos)) != std::string::npos) {
        size_t end = body.find('\n', pos);
        std::string data = body.substr(pos + 6, end - pos - 6);
        if (data != "[DONE]") out.push_back(Json::parse(data, nullptr, false));
        pos = end;
    }
    return out;
}

// (event name, payload) pairs of an Anthropic stream.
std::vector<std::pair<std::string, Json>> Events(const std::string& body) {
    std::vector<std::pair<std::string, Json>> out;
    size_t pos = 0;
    while ((pos = body.find("event: ", pos)) != std::string::npos) {
        size_t name_end = body.find('\n', pos);
        size_t data = body.find("data: ", name_end);
        size_t data_end = body.find('\n', data);
        out.emplace_back(body.substr(pos + 7, name_end - pos - 7),
                         Json::parse(body.substr(data + 6, data_end - data - 6), nullptr, false));
        pos = data_end;
    }
    return out;
}

FakeReply TextAndToolCall() {
    FakeReply reply;
    reply.text = "Hello, world";
    reply.tool_calls.push_back({"call_7", "get_weather", R"({"city":"Paris","unit":"celsius"})"});
    return reply;
}

class FakeLlmTest : public ::testing::Test {
protected:
    void SetUp() override {
        fake_ = FakeLlm::Start();
        ASSERT_NE(fake_, nullptr);
    }
    HttpResult Post(const std::string& path, const Json& body) {
        return Http("POST", fake_->base_url() + path, DumpJson(body), kJson);
    }
    std::unique_ptr<FakeLlm> fake_;
};

TEST_F(FakeLlmTest, OpenAiPlainReplyCarriesTextAndToolCall) {
    fake_->Enqueue(TextAndToolCall());
    auto r = Post("/v1/chat/completions", {{"model", "gpt-x"}, {"messages", Json::array()}});
    ASSERT_EQ(r.status, 200);
    Json body = Json::parse(r.body);
    EXPECT_EQ(body["object"], "chat.completion");
    EXPECT_EQ(body["model"], "gpt-x");
    const Json& choice = body["choices"][0];
    EXPECT_EQ(choice["message"]["role"], "assistant");
    EXPECT_EQ(choice["message"]["content"], "Hello, world");
    const Json& call = choice["message"]["tool_calls"][0];
    EXPECT_EQ(call["id"], "call_7");
    EXPECT_EQ(call["type"], "function");
    EXPECT_EQ(call["function"]["name"], "get_weather");
    EXPECT_EQ(call["function"]["arguments"], R"({"city":"Paris","unit":"celsius"})");
    EXPECT_EQ(choice["finish_reason"], "tool_calls");
    EXPECT_EQ(body["usage"]["prompt_tokens"], 10);
    EXPECT_EQ(body["usage"]["completion_tokens"], 5);
    EXPECT_EQ(body["usage"]["total_tokens"], 15);
}

TEST_F(FakeLlmTest, OpenAiStreamCarriesDeltasToolCallUsageAndDone) {
    FakeReply reply = TextAndToolCall();
    reply.thinking = "hmm";
    fake_->Enqueue(reply);
    auto r =
        Post("/chat/completions",
             {{"model", "m"}, {"stream", true}, {"stream_options", {{"include_usage", true}}}});
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("content-type"), "text/event-stream");
    EXPECT_EQ(r.body.substr(r.body.size() - 14), "data: [DONE]\n\n");
    std::string text, reasoning, arguments, finish, id, name;
    int text_deltas = 0, argument_deltas = 0;
    const std::vector<Json> chunks = DataPayloads(r.body);
    ASSERT_GE(chunks.size(), 4u);
    EXPECT_EQ(chunks.front()["choices"][0]["delta"]["role"], "assistant");
    for (const Json& chunk : chunks) {
        ASSERT_FALSE(chunk.is_discarded());
        EXPECT_EQ(chunk["object"], "chat.completion.chunk");
        if (chunk["choices"].empty()) continue;
        const Json& choice = chunk["choices"][0];
        const Json& delta = choice["delta"];
        if (delta.contains("content") && delta["content"] != "")
            ++text_deltas, text += delta["content"];
        if (delta.contains("reasoning_content")) reasoning += delta["reasoning_content"];
        if (choice["finish_reason"].is_string()) finish = choice["finish_reason"];
        if (!delta.contains("tool_calls")) continue;
        const Json& call = delta["tool_calls"][0];
        EXPECT_EQ(call["index"], 0);
        if (call.contains("id")) id = call["id"], name = call["function"]["name"];
        std::string fragment = call["function"]["arguments"];
        if (!fragment.empty()) ++argument_deltas, arguments += fragment;
    }
    EXPECT_EQ(text, "Hello, world");
    EXPECT_GT(text_deltas, 1);
    EXPECT_EQ(reasoning, "hmm");
    EXPECT_EQ(id, "call_7");
    EXPECT_EQ(name, "get_weather");
    EXPECT_EQ(arguments, R"({"city":"Paris","unit":"celsius"})");
    EXPECT_GT(argument_deltas, 1);
    EXPECT_EQ(finish, "tool_calls");
    const Json& usage = chunks.back();
    EXPECT_TRUE(usage["choices"].empty());
    EXPECT_EQ(usage["usage"]["total_tokens"], 15);
}

TEST_F(FakeLlmTest, AnthropicPlainReplyHasContentBlocks) {
    FakeReply reply = TextAndToolCall();
    reply.thinking = "let me see";
    fake_->Enqueue(reply);
    auto r = Post("/v1/messages", {{"model", "claude-x"}, {"max_tokens", 100}});
    ASSERT_EQ(r.status, 200);
    Json body = Json::parse(r.body);
    EXPECT_EQ(body["type"], "message");
    EXPECT_EQ(body["role"], "assistant");
    EXPECT_EQ(body["model"], "claude-x");
    ASSERT_EQ(body["content"].size(), 3u);
    EXPECT_EQ(body["content"][0]["type"], "thinking");
    EXPECT_EQ(body["content"][0]["thinking"], "let me see");
    EXPECT_EQ(body["content"][0]["signature"], "fake-signature");
    EXPECT_EQ(body["content"][1], Json({{"type", "text"}, {"text", "Hello, world"}}));
    EXPECT_EQ(body["content"][2]["type"], "tool_use");
    EXPECT_EQ(body["content"][2]["id"], "call_7");
    EXPECT_EQ(body["content"][2]["input"], Json({{"city", "Paris"}, {"unit", "celsius"}}));
    EXPECT_EQ(body["stop_reason"], "tool_use");
    EXPECT_EQ(body["usage"]["input_tokens"], 10);
    EXPECT_EQ(body["usage"]["output_tokens"], 5);
}

TEST_F(FakeLlmTest, AnthropicStreamEventsInOrder) {
    FakeReply reply = TextAndToolCall();
    reply.thinking = "plan";
    reply.text_chunks = {"Hel", "lo"};
    fake_->Enqueue(reply);
    auto r = Post("/v1/messages", {{"model", "c"}, {"stream", true}});
    ASSERT_EQ(r.status, 200);
    std::vector<std::string> names;
    std::string partial_json;
    for (const auto& [name, data] : Events(r.body)) {
        ASSERT_FALSE(data.is_discarded()) << name;
        EXPECT_EQ(data["type"], name);
        std::string kind = name;
        if (name == "content_block_start")
            kind += ":" + data["content_block"]["type"].get<std::string>();
        if (name == "content_block_delta") kind += ":" + data["delta"]["type"].get<std::string>();
        if (data.contains("delta") && data["delta"].contains("partial_json")) {
            partial_json += data["delta"]["partial_json"];
        }
        if (names.empty() || names.back() != kind) names.push_back(kind);
    }
    const std::vector<std::string> expected = {"message_start",
                                               "ping",
                                               "content_block_start:thinking",
                                               "content_block_delta:thinking_delta",
                                               "content_block_delta:signature_delta",
                                               "content_block_stop",
                                               "content_block_start:text",
                                               "content_block_delta:text_delta",
                                               "content_block_stop",
                                               "content_block_start:tool_use",
                                               "content_block_delta:input_json_delta",
                                               "content_block_stop",
                                               "message_delta",
                                               "message_stop"};
    EXPECT_EQ(names, expected);
    EXPECT_EQ(partial_json, R"({"city":"Paris","unit":"celsius"})");
    auto events = Events(r.body);
    EXPECT_EQ(events[events.size() - 2].second["delta"]["stop_reason"], "tool_use");
    EXPECT_EQ(events[events.size() - 2].second["usage"]["output_tokens"], 5);
}

TEST_F(FakeLlmTest, RateLimitWithRetryAfterThenSuccess) {
    FakeReply limited;
    limited.status = 429;
    limited.retry_after = "2";
    fake_->Enqueue(limited);
    fake_->Enqueue(FakeReply{.text = "second"});
    auto first = Post("/v1/chat/completions", {{"model", "m"}});
    EXPECT_EQ(first.status, 429);
    EXPECT_EQ(first.Header("retry-after"), "2");
    EXPECT_EQ(Json::parse(first.body)["error"]["type"], "rate_limit_error");
    auto second = Post("/v1/chat/completions", {{"model", "m"}});
    EXPECT_EQ(second.status, 200);
    EXPECT_EQ(Json::parse(second.body)["choices"][0]["message"]["content"], "second");
}

TEST_F(FakeLlmTest, AnthropicErrorUsesItsFormatOrTheScriptedBody) {
    fake_->Enqueue(FakeReply{.status = 529});
    fake_->Enqueue(FakeReply{.status = 500, .error_body = "upstream exploded"});
    Json first = Json::parse(Post("/v1/messages", Json::object()).body);
    EXPECT_EQ(first["type"], "error");
    EXPECT_EQ(first["error"]["type"], "overloaded_error");
    EXPECT_EQ(Post("/v1/messages", Json::object()).body, "upstream exploded");
}

TEST_F(FakeLlmTest, RecordsMethodPathHeadersAndJson) {
    Http("POST", fake_->base_url() + "/api/v2/cortex/v1/chat/completions", R"({"model":"a","n":1})",
         {"Content-Type: application/json", "Authorization: Bearer tok"});
    Http("POST", fake_->base_url() + "/v1/messages", "not json", {"x-api-key: k"});
    ASSERT_EQ(fake_->RequestCount(), 2u);
    auto requests = fake_->Requests();
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].path, "/api/v2/cortex/v1/chat/completions");
    EXPECT_EQ(requests[0].headers.at("authorization"), "Bearer tok");
    EXPECT_EQ(requests[0].json, Json({{"model", "a"}, {"n", 1}}));
    EXPECT_EQ(requests[1].path, "/v1/messages");
    EXPECT_EQ(requests[1].headers.at("x-api-key"), "k");
    EXPECT_TRUE(requests[1].json.is_null());
    EXPECT_EQ(requests[1].body, "not json");
}

TEST_F(FakeLlmTest, EmptyScriptAnswersOkThenTheDefault) {
    auto lax = Json::parse(Post("/v1/chat/completions", Json::object()).body);
    EXPECT_EQ(lax["choices"][0]["message"]["content"], "ok");
    EXPECT_EQ(lax["choices"][0]["finish_reason"], "stop");
    fake_->SetDefault(FakeReply{.text = "always"});
    for (int i = 0; i < 2; ++i) {
        auto r = Json::parse(Post("/v1/messages", Json::object()).body);
        EXPECT_EQ(r["content"][0]["text"], "always");
        EXPECT_EQ(r["stop_reason"], "end_turn");
    }
}

TEST_F(FakeLlmTest, SlowStreamAbortedByClientCountsDisconnect) {
    FakeReply slow;
    slow.text_chunks = std::vector<std::string>(200, "x");
    slow.chunk_delay_ms = 50;  // 10 s in all; the client gives up after 1 s
    fake_->Enqueue(slow);
    auto start = std::chrono::steady_clock::now();
    auto r = HttpWithTimeout("POST", fake_->base_url() + "/v1/chat/completions", 1,
                             R"({"stream":true})", kJson);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
    EXPECT_TRUE(fake_->WaitForDisconnect(5000));
    EXPECT_EQ(fake_->DisconnectCount(), 1);
}

TEST_F(FakeLlmTest, DelayedPlainReplyStillParses) {
    fake_->Enqueue(FakeReply{.text = "late", .delay_ms = 100});
    auto start = std::chrono::steady_clock::now();
    auto r = Post("/v1/chat/completions", Json::object());
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(100));
    EXPECT_EQ(Json::parse(r.body)["choices"][0]["message"]["content"], "late");
}

TEST_F(FakeLlmTest, MalformedChunkMidStream) {
    fake_->Enqueue(FakeReply{.text = "abcdef", .malformed = true});
    auto r = Post("/v1/chat/completions", {{"stream", true}});
    auto chunks = DataPayloads(r.body);
    int broken = 0;
    for (const Json& chunk : chunks) broken += chunk.is_discarded();
    EXPECT_EQ(broken, 1);
    EXPECT_TRUE(chunks.back()["choices"][0]["finish_reason"] == "stop");
    EXPECT_NE(r.body.find("data: [DONE]"), std::string::npos);
}

TEST_F(FakeLlmTest, HangUpStopsInsideAnEventWithoutTerminator) {
    fake_->Enqueue(FakeReply{.text = "abcdef", .hang_up = true});
    auto r = Post("/v1/messages", {{"stream", true}});
    EXPECT_NE(r.body.find("event: message_start"), std::string::npos);
    EXPECT_EQ(r.body.find("message_stop"), std::string::npos);
    EXPECT_NE(r.body.substr(r.body.size() - 2), "\n\n");
}

TEST_F(FakeLlmTest, StopAbortsSlowStreamPromptly) {
    fake_->Enqueue(
        FakeReply{.text_chunks = std::vector<std::string>(100, "x"), .chunk_delay_ms = 1000});
    std::thread client([url = fake_->base_url()] {
        HttpWithTimeout("POST", url + "/v1/chat/completions", 30, R"({"stream":true})", kJson);
    });
    ASSERT_TRUE(fake_->WaitForRequests(1, 5000));
    auto start = std::chrono::steady_clock::now();
    fake_->Stop();
    client.join();  // the connection is closed: the client does not wait for its 30 s timeout
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(FakeLlmTest, ControlApiScriptsRecordsAndResets) {
    const std::string url = fake_->base_url();
    auto scripted = Http("POST", url + "/_script", R"([{"text": "one"},
        {"tool_calls": [{"id": "c1", "name": "f", "arguments": {"a": 1}}]}])",
                         kJson);
    ASSERT_EQ(scripted.status, 200) << scripted.body;
    EXPECT_EQ(Json::parse(scripted.body)["pending"], 2);
    ASSERT_EQ(Http("POST", url + "/_default", R"({"status": 503, "retry_after": 7})").status, 200);
    EXPECT_EQ(
        Json::parse(
            Post("/v1/chat/completions", {{"q", 1}}).body)["choices"][0]["message"]["content"],
        "one");
    auto call = Json::parse(Post("/v1/messages", Json::object()).body)["content"][0];
    EXPECT_EQ(call["input"], Json({{"a", 1}}));
    auto fallback = Post("/v1/messages", Json::object());
    EXPECT_EQ(fallback.status, 503);
    EXPECT_EQ(fallback.Header("retry-after"), "7");
    auto requests = Json::parse(Http("GET", url + "/_requests").body);
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[0]["path"], "/v1/chat/completions");
    EXPECT_EQ(requests[0]["body"], Json({{"q", 1}}));
    EXPECT_EQ(requests[0]["headers"]["content-type"], "application/json");
    EXPECT_EQ(Json::parse(Http("GET", url + "/_stats").body)["requests"], 3);
    ASSERT_EQ(Http("POST", url + "/_reset").status, 200);
    EXPECT_EQ(Http("GET", url + "/_requests").body, "[]");
    EXPECT_EQ(Json::parse(Post("/v1/messages", Json::object()).body)["content"][0]["text"], "ok");
}

TEST_F(FakeLlmTest, ControlApiRejectsUnknownOrMistypedFields) {
    auto unknown = Http("POST", fake_->base_url() + "/_script", R"([{"txt": "typo"}])");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_NE(unknown.body.find("unknown reply field txt"), std::string::npos);
    auto mistyped = Http("POST", fake_->base_url() + "/_script", R"({"status": "429"})");
    EXPECT_EQ(mistyped.status, 400);
    EXPECT_NE(mistyped.body.find("status must be an integer, got string"), std::string::npos);
    EXPECT_EQ(fake_->PendingReplies(), 0u);
}

TEST(FakeLlmWire, SplitPiecesKeepsUtf8SequencesWhole) {
    EXPECT_EQ(SplitPieces("", 3), std::vector<std::string>{});
    EXPECT_EQ(SplitPieces("ab", 3), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(SplitPieces("abcdef", 3), (std::vector<std::string>{"ab", "cd", "ef"}));
    EXPECT_EQ(SplitPieces("é€x", 3), (std::vector<std::string>{"é", "€", "x"}));
}

// Runs the fake_llm binary with --port 0 and reads its `listening on` line.
class FakeLlmProcess {
public:
    FakeLlmProcess() {
        int fds[2];
        if (pipe(fds) != 0) return;
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
            execl(FAKE_LLM_BINARY, FAKE_LLM_BINARY, "--port", "0", static_cast<char*>(nullptr));
            _exit(127);
        }
        close(fds[1]);
        std::string out;
        char c;
        pollfd pfd{fds[0], POLLIN, 0};
        while (out.find('\n') == std::string::npos && poll(&pfd, 1, 10000) > 0 &&
               read(fds[0], &c, 1) == 1) {
            out += c;
        }
        close(fds[0]);
        const std::string prefix = "listening on ";
        if (out.rfind(prefix, 0) == 0)
            url_ = out.substr(prefix.size(), out.size() - prefix.size() - 1);
    }
    ~FakeLlmProcess() {
        if (pid_ > 0) Terminate();
    }
    const std::string& url() const { return url_; }
    // SIGTERM and wait; the exit status, or -1 when it did not stop within 10 s.
    int Terminate() {
        kill(pid_, SIGTERM);
        int status = 0;
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                kill(pid_, SIGKILL);
                waitpid(pid_, &status, 0);
                pid_ = -1;
                return -1;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    pid_t pid_ = -1;
    std::string url_;
};

TEST(FakeLlmBinary, ScriptedOverHttpAndStopsOnSigterm) {
    FakeLlmProcess process;
    ASSERT_EQ(process.url().rfind("http://127.0.0.1:", 0), 0u) << process.url();
    ASSERT_EQ(Http("POST", process.url() + "/_script", R"([{"text": "from script"}])").status, 200);
    auto r = Http("POST", process.url() + "/v1/chat/completions", R"({"stream": true})", kJson);
    std::string text;
    for (const Json& chunk : DataPayloads(r.body)) {
        if (chunk["choices"].empty()) continue;
        text += chunk["choices"][0]["delta"].value("content", "");
    }
    EXPECT_EQ(text, "from script");
    auto requests = Json::parse(Http("GET", process.url() + "/_requests").body);
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0]["body"]["stream"], true);
    EXPECT_EQ(process.Terminate(), 0);
}

}  // namespace
}  // namespace oc::testing
