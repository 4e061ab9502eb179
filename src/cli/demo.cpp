#include "cli/demo.h"

#include "auth/principal.h"
#include "common/json.h"
#include "common/log.h"
#include "store/catalog.h"
#include "store/repos/agent_repo.h"
#include "store/stage_store.h"
#include "store/system_store.h"
#include "tools/search/search_registry.h"
#include "tools/search/service_spec.h"

namespace oc::cli {
namespace {

// Deterministic generated data: values derive from the row number through hash(), so every
// machine builds the same tables. Order dates cover the two years before the demo was created,
// so relative questions ("last quarter") always find orders.
const char* kDemoTables[] = {
    "CREATE TABLE IF NOT EXISTS \"DEMO\".\"PUBLIC\".\"PRODUCTS\" AS "
    "SELECT i AS product_id, "
    "  ['Widget','Gadget','Gizmo','Doohickey','Sprocket'][1 + i % 5] || ' ' || "
    "  ['Mini','Pro','Max','Lite','Plus','Ultra','One','Go','Air','X'][1 + (i // 5) % 10] AS product_name, "
    "  ['Hardware','Software','Accessories','Services'][1 + i % 4] AS category, "
    "  round(5 + (hash(i, 'price') % 49500) / 100.0, 2)::DECIMAL(10,2) AS unit_price "
    "FROM range(1, 51) t(i)",
    "CREATE TABLE IF NOT EXISTS \"DEMO\".\"PUBLIC\".\"CUSTOMERS\" AS "
    "SELECT i AS customer_id, "
    "  ['Acme','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka','Tyrell','Cyberdyne'][1 + i % 10] "
    "  || ' ' || ['Corp','Labs','Group','Partners','Systems'][1 + (i // 10) % 5] || ' ' || i AS customer_name, "
    "  ['North America','Europe','Asia Pacific','Latin America'][1 + (hash(i, 'region') % 4)::INTEGER] AS region, "
    "  ['Enterprise','Mid-Market','SMB'][1 + (hash(i, 'segment') % 3)::INTEGER] AS segment, "
    "  DATE '2022-01-01' + (hash(i, 'signup') % 1000)::INTEGER AS signup_date "
    "FROM range(1, 1001) t(i)",
    "CREATE TABLE IF NOT EXISTS \"DEMO\".\"PUBLIC\".\"ORDERS\" AS "
    "SELECT o.*, round(o.quantity * p.unit_price, 2)::DECIMAL(12,2) AS amount FROM ("
    "SELECT i AS order_id, "
    "  1 + (hash(i, 'cust') % 1000)::INTEGER AS customer_id, "
    "  1 + (hash(i, 'prod') % 50)::INTEGER AS product_id, "
    "  CURRENT_DATE - 730 + (hash(i, 'day') % 730)::INTEGER AS order_date, "
    "  1 + (hash(i, 'qty') % 20)::INTEGER AS quantity, "
    "  ['completed','completed','completed','shipped','cancelled'][1 + (hash(i, 'status') % 5)::INTEGER] AS status "
    "FROM range(1, 5001) t(i)) o JOIN \"DEMO\".\"PUBLIC\".\"PRODUCTS\" p USING (product_id) "
    "ORDER BY order_id",
    "CREATE TABLE IF NOT EXISTS \"DEMO\".\"PUBLIC\".\"POLICIES\" AS SELECT * FROM (VALUES "
    "  ('POL-1', 'Refund policy', 'Customers can return any product within 30 days of delivery for a "
    "full refund. Refunds are issued to the original payment method within 5 business days.', 'Sales'),"
    "  ('POL-2', 'Shipping policy', 'Orders ship within 2 business days. Express shipping is available "
    "in North America and Europe for an extra fee.', 'Logistics'),"
    "  ('POL-3', 'Warranty policy', 'Hardware products carry a two year warranty covering manufacturing "
    "defects. Accessories carry a one year warranty.', 'Support'),"
    "  ('POL-4', 'Discount policy', 'Enterprise customers receive volume discounts above 100 units per "
    "order. Discounts cannot be combined with promotions.', 'Sales'),"
    "  ('POL-5', 'Cancellation policy', 'Orders can be cancelled free of charge until they ship. "
    "Cancelled orders are refunded in full.', 'Sales')"
    ") t(doc_id, title, body, department)",
};

// The semantic model of the demo data, uploaded to @DEMO.PUBLIC.MODELS/sales.yaml.
const char* kSalesModel = R"(name: sales
description: Orders, customers and products of the opencortex demo shop.
tables:
  - name: orders
    synonyms: [sales, purchases]
    base_table: {database: DEMO, schema: PUBLIC, table: ORDERS}
    primary_key: {columns: [order_id]}
    dimensions:
      - {name: order_id, expr: order_id, data_type: NUMBER, unique: true}
      - {name: customer_id, expr: customer_id, data_type: NUMBER}
      - {name: product_id, expr: product_id, data_type: NUMBER}
      - name: status
        synonyms: [order status]
        expr: status
        data_type: VARCHAR
        sample_values: [completed, shipped, cancelled]
        is_enum: true
    time_dimensions:
      - name: order_date
        synonyms: [purchase date, date]
        expr: order_date
        data_type: DATE
    facts:
      - {name: quantity, synonyms: [units], expr: quantity, data_type: NUMBER}
      - {name: amount, synonyms: [sales amount], expr: amount, data_type: NUMBER(12,2)}
    metrics:
      - name: total_revenue
        synonyms: [revenue, turnover, sales]
        expr: SUM(orders.amount)
      - name: units_sold
        synonyms: [units sold, units]
        expr: SUM(orders.quantity)
      - name: order_count
        synonyms: [number of orders, orders]
        expr: COUNT(DISTINCT orders.order_id)
  - name: customers
    synonyms: [clients]
    base_table: {database: DEMO, schema: PUBLIC, table: CUSTOMERS}
    primary_key: {columns: [customer_id]}
    dimensions:
      - {name: customer_id, expr: customer_id, data_type: NUMBER, unique: true}
      - {name: customer_name, synonyms: [client name], expr: customer_name, data_type: VARCHAR}
      - name: region
        synonyms: [market, sales region]
        expr: region
        data_type: VARCHAR
        sample_values: [North America, Europe, Asia Pacific, Latin America]
        is_enum: true
      - name: segment
        expr: segment
        data_type: VARCHAR
        sample_values: [Enterprise, Mid-Market, SMB]
        is_enum: true
  - name: products
    base_table: {database: DEMO, schema: PUBLIC, table: PRODUCTS}
    primary_key: {columns: [product_id]}
    dimensions:
      - {name: product_id, expr: product_id, data_type: NUMBER, unique: true}
      - {name: product_name, expr: product_name, data_type: VARCHAR}
      - name: category
        synonyms: [product category]
        expr: category
        data_type: VARCHAR
        sample_values: [Hardware, Software, Accessories, Services]
        is_enum: true
relationships:
  - name: orders_to_customers
    left_table: orders
    right_table: customers
    relationship_columns: [{left_column: customer_id, right_column: customer_id}]
    join_type: inner
    relationship_type: many_to_one
  - name: orders_to_products
    left_table: orders
    right_table: products
    relationship_columns: [{left_column: product_id, right_column: product_id}]
    join_type: inner
    relationship_type: many_to_one
)";

const char* kDemoAgentSpec = R"({
  "models": {"orchestration": "auto"},
  "instructions": {
    "system": "You are the demo sales assistant of opencortex. Answer questions about the DEMO database.",
    "orchestration": "Use sales_analyst for questions about revenue, orders, customers and products.",
    "response": "Answer concisely and show the numbers you used.",
    "sample_questions": [
      {"question": "What is the total revenue by region?"},
      {"question": "Which product category sells the most units?"},
      {"question": "How many orders were cancelled last month?"}
    ]
  },
  "orchestration": {"budget": {"seconds": 30, "tokens": 16000}},
  "tools": [
    {"tool_spec": {"type": "cortex_analyst_text_to_sql", "name": "sales_analyst",
                   "description": "Revenue, orders, customers and products of the DEMO database, by region, segment, category and period: month, quarter or year"}},
    {"tool_spec": {"type": "cortex_search", "name": "policy_search",
                   "description": "Company policies: refunds, shipping, warranty, discounts, cancellation"}}
  ],
  "tool_resources": {
    "sales_analyst": {"semantic_model_file": "@DEMO.PUBLIC.MODELS/sales.yaml",
                      "execution_environment": {"type": "warehouse", "warehouse": "DEMO_WH"}},
    "policy_search": {"search_service": "DEMO.PUBLIC.POLICY_SEARCH", "id_column": "DOC_ID",
                      "title_column": "TITLE", "max_results": 3}
  }
})";

}  // namespace

