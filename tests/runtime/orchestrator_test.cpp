#include "runtime/orchestrator.h"

#include <gtest/gtest.h>

#include <thread>

#include "runtime/prompt.h"
#include "scripted_provider.h"
#include "test_util.h"

namespace oc::runtime {
namespace {

using AgentRun = Run;  // gtest's Test::Run hides the name inside TEST bodies

using testing::Call;
using testing::FakeTool;
using testing::Names;
using testing::Payloads;
using testing::ScriptedProvider;
using testing::ScriptedTurn;
using Kind = llm::ToolChoice::Kind;

struct Harness {
    std::shared_ptr<ScriptedProvider> provider = std::make_shared<ScriptedProvider>();
    ToolSet tools;
    AgentRun run{{"0-1"}};
    Json spec = Json::object();
    llm::ToolChoice choice;
    OrchestratorOptions options;

    FakeTool* AddTool(const std::string& name, ToolOutput out, bool client_side = false) {
        tools.tools.push_back(std::make_unique<FakeTool>(name, std::move(out), client_side));
        return static_cast<FakeTool*>(tools.tools.back().get());
    }
    RunResult Execute() {
        RunPlan plan;
        plan.agent_spec = spec;
        llm::Message question;
        question.role = llm::Role::kUser;
        question.text = "What is the order total?";
        plan.history = {question};
        plan.tool_choice = choice;
        plan.provider = provider;
        plan.upstream_model = "up";
        plan.model_name = "claude-4-sonnet";
        plan.request_id = "req-1";
        Orchestrator o(std::move(plan), tools, run, options);
        return o.Execute();
    }
};

ToolOutput Answer(Json value) { return ToolOutput::JsonResult(std::move(value)); }

TEST(Orchestrator, TextAnswerStreamsDeltasThenCompletedText) {
    Harness h;
    h.provider->Push({.text_chunks = {"EMEA led", " with 1.2M."}});
    RunResult r = h.Execute();
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    EXPECT_EQ(Names(h.run), (std::vector<std::string>{"response.status", "response.text.delta",
                                                      "response.text.delta", "response.text"}));
    auto text = Payloads(h.run, "response.text")[0];
    EXPECT_EQ(text["content_index"], 0);
    EXPECT_EQ(text["text"], "EMEA led with 1.2M.");
    EXPECT_EQ(text["annotations"], Json::array());
    EXPECT_EQ(text["is_elicitation"], false);
    EXPECT_EQ(Payloads(h.run, "response.text.delta")[1]["text"], " with 1.2M.");
    ASSERT_EQ(r.content.size(), 1u);
    EXPECT_EQ(r.content[0]["type"], "text");
    EXPECT_EQ(r.content[0]["text"], "EMEA led with 1.2M.");
}

TEST(Orchestrator, ToolRoundOrdersEventsAndContentIndexes) {
    Harness h;
    FakeTool* tool = h.AddTool("order_total", Answer({{"result", 7.5}}));
    h.provider->Push({.thinking = "Need the tool.", .calls = {Call("toolu_1", "order_total", {{"qty", 3}})}});
    h.provider->Push({.text_chunks = {"The total is 7.5."}});
    RunResult r = h.Execute();
    EXPECT_EQ(Names(h.run),
              (std::vector<std::string>{"response.status", "response.thinking.delta", "response.thinking",
                                        "response.status", "response.tool_use", "response.tool_result.status",
                                        "response.tool_result", "response.status", "response.text.delta",
                                        "response.text"}));
    EXPECT_EQ(tool->calls, 1);
    EXPECT_EQ(tool->last_input["qty"], 3);
    auto use = Payloads(h.run, "response.tool_use")[0];
    EXPECT_EQ(use, Json::parse(R"({"content_index":1,"tool_use_id":"toolu_1","type":"generic",
        "name":"order_total","input":{"qty":3},"client_side_execute":false})"));
    auto status = Payloads(h.run, "response.tool_result.status")[0];
    EXPECT_FALSE(status.contains("content_index"));
    EXPECT_EQ(status["tool_use_id"], "toolu_1");
    EXPECT_EQ(status["tool_type"], "generic");
    auto result = Payloads(h.run, "response.tool_result")[0];
    EXPECT_EQ(result["content_index"], 2);
    EXPECT_EQ(result["status"], "success");
    EXPECT_EQ(result["content"][0], Json::parse(R"({"type":"json","json":{"result":7.5}})"));
    EXPECT_EQ(Payloads(h.run, "response.text")[0]["content_index"], 3);
    ASSERT_EQ(r.content.size(), 4u);
    EXPECT_EQ(r.content[0], Json::parse(R"({"type":"thinking","thinking":{"text":"Need the tool."}})"));
    EXPECT_EQ(r.content[1]["tool_use"]["tool_use_id"], "toolu_1");
    EXPECT_EQ(r.content[2]["tool_result"]["name"], "order_total");
    EXPECT_FALSE(r.content[2]["tool_result"].contains("content_index"));
    EXPECT_EQ(r.content[3]["type"], "text");
    // The second model call sees the call and its result.
    auto second = h.provider->requests().at(1).messages;
    ASSERT_GE(second.size(), 4u);
    EXPECT_EQ(second[second.size() - 2].tool_calls.at(0).id, "toolu_1");
    EXPECT_EQ(second.back().role, llm::Role::kTool);
    EXPECT_EQ(second.back().text, R"({"result":7.5})");
    EXPECT_FALSE(second.back().is_error);
}

TEST(Orchestrator, ToolErrorIsGivenBackToTheModel) {
    Harness h;
    h.AddTool("broken", ToolOutput::Error("Function DB.S.F does not exist."));
    h.provider->Push({.calls = {Call("t1", "broken")}});
    h.provider->Push({.text_chunks = {"Sorry, the tool failed."}});
    RunResult r = h.Execute();
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    auto result = Payloads(h.run, "response.tool_result")[0];
    EXPECT_EQ(result["status"], "error");
    EXPECT_EQ(result["content"][0]["text"], "Function DB.S.F does not exist.");
    auto back = h.provider->requests().at(1).messages.back();
    EXPECT_TRUE(back.is_error);
    EXPECT_EQ(back.text, "Function DB.S.F does not exist.");
}

TEST(Orchestrator, UnknownToolNameBecomesErrorResult) {
    Harness h;
    h.AddTool("real", Answer({{"ok", true}}));
    h.provider->Push({.calls = {Call("t1", "imaginary")}});
    RunResult r = h.Execute();
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    EXPECT_EQ(Payloads(h.run, "response.tool_result")[0]["status"], "error");
    EXPECT_EQ(h.provider->requests().size(), 2u);
}

TEST(Orchestrator, ClientSideToolEndsTheRunWithItsToolUse) {
    Harness h;
    FakeTool* tool = h.AddTool("get_weather", Answer({}), true);
    h.provider->Push({.calls = {Call("toolu_7", "get_weather", {{"city", "Oslo"}})}});
    RunResult r = h.Execute();
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    EXPECT_EQ(tool->calls, 0);
    EXPECT_EQ(h.provider->requests().size(), 1u);
    auto use = Payloads(h.run, "response.tool_use")[0];
    EXPECT_EQ(use["client_side_execute"], true);
    EXPECT_TRUE(Payloads(h.run, "response.tool_result").empty());
    ASSERT_EQ(r.content.size(), 1u);
    EXPECT_EQ(r.content[0]["tool_use"]["client_side_execute"], true);
}

TEST(Orchestrator, ToolChoiceRequiredAppliesToFirstCallOnly) {
    Harness h;
    h.AddTool("a", Answer({}));
    h.choice.kind = Kind::kRequired;
    h.provider->Push({.calls = {Call("t1", "a")}});
    h.Execute();
    auto requests = h.provider->requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].tool_choice.kind, Kind::kRequired);
    EXPECT_EQ(requests[1].tool_choice.kind, Kind::kAuto);
    EXPECT_EQ(requests[0].tools.size(), 1u);
}

