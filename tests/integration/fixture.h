// A started server on a fresh data dir with its admin token, shared by integration tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/json.h"
#include "cortex_process.h"

namespace oc::testing {

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = CortexServer::Start(dir_.path() + "/data");
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
        ASSERT_FALSE(token_.empty()) << server_->Stderr();
    }

    HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "") {
        return Api(method, server_->url() + path, token_, body);
    }
    static Json Body(const HttpResult& r) {
        auto j = ParseJson(r.body);
        return j ? *j : Json();
    }
    // Creates a database (and its PUBLIC schema) as the admin.
    void CreateDatabase(const std::string& name) {
        auto r = Call("POST", "/api/v2/databases", R"({"name": ")" + name + R"("})");
        ASSERT_EQ(r.status, 200) << r.body;
    }

    TempDir dir_;
    std::unique_ptr<CortexServer> server_;
    std::string token_;
};

// Asserts a Snowflake error body with all four fields and the request id of the header.
inline void ExpectSnowflakeError(const HttpResult& r, long status, const std::string& code) {
    EXPECT_EQ(r.status, status) << r.body;
    auto body = ParseJson(r.body);
    ASSERT_TRUE(body) << r.body;
    EXPECT_EQ((*body)["code"], code) << r.body;
    EXPECT_EQ((*body)["error_code"], code) << r.body;
    EXPECT_TRUE((*body)["message"].is_string());
    EXPECT_FALSE((*body)["message"].get<std::string>().empty());
    EXPECT_EQ((*body)["request_id"], r.Header("x-snowflake-request-id"));
}

}  // namespace oc::testing
