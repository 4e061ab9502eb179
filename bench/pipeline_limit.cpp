// The limit for bench/pipeline_bench.sh: DuckDB's read_json_auto loading the same rows from a
// newline-delimited JSON file into a table of a fresh database file (DuckDB C API).
//
//   pipeline_limit DB_FILE JSONL_FILE     prints "rows <n> seconds <s>"
#include <duckdb.h>

#include <chrono>
#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: pipeline_limit DB_FILE JSONL_FILE\n");
        return 2;
    }
    duckdb_database db;
    duckdb_connection conn;
    if (duckdb_open(argv[1], &db) == DuckDBError || duckdb_connect(db, &conn) == DuckDBError) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    std::string path = argv[2];
    std::string sql = "CREATE OR REPLACE TABLE t AS SELECT * FROM read_json_auto('" + path + "')";
    auto start = std::chrono::steady_clock::now();
    duckdb_result res;
    if (duckdb_query(conn, sql.c_str(), &res) == DuckDBError) {
        std::fprintf(stderr, "%s\n", duckdb_result_error(&res));
        return 1;
    }
    duckdb_destroy_result(&res);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    duckdb_query(conn, "SELECT count(*) FROM t", &res);
    long long rows = duckdb_value_int64(&res, 0, 0);
    duckdb_destroy_result(&res);
    std::printf("rows %lld seconds %.3f\n", rows, secs);
    duckdb_disconnect(&conn);
    duckdb_close(&db);
    return 0;
}
