// Agent runs against the loopback fake LLM (an openai_compatible upstream): token budget, tool
// arguments reaching the macro, upstream failure, thread history in the prompt, client disconnect
// and the cancel endpoint on an active run (reference agents-api.md §3.5, §3.9).
#include <fstream>
#include <thread>

#include "fake_llm.h"
#include "run_fixture.h"

namespace oc::testing {
namespace {

using namespace runs;  // NOLINT: the run test helpers of run_fixture.h

class AgentRunsUpstream : public AgentRuns {
protected:
    void SetUp() override {
        fake_ = FakeLlm::Start();
        ASSERT_NE(fake_, nullptr);
        std::string config = dir_.path() + "/cortex.toml";
        std::ofstream(config) << "[models.\"fake\"]\nprovider = \"openai_compatible\"\nbase_url = \""
                              << fake_->base_url() << "/v1\"\napi_key_env = \"X\"\nmax_retries = 0\n";
        server_ = CortexServer::Start(dir_.path() + "/data", {"--config", config}, {{"X", "sk-test"}});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
    }
    Json FakeAgent(const std::string& question) {
        Json body = WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL", "fake"), question);
        return body;
    }
    static FakeReply Slow() {
        FakeReply reply;
        for (int i = 0; i < 100; ++i) reply.text_chunks.push_back("tick ");
        reply.chunk_delay_ms = 200;  // 20 s in all
        return reply;
    }
    std::unique_ptr<FakeLlm> fake_;
};

TEST_F(AgentRunsUpstream, UnconfiguredModelIs400NamingIt) {
    auto r = RunInline(WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL", "not-configured-model"), "hi"));
    ExpectSnowflakeError(r, 400, "001003");
    EXPECT_NE(Body(r)["message"].get<std::string>().find("not-configured-model"), std::string::npos) << r.body;
    EXPECT_EQ(fake_->RequestCount(), 0u);
}

TEST_F(AgentRunsUpstream, TokenBudgetEndsWithBudgetWarning) {
    MakeMacro();
    FakeReply call;
    call.tool_calls = {{"call_1", "order_total", R"({"qty": 3, "price": 2.5})"}};
    call.prompt_tokens = 50;
    fake_->Enqueue(call);
    Json body = FakeAgent("order total?");
    body["orchestration"] = {{"budget", {{"tokens", 20}}}};
    auto r = RunInline(body);
    auto events = ParseSse(r.body);
    const SseEvent* warning = First(events, "response.warning");
    ASSERT_NE(warning, nullptr) << r.body;
    EXPECT_EQ(warning->json["code"], "budget_exhausted");
    auto names = Names(events);
    ASSERT_GE(names.size(), 5u);
    EXPECT_EQ(std::vector<std::string>(names.end() - 5, names.end()),
              (std::vector<std::string>{"response.warning", "response.text.delta", "response.text", "response", "done"}));
    EXPECT_EQ(First(events, "response")->json["status"], "completed");
    EXPECT_EQ(fake_->RequestCount(), 1u);
}

TEST_F(AgentRunsUpstream, ToolArgumentsReachTheMacro) {
    MakeMacro();
    FakeReply call;
    call.tool_calls = {{"call_1", "order_total", R"({"qty": 3, "price": 2.5})"}};
    fake_->Enqueue(call);
    FakeReply answer;
    answer.text = "The total is 7.5.";
    fake_->Enqueue(answer);
    Json body = FakeAgent("order total?");
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    EXPECT_EQ(b["content"][1]["tool_result"]["content"][0]["json"]["result"], 7.5);
    EXPECT_EQ(b["content"][2]["text"], "The total is 7.5.");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    const Json& last = requests[1].json["messages"].back();
    EXPECT_EQ(last["role"], "tool");
    EXPECT_EQ(last["tool_call_id"], "call_1");
}

TEST_F(AgentRunsUpstream, UpstreamFailureSendsErrorThenDone) {
    FakeReply failure;
    failure.status = 500;
    fake_->Enqueue(failure);
    auto r = RunInline(FakeAgent("hi"));
    ASSERT_EQ(r.status, 200);
    auto events = ParseSse(r.body);
    ASSERT_GE(events.size(), 2u) << r.body;
    EXPECT_EQ(events[events.size() - 2].name, "error");
    EXPECT_EQ(events.back().name, "done");
    const Json& error = events[events.size() - 2].json;
    EXPECT_EQ(error["code"], "399504");
    EXPECT_EQ(error["error_code"], "399504");
    EXPECT_EQ(error["request_id"], r.Header("x-snowflake-request-id"));
    EXPECT_EQ(First(events, "response"), nullptr);
}

TEST_F(AgentRunsUpstream, ThreadHistoryReachesTheModel) {
    int64_t thread = NewThread();
    FakeReply a1;
    a1.text = "Revenue was 5.";
    fake_->Enqueue(a1);
    Json first = FakeAgent("What was revenue?");
    first["thread_id"] = thread;
    first["parent_message_id"] = 0;
    first["stream"] = false;
    auto r1 = RunInline(first);
    ASSERT_EQ(r1.status, 200) << r1.body;
    Json second = first;
    second["messages"] = Question("And last year?");
    second["parent_message_id"] = Body(r1)["metadata"]["assistant_message_id"];
    auto r2 = RunInline(second);
    ASSERT_EQ(r2.status, 200) << r2.body;
    Json messages = fake_->Requests().at(1).json["messages"];
    ASSERT_EQ(messages.size(), 4u) << messages.dump();  // system, Q1, A1, Q2
    EXPECT_EQ(messages[1]["content"], "What was revenue?");
    EXPECT_EQ(messages[2]["role"], "assistant");
    EXPECT_EQ(messages[2]["content"], "Revenue was 5.");
    EXPECT_EQ(messages[3]["content"], "And last year?");
}

TEST_F(AgentRunsUpstream, ClientDisconnectCancelsTheRunAndItsUpstreamCall) {
    int64_t thread = NewThread();
    fake_->Enqueue(Slow());
    Json body = FakeAgent("count");
    body["thread_id"] = thread;
    body["parent_message_id"] = 0;
    auto r = HttpWithTimeout("POST", server_->url() + kInlineRun, 1, DumpJson(body),
                             {"Authorization: Bearer " + token_, "Content-Type: application/json"});
    auto events = ParseSse(r.body);
    ASSERT_FALSE(events.empty()) << "the first events left before the model finished";
    EXPECT_NE(First(events, "response.text.delta"), nullptr) << r.body;
    std::string run_id = events[0].json["metadata"]["run_id"];
    EXPECT_TRUE(fake_->WaitForDisconnect(15000)) << "the upstream call was not cancelled";
    auto replay = HttpWithTimeout("GET", server_->url() + kRuns + run_id, 15, "", {"Authorization: Bearer " + token_});
    auto all = ParseSse(replay.body);
    const SseEvent* response = First(all, "response");
    ASSERT_NE(response, nullptr) << replay.body;
    EXPECT_EQ(response->json["status"], "cancelled");
}

TEST_F(AgentRunsUpstream, CancelEndpointStopsAnActiveRun) {
    int64_t thread = NewThread();
    fake_->Enqueue(Slow());
    Json body = FakeAgent("count");
    body["thread_id"] = thread;
    body["parent_message_id"] = 0;
    HttpResult stream;
    std::thread client([&] {
        stream = HttpWithTimeout("POST", server_->url() + kInlineRun, 30, DumpJson(body),
                                 {"Authorization: Bearer " + token_, "Content-Type: application/json"});
    });
    // The run id is <thread>-<user message id>; the user message is stored before the run starts.
    std::string run_id;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (run_id.empty() && std::chrono::steady_clock::now() < deadline) {
        Json messages = Body(Call("GET", kThreads + "/" + std::to_string(thread)))["messages"];
        if (!messages.empty()) run_id = std::to_string(thread) + "-" + messages.back()["message_id"].dump();
        if (run_id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_FALSE(run_id.empty());
    ASSERT_TRUE(fake_->WaitForRequests(1, 15000));
    // A reconnect while the run is active gets what was sent so far, then follows live.
    auto live = HttpWithTimeout("GET", server_->url() + kRuns + run_id, 1, "", {"Authorization: Bearer " + token_});
    EXPECT_EQ(ParseSse(live.body).front().name, "metadata") << live.body;
    auto c = Call("POST", kRuns + run_id + "/cancel", "{}");
    client.join();
    ASSERT_EQ(c.status, 200) << c.body;
    Json meta = Body(c)["metadata"];
    EXPECT_EQ(meta["run_id"], run_id);
    EXPECT_EQ(meta["thread_id"], thread);
    EXPECT_TRUE(meta.contains("usage"));
    auto events = ParseSse(stream.body);
    ASSERT_GE(events.size(), 2u) << stream.body;
    EXPECT_EQ(events.back().name, "done");
    EXPECT_EQ(events[events.size() - 2].json["status"], "cancelled");
    EXPECT_EQ(Call("POST", kRuns + run_id + "/cancel", "{}").status, 409);
}

}  // namespace
}  // namespace oc::testing