TEST(Orchestrator, ToolChoiceNoneOffersNoTools) {
    Harness h;
    h.AddTool("a", Answer({}));
    h.choice.kind = Kind::kNone;
    h.Execute();
    auto requests = h.provider->requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_TRUE(requests[0].tools.empty());
    EXPECT_EQ(requests[0].tool_choice.kind, Kind::kNone);
}

TEST(Orchestrator, ToolChoiceToolOffersOnlyTheNamedTools) {
    Harness h;
    h.AddTool("a", Answer({}));
    h.AddTool("b", Answer({}));
    h.choice.kind = Kind::kTool;
    h.choice.names = {"b"};
    h.provider->Push({.calls = {Call("t1", "a")}});  // not offered: an error result
    h.Execute();
    auto requests = h.provider->requests();
    ASSERT_EQ(requests.size(), 2u);
    ASSERT_EQ(requests[0].tools.size(), 1u);
    EXPECT_EQ(requests[0].tools[0].name, "b");
    EXPECT_EQ(requests[0].tool_choice.kind, Kind::kTool);
    EXPECT_EQ(requests[0].tool_choice.names, std::vector<std::string>{"b"});
    EXPECT_EQ(Payloads(h.run, "response.tool_result")[0]["status"], "error");
}

TEST(Orchestrator, TokenBudgetStopsWithWarningAndBestAnswer) {
    Harness h;
    FakeTool* tool = h.AddTool("a", Answer({}));
    h.spec = Json::parse(R"({"orchestration":{"budget":{"tokens":20}}})");
    h.provider->Push({.text_chunks = {"Looking it up."}, .calls = {Call("t1", "a")}, .usage = {15, 10, 0, 0}});
    RunResult r = h.Execute();
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    EXPECT_EQ(tool->calls, 0);
    EXPECT_EQ(h.provider->requests().size(), 1u);
    auto names = Names(h.run);
    ASSERT_GE(names.size(), 3u);
    EXPECT_EQ(names[names.size() - 3], "response.warning");
    EXPECT_EQ(names.back(), "response.text");
    EXPECT_EQ(Payloads(h.run, "response.warning")[0]["code"], "budget_exhausted");
    std::string best = r.content.back()["text"];
    EXPECT_NE(best.find("Looking it up."), std::string::npos);
    EXPECT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.usage.input_tokens, 15);
}

