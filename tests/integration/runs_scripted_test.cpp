// Agent runs against the scripted fake LLM through the real binary (reference agents-api.md §3):
// the seconds budget (ending a slow upstream stream), every tool_choice variant as the upstream
// receives it, the webhook tool (request, headers, result, HTTP failure given back to the model),
// and an anthropic upstream's thinking and tool_use blocks becoming run events.
#include <chrono>
#include <fstream>
#include <mutex>

#include "fake_llm.h"
#include "net/router.h"
#include "net/server.h"
#include "run_fixture.h"

namespace oc::testing {
namespace {

using namespace runs;  // NOLINT: the run test helpers of run_fixture.h

// A loopback webhook receiver: records each request and answers with the scripted status/body.
class Webhook {
public:
    bool Start() {
        router_.Add(
            "POST", "/hook",
            [this](net::HttpRequest& req) {
                std::lock_guard lock(mu_);
                requests_.push_back(req);
                net::HttpResponse resp;
                resp.status = status_;
                resp.body = answer_;
                return resp;
            },
            false);
        net::ServerOptions options;
        options.host = "127.0.0.1";
        options.port = 0;
        options.io_threads = 1;
        server_ = std::make_unique<net::Server>(options, router_, [](int status, const std::string& m) {
            net::HttpResponse r;
            r.status = status;
            r.body = m;
            return r;
        });
        auto port = server_->Start();
        if (!port) return false;
        url_ = "http://127.0.0.1:" + std::to_string(*port) + "/hook";
        return true;
    }
    ~Webhook() {
        if (server_) server_->Stop();
    }
    void Answer(int status, std::string body) {
        std::lock_guard lock(mu_);
        status_ = status;
        answer_ = std::move(body);
    }
    std::vector<net::HttpRequest> Requests() {
        std::lock_guard lock(mu_);
        return requests_;
    }
    const std::string& url() const { return url_; }

private:
    net::Router router_;
    std::unique_ptr<net::Server> server_;
    std::mutex mu_;
    std::vector<net::HttpRequest> requests_;
    int status_ = 200;
    std::string answer_ = "{}";
    std::string url_;
};

class ScriptedRuns : public AgentRuns {
protected:
    void StartWith(const std::string& provider) {
        fake_ = FakeLlm::Start();
        ASSERT_NE(fake_, nullptr);
        std::string config = dir_.path() + "/cortex.toml";
        std::ofstream(config) << "[models.\"fake\"]\nprovider = \"" << provider << "\"\nbase_url = \""
                              << fake_->base_url() << (provider == "openai_compatible" ? "/v1" : "")
                              << "\"\nmodel = \"upstream-id\"\napi_key_env = \"X\"\nmax_retries = 0\n";
        server_ = CortexServer::Start(dir_.path() + "/data", {"--config", config}, {{"X", "sk-test"}});
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
    }
    void SetUp() override { StartWith("openai_compatible"); }

    // Two macro tools: order_total (qty * price) and order_tax (amount / 5).
    void MakeMacros() {
        MakeMacro();
        auto r = Call("POST", "/api/v2/statements",
                      R"({"statement": "CREATE MACRO \"TESTDB\".\"PUBLIC\".order_tax(amount) AS amount / 5"})");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    static Json TwoToolAgent(const std::string& question) {
        Json body = OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL", "fake");
        body["tools"].push_back(Json::parse(R"({"tool_spec": {"type": "generic", "name": "order_tax",
            "description": "Tax of an amount", "input_schema": {"type": "object",
            "properties": {"amount": {"type": "number"}}, "required": ["amount"]}}})"));
        body["tool_resources"]["order_tax"] = {{"type", "function"}, {"identifier", "TESTDB.PUBLIC.ORDER_TAX"}};
        body["messages"] = Question(question);
        return body;
    }
    static FakeReply CallTool(const std::string& name, const std::string& args) {
        FakeReply reply;
        reply.tool_calls = {{"call_" + name, name, args}};
        return reply;
    }
    static FakeReply Answer(const std::string& text) {
        FakeReply reply;
        reply.text = text;
        return reply;
    }
    static std::vector<std::string> ToolNames(const Json& request) {
        std::vector<std::string> names;
        if (!request.contains("tools")) return names;
        for (const Json& t : request["tools"]) names.push_back(t["function"]["name"]);
        return names;
    }
    std::unique_ptr<FakeLlm> fake_;
};

