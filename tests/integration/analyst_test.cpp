// Cortex Analyst through the real binary (reference agents-api.md §6): tables made with the SQL
// API, the shop model uploaded to a stage (or sent inline, or stored as a semantic view), questions
// asked over HTTP, and the returned SQL run through /api/v2/statements to compare rows.
#include <filesystem>

#include "../tools/analyst/shop_model.h"
#include "fixture.h"
#include "openapi_validator.h"

namespace oc::testing {
namespace {

using oc::tools::analyst::testing::kShopData;
using oc::tools::analyst::testing::kShopModel;

const std::string kSpecDir = TEST_DATA_DIR "/snowflake-rest-api-specs";
const std::string kStages = "/api/v2/databases/DEMO/schemas/PUBLIC/stages";
const std::string kModelFile = "@DEMO.PUBLIC.MODELS/sem/shop.yaml";

OpenApiValidator& Specs() {
    static OpenApiValidator validator(kSpecDir);
    return validator;
}

::testing::AssertionResult Conforms(const Json& value, const std::string& ref) {
    auto violations = Specs().Validate(value, ref);
    if (violations.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << ref << ":\n"
                                         << JoinViolations(violations) << value.dump();
}

// Snowflake sends confidence.verified_query_used = null when no verified query was used
// (reference §6.1, [observed]); the spec types it as a non-null object. Drop the null for
// validation.
Json WithoutNullVerifiedQuery(Json body) {
    for (Json& item : body["message"]["content"]) {
        if (item.contains("confidence") && item["confidence"]["verified_query_used"].is_null()) {
            item["confidence"].erase("verified_query_used");
        }
    }
    return body;
}

struct SseEvent {
    std::string event;
    Json data;
};

std::vector<SseEvent> ParseSse(const std::string& body) {
    std::vector<SseEvent> out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = body.find("\n\n", pos);
        if (end == std::string::npos) end = body.size();
        std::string block = body.substr(pos, end - pos);
        pos = end + 2;
        SseEvent e;
        size_t line_start = 0;
        while (line_start < block.size()) {
            size_t nl = block.find('\n', line_start);
            std::string line = block.substr(
                line_start, nl == std::string::npos ? std::string::npos : nl - line_start);
            if (line.rfind("event: ", 0) == 0) e.event = line.substr(7);
            if (line.rfind("data: ", 0) == 0) {
                auto j = ParseJson(line.substr(6));
                e.data = j ? *j : Json();
            }
            if (nl == std::string::npos) break;
            line_start = nl + 1;
        }
        if (!e.event.empty()) out.push_back(std::move(e));
    }
    return out;
}

class AnalystApi : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (HasFatalFailure()) return;
        CreateDatabase("DEMO");
        for (const char* sql : kShopData) ASSERT_EQ(Sql(sql).status, 200) << sql;
        ASSERT_EQ(
            Call("POST", kStages, R"({"name": "models", "comment": "semantic models"})").status,
            200);
        auto put = Call("PUT", kStages + "/MODELS/files/sem/shop.yaml", kShopModel);
        ASSERT_EQ(put.status, 200) << put.body;
    }

    HttpResult Sql(const std::string& statement) {
        Json body = {{"statement", statement}, {"database", "DEMO"}, {"schema", "PUBLIC"}};
        return Call("POST", "/api/v2/statements", body.dump());
    }
    Json Rows(const std::string& statement) {
        auto r = Sql(statement);
        EXPECT_EQ(r.status, 200) << r.body << "\n" << statement;
        return Body(r)["data"];
    }
    static Json Question(const std::string& text) {
        return Json{{"role", "user"},
                    {"content", Json::array({Json{{"type", "text"}, {"text", text}}})}};
    }
    HttpResult Ask(Json body) {
        EXPECT_TRUE(
            Conforms(body, "common-cortex-analyst.yaml#/components/schemas/SendMessageRequest"));
        return Call("POST", "/api/v2/cortex/analyst/message", body.dump());
    }
    HttpResult AskFile(const std::string& question) {
        return Ask(Json{{"messages", Json::array({Question(question)})},
                        {"semantic_model_file", kModelFile}});
    }
    // The statement of an answer, after checking the body against the spec.
    std::string StatementOf(const HttpResult& r) {
        EXPECT_EQ(r.status, 200) << r.body;
        Json body = Body(r);
        EXPECT_TRUE(Conforms(WithoutNullVerifiedQuery(body),
                             "common-cortex-analyst.yaml#/components/schemas/SendMessageResponse"));
        EXPECT_EQ(body["request_id"], r.Header("x-snowflake-request-id"));
        EXPECT_EQ(body["message"]["role"], "analyst");
        const Json& content = body["message"]["content"];
        if (content.size() < 2 || content[1]["type"] != "sql") {
            ADD_FAILURE() << "no sql item: " << r.body;
            return "";
        }
        EXPECT_EQ(content[0]["type"], "text");
        return content[1]["statement"].get<std::string>();
    }
};

