#include "runtime/agent_runner.h"

#include <gtest/gtest.h>

#include "scripted_provider.h"
#include "store/repos/thread_repo.h"
#include "store/system_store.h"
#include "test_util.h"

namespace oc::runtime {
namespace {

using AgentRun = Run;  // gtest's Test::Run hides the name inside TEST bodies

using testing::Names;
using testing::Payloads;
using testing::ScratchDir;
using testing::ScriptedProvider;

class AgentRunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = store::SystemStore::Open({dir_.path()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
        threads_ = std::make_unique<store::ThreadRepo>(*store_);
        env_.store = store_.get();
        runner_ = std::make_unique<AgentRunner>(threads_.get(), env_, ToolCatalog::WithBuiltins());
    }

    AgentRunRequest Request(const std::string& question) {
        AgentRunRequest r;
        r.messages = Json::array({Json::object(
            {{"role", "user"}, {"content", Json::array({Json::object({{"type", "text"}, {"text", question}})})}})});
        r.provider = provider_;
        r.upstream_model = "up";
        r.model_name = "m";
        r.request_id = "req";
        r.user = "ALICE";
        return r;
    }

    std::shared_ptr<AgentRun> RunToEnd(AgentRunRequest request) {
        auto run = runner_->Start(std::move(request));
        EXPECT_TRUE(run) << (run ? "" : run.error().message);
        if (!run) return nullptr;
        EXPECT_TRUE((*run)->WaitFinished(std::chrono::seconds(20)));
        return *run;
    }

    ScratchDir dir_;
    std::unique_ptr<store::SystemStore> store_;
    std::unique_ptr<store::ThreadRepo> threads_;
    ToolEnvironment env_;
    std::shared_ptr<ScriptedProvider> provider_ = std::make_shared<ScriptedProvider>();
    std::unique_ptr<AgentRunner> runner_;
};

TEST_F(AgentRunnerTest, RunWithoutThreadEndsWithResponseThenDone) {
    provider_->Push({.text_chunks = {"Hello"}});
    auto run = RunToEnd(Request("hi"));
    ASSERT_TRUE(run);
    EXPECT_EQ(run->id().rfind("0-", 0), 0u);
    auto names = Names(*run);
    ASSERT_GE(names.size(), 2u);
    EXPECT_EQ(names[names.size() - 2], "response");
    EXPECT_EQ(names.back(), "done");
    EXPECT_EQ(run->EventsAfter(0).back().data, "[DONE]");
    EXPECT_TRUE(Payloads(*run, "metadata").empty());
    Json response = run->final_response();
    EXPECT_EQ(response["metadata"]["run_id"], run->id());
    EXPECT_FALSE(response["metadata"].contains("thread_id"));
    EXPECT_EQ(response["content"][0]["text"], "Hello");
    EXPECT_EQ(run->status(), RunStatus::kCompleted);
}

TEST_F(AgentRunnerTest, UpstreamFailureEndsWithErrorThenDone) {
    provider_->Push({.error = MakeError(ErrorCode::kUnavailable, "HTTP 500")});
    auto run = RunToEnd(Request("hi"));
    auto names = Names(*run);
    EXPECT_EQ(names[names.size() - 2], "error");
    EXPECT_EQ(names.back(), "done");
    EXPECT_TRUE(Payloads(*run, "response").empty());
    EXPECT_EQ(run->status(), RunStatus::kFailed);
    EXPECT_EQ(run->error()["code"], "399504");
}

TEST_F(AgentRunnerTest, ThreadTurnsStoreMessagesAndRebuildHistory) {
    auto thread = threads_->Create("ALICE", "app");
    ASSERT_TRUE(thread);
    provider_->Push({.text_chunks = {"Revenue was 5."}});
    auto first = Request("What was revenue?");
    first.thread_id = thread->thread_id;
    first.parent_message_id = 0;
    auto run1 = RunToEnd(first);
    ASSERT_TRUE(run1);
    auto meta = Payloads(*run1, "metadata");
    ASSERT_EQ(meta.size(), 2u);
    EXPECT_EQ(Names(*run1).front(), "metadata");
    EXPECT_EQ(meta[0]["metadata"]["role"], "user");
    EXPECT_EQ(meta[1]["metadata"]["role"], "assistant");
    int64_t user_id = meta[0]["metadata"]["message_id"];
    int64_t assistant_id = meta[1]["metadata"]["message_id"];
    EXPECT_EQ(run1->id(), std::to_string(thread->thread_id) + "-" + std::to_string(user_id));
    EXPECT_EQ(meta[1]["metadata"]["run_id"], run1->id());
    auto names = Names(*run1);
    EXPECT_EQ(names[names.size() - 3], "metadata");  // assistant metadata, response, done
    Json response = run1->final_response();
    EXPECT_EQ(response["metadata"]["thread_id"], thread->thread_id);
    EXPECT_EQ(response["metadata"]["user_message_id"], user_id);
    EXPECT_EQ(response["metadata"]["assistant_message_id"], assistant_id);

    provider_->Push({.text_chunks = {"It grew."}});
    auto second = Request("And last year?");
    second.thread_id = thread->thread_id;
    second.parent_message_id = assistant_id;
    auto run2 = RunToEnd(second);
    ASSERT_TRUE(run2);
    auto request = provider_->requests().back();
    ASSERT_EQ(request.messages.size(), 4u);  // system, Q1, A1, Q2
    EXPECT_EQ(request.messages[1].text, "What was revenue?");
    EXPECT_EQ(request.messages[2].role, llm::Role::kAssistant);
    EXPECT_EQ(request.messages[2].text, "Revenue was 5.");
    EXPECT_EQ(request.messages[3].text, "And last year?");

    auto stored = threads_->Messages(thread->thread_id, 20, std::nullopt, "");
    ASSERT_TRUE(stored);
    ASSERT_EQ(stored->size(), 4u);
    EXPECT_EQ((*stored)[0].role, "assistant");  // newest first
    EXPECT_EQ((*stored)[3].message_payload, "What was revenue?");
    EXPECT_FALSE((*stored)[3].parent_id.has_value());
    EXPECT_EQ((*stored)[2].parent_id, user_id);
    EXPECT_EQ((*stored)[2].message_payload, R"([{"type":"text","text":"Revenue was 5.","annotations":[],"is_elicitation":false}])");
}

TEST_F(AgentRunnerTest, ThreadRulesAreCheckedBeforeTheRunStarts) {
    auto thread = threads_->Create("ALICE", "");
    provider_->Push({.text_chunks = {"A"}});
    auto first = Request("Q");
    first.thread_id = thread->thread_id;
    auto run = RunToEnd(first);
    int64_t user_id = Payloads(*run, "metadata")[0]["metadata"]["message_id"];

    auto user_parent = Request("Q2");
    user_parent.thread_id = thread->thread_id;
    user_parent.parent_message_id = user_id;
    EXPECT_EQ(runner_->Start(user_parent).error().code, ErrorCode::kInvalidArgument);

    auto unknown = Request("Q2");
    unknown.thread_id = 987654;
    EXPECT_EQ(runner_->Start(unknown).error().code, ErrorCode::kNotFound);

    auto other_user = Request("Q2");
    other_user.thread_id = thread->thread_id;
    other_user.user = "BOB";
    EXPECT_EQ(runner_->Start(other_user).error().code, ErrorCode::kNotFound);

    auto two = Request("Q2");
    two.thread_id = thread->thread_id;
    two.messages.push_back(two.messages[0]);
    EXPECT_EQ(runner_->Start(two).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AgentRunnerTest, LastMessageMustBeUser) {
    auto r = Request("Q");
    r.messages[0]["role"] = "assistant";
    EXPECT_EQ(runner_->Start(r).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AgentRunnerTest, CancelStoresPartialAnswerAndEndsCancelled) {
    auto thread = threads_->Create("ALICE", "");
    provider_->Push({.text_chunks = {"partial"}, .calls = {testing::Call("t1", "nope")}});
    provider_->Push({.wait_for_cancel = true});
    auto req = Request("Q");
    req.thread_id = thread->thread_id;
    auto run = runner_->Start(req);
    ASSERT_TRUE(run);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (provider_->requests().size() < 2 && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    (*run)->Cancel();
    ASSERT_TRUE((*run)->WaitFinished(std::chrono::seconds(10)));
    EXPECT_EQ((*run)->status(), RunStatus::kCancelled);
    EXPECT_EQ((*run)->final_response()["status"], "cancelled");
    EXPECT_NE((*run)->ids().assistant_message_id, 0);
    EXPECT_EQ(Names(**run).back(), "done");
}

TEST(ToolChoice, ParsesEveryKindAndRejectsBadOnes) {
    Json spec = Json::parse(R"({"tools":[{"tool_spec":{"type":"generic","name":"a"}}]})");
    EXPECT_EQ(ParseToolChoice(nullptr, spec)->kind, llm::ToolChoice::Kind::kAuto);
    EXPECT_EQ(ParseToolChoice(Json::parse(R"({"type":"required"})"), spec)->kind, llm::ToolChoice::Kind::kRequired);
    EXPECT_EQ(ParseToolChoice(Json::parse(R"({"type":"none"})"), spec)->kind, llm::ToolChoice::Kind::kNone);
    auto tool = ParseToolChoice(Json::parse(R"({"type":"tool","name":["a"]})"), spec);
    ASSERT_TRUE(tool);
    EXPECT_EQ(tool->names, std::vector<std::string>{"a"});
    EXPECT_FALSE(ParseToolChoice(Json::parse(R"({"type":"tool","name":["b"]})"), spec));
    EXPECT_FALSE(ParseToolChoice(Json::parse(R"({"type":"tool"})"), spec));
    EXPECT_FALSE(ParseToolChoice(Json::parse(R"({"type":"sometimes"})"), spec));
}

TEST_F(AgentRunnerTest, ThreadRepoPagesNewestFirst) {
    auto thread = threads_->Create("ALICE", "");
    std::vector<int64_t> ids;
    for (int i = 0; i < 5; ++i) {
        store::MessageRecord m;
        m.thread_id = thread->thread_id;
        m.role = i % 2 ? "assistant" : "user";
        m.message_payload = "m" + std::to_string(i);
        m.content = "[]";
        m.request_id = "r";
        auto stored = threads_->AddMessage(m);
        ASSERT_TRUE(stored);
        ids.push_back(stored->message_id);
        EXPECT_LT(stored->message_id, int64_t{1} << 53);
    }
    auto page1 = threads_->Messages(thread->thread_id, 2, std::nullopt, "");
    ASSERT_EQ(page1->size(), 2u);
    EXPECT_EQ((*page1)[0].message_id, ids[4]);
    auto page2 = threads_->Messages(thread->thread_id, 2, (*page1)[1].message_id, "");
    ASSERT_EQ(page2->size(), 2u);
    EXPECT_EQ((*page2)[0].message_id, ids[2]);
    EXPECT_TRUE(threads_->Messages(thread->thread_id, 2, std::nullopt, "compaction")->empty());
    ASSERT_TRUE(threads_->Delete("ALICE", thread->thread_id));
    EXPECT_EQ(threads_->Get("ALICE", thread->thread_id).error().code, ErrorCode::kNotFound);
    EXPECT_EQ(threads_->AddMessage(store::MessageRecord{0, thread->thread_id}).error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace oc::runtime
