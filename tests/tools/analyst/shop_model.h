// The shop semantic model of reference agents-api.md §6.5 (trimmed) and the rows of its tables
// DEMO.PUBLIC.{ORDER_LINES, CUSTOMERS, PRODUCTS}; shared by the unit and integration tests.
#pragma once

namespace oc::tools::analyst::testing {

inline const char* kShopModel = R"(name: shop_orders
description: Orders, customers and products of the demo shop.
tables:
  - name: orders
    synonyms: [sales, purchases]
    base_table: {database: DEMO, schema: PUBLIC, table: ORDER_LINES}
    primary_key: {columns: [order_line_id]}
    dimensions:
      - {name: order_line_id, expr: order_line_id, data_type: NUMBER, unique: true}
      - {name: order_id, expr: order_id, data_type: NUMBER}
      - {name: customer_id, expr: customer_id, data_type: NUMBER}
      - {name: product_id, expr: product_id, data_type: NUMBER}
      - name: channel
        synonyms: [sales channel]
        expr: lower(channel)
        data_type: VARCHAR
        sample_values: [web, store, phone]
        is_enum: true
    time_dimensions:
      - name: order_date
        synonyms: [purchase date]
        expr: CAST(ordered_at AS DATE)
        data_type: DATE
    facts:
      - {name: quantity, expr: qty, data_type: NUMBER}
      - name: line_amount
        synonyms: [amount, net amount]
        expr: qty * unit_price * (1 - discount)
        data_type: NUMBER(12,2)
    metrics:
      - name: total_revenue
        synonyms: [revenue, turnover]
        expr: SUM(orders.line_amount)
      - name: order_count
        synonyms: [number of orders]
        expr: COUNT(DISTINCT orders.order_id)
    filters:
      - name: big_orders
        synonyms: [large orders]
        description: order lines of at least 50
        expr: qty * unit_price >= 50
  - name: customers
    synonyms: [clients, buyers]
    base_table: {database: DEMO, schema: PUBLIC, table: CUSTOMERS}
    primary_key: {columns: [customer_id]}
    dimensions:
      - {name: customer_id, expr: customer_id, data_type: NUMBER, unique: true}
      - name: customer_name
        synonyms: [client name]
        expr: name
        data_type: VARCHAR
      - name: region
        synonyms: [sales region, market]
        expr: region
        data_type: VARCHAR
        sample_values: [EMEA, AMER, APAC]
        is_enum: true
  - name: products
    base_table: {database: DEMO, schema: PUBLIC, table: PRODUCTS}
    primary_key: {columns: [product_id]}
    dimensions:
      - {name: product_id, expr: product_id, data_type: NUMBER, unique: true}
      - name: category
        synonyms: [product category]
        expr: category
        data_type: VARCHAR
        sample_values: [Books, Games, Garden]
relationships:
  - name: orders_to_customers
    left_table: orders
    right_table: customers
    relationship_columns: [{left_column: customer_id, right_column: customer_id}]
    join_type: left_outer
    relationship_type: many_to_one
  - name: orders_to_products
    left_table: orders
    right_table: products
    relationship_columns: [{left_column: product_id, right_column: product_id}]
    join_type: inner
    relationship_type: many_to_one
verified_queries:
  - name: revenue per customer
    question: Which customer generated the most revenue?
    verified_at: 1735689600
    verified_by: Data Team
    use_as_onboarding_question: true
    sql: |
      SELECT c.customer_name, SUM(o.line_amount) AS revenue
      FROM __orders AS o
      JOIN __customers AS c ON o.customer_id = c.customer_id
      GROUP BY c.customer_name
      ORDER BY revenue DESC
      LIMIT 1
custom_instructions: Round money to two decimals.
)";

// Line amounts: 20, 30, 5, 60, 54, 100. EMEA = 204, AMER = 5, APAC = 60;
// web = 104, store = 105, phone = 60; 2024 only = 169.
inline const char* kShopData[] = {
    "CREATE TABLE DEMO.PUBLIC.CUSTOMERS (customer_id INTEGER, name VARCHAR, region VARCHAR)",
    "INSERT INTO DEMO.PUBLIC.CUSTOMERS VALUES (1, 'Alice', 'EMEA'), (2, 'Bob', 'AMER'), (3, 'Chen', 'APAC'),"
    " (4, 'Dana', 'EMEA')",
    "CREATE TABLE DEMO.PUBLIC.PRODUCTS (product_id INTEGER, category VARCHAR)",
    "INSERT INTO DEMO.PUBLIC.PRODUCTS VALUES (10, 'Books'), (11, 'Games'), (12, 'Garden')",
    "CREATE TABLE DEMO.PUBLIC.ORDER_LINES (order_line_id INTEGER, order_id INTEGER, customer_id INTEGER,"
    " product_id INTEGER, channel VARCHAR, ordered_at TIMESTAMP, qty INTEGER, unit_price DECIMAL(10,2),"
    " discount DECIMAL(4,2))",
    "INSERT INTO DEMO.PUBLIC.ORDER_LINES VALUES"
    " (1, 100, 1, 10, 'WEB', '2024-01-15 10:00', 2, 10, 0),"
    " (2, 100, 1, 11, 'WEB', '2024-01-15 10:00', 1, 30, 0),"
    " (3, 101, 2, 10, 'STORE', '2024-02-10 12:00', 1, 10, 0.5),"
    " (4, 102, 3, 12, 'PHONE', '2024-04-01 09:30', 3, 20, 0),"
    " (5, 103, 4, 11, 'web', '2024-05-20 18:00', 2, 30, 0.1),"
    " (6, 104, 1, 12, 'Store', '2023-12-31 23:00', 1, 100, 0)",
};

}  // namespace oc::tools::analyst::testing
