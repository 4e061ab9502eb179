// HttpClient: Retry-After parsing, transport failures, bodies and connection reuse.
#include "net/client/http_client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "common/json.h"
#include "fake_llm.h"

namespace oc::net {
namespace {

TEST(RetryAfter, DeltaSeconds) {
    EXPECT_EQ(ParseRetryAfterMs("3", 0), 3000);
    EXPECT_EQ(ParseRetryAfterMs(" 0 ", 0), 0);
    EXPECT_EQ(ParseRetryAfterMs("1.5", 0), 1500);
}

TEST(RetryAfter, HttpDate) {
    // Wed, 21 Oct 2015 07:28:00 GMT = 1445412480
    EXPECT_EQ(ParseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470), 10000);
    EXPECT_EQ(ParseRetryAfterMs("Wed, 21 Oct 2015 07:28:00 GMT", 1445412490), 0);  // in the past
}

TEST(RetryAfter, InvalidIsMinusOne) {
    EXPECT_EQ(ParseRetryAfterMs("", 0), -1);
    EXPECT_EQ(ParseRetryAfterMs("soon", 0), -1);
    EXPECT_EQ(ParseRetryAfterMs("5s", 0), -1);
    EXPECT_EQ(ParseRetryAfterMs("-1", 0), -1);
}

TEST(HttpClient, ConnectionRefusedIsUnavailableAfterRetries) {
    ClientRequest request;
    request.url = "http://127.0.0.1:1/nothing";  // port 1: nothing listens
    request.max_retries = 2;
    request.initial_backoff_ms = 1;
    auto result = HttpClient::Send(request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
    EXPECT_NE(result.error().message.find("127.0.0.1:1/nothing"), std::string::npos);
}

TEST(HttpClient, CancelledBeforeStartIsCancelled) {
    ClientRequest request;
    request.url = "http://127.0.0.1:1/nothing";
    request.is_cancelled = [] { return true; };
    auto result = HttpClient::Send(request);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code, ErrorCode::kCancelled);
}

TEST(HttpClient, BuffersWholeBodyWithoutCallback) {
    auto fake = oc::testing::FakeLlm::Start();
    ASSERT_NE(fake, nullptr);
    ClientRequest request;
    request.url = fake->base_url() + "/v1/chat/completions";
    request.headers = {{"Content-Type", "application/json"}};
    request.body = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";
    auto response = HttpClient::Send(request);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->attempts, 1);
    EXPECT_NE(response->Header("Content-Type").find("application/json"), std::string::npos);
    auto body = ParseJson(response->body);
    ASSERT_TRUE(body);
    EXPECT_EQ((*body)["choices"][0]["message"]["content"], "ok");
}

TEST(HttpClient, ErrorStatusIsAValueWithItsBody) {
    auto fake = oc::testing::FakeLlm::Start();
    ASSERT_NE(fake, nullptr);
    oc::testing::FakeReply reply;
    reply.status = 404;
    reply.error_body = "no such model";
    fake->Enqueue(reply);
    ClientRequest request;
    request.url = fake->base_url() + "/v1/chat/completions";
    request.body = "{}";
    bool streamed = false;
    request.on_body = [&streamed](std::string_view) -> Status {
        streamed = true;
        return {};
    };
    auto response = HttpClient::Send(request);
    ASSERT_TRUE(response) << response.error().message;
    EXPECT_EQ(response->status, 404);
    EXPECT_EQ(response->body, "no such model");
    EXPECT_FALSE(streamed);  // only 2xx bodies reach on_body
}

// A one-thread HTTP/1.1 server on 127.0.0.1 that answers "ok" to every GET and counts the
// connections it accepted; with close_each it closes the connection after each answer without
// saying so (no "Connection: close"), as a server dropping idle connections does.
class CountingServer {
public:
    explicit CountingServer(bool close_each) : close_each_(close_each) {
        listener_ = socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
        listen(listener_, 16);
        socklen_t len = sizeof(addr);
        getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        thread_ = std::thread([this] { Run(); });
    }
    ~CountingServer() {
        stop_ = true;
        thread_.join();
        close(listener_);
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/x"; }
    int connections() const { return connections_; }

private:
    void Run() {
        std::vector<int> open;
        while (!stop_) {
            std::vector<pollfd> fds{{listener_, POLLIN, 0}};
            for (int fd : open) fds.push_back({fd, POLLIN, 0});
            if (poll(fds.data(), fds.size(), 20) <= 0) continue;
            if (fds[0].revents & POLLIN) {
                open.push_back(accept(listener_, nullptr, nullptr));
                ++connections_;
            }
            for (size_t i = 1; i < fds.size(); ++i) {
                if (!(fds[i].revents & (POLLIN | POLLHUP))) continue;
                const int fd = fds[i].fd;
                if (Serve(fd)) continue;
                close(fd);
                open.erase(std::find(open.begin(), open.end(), fd));
            }
        }
        for (int fd : open) close(fd);
    }
    // Reads one request and answers it; false when the connection is done.
    bool Serve(int fd) {
        std::string request;
        char buf[4096];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = recv(fd, buf, sizeof(buf), 0);
            if (n <= 0) return false;
            request.append(buf, static_cast<size_t>(n));
        }
        const std::string answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
        return !close_each_;
    }

    bool close_each_;
    int listener_ = -1;
    uint16_t port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::thread thread_;
};

ClientRequest Get(const std::string& url) {
    ClientRequest request;
    request.method = "GET";
    request.url = url;
    request.max_retries = 0;
    return request;
}

TEST(HttpClient, ReusesTheConnectionOnTheSameThread) {
    CountingServer server(/*close_each=*/false);
    for (int i = 0; i < 3; ++i) {
        auto response = HttpClient::Send(Get(server.url()));
        ASSERT_TRUE(response) << response.error().message;
        EXPECT_EQ(response->body, "ok");
    }
    EXPECT_EQ(server.connections(), 1);
    // Another thread has its own handles, so its own connection.
    std::thread([&] { EXPECT_TRUE(HttpClient::Send(Get(server.url()))); }).join();
    EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClient, ServerClosingTheConnectionIsNotAnError) {
    CountingServer server(/*close_each=*/true);
    for (int i = 0; i < 3; ++i) {
        auto response = HttpClient::Send(Get(server.url()));
        ASSERT_TRUE(response) << response.error().message;
        EXPECT_EQ(response->body, "ok");
    }
    EXPECT_EQ(server.connections(), 3);
}

}  // namespace
}  // namespace oc::net
