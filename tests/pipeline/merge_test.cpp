// Merge strategies and replace strategies end to end: a loopback mock REST API (/records, whose
// rows the test changes between runs) → RunPipeline → rows in a temp DuckDB.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "mock_api.h"
#include "scenario.h"
#include "pipeline/config.h"
#include "pipeline/normalize.h"
#include "pipeline/pipeline.h"
#include "pipeline/raw_records.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

// SHAKE-128 (10 bytes, base64, `=` stripped) of {"id":1}, {"id":2}, {"id":3}: computed
// independently of this code base.
constexpr const char* kId1 = "z5jIxXIbUnmbKw";
constexpr const char* kId2 = "M6/KlLzJ2FeV/w";
constexpr const char* kId3 = "hKdQ/VhGat+Pgw";

Json FirstRun() {
    return Json::array({Json{{"id", 1}, {"name", "a"}, {"tags", Json::array({"x", "y"})}},
                        Json{{"id", 2}, {"name", "b"}, {"tags", Json::array({"z"})}}});
}

// Changes id 2 (name and tags) and adds id 3; id 1 is not in the extract.
Json SecondRun() {
    return Json::array({Json{{"id", 2}, {"name", "B"}, {"tags", Json::array({"q", "r", "s"})}},
                        Json{{"id", 3}, {"name", "c"}, {"tags", Json::array({"w"})}}});
}

class MergeScenario : public ScenarioDir {
protected:
    MergeScenario() : ScenarioDir("oc_merge_") {}

    Json Config(const std::string& strategy, bool with_key = true) {
        Json res{{"name", "records"},
                 {"write_disposition", {{"disposition", "merge"}, {"strategy", strategy}}}};
        if (with_key) res["primary_key"] = "id";
        return Json{{"pipeline_name", "merge_pipe"},
                    {"dataset_name", "merged"},
                    {"client", {{"base_url", api_.base}}},
                    {"resources", Json::array({res})}};
    }

    // The query's rows, cells joined by `|`, rows by `;`.
    std::string Rows(const std::string& sql) {
        auto db = store::Database::Open((dir_ / "merge_pipe.duckdb").string());
        EXPECT_TRUE(db);
        if (!db) return "<no db>";
        auto conn = (*db)->Connect();
        auto r = (*conn)->Query(sql);
        if (!r) return "<error: " + r.error().message + ">";
        std::string out;
        for (idx_t i = 0; i < (*r)->RowCount(); ++i) {
            if (i > 0) out += ";";
            for (idx_t c = 0; c < (*r)->ColumnCount(); ++c) {
                if (c > 0) out += "|";
                out += (*r)->GetString(c, i);
            }
        }
        return out;
    }

    MockApi api_;
};

TEST_F(MergeScenario, UpsertUpdatesInsertsAndReplacesNestedRows) {
    api_.SetRecords(FirstRun());
    auto first = Run(Config("upsert"));
    ASSERT_TRUE(first) << first.error().message;
    EXPECT_EQ(Rows("SELECT id, name, _dlt_id FROM merged.records ORDER BY id"),
              std::string("1|a|") + kId1 + ";2|b|" + kId2);
    api_.SetRecords(SecondRun());
    auto second = Run(Config("upsert"));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(Rows("SELECT id, name, _dlt_id FROM merged.records ORDER BY id"),
              std::string("1|a|") + kId1 + ";2|B|" + kId2 + ";3|c|" + kId3);
    // Updated and new roots carry the second load id; id 1 keeps the first.
    EXPECT_EQ(Rows("SELECT id FROM merged.records WHERE _dlt_load_id = '" +
                   second->load_ids.at(0) + "' ORDER BY id"),
              "2;3");
    EXPECT_EQ(Rows("SELECT r.id, t.value, t._dlt_list_idx FROM merged.records__tags t JOIN "
                   "merged.records r ON t._dlt_root_id = r._dlt_id AND t._dlt_parent_id = "
                   "r._dlt_id ORDER BY r.id, t._dlt_list_idx"),
              "1|x|0;1|y|1;2|q|0;2|r|1;2|s|2;3|w|0");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records__tags"), "6");
}

