// Agent runs and threads through the real binary with the offline model (reference
// agents-api.md §3, §4): SSE order of a DuckDB macro tool run, stream:false, tool errors, threads
// across runs, reconnect, restart replay, cancel, validation, stored agents, the Threads API.
#include "run_fixture.h"

namespace oc::testing {
namespace {

using namespace runs;  // NOLINT: the run test helpers of run_fixture.h

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

TEST_F(AgentRuns, FinishedRunIsReplayableAfterRestart) {
    auto r = RunInline(WithQuestion(OrderAgent("TESTDB.PUBLIC.X"), "hello"));
    auto events = ParseSse(r.body);
    ASSERT_NE(First(events, "response"), nullptr) << r.body;
    std::string run_id = First(events, "response")->json["metadata"]["run_id"];
    ASSERT_EQ(server_->Stop(), 0);
    server_ = CortexServer::Start(dir_.path() + "/data");
    ASSERT_NE(server_, nullptr);
    auto replay = Call("GET", kRuns + run_id);
    EXPECT_EQ(replay.status, 200);
    EXPECT_EQ(replay.body, r.body);
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

}  // namespace
}  // namespace oc::testing
