// The SQL source of a service on a real data dir: column names and kinds, JSON values of each
// type, the current schema, and the definitions that are refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "store/catalog.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"
#include "tools/search/search_registry.h"
#include "tools/search/source_query.h"

namespace oc::tools::search {
namespace {

class SourceQueryTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("oc_source_query_" + std::to_string(rd()));
        auto store = store::SystemStore::Open({dir_.string()});
        ASSERT_TRUE(store) << store.error().message;
        store_ = std::move(*store);
        catalog_ = std::make_unique<store::Catalog>(*store_);
        ASSERT_TRUE(catalog_->Load());
        store::DatabaseInfo db;
        db.name = "DEMO";
        db.owner = "ACCOUNTADMIN";
        ASSERT_TRUE(catalog_->CreateDatabase(db, store::CreateMode::kErrorIfExists));
        auto conn = store_->ConnectData();
        ASSERT_TRUE(conn);
        for (const char* sql : {
                 "CREATE TABLE DEMO.PUBLIC.POLICIES (doc_id INTEGER, body VARCHAR, category VARCHAR,"
                 " tags VARCHAR[], updated_at DATE, created_ts TIMESTAMP, price DECIMAL(10,2), \"Mixed Case\" BOOLEAN)",
                 "INSERT INTO DEMO.PUBLIC.POLICIES VALUES"
                 " (1, 'Refund policy: return within 30 days', 'policy', ['returns','refund'], DATE '2025-01-01',"
                 "  TIMESTAMP '2025-01-01 10:15:30.25', 10.50, true),"
                 " (2, 'Shipping takes two days', 'policy', ['shipping'], DATE '2024-06-30',"
                 "  TIMESTAMP '2024-06-30 23:59:59', 12.00, false),"
                 " (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
             }) {
            ASSERT_TRUE((*conn)->Execute(sql)) << sql;
        }
    }
    void TearDown() override {
        catalog_.reset();
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    Result<SourceRows> Run(const std::string& sql) { return RunSourceQuery(*store_, "DEMO", "PUBLIC", sql); }

    std::filesystem::path dir_;
    std::unique_ptr<store::SystemStore> store_;
    std::unique_ptr<store::Catalog> catalog_;
};

TEST_F(SourceQueryTest, ColumnsAndValuesFollowTheWireTypes) {
    auto rows = Run("SELECT * FROM policies ORDER BY doc_id");  // unqualified: DEMO.PUBLIC is current
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->columns.size(), 8u);
    const std::pair<const char*, ColumnKind> expected[] = {
        {"DOC_ID", ColumnKind::kNumber}, {"BODY", ColumnKind::kText},       {"CATEGORY", ColumnKind::kText},
        {"TAGS", ColumnKind::kArray},    {"UPDATED_AT", ColumnKind::kDate}, {"CREATED_TS", ColumnKind::kTimestamp},
        {"PRICE", ColumnKind::kNumber},  {"Mixed Case", ColumnKind::kBoolean},
    };
    for (size_t i = 0; i < 8; ++i) {
        EXPECT_EQ(rows->columns[i].name, expected[i].first);
        EXPECT_EQ(rows->columns[i].kind, expected[i].second) << expected[i].first;
    }
    ASSERT_EQ(rows->rows.size(), 3u);
    EXPECT_EQ(rows->rows[0], Json::parse(R"({"DOC_ID": 1, "BODY": "Refund policy: return within 30 days",
        "CATEGORY": "policy", "TAGS": ["returns", "refund"], "UPDATED_AT": "2025-01-01",
        "CREATED_TS": "2025-01-01T10:15:30.25", "PRICE": 10.5, "Mixed Case": true})"));
    for (const auto& [name, value] : rows->rows[2].items()) {
        if (name != "DOC_ID") EXPECT_TRUE(value.is_null()) << name;
    }
}

TEST_F(SourceQueryTest, RefusedDefinitions) {
    const std::pair<const char*, const char*> cases[] = {
        {"SELECT 1; SELECT 2", "expected one SELECT statement, got 2"},
        {"", "expected one SELECT statement, got 0"},
        {"DELETE FROM policies", "must be a SELECT query"},
        {"SELECT * FROM nope", "nope"},
        {"SELECT * FROM read_csv('/etc/passwd')", "Invalid search service definition"},
        {"SELECT 1 AS a, 2 AS A", "column A appears twice"},
    };
    for (const auto& [sql, part] : cases) {
        auto rows = Run(sql);
        ASSERT_FALSE(rows) << sql;
        EXPECT_EQ(rows.error().code, ErrorCode::kInvalidArgument) << sql;
        EXPECT_NE(rows.error().message.find(part), std::string::npos) << sql << " → " << rows.error().message;
    }
    auto count = Run("SELECT count(*) AS n FROM policies");
    ASSERT_TRUE(count);
    EXPECT_EQ(count->rows[0]["N"], 3);  // the DELETE above never ran
}

TEST_F(SourceQueryTest, RegistryCreatesPersistsAndReloadsServices) {
    SearchServiceSpec spec;
    spec.database_name = "DEMO";
    spec.schema_name = "PUBLIC";
    spec.name = "POLICY_SEARCH";
    spec.search_column = "body";
    spec.attribute_columns = {"category", "tags"};
    spec.target_lag = {false, 3600};
    spec.definition = "SELECT doc_id, body, category, tags FROM policies";
    spec.owner = "ACCOUNTADMIN";
    {
        SearchRegistry registry(*store_);
        ASSERT_TRUE(registry.Load());
        auto created = registry.Create(spec, store::CreateMode::kErrorIfExists);
        ASSERT_TRUE(created) << created.error().message;
        EXPECT_EQ(*created, store::CreateOutcome::kCreated);
        auto again = registry.Create(spec, store::CreateMode::kErrorIfExists);
        ASSERT_FALSE(again);
        EXPECT_EQ(again.error().code, ErrorCode::kAlreadyExists);
        SearchServiceSpec bad = spec;
        bad.name = "BAD";
        bad.definition = "SELECT 1 AS body";
        bad.attribute_columns = {"category"};
        ASSERT_FALSE(registry.Create(bad, store::CreateMode::kErrorIfExists));
        EXPECT_EQ(registry.Find("DEMO", "PUBLIC", "BAD"), nullptr);
    }
    EXPECT_TRUE(std::filesystem::exists(IndexFilePath(dir_.string(), "DEMO", "PUBLIC", "POLICY_SEARCH")));
    SearchRegistry reloaded(*store_);
    ASSERT_TRUE(reloaded.Load());
    auto service = reloaded.Find("DEMO", "PUBLIC", "POLICY_SEARCH");
    ASSERT_NE(service, nullptr);
    EXPECT_EQ(service->spec().attribute_columns, (std::vector<std::string>{"CATEGORY", "TAGS"}));
    auto out = service->Query(Json::parse(R"({"query": "refund", "columns": ["DOC_ID"], "filter": {"@contains": {"TAGS": "refund"}}})"));
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_EQ((*out)["results"].size(), 1u);
    EXPECT_EQ((*out)["results"][0]["DOC_ID"], 1);
    ASSERT_TRUE(reloaded.Drop("DEMO", "PUBLIC", "POLICY_SEARCH"));
    EXPECT_FALSE(std::filesystem::exists(IndexFilePath(dir_.string(), "DEMO", "PUBLIC", "POLICY_SEARCH")));
    EXPECT_TRUE(reloaded.List("DEMO", "PUBLIC").empty());
}

}  // namespace
}  // namespace oc::tools::search
