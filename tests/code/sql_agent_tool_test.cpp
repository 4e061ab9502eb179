// The SQL tool (DuckDB on a --connection target) and the CortexAgent tool against a real
// `cortex serve --demo` on loopback, through the real binary in print mode.
#include <gtest/gtest.h>

#include <filesystem>

#include "code_child.h"
#include "cortex_process.h"
#include "store/duckdb/connection.h"

namespace oc::codetest {
namespace {

// The first tool_result block in a print-mode stream-json run, or null.
const Json* ToolResult(const std::vector<Json>& lines) {
    for (const Json& f : lines)
        if (f.value("type", "") == "user" && f["message"]["content"][0].value("type", "") == "tool_result")
            return &f["message"]["content"][0];
    return nullptr;
}

const Json* ToolUseNamed(const std::vector<Json>& lines, const std::string& name) {
    for (const Json& f : lines)
        if (f.value("type", "") == "assistant" && f["message"]["content"][0].value("name", "") == name)
            return &f["message"]["content"][0];
    return nullptr;
}

int64_t Count(const std::string& db_path, const std::string& sql) {
    auto db = store::Database::Open(db_path);
    EXPECT_TRUE(db);
    auto conn = (*db)->Connect();
    auto r = (*conn)->Query(sql);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? (*r)->GetInt64(0, 0) : -1;
}

class SqlToolTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = work_.path() + "/shop.duckdb";
        auto db = store::Database::Open(db_);
        ASSERT_TRUE(db);
        auto conn = (*db)->Connect();
        ASSERT_TRUE(conn);
        ASSERT_TRUE((*conn)->Execute(
            "CREATE TABLE orders(id INTEGER, region VARCHAR, amount DOUBLE);"
            "INSERT INTO orders VALUES (1,'east',10.5),(2,'west',4),(3,'east',2.25),(4,'north',7)"));
        env_ = TestEnv(conversations_);
        conversations_.WriteFile("cortex.toml", "[models.local]\nprovider = \"offline\"\n"
                                                "[connections.shop]\nduckdb = \"" + db_ + "\"\n");
        work_.WriteFile("extra.csv", "k,v\na,1\nb,2\nc,3\n");
    }
    std::vector<Json> Run(const std::string& prompt, std::vector<std::string> extra = {}, int* exit_code = nullptr) {
        std::vector<std::string> args = {"-p", prompt, "--output-format", "stream-json", "--model", "offline",
                                         "--connection", "shop"};
        args.insert(args.end(), extra.begin(), extra.end());
        auto r = RunCortexOnce(args, work_.path(), "", env_);
        if (exit_code) *exit_code = r.exit_code;
        return Frames(r.out);
    }
    ScratchDir work_, conversations_;
    std::string db_;
    std::map<std::string, std::string> env_;
};

TEST_F(SqlToolTest, SelectRendersATextTable) {
    auto lines = Run("select region, sum(amount) as total from orders group by region order by region");
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(lines.front()["subtype"], "init");
    bool listed = false;
    for (const Json& t : lines.front()["tools"]) listed = listed || t == "SQL";
    EXPECT_TRUE(listed);
    ASSERT_NE(ToolUseNamed(lines, "SQL"), nullptr);
    const Json* r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], false) << r->dump();
    const std::string text = (*r)["content"];
    EXPECT_NE(text.find("| region | total |"), std::string::npos) << text;
    EXPECT_NE(text.find("| east   | 12.75 |"), std::string::npos) << text;
    EXPECT_NE(text.find("| north  | 7.0   |"), std::string::npos) << text;
    EXPECT_NE(text.find("(3 rows)"), std::string::npos) << text;
    EXPECT_EQ(lines.back()["subtype"], "success");
}

TEST_F(SqlToolTest, WritesNeedPermissionAndDeniedOnesChangeNothing) {
    int code = 0;
    auto lines = Run("insert into orders values (5, 'south', 1.0)", {}, &code);
    ASSERT_NE(ToolUseNamed(lines, "SQL"), nullptr);
    const Json* r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], true);
    EXPECT_NE((*r)["content"].get<std::string>().find("not granted"), std::string::npos) << r->dump();
    EXPECT_EQ(lines.back()["permission_denials"].size(), 1u);
    EXPECT_EQ(Count(db_, "SELECT count(*) FROM orders"), 4);
    // A select-only rule does not cover inserts; an insert rule does.
    lines = Run("insert into orders values (5, 'south', 1.0)", {"--allowedTools", "SQL(select:*)"});
    EXPECT_EQ(Count(db_, "SELECT count(*) FROM orders"), 4);
    lines = Run("insert into orders values (5, 'south', 1.0)", {"--allowedTools", "SQL(insert:*)"});
    r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], false) << r->dump();
    EXPECT_EQ(Count(db_, "SELECT count(*) FROM orders"), 5);
    // A deny rule wins even for reads.
    lines = Run("select count(*) from orders", {"--disallowedTools", "SQL"});
    r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], true);
}

