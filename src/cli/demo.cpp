#include "cli/demo.h"

#include "auth/principal.h"
#include "common/json.h"
#include "common/log.h"
#include "store/catalog.h"
#include "store/repos/agent_repo.h"
#include "store/system_store.h"

namespace oc::cli {
namespace {

// Deterministic generated data: values derive from the row number through hash(), so every
// machine builds the same tables.
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
    "SELECT i AS order_id, "
    "  1 + (hash(i, 'cust') % 1000)::INTEGER AS customer_id, "
    "  1 + (hash(i, 'prod') % 50)::INTEGER AS product_id, "
    "  DATE '2024-01-01' + (hash(i, 'day') % 700)::INTEGER AS order_date, "
    "  1 + (hash(i, 'qty') % 20)::INTEGER AS quantity, "
    "  ['completed','completed','completed','shipped','cancelled'][1 + (hash(i, 'status') % 5)::INTEGER] AS status "
    "FROM range(1, 5001) t(i)",
};

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
                   "description": "Revenue, orders, customers and products of the DEMO database"}}
  ],
  "tool_resources": {
    "sales_analyst": {"semantic_model_file": "@DEMO.PUBLIC.MODELS/sales.yaml",
                      "execution_environment": {"type": "warehouse", "warehouse": "DEMO_WH"}}
  }
})";

}  // namespace

Status EnsureDemo(store::SystemStore& store, store::Catalog& catalog, store::AgentRepo& agents) {
    store::DatabaseInfo db;
    db.name = "DEMO";
    db.comment = "opencortex demo data";
    db.owner = auth::kAccountAdmin;
    OC_TRY(catalog.CreateDatabase(db, store::CreateMode::kIfNotExists));
    OC_ASSIGN_OR_RETURN(auto conn, store.ConnectData());
    for (const char* sql : kDemoTables) OC_TRY(conn->Execute(sql));
    OC_TRY(conn->Execute("CHECKPOINT \"DEMO\""));
    OC_TRY(catalog.Refresh());

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
