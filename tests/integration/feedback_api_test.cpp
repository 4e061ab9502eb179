// Agent feedback over HTTP against the real binary (reference agents-api.md §5).
#include "fixture.h"

namespace oc::testing {
namespace {

const std::string kAgents = "/api/v2/databases/TESTDB/schemas/PUBLIC/agents";

class FeedbackApi : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (HasFatalFailure()) return;
        CreateDatabase("TESTDB");
        ASSERT_EQ(Call("POST", kAgents, R"({"name": "bot"})").status, 200);
    }
    HttpResult Send(const std::string& body, const std::string& agent = "BOT") {
        return Call("POST", kAgents + "/" + agent + ":feedback", body);
    }
};

TEST_F(FeedbackApi, SubmitAnswersStatusAndListsNewestFirst) {
    auto first = Send(R"({"orig_request_id": "req-1", "positive": true, "feedback_message": "great",
                          "categories": ["Something worked well"], "thread_id": 1001})");
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(Body(first), Json::parse(R"({"status": "Feedback submitted successfully"})"));
    EXPECT_FALSE(first.Header("x-snowflake-request-id").empty());
    ASSERT_EQ(Send(R"({"positive": false})").status, 200);
    ASSERT_EQ(Send(R"({"positive": true, "thread_id": "1002"})").status, 200);

    auto list = Call("GET", kAgents + "/BOT/feedback");
    ASSERT_EQ(list.status, 200) << list.body;
    Json rows = Body(list);
    ASSERT_EQ(rows.size(), 3u) << rows;
    EXPECT_EQ(rows[0]["thread_id"], 1002);
    EXPECT_EQ(rows[1]["positive"], false);
    EXPECT_TRUE(rows[1]["orig_request_id"].is_null());
    EXPECT_TRUE(rows[1]["feedback_message"].is_null());
    EXPECT_EQ(rows[1]["categories"], Json::array());
    const Json& oldest = rows[2];
    EXPECT_EQ(oldest["orig_request_id"], "req-1");
    EXPECT_EQ(oldest["positive"], true);
    EXPECT_EQ(oldest["feedback_message"], "great");
    EXPECT_EQ(oldest["categories"], Json::array({"Something worked well"}));
    EXPECT_EQ(oldest["thread_id"], 1001);
    EXPECT_EQ(oldest["user"], "ADMIN");
    EXPECT_EQ(oldest["role"], "ACCOUNTADMIN");
    EXPECT_EQ(oldest["agent_name"], "BOT");
    EXPECT_FALSE(oldest["id"].get<std::string>().empty());
    EXPECT_EQ(oldest["created_on"].get<std::string>().size(), 29u);
    EXPECT_GE(rows[0]["created_on"].get<std::string>(), oldest["created_on"].get<std::string>());
}

TEST_F(FeedbackApi, InvalidFieldsAre400AndStoreNothing) {
    for (const char* body :
         {R"({})", R"({"positive": "yes"})", R"({"positive": 1})",
          R"({"positive": true, "categories": "x"})", R"({"positive": true, "categories": [1]})",
          R"({"positive": true, "thread_id": "abc"})",
          R"({"positive": true, "feedback_message": 5})"}) {
        ExpectSnowflakeError(Send(body), 400, "001003");
    }
    ExpectSnowflakeError(Send("not json"), 400, "390142");
    EXPECT_EQ(Body(Call("GET", kAgents + "/BOT/feedback")), Json::array());
}

TEST_F(FeedbackApi, UnknownAgentOrSchemaIs404) {
    ExpectSnowflakeError(Send(R"({"positive": true})", "NOPE"), 404, "002003");
    ExpectSnowflakeError(Call("GET", kAgents + "/NOPE/feedback"), 404, "002003");
    ExpectSnowflakeError(
        Call("POST", "/api/v2/databases/TESTDB/schemas/NOSCHEMA/agents/BOT:feedback",
             R"({"positive": true})"),
        404, "002003");
}

TEST_F(FeedbackApi, OnlyOwnerOrAccountAdminMayList) {
    const std::string data_dir = dir_.path() + "/data";
    server_->Stop();
    auto token_for = [&](const std::string& user, const std::string& role) {
        EXPECT_EQ(
            RunCortex({"user", "create", user, "--role", role, "--data-dir", data_dir}).exit_code,
            0);
        auto created = RunCortex({"token", "create", "--user", user, "--data-dir", data_dir});
        EXPECT_EQ(created.exit_code, 0) << created.err;
        return created.out.substr(0, created.out.find_first_of("\r\n"));
    };
    const std::string bob = token_for("BOB", "ANALYST"), ann = token_for("ANN", "PUBLIC");
    server_ = CortexServer::Start(data_dir);
    ASSERT_NE(server_, nullptr);
    const std::string url = server_->url() + kAgents;
    // BOT is owned by ACCOUNTADMIN: invisible to BOB, so 404 for him.
    ExpectSnowflakeError(Api("POST", url + "/BOT:feedback", bob, R"({"positive": true})"), 404,
                         "002003");
    // An agent owned by PUBLIC: BOB may rate it; only its owner or ACCOUNTADMIN may list.
    ASSERT_EQ(Api("POST", url, ann, R"({"name": "public_bot"})").status, 200);
    EXPECT_EQ(Api("POST", url + "/PUBLIC_BOT:feedback", bob, R"({"positive": true})").status, 200);
    ExpectSnowflakeError(Api("GET", url + "/PUBLIC_BOT/feedback", bob), 403, "003001");
    EXPECT_EQ(Body(Api("GET", url + "/PUBLIC_BOT/feedback", ann)).size(), 1u);
    auto admin = Api("GET", url + "/PUBLIC_BOT/feedback", token_);
    ASSERT_EQ(Body(admin).size(), 1u) << admin.body;
    EXPECT_EQ(Body(admin)[0]["user"], "BOB");
    EXPECT_EQ(Body(admin)[0]["role"], "ANALYST");
}

}  // namespace
}  // namespace oc::testing
