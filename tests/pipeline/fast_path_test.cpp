// The extract/load fast path: simdjson-parsed pages normalize exactly like Json rows, the
// in-process SHAKE-128, and the ISO timestamp conversion of the DuckDB job appender.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "pipeline/digest.h"
#include "pipeline/jsonl_append.h"
#include "pipeline/normalize.h"
#include "pipeline/package_io.h"
#include "pipeline/raw_records.h"
#include "pipeline/shake128.h"
#include "pipeline/stream_load.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

TEST(Shake128, KnownVectors) {
    // base64(SHAKE-128(data)[:10]) from Python's hashlib.shake_128.
    EXPECT_EQ(ShakeBase64("", 10), "f5wrpOiPgn1hYA");
    EXPECT_EQ(ShakeBase64("The quick brown fox jumps over the lazy dog", 10), "9CAuPFhS+RgqBA");
    EXPECT_EQ(ShakeBase64(std::string(167, 'x'), 10), "3a/oL2GAREbaBw");
    EXPECT_EQ(ShakeBase64(std::string(168, 'y'), 10), "GDZwSnyGkWCn2w");
    EXPECT_EQ(ShakeBase64(std::string(400, 'z'), 10), "sM8JARuHtO9FQg");
}

TEST(Sha256, KnownVectors) {
    // FIPS 180-2 examples.
    EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Shake128, FourAtOnceMatchesOneByOne) {
    // Short inputs run in vector lanes; a 168-byte one sends all four through Shake128.
    const std::vector<std::vector<std::string>> groups = {
        {"", "a", "abc_def__lines_0", std::string(167, 'x')},
        {"p_t_1", "p_t_2", "p_t_3", std::string(168, 'y')}};
    for (const auto& g : groups) {
        std::string_view in[4] = {g[0], g[1], g[2], g[3]};
        unsigned char got[4][16];
        unsigned char* outs[4] = {got[0], got[1], got[2], got[3]};
        Shake128x4(in, outs, 16);
        for (int k = 0; k < 4; ++k) {
            unsigned char want[16];
            Shake128(g[k], want, 16);
            EXPECT_EQ(std::string(reinterpret_cast<char*>(got[k]), 16),
                      std::string(reinterpret_cast<char*>(want), 16))
                << "input " << k << " of length " << g[k].size();
        }
    }
    std::string_view in[4] = {"", "", "", ""};
    unsigned char got[4][10];
    unsigned char* outs[4] = {got[0], got[1], got[2], got[3]};
    Shake128x4(in, outs, 10);
    EXPECT_EQ(Base64(std::string_view(reinterpret_cast<char*>(got[3]), 10), false),
              "f5wrpOiPgn1hYA");
}

TEST(IsoTimestamp, Micros) {
    int64_t us = 0;
    ASSERT_TRUE(ParseIsoTimestampMicros("1970-01-01T00:00:00Z", &us));
    EXPECT_EQ(us, 0);
    ASSERT_TRUE(ParseIsoTimestampMicros("2024-02-29T12:30:15.25Z", &us));
    EXPECT_EQ(us, 1709209815250000);
    ASSERT_TRUE(ParseIsoTimestampMicros("2024-02-29 14:30:15.25+02:00", &us));
    EXPECT_EQ(us, 1709209815250000);
    ASSERT_TRUE(ParseIsoTimestampMicros("2024-02-29T07:00:15.25-0530", &us));
    EXPECT_EQ(us, 1709209815250000);
    ASSERT_TRUE(ParseIsoTimestampMicros("2021-07-24 10:51", &us));
    EXPECT_EQ(us, 1627123860000000);
    ASSERT_TRUE(ParseIsoTimestampMicros("1969-12-31T23:59:59.999999Z", &us));
    EXPECT_EQ(us, -1);
    // As DuckDB's CAST(... AS TIMESTAMPTZ): extra fraction digits truncated, 24:00 = next day.
    ASSERT_TRUE(ParseIsoTimestampMicros("2024-01-01T00:00:00.9999999Z", &us));
    EXPECT_EQ(us, 1704067200999999);
    ASSERT_TRUE(ParseIsoTimestampMicros("2024-01-01T24:00:00Z", &us));
    EXPECT_EQ(us, 1704153600000000);
    EXPECT_FALSE(ParseIsoTimestampMicros("2024-01-01T24:00:01Z", &us));
    EXPECT_FALSE(ParseIsoTimestampMicros("2024-01-01T10:00:60Z", &us));
    EXPECT_FALSE(ParseIsoTimestampMicros("2023-02-29T00:00:00Z", &us));
    EXPECT_FALSE(ParseIsoTimestampMicros("2024-13-01T00:00:00Z", &us));
    EXPECT_FALSE(ParseIsoTimestampMicros("2024-01-01T25:00:00Z", &us));
    EXPECT_FALSE(ParseIsoTimestampMicros("2024-01-01", &us));
}

