// StatementRunner on a real data dir: shapes, multi-statement counting, bindings, timeout,
// cancel, and the sandbox (every refused statement kind, and DuckDB's own file-access lock).
#include "store/statement_runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "common/ids.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

namespace fs = std::filesystem;
using Results = Result<std::vector<RenderedResult>>;

class RunnerTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("oc_runner_" + NewUuid());
        auto store = SystemStore::Open(StoreOptions{dir_.string()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
        RunnerOptions options;
        options.after_ddl = [this] { ++ddl_calls_; };
        auto runner = StatementRunner::Create(*store_, options);
        ASSERT_TRUE(runner) << runner.error().message;
        runner_ = std::move(*runner);
        // The server attaches database files after the lock-down; that must keep working.
        auto conn = store_->ConnectData();
        ASSERT_TRUE(conn);
        std::string file = (dir_ / "databases" / "DEMO.duckdb").string();
        ASSERT_TRUE((*conn)->Execute("ATTACH '" + file + "' AS \"DEMO\""));
        ASSERT_TRUE((*conn)->Execute("CREATE SCHEMA \"DEMO\".\"PUBLIC\""));
    }

    void TearDown() override {
        runner_.reset();
        store_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    Results Run(const std::string& sql, int64_t count = 1, Json bindings = nullptr, int64_t timeout_ms = 0) {
        StatementRequest request;
        request.sql = sql;
        request.database = "DEMO";
        request.schema = "PUBLIC";
        request.bindings = std::move(bindings);
        request.statement_count = count;
        request.timeout_ms = timeout_ms;
        ExecutionControl control;
        return runner_->Run(request, control);
    }

    // The only cell of a one-statement, one-row, one-column result.
    Cell One(const std::string& sql, Json bindings = nullptr) {
        Results r = Run(sql, 1, std::move(bindings));
        if (!r) {
            ADD_FAILURE() << sql << ": " << r.error().message;
            return std::nullopt;
        }
        return (*r)[0].rows.at(0).at(0);
    }

    fs::path dir_;
    std::unique_ptr<SystemStore> store_;
    std::unique_ptr<StatementRunner> runner_;
    int ddl_calls_ = 0;
};

TEST_F(RunnerTest, QueryRunsInTheRequestedContext) {
    ASSERT_TRUE(Run("CREATE TABLE orders (id INT, name VARCHAR)"));
    ASSERT_TRUE(Run("INSERT INTO orders VALUES (1, 'Ada'), (2, NULL)"));
    Results r = Run("SELECT id, name FROM orders ORDER BY id");
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 1u);
    EXPECT_EQ((*r)[0].rows, (std::vector<Row>{{"1", "Ada"}, {"2", std::nullopt}}));
    EXPECT_EQ(One("SELECT current_database() || '.' || current_schema()"), "DEMO.PUBLIC");
}

TEST_F(RunnerTest, DmlReturnsCountsAndStats) {
    ASSERT_TRUE(Run("CREATE TABLE t (a INT)"));
    Results ins = Run("INSERT INTO t VALUES (1), (2), (3)");
    ASSERT_TRUE(ins);
    EXPECT_EQ((*ins)[0].row_type[0]["name"], "number of rows inserted");
    EXPECT_EQ((*ins)[0].rows, (std::vector<Row>{{"3"}}));
    EXPECT_EQ(DumpJson((*ins)[0].stats), R"({"numRowsInserted":3})");
    Results upd = Run("UPDATE t SET a = a + 1 WHERE a > 1");
    ASSERT_TRUE(upd);
    EXPECT_EQ((*upd)[0].rows, (std::vector<Row>{{"2", "0"}}));
    Results del = Run("DELETE FROM t WHERE a = 1");
    ASSERT_TRUE(del);
    EXPECT_EQ(DumpJson((*del)[0].stats), R"({"numRowsDeleted":1})");
    Results ret = Run("INSERT INTO t VALUES (9) RETURNING a");
    ASSERT_TRUE(ret);
    EXPECT_EQ((*ret)[0].row_type[0]["name"], "a");
}

