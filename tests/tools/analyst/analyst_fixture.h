// Test fixture for the analyst tests: a DuckDB instance holding the shop data of shop_model.h
// and the parsed, validated shop model.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "shop_model.h"
#include "store/duckdb/connection.h"
#include "tools/analyst/model_validator.h"
#include "tools/analyst/semantic_model.h"

namespace oc::tools::analyst::testing {

using Rows = std::vector<std::vector<std::string>>;

// A DuckDB with the shop data and the parsed, validated shop model.
class ShopTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = store::Database::Open(":memory:");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        auto conn = db_->Connect();
        ASSERT_TRUE(conn);
        conn_ = std::move(*conn);
        ASSERT_TRUE(conn_->Execute("ATTACH ':memory:' AS DEMO"));
        ASSERT_TRUE(conn_->Execute("CREATE SCHEMA DEMO.PUBLIC"));
        for (const char* sql : kShopData) ASSERT_TRUE(conn_->Execute(sql)) << sql;
        auto parsed = ParseSemanticModel(kShopModel);
        ASSERT_TRUE(parsed) << parsed.error().message;
        model_ = std::move(parsed->model);
        std::vector<ModelIssue> warnings;
        auto physical = ValidateModel(model_, *conn_, &warnings);
        ASSERT_TRUE(physical) << physical.error().message;
        physical_ = std::move(*physical);
    }

    // Every row of sql, cells as text ("NULL" for null), in result order.
    Rows Run(const std::string& sql) {
        auto r = conn_->Query(sql);
        EXPECT_TRUE(r) << (r ? "" : r.error().message) << "\n" << sql;
        Rows rows;
        if (!r) return rows;
        for (idx_t row = 0; row < (*r)->RowCount(); ++row) {
            std::vector<std::string> cells;
            for (idx_t col = 0; col < (*r)->ColumnCount(); ++col) {
                cells.push_back((*r)->IsNull(col, row) ? "NULL" : (*r)->GetString(col, row));
            }
            rows.push_back(std::move(cells));
        }
        return rows;
    }

    std::unique_ptr<store::Database> db_;
    std::unique_ptr<store::Connection> conn_;
    SemanticModel model_;
    PhysicalColumns physical_;
};

}  // namespace oc::tools::analyst::testing
