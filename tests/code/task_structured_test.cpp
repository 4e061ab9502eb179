// Protocol tests for the Task tool (subagents), --json-schema structured output and the result
// message fields (cost, durations, subtypes), against the real binary with the offline model or
// the scripted fake LLM.
#include <chrono>
#include <fstream>

#include "fake_llm.h"
#include "protocol_fixture.h"

namespace oc::codetest {
namespace {

using oc::testing::FakeLlm;
using oc::testing::FakeReply;
using oc::testing::FakeToolCall;

FakeReply Text(const std::string& text) {
    FakeReply r;
    r.text = text;
    return r;
}

FakeReply Call(const std::string& name, const Json& args) {
    FakeReply r;
    r.tool_calls.push_back({"", name, DumpJson(args)});
    return r;
}

std::vector<const Json*> All(const std::vector<Json>& frames, const std::string& type, const std::string& subtype) {
    std::vector<const Json*> out;
    for (const Json& f : frames)
        if (f.value("type", "") == type && (subtype.empty() || f.value("subtype", "") == subtype)) out.push_back(&f);
    return out;
}

// The tool_use block of an assistant frame calling `tool`, or null.
const Json* ToolUse(const std::vector<Json>& frames, const std::string& tool) {
    for (const Json& f : frames) {
        if (f.value("type", "") != "assistant") continue;
        const Json& block = f["message"]["content"][0];
        if (block.value("type", "") == "tool_use" && block.value("name", "") == tool) return &f;
    }
    return nullptr;
}

// The tool_result user frame answering tool_use_id, or null.
const Json* ResultFor(const std::vector<Json>& frames, const std::string& tool_use_id) {
    for (const Json& f : frames) {
        if (f.value("type", "") != "user") continue;
        const Json& block = f["message"]["content"][0];
        if (block.value("type", "") == "tool_result" && block.value("tool_use_id", "") == tool_use_id) return &f;
    }
    return nullptr;
}

class AgentToolsTest : public ProtocolTest {
protected:
    // cortex.toml with the fake LLM as model "fake" (plus extra TOML) in the conversations dir.
    std::map<std::string, std::string> FakeEnv(const std::string& extra = "") {
        fake_ = FakeLlm::Start();
        EXPECT_NE(fake_, nullptr);
        std::map<std::string, std::string> env = TestEnv(conversations_);
        conversations_.WriteFile("cortex.toml", "[models.fake]\nprovider = \"openai_compatible\"\nbase_url = \"" +
                                                    fake_->base_url() + "/v1\"\nmax_retries = 0\n" + extra);
        return env;
    }
    std::unique_ptr<CodeChild> StartFake(std::vector<std::string> extra, const std::string& toml = "") {
        std::vector<std::string> args = {"--output-format", "stream-json", "--verbose",
                                         "--input-format", "stream-json", "--model", "fake"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto child = CodeChild::Start(args, work_.path(), FakeEnv(toml));
        EXPECT_NE(child, nullptr);
        return child;
    }
    std::unique_ptr<FakeLlm> fake_;
};

TEST_F(AgentToolsTest, OfflineTaskRunsASubagentThatReadsAFile) {
    auto child = StartSdk();
    Initialize(*child);
    child->SendJson(UserLine("delegate this task to a subagent: read notes.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_EQ((*init)["tools"][0], "Task");
    const Json* task = ToolUse(frames, "Task");
    ASSERT_NE(task, nullptr);
    EXPECT_TRUE((*task)["parent_tool_use_id"].is_null());
    const Json& task_block = (*task)["message"]["content"][0];
    const std::string task_use = task_block["id"];
    EXPECT_EQ(task_block["input"]["subagent_type"], "general-purpose");

    const Json* started = Find(frames, "system", "task_started");
    ASSERT_NE(started, nullptr);
    EXPECT_EQ((*started)["tool_use_id"], task_use);
    EXPECT_EQ((*started)["task_type"], "local_agent");
    EXPECT_EQ((*started)["description"], task_block["input"]["description"]);
    const std::string task_id = (*started)["task_id"];
    for (const char* key : {"uuid", "session_id"}) EXPECT_TRUE(started->contains(key)) << key;

    // The subagent's own Read call and result, tagged with the Task's tool_use id.
    const Json* read = ToolUse(frames, "Read");
    ASSERT_NE(read, nullptr);
    EXPECT_EQ((*read)["parent_tool_use_id"], task_use);
    const Json* read_result = ResultFor(frames, (*read)["message"]["content"][0]["id"]);
    ASSERT_NE(read_result, nullptr);
    EXPECT_EQ((*read_result)["parent_tool_use_id"], task_use);

    const Json* progress = Find(frames, "system", "task_progress");
    ASSERT_NE(progress, nullptr);
    EXPECT_EQ((*progress)["task_id"], task_id);
    EXPECT_EQ((*progress)["usage"]["tool_uses"], 1);
    EXPECT_EQ((*progress)["last_tool_name"], "Read");
    EXPECT_GT((*progress)["usage"]["total_tokens"].get<int64_t>(), 0);

    const Json* done = Find(frames, "system", "task_notification");
    ASSERT_NE(done, nullptr);
    EXPECT_EQ((*done)["task_id"], task_id);
    EXPECT_EQ((*done)["status"], "completed");
    EXPECT_EQ((*done)["tool_use_id"], task_use);
    // output_file is the subagent's sidechain transcript (<session>/subagents/agent-<id>.jsonl).
    const std::string output_file = (*done)["output_file"];
    EXPECT_NE(output_file.find("/subagents/agent-"), std::string::npos) << output_file;
    std::ifstream sidechain(output_file);
    std::string first;
    ASSERT_TRUE(std::getline(sidechain, first)) << output_file;
    const Json entry = Json::parse(first);
    EXPECT_EQ(entry["isSidechain"], true);
    EXPECT_EQ(entry["sessionId"], (*started)["session_id"]);
    EXPECT_TRUE(entry.contains("agentId"));
    EXPECT_NE((*done)["summary"].get<std::string>().find("hello notes"), std::string::npos);

    const Json* task_result = ResultFor(frames, task_use);
    ASSERT_NE(task_result, nullptr);
    EXPECT_TRUE((*task_result)["parent_tool_use_id"].is_null());
    EXPECT_EQ((*task_result)["message"]["content"][0]["is_error"], false);
    EXPECT_NE((*task_result)["message"]["content"][0]["content"].get<std::string>().find("hello notes"),
              std::string::npos);
    EXPECT_EQ((*task_result)["tool_use_result"]["status"], "completed");
    EXPECT_EQ((*task_result)["tool_use_result"]["totalToolUseCount"], 1);

    const Json& result = frames.back();
    EXPECT_EQ(result["subtype"], "success");
    EXPECT_NE(result["result"].get<std::string>().find("hello notes"), std::string::npos);
    EXPECT_EQ(result["num_turns"], 2);  // the subagent's model calls are not the session's turns
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, DefinedAgentGetsItsPromptToolsAndSubagentStopHook) {
    auto child = StartFake({"--permission-mode", "bypassPermissions"});
    fake_->Enqueue(Call("Task", {{"description", "review notes"}, {"prompt", "check the notes"},
                                 {"subagent_type", "rev"}}));
    fake_->Enqueue(Call("Bash", {{"command", "touch bash_ran.txt"}}));  // not among rev's tools
    fake_->Enqueue(Call("Read", {{"file_path", "notes.txt"}}));
    fake_->Enqueue(Text("the notes look fine"));
    fake_->Enqueue(Text("review done"));
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"agents", {{"rev", {{"description", "Reviews"}, {"prompt", "You review files."},
                                                          {"tools", {"Read"}}}}}},
                                     {"hooks", {{"SubagentStop", {{{"hookCallbackIds", {"sub_stop"}}}}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("review the notes"));
    std::vector<Json> frames, hook_requests;
    while (auto f = child->Next()) {
        frames.push_back(*f);
        if ((*f)["type"] == "result") break;
        if ((*f)["type"] != "control_request") continue;
        hook_requests.push_back(*f);
        child->SendJson(Json{{"type", "control_response"},
                             {"response", {{"subtype", "success"}, {"request_id", (*f)["request_id"]},
                                           {"response", Json::object()}}}});
    }
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(frames.back()["result"], "review done");
    EXPECT_FALSE(work_.Exists("bash_ran.txt"));

    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 5u);
    // The subagent's first request: its own system prompt, the task prompt, only its tools.
    const Json& sub = requests[1].json;
    EXPECT_EQ(sub["messages"][0]["role"], "system");
    EXPECT_EQ(sub["messages"][0]["content"], "You review files.");
    EXPECT_EQ(sub["messages"][1]["content"], "check the notes");
    ASSERT_EQ(sub["tools"].size(), 1u);
    EXPECT_EQ(sub["tools"][0]["function"]["name"], "Read");
    // The main agent's Task tool offers the defined agent type.
    bool offered = false;
    for (const Json& tool : requests[0].json["tools"])
        if (tool["function"]["name"] == "Task")
            offered = tool["function"]["parameters"]["properties"]["subagent_type"]["enum"] == Json({"general-purpose", "rev"});
    EXPECT_TRUE(offered);

    const Json* bash = ToolUse(frames, "Bash");
    ASSERT_NE(bash, nullptr);
    const Json* bash_result = ResultFor(frames, (*bash)["message"]["content"][0]["id"]);
    ASSERT_NE(bash_result, nullptr);
    EXPECT_EQ((*bash_result)["message"]["content"][0]["is_error"], true);

    ASSERT_EQ(hook_requests.size(), 1u);
    const Json& input = hook_requests[0]["request"]["input"];
    EXPECT_EQ(input["hook_event_name"], "SubagentStop");
    EXPECT_EQ(input["agent_type"], "rev");
    EXPECT_EQ(input["last_assistant_message"], "the notes look fine");
    const Json* started = Find(frames, "system", "task_started");
    ASSERT_NE(started, nullptr);
    EXPECT_EQ((*started)["subagent_type"], "rev");
    const Json* done = Find(frames, "system", "task_notification");
    ASSERT_NE(done, nullptr);
    EXPECT_EQ((*done)["usage"]["tool_uses"], 2);
    // Usage of all five model calls (10 in / 5 out each) is in the result.
    EXPECT_EQ(frames.back()["usage"]["input_tokens"], 50);
    EXPECT_EQ(frames.back()["usage"]["output_tokens"], 25);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, AgentsFlagDefinesSubagents) {
    auto child = StartFake({"--agents", R"({"lister":{"description":"Lists","prompt":"You list.","tools":["LS"]}})"});
    fake_->Enqueue(Call("Task", {{"description", "list"}, {"prompt", "list the files"}, {"subagent_type", "lister"}}));
    fake_->Enqueue(Call("LS", Json::object()));
    fake_->Enqueue(Text("notes.txt is there"));
    fake_->Enqueue(Text("found notes.txt"));
    Initialize(*child);
    child->SendJson(UserLine("what files?"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_EQ((*init)["agents"], Json({"lister"}));
    EXPECT_EQ(frames.back()["result"], "found notes.txt");
    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[1].json["messages"][0]["content"], "You list.");
    // The subagent's LS result reached its second call, and its answer the main agent's.
    EXPECT_NE(requests[2].json.dump().find("notes.txt"), std::string::npos);
    EXPECT_NE(requests[3].json.dump().find("notes.txt is there"), std::string::npos);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, UnknownAgentTypeIsAToolError) {
    auto child = StartFake({});
    fake_->Enqueue(Call("Task", {{"description", "d"}, {"prompt", "p"}, {"subagent_type", "nope"}}));
    fake_->Enqueue(Text("ok"));
    Initialize(*child);
    child->SendJson(UserLine("go"));
    auto frames = child->ReadUntil("result");
    const Json* task = ToolUse(frames, "Task");
    ASSERT_NE(task, nullptr);
    const Json* r = ResultFor(frames, (*task)["message"]["content"][0]["id"]);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["message"]["content"][0]["is_error"], true);
    EXPECT_NE((*r)["message"]["content"][0]["content"].get<std::string>().find("'nope' not found"), std::string::npos);
    EXPECT_EQ(Find(frames, "system", "task_started"), nullptr);
}

TEST_F(AgentToolsTest, StopTaskStopsTheRunningSubagent) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions"});
    Initialize(*child);
    child->SendJson(Control("bad", {{"subtype", "stop_task"}, {"task_id", "task_nope"}}));
    auto bad = child->Next();
    ASSERT_TRUE(bad);
    EXPECT_EQ((*bad)["response"]["subtype"], "error");
    const auto start = std::chrono::steady_clock::now();
    child->SendJson(UserLine("sleep 20 ; : subagent task bash"));
    auto until = child->ReadUntil("system", "task_started");
    ASSERT_FALSE(until.empty());
    const std::string task_id = until.back()["task_id"];
    auto bash = child->ReadUntil("assistant");  // the subagent's Bash call has started
    ASSERT_FALSE(bash.empty());
    child->SendJson(Control("stop1", {{"subtype", "stop_task"}, {"task_id", task_id}}));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* ack = Find(frames, "control_response");
    ASSERT_NE(ack, nullptr);
    EXPECT_EQ((*ack)["response"]["request_id"], "stop1");
    EXPECT_EQ((*ack)["response"]["subtype"], "success");
    const Json* done = Find(frames, "system", "task_notification");
    ASSERT_NE(done, nullptr);
    EXPECT_EQ((*done)["status"], "stopped");
    EXPECT_EQ((*done)["task_id"], task_id);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    // The session itself was not interrupted: the main agent answers after the stopped task.
    EXPECT_EQ(frames.back()["subtype"], "success");
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, InterruptDuringASubagentEndsTheTurn) {
    auto child = StartSdk({"--permission-mode", "bypassPermissions"});
    Initialize(*child);
    const auto start = std::chrono::steady_clock::now();
    child->SendJson(UserLine("sleep 20 ; : subagent task bash"));
    ASSERT_FALSE(child->ReadUntil("system", "task_started").empty());
    ASSERT_FALSE(child->ReadUntil("assistant").empty());
    child->SendJson(Control("int1", {{"subtype", "interrupt"}}));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* done = Find(frames, "system", "task_notification");
    ASSERT_NE(done, nullptr);
    EXPECT_EQ((*done)["status"], "stopped");
    EXPECT_EQ(frames.back()["subtype"], "error_during_execution");
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 1);
}

const char* kFlatSchema =
    R"({"type":"object","properties":{"answer":{"type":"string"},"kind":{"type":"string","enum":["short","long"]},)"
    R"("count":{"type":"integer"}},"required":["answer","kind","count"],"additionalProperties":false})";

TEST_F(AgentToolsTest, OfflineStructuredOutputAfterOneRetry) {
    auto child = StartSdk({std::string("--json-schema=") + kFlatSchema});
    Initialize(*child);
    child->SendJson(UserLine("hello there"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json* init = Find(frames, "system", "init");
    ASSERT_NE(init, nullptr);
    EXPECT_EQ((*init)["tools"].back(), "StructuredOutput");
    ASSERT_NE(ToolUse(frames, "StructuredOutput"), nullptr);
    const Json& result = frames.back();
    EXPECT_EQ(result["subtype"], "success");
    EXPECT_EQ(result["num_turns"], 2);  // a text answer, then the forced StructuredOutput call
    const Json& out = result["structured_output"];
    EXPECT_EQ(out["kind"], "short");
    EXPECT_EQ(out["count"], 0);
    EXPECT_TRUE(out["answer"].is_string());
    EXPECT_EQ(Json::parse(result["result"].get<std::string>()), out);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, StructuredOutputRetriesExhausted) {
    const std::string nested =
        R"({"type":"object","required":["a"],"properties":{"a":{"type":"object","required":["b"],)"
        R"("properties":{"b":{"type":"string"}}}}})";
    auto child = StartSdk({"--json-schema", nested});
    Initialize(*child);
    child->SendJson(UserLine("hello there"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json& result = frames.back();
    EXPECT_EQ(result["subtype"], "error_max_structured_output_retries");
    EXPECT_EQ(result["is_error"], true);
    ASSERT_EQ(result["errors"].size(), 1u);
    EXPECT_FALSE(result.contains("structured_output"));
    EXPECT_FALSE(result.contains("result"));
    EXPECT_EQ(result["terminal_reason"], "structured_output_retry_exhausted");
    // The model saw why its output was refused.
    bool told = false;
    for (const Json* f : All(frames, "user", ""))
        if ((*f)["message"]["content"][0].value("content", "").find("missing required property 'b'") != std::string::npos)
            told = true;
    EXPECT_TRUE(told);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 1);
}

TEST_F(AgentToolsTest, FinalJsonTextIsAcceptedAndInitializeSchemaApplies) {
    auto child = StartFake({});
    fake_->Enqueue(Text("```json\n{\"city\": \"Paris\", \"population\": 2100000}\n```"));
    fake_->Enqueue(Text("not json at all"));
    fake_->Enqueue(Call("StructuredOutput", {{"city", "Lyon"}}));  // population missing
    fake_->Enqueue(Call("StructuredOutput", {{"city", "Lyon"}, {"population", 520000}}));
    child->SendJson(Control("init", {{"subtype", "initialize"},
                                     {"jsonSchema", {{"type", "object"},
                                                     {"properties", {{"city", {{"type", "string"}}},
                                                                     {"population", {{"type", "integer"}}}}},
                                                     {"required", {"city", "population"}}}}}));
    ASSERT_TRUE(child->Next());
    child->SendJson(UserLine("largest city?"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(frames.back()["structured_output"], Json({{"city", "Paris"}, {"population", 2100000}}));
    EXPECT_EQ(frames.back()["num_turns"], 1);
    child->SendJson(UserLine("second largest?"));
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(frames.back()["structured_output"], Json({{"city", "Lyon"}, {"population", 520000}}));
    EXPECT_EQ(frames.back()["num_turns"], 3);
    // The retry forced the tool: the second request of this turn names StructuredOutput.
    const auto requests = fake_->Requests();
    ASSERT_EQ(requests.size(), 4u);
    EXPECT_EQ(requests[2].json["tool_choice"]["function"]["name"], "StructuredOutput");
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, BadJsonSchemaIsAStartupError) {
    auto r = RunCortexOnce({"-p", "hi", "--json-schema", "{not json"}, work_.path(), "", TestEnv(conversations_));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--json-schema"), std::string::npos);
    r = RunCortexOnce({"-p", "hi", "--json-schema", R"({"type":"array"})"}, work_.path(), "", TestEnv(conversations_));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("object"), std::string::npos);
    r = RunCortexOnce({"-p", "hi", "--max-budget-usd", "lots"}, work_.path(), "", TestEnv(conversations_));
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("--max-budget-usd"), std::string::npos);
    r = RunCortexOnce({"-p", "hi", "--agents", "[1]"}, work_.path(), "", TestEnv(conversations_));
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--agents"), std::string::npos);
}

TEST_F(AgentToolsTest, CostFromThePriceTableIsARunningTotal) {
    auto child = StartFake({}, "[prices.fake]\ninput_per_mtok = 3.0\noutput_per_mtok = 15.0\n");
    FakeReply slow = Text("first");
    slow.delay_ms = 120;
    fake_->Enqueue(slow);
    fake_->Enqueue(Text("second"));
    Initialize(*child);
    child->SendJson(UserLine("one"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json& r1 = frames.back();
    const double one_call = (10 * 3.0 + 5 * 15.0) / 1e6;
    EXPECT_NEAR(r1["total_cost_usd"].get<double>(), one_call, 1e-12);
    EXPECT_GE(r1["duration_api_ms"].get<int64_t>(), 120);
    EXPECT_LE(r1["duration_api_ms"].get<int64_t>(), r1["duration_ms"].get<int64_t>());
    EXPECT_EQ(r1["usage"]["input_tokens"], 10);
    EXPECT_EQ(r1["usage"]["output_tokens"], 5);
    ASSERT_EQ(r1["modelUsage"].size(), 1u);
    EXPECT_NEAR(r1["modelUsage"].begin().value()["costUSD"].get<double>(), one_call, 1e-12);
    child->SendJson(UserLine("two"));
    frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_NEAR(frames.back()["total_cost_usd"].get<double>(), 2 * one_call, 1e-12);
    EXPECT_EQ(frames.back()["usage"]["input_tokens"], 10);  // usage is per turn
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, BudgetAndMaxTurnsSubtypesCarryErrors) {
    auto child = StartFake({"--max-budget-usd", "0.0001", "--max-turns", "5"},
                           "[prices.fake]\ninput_per_mtok = 3.0\noutput_per_mtok = 15.0\n");
    fake_->Enqueue(Call("LS", Json::object()));
    fake_->Enqueue(Text("never reached"));
    Initialize(*child);
    child->SendJson(UserLine("list"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    const Json& r = frames.back();
    EXPECT_EQ(r["subtype"], "error_max_budget_usd");
    EXPECT_EQ(r["is_error"], true);
    EXPECT_EQ(r["terminal_reason"], "budget_exhausted");
    EXPECT_EQ(r["num_turns"], 1);
    ASSERT_EQ(r["errors"].size(), 1u);
    EXPECT_FALSE(r.contains("result"));
    for (const char* key : {"duration_ms", "duration_api_ms", "session_id", "total_cost_usd", "usage",
                            "modelUsage", "permission_denials", "uuid", "stop_reason"})
        EXPECT_TRUE(r.contains(key)) << key;
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 1);
}

TEST_F(AgentToolsTest, OfflineModelCostsNothing) {
    auto child = StartSdk();
    Initialize(*child);
    child->SendJson(UserLine("read notes.txt"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["subtype"], "success");
    EXPECT_EQ(frames.back()["total_cost_usd"], 0.0);
    EXPECT_GT(frames.back()["usage"]["input_tokens"].get<int64_t>(), 0);
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

TEST_F(AgentToolsTest, DeniedWritesAndEditsChangeNothingOnDisk) {
    ScratchDir outside;
    auto child = StartFake({"--permission-mode", "acceptEdits"});
    fake_->Enqueue(Call("Write", {{"file_path", outside.path() + "/escaped.txt"}, {"content", "x"}}));
    fake_->Enqueue(Call("Edit", {{"file_path", outside.path() + "/keep.txt"}, {"old_string", "keep"},
                                 {"new_string", "changed"}}));
    fake_->Enqueue(Call("Bash", {{"command", "echo x > bash_made.txt"}}));
    fake_->Enqueue(Text("done"));
    outside.WriteFile("keep.txt", "keep me\n");
    Initialize(*child);
    child->SendJson(UserLine("try"));
    auto frames = child->ReadUntil("result");
    ASSERT_FALSE(frames.empty());
    EXPECT_EQ(frames.back()["permission_denials"].size(), 3u);
    EXPECT_FALSE(outside.Exists("escaped.txt"));
    std::ifstream keep(outside.path() + "/keep.txt");
    std::string content((std::istreambuf_iterator<char>(keep)), std::istreambuf_iterator<char>());
    EXPECT_EQ(content, "keep me\n");
    EXPECT_FALSE(work_.Exists("bash_made.txt"));
    child->CloseStdin();
    EXPECT_EQ(child->Wait(), 0);
}

}  // namespace
}  // namespace oc::codetest