// Every table's schema and jsonl rows.
std::string Dump(Normalizer& n) {
    std::string out;
    for (const Table& t : n.tables()) {
        out += t.name + " <" + t.parent + "," + t.root + ">:";
        for (const Column& c : t.columns) out += " " + c.name + ":" + DltTypeName(c.type);
        out += "\n";
        AppendTableRows(out, t);
    }
    return out;
}

TEST(RawRecords, NormalizeLikeJsonRows) {
    const std::string body = R"({"meta": {"next": "http://x/2", "total": 3},
      "data": [
        {"_dlt_id": "r1", "id": 1, "userName": "a", "price": 1.5, "ok": true,
         "at": "2024-01-01T00:00:00Z",
         "big": 18446744073709551615, "neg": -7, "nested": {"deepKey": {"x": 1}, "n": null},
         "tags": ["a", "b"], "grid": [[1, 2], [3]],
         "items": [{"sku": "s", "qty": 2, "sub": [{"k": 1}]}],
         "empty": {}, "none": null, "esc": "q\"\\\n\u00e9"},
        {"_dlt_id": "r2", "id": "two", "price": 3, "ok": "yes", "at": "not a time", "tags": []},
        {"_dlt_id": "r3", "id": 3.0, "userName": 5, "nested": {"deepKey": "flat"}}
      ]})";
    std::optional<JsonPath> selector;
    Json skeleton;
    RawRecordsPtr raw = ParseRawPage(body, selector, &skeleton);
    ASSERT_NE(raw, nullptr);
    ASSERT_TRUE(selector.has_value());
    EXPECT_EQ(selector->text, "data");
    EXPECT_EQ(RawCount(*raw), 3u);
    EXPECT_EQ(skeleton, Json::parse(R"({"meta": {"next": "http://x/2", "total": 3}, "data": []})"));

    auto parsed = ParseJson(body);
    ASSERT_TRUE(parsed);
    std::vector<Json> rows = SelectRecords(*selector, *parsed);
    EXPECT_EQ(RawToJson(*raw), rows);

    // max_length 12 shortens most names on both paths; nested__deep_key__x → nesa2nvla__x
    // (computed with python3 hashlib.shake_128).
    for (size_t max_length : {size_t{0}, size_t{12}}) {
        for (int nesting : {1000, 1, 0}) {
            ResourceConfig res;
            res.name = "Items";
            res.max_table_nesting = nesting;
            Normalizer from_json("1700000000.1");
            from_json.SetMaxIdentifierLength(max_length);
            from_json.AddResource(res, rows);
            Normalizer from_raw("1700000000.1");
            from_raw.SetMaxIdentifierLength(max_length);
            from_raw.AddResourceRaw(res, *raw);
            EXPECT_EQ(Dump(from_raw), Dump(from_json))
                << "max_table_nesting " << nesting << " max_length " << max_length;
            if (max_length > 0 && nesting == 1000) {
                EXPECT_NE(Dump(from_raw).find("nesa2nvla__x"), std::string::npos)
                    << Dump(from_raw);
            }
        }
    }
    // The raw package lines parse back to the same records.
    const std::string& lines = RawLines(*raw);
    size_t start = 0, i = 0;
    for (size_t nl; (nl = lines.find('\n', start)) != std::string::npos; start = nl + 1, ++i) {
        auto line = ParseJson(lines.substr(start, nl - start));
        ASSERT_TRUE(line);
        EXPECT_EQ(*line, rows.at(i));
    }
    EXPECT_EQ(i, 3u);
}

// Lines of a page's raw records, each parsed.
std::vector<Json> ParsedLines(const std::string& lines) {
    std::vector<Json> out;
    size_t at = 0;
    while (at < lines.size()) {
        const size_t nl = lines.find('\n', at);
        out.push_back(Json::parse(lines.substr(at, nl - at)));
        at = nl + 1;
    }
    return out;
}

TEST(RawRecords, LinesAreTheRecordsSourceTextOnePerLine) {
    // With padding after the body (as fetched bodies have) the lines are cut from the source:
    // numbers keep their text (1.50), escapes stay escaped, a multi-line record is minified.
    std::string body = "{\"page\": 1, \"results\": {\"items\": [{\"a\":1.50,\"s\":\"x\\ny\\u00e9\"},\n"
                       "  {\n    \"b\": [1, 2,\n 3],\n    \"c\": {\"d\": null}\n  } ,\n"
                       "  [7, \"eight\"], 9 , \"ten\", null]}}";
    body.reserve(body.size() + 64);
    std::optional<JsonPath> selector = *ParseJsonPath("results.items");
    Json skeleton;
    RawRecordsPtr raw = ParseRawPage(body, selector, &skeleton);
    ASSERT_NE(raw, nullptr);
    ASSERT_EQ(RawCount(*raw), 6u);
    const std::string& lines = RawLines(*raw);
    EXPECT_EQ(lines,
              "{\"a\":1.50,\"s\":\"x\\ny\\u00e9\"}\n{\"b\":[1,2,3],\"c\":{\"d\":null}}\n[7, "
              "\"eight\"]\n9\n\"ten\"\nnull\n");
    EXPECT_EQ(ParsedLines(lines), RawToJson(*raw));
    // Without that padding the records are serialized from the parsed page: the same values.
    std::string tight = body;
    tight.shrink_to_fit();
    if (tight.capacity() - tight.size() < 64) {
        RawRecordsPtr again = ParseRawPage(tight, selector, &skeleton);
        ASSERT_NE(again, nullptr);
        EXPECT_NE(RawLines(*again), lines);
        EXPECT_EQ(ParsedLines(RawLines(*again)), RawToJson(*raw));
    }
}

TEST(RawRecords, FallsBackWhenNotAPlainList) {
    std::optional<JsonPath> selector;
    Json skeleton;
    EXPECT_EQ(ParseRawPage("not json", selector, &skeleton), nullptr);
    auto p = ParseJsonPath("data[*].x");
    ASSERT_TRUE(p);
    selector = *p;
    EXPECT_EQ(ParseRawPage(R"({"data": [{"x": [1]}]})", selector, &skeleton), nullptr);
    selector.reset();
    RawRecordsPtr top = ParseRawPage(R"([{"a": 1}, 2])", selector, &skeleton);
    ASSERT_NE(top, nullptr);
    EXPECT_EQ(selector->text, "$");
    EXPECT_EQ(RawCount(*top), 2u);
    EXPECT_EQ(skeleton, Json::array());
}

TEST(JsonlAppend, TypedColumnsNullsAndErrors) {
    auto db = store::Database::Open(":memory:");
    ASSERT_TRUE(db);
    auto conn = (*db)->Connect();
    ASSERT_TRUE(conn);
    store::Connection& c = **conn;
    ASSERT_TRUE(c.Execute("SET TimeZone = 'UTC'"));
    ASSERT_TRUE(c.Execute("CREATE TABLE t (s VARCHAR, i BIGINT, d DOUBLE, b BOOLEAN, "
                          "ts TIMESTAMP WITH TIME ZONE, j JSON, extra VARCHAR)"));
    const std::vector<std::string> cols = {"s", "i", "d", "b", "ts", "j", "extra"};
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("oc_jsonl_append_" + std::to_string(::getpid()) + ".jsonl"))
                                 .string();
    {
        std::ofstream out(path);
        out << R"({"s":"a\"b","i":-5,"d":1.5,"b":true,"ts":"2024-01-01T10:00:00+02:00",)"
               R"("j":{"k":[1,2]}})" "\n";
        out << R"({"j":"txt","i":9223372036854775807,"d":3})" "\n";
        for (int r = 0; r < 3000; ++r) out << "{\"i\":" << r << "}\n";  // more than one chunk
    }
    auto done = AppendJsonlJob(c.raw(), "main", "t", cols, path, true);
    ASSERT_TRUE(done) << done.error().message;
    EXPECT_EQ(*done, AppendOutcome::kLoaded);
    auto rows = c.Query("SELECT s, i, d, b, epoch_us(ts), j::VARCHAR, extra IS NULL FROM t "
                        "ORDER BY rowid LIMIT 2");
    ASSERT_TRUE(rows);
    EXPECT_EQ((*rows)->GetString(0, 0), "a\"b");
    EXPECT_EQ((*rows)->GetInt64(1, 0), -5);
    EXPECT_EQ((*rows)->GetString(2, 0), "1.5");
    EXPECT_EQ((*rows)->GetString(3, 0), "true");
    EXPECT_EQ((*rows)->GetInt64(4, 0), 1704096000000000);
    EXPECT_EQ((*rows)->GetString(5, 0), R"({"k":[1,2]})");
    EXPECT_EQ((*rows)->GetString(6, 0), "true");
    EXPECT_EQ((*rows)->GetString(5, 1), R"("txt")");
    EXPECT_EQ((*rows)->GetInt64(1, 1), INT64_MAX);
    EXPECT_EQ((*rows)->GetString(2, 1), "3.0");
    EXPECT_TRUE((*rows)->IsNull(0, 1));
    auto count = c.Query("SELECT count(*), sum(i) FILTER (WHERE s IS NULL AND j IS NULL) FROM t");
    ASSERT_TRUE(count);
    EXPECT_EQ((*count)->GetInt64(0, 0), 3002);
    EXPECT_EQ((*count)->GetInt64(1, 0), 2999 * 3000 / 2);

    // A value of the wrong type fails the job; a table type this path lacks is handed back.
    { std::ofstream(path) << R"({"i":"x"})" "\n"; }
    auto bad = AppendJsonlJob(c.raw(), "main", "t", cols, path, true);
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("column `i`"), std::string::npos) << bad.error().message;
    { std::ofstream(path) << R"({"i":1})" "\n" R"({"nope":1})" "\n"; }
    auto unknown = AppendJsonlJob(c.raw(), "main", "t", cols, path, true);
    ASSERT_FALSE(unknown);
    EXPECT_NE(unknown.error().message.find("row 2 of the job: column `nope` is not in the table"),
              std::string::npos)
        << unknown.error().message;
    { std::ofstream(path) << "{\"i\": 1\n"; }
    auto broken = AppendJsonlJob(c.raw(), "main", "t", cols, path, true);
    ASSERT_FALSE(broken);
    EXPECT_NE(broken.error().message.find("row 1 of the job: not valid jsonl"), std::string::npos)
        << broken.error().message;
    // A line longer than one 8 MB read block is carried over to the next block.
    {
        std::ofstream out(path);
        out << R"({"i":7,"s":")" << std::string(9u << 20, 'x') << "\"}\n" << R"({"i":8})" "\n";
    }
    ASSERT_TRUE(c.Execute("DELETE FROM t"));
    auto long_line = AppendJsonlJob(c.raw(), "main", "t", cols, path, true);
    ASSERT_TRUE(long_line) << long_line.error().message;
    auto lens = c.Query("SELECT i, length(s) FROM t ORDER BY i");
    ASSERT_TRUE(lens);
    ASSERT_EQ((*lens)->RowCount(), 2u);
    EXPECT_EQ((*lens)->GetInt64(1, 0), int64_t{9} << 20);
    EXPECT_EQ((*lens)->GetInt64(0, 1), 8);
    ASSERT_TRUE(c.Execute("CREATE TABLE u (n INTEGER)"));
    auto other = AppendJsonlJob(c.raw(), "main", "u", {"n"}, path, true);
    ASSERT_TRUE(other);
    EXPECT_EQ(*other, AppendOutcome::kUnsupported);
    auto tz = AppendJsonlJob(c.raw(), "main", "t", cols, path, false);  // timestamps, not UTC
    ASSERT_TRUE(tz);
    EXPECT_EQ(*tz, AppendOutcome::kUnsupported);
    std::filesystem::remove(path);
}