TEST_F(AnalystApi, StageLifecycleAndFiles) {
    auto list = Call("GET", kStages);
    ASSERT_EQ(list.status, 200) << list.body;
    ASSERT_EQ(Body(list).size(), 1u);
    EXPECT_TRUE(Conforms(Body(list)[0], "stage.yaml#/components/schemas/Stage"));
    EXPECT_EQ(Body(list)[0]["name"], "MODELS");
    auto describe = Call("GET", kStages + "/models");
    ASSERT_EQ(describe.status, 200);
    EXPECT_EQ(Body(describe)["comment"], "semantic models");

    ASSERT_EQ(Call("PUT", kStages + "/MODELS/files/notes%2Freadme.txt", "hello").status, 200);
    auto files = Call("GET", kStages + "/MODELS/files");
    ASSERT_EQ(files.status, 200) << files.body;
    Json f = Body(files);
    ASSERT_EQ(f.size(), 2u) << files.body;
    for (const Json& item : f)
        EXPECT_TRUE(Conforms(item, "stage.yaml#/components/schemas/StageFile"));
    EXPECT_EQ(f[0]["name"], "models/notes/readme.txt");
    EXPECT_EQ(f[0]["size"], "5");
    EXPECT_EQ(f[0]["md5"], "5d41402abc4b2a76b9719d911017c592");  // md5("hello")
    EXPECT_EQ(f[1]["name"], "models/sem/shop.yaml");
    EXPECT_EQ(Body(Call("GET", kStages + "/MODELS/files?pattern=.*%5C.yaml")).size(), 1u);
    EXPECT_EQ(Call("GET", kStages + "/MODELS/files/notes/readme.txt").body, "hello");
    EXPECT_TRUE(
        std::filesystem::exists(dir_.path() + "/data/stages/DEMO/PUBLIC/MODELS/sem/shop.yaml"));

    ExpectSnowflakeError(Call("PUT", kStages + "/MODELS/files/%2E%2E/%2E%2E/cortex.duckdb", "x"),
                         400, "001003");
    ExpectSnowflakeError(Call("PUT", kStages + "/MODELS/files/a%2F..%2F..%2Fx", "x"), 400,
                         "001003");
    ExpectSnowflakeError(Call("PUT", kStages + "/NOPE/files/x.yaml", "x"), 404, "002003");
    ASSERT_EQ(Call("DELETE", kStages + "/MODELS/files/notes/readme.txt").status, 200);
    ExpectSnowflakeError(Call("GET", kStages + "/MODELS/files/notes/readme.txt"), 404, "002003");
    ExpectSnowflakeError(Call("POST", kStages, R"({"name": "MODELS"})"), 409, "002002");
    ASSERT_EQ(Call("DELETE", kStages + "/MODELS").status, 200);
    ExpectSnowflakeError(Call("GET", kStages + "/MODELS"), 404, "002003");
    EXPECT_EQ(Call("DELETE", kStages + "/MODELS?ifExists=true").status, 200);
}

TEST_F(AnalystApi, StageFileQuestionReturnsSqlWithTheRightRows) {
    std::string sql = StatementOf(AskFile("What is the total revenue by region?"));
    ASSERT_FALSE(sql.empty());
    EXPECT_NE(sql.find("-- Generated by Cortex Analyst\n;"), std::string::npos) << sql;
    EXPECT_EQ(
        Rows(sql),
        Rows("SELECT c.region, SUM(qty * unit_price * (1 - discount)) AS r FROM ORDER_LINES o "
             "LEFT JOIN CUSTOMERS c USING (customer_id) GROUP BY 1 ORDER BY r DESC"));
}