Status EnsureDemo(store::SystemStore& store, store::Catalog& catalog, store::AgentRepo& agents,
                  tools::search::SearchRegistry& search) {
    store::DatabaseInfo db;
    db.name = "DEMO";
    db.comment = "opencortex demo data";
    db.owner = auth::kAccountAdmin;
    OC_TRY(catalog.CreateDatabase(db, store::CreateMode::kIfNotExists));
    OC_ASSIGN_OR_RETURN(auto conn, store.ConnectData());
    for (const char* sql : kDemoTables) OC_TRY(conn->Execute(sql));
    OC_TRY(conn->Execute("CHECKPOINT \"DEMO\""));
    OC_TRY(catalog.Refresh());

    store::StageStore stages(store.data_dir());
    store::StageInfo stage;
    stage.database_name = "DEMO";
    stage.schema_name = "PUBLIC";
    stage.name = "MODELS";
    stage.comment = "semantic models of the demo";
    stage.owner = auth::kAccountAdmin;
    OC_TRY(stages.Create(stage, store::CreateMode::kIfNotExists));
    OC_TRY(stages.PutFile("DEMO", "PUBLIC", "MODELS", "sales.yaml", kSalesModel));

    OC_ASSIGN_OR_RETURN(Json search_body, ParseJson(R"({"name": "POLICY_SEARCH", "search_column": "BODY",
        "attribute_columns": ["DEPARTMENT"], "columns": ["DOC_ID", "TITLE", "BODY", "DEPARTMENT"],
        "primary_key": ["DOC_ID"], "target_lag": {"type": "USER_DEFINED", "seconds": 3600}, "warehouse": "DEMO_WH",
        "definition": "SELECT doc_id, title, body, department FROM \"DEMO\".\"PUBLIC\".\"POLICIES\""})"));
    OC_ASSIGN_OR_RETURN(auto search_spec, tools::search::ParseCreateBody(search_body));
    search_spec.database_name = "DEMO";
    search_spec.schema_name = "PUBLIC";
    search_spec.owner = auth::kAccountAdmin;
    OC_TRY(search.Create(std::move(search_spec), store::CreateMode::kIfNotExists));

    OC_ASSIGN_OR_RETURN(Json spec, ParseJson(kDemoAgentSpec));
    store::AgentRecord agent;
    agent.database_name = "DEMO";
    agent.schema_name = "PUBLIC";
    agent.name = "SALES_ASSISTANT";
    agent.spec = DumpJson(spec);
    agent.comment = "Demo agent over the DEMO sales data";
    agent.profile = R"({"display_name":"Sales Assistant"})";
    agent.owner = auth::kAccountAdmin;
    OC_TRY(agents.Create(std::move(agent), store::CreateMode::kIfNotExists));
    GetLogger("cli")->info("demo database DEMO and agent DEMO.PUBLIC.SALES_ASSISTANT ready");
    return {};
}

}  // namespace oc::cli