// ---- StreamingLoad (stream_load.h) with a scripted destination ----

struct ScriptedLoad {
    std::vector<std::string> loaded;  // "table:rows"
    int fail_at = -1;                 // batch index whose load fails
    int commits = 0, abandons = 0;
    StreamingLoadOps Ops() {
        StreamingLoadOps ops;
        ops.load = [this](const LoadBatch& b) -> Status {
            if (static_cast<int>(loaded.size()) == fail_at)
                return MakeError(ErrorCode::kInternal, "batch rejected");
            loaded.push_back(b.table.name + ":" + std::to_string(b.rows) + ":" + b.jsonl);
            return {};
        };
        ops.commit = [this](const NormalizedPackage&) -> Status {
            ++commits;
            return {};
        };
        ops.abandon = [this] { ++abandons; };
        return ops;
    }
};

NormalizedPackage PackageOf(std::vector<std::pair<std::string, size_t>> tables) {
    NormalizedPackage p;
    for (auto& [name, rows] : tables) {
        PackageTable t;
        t.table.name = name;
        t.rows = rows;
        p.tables.push_back(t);
    }
    return p;
}

TEST(StreamingLoad, LoadsBatchesInOrderThenCommits) {
    ScriptedLoad dest;
    Table a, b;
    a.name = "a";
    b.name = "b";
    {
        StreamingLoad load(dest.Ops(), 8);  // tiny bound: Add waits for the loader
        for (int i = 0; i < 20; ++i) load.Add(i % 2 ? b : a, "r" + std::to_string(i), 1);
        EXPECT_TRUE(load.Commit(PackageOf({{"a", 10}, {"b", 10}, {"empty", 0}})));
    }
    ASSERT_EQ(dest.loaded.size(), 20u);
    EXPECT_EQ(dest.loaded[0], "a:1:r0");
    EXPECT_EQ(dest.loaded[19], "b:1:r19");
    EXPECT_EQ(dest.commits, 1);
    EXPECT_EQ(dest.abandons, 0);
}