TEST_F(RunnerTest, DdlReturnsStatusAndRefreshesCatalog) {
    Results created = Run("CREATE TABLE orders (id INT)");
    ASSERT_TRUE(created);
    EXPECT_EQ((*created)[0].row_type[0]["name"], "status");
    EXPECT_EQ((*created)[0].rows, (std::vector<Row>{{"Table ORDERS successfully created."}}));
    Results view = Run("CREATE OR REPLACE VIEW \"MyView\" AS SELECT 1");
    ASSERT_TRUE(view);
    EXPECT_EQ((*view)[0].rows, (std::vector<Row>{{"View MyView successfully created."}}));
    Results dropped = Run("DROP TABLE IF EXISTS DEMO.PUBLIC.orders");
    ASSERT_TRUE(dropped);
    EXPECT_EQ((*dropped)[0].rows, (std::vector<Row>{{"ORDERS successfully dropped."}}));
    EXPECT_EQ(ddl_calls_, 3);
}

TEST_F(RunnerTest, StatementCountMismatchFails) {
    Results r = Run("SELECT 1; SELECT 2");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "000008");
    EXPECT_EQ(r.error().message, "Actual statement count 2 did not match the desired statement count 1.");
    r = Run("SELECT 1", 3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Actual statement count 1 did not match the desired statement count 3.");
}

TEST_F(RunnerTest, MultiStatementReturnsOneResultPerStatement) {
    Results r = Run("CREATE TABLE m (a INT); INSERT INTO m VALUES (1); SELECT a FROM m", 3);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[1].rows, (std::vector<Row>{{"1"}}));
    EXPECT_EQ((*r)[2].rows, (std::vector<Row>{{"1"}}));
    Results any = Run("BEGIN; USE \"DEMO\".\"PUBLIC\"; SET VARIABLE v = 5; SELECT getvariable('v'); COMMIT", 0);
    ASSERT_TRUE(any) << any.error().message;
    ASSERT_EQ(any->size(), 5u);
    EXPECT_EQ((*any)[3].rows, (std::vector<Row>{{"5"}}));
}

TEST_F(RunnerTest, MultiStatementFailureKeepsEarlierStatements) {
    Results r = Run("CREATE TABLE k (a INT);\nSELECT nope FROM k; CREATE TABLE never (a INT)", 3);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "100132");
    EXPECT_EQ(r.error().message.rfind("Execution of multiple statements failed on statement "
                                      "\"SELECT nope FROM k\" (at line 2, position 0).\nBinder Error",
                                      0),
              0u)
        << r.error().message;
    EXPECT_TRUE(Run("SELECT * FROM k"));
    EXPECT_FALSE(Run("SELECT * FROM never"));
}

TEST_F(RunnerTest, TransactionStatementsNeedAMultiStatementRequest) {
    Results r = Run("BEGIN");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "000002");
    EXPECT_FALSE(Run("USE \"DEMO\""));
}

TEST_F(RunnerTest, SqlErrorsCarrySnowflakeCodes) {
    Results r = Run("SELEC 1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "001003");
    EXPECT_EQ(r.error().http_status, 422);
    r = Run("SELECT nope");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "000904");
    r = Run("SELECT * FROM missing_table");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "002003");
    r = Run("   ");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().message, "Empty SQL statement.");
}

TEST_F(RunnerTest, UnknownContextFails) {
    StatementRequest request;
    request.sql = "SELECT 1";
    request.database = "NOPE";
    ExecutionControl control;
    Results r = runner_->Run(request, control);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "002003");
    EXPECT_EQ(r.error().message, "Database 'NOPE' does not exist or not authorized.");
}