TEST_F(ScriptedRuns, SecondsBudgetEndsASlowUpstreamWithTheBestAnswer) {
    FakeReply slow;
    for (int i = 0; i < 100; ++i) slow.text_chunks.push_back("tick ");
    slow.chunk_delay_ms = 200;  // 20 s in all
    fake_->Enqueue(slow);
    Json body = OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL", "fake");
    body["messages"] = Question("count slowly");
    body["orchestration"] = {{"budget", {{"seconds", 1}}}};
    const auto started = std::chrono::steady_clock::now();
    auto r = RunInline(body);
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_LT(elapsed, std::chrono::seconds(8)) << "the budget did not stop the run";
    EXPECT_GE(elapsed, std::chrono::milliseconds(900));
    auto events = ParseSse(r.body);
    const SseEvent* warning = First(events, "response.warning");
    ASSERT_NE(warning, nullptr) << r.body;
    EXPECT_EQ(warning->json["code"], "budget_exhausted");
    EXPECT_NE(warning->json["message"].get<std::string>().find("time budget"), std::string::npos) << warning->data;
    auto names = Names(events);
    ASSERT_GE(names.size(), 5u);
    EXPECT_EQ(std::vector<std::string>(names.end() - 5, names.end()),
              (std::vector<std::string>{"response.warning", "response.text.delta", "response.text", "response", "done"}));
    const Json& final_response = First(events, "response")->json;
    EXPECT_EQ(final_response["status"], "completed");
    std::string answer = final_response["content"].back()["text"];
    EXPECT_NE(answer.find("Best answer so far: tick"), std::string::npos) << answer;
    EXPECT_EQ(final_response["warnings"][0]["message"], warning->json["message"]);
    EXPECT_TRUE(fake_->WaitForDisconnect(5000)) << "the upstream stream was not cancelled at the deadline";
}

TEST_F(ScriptedRuns, ToolChoiceAutoOffersEveryToolAndLetsTheModelPick) {
    MakeMacros();
    fake_->Enqueue(CallTool("order_total", R"({"qty": 2, "price": 4})"));
    fake_->Enqueue(Answer("It is 8."));
    Json body = TwoToolAgent("order total?");
    body["tool_choice"] = {{"type", "auto"}};
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].json["tool_choice"], "auto");
    EXPECT_EQ(ToolNames(requests[0].json), (std::vector<std::string>{"order_total", "order_tax"}));
    EXPECT_EQ(Body(r)["content"][1]["tool_result"]["content"][0]["json"]["result"], 8);
}

TEST_F(ScriptedRuns, ToolChoiceRequiredForcesTheFirstCallOnly) {
    MakeMacros();
    fake_->Enqueue(CallTool("order_tax", R"({"amount": 50})"));
    fake_->Enqueue(Answer("Tax is 10."));
    Json body = TwoToolAgent("tax on 50?");
    body["tool_choice"] = {{"type", "required"}};
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].json["tool_choice"], "required");
    EXPECT_EQ(ToolNames(requests[0].json).size(), 2u);
    EXPECT_EQ(requests[1].json["tool_choice"], "auto") << "after the forced call the model may answer";
    Json b = Body(r);
    EXPECT_EQ(b["content"][0]["tool_use"]["name"], "order_tax");
    EXPECT_DOUBLE_EQ(b["content"][1]["tool_result"]["content"][0]["json"]["result"].get<double>(), 10.0);
    EXPECT_EQ(b["content"][2]["text"], "Tax is 10.");
}

TEST_F(ScriptedRuns, ToolChoiceNoneOffersNoTools) {
    MakeMacros();
    fake_->Enqueue(Answer("No tools needed."));
    Json body = TwoToolAgent("order total?");
    body["tool_choice"] = {{"type", "none"}};
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(ToolNames(requests[0].json).empty()) << requests[0].body;
    auto events = ParseSse(r.body);
    EXPECT_EQ(First(events, "response.tool_use"), nullptr) << r.body;
    EXPECT_EQ(First(events, "response.text")->json["text"], "No tools needed.");
}