TEST(StreamingLoad, AFailedBatchGivesUpAndAbandonsOnce) {
    ScriptedLoad dest;
    dest.fail_at = 1;
    Table a;
    a.name = "a";
    {
        StreamingLoad load(dest.Ops(), 1 << 20);
        for (int i = 0; i < 5; ++i) load.Add(a, "r", 1);
        load.Close();
        EXPECT_EQ(dest.abandons, 1);  // rolled back before the caller uses the connection
        EXPECT_FALSE(load.Commit(PackageOf({{"a", 5}})));
        EXPECT_EQ(load.error(), "batch rejected");
    }
    EXPECT_EQ(dest.loaded.size(), 1u);  // nothing after the failure
    EXPECT_EQ(dest.commits, 0);
    EXPECT_EQ(dest.abandons, 1);
}

TEST(StreamingLoad, JobFilesGetEveryBatchInOrderAlsoAfterTheLoaderGaveUp) {
    const std::string path =
        (std::filesystem::temp_directory_path() / ("oc_stream_" + std::to_string(getpid()) + ".jsonl"))
            .string();
    auto file = JobWriter::Create(path);
    ASSERT_TRUE(file) << file.error().message;
    ScriptedLoad dest;
    dest.fail_at = 2;
    Table a;
    a.name = "a";
    std::string want;
    {
        StreamingLoad load(dest.Ops(), 16);  // small bound: batches wait for the loader
        for (int i = 0; i < 40; ++i) {
            const std::string line = "{\"i\":" + std::to_string(i) + "}\n";
            want += line;
            load.Add(a, line, 1, file->get());
        }
        load.Close();
        EXPECT_EQ(load.write_error(), "");
        EXPECT_FALSE(load.Commit(PackageOf({{"a", 40}})));
    }
    ASSERT_TRUE((*file)->Close());
    EXPECT_EQ(dest.loaded.size(), 2u);
    EXPECT_EQ(dest.abandons, 1);
    std::ifstream in(path, std::ios::binary);
    std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(got, want);
    std::filesystem::remove(path);
}