TEST_F(AnalystApi, InlineModelAndVerifiedQuery) {
    auto r = Ask(
        Json{{"messages", Json::array({Question("Which customer generated the most revenue?")})},
             {"semantic_model", kShopModel}});
    std::string sql = StatementOf(r);
    Json confidence = Body(r)["message"]["content"][1]["confidence"];
    EXPECT_EQ(confidence["verified_query_used"]["name"], "revenue per customer");
    EXPECT_EQ(confidence["verified_query_used"]["verified_at"], 1735689600);
    EXPECT_EQ(Rows(sql)[0][0], "Alice");
    EXPECT_EQ(Body(r)["response_metadata"]["model_names"], Json::array({"offline"}));
    EXPECT_EQ(Body(r)["response_metadata"]["question_category"], "CLEAR_SQL");
}

TEST_F(AnalystApi, FollowUpUsesEarlierMessages) {
    std::string first = StatementOf(AskFile("revenue by region"));
    Json analyst{
        {"role", "analyst"},
        {"content", Json::array({Json{{"type", "text"}, {"text", "Total revenue for each region."}},
                                 Json{{"type", "sql"}, {"statement", first}}})}};
    auto r = Ask(Json{{"messages", Json::array({Question("revenue by region"), analyst,
                                                Question("what about web?")})},
                      {"semantic_model_file", kModelFile}});
    Json rows = Rows(StatementOf(r));
    ASSERT_EQ(rows.size(), 1u) << rows.dump();
    EXPECT_EQ(rows[0][0], "EMEA");
}

TEST_F(AnalystApi, UnmatchedQuestionGetsSuggestions) {
    auto r = AskFile("what is the weather tomorrow?");
    ASSERT_EQ(r.status, 200) << r.body;
    Json body = Body(r);
    EXPECT_TRUE(
        Conforms(body, "common-cortex-analyst.yaml#/components/schemas/SendMessageResponse"));
    ASSERT_EQ(body["message"]["content"].size(), 2u);
    EXPECT_EQ(body["message"]["content"][1]["type"], "suggestions");
    EXPECT_EQ(body["message"]["content"][1]["suggestions"][0],
              "Which customer generated the most revenue?");
}

