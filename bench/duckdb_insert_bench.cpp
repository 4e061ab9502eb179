// Peer for the "create agent" benchmark of bench/api.sh: the raw cost of a durable DuckDB write.
// Opens a fresh file database, creates a table shaped like _cortex.agents (8 columns, primary key on
// the 3 key columns) and runs autocommit single-row INSERTs through one prepared statement for N
// seconds from one thread. Every INSERT is its own committed transaction (WAL written and synced).
//
// Usage: duckdb_insert_bench <db-file> [seconds=10]
// Prints: "inserts: N seconds: S inserts/s: R"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "duckdb.h"

namespace {

bool Run(duckdb_connection con, const char* sql) {
    duckdb_result res;
    bool ok = duckdb_query(con, sql, &res) == DuckDBSuccess;
    if (!ok) std::fprintf(stderr, "duckdb_insert_bench: %s: %s\n", sql, duckdb_result_error(&res));
    duckdb_destroy_result(&res);
    return ok;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s <db-file> [seconds]\n", argv[0]);
        return 2;
    }
    std::string path = argv[1];
    double seconds = argc > 2 ? std::atof(argv[2]) : 10.0;
    std::error_code ec;
    std::filesystem::remove(path, ec);
    std::filesystem::remove(path + ".wal", ec);

    duckdb_config config;
    duckdb_create_config(&config);
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    duckdb_database db;
    char* err = nullptr;
    if (duckdb_open_ext(path.c_str(), &db, config, &err) != DuckDBSuccess) {
        std::fprintf(stderr, "duckdb_insert_bench: cannot open %s: %s\n", path.c_str(), err ? err : "?");
        duckdb_free(err);
        return 1;
    }
    duckdb_destroy_config(&config);
    duckdb_connection con;
    if (duckdb_connect(db, &con) != DuckDBSuccess) return 1;
    if (!Run(con,
             "CREATE TABLE agents ("
             " database_name VARCHAR NOT NULL, schema_name VARCHAR NOT NULL, name VARCHAR NOT NULL,"
             " spec VARCHAR NOT NULL, comment VARCHAR, profile VARCHAR, owner VARCHAR NOT NULL,"
             " created_on BIGINT NOT NULL, PRIMARY KEY (database_name, schema_name, name))")) {
        return 1;
    }

    duckdb_prepared_statement ins;
    if (duckdb_prepare(con, "INSERT INTO agents VALUES (?, ?, ?, ?, ?, ?, ?, ?)", &ins) != DuckDBSuccess) {
        std::fprintf(stderr, "duckdb_insert_bench: prepare: %s\n", duckdb_prepare_error(ins));
        return 1;
    }
    // ~500-byte spec, like the agent specs the API benchmark creates.
    std::string spec = R"({"models":{"orchestration":"auto"},"instructions":{"system":")";
    while (spec.size() < 480) spec += "You are a benchmark agent. ";
    spec += R"("},"tools":[]})";
    const std::string profile = R"({"display_name":"Bench agent"})";

    using clock = std::chrono::steady_clock;
    auto start = clock::now();
    auto deadline = start + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
    long long n = 0;
    for (;;) {
        std::string name = "BENCH_" + std::to_string(n);
        duckdb_bind_varchar(ins, 1, "BENCH");
        duckdb_bind_varchar(ins, 2, "PUBLIC");
        duckdb_bind_varchar(ins, 3, name.c_str());
        duckdb_bind_varchar(ins, 4, spec.c_str());
        duckdb_bind_varchar(ins, 5, "benchmark agent");
        duckdb_bind_varchar(ins, 6, profile.c_str());
        duckdb_bind_varchar(ins, 7, "ACCOUNTADMIN");
        duckdb_bind_int64(ins, 8, std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch()).count());
        duckdb_result res;
        if (duckdb_execute_prepared(ins, &res) != DuckDBSuccess) {
            std::fprintf(stderr, "duckdb_insert_bench: insert: %s\n", duckdb_result_error(&res));
            duckdb_destroy_result(&res);
            return 1;
        }
        duckdb_destroy_result(&res);
        ++n;
        if ((n & 15) == 0 && clock::now() >= deadline) break;
    }
    double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    std::printf("inserts: %lld seconds: %.3f inserts/s: %.1f\n", n, elapsed, n / elapsed);

    duckdb_destroy_prepare(&ins);
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return 0;
}
