#include "tools/analyst/model_validator.h"

#include "analyst_fixture.h"

namespace oc::tools::analyst {
namespace {

using testing::ShopTest;

class ModelValidator : public ShopTest {
protected:
    Result<PhysicalColumns> Validate(const std::string& yaml) {
        auto parsed = ParseSemanticModel(yaml);
        EXPECT_TRUE(parsed) << parsed.error().message;
        if (!parsed) return parsed.error();
        parsed_ = std::move(parsed->model);
        std::vector<ModelIssue> warnings;
        return ValidateModel(parsed_, *conn_, &warnings);
    }
    SemanticModel parsed_;
};

TEST_F(ModelValidator, ShopModelResolvesAndReportsPhysicalColumns) {
    ASSERT_EQ(physical_.count("orders"), 1u);
    const auto& cols = physical_.at("orders");
    EXPECT_NE(std::find(cols.begin(), cols.end(), "ordered_at"), cols.end());
    EXPECT_EQ(physical_.at("customers"),
              (std::vector<std::string>{"customer_id", "name", "region"}));
}

TEST_F(ModelValidator, EveryProblemIsReportedAtOnceWithLineAndPath) {
    auto r = Validate(R"(name: broken
tables:
  - name: ghosts
    base_table: {database: DEMO, schema: PUBLIC, table: NO_SUCH_TABLE}
  - name: orders
    base_table: {database: DEMO, schema: PUBLIC, table: ORDER_LINES}
    dimensions:
      - {name: channel, expr: chanel, data_type: VARCHAR}
      - {name: order_id, expr: order_id, data_type: NUMBER}
  - name: customers
    base_table: {database: DEMO, schema: PUBLIC, table: CUSTOMERS}
    dimensions:
      - {name: customer_id, expr: customer_id, data_type: NUMBER}
    metrics:
      - {name: bad_metric, expr: SUM(customers.nothing)}
    filters:
      - {name: bad_filter, expr: region = }
verified_queries:
  - {name: wipe, question: delete everything, sql: DELETE FROM __customers}
)");
    ASSERT_FALSE(r);
    const std::string& msg = r.error().message;
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(msg.find("Semantic model does not match the catalog (5 problems)"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find("line 4, column 17: tables[0].base_table: table DEMO.PUBLIC.NO_SUCH_TABLE "
                       "does not exist"),
              std::string::npos)
        << msg;
    EXPECT_NE(
        msg.find(
            "line 8, column 9: tables[1].dimensions[0].expr: dimension 'channel': Binder Error"),
        std::string::npos)
        << msg;
    EXPECT_NE(msg.find("line 15, column 9: tables[2].metrics[0].expr: metric 'bad_metric'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("tables[2].filters[0].expr: filter 'bad_filter'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("verified_queries[0].sql: verified query 'wipe': SQL compilation error"),
              std::string::npos)
        << msg;
}

TEST_F(ModelValidator, RelationshipColumnsMustBeComparable) {
    auto r = Validate(R"(name: m
tables:
  - name: orders
    base_table: {database: DEMO, schema: PUBLIC, table: ORDER_LINES}
    dimensions: [{name: ordered_at, expr: ordered_at, data_type: TIMESTAMP}]
  - name: customers
    base_table: {database: DEMO, schema: PUBLIC, table: CUSTOMERS}
    dimensions: [{name: customer_id, expr: customer_id, data_type: NUMBER}]
relationships:
  - {name: odd, left_table: orders, right_table: customers,
     relationship_columns: [{left_column: ordered_at, right_column: customer_id}]}
)");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("relationships[0].relationship_columns: relationship 'odd'"),
              std::string::npos)
        << r.error().message;
}

TEST_F(ModelValidator, ReadOnlyCheck) {
    EXPECT_TRUE(CheckReadOnlySql(*conn_, "SELECT 1"));
    EXPECT_TRUE(CheckReadOnlySql(*conn_, "WITH x AS (SELECT 1 AS a) SELECT a FROM x\n -- c\n;"));
    for (const char* sql :
         {"DELETE FROM DEMO.PUBLIC.CUSTOMERS", "INSERT INTO DEMO.PUBLIC.PRODUCTS VALUES (1, 'x')",
          "DROP TABLE DEMO.PUBLIC.PRODUCTS", "SELECT 1; SELECT 2",
          "COPY DEMO.PUBLIC.PRODUCTS TO 'x.csv'", "SELECT * FROM read_csv('/etc/passwd')"}) {
        Status st = CheckReadOnlySql(*conn_, sql);
        ASSERT_FALSE(st) << sql;
        EXPECT_EQ(st.error().code, ErrorCode::kPermissionDenied) << sql;
        EXPECT_EQ(st.error().wire_code, "002140") << sql;
    }
    Status bad = CheckReadOnlySql(*conn_, "SELECT nope FROM DEMO.PUBLIC.PRODUCTS");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
    EXPECT_EQ(Run("SELECT count(*) FROM DEMO.PUBLIC.CUSTOMERS"),
              (testing::Rows{{"4"}}));  // nothing ran
}

}  // namespace
}  // namespace oc::tools::analyst
