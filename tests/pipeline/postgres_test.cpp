// The postgres destination against a real PostgreSQL 15 (pg_cluster.h starts a throwaway
// cluster on a loopback port for this test binary and stops it at the end).
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <filesystem>
#include <memory>
#include <random>

#include "mock_api.h"
#include "scenario.h"
#include "pg_cluster.h"
#include "pipeline/config.h"
#include "pipeline/package.h"
#include "pipeline/package_flow.h"
#include "pipeline/pipeline.h"

namespace oc::pipeline {
namespace {

namespace fs = std::filesystem;

testing::PgCluster* g_pg = nullptr;

class PostgresScenario : public ScenarioDir {
protected:
    PostgresScenario() : ScenarioDir("oc_pgt_") {}
    static void SetUpTestSuite() {
        g_pg = new testing::PgCluster();
        if (!g_pg->Start()) {
            std::fprintf(stderr, "postgres: %s\n", g_pg->error().c_str());
        }
    }
    static void TearDownTestSuite() {
        delete g_pg;
        g_pg = nullptr;
    }

    void SetUp() override {
        ASSERT_NE(g_pg, nullptr);
        ASSERT_GT(g_pg->port(), 0);
        ASSERT_TRUE(Connect()) << "cannot reach the test cluster: " << g_pg->error();
        ScenarioDir::SetUp();
        std::mt19937_64 rng{std::random_device{}()};
        dataset_ = "loaded_data_" + std::to_string(rng() % 1000000);
        secrets_.env_override = {{"SOURCES__REST_API__API_KEY", "sekret"},
                                 {"DESTINATION__POSTGRES__CREDENTIALS", g_pg->url()}};
    }
    void TearDown() override {
        if (conn_ != nullptr) PQfinish(conn_);
        ScenarioDir::TearDown();
    }

    bool Connect() {
        conn_ = PQconnectdb(g_pg->url().c_str());
        return PQstatus(conn_) == CONNECTION_OK;
    }

    // First cell of a query as text ("<error: ...>" on failure).
    std::string Q(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        std::string out;
        if (PQresultStatus(r) != PGRES_TUPLES_OK)
            out = "<error: " + std::string(PQresultErrorMessage(r)) + ">";
        else if (PQntuples(r) > 0)
            out = PQgetisnull(r, 0, 0) ? "<null>" : PQgetvalue(r, 0, 0);
        PQclear(r);
        return out;
    }
    std::vector<std::string> Column(const std::string& sql) {
        PGresult* r = PQexec(conn_, sql.c_str());
        std::vector<std::string> out;
        for (int i = 0; i < PQntuples(r); ++i) out.push_back(PQgetvalue(r, i, 0));
        PQclear(r);
        return out;
    }
    std::vector<std::string> Columns(const std::string& table) {
        return Column("SELECT column_name FROM information_schema.columns WHERE table_schema='" +
                      dataset_ + "' AND table_name='" + table + "' ORDER BY ordinal_position");
    }

    Json Config(Json resources) {
        return Json{{"pipeline_name", "pg_pipe"},
                    {"destination", "postgres"},
                    {"dataset_name", dataset_},
                    {"client", {{"base_url", api_.base}, {"auth", "bearer"}}},
                    {"resources", resources}};
    }
    fs::path Wd() const { return dir_ / "pipelines" / "pg_pipe"; }