TEST_F(AnalystApi, StreamSendsStatusDeltasMetadataAndDone) {
    auto r = Ask(Json{{"messages", Json::array({Question("revenue by channel")})},
                      {"semantic_model_file", kModelFile},
                      {"stream", true}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("content-type"), "text/event-stream");
    auto events = ParseSse(r.body);
    ASSERT_GE(events.size(), 8u) << r.body;
    std::vector<std::string> statuses;
    std::string text, sql;
    for (const auto& e : events) {
        if (e.event == "status") {
            EXPECT_TRUE(Conforms(e.data, "cortex-analyst.yaml#/components/schemas/StatusUpdate"));
            EXPECT_EQ(e.data["request_id"], r.Header("x-snowflake-request-id"));
            statuses.push_back(e.data["status"]);
        } else if (e.event == "message.content.delta" && e.data["type"] == "text") {
            EXPECT_TRUE(Conforms(
                e.data, "cortex-analyst.yaml#/components/schemas/MessageContentDeltaTextObject"));
            text += e.data["text_delta"].get<std::string>();
        } else if (e.event == "message.content.delta" && e.data["type"] == "sql") {
            EXPECT_EQ(e.data["index"], 1);
            sql += e.data["statement_delta"].get<std::string>();
        }
    }
    EXPECT_EQ(statuses, (std::vector<std::string>{"interpreting_question", "generating_sql",
                                                  "validating_sql", "done"}));
    EXPECT_NE(text.find("interpretation"), std::string::npos);
    EXPECT_EQ(events[events.size() - 3].event, "response_metadata");
    EXPECT_EQ(events.back().event, "done");
    EXPECT_EQ(Rows(sql).size(), 3u);
}

TEST_F(AnalystApi, BadRequestsAreRefusedWithSnowflakeErrors) {
    auto bad_yaml =
        Ask(Json{{"messages", Json::array({Question("revenue")})},
                 {"semantic_model", "name: m\ntables:\n  - name: t\n    base_table: [oops\n"}});
    ExpectSnowflakeError(bad_yaml, 400, "001003");
    EXPECT_NE(Body(bad_yaml)["message"].get<std::string>().find("line "), std::string::npos)
        << bad_yaml.body;
    auto missing_key = Ask(Json{{"messages", Json::array({Question("revenue")})},
                                {"semantic_model", "name: m\ntables:\n  - name: t\n"}});
    ExpectSnowflakeError(missing_key, 400, "001003");
    EXPECT_NE(Body(missing_key)["message"].get<std::string>().find(
                  "line 3, column 5: tables[0].base_table: is required"),
              std::string::npos)
        << missing_key.body;
    ExpectSnowflakeError(Ask(Json{{"messages", Json::array({Question("revenue")})},
                                  {"semantic_model_file", "@DEMO.PUBLIC.MODELS/none.yaml"}}),
                         404, "002003");
    ExpectSnowflakeError(Ask(Json{{"messages", Json::array({Question("revenue")})}}), 400,
                         "001003");
    ExpectSnowflakeError(Ask(Json{{"messages", Json::array({Question("revenue")})},
                                  {"semantic_model", kShopModel},
                                  {"semantic_model_file", kModelFile}}),
                         400, "001003");
    Json analyst_last{{"role", "analyst"},
                      {"content", Json::array({Json{{"type", "text"}, {"text", "hi"}}})}};
    ExpectSnowflakeError(
        Ask(Json{{"messages", Json::array({analyst_last})}, {"semantic_model_file", kModelFile}}),
        400, "001003");
}

TEST_F(AnalystApi, ModelsAreValidatedAgainstTheCatalogAndMayOnlyRead) {
    std::string broken = kShopModel;
    broken.replace(broken.find("table: CUSTOMERS"), 16, "table: CLIENTS");
    broken.replace(broken.find("expr: lower(channel)"), 20, "expr: lower(chanel)");
    auto r =
        Ask(Json{{"messages", Json::array({Question("revenue")})}, {"semantic_model", broken}});
    ExpectSnowflakeError(r, 400, "001003");
    std::string msg = Body(r)["message"];
    EXPECT_NE(msg.find("tables[1].base_table: table DEMO.PUBLIC.CLIENTS does not exist"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("tables[0].dimensions[4].expr: dimension 'channel'"), std::string::npos)
        << msg;

    std::string with_vq = kShopModel;
    with_vq.insert(with_vq.find("custom_instructions"),
                   "  - name: wipe\n    question: delete all orders\n    sql: DROP TABLE "
                   "DEMO.PUBLIC.CUSTOMERS\n");
    auto refused = Ask(Json{{"messages", Json::array({Question("delete all orders")})},
                            {"semantic_model", with_vq}});
    ExpectSnowflakeError(refused, 400, "001003");
    EXPECT_NE(Body(refused)["message"].get<std::string>().find("may only read"), std::string::npos)
        << refused.body;
    EXPECT_EQ(Rows("SELECT count(*) FROM CUSTOMERS"), Json::parse(R"([["4"]])"));
}

TEST_F(AnalystApi, SemanticViewsStoreAModel) {
    const std::string views = "/api/v2/databases/DEMO/schemas/PUBLIC/semantic-views";
    auto create =
        Call("POST", views, Json{{"name", "shop"}, {"semantic_model", kShopModel}}.dump());
    ASSERT_EQ(create.status, 200) << create.body;
    EXPECT_EQ(Body(Call("GET", views))[0]["name"], "SHOP");
    EXPECT_EQ(Body(Call("GET", views + "/SHOP"))["semantic_model"], kShopModel);
    auto r = Ask(Json{{"messages", Json::array({Question("total revenue by sales channel")})},
                      {"semantic_view", "DEMO.PUBLIC.SHOP"}});
    EXPECT_EQ(Rows(StatementOf(r)).size(), 3u);
    ExpectSnowflakeError(
        Call("POST", views, Json{{"name", "bad"}, {"semantic_model", "name: x\n"}}.dump()), 400,
        "001003");
    ASSERT_EQ(Call("DELETE", views + "/SHOP").status, 200);
    ExpectSnowflakeError(Ask(Json{{"messages", Json::array({Question("revenue")})},
                                  {"semantic_view", "DEMO.PUBLIC.SHOP"}}),
                         404, "002003");
}

TEST_F(AnalystApi, FeedbackIsAccepted) {
    auto r = Call(
        "POST", "/api/v2/cortex/analyst/feedback",
        R"({"request_id": "c5b0a0a2-7c1a-4c55-b1b8-3f1f0d6f2a90", "positive": true, "feedback_message": "ok"})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(Conforms(Body(r), "common.yaml#/components/schemas/SuccessResponse"));
    ExpectSnowflakeError(Call("POST", "/api/v2/cortex/analyst/feedback", R"({"request_id": "x"})"),
                         400, "001003");
}

}  // namespace
}  // namespace oc::testing
