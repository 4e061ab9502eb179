// Layer 2 of the sandbox (sql_guard.h): the text check that runs before DuckDB parses anything.
#include "store/sql_guard.h"

#include <gtest/gtest.h>

namespace oc::store {
namespace {

Status Check(std::string_view sql) { return CheckSqlText(SplitSqlStatements(sql)); }

TEST(SqlGuard, RefusesStatementsThatReachFilesOrSettings) {
    const char* refused[] = {
        "ATTACH '/tmp/x.duckdb' AS x",
        "DETACH \"DEMO\"",
        "INSTALL httpfs",
        "FORCE INSTALL httpfs",
        "LOAD httpfs",
        "UPDATE EXTENSIONS",
        "COPY t TO '/tmp/out.csv'",
        "copy t from '/etc/passwd'",
        "EXPORT DATABASE '/tmp/dump'",
        "IMPORT DATABASE '/tmp/dump'",
        "SET threads = 1",
        "SET GLOBAL enable_external_access = true",
        "RESET memory_limit",
        "PRAGMA enable_profiling",
        "CALL pragma_version()",
        "PREPARE p AS SELECT 1",
        "EXECUTE p",
        "DEALLOCATE p",
        "EXPLAIN ANALYZE SELECT 1",
        "EXPLAIN (ANALYZE) COPY (SELECT 1) TO 'x.csv'",
        "EXPLAIN COPY t TO 'x.csv'",
        "CREATE SECRET s (TYPE s3)",
        "CREATE OR REPLACE PERSISTENT SECRET s (TYPE s3)",
        "DROP SECRET s",
        "SELECT 1; ATTACH 'x' AS y",
    };
    for (const char* sql : refused) {
        Status st = Check(sql);
        ASSERT_FALSE(st) << sql;
        EXPECT_EQ(st.error().code, ErrorCode::kPermissionDenied) << sql;
        EXPECT_EQ(st.error().wire_code, "002140") << sql;
        EXPECT_EQ(st.error().http_status, 422) << sql;
    }
}

TEST(SqlGuard, RefusesFileReadingFunctions) {
    const char* refused[] = {
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM READ_CSV_AUTO('x.csv')",
        "SELECT * FROM read_parquet('x.parquet')",
        "SELECT * FROM parquet_scan('x')",
        "SELECT * FROM read_json('x.json')",
        "SELECT * FROM read_ndjson_objects('x')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('x')",
        "SELECT * FROM glob('/*')",
        "SELECT * FROM sniff_csv('x')",
        "SELECT * FROM system.main.read_csv('x')",
        "SELECT * FROM \"read_csv\"('x')",
        "SELECT * FROM query('SELECT * FROM read_csv(''x'')')",
        "SELECT * FROM query_table('t')",
        "SELECT json_execute_serialized_sql('{}')",
        "SELECT * FROM arrow_scan(1, 2, 3)",
        "INSERT INTO t SELECT * FROM read_csv('x')",
        "CREATE TABLE t AS SELECT * FROM read_parquet('x')",
        "CREATE MACRO m(p) AS TABLE SELECT * FROM read_csv(p)",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM t JOIN 'data.csv' USING (id)",
        "SELECT * FROM \"/etc/hosts\"",
        "SELECT * FROM \"x.parquet\"",
        "CREATE TABLE t AS (FROM 'x.csv')",
        "SELECT * FROM enable_logging()",
    };
    for (const char* sql : refused) {
        Status st = Check(sql);
        ASSERT_FALSE(st) << sql;
        EXPECT_EQ(st.error().wire_code, "002140") << sql;
    }
}

TEST(SqlGuard, AllowsOrdinarySql) {
    const char* allowed[] = {
        "SELECT 1",
        "select trim(both 'x' from 'xax'), extract(year FROM DATE '2024-01-01')",
        "SELECT substring('abc' FROM 2), overlay('abc' placing 'x' from 2)",
        "SELECT * FROM (SELECT 1) t, range(3)",
        "INSERT INTO query (a) VALUES (1)",
        "CREATE TABLE glob (x INT)",
        "CREATE TABLE IF NOT EXISTS read_csv (x INT)",
        "SELECT 'read_csv(', 'COPY', '/etc/passwd'",
        "SELECT \"copy\" FROM t",
        "WITH x AS (SELECT 1) SELECT * FROM x",
        "USE \"DEMO\".\"PUBLIC\"",
        "SET VARIABLE x = 1",
        "EXPLAIN SELECT 1",
        "EXPLAIN (FORMAT json) SELECT 1",
        "BEGIN; INSERT INTO t VALUES (1); COMMIT",
        "UPDATE t SET a = 1",
        "MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE",
        "DESCRIBE t; SHOW TABLES; SUMMARIZE t",
        "CREATE OR REPLACE VIEW v AS SELECT * FROM t",
        "DROP TABLE IF EXISTS t",
        "SELECT * FROM t -- read_csv('x')",
    };
    for (const char* sql : allowed) {
        Status st = Check(sql);
        EXPECT_TRUE(st) << sql << ": " << (st ? "" : st.error().message);
    }
}

TEST(SqlGuard, RefusalMessageNamesWhatWasRefused) {
    Status st = Check("ATTACH '/tmp/x.duckdb' AS x");
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().message,
              "SQL compilation error:\nATTACH statement is not allowed: SQL on this server may only read "
              "and change the data of its databases.");
    st = Check("SELECT * FROM read_csv('x')");
    ASSERT_FALSE(st);
    EXPECT_NE(st.error().message.find("The function read_csv()"), std::string::npos);
}

TEST(SqlGuard, DataInstanceDirectoriesEndWithSlash) {
    std::vector<std::string> dirs = DataInstanceDirectories("cortex-data");
    ASSERT_FALSE(dirs.empty());
    EXPECT_NE(std::find(dirs.begin(), dirs.end(), "cortex-data/databases/"), dirs.end());
    for (const std::string& d : dirs) EXPECT_EQ(d.back(), '/');
}

}  // namespace
}  // namespace oc::store