    PGconn* conn_ = nullptr;
    std::string dataset_;
    MockApi api_;
};

TEST_F(PostgresScenario, NestedUsersTablesColumnsTypesAndSystemTables) {
    Json res = Json::array(
        {Json{{"name", "users"},
              {"endpoint", {{"path", "users"}, {"paginator", {{"type", "json_link"}}}}}}});
    auto info = Run(Config(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(info->destination_name, "postgres");
    EXPECT_EQ(info->location,
              "postgresql://postgres:***@127.0.0.1:" + std::to_string(g_pg->port()) + "/postgres");
    EXPECT_NE(FormatLoadInfo(*info).find("loaded to destination postgres and into dataset " +
                                         dataset_),
              std::string::npos);
    EXPECT_EQ(Column("SELECT table_name FROM information_schema.tables WHERE table_schema='" +
                     dataset_ + "' ORDER BY 1"),
              (std::vector<std::string>{"_dlt_loads", "_dlt_pipeline_state", "_dlt_version",
                                        "users", "users__tags"}));
    EXPECT_EQ(Columns("users"),
              (std::vector<std::string>{"id", "user_name", "created_at", "address__city",
                                        "address__geo__lat", "address__geo__lng", "_dlt_load_id",
                                        "_dlt_id"}));
    EXPECT_EQ(Columns("users__tags"),
              (std::vector<std::string>{"value", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"}));
    EXPECT_EQ(Column("SELECT data_type FROM information_schema.columns WHERE table_schema='" +
                     dataset_ + "' AND table_name='users' ORDER BY ordinal_position"),
              (std::vector<std::string>{"bigint", "character varying",
                                        "timestamp with time zone", "character varying",
                                        "double precision", "double precision",
                                        "character varying", "character varying"}));
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".users"), "5");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".users__tags"), "10");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".users u JOIN " + dataset_ +
                ".users__tags t ON t._dlt_parent_id = u._dlt_id"),
              "10");
    EXPECT_EQ(Q("SELECT address__city FROM " + dataset_ + ".users WHERE id = 3"), "C3");
    EXPECT_EQ(Q("SELECT created_at = '2024-01-04T00:00:00Z'::timestamptz FROM " + dataset_ +
                ".users WHERE id = 3"),
              "t");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + "._dlt_loads WHERE status = 0 AND "
                "schema_name = 'rest_api' AND load_id = '" + info->load_ids.at(0) + "'"),
              "1");
    EXPECT_EQ(Q("SELECT version || '/' || engine_version FROM " + dataset_ + "._dlt_version"),
              "2/11");
    EXPECT_EQ(Q("SELECT left(state, 3) || ' ' || engine_version FROM " + dataset_ +
                "._dlt_pipeline_state"),
              "eNp 4");
}

TEST_F(PostgresScenario, MergeDeleteInsertDedupsTwice) {
    Json res = Json::array(
        {Json{{"name", "dups"}, {"primary_key", "id"}, {"write_disposition", "merge"}}});
    ASSERT_TRUE(Run(Config(res)));
    auto second = Run(Config(res));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".dups"), "2");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".dups__parts"), "4");
    EXPECT_EQ(Columns("dups__parts"), (std::vector<std::string>{"value", "_dlt_root_id",
                                                                "_dlt_parent_id", "_dlt_list_idx",
                                                                "_dlt_id"}));
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".dups__parts p JOIN " + dataset_ +
                ".dups d ON p._dlt_root_id = d._dlt_id"),
              "4");
    EXPECT_EQ(Q("SELECT count(DISTINCT _dlt_load_id) FROM " + dataset_ + ".dups"), "1");
    EXPECT_EQ(Q("SELECT min(_dlt_load_id) FROM " + dataset_ + ".dups"), second->load_ids.at(0));
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + "._dlt_loads"), "2");
    EXPECT_EQ(Q("SELECT count(*) FROM information_schema.schemata WHERE schema_name = '" +
                dataset_ + "_staging'"),
              "1");
}

TEST_F(PostgresScenario, ReplaceInsertFromStaging) {
    secrets_.env_override.emplace_back("DESTINATION__REPLACE_STRATEGY", "insert-from-staging");
    Json res = Json::array({Json{{"name", "records"}, {"write_disposition", "replace"}}});
    api_.SetRecords(
        Json::array({Json{{"id", 1}, {"name", "a"}, {"tags", Json::array({"x", "y"})}}}));
    ASSERT_TRUE(Run(Config(res)));
    api_.SetRecords(
        Json::array({Json{{"id", 2}, {"name", "b"}, {"tags", Json::array({"z"})}},
                     Json{{"id", 3}, {"name", "c"}, {"tags", Json::array({"w"})}}}));
    auto second = Run(Config(res));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(Q("SELECT string_agg(id || '|' || name, ';' ORDER BY id) FROM " + dataset_ +
                ".records"),
              "2|b;3|c");
    EXPECT_EQ(Q("SELECT string_agg(value, ',' ORDER BY value) FROM " + dataset_ +
                ".records__tags"),
              "w,z");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + "_staging.records"), "2");
}