TEST(Orchestrator, SecondsBudgetInterruptsTheModelCall) {
    Harness h;
    h.spec = Json::parse(R"({"orchestration":{"budget":{"seconds":1}}})");
    h.provider->Push({.wait_for_cancel = true});
    auto start = std::chrono::steady_clock::now();
    RunResult r = h.Execute();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
    EXPECT_EQ(r.status, RunStatus::kCompleted);
    EXPECT_EQ(Payloads(h.run, "response.warning")[0]["code"], "budget_exhausted");
    EXPECT_EQ(r.content.back()["type"], "text");
}

TEST(Orchestrator, IterationCapForcesAnAnswerWithoutTools) {
    Harness h;
    FakeTool* tool = h.AddTool("a", Answer({{"n", 1}}));
    h.options.max_iterations = 2;
    for (int i = 0; i < 3; ++i) h.provider->Push({.calls = {Call("t" + std::to_string(i), "a")}});
    RunResult r = h.Execute();
    auto requests = h.provider->requests();
    ASSERT_EQ(requests.size(), 3u);
    EXPECT_EQ(requests[2].tool_choice.kind, Kind::kNone);
    EXPECT_EQ(tool->calls, 2);
    EXPECT_EQ(Payloads(h.run, "response.warning")[0]["code"], "max_iterations");
    EXPECT_EQ(r.status, RunStatus::kCompleted);
}

