#include "tools/analyst/semantic_model.h"

#include <gtest/gtest.h>

#include "analyst_fixture.h"

namespace oc::tools::analyst {
namespace {

std::string ErrorOf(const std::string& yaml) {
    auto parsed = ParseSemanticModel(yaml);
    EXPECT_FALSE(parsed) << "expected an error for:\n" << yaml;
    return parsed ? "" : parsed.error().message;
}

TEST(SemanticModel, ParsesEveryFieldOfTheShopModel) {
    auto parsed = ParseSemanticModel(testing::kShopModel);
    ASSERT_TRUE(parsed) << parsed.error().message;
    const SemanticModel& m = parsed->model;
    EXPECT_EQ(m.name, "shop_orders");
    ASSERT_EQ(m.tables.size(), 3u);
    const LogicalTable& orders = m.tables[0];
    EXPECT_EQ(orders.base_table.database, "DEMO");
    EXPECT_EQ(orders.base_table.table, "ORDER_LINES");
    EXPECT_EQ(orders.synonyms, (std::vector<std::string>{"sales", "purchases"}));
    EXPECT_EQ(orders.primary_key, std::vector<std::string>{"order_line_id"});
    ASSERT_EQ(orders.dimensions.size(), 5u);
    EXPECT_TRUE(orders.dimensions[0].unique);
    EXPECT_EQ(orders.dimensions[4].expr, "lower(channel)");
    EXPECT_EQ(orders.dimensions[4].sample_values,
              (std::vector<std::string>{"web", "store", "phone"}));
    EXPECT_TRUE(orders.dimensions[4].is_enum);
    EXPECT_EQ(orders.time_dimensions[0].data_type, "DATE");
    EXPECT_EQ(orders.facts[1].data_type, "NUMBER(12,2)");
    EXPECT_EQ(orders.metrics[0].expr, "SUM(orders.line_amount)");
    EXPECT_EQ(orders.filters[0].name, "big_orders");
    ASSERT_EQ(m.relationships.size(), 2u);
    EXPECT_EQ(m.relationships[1].join_type, JoinType::kInner);
    EXPECT_EQ(m.relationships[1].relationship_type, RelationshipType::kManyToOne);
    EXPECT_EQ(m.relationships[0].columns[0].right_column, "customer_id");
    ASSERT_EQ(m.verified_queries.size(), 1u);
    EXPECT_EQ(m.verified_queries[0].verified_at, 1735689600);
    EXPECT_TRUE(m.verified_queries[0].use_as_onboarding_question);
    EXPECT_EQ(m.SqlInstructions(), "Round money to two decimals.");
    EXPECT_TRUE(parsed->warnings.empty()) << parsed->warnings[0].ToString();
}

TEST(SemanticModel, ReadsModuleInstructionsSearchServiceAndDeprecatedForms) {
    auto parsed = ParseSemanticModel(R"(name: m
tables:
  - name: t
    base_table: {database: D, schema: S, table: T}
    dimensions:
      - name: category
        expr: category
        data_type: VARCHAR
        cortex_search_service: {service: CATEGORY_SEARCH, literal_column: CATEGORY, database: D, schema: S}
    measures:
      - {name: amount, expr: amount, data_type: NUMBER, default_aggregation: avg}
    columns:
      - {name: legacy_dim, kind: dimension, expr: x, data_type: VARCHAR}
      - {name: legacy_measure, kind: measure, expr: y, data_type: NUMBER}
custom_instructions: old
module_custom_instructions:
  sql_generation: new
  question_categorization: forecasts are out of scope
)");
    ASSERT_TRUE(parsed) << parsed.error().message;
    const LogicalTable& t = parsed->model.tables[0];
    ASSERT_TRUE(t.dimensions[0].cortex_search_service);
    EXPECT_EQ(t.dimensions[0].cortex_search_service->service, "CATEGORY_SEARCH");
    EXPECT_EQ(t.dimensions[0].cortex_search_service->literal_column, "CATEGORY");
    ASSERT_EQ(t.facts.size(), 2u);  // measures are facts, legacy measure too
    EXPECT_EQ(t.facts[0].default_aggregation, "avg");
    EXPECT_EQ(t.dimensions.size(), 2u);
    EXPECT_EQ(parsed->model.SqlInstructions(), "new");
    EXPECT_EQ(parsed->model.question_categorization_instructions, "forecasts are out of scope");
}

TEST(SemanticModel, SyntaxErrorNamesTheLine) {
    std::string msg = ErrorOf("name: m\ntables:\n  - name: t\n    base_table: [unclosed\n");
    EXPECT_NE(msg.find("YAML syntax error"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line "), std::string::npos) << msg;
}

TEST(SemanticModel, MissingKeysAreReportedTogetherWithLineAndPath) {
    std::string msg = ErrorOf(R"(name: m
tables:
  - name: orders
    base_table:
      database: D
      schema: S
    dimensions:
      - name: channel
        data_type: VARCHAR
)");
    EXPECT_NE(msg.find("(2 problems)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("line 5, column 7: tables[0].base_table.table: is required"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("line 8, column 9: tables[0].dimensions[0].expr: is required"),
              std::string::npos)
        << msg;
}

TEST(SemanticModel, WrongTypesNameKeyAndLine) {
    std::string msg = ErrorOf(R"(name: m
tables:
  - name: t
    synonyms: just one
    base_table: {database: D, schema: S, table: T}
verified_queries:
  - name: q
    question: which?
    sql: SELECT 1
    verified_at: yesterday
)");
    EXPECT_NE(msg.find("line 4, column 15: tables[0].synonyms: must be a list, got a scalar"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("line 10, column 18: verified_queries[0].verified_at: must be an integer, "
                       "got 'yesterday'"),
              std::string::npos)
        << msg;
}

TEST(SemanticModel, CrossReferencesAreChecked) {
    std::string msg = ErrorOf(R"(name: m
tables:
  - name: a
    base_table: {database: D, schema: S, table: A}
    primary_key: {columns: [nope]}
    dimensions:
      - {name: id, expr: id, data_type: NUMBER}
      - {name: ID, expr: id2, data_type: NUMBER}
relationships:
  - name: r
    left_table: a
    right_table: b
    relationship_columns: [{left_column: missing, right_column: id}]
    join_type: sideways
)");
    EXPECT_NE(msg.find("tables[0].dimensions[1].name: duplicate name 'ID' in table 'a'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("tables[0].primary_key.columns[0]: 'nope' is not a dimension"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("relationships[0].right_table: unknown table 'b'"), std::string::npos)
        << msg;
    EXPECT_NE(
        msg.find("relationships[0].relationship_columns[0].left_column: 'missing' is not a column"),
        std::string::npos)
        << msg;
    EXPECT_NE(msg.find("relationships[0].join_type: must be left_outer or inner, got 'sideways'"),
              std::string::npos)
        << msg;
}

TEST(SemanticModel, UnknownKeysAreWarningsNotErrors) {
    auto parsed = ParseSemanticModel(R"(name: m
tables:
  - name: t
    base_table: {database: D, schema: S, table: T}
    colour: blue
)");
    ASSERT_TRUE(parsed) << parsed.error().message;
    ASSERT_EQ(parsed->warnings.size(), 1u);
    EXPECT_EQ(parsed->warnings[0].ToString(),
              "line 5, column 5: tables[0].colour: unknown key, ignored");
}

TEST(SemanticModel, EmptyAndNonMappingDocumentsFail) {
    EXPECT_NE(ErrorOf("").find("the document is empty"), std::string::npos);
    EXPECT_NE(ErrorOf("- a\n- b\n").find("must be a mapping, got a list"), std::string::npos);
    EXPECT_NE(ErrorOf("name: m\n").find("tables: is required"), std::string::npos);
}

}  // namespace
}  // namespace oc::tools::analyst
