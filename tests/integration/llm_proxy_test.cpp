// Chat completions proxied to a real OpenAI-compatible upstream (the loopback fake LLM of
// tests/support): text, streamed deltas, tool calls, upstream failure mid-stream, and cancel
// of the upstream call when the client disconnects (reference agents-api.md §8.1).
#include <fstream>

#include "fake_llm.h"
#include "fixture.h"
#include "llm_sse.h"

namespace oc::testing {
namespace {

const std::string kChat = "/api/v2/cortex/v1/chat/completions";

class LlmProxy : public ServerTest {
protected:
    void SetUp() override {
        fake_ = FakeLlm::Start();
        ASSERT_NE(fake_, nullptr);
        std::string config = dir_.path() + "/cortex.toml";
        std::ofstream(config)
            << "[models.\"fake\"]\nprovider = \"openai_compatible\"\nbase_url = \""
            << fake_->base_url() << "/v1\"\napi_key_env = \"FAKE_KEY\"\nmax_retries = 0\n";
        server_ = CortexServer::Start(dir_.path() + "/data", {"--config", config},
                                      {{"FAKE_KEY", "sk-fake-1234"}});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
    }
    static std::string Ask(bool stream) {
        return DumpJson(
            Json{{"model", "fake"},
                 {"stream", stream},
                 {"messages", Json::array({{{"role", "user"}, {"content", "hi upstream"}}})}});
    }
    std::unique_ptr<FakeLlm> fake_;
};

TEST_F(LlmProxy, PlainCompletionComesFromUpstream) {
    FakeReply reply;
    reply.text = "Hello from upstream";
    reply.prompt_tokens = 12;
    reply.completion_tokens = 4;
    fake_->Enqueue(reply);
    auto r = Call("POST", kChat, Ask(false));
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    EXPECT_EQ(b["model"], "fake");
    EXPECT_EQ(b["choices"][0]["message"]["content"], "Hello from upstream");
    EXPECT_EQ(b["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(b["usage"],
              Json::parse(R"({"prompt_tokens": 12, "completion_tokens": 4, "total_tokens": 16})"));
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].path, "/v1/chat/completions");
    EXPECT_EQ(requests[0].headers["authorization"], "Bearer sk-fake-1234");
    EXPECT_EQ(requests[0].json["model"], "fake");
    EXPECT_EQ(requests[0].json["messages"].back()["content"], "hi upstream");
}

TEST_F(LlmProxy, StreamRelaysUpstreamDeltas) {
    FakeReply reply;
    reply.text_chunks = {"Hel", "lo ", "there"};
    reply.text = "Hello there";
    fake_->Enqueue(reply);
    auto r = Call("POST", kChat, Ask(true));
    ASSERT_EQ(r.status, 200) << r.body;
    std::vector<std::string> pieces;
    auto chunks = SseJson(SseData(r.body));
    for (const auto& c : chunks) {
        const Json& d = c["choices"][0]["delta"];
        if (d.contains("content") && !d["content"].get<std::string>().empty())
            pieces.push_back(d["content"]);
    }
    EXPECT_EQ(pieces, (std::vector<std::string>{"Hel", "lo ", "there"})) << r.body;
    EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(SseData(r.body).back(), "[DONE]");
}

TEST_F(LlmProxy, StreamRelaysUpstreamToolCalls) {
    FakeReply reply;
    reply.tool_calls.push_back({"call_9", "get_weather", R"({"city":"Rome"})"});
    fake_->Enqueue(reply);
    auto r = Call("POST", kChat, Ask(true));
    ASSERT_EQ(r.status, 200) << r.body;
    std::string args, id;
    auto chunks = SseJson(SseData(r.body));
    for (const auto& c : chunks) {
        const Json& d = c["choices"][0]["delta"];
        if (!d.contains("tool_calls")) continue;
        if (d["tool_calls"][0].contains("id")) id = d["tool_calls"][0]["id"];
        args += d["tool_calls"][0]["function"]["arguments"].get<std::string>();
    }
    EXPECT_EQ(id, "call_9");
    EXPECT_EQ(*ParseJson(args), Json::parse(R"({"city": "Rome"})"));
    EXPECT_EQ(chunks.back()["choices"][0]["finish_reason"], "tool_calls");
}

TEST_F(LlmProxy, UpstreamFailureAfterStartIsAnErrorChunk) {
    FakeReply reply;
    reply.status = 503;
    fake_->Enqueue(reply);
    auto r = Call("POST", kChat, Ask(true));
    ASSERT_EQ(r.status, 200) << "headers were sent before the upstream failed";
    auto frames = SseData(r.body);
    ASSERT_GE(frames.size(), 2u) << r.body;
    EXPECT_NE(frames.back(), "[DONE]");
    Json last = *ParseJson(frames.back());
    ASSERT_TRUE(last.contains("error")) << r.body;
    EXPECT_TRUE(last["error"]["message"].is_string());
    EXPECT_EQ(last["error"]["type"], "server_error");
    EXPECT_TRUE(last["error"]["code"].is_string());
}

TEST_F(LlmProxy, NonStreamingUpstreamFailureIsSnowflakeError) {
    FakeReply reply;
    reply.status = 503;
    fake_->Enqueue(reply);
    auto r = Call("POST", kChat, Ask(false));
    EXPECT_GE(r.status, 500) << r.body;
    ExpectSnowflakeError(r, r.status, Body(r).value("code", ""));
}

TEST_F(LlmProxy, ClientDisconnectCancelsTheUpstreamCall) {
    FakeReply reply;
    for (int i = 0; i < 100; ++i) reply.text_chunks.push_back("tick ");
    reply.chunk_delay_ms = 200;  // 20 s in all
    fake_->Enqueue(reply);
    auto r = HttpWithTimeout("POST", server_->url() + kChat, 1, Ask(true),
                             {"Authorization: Bearer " + token_, "Content-Type: application/json"});
    EXPECT_NE(r.body.find("tick"), std::string::npos)
        << "deltas flowed before the hang-up: " << r.body;
    EXPECT_TRUE(fake_->WaitForDisconnect(10000)) << "the upstream stream was not cancelled";
}

}  // namespace
}  // namespace oc::testing