TEST_F(PostgresScenario, MergeUpsertUpdatesInsertsAndReplacesNestedRows) {
    Json res = Json::array({Json{{"name", "records"},
                                 {"primary_key", "id"},
                                 {"write_disposition",
                                  {{"disposition", "merge"}, {"strategy", "upsert"}}}}});
    api_.SetRecords(
        Json::array({Json{{"id", 1}, {"name", "a"}, {"tags", Json::array({"x", "y"})}},
                     Json{{"id", 2}, {"name", "b"}, {"tags", Json::array({"z"})}}}));
    auto first = Run(Config(res));
    ASSERT_TRUE(first) << first.error().message;
    api_.SetRecords(
        Json::array({Json{{"id", 2}, {"name", "B"}, {"tags", Json::array({"q", "r", "s"})}},
                     Json{{"id", 3}, {"name", "c"}, {"tags", Json::array({"w"})}}}));
    auto second = Run(Config(res));
    ASSERT_TRUE(second) << second.error().message;
    // _dlt_id: SHAKE-128 (10 bytes, base64) of {"id":N}, computed independently.
    EXPECT_EQ(Q("SELECT string_agg(id || '|' || name || '|' || _dlt_id, ';' ORDER BY id) FROM " +
                dataset_ + ".records"),
              "1|a|z5jIxXIbUnmbKw;2|B|M6/KlLzJ2FeV/w;3|c|hKdQ/VhGat+Pgw");
    EXPECT_EQ(Q("SELECT string_agg(id::text, ';' ORDER BY id) FROM " + dataset_ +
                ".records WHERE _dlt_load_id = '" + second->load_ids.at(0) + "'"),
              "2;3");
    EXPECT_EQ(Q("SELECT string_agg(r.id || '|' || t.value, ';' ORDER BY r.id, t._dlt_list_idx) "
                "FROM " + dataset_ + ".records__tags t JOIN " + dataset_ +
                ".records r ON t._dlt_root_id = r._dlt_id AND t._dlt_parent_id = r._dlt_id"),
              "1|x;1|y;2|q;2|r;2|s;3|w");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".records__tags"), "6");
}

TEST_F(PostgresScenario, MergeScd2AndInsertOnly) {
    auto resource = [](const std::string& strategy) {
        Json r{{"name", "records"},
               {"write_disposition", {{"disposition", "merge"}, {"strategy", strategy}}}};
        if (strategy != "scd2") r["primary_key"] = "id";
        return Json::array({r});
    };
    const Json first_rows =
        Json::array({Json{{"id", 1}, {"name", "a"}, {"tags", Json::array({"x", "y"})}},
                     Json{{"id", 2}, {"name", "b"}, {"tags", Json::array({"z"})}}});
    const Json second_rows =
        Json::array({Json{{"id", 2}, {"name", "B"}, {"tags", Json::array({"q", "r", "s"})}},
                     Json{{"id", 3}, {"name", "c"}, {"tags", Json::array({"w"})}}});
    api_.SetRecords(first_rows);
    auto first = Run(Config(resource("scd2")));
    ASSERT_TRUE(first) << first.error().message;
    api_.SetRecords(second_rows);
    auto second = Run(Config(resource("scd2")));
    ASSERT_TRUE(second) << second.error().message;
    auto which = [&](const std::string& col) {
        return "CASE WHEN " + col + " IS NULL THEN '-' WHEN abs(extract(epoch from " + col +
               ") - " + first->load_ids.at(0) + ") < 0.001 THEN 'L1' WHEN abs(extract(epoch from " +
               col + ") - " + second->load_ids.at(0) + ") < 0.001 THEN 'L2' ELSE '?' END";
    };
    EXPECT_EQ(Q("SELECT string_agg(id || '|' || name || '|' || " + which("_dlt_valid_from") +
                " || '|' || " + which("_dlt_valid_to") + ", ';' ORDER BY id, _dlt_valid_from) "
                "FROM " + dataset_ + ".records"),
              "1|a|L1|L2;2|b|L1|L2;2|B|L2|-;3|c|L2|-");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".records__tags"), "7");

    // insert-only into another table of the same dataset.
    Json ins = resource("insert-only");
    ins[0]["table_name"] = "kept";
    api_.SetRecords(first_rows);
    ASSERT_TRUE(Run(Config(ins)));
    api_.SetRecords(second_rows);
    ASSERT_TRUE(Run(Config(ins)));
    EXPECT_EQ(Q("SELECT string_agg(id || '|' || name, ';' ORDER BY id) FROM " + dataset_ +
                ".kept"),
              "1|a;2|b;3|c");
    EXPECT_EQ(Q("SELECT string_agg(r.id || '|' || t.value, ';' ORDER BY r.id, t._dlt_list_idx) "
                "FROM " + dataset_ + ".kept__tags t JOIN " + dataset_ +
                ".kept r ON t._dlt_root_id = r._dlt_id"),
              "1|x;1|y;2|z;3|w");
}

