// StatementRegistry: partitions, NULL spelling, row cap, multi-statement children, cancel,
// requestId lookup, back-pressure and a clean stop with a statement still running.
#include "store/statement_registry.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/ids.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

constexpr const char* kLongQuery = "SELECT sum(hash(i)) FROM range(100000000000000) t(i)";

class RegistryTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("oc_registry_" + NewUuid());
        auto store = SystemStore::Open(StoreOptions{dir_.string()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
    }

    void TearDown() override {
        registry_.reset();
        store_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    void Start(RegistryOptions options) {
        auto runner = StatementRunner::Create(*store_, RunnerOptions{});
        ASSERT_TRUE(runner) << runner.error().message;
        registry_ = std::make_unique<StatementRegistry>(std::move(*runner), options);
    }

    StatementView RunToEnd(Submission s) {
        auto submitted = registry_->Submit(std::move(s));
        EXPECT_TRUE(submitted);
        if (!submitted) return {};
        auto view = registry_->Wait(submitted->handle, milliseconds(30000));
        EXPECT_TRUE(view);
        return view ? *view : StatementView{};
    }

    static Submission Sql(const std::string& sql, int64_t count = 1) {
        Submission s;
        s.request.sql = sql;
        s.request.statement_count = count;
        s.request_id = NewUuid();
        return s;
    }

    fs::path dir_;
    std::unique_ptr<SystemStore> store_;
    std::unique_ptr<StatementRegistry> registry_;
};

TEST_F(RegistryTest, ResultIsSplitIntoPartitions) {
    RegistryOptions options;
    options.rows_per_partition = 10;
    Start(options);
    StatementView v = RunToEnd(Sql("SELECT range AS i FROM range(25)"));
    ASSERT_EQ(v.state, StatementState::kSucceeded) << v.error.message;
    EXPECT_EQ(v.output->num_rows, 25);
    ASSERT_EQ(v.output->partitions.size(), 3u);
    EXPECT_EQ(v.output->partitions[0].row_count, 10u);
    EXPECT_EQ(v.output->partitions[2].row_count, 5u);
    EXPECT_EQ(v.output->partitions[2].data_json, R"([["20"],["21"],["22"],["23"],["24"]])");
}

TEST_F(RegistryTest, EmptyResultHasOneEmptyPartition) {
    Start({});
    StatementView v = RunToEnd(Sql("SELECT 1 WHERE false"));
    ASSERT_EQ(v.state, StatementState::kSucceeded);
    ASSERT_EQ(v.output->partitions.size(), 1u);
    EXPECT_EQ(v.output->partitions[0].data_json, "[]");
}

TEST_F(RegistryTest, NullableFalseSpellsNullAsString) {
    Start({});
    Submission s = Sql("SELECT NULL::INT, 'a\"b'");
    s.nullable = false;
    StatementView v = RunToEnd(std::move(s));
    ASSERT_EQ(v.state, StatementState::kSucceeded);
    EXPECT_EQ(v.output->partitions[0].data_json, R"([["null","a\"b"]])");
}

TEST_F(RegistryTest, RowsPerResultsetCapsRows) {
    Start({});
    Submission s = Sql("SELECT range FROM range(100)");
    s.max_rows = 3;
    StatementView v = RunToEnd(std::move(s));
    ASSERT_EQ(v.state, StatementState::kSucceeded);
    EXPECT_EQ(v.output->num_rows, 3);
}

TEST_F(RegistryTest, MultiStatementHasChildHandles) {
    Start({});
    StatementView v = RunToEnd(Sql("CREATE TABLE t (a INT); INSERT INTO t VALUES (1), (2)", 2));
    ASSERT_EQ(v.state, StatementState::kSucceeded) << v.error.message;
    EXPECT_EQ(v.output->row_type[0]["name"], "multiple statement execution");
    EXPECT_EQ(v.output->partitions[0].data_json, R"([["Multiple statements executed successfully."]])");
    ASSERT_EQ(v.output->child_handles.size(), 2u);
    auto insert = registry_->Get(v.output->child_handles[1]);
    ASSERT_TRUE(insert);
    EXPECT_EQ(insert->state, StatementState::kSucceeded);
    EXPECT_EQ(DumpJson(insert->output->stats), R"({"numRowsInserted":2})");
}

TEST_F(RegistryTest, FailureIsKept) {
    Start({});
    StatementView v = RunToEnd(Sql("SELECT nope"));
    ASSERT_EQ(v.state, StatementState::kFailed);
    EXPECT_EQ(v.error.wire_code, "000904");
    auto again = registry_->Get(v.handle);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->error.wire_code, "000904");
}

TEST_F(RegistryTest, CancelStopsARunningStatement) {
    Start({});
    auto submitted = registry_->Submit(Sql(kLongQuery));
    ASSERT_TRUE(submitted);
    EXPECT_TRUE(registry_->Cancel(submitted->handle));
    auto view = registry_->Wait(submitted->handle, milliseconds(30000));
    ASSERT_TRUE(view);
    ASSERT_EQ(view->state, StatementState::kFailed);
    EXPECT_EQ(view->error.wire_code, "000604");
    EXPECT_FALSE(registry_->Cancel(submitted->handle));  // no longer running
    EXPECT_FALSE(registry_->Cancel("00000000-0000-0000-0000-000000000000"));
}

TEST_F(RegistryTest, FindsByRequestId) {
    Start({});
    Submission s = Sql("SELECT 1");
    std::string request_id = s.request_id;
    StatementView v = RunToEnd(std::move(s));
    auto found = registry_->FindByRequestId(request_id);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->handle, v.handle);
    EXPECT_FALSE(registry_->FindByRequestId("unknown"));
    EXPECT_FALSE(registry_->Get("unknown"));
}

TEST_F(RegistryTest, FullQueueIsResourceExhausted) {
    RegistryOptions options;
    options.max_queued = 0;
    Start(options);
    auto submitted = registry_->Submit(Sql("SELECT 1"));
    ASSERT_FALSE(submitted);
    EXPECT_EQ(submitted.error().code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(submitted.error().http_status, 429);
}

TEST_F(RegistryTest, DestructionStopsRunningStatements) {
    Start({});
    auto submitted = registry_->Submit(Sql(kLongQuery));
    ASSERT_TRUE(submitted);
    auto view = registry_->Wait(submitted->handle, milliseconds(200));
    ASSERT_TRUE(view);
    EXPECT_EQ(view->state, StatementState::kRunning);
    auto start = std::chrono::steady_clock::now();
    registry_.reset();
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace oc::store