TEST(Orchestrator, CancelEndsWithCancelledStatusAndPartialContent) {
    Harness h;
    h.provider->Push({.text_chunks = {"partial"}, .calls = {Call("t1", "missing")}});
    h.provider->Push({.wait_for_cancel = true});
    RunResult r;
    std::thread t([&] { r = h.Execute(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (h.provider->requests().size() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    h.run.Cancel();
    t.join();
    EXPECT_EQ(r.status, RunStatus::kCancelled);
    EXPECT_EQ(r.content[0]["text"], "partial");
}

TEST(Orchestrator, UpstreamFailureIsFatalError) {
    Harness h;
    h.provider->Push({.error = MakeError(ErrorCode::kUnavailable, "upstream answered 500")});
    RunResult r = h.Execute();
    EXPECT_EQ(r.status, RunStatus::kFailed);
    EXPECT_EQ(r.error["code"], "399504");
    EXPECT_EQ(r.error["error_code"], "399504");
    EXPECT_EQ(r.error["request_id"], "req-1");
    EXPECT_NE(r.error["message"].get<std::string>().find("upstream answered 500"), std::string::npos);
}

TEST(Orchestrator, UnableToAnswerTextWhenTheModelSaysNothing) {
    Harness h;
    h.spec = Json::parse(R"({"tool_unable_to_answer":"I don't know the answer to that"})");
    h.provider->Push({.text_chunks = {}});
    RunResult r = h.Execute();
    ASSERT_EQ(r.content.size(), 1u);
    EXPECT_EQ(r.content[0]["text"], "I don't know the answer to that");
}

TEST(Orchestrator, UnstreamedTextIsEmittedOnce) {
    Harness h;
    h.provider->Push({.unstreamed_text = "whole answer"});
    RunResult r = h.Execute();
    EXPECT_EQ(Payloads(h.run, "response.text.delta").size(), 1u);
    EXPECT_EQ(r.content[0]["text"], "whole answer");
}

TEST(Orchestrator, UnsupportedToolTypeIsAWarningAndNotOffered) {
    Harness h;
    h.spec = Json::parse(R"({"tools":[{"tool_spec":{"type":"cortex_search","name":"docs"}},
        {"tool_spec":{"type":"generic","name":"client_tool","input_schema":{"type":"object"}}}]})");
    h.tools = ToolCatalog::WithBuiltins().Build(h.spec, ToolEnvironment{});
    RunResult r = h.Execute();
    auto warnings = Payloads(h.run, "response.warning");
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0]["code"], "unsupported_tool");
    EXPECT_NE(warnings[0]["message"].get<std::string>().find("docs"), std::string::npos);
    ASSERT_EQ(h.provider->requests()[0].tools.size(), 1u);
    EXPECT_EQ(h.provider->requests()[0].tools[0].name, "client_tool");
    EXPECT_EQ(r.warnings.size(), 1u);
}

TEST(Orchestrator, FinalResponseCarriesIdsUsageAndStatus) {
    RunResult r;
    r.content = Json::array({Json::object({{"type", "text"}, {"text", "hi"}})});
    r.usage = {100, 20, 30, 0};
    r.warnings = {"w"};
    RunIds ids{"1001-1042", 1001, 1042, 1043, "ADMIN"};
    Json f = FinalResponse(r, ids, "claude-4-sonnet");
    EXPECT_EQ(f["role"], "assistant");
    EXPECT_EQ(f["status"], "completed");
    EXPECT_EQ(f["schema_version"], "v2");
    EXPECT_EQ(f["warnings"], Json::parse(R"([{"message":"w"}])"));
    EXPECT_EQ(f["metadata"]["run_id"], "1001-1042");
    EXPECT_EQ(f["metadata"]["thread_id"], 1001);
    EXPECT_EQ(f["metadata"]["assistant_message_id"], 1043);
    auto tokens = f["metadata"]["usage"]["tokens_consumed"][0];
    EXPECT_EQ(tokens["model_name"], "claude-4-sonnet");
    EXPECT_EQ(tokens["input_tokens"], Json::parse(R"({"total":100,"cache_read":30,"cache_write":0,"uncached":70})"));
    EXPECT_EQ(tokens["output_tokens"]["total"], 20);
    EXPECT_TRUE(tokens.contains("context_window"));
}

TEST(Prompt, SystemPromptCarriesInstructionsSamplesAndTools) {
    ToolSet tools;
    tools.tools.push_back(std::make_unique<FakeTool>("order_total", Answer({})));
    Json spec = Json::parse(R"({"instructions":{"system":"You are Shop.","orchestration":"Use order_total.",
        "response":"Be brief.","sample_questions":[{"question":"Total of 3 at 2.5?"}]},
        "tool_unable_to_answer":"No idea."})");
    std::string p = BuildSystemPrompt(spec, tools);
    for (const char* part : {"You are Shop.", "Use order_total.", "Be brief.", "Total of 3 at 2.5?",
                             "order_total (generic): a fake tool", "No idea."}) {
        EXPECT_NE(p.find(part), std::string::npos) << part;
    }
}

TEST(Prompt, ConvertsHistoryAndBothToolResultSpellings) {
    Json messages = Json::parse(R"([
      {"role":"user","content":[{"type":"text","text":"weather?"}]},
      {"role":"assistant","content":[{"type":"tool_use","tool_use":{"tool_use_id":"toolu_7","name":"get_weather","input":{"city":"Oslo"}}}]},
      {"role":"user","content":[{"type":"tool_results","tool_results":{"tool_use_id":"toolu_7","name":"get_weather",
         "content":[{"type":"json","json":{"temp_c":21}}],"status":"success"}}]},
      {"role":"assistant","content":[{"type":"tool_result","tool_result":{"tool_use_id":"x","content":[{"type":"text","text":"t"}],"status":"error"}},
         {"type":"text","text":"ok"}]}])");
    auto out = ConvertMessages(messages);
    ASSERT_TRUE(out);
    ASSERT_EQ(out->size(), 5u);
    EXPECT_EQ((*out)[1].tool_calls.at(0).arguments["city"], "Oslo");
    EXPECT_EQ((*out)[2].role, llm::Role::kTool);
    EXPECT_EQ((*out)[2].tool_call_id, "toolu_7");
    EXPECT_EQ((*out)[2].text, R"({"temp_c":21})");
    EXPECT_TRUE((*out)[3].is_error);
    EXPECT_EQ((*out)[4].text, "ok");
    EXPECT_EQ(ConvertMessages(Json::parse(R"([{"role":"system","content":[]}])")).error().code,
              ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace oc::runtime