TEST_F(PostgresScenario, IncrementalStateAndIdempotentReload) {
    for (int i = 1; i <= 10; ++i)
        api_.AddEvent(i, "2024-01-" + std::string(i < 10 ? "0" : "") + std::to_string(i) +
                             "T00:00:00Z");
    Json res = Json::array({Json{
        {"name", "events"},
        {"primary_key", "id"},
        {"endpoint",
         {{"path", "events"},
          {"params", {{"since", "{incremental.start_value}"}}},
          {"incremental",
           {{"cursor_path", "updated_at"}, {"initial_value", "2024-01-01T00:00:00Z"}}}}}}});
    auto first = Run(Config(res));
    ASSERT_TRUE(first) << first.error().message;
    for (int i = 11; i <= 13; ++i) api_.AddEvent(i, "2024-01-" + std::to_string(i) + "T00:00:00Z");
    auto second = Run(Config(res));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(api_.last_since, "2024-01-10T00:00:00Z");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".events"), "13");
    // Kill after COMMIT, before the package moved to loaded: the next run finishes it without
    // loading it again.
    const std::string id = second->load_ids.at(0);
    fs::path from = Wd() / "load" / "loaded" / id, to = Wd() / "load" / "normalized" / id;
    fs::rename(from, to);
    fs::create_directories(to / "new_jobs");
    for (const auto& e : fs::directory_iterator(to / "completed_jobs"))
        fs::rename(e.path(), to / "new_jobs" / e.path().filename());
    auto third = Run(Config(res));
    ASSERT_TRUE(third) << third.error().message;
    EXPECT_EQ(third->load_ids, std::vector<std::string>{id});
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + ".events"), "13");
    EXPECT_EQ(Q("SELECT count(DISTINCT id) FROM " + dataset_ + ".events"), "13");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + "._dlt_loads"), "2");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + "._dlt_pipeline_state"), "2");
}

TEST_F(PostgresScenario, CopyKeepsEmptyStringsNullsQuotesAndVariants) {
    auto cfg = ParsePipelineConfig(
        Config(Json::array({Json{{"name", "evolve"}}})), "test.json", secrets_);
    ASSERT_TRUE(cfg) << cfg.error().message;
    PackageStore store(Wd().string());
    {
        PackageBuilder b(store, "1700000000.1", *cfg, {});
        ASSERT_TRUE(b.Begin());
        std::vector<Json> rows = {
            Json{{"id", 10}, {"s", ""}, {"q", "a,\"b\"\nc\\d"}, {"j", Json::array({1, 2})}},
            Json{{"id", 11}, {"s", nullptr}, {"q", "x"}}};
        ASSERT_TRUE(b.AddPage(cfg->resources[0], rows));
        ASSERT_TRUE(b.Finish(Json()));
    }
    // The pending package loads first; then /evolve yields {id:1, val:5}; a second run adds
    // {id:2, val:"five"} → variant column val__v_text.
    ASSERT_TRUE(Run(Config(Json::array({Json{{"name", "evolve"}}}))));
    auto second = Run(Config(Json::array({Json{{"name", "evolve"}}})));
    ASSERT_TRUE(second) << second.error().message;
    const std::string t = dataset_ + ".evolve";
    EXPECT_EQ(Q("SELECT s IS NOT NULL AND s = '' FROM " + t + " WHERE id = 10"), "t");
    EXPECT_EQ(Q("SELECT s IS NULL FROM " + t + " WHERE id = 11"), "t");
    EXPECT_EQ(Q("SELECT q FROM " + t + " WHERE id = 10"), "a,\"b\"\nc\\d");
    EXPECT_EQ(Q("SELECT count(*) FROM " + t + "__j"), "2");
    EXPECT_EQ(Q("SELECT val FROM " + t + " WHERE id = 1"), "5");
    EXPECT_EQ(Q("SELECT val__v_text FROM " + t + " WHERE id = 2"), "five");
    EXPECT_EQ(Q("SELECT extra_field FROM " + t + " WHERE id = 2"), "t");
    EXPECT_EQ(Q("SELECT count(*) FROM " + t), "4");
}