TEST_F(RunnerTest, BindingsOfEveryType) {
    auto b = [](const char* type, const char* value) {
        return Json::parse(std::string(R"({"1": {"type": ")") + type + R"(", "value": ")" + value + R"("}})");
    };
    EXPECT_EQ(One("SELECT ? + 1", b("FIXED", "41")), "42");
    EXPECT_EQ(One("SELECT ?::DECIMAL(38,0)", b("FIXED", "123456789012345678901234567890")),
              "123456789012345678901234567890");
    EXPECT_EQ(One("SELECT ? * 2", b("REAL", "1.25")), "2.5");
    EXPECT_EQ(One("SELECT ?", b("TEXT", "O'Brien")), "O'Brien");
    EXPECT_EQ(One("SELECT NOT ?", b("BOOLEAN", "true")), "false");
    EXPECT_EQ(One("SELECT ?", b("BINARY", "6f70")), "6F70");
    EXPECT_EQ(One("SELECT ?", b("DATE", "1709596800000")), "19787");
    EXPECT_EQ(One("SELECT ?", b("TIME", "49507500000000")), "49507.500000000");
    EXPECT_EQ(One("SELECT ?", b("TIMESTAMP_NTZ", "1709633730250000000")), "1709633730.250000000");
    EXPECT_EQ(One("SELECT ?", b("TIMESTAMP_LTZ", "1709633730250000000")), "1709633730.250000000");
    EXPECT_EQ(One("SELECT ?", b("TIMESTAMP_TZ", "1709633730250000000 1500")), "1709633730.250000000");
    EXPECT_EQ(One("SELECT ?::DATE", b("TEXT", "2024-03-05")), "19787");
    EXPECT_EQ(One("SELECT ?::INT IS NULL", Json::parse(R"({"1": {"type": "FIXED", "value": null}})")), "true");
}

TEST_F(RunnerTest, PlaceholderStyles) {
    Json two = Json::parse(R"({"1": {"type": "FIXED", "value": "1"}, "2": {"type": "TEXT", "value": "b"}})");
    EXPECT_EQ(One("SELECT :1 || :2", two), "1b");
    EXPECT_EQ(One("SELECT $2 || $1", two), "b1");
    EXPECT_EQ(One("SELECT :who", Json::parse(R"({"who": {"type": "TEXT", "value": "me"}})")), "me");
}

TEST_F(RunnerTest, BadBindingValueFails) {
    Results r = Run("SELECT ?", 1, Json::parse(R"({"1": {"type": "DATE", "value": "tomorrow"}})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "100037");
    EXPECT_EQ(r.error().http_status, 422);
    EXPECT_EQ(r.error().message, "DATE value 'tomorrow' is not recognized");
}

TEST_F(RunnerTest, MissingBindingFails) {
    Results r = Run("SELECT ?, ?", 1, Json::parse(R"({"1": {"type": "FIXED", "value": "1"}})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "002049");
    EXPECT_EQ(r.error().message, "Bind variable 2 not set.");
}

TEST_F(RunnerTest, BindingsAreRefusedInMultiStatementRequests) {
    Results r = Run("SELECT ?; SELECT 2", 2, Json::parse(R"({"1": {"type": "FIXED", "value": "1"}})"));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().wire_code, "000002");
}

TEST_F(RunnerTest, TimeoutInterruptsTheQuery) {
    auto start = std::chrono::steady_clock::now();
    Results r = Run("SELECT sum(hash(i)) FROM range(100000000000000) t(i)", 1, nullptr, 200);
    auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kDeadlineExceeded);
    EXPECT_EQ(r.error().wire_code, "000630");
    EXPECT_EQ(r.error().http_status, 408);
    EXPECT_EQ(r.error().message, "Statement reached its statement or warehouse timeout of 1 second(s) and was canceled.");
    EXPECT_LT(elapsed, std::chrono::seconds(20));
}

TEST_F(RunnerTest, CancelInterruptsTheQuery) {
    StatementRequest request;
    request.sql = "SELECT sum(hash(i)) FROM range(100000000000000) t(i)";
    ExecutionControl control;
    Results r = MakeError(ErrorCode::kInternal, "not run");
    std::thread worker([&] { r = runner_->Run(request, control); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!control.attached() && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
    control.Cancel();
    worker.join();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kCancelled);
    EXPECT_EQ(r.error().wire_code, "000604");
    EXPECT_EQ(r.error().message, "SQL execution canceled");
}

// Every refused statement kind, through the runner, with nothing written.
TEST_F(RunnerTest, RefusedStatementKinds) {
    std::string out = (dir_ / "out.csv").string();
    std::string inside = (dir_ / "databases" / "inside.csv").string();
    const std::string refused[] = {
        "ATTACH '" + (dir_ / "databases" / "X.duckdb").string() + "' AS x",
        "DETACH \"DEMO\"",
        "INSTALL httpfs",
        "LOAD json",
        "COPY (SELECT 1) TO '" + out + "'",
        "COPY (SELECT 1) TO '" + inside + "'",
        "CREATE TABLE c (a INT); COPY c FROM '/etc/hostname'",
        "EXPORT DATABASE '" + (dir_ / "export").string() + "'",
        "IMPORT DATABASE '" + (dir_ / "export").string() + "'",
        "SET threads = 1",
        "SET enable_external_access = true",
        "RESET threads",
        "PRAGMA enable_profiling",
        "CALL pragma_version()",
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_parquet('" + inside + "')",
        "SELECT * FROM read_json('x.json')",
        "SELECT * FROM read_text('" + (dir_ / "cortex.duckdb").string() + "')",
        "SELECT * FROM glob('" + dir_.string() + "/*')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM query('SELECT 1')",
        "EXPLAIN ANALYZE COPY (SELECT 1) TO '" + inside + "'",
        "CREATE SECRET s (TYPE http)",
    };
    for (const std::string& sql : refused) {
        Results r = Run(sql, 0);
        ASSERT_FALSE(r) << sql;
        EXPECT_EQ(r.error().code, ErrorCode::kPermissionDenied) << sql << ": " << r.error().message;
        EXPECT_EQ(r.error().wire_code, "002140") << sql;
    }
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(fs::exists(inside));
    EXPECT_FALSE(fs::exists(dir_ / "export"));
    EXPECT_FALSE(fs::exists(dir_ / "databases" / "X.duckdb"));
    EXPECT_FALSE(Run("SELECT * FROM c"));  // refused before anything ran
}

// Layer 1 on its own: DuckDB refuses files outside databases/ even for SQL that skips the checks.
TEST_F(RunnerTest, DataInstanceIsLockedDown) {
    auto conn = store_->ConnectData();
    ASSERT_TRUE(conn);
    Connection& c = **conn;
    auto read = c.Query("SELECT * FROM read_text('" + (dir_ / "cortex.duckdb").string() + "')");
    ASSERT_FALSE(read);
    EXPECT_NE(read.error().message.find("Permission Error"), std::string::npos) << read.error().message;
    std::string out = (dir_ / "escape.csv").string();
    EXPECT_FALSE(c.Execute("COPY (SELECT 1) TO '" + out + "'"));
    EXPECT_FALSE(fs::exists(out));
    EXPECT_FALSE(c.Execute("SET enable_external_access = true"));
    EXPECT_FALSE(c.Execute("SET allowed_directories = ['/']"));
    EXPECT_FALSE(c.Execute("SET lock_configuration = false"));
    EXPECT_FALSE(c.Execute("INSTALL httpfs"));
    EXPECT_FALSE(c.Execute("ATTACH '" + (dir_ / "elsewhere.duckdb").string() + "' AS e"));
    // The server's own ATTACH of a new database file under databases/ still works.
    EXPECT_TRUE(c.Execute("ATTACH '" + (dir_ / "databases" / "NEW.duckdb").string() + "' AS \"NEW\""));
    EXPECT_TRUE(c.Execute("DETACH \"NEW\""));
    // A second lock-down is a no-op.
    EXPECT_TRUE(LockDownDataInstance(c, LockDownOptions{DataInstanceDirectories(dir_.string())}));
}

}  // namespace
}  // namespace oc::store