TEST_F(ScriptedRuns, ToolChoiceNamedOffersAndForcesOnlyThatTool) {
    MakeMacros();
    fake_->Enqueue(CallTool("order_tax", R"({"amount": 5})"));
    fake_->Enqueue(Answer("Tax is 1."));
    Json body = TwoToolAgent("tax?");
    body["tool_choice"] = {{"type", "tool"}, {"name", Json::array({"order_tax"})}};
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(ToolNames(requests[0].json), (std::vector<std::string>{"order_tax"}));
    EXPECT_EQ(requests[0].json["tool_choice"],
              Json::parse(R"({"type": "function", "function": {"name": "order_tax"}})"));
    EXPECT_EQ(ToolNames(requests[1].json), (std::vector<std::string>{"order_tax"}));
    EXPECT_DOUBLE_EQ(Body(r)["content"][1]["tool_result"]["content"][0]["json"]["result"].get<double>(), 1.0);
}

TEST_F(ScriptedRuns, ToolNotOfferedByToolChoiceIsAnErrorResultNotAnExecution) {
    MakeMacros();
    fake_->Enqueue(CallTool("order_total", R"({"qty": 1, "price": 1})"));  // not the named tool
    fake_->Enqueue(Answer("Sorry."));
    Json body = TwoToolAgent("tax?");
    body["tool_choice"] = {{"type", "tool"}, {"name", Json::array({"order_tax"})}};
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    Json content = Body(r)["content"];
    ASSERT_GE(content.size(), 2u) << r.body;
    const Json& result = content[1]["tool_result"];
    EXPECT_EQ(result["status"], "error");
    EXPECT_EQ(result["content"][0]["text"], "There is no tool named 'order_total'.");
}

