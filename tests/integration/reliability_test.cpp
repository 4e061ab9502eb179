// Every acknowledged write survives kill -9 of the server, and the files reopen cleanly.
#include <atomic>
#include <set>
#include <mutex>
#include <thread>
#include <vector>

#include "fixture.h"

namespace oc::testing {
namespace {

using Reliability = ServerTest;

TEST_F(Reliability, AcknowledgedCreatesSurviveKill9) {
    CreateDatabase("TESTDB");
    const std::string url = server_->url() + "/api/v2/databases/TESTDB/schemas/PUBLIC/agents";
    std::mutex mu;
    std::vector<std::string> acked;
    std::atomic<int> next{0};
    std::atomic<bool> stop{false};
    auto writer = [&] {
        while (!stop) {
            std::string name = "A" + std::to_string(next++);
            auto r = Api("POST", url, token_, R"({"name": ")" + name + R"(", "comment": "load"})");
            if (r.status == 200) {
                std::lock_guard lock(mu);
                acked.push_back(name);
            }
        }
    };
    std::vector<std::thread> writers;
    for (int i = 0; i < 4; ++i) writers.emplace_back(writer);
    // Kill mid-load once enough writes were acknowledged (bounded wait).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
        {
            std::lock_guard lock(mu);
            if (acked.size() >= 200 || std::chrono::steady_clock::now() > deadline) break;
        }
        std::this_thread::yield();
    }
    server_->Kill9();
    stop = true;
    for (auto& t : writers) t.join();
    ASSERT_GE(acked.size(), 50u);

    server_ = CortexServer::Start(dir_.path() + "/data");
    ASSERT_NE(server_, nullptr);
    auto list = Call("GET", "/api/v2/databases/TESTDB/schemas/PUBLIC/agents");
    ASSERT_EQ(list.status, 200) << list.body;
    std::set<std::string> stored;
    for (const auto& item : Body(list)) stored.insert(item["name"].get<std::string>());
    for (const auto& name : acked) EXPECT_TRUE(stored.count(name)) << name << " was acknowledged but lost";
    // The database still takes writes after recovery.
    EXPECT_EQ(Call("POST", "/api/v2/databases/TESTDB/schemas/PUBLIC/agents", R"({"name": "after"})").status, 200);
}

}  // namespace
}  // namespace oc::testing