TEST_F(MergeScenario, InsertOnlyKeepsExistingRowsAndAddsNewKeys) {
    api_.SetRecords(FirstRun());
    ASSERT_TRUE(Run(Config("insert-only")));
    api_.SetRecords(SecondRun());
    auto second = Run(Config("insert-only"));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(Rows("SELECT id, name, _dlt_id FROM merged.records ORDER BY id"),
              std::string("1|a|") + kId1 + ";2|b|" + kId2 + ";3|c|" + kId3);
    EXPECT_EQ(Rows("SELECT id FROM merged.records WHERE _dlt_load_id = '" +
                   second->load_ids.at(0) + "' ORDER BY id"),
              "3");
    EXPECT_EQ(Rows("SELECT r.id, t.value FROM merged.records__tags t JOIN merged.records r ON "
                   "t._dlt_root_id = r._dlt_id ORDER BY r.id, t._dlt_list_idx"),
              "1|x;1|y;2|z;3|w");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records__tags"), "4");
}

TEST_F(MergeScenario, UpsertWithoutPrimaryKeyIsAConfigError) {
    api_.SetRecords(FirstRun());
    auto info = Run(Config("upsert", false));
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().message,
              "test.json: resource `records`: merge strategy `upsert` needs a `primary_key`");
    auto bad = Config("upsert");
    bad["resources"][0]["write_disposition"]["strategy"] = "merge-all";
    info = Run(bad);
    ASSERT_FALSE(info);
    EXPECT_EQ(info.error().message,
              "test.json: `resources[0].write_disposition.strategy` must be delete-insert, upsert, "
              "insert-only or scd2, got merge-all");
    EXPECT_FALSE(std::filesystem::exists(dir_ / "merge_pipe.duckdb"));
}

TEST_F(MergeScenario, Scd2RetiresChangedAndMissingRowsAndInsertsNewVersions) {
    api_.SetRecords(FirstRun());
    auto first = Run(Config("scd2", false));
    ASSERT_TRUE(first) << first.error().message;
    api_.SetRecords(SecondRun());
    auto second = Run(Config("scd2", false));
    ASSERT_TRUE(second) << second.error().message;
    // Which load's creation time a validity timestamp is (L1, L2), or `-` for NULL.
    auto which = [&](const std::string& col) {
        return "CASE WHEN " + col + " IS NULL THEN '-' WHEN abs(epoch(" + col + ") - " +
               first->load_ids.at(0) + ") < 0.001 THEN 'L1' WHEN abs(epoch(" + col + ") - " +
               second->load_ids.at(0) + ") < 0.001 THEN 'L2' ELSE '?' END";
    };
    const std::string history = "SELECT id, name, " + which("_dlt_valid_from") + ", " +
                                which("_dlt_valid_to") +
                                " FROM merged.records ORDER BY id, _dlt_valid_from";
    EXPECT_EQ(Rows(history), "1|a|L1|L2;2|b|L1|L2;2|B|L2|-;3|c|L2|-");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records WHERE _dlt_id = 'vyO6DMrO2p4mGQ'"), "1");
    EXPECT_EQ(Rows("SELECT r.id, r.name, t.value FROM merged.records__tags t JOIN merged.records r "
                   "ON t._dlt_parent_id = r._dlt_id ORDER BY r.id, r.name DESC, t._dlt_list_idx"),
              "1|a|x;1|a|y;2|b|z;2|B|q;2|B|r;2|B|s;3|c|w");
    EXPECT_EQ(Rows("SELECT count(*) FROM information_schema.columns WHERE table_schema = "
                   "'merged' AND column_name = '_dlt_root_id'"),
              "0");
    EXPECT_EQ(Rows("SELECT data_type FROM information_schema.columns WHERE table_schema = "
                   "'merged' AND table_name = 'records' AND column_name = '_dlt_valid_to'"),
              "TIMESTAMP WITH TIME ZONE");
    // The same extract again changes nothing.
    ASSERT_TRUE(Run(Config("scd2", false)));
    EXPECT_EQ(Rows(history), "1|a|L1|L2;2|b|L1|L2;2|B|L2|-;3|c|L2|-");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records__tags"), "7");
}

Json ReplaceConfig(const std::string& base) {
    return Json{{"pipeline_name", "merge_pipe"},
                {"dataset_name", "merged"},
                {"client", {{"base_url", base}}},
                {"resources", Json::array({Json{{"name", "records"},
                                                {"write_disposition", "replace"}}})}};
}