TEST_F(ScriptedRuns, WebhookToolPostsTheInputAndReturnsItsJson) {
    Webhook hook;
    ASSERT_TRUE(hook.Start());
    hook.Answer(200, R"({"forecast": "sunny", "celsius": 24})");
    fake_->Enqueue(CallTool("weather", R"({"city": "Rome"})"));
    fake_->Enqueue(Answer("Sunny, 24 C."));
    Json body = Json::parse(R"({"models": {"orchestration": "fake"},
      "tools": [{"tool_spec": {"type": "generic", "name": "weather", "description": "Forecast for a city",
                 "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}}]})");
    body["tool_resources"]["weather"] = {
        {"type", "webhook"}, {"url", hook.url()}, {"headers", {{"X-Hook-Key", "s3cret"}}}, {"timeout", 5}};
    body["messages"] = Question("Weather in Rome?");
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    auto got = hook.Requests();
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(*ParseJson(got[0].body), Json::parse(R"({"city": "Rome"})"));
    EXPECT_EQ(got[0].Header("x-hook-key"), "s3cret");
    EXPECT_EQ(got[0].Header("content-type"), "application/json");
    auto events = ParseSse(r.body);
    const SseEvent* result = First(events, "response.tool_result");
    ASSERT_NE(result, nullptr) << r.body;
    EXPECT_EQ(result->json["status"], "success");
    EXPECT_EQ(result->json["content"][0]["json"], Json::parse(R"({"forecast": "sunny", "celsius": 24})"));
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    const Json& tool_message = requests[1].json["messages"].back();
    EXPECT_EQ(tool_message["role"], "tool");
    EXPECT_EQ(tool_message["tool_call_id"], "call_weather");
    EXPECT_NE(tool_message["content"].get<std::string>().find("sunny"), std::string::npos) << tool_message.dump();
    EXPECT_EQ(First(events, "response.text")->json["text"], "Sunny, 24 C.");
}

TEST_F(ScriptedRuns, WebhookHttpFailureIsAToolErrorTheModelSees) {
    Webhook hook;
    ASSERT_TRUE(hook.Start());
    hook.Answer(500, "database on fire");
    fake_->Enqueue(CallTool("weather", R"({"city": "Oslo"})"));
    fake_->Enqueue(Answer("The weather service failed."));
    Json body = Json::parse(R"({"models": {"orchestration": "fake"},
      "tools": [{"tool_spec": {"type": "generic", "name": "weather", "description": "Forecast",
                 "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}}]})");
    body["tool_resources"]["weather"] = {{"type", "webhook"}, {"url", hook.url()}};
    body["messages"] = Question("Weather in Oslo?");
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    EXPECT_EQ(b["status"], "completed");
    const Json& result = b["content"][1]["tool_result"];
    EXPECT_EQ(result["status"], "error");
    EXPECT_EQ(result["content"][0]["text"], "Webhook answered HTTP 500: database on fire");
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    std::string seen = requests[1].json["messages"].back()["content"];
    EXPECT_NE(seen.find("database on fire"), std::string::npos) << seen;
}

class ScriptedAnthropicRuns : public ScriptedRuns {
protected:
    void SetUp() override { StartWith("anthropic"); }
};

TEST_F(ScriptedAnthropicRuns, ThinkingAndToolUseBlocksBecomeRunEvents) {
    MakeMacro();
    FakeReply call;
    call.thinking = "The user wants a total; I will call order_total.";
    call.tool_calls = {{"toolu_1", "order_total", R"({"qty": 3, "price": 2})"}};
    fake_->Enqueue(call);
    FakeReply answer;
    answer.thinking = "The tool said 6.";
    answer.text = "The total is 6.";
    fake_->Enqueue(answer);
    auto r = RunInline(WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL", "fake"), "order total?"));
    ASSERT_EQ(r.status, 200) << r.body;
    auto events = ParseSse(r.body);
    EXPECT_EQ(Shape(events),
              (std::vector<std::string>{"response.status", "response.thinking.delta", "response.thinking",
                                        "response.status", "response.tool_use", "response.tool_result.status",
                                        "response.tool_result", "response.status", "response.thinking.delta",
                                        "response.thinking", "response.text.delta", "response.text", "response",
                                        "done"}))
        << r.body;
    std::string joined;
    int deltas = 0;
    for (const auto& e : events) {
        if (e.name != "response.thinking.delta" || e.json["content_index"] != 0) continue;
        joined += e.json["text"].get<std::string>();
        ++deltas;
    }
    EXPECT_GE(deltas, 2) << "thinking arrives in pieces as the upstream streams it";
    EXPECT_EQ(joined, call.thinking);
    const SseEvent* thinking = First(events, "response.thinking");
    EXPECT_EQ(thinking->json["content_index"], 0);
    EXPECT_EQ(thinking->json["text"], call.thinking);
    const SseEvent* use = First(events, "response.tool_use");
    EXPECT_EQ(use->json["content_index"], 1);
    EXPECT_EQ(use->json["tool_use_id"], "toolu_1");
    EXPECT_EQ(use->json["input"], Json::parse(R"({"qty": 3, "price": 2})"));
    const Json& final_response = First(events, "response")->json;
    ASSERT_EQ(final_response["content"].size(), 5u) << final_response.dump();
    EXPECT_EQ(final_response["content"][0]["thinking"]["text"], call.thinking);
    EXPECT_EQ(final_response["content"][2]["tool_result"]["content"][0]["json"]["result"], 6);
    EXPECT_EQ(final_response["content"][3]["thinking"]["text"], answer.thinking);
    EXPECT_EQ(final_response["content"][4]["text"], "The total is 6.");
    // The second upstream call replays the signed thinking and the tool_use, then the result.
    auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].path, "/v1/messages");
    EXPECT_EQ(requests[0].headers["x-api-key"], "sk-test");
    const Json& messages = requests[1].json["messages"];
    const Json& assistant = messages[messages.size() - 2];
    EXPECT_EQ(assistant["role"], "assistant");
    EXPECT_EQ(assistant["content"][0]["type"], "thinking");
    EXPECT_EQ(assistant["content"][0]["signature"], "fake-signature");
    EXPECT_EQ(assistant["content"].back()["type"], "tool_use");
    EXPECT_EQ(messages.back()["content"][0]["type"], "tool_result");
    EXPECT_EQ(messages.back()["content"][0]["tool_use_id"], "toolu_1");
}

}  // namespace
}  // namespace oc::testing
