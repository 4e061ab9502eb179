#include "net/server.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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

// Raw HTTP/1.1 over one socket, to see what the server does with the connection.
class RawConnection {
public:
    explicit RawConnection(uint16_t port) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(port);
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        timeval timeout{5, 0};
        setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
        connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    }
    ~RawConnection() { close(fd_); }
    bool connected() const { return connected_; }
    bool Send(const std::string& text) {
        return send(fd_, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
    }
    // Reads until `end` has arrived (returns everything read), or until EOF / timeout when
    // `end` is empty. *eof tells whether the server closed the connection.
    std::string ReadUntil(const std::string& end, bool* eof) {
        std::string got;
        *eof = false;
        char buf[4096];
        while (end.empty() || got.find(end) == std::string::npos) {
            const ssize_t n = recv(fd_, buf, sizeof(buf), 0);
            if (n <= 0) {
                *eof = n == 0;
                break;
            }
            got.append(buf, static_cast<size_t>(n));
        }
        return got;
    }

private:
    int fd_;
    bool connected_ = false;
};

// The payload of a chunked body that ends with the last chunk; "<bad>" when malformed.
std::string Dechunk(std::string_view body) {
    std::string out;
    for (;;) {
        const size_t eol = body.find("\r\n");
        if (eol == std::string_view::npos) return "<bad>";
        const size_t size = std::stoul(std::string(body.substr(0, eol)), nullptr, 16);
        body.remove_prefix(eol + 2);
        if (size == 0) return body == "\r\n" ? out : "<bad>";
        if (body.size() < size + 2 || body.substr(size, 2) != "\r\n") return "<bad>";
        out.append(body.substr(0, size));
        body.remove_prefix(size + 2);
    }
}

TEST(Server, StreamedResponseKeepsTheConnectionForTheNextRequest) {
    Router router;
    router.Add("GET", "/plain", [](HttpRequest&) {
        HttpResponse r;
        r.body = "plain";
        return r;
    }, false);
    router.Add("GET", "/stream", [](HttpRequest&) {
        HttpResponse r;
        r.content_type = "text/event-stream";
        r.stream = [](std::shared_ptr<BodyWriter> w) {
            w->Write("data: one\n\n");
            w->Write("data: two\n\n");
            w->Close();
        };
        return r;
    }, false);
    Server server({.host = "127.0.0.1", .port = 0}, router, Error);
    auto port = server.Start();
    ASSERT_TRUE(port);

    RawConnection conn(*port);
    ASSERT_TRUE(conn.connected());
    bool eof = false;
    ASSERT_TRUE(conn.Send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string first = conn.ReadUntil("0\r\n\r\n", &eof);
    EXPECT_FALSE(eof);
    EXPECT_EQ(first.rfind("HTTP/1.1 200", 0), 0u) << first;
    EXPECT_NE(first.find("Transfer-Encoding: chunked"), std::string::npos) << first;
    EXPECT_EQ(first.find("Connection: close"), std::string::npos) << first;
    const size_t body = first.find("\r\n\r\n");
    ASSERT_NE(body, std::string::npos);
    // Both frames, chunk-encoded, then the last chunk.
    EXPECT_EQ(Dechunk(first.substr(body + 4)), "data: one\n\ndata: two\n\n");

    // The same connection serves the next request.
    ASSERT_TRUE(conn.Send("GET /plain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    const std::string second = conn.ReadUntil("", &eof);
    EXPECT_TRUE(eof);
    EXPECT_EQ(second.rfind("HTTP/1.1 200", 0), 0u) << second;
    EXPECT_EQ(second.substr(second.size() - 5), "plain");
    server.Stop();
}

TEST(Server, StreamedResponseClosesWhenTheClientAsks) {
    Router router;
    router.Add("GET", "/stream", [](HttpRequest&) {
        HttpResponse r;
        r.stream = [](std::shared_ptr<BodyWriter> w) {
            w->Write("x");
            w->Close();
        };
        return r;
    }, false);
    Server server({.host = "127.0.0.1", .port = 0}, router, Error);
    auto port = server.Start();
    ASSERT_TRUE(port);
    RawConnection conn(*port);
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.Send("GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    bool eof = false;
    const std::string got = conn.ReadUntil("", &eof);
    EXPECT_TRUE(eof);
    EXPECT_NE(got.find("Connection: close"), std::string::npos) << got;
    EXPECT_EQ(got.substr(got.size() - 11), "1\r\nx\r\n0\r\n\r\n");
    server.Stop();
}

}  // namespace
}  // namespace oc::net