// Names over 63 characters are shortened as dlt does; expected names computed independently
// (python3 hashlib.shake_128, see normalize_test.cpp). Two packages: the second one's names
// must match the tables and columns the first one created.
TEST_F(PostgresScenario, LongIdentifiersAreShortened) {
    const std::string f = "a_very_long_field_name_that_keeps_going_on_and_on_past_the_postgres_limit";
    const std::string l = "nested_list_with_a_name_long_enough_to_overflow_the_identifier_limit_too";
    auto cfg = ParsePipelineConfig(Config(Json::array({Json{{"name", "orders"}}})), "test.json",
                                   secrets_);
    ASSERT_TRUE(cfg) << cfg.error().message;
    PackageStore store(Wd().string());
    for (int i = 1; i <= 2; ++i) {
        {
            PackageBuilder b(store, "170000000" + std::to_string(i) + ".1", *cfg, {});
            ASSERT_TRUE(b.Begin());
            Json rec = Json::object();
            rec["id"] = i;
            rec[f] = "v" + std::to_string(i);
            rec["details"] = Json::object({{f, i * 10}});
            rec[l] = Json::array({Json::object({{f, i * 100}}), Json::object({{f, i * 100 + 1}})});
            ASSERT_TRUE(b.AddPage(cfg->resources[0], {rec}));
            ASSERT_TRUE(b.Finish(Json()));
        }
        // Loads the pending package, then fetches /evolve (a table of its own).
        auto info = Run(Config(Json::array({Json{{"name", "evolve"}}})));
        ASSERT_TRUE(info) << info.error().message;
    }
    const std::string col = "a_very_long_field_name_that_ky7qqxqd_on_past_the_postgres_limit";
    const std::string flat = "details__a_very_long_field_na2svxewd_on_past_the_postgres_limit";
    const std::string child = "orders__nested_list_with_a_nail7iaqlow_the_identifier_limit_too";
    EXPECT_EQ(Columns("orders"),
              (std::vector<std::string>{"id", col, flat, "_dlt_load_id", "_dlt_id"}));
    EXPECT_EQ(Columns(child), (std::vector<std::string>{col, "_dlt_parent_id", "_dlt_list_idx",
                                                        "_dlt_id"}));
    const std::string t = dataset_ + ".orders";
    EXPECT_EQ(Q("SELECT count(*) FROM " + t), "2");
    EXPECT_EQ(Q("SELECT " + col + " || '/' || " + flat + " FROM " + t + " WHERE id = 2"), "v2/20");
    EXPECT_EQ(Q("SELECT string_agg(c." + col + "::text, ',' ORDER BY c." + col + ") FROM " + t +
                " o JOIN " + dataset_ + "." + child + " c ON c._dlt_parent_id = o._dlt_id"),
              "100,101,200,201");
    // The stored schema names the same tables (dlt's _dlt_version keeps the schema JSON).
    const std::string versions = Q("SELECT count(*) FROM " + dataset_ + "._dlt_version");
    EXPECT_NE(versions, "0");
    EXPECT_EQ(Q("SELECT count(*) FROM " + dataset_ + "._dlt_version WHERE schema LIKE '%\"" +
                child + "\"%' AND schema LIKE '%\"" + flat + "\"%'"),
              versions);
}

TEST_F(PostgresScenario, UnreachableServerIsAClearError) {
    secrets_.env_override[1].second = "postgresql://postgres@127.0.0.1:1/postgres?connect_timeout=3";
    auto info = Run(Config(Json::array({Json{{"name", "evolve"}}})));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().message.rfind("destination postgres: cannot connect", 0), 0u)
        << info.error().message;
    secrets_.env_override.pop_back();
    auto missing = Run(Config(Json::array({Json{{"name", "evolve"}}})));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("DESTINATION__POSTGRES__CREDENTIALS"),
              std::string::npos);
}

}  // namespace
}  // namespace oc::pipeline
