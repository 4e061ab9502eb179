#include "runtime/run.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "runtime/run_event.h"
#include "runtime/run_registry.h"

namespace oc::runtime {
namespace {

using AgentRun = Run;  // gtest's Test::Run hides the name inside TEST bodies

Subscriber Collect(std::vector<RunEvent>* out, bool* ended) {
    return {[out](const RunEvent& e) {
                out->push_back(e);
                return true;
            },
            [ended] { *ended = true; }};
}

TEST(RunEvent, RendersSseFrame) {
    EXPECT_EQ(RenderSse({7, "response.text.delta", R"({"content_index":4,"text":"EMEA"})"}),
              "id: 7\nevent: response.text.delta\ndata: {\"content_index\":4,\"text\":\"EMEA\"}\n\n");
    EXPECT_EQ(RenderSse({9, "done", "[DONE]"}), "id: 9\nevent: done\ndata: [DONE]\n\n");
}

TEST(Run, AppendNumbersEventsFromOne) {
    AgentRun run({"0-1"});
    EXPECT_EQ(run.Append("a", Json::object({{"x", 1}})), 1);
    EXPECT_EQ(run.Append("b", Json::object()), 2);
    auto events = run.EventsAfter(0);
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].data, R"({"x":1})");
    EXPECT_EQ(run.EventsAfter(1).size(), 1u);
}

TEST(Run, SubscriberGetsBacklogThenLiveThenEnd) {
    AgentRun run({"0-1"});
    run.Append("a", Json::object());
    run.Append("b", Json::object());
    std::vector<RunEvent> seen;
    bool ended = false;
    EXPECT_NE(run.Subscribe(1, Collect(&seen, &ended)), 0u);
    run.Append("c", Json::object());
    run.Finish(RunStatus::kCompleted, Json::object());
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].name, "b");
    EXPECT_EQ(seen[1].seq, 3);
    EXPECT_TRUE(ended);
    EXPECT_EQ(run.Append("late", Json::object()), 0);  // nothing after Finish
}

TEST(Run, SubscribingToFinishedRunReplaysAndEnds) {
    AgentRun run({"0-1"});
    run.Append("a", Json::object());
    run.Finish(RunStatus::kCancelled, Json::object());
    std::vector<RunEvent> seen;
    bool ended = false;
    EXPECT_EQ(run.Subscribe(0, Collect(&seen, &ended)), 0u);
    EXPECT_EQ(seen.size(), 1u);
    EXPECT_TRUE(ended);
    EXPECT_EQ(run.status(), RunStatus::kCancelled);
}

TEST(Run, GoneSubscriberIsDropped) {
    AgentRun run({"0-1"});
    int calls = 0;
    run.Subscribe(0, {[&calls](const RunEvent&) { return ++calls < 2; }, nullptr});
    run.Append("a", Json::object());
    run.Append("b", Json::object());
    run.Append("c", Json::object());
    EXPECT_EQ(calls, 2);
}

TEST(Run, WaitFinishedWakesOnFinish) {
    AgentRun run({"0-1"});
    EXPECT_FALSE(run.WaitFinished(std::chrono::milliseconds(10)));
    std::thread t([&run] { run.Finish(RunStatus::kCompleted, Json::object({{"ok", true}})); });
    EXPECT_TRUE(run.WaitFinished(std::chrono::seconds(10)));
    t.join();
    EXPECT_EQ(run.final_response()["ok"], true);
    EXPECT_GT(run.finished_at_ms(), 0);
}

TEST(RunRegistry, RunsBodyOnPoolAndFinishes) {
    RunRegistry registry;
    auto run = registry.Create({"0-7"});
    ASSERT_TRUE(run);
    std::thread::id body_thread;
    ASSERT_TRUE(registry.Start(*run, [&body_thread](AgentRun& r) {
        body_thread = std::this_thread::get_id();
        r.Finish(RunStatus::kCompleted, Json::object());
    }));
    ASSERT_TRUE((*run)->WaitFinished(std::chrono::seconds(10)));
    EXPECT_NE(body_thread, std::this_thread::get_id());
    auto found = registry.Find("0-7");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->get(), run->get());
}

TEST(RunRegistry, DuplicateAndUnknownIds) {
    RunRegistry registry;
    ASSERT_TRUE(registry.Create({"1-2"}));
    EXPECT_EQ(registry.Create({"1-2"}).error().code, ErrorCode::kAlreadyExists);
    EXPECT_EQ(registry.Find("9-9").error().code, ErrorCode::kNotFound);
}

TEST(RunRegistry, BodyThatDoesNotFinishIsFailed) {
    RunRegistry registry;
    auto run = registry.Create({"0-1"});
    ASSERT_TRUE(registry.Start(*run, [](AgentRun&) { throw std::runtime_error("boom"); }));
    ASSERT_TRUE((*run)->WaitFinished(std::chrono::seconds(10)));
    EXPECT_EQ((*run)->status(), RunStatus::kFailed);
}

TEST(RunRegistry, ExpiredRunIsFailedPrecondition) {
    RunRegistry registry({.max_threads = 2, .max_queued = 8, .retention_ms = 1});
    auto run = registry.Create({"0-1"});
    (*run)->Finish(RunStatus::kCompleted, Json::object());
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    Result<std::shared_ptr<AgentRun>> found = *run;
    while (found && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        found = registry.Find("0-1");
    }
    ASSERT_FALSE(found);
    EXPECT_EQ(found.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(found.error().http_status, 409);
}

TEST(RunRegistry, FullQueueIsResourceExhausted) {
    RunRegistry registry({.max_threads = 1, .max_queued = 1, .retention_ms = 60000});
    std::atomic<bool> started{false};
    std::atomic<bool> release{false};
    auto blocker = [&](AgentRun& r) {
        started = true;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        r.Finish(RunStatus::kCompleted, Json::object());
    };
    auto a = registry.Create({"0-1"});
    ASSERT_TRUE(registry.Start(*a, blocker));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!started && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    auto b = registry.Create({"0-2"});
    ASSERT_TRUE(registry.Start(*b, blocker));  // waits in the queue
    auto c = registry.Create({"0-3"});
    Status third = registry.Start(*c, blocker);
    release = true;
    ASSERT_FALSE(third);
    EXPECT_EQ(third.error().code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(registry.Find("0-3").error().code, ErrorCode::kNotFound);
    EXPECT_TRUE((*b)->WaitFinished(std::chrono::seconds(10)));
}

TEST(RunRegistry, CancelWhenProbeTurnsTrue) {
    RunRegistry registry;
    auto run = registry.Create({"0-1"});
    std::atomic<bool> gone{false};
    registry.CancelWhen(*run, [&gone] { return gone.load(); });
    ASSERT_TRUE(registry.Start(*run, [](AgentRun& r) {
        while (!r.cancel_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        r.Finish(RunStatus::kCancelled, Json::object());
    }));
    gone = true;
    EXPECT_TRUE((*run)->WaitFinished(std::chrono::seconds(10)));
    EXPECT_EQ((*run)->status(), RunStatus::kCancelled);
}

}  // namespace
}  // namespace oc::runtime