TEST_F(SqlToolTest, FileAccessStaysInsideTheWorkdir) {
    auto lines = Run("select count(*) as n from read_csv('" + work_.path() + "/extra.csv') where v > 0 group by all order by n");
    const Json* r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], false) << r->dump();
    EXPECT_NE((*r)["content"].get<std::string>().find("| 3 |"), std::string::npos) << r->dump();
    ScratchDir outside;
    outside.WriteFile("secret.csv", "k\nx\n");
    lines = Run("select * from read_csv('" + outside.path() + "/secret.csv') where 1 = 1 order by all");
    r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], true) << r->dump();
    EXPECT_NE((*r)["content"].get<std::string>().find("SQL:"), std::string::npos);
    // A relative path that climbs out of the workdir is refused too.
    const std::string rel = "../" + std::filesystem::path(outside.path()).filename().string() + "/secret.csv";
    lines = Run("select * from read_csv('" + rel + "') where 1 = 1 order by all");
    r = ToolResult(lines);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ((*r)["is_error"], true) << r->dump();
}

TEST_F(SqlToolTest, DataDirTargetAttachesEachDatabase) {
    ScratchDir data;
    std::filesystem::create_directories(data.path() + "/databases");
    {
        auto db = store::Database::Open(data.path() + "/databases/SALES.duckdb");
        ASSERT_TRUE(db);
        auto conn = (*db)->Connect();
        ASSERT_TRUE((*conn)->Execute("CREATE TABLE reps(name VARCHAR); INSERT INTO reps VALUES ('ann'),('bo')"));
    }
    auto r = RunCortexOnce({"-p", "select count(*) as reps from sales.reps", "--output-format", "stream-json",
                            "--model", "offline", "-c", data.path()},
                           work_.path(), "", env_);
    auto lines = Frames(r.out);
    const Json* result = ToolResult(lines);
    ASSERT_NE(result, nullptr) << r.out << r.err;
    EXPECT_NE((*result)["content"].get<std::string>().find("| 2    |"), std::string::npos) << result->dump();
}

TEST_F(SqlToolTest, UnknownConnectionIsAStartupError) {
    auto r = RunCortexOnce({"-p", "hi", "--connection", "nowhere"}, work_.path(), "", env_);
    EXPECT_EQ(r.exit_code, 1);
    EXPECT_NE(r.err.find("--connection nowhere"), std::string::npos) << r.err;
}

TEST(CortexAgentTool, AsksTheDemoAgentOfARealServer) {
    oc::testing::TempDir dir;
    auto server = oc::testing::CortexServer::Start(dir.path() + "/data", {"--demo"});
    ASSERT_NE(server, nullptr);
    ScratchDir work, conversations;
    auto env = TestEnv(conversations);
    env["CORTEX_URL"] = server->url();
    env["CORTEX_TOKEN"] = server->admin_token();
    env["CORTEX_AGENT"] = "DEMO.PUBLIC.SALES_ASSISTANT";
    const std::vector<std::string> args = {"-p", "ask the cortex agent: what is the total revenue by region?",
                                           "--output-format", "stream-json", "--model", "offline",
                                           "--allowedTools", "CortexAgent"};
    auto r = RunCortexOnce(args, work.path(), "", env);
    auto lines = Frames(r.out);
    ASSERT_NE(ToolUseNamed(lines, "CortexAgent"), nullptr) << r.out;
    const Json* result = ToolResult(lines);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ((*result)["is_error"], false) << result->dump();
    // The demo agent's Analyst answer: one table row per region (4 regions in the demo data).
    const Json* frame = nullptr;
    for (const Json& f : lines)
        if (f.value("type", "") == "user") frame = &f;
    ASSERT_NE(frame, nullptr);
    const Json& response = (*frame)["tool_use_result"]["response"];
    size_t rows = 0;
    for (const Json& item : response["content"])
        if (item.value("type", "") == "table") rows = item["table"]["result_set"]["data"].size();
    EXPECT_EQ(rows, 4u) << response.dump();
    const std::string text = (*result)["content"];
    for (const Json& item : response["content"])
        if (item.value("type", "") == "table")
            for (const Json& row : item["table"]["result_set"]["data"])
                EXPECT_NE(text.find(row[0].get<std::string>()), std::string::npos) << text;
    EXPECT_EQ(lines.back()["subtype"], "success");

    // A wrong PAT: the tool result carries the server's 401.
    env["CORTEX_TOKEN"] = "not-a-token";
    r = RunCortexOnce(args, work.path(), "", env);
    lines = Frames(r.out);
    result = ToolResult(lines);
    ASSERT_NE(result, nullptr) << r.out;
    EXPECT_EQ((*result)["is_error"], true);
    EXPECT_NE((*result)["content"].get<std::string>().find("HTTP 401"), std::string::npos) << result->dump();
    // Without permission the tool does not run.
    env["CORTEX_TOKEN"] = server->admin_token();
    r = RunCortexOnce({"-p", "ask the cortex agent: what is the total revenue by region?", "--output-format",
                       "stream-json", "--model", "offline"}, work.path(), "", env);
    lines = Frames(r.out);
    result = ToolResult(lines);
    ASSERT_NE(result, nullptr);
    EXPECT_EQ((*result)["is_error"], true);
    EXPECT_EQ(lines.back()["permission_denials"].size(), 1u);
}

}  // namespace
}  // namespace oc::codetest
