#include "runtime/run_journal.h"

#include <gtest/gtest.h>

#include <thread>

#include "runtime/run_registry.h"
#include "store/system_store.h"
#include "test_util.h"

namespace oc::runtime {
namespace {

using AgentRun = Run;  // gtest's Test::Run hides the name inside TEST bodies
using testing::ScratchDir;

class RunJournalTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = store::SystemStore::Open({dir_.path()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
    }
    RegistryOptions Options(int64_t retention_ms = 600000) {
        return {.max_threads = 2, .max_queued = 8, .retention_ms = retention_ms, .journal_store = store_.get()};
    }
    ScratchDir dir_;
    std::unique_ptr<store::SystemStore> store_;
};

TEST_F(RunJournalTest, FinishedRunIsReplayableAfterRestart) {
    std::vector<RunEvent> original;
    {
        RunRegistry registry(Options());
        auto run = registry.Create({"1001-1002", 1001, 1002, 0, "ALICE"});
        ASSERT_TRUE(run);
        (*run)->Append("metadata", Json::parse(R"({"metadata":{"role":"user","message_id":1002}})"));
        (*run)->Append("response.text", Json::parse(R"({"content_index":0,"text":"hi"})"));
        (*run)->SetAssistantMessageId(1003);
        (*run)->Append("response", Json::parse(R"({"role":"assistant","status":"completed"})"));
        (*run)->AppendRaw("done", "[DONE]");
        (*run)->Finish(RunStatus::kCompleted, Json::parse(R"({"role":"assistant","status":"completed"})"));
        original = (*run)->EventsAfter(0);
    }
    RunRegistry restarted(Options());
    auto found = restarted.Find("1001-1002");
    ASSERT_TRUE(found) << found.error().message;
    auto events = (*found)->EventsAfter(0);
    ASSERT_EQ(events.size(), original.size());
    for (size_t i = 0; i < events.size(); ++i) EXPECT_EQ(RenderSse(events[i]), RenderSse(original[i]));
    EXPECT_EQ((*found)->status(), RunStatus::kCompleted);
    EXPECT_EQ((*found)->final_response()["status"], "completed");
    RunIds ids = (*found)->ids();
    EXPECT_EQ(ids.user, "ALICE");
    EXPECT_EQ(ids.thread_id, 1001);
    EXPECT_EQ(ids.assistant_message_id, 1003);
}

// Many runs and events in one flush go through the multi-row statements (32-row batches and a
// tail): every run, event and end state must come back after a restart.
TEST_F(RunJournalTest, BurstOfRunsIsJournaledInBatches) {
    constexpr int kRuns = 70;
    constexpr int kEvents = 35;
    {
        RunRegistry registry(Options());
        for (int r = 0; r < kRuns; ++r) {
            std::string id = "7-" + std::to_string(r);
            auto run = registry.Create({id, 7, 100 + r, 0, "U" + std::to_string(r)});
            ASSERT_TRUE(run) << run.error().message;
            for (int e = 0; e < kEvents; ++e) {
                (*run)->Append("response.text.delta", Json::object({{"text", id + ":" + std::to_string(e)}}));
            }
            if (r % 3 != 2) {  // every third run never ends: failed after the restart
                (*run)->SetAssistantMessageId(1000 + r);
                (*run)->Finish(r % 3 == 0 ? RunStatus::kCompleted : RunStatus::kCancelled, Json::object());
            }
        }
    }
    RunRegistry restarted(Options());
    for (int r = 0; r < kRuns; ++r) {
        std::string id = "7-" + std::to_string(r);
        auto found = restarted.Find(id);
        ASSERT_TRUE(found) << id << ": " << found.error().message;
        auto events = (*found)->EventsAfter(0);
        ASSERT_GE(events.size(), static_cast<size_t>(kEvents)) << id;
        for (int e = 0; e < kEvents; ++e) {
            EXPECT_NE(RenderSse(events[e]).find(id + ":" + std::to_string(e) + "\""), std::string::npos) << id;
        }
        RunStatus want = r % 3 == 0 ? RunStatus::kCompleted : r % 3 == 1 ? RunStatus::kCancelled : RunStatus::kFailed;
        EXPECT_EQ((*found)->status(), want) << id;
        EXPECT_EQ((*found)->ids().user, "U" + std::to_string(r));
        EXPECT_EQ((*found)->ids().user_message_id, 100 + r);
        if (r % 3 != 2) EXPECT_EQ((*found)->ids().assistant_message_id, 1000 + r) << id;
    }
}

TEST_F(RunJournalTest, RunInterruptedByRestartIsFailed) {
    {
        RunRegistry registry(Options());
        auto run = registry.Create({"0-5"});
        (*run)->Append("response.status", Json::object({{"status", "planning"}}));
    }
    RunRegistry restarted(Options());
    auto found = restarted.Find("0-5");
    ASSERT_TRUE(found);
    EXPECT_EQ((*found)->status(), RunStatus::kFailed);
    EXPECT_EQ((*found)->EventsAfter(0).size(), 1u);
}

TEST_F(RunJournalTest, ExpiredRunIs409AfterRestart) {
    {
        RunRegistry registry(Options());
        auto run = registry.Create({"0-6"});
        (*run)->Finish(RunStatus::kCompleted, Json::object());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    RunRegistry restarted(Options(10));
    auto found = restarted.Find("0-6");
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().http_status, 409);
    EXPECT_EQ(restarted.Find("0-404").error().code, ErrorCode::kNotFound);
}

}  // namespace
}  // namespace oc::runtime