TEST_F(MergeScenario, ReplaceInsertFromStagingRefillsFromTheStagingDataset) {
    secrets_.env_override = {{"DESTINATION__REPLACE_STRATEGY", "insert-from-staging"}};
    api_.SetRecords(FirstRun());
    auto first = Run(ReplaceConfig(api_.base));
    ASSERT_TRUE(first) << first.error().message;
    api_.SetRecords(SecondRun());
    auto second = Run(ReplaceConfig(api_.base));
    ASSERT_TRUE(second) << second.error().message;
    EXPECT_EQ(Rows("SELECT id, name FROM merged.records ORDER BY id"), "2|B;3|c");
    EXPECT_EQ(Rows("SELECT string_agg(value, ',' ORDER BY value) FROM merged.records__tags"),
              "q,r,s,w");
    // The staged copy of the last load stays, as dlt leaves it.
    EXPECT_EQ(Rows("SELECT id FROM merged_staging.records ORDER BY id"), "2;3");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged_staging.records__tags"), "4");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records WHERE _dlt_load_id = '" +
                   second->load_ids.at(0) + "'"),
              "2");
    // An extract without rows (and no state change) makes no load package, so nothing is
    // replaced, as in dlt.
    api_.SetRecords(Json::array());
    auto empty = Run(ReplaceConfig(api_.base));
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->load_ids.empty());
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records"), "2");
}

TEST_F(MergeScenario, ReplaceStrategyDefaultTruncatesWithoutStagingAndBadValuesAreErrors) {
    api_.SetRecords(FirstRun());
    ASSERT_TRUE(Run(ReplaceConfig(api_.base)));
    api_.SetRecords(SecondRun());
    ASSERT_TRUE(Run(ReplaceConfig(api_.base)));
    EXPECT_EQ(Rows("SELECT id, name FROM merged.records ORDER BY id"), "2|B;3|c");
    EXPECT_EQ(Rows("SELECT count(*) FROM merged.records__tags"), "4");
    EXPECT_EQ(Rows("SELECT count(*) FROM information_schema.schemata WHERE schema_name = "
                   "'merged_staging'"),
              "0");
    secrets_.env_override = {{"DESTINATION__REPLACE_STRATEGY", "swap"}};
    auto bad = Run(ReplaceConfig(api_.base));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().message,
              "test.json: `destination.replace_strategy` must be truncate-and-insert, "
              "insert-from-staging or staging-optimized, got swap");
}

// The root _dlt_id of every row of the resource's root table.
std::vector<std::string> RootIds(Normalizer& n) {
    std::vector<std::string> ids;
    Table& t = n.tables().at(0);
    const size_t col = t.column_index.at("_dlt_id");
    for (const auto& row : t.rows) {
        for (const auto& [c, cell] : row) {
            if (c == col) ids.push_back(cell.text);
        }
    }
    return ids;
}

TEST(MergeIds, KeyHashAndRowHashOnJsonAndRawRows) {
    const std::string body = R"([{"id": 1, "name": "a", "tags": ["x", "y"]}, {"name": "a", "id": 1}])";
    std::optional<JsonPath> selector;
    Json skeleton;
    RawRecordsPtr raw = ParseRawPage(body, selector, &skeleton);
    ASSERT_NE(raw, nullptr);
    std::vector<Json> rows = RawToJson(*raw);
    ResourceConfig res;
    res.name = "records";
    res.write_disposition = "merge";
    res.primary_key = {"id"};
    // SHAKE-128 (10 bytes, base64) of {"id":1}, {"id":1,"name":"a","tags":["x","y"]} and
    // {"id":1,"name":"a"} (keys sorted), computed independently.
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"upsert", {kId1, kId1}},
        {"insert-only", {kId1, kId1}},
        {"scd2", {"vyO6DMrO2p4mGQ", "swX5JrcV4/PVUA"}}};
    for (const auto& [strategy, want] : cases) {
        res.merge_strategy = strategy;
        Normalizer from_json("1700000000.1");
        from_json.AddResource(res, rows);
        Normalizer from_raw("1700000000.1");
        from_raw.AddResourceRaw(res, *raw);
        EXPECT_EQ(RootIds(from_json), want) << strategy;
        EXPECT_EQ(RootIds(from_raw), want) << strategy;
    }
    // delete-insert keeps random ids.
    res.merge_strategy = "delete-insert";
    Normalizer random("1700000000.1");
    random.AddResource(res, rows);
    auto ids = RootIds(random);
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_NE(ids[0], ids[1]);
}

}  // namespace
}  // namespace oc::pipeline