TEST(StreamingLoad, AFailedJobFileWriteIsReported) {
    auto file = JobWriter::Create("/dev/full");  // every write fails with ENOSPC
    ASSERT_TRUE(file) << file.error().message;
    EXPECT_FALSE((*file)->Write("direct\n"));
    ScriptedLoad dest;
    Table a;
    a.name = "a";
    StreamingLoad load(dest.Ops(), 1 << 20);
    load.Add(a, "{\"i\":1}\n", 1, file->get());
    load.Close();
    EXPECT_EQ(load.write_error(), "cannot write /dev/full");
    EXPECT_EQ(dest.loaded.size(), 1u);  // the load itself went on
}

TEST(StreamingLoad, RowCountsMustMatchThePackage) {
    ScriptedLoad dest;
    Table a;
    a.name = "a";
    {
        StreamingLoad load(dest.Ops(), 1 << 20);
        load.Add(a, "r", 3);
        EXPECT_FALSE(load.Commit(PackageOf({{"a", 4}})));
        EXPECT_EQ(load.error(), "table a: 3 of 4 rows streamed");
    }
    EXPECT_EQ(dest.commits, 0);
    EXPECT_EQ(dest.abandons, 1);
}

TEST(StreamingLoad, DroppedWithoutCommitAbandons) {
    ScriptedLoad dest;
    Table a;
    a.name = "a";
    { StreamingLoad(dest.Ops(), 1 << 20).Add(a, "r", 1); }
    EXPECT_EQ(dest.commits, 0);
    EXPECT_EQ(dest.abandons, 1);
}

}  // namespace
}  // namespace oc::pipeline
