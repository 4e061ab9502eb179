// HttpClient pieces that need no server: Retry-After parsing and transport failures.
#include "net/client/http_client.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace oc::net
