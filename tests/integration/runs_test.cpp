// Agent runs and threads through the real binary (reference agents-api.md §3, §4): the SSE event
// order of a tool-using run with a DuckDB macro tool, stream:false, tool errors, threads across
// runs, reconnect and cancel, and (with the loopback fake LLM) budgets, upstream failures and
// client disconnects.
#include <fstream>
#include <thread>

#include "fake_llm.h"
#include "fixture.h"

namespace oc::testing {
namespace {

const std::string kInlineRun = "/api/v2/cortex/agent:run";
const std::string kThreads = "/api/v2/cortex/threads";
const std::string kRuns = "/api/v2/cortex/agent/runs/";

struct SseEvent {
    int64_t id = 0;
    std::string name;
    std::string data;
    Json json;
};

// Parses an SSE body into events (comments skipped).
std::vector<SseEvent> ParseSse(const std::string& body) {
    std::vector<SseEvent> out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = body.find("\n\n", pos);
        if (end == std::string::npos) break;
        std::string block = body.substr(pos, end - pos);
        pos = end + 2;
        SseEvent e;
        size_t line_start = 0;
        while (line_start <= block.size()) {
            size_t nl = block.find('\n', line_start);
            std::string line = block.substr(line_start, nl == std::string::npos ? std::string::npos : nl - line_start);
            if (line.rfind("id: ", 0) == 0) e.id = std::stoll(line.substr(4));
            if (line.rfind("event: ", 0) == 0) e.name = line.substr(7);
            if (line.rfind("data: ", 0) == 0) e.data = line.substr(6);
            if (nl == std::string::npos) break;
            line_start = nl + 1;
        }
        if (e.name.empty()) continue;
        auto j = ParseJson(e.data);
        e.json = j ? *j : Json();
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<std::string> Names(const std::vector<SseEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) out.push_back(e.name);
    return out;
}

// Names with each run of identical delta events collapsed into one (delta counts are the model's).
std::vector<std::string> Shape(const std::vector<SseEvent>& events) {
    std::vector<std::string> out;
    for (const auto& e : events) {
        bool delta = e.name.size() > 6 && e.name.compare(e.name.size() - 6, 6, ".delta") == 0;
        if (delta && !out.empty() && out.back() == e.name) continue;
        out.push_back(e.name);
    }
    return out;
}

const SseEvent* First(const std::vector<SseEvent>& events, const std::string& name) {
    for (const auto& e : events) {
        if (e.name == name) return &e;
    }
    return nullptr;
}

Json Question(const std::string& text) {
    return Json::array({{{"role", "user"}, {"content", Json::array({{{"type", "text"}, {"text", text}}})}}});
}

// An inline agent with the order_total macro tool (resource identifier as given).
Json OrderAgent(const std::string& identifier, const std::string& model = "claude-4-sonnet") {
    return Json::parse(R"({
      "models": {"orchestration": ")" + model + R"("},
      "instructions": {"response": "Be brief."},
      "tools": [{"tool_spec": {"type": "generic", "name": "order_total",
                 "description": "Computes the order total from quantity and price",
                 "input_schema": {"type": "object", "properties": {
                    "qty": {"type": "number", "description": "quantity"},
                    "price": {"type": "number", "description": "unit price"}},
                  "required": ["qty", "price"]}}}],
      "tool_resources": {"order_total": {"type": "function", "identifier": ")" + identifier + R"("}}})");
}

class AgentRuns : public ServerTest {
protected:
    void MakeMacro() {
        CreateDatabase("TESTDB");
        auto r = Call("POST", "/api/v2/statements",
                      R"({"statement": "CREATE MACRO \"TESTDB\".\"PUBLIC\".order_total(qty, price) AS qty * price"})");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    HttpResult RunInline(Json body) { return Call("POST", kInlineRun, DumpJson(body)); }
    Json WithQuestion(Json agent, const std::string& q) {
        agent["messages"] = Question(q);
        return agent;
    }
    int64_t NewThread() {
        auto r = Call("POST", kThreads, R"({"origin_application": "tests"})");
        EXPECT_EQ(r.status, 200) << r.body;
        return Body(r)["thread_id"].get<int64_t>();
    }
};

TEST_F(AgentRuns, ToolRunStreamsEventsInOrder) {
    MakeMacro();
    auto r = RunInline(WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL"), "What is the order total?"));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "text/event-stream");
    auto events = ParseSse(r.body);
    EXPECT_EQ(Shape(events),
              (std::vector<std::string>{"response.status", "response.status", "response.tool_use",
                                        "response.tool_result.status", "response.tool_result", "response.status",
                                        "response.text.delta", "response.text", "response", "done"}))
        << r.body;
    for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(events[i].id, static_cast<int64_t>(i + 1));
    const SseEvent* use = First(events, "response.tool_use");
    ASSERT_NE(use, nullptr);
    EXPECT_EQ(use->json["content_index"], 0);
    EXPECT_EQ(use->json["type"], "generic");
    EXPECT_EQ(use->json["name"], "order_total");
    EXPECT_EQ(use->json["input"], Json::parse(R"({"qty": 0, "price": 0})"));
    EXPECT_EQ(use->json["client_side_execute"], false);
    const SseEvent* result = First(events, "response.tool_result");
    EXPECT_EQ(result->json["content_index"], 1);
    EXPECT_EQ(result->json["tool_use_id"], use->json["tool_use_id"]);
    EXPECT_EQ(result->json["status"], "success");
    EXPECT_EQ(result->json["content"], Json::parse(R"([{"type": "json", "json": {"result": 0}}])"));
    EXPECT_FALSE(First(events, "response.tool_result.status")->json.contains("content_index"));
    const SseEvent* text = First(events, "response.text");
    EXPECT_EQ(text->json["content_index"], 2);
    EXPECT_EQ(text->json["text"], "Based on order_total: {\"result\":0}");
    const Json& final_response = First(events, "response")->json;
    EXPECT_EQ(final_response["role"], "assistant");
    EXPECT_EQ(final_response["status"], "completed");
    ASSERT_EQ(final_response["content"].size(), 3u);
    EXPECT_EQ(final_response["content"][0]["type"], "tool_use");
    EXPECT_EQ(final_response["content"][1]["tool_result"]["status"], "success");
    EXPECT_EQ(final_response["content"][2]["text"], text->json["text"]);
    EXPECT_EQ(final_response["metadata"]["run_id"].get<std::string>().rfind("0-", 0), 0u);
    EXPECT_EQ(final_response["metadata"]["usage"]["tokens_consumed"][0]["model_name"], "claude-4-sonnet");
    EXPECT_EQ(events.back().data, "[DONE]");
}

TEST_F(AgentRuns, StreamFalseAnswersTheFinalResponse) {
    MakeMacro();
    Json body = WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL"), "order total?");
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "application/json");
    Json b = Body(r);
    EXPECT_EQ(b["role"], "assistant");
    EXPECT_EQ(b["status"], "completed");
    EXPECT_EQ(b["content"].size(), 3u);
    EXPECT_EQ(b["schema_version"], "v2");
    // Without `stream`, an Accept that rules out SSE also gets JSON.
    body.erase("stream");
    auto json = Http("POST", server_->url() + kInlineRun, DumpJson(body),
                     {"Authorization: Bearer " + token_, "Content-Type: application/json", "Accept: application/json"});
    EXPECT_EQ(json.status, 200);
    EXPECT_EQ(Body(json)["status"], "completed") << json.body;
}

TEST_F(AgentRuns, ToolErrorIsGivenBackToTheModel) {
    MakeMacro();
    Json body = WithQuestion(OrderAgent("TESTDB.PUBLIC.NO_SUCH_MACRO"), "order total?");
    body["stream"] = false;
    auto r = RunInline(body);
    ASSERT_EQ(r.status, 200) << r.body;
    Json b = Body(r);
    EXPECT_EQ(b["status"], "completed");
    const Json& result = b["content"][1]["tool_result"];
    EXPECT_EQ(result["status"], "error");
    EXPECT_EQ(result["content"][0]["text"], "Function TESTDB.PUBLIC.NO_SUCH_MACRO does not exist.");
    std::string answer = b["content"][2]["text"];
    EXPECT_NE(answer.find("does not exist"), std::string::npos) << answer;  // the model saw the error
}

TEST_F(AgentRuns, ThreadsCarryTurnsAcrossRuns) {
    MakeMacro();
    int64_t thread = NewThread();
    Json first = WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL"), "order total?");
    first["thread_id"] = thread;
    first["parent_message_id"] = 0;
    auto r1 = RunInline(first);
    ASSERT_EQ(r1.status, 200) << r1.body;
    auto e1 = ParseSse(r1.body);
    ASSERT_GE(e1.size(), 4u);
    EXPECT_EQ(e1[0].name, "metadata");
    EXPECT_EQ(e1[0].json["metadata"]["role"], "user");
    int64_t user1 = e1[0].json["metadata"]["message_id"];
    std::string run1 = e1[0].json["metadata"]["run_id"];
    EXPECT_EQ(run1, std::to_string(thread) + "-" + std::to_string(user1));
    const SseEvent& assistant = e1[e1.size() - 3];
    ASSERT_EQ(assistant.name, "metadata");
    EXPECT_EQ(assistant.json["metadata"]["role"], "assistant");
    int64_t answer1 = assistant.json["metadata"]["message_id"];
    const Json& meta = e1[e1.size() - 2].json["metadata"];
    EXPECT_EQ(meta["thread_id"], thread);
    EXPECT_EQ(meta["user_message_id"], user1);
    EXPECT_EQ(meta["assistant_message_id"], answer1);
    EXPECT_LT(answer1, int64_t{1} << 53);

    Json second = first;
    second["messages"] = Question("and again?");
    second["parent_message_id"] = answer1;
    second["stream"] = false;
    auto r2 = RunInline(second);
    ASSERT_EQ(r2.status, 200) << r2.body;
    Json m2 = Body(r2)["metadata"];
    // The rebuilt history makes the second prompt longer than the first.
    EXPECT_GT(m2["usage"]["tokens_consumed"][0]["input_tokens"]["total"].get<int64_t>(),
              meta["usage"]["tokens_consumed"][0]["input_tokens"]["total"].get<int64_t>());

    auto d = Call("GET", kThreads + "/" + std::to_string(thread) + "?page_size=3");
    ASSERT_EQ(d.status, 200) << d.body;
    Json messages = Body(d)["messages"];
    ASSERT_EQ(messages.size(), 3u);
    EXPECT_EQ(messages[0]["message_id"], m2["assistant_message_id"]);
    EXPECT_EQ(messages[0]["parent_id"], m2["user_message_id"]);
    EXPECT_EQ(messages[1]["message_payload"], "and again?");
    EXPECT_EQ(messages[1]["parent_id"], answer1);
    EXPECT_EQ(messages[2]["role"], "assistant");
    auto older = Call("GET", kThreads + "/" + std::to_string(thread) + "?last_message_id=" +
                                 messages[2]["message_id"].dump());
    ASSERT_EQ(Body(older)["messages"].size(), 1u);
    EXPECT_TRUE(Body(older)["messages"][0]["parent_id"].is_null());

    Json user_parent = second;
    user_parent["parent_message_id"] = user1;  // a user message cannot be the parent
    ExpectSnowflakeError(RunInline(user_parent), 400, "001003");
}

TEST_F(AgentRuns, ReconnectReplaysFromTheCursor) {
    MakeMacro();
    auto r = RunInline(WithQuestion(OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL"), "order total?"));
    auto events = ParseSse(r.body);
    ASSERT_GE(events.size(), 4u) << r.body;
    std::string run_id = events[events.size() - 2].json["metadata"]["run_id"];
    const int64_t n = static_cast<int64_t>(events.size());
    auto replay = Call("GET", kRuns + run_id + "?starting_after=" + std::to_string(n - 3));
    ASSERT_EQ(replay.status, 200) << replay.body;
    EXPECT_EQ(replay.Header("content-type"), "text/event-stream");
    size_t cut = r.body.find("id: " + std::to_string(n - 2) + "\n");
    ASSERT_NE(cut, std::string::npos);
    EXPECT_EQ(replay.body, r.body.substr(cut));  // byte-identical suffix
    EXPECT_EQ(Call("GET", kRuns + run_id).body, r.body);
    auto by_header = Http("GET", server_->url() + kRuns + run_id, "",
                          {"Authorization: Bearer " + token_, "Last-Event-ID: " + std::to_string(n - 1)});
    auto tail = ParseSse(by_header.body);
    ASSERT_EQ(tail.size(), 1u) << by_header.body;
    EXPECT_EQ(tail[0].id, n);
    EXPECT_EQ(tail[0].name, "done");
    ExpectSnowflakeError(Call("GET", kRuns + run_id + "?starting_after=x"), 400, "001003");
    ExpectSnowflakeError(Call("GET", kRuns + "0-12345"), 404, "002003");
}

TEST_F(AgentRuns, CancelAfterFinishIs409) {
    auto r = RunInline(WithQuestion(OrderAgent("TESTDB.PUBLIC.X"), "hello"));
    auto events = ParseSse(r.body);
    ASSERT_FALSE(events.empty());
    std::string run_id = First(events, "response")->json["metadata"]["run_id"];
    auto c = Call("POST", kRuns + run_id + "/cancel", "{}");
    EXPECT_EQ(c.status, 409) << c.body;
    ExpectSnowflakeError(Call("POST", kRuns + std::string("7-7/cancel"), "{}"), 404, "002003");
}

TEST_F(AgentRuns, ErrorsBeforeTheStreamAreSnowflakeErrors) {
    struct Case {
        std::string body;
        long status;
        std::string code;
    } cases[] = {
        {R"({"messages": []})", 400, "001003"},
        {R"({"messages": [{"role": "assistant", "content": [{"type": "text", "text": "x"}]}]})", 400, "001003"},
        {R"({"thread_id": 5, "messages": [{"role": "user", "content": "q"}]})", 400, "001003"},
        {R"({"thread_id": 5, "parent_message_id": 0, "messages": [{"role": "user", "content": "q"}]})", 404, "002003"},
        {R"({"model": "llama3.1-70b", "messages": [{"role": "user", "content": "q"}]})", 400, "001003"},
        {R"({"stream": "yes", "messages": [{"role": "user", "content": "q"}]})", 400, "001003"},
        {R"({"tool_choice": {"type": "tool", "name": ["zzz"]}, "messages": [{"role": "user", "content": "q"}]})", 400, "001003"},
        {R"({"messages": [{"role": "user", "content": "q"}])", 400, "390142"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.body);
        ExpectSnowflakeError(Call("POST", kInlineRun, c.body), c.status, c.code);
    }
}

TEST_F(AgentRuns, StoredAgentRunsAndRefusesConfigOverrides) {
    MakeMacro();
    Json agent = OrderAgent("TESTDB.PUBLIC.ORDER_TOTAL");
    agent["name"] = "shop_bot";
    ASSERT_EQ(Call("POST", "/api/v2/databases/TESTDB/schemas/PUBLIC/agents", DumpJson(agent)).status, 200);
    const std::string run = "/api/v2/databases/TESTDB/schemas/PUBLIC/agents/shop_bot:run";
    auto r = Call("POST", run, DumpJson(Json{{"messages", Question("order total?")}, {"stream", false}}));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(Body(r)["content"][1]["tool_result"]["status"], "success");
    ExpectSnowflakeError(Call("POST", run, DumpJson(Json{{"messages", Question("q")}, {"models", {{"orchestration", "x"}}}})),
                         400, "001003");
    ExpectSnowflakeError(Call("POST", "/api/v2/databases/TESTDB/schemas/PUBLIC/agents/nobody:run",
                              DumpJson(Json{{"messages", Question("q")}})),
                         404, "002003");
}

TEST_F(AgentRuns, ThreadsApiLifecycleAndOwnership) {
    auto created = Call("POST", kThreads, "");
    ASSERT_EQ(created.status, 200) << created.body;
    Json t = Body(created);
    EXPECT_EQ(t["thread_name"], "");
    EXPECT_EQ(t["origin_application"], "");
    EXPECT_TRUE(t["created_on"].is_number_integer());
    std::string path = kThreads + "/" + t["thread_id"].dump();
    ExpectSnowflakeError(Call("POST", kThreads, R"({"origin_application": "seventeen_bytes__"})"), 400, "001003");
    auto upd = Call("POST", path, R"({"thread_name": "Q3 review"})");
    EXPECT_EQ(Body(upd)["status"], "Thread " + t["thread_id"].dump() + " successfully updated.");
    auto app = Call("POST", kThreads, R"({"origin_application": "console"})");
    auto only_console = Body(Call("GET", kThreads + "?origin_application=console"));
    ASSERT_EQ(only_console.size(), 1u);
    EXPECT_EQ(only_console[0]["thread_id"], Body(app)["thread_id"]);
    EXPECT_EQ(Body(Call("GET", kThreads)).size(), 2u);
    auto d = Call("GET", path);
    EXPECT_EQ(Body(d)["metadata"]["thread_name"], "Q3 review");
    EXPECT_EQ(Body(d)["messages"], Json::array());
    ExpectSnowflakeError(Call("GET", path + "?page_size=101"), 400, "001003");
    ExpectSnowflakeError(Call("GET", path + "?message_type=other"), 400, "001003");

    // Another user sees none of it.
    server_->Stop();
    std::string data = dir_.path() + "/data";
    ASSERT_EQ(RunCortex({"user", "create", "BOB", "--role", "PUBLIC", "--data-dir", data}).exit_code, 0);
    auto tok = RunCortex({"token", "create", "--user", "BOB", "--data-dir", data});
    ASSERT_EQ(tok.exit_code, 0) << tok.err;
    std::string bob = tok.out.substr(0, tok.out.find_first_of("\r\n"));
    server_ = CortexServer::Start(data);
    ASSERT_NE(server_, nullptr);
    ExpectSnowflakeError(Api("GET", server_->url() + path, bob), 404, "002003");
    ExpectSnowflakeError(Api("DELETE", server_->url() + path, bob), 404, "002003");
    EXPECT_EQ(Body(Api("GET", server_->url() + kThreads, bob)), Json::array());

    auto del = Call("DELETE", path);
    EXPECT_EQ(Body(del), Json::parse(R"({"success": true})"));
    ExpectSnowflakeError(Call("GET", path), 404, "002003");
}

// Runs against the loopback fake LLM (an openai_compatible upstream).
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
