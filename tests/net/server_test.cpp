#include "net/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "cortex_process.h"

namespace oc::net {
namespace {

HttpResponse Error(int status, const std::string& message) {
    HttpResponse r;
    r.status = status;
    r.body = message;
    return r;
}

TEST(Server, PlainAndStreamedResponses) {
    Router router;
    router.Add("GET", "/plain", [](HttpRequest& req) {
        HttpResponse r;
        r.body = "hello " + req.Query("who");
        return r;
    }, false);
    router.Add("GET", "/stream", [](HttpRequest&) {
        HttpResponse r;
        r.content_type = "text/event-stream";
        r.stream = [](std::shared_ptr<BodyWriter> w) {
            std::thread([w] {
                for (const char* part : {"a", "b", "c"}) {
                    w->Write(part);
                    std::this_thread::sleep_for(std::chrono::milliseconds(5));
                }
                w->Close();
            }).detach();
        };
        return r;
    });
    Server server({.host = "127.0.0.1", .port = 0}, router, Error);
    auto port = server.Start();
    ASSERT_TRUE(port);
    std::string base = "http://127.0.0.1:" + std::to_string(*port);
    auto plain = testing::Http("GET", base + "/plain?who=x");
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(plain.body, "hello x");
    auto streamed = testing::Http("GET", base + "/stream");
    EXPECT_EQ(streamed.status, 200);
    EXPECT_EQ(streamed.body, "abc");
    EXPECT_EQ(streamed.Header("content-type"), "text/event-stream");
    EXPECT_EQ(testing::Http("GET", base + "/nothing").status, 404);
    EXPECT_EQ(testing::Http("POST", base + "/plain").status, 405);
    server.Stop();
}

TEST(Server, ProducerSeesClientDisconnect) {
    Router router;
    std::atomic<bool> saw_cancel{false};
    router.Add("GET", "/endless", [&saw_cancel](HttpRequest&) {
        HttpResponse r;
        r.stream = [&saw_cancel](std::shared_ptr<BodyWriter> w) {
            std::thread([w, &saw_cancel] {
                auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
                while (std::chrono::steady_clock::now() < deadline) {
                    if (!w->Write(std::string(1024, 'x'))) {
                        saw_cancel = true;
                        break;
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                }
                w->Close();
            }).detach();
        };
        return r;
    });
    Server server({.host = "127.0.0.1", .port = 0}, router, Error);
    auto port = server.Start();
    ASSERT_TRUE(port);
    // A client that reads at most 1 s and then hangs up.
    testing::HttpWithTimeout("GET", "http://127.0.0.1:" + std::to_string(*port) + "/endless", 1);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!saw_cancel && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_TRUE(saw_cancel);
    server.Stop();
}

}  // namespace
}  // namespace oc::net
