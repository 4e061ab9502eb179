// Rendering of every DuckDB type in reference sql-api.md §2.11 against exact wire strings, using a
// real in-memory DuckDB.
#include "store/result_set.h"

#include <gtest/gtest.h>

#include "store/duckdb/connection.h"

namespace oc::store {
namespace {

class ResultSetTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto db = Database::Open(":memory:");
        ASSERT_TRUE(db) << db.error().message;
        db_ = std::move(*db);
        auto conn = db_->Connect();
        ASSERT_TRUE(conn);
        conn_ = std::move(*conn);
    }

    RenderedResult Render(const std::string& sql) {
        auto result = conn_->Query(sql);
        EXPECT_TRUE(result) << sql << ": " << result.error().message;
        if (!result) return {};
        auto rendered = RenderRows(**result, size_t{1} << 30);
        EXPECT_TRUE(rendered) << sql << ": " << rendered.error().message;
        return rendered ? std::move(*rendered) : RenderedResult{};
    }

    // The single cell of a one-row, one-column query.
    Cell One(const std::string& sql) {
        RenderedResult r = Render(sql);
        if (r.rows.size() != 1 || r.rows[0].size() != 1) {
            ADD_FAILURE() << sql << ": expected one cell";
            return std::nullopt;
        }
        return r.rows[0][0];
    }

    std::string TypeOf(const std::string& sql) { return Render(sql).row_type[0]["type"].get<std::string>(); }

    std::unique_ptr<Database> db_;
    std::unique_ptr<Connection> conn_;
};

struct Case {
    const char* expr;
    const char* type;
    const char* text;
};

TEST_F(ResultSetTest, EveryScalarTypeRendersExactly) {
    const Case cases[] = {
        {"true", "boolean", "true"},
        {"false", "boolean", "false"},
        {"(-5)::TINYINT", "fixed", "-5"},
        {"(-32768)::SMALLINT", "fixed", "-32768"},
        {"2147483647::INTEGER", "fixed", "2147483647"},
        {"(-9223372036854775808)::BIGINT", "fixed", "-9223372036854775808"},
        {"255::UTINYINT", "fixed", "255"},
        {"65535::USMALLINT", "fixed", "65535"},
        {"4294967295::UINTEGER", "fixed", "4294967295"},
        {"18446744073709551615::UBIGINT", "fixed", "18446744073709551615"},
        {"'-170141183460469231731687303715884105728'::HUGEINT", "fixed",
         "-170141183460469231731687303715884105728"},
        {"'170141183460469231731687303715884105727'::HUGEINT", "fixed",
         "170141183460469231731687303715884105727"},
        {"'340282366920938463463374607431768211455'::UHUGEINT", "fixed",
         "340282366920938463463374607431768211455"},
        {"1.25::DECIMAL(3,2)", "fixed", "1.25"},
        {"(-0.05)::DECIMAL(4,2)", "fixed", "-0.05"},
        {"123.4::DECIMAL(4,1)", "fixed", "123.4"},
        {"7::DECIMAL(3,0)", "fixed", "7"},
        {"250::DECIMAL(12,2)", "fixed", "250.00"},
        {"(-3.1)::DECIMAL(9,2)", "fixed", "-3.10"},
        {"12345678901234.5678::DECIMAL(18,4)", "fixed", "12345678901234.5678"},
        {"'-1234567890123456789012345678.0123456789'::DECIMAL(38,10)", "fixed",
         "-1234567890123456789012345678.0123456789"},
        {"1.5::FLOAT", "real", "1.5"},
        {"0.1::FLOAT", "real", "0.1"},
        {"0.1::DOUBLE", "real", "0.1"},
        {"3.0::DOUBLE", "real", "3"},
        {"1e20::DOUBLE", "real", "1e+20"},
        {"1.7976931348623157e308::DOUBLE", "real", "1.7976931348623157e+308"},
        {"'nan'::DOUBLE", "real", "NaN"},
        {"'inf'::DOUBLE", "real", "inf"},
        {"'-inf'::DOUBLE", "real", "-inf"},
        {"'Ada'", "text", "Ada"},
        {"'a string longer than twelve bytes, héllo'", "text", "a string longer than twelve bytes, héllo"},
        {"'{\"a\": 1}'::JSON", "variant", "{\"a\": 1}"},
        {"'\\xAA\\xBB\\x01'::BLOB", "binary", "AABB01"},
        {"'opencortex'::BLOB", "binary", "6F70656E636F72746578"},
        {"DATE '2024-03-05'", "date", "19787"},
        {"DATE '1969-12-31'", "date", "-1"},
        {"TIME '13:45:07.5'", "time", "49507.500000000"},
        {"TIME '00:00:00'", "time", "0.000000000"},
        {"TIMESTAMP '2024-03-05 10:15:30.25'", "timestamp_ntz", "1709633730.250000000"},
        {"TIMESTAMP '1969-12-31 23:59:59.5'", "timestamp_ntz", "-0.500000000"},
        {"TIMESTAMP_S '2024-03-05 10:15:30'", "timestamp_ntz", "1709633730.000000000"},
        {"TIMESTAMP_MS '2024-03-05 10:15:30.25'", "timestamp_ntz", "1709633730.250000000"},
        {"TIMESTAMP_NS '2024-03-05 10:15:30.123456789'", "timestamp_ntz", "1709633730.123456789"},
        {"TIMESTAMPTZ '2024-03-05 10:15:30.25+01'", "timestamp_ltz", "1709630130.250000000"},
        {"'12:34:56+02'::TIMETZ", "text", "12:34:56+02"},
        {"INTERVAL '1 year 2 months 3 days 04:05:06.789'", "text", "1 year 2 months 3 days 04:05:06.789"},
        {"'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::UUID", "text", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
        {"'00000000-0000-0000-0000-000000000001'::UUID", "text", "00000000-0000-0000-0000-000000000001"},
        {"'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID", "text", "ffffffff-ffff-ffff-ffff-ffffffffffff"},
        {"'0101011'::BIT", "text", "0101011"},
        {"'123456789012345678901234567890123456789012'::BIGNUM", "text",
         "123456789012345678901234567890123456789012"},
        {"(-256)::BIGNUM", "text", "-256"},
        {"0::BIGNUM", "text", "0"},
    };
    for (const Case& c : cases) {
        RenderedResult r = Render(std::string("SELECT ") + c.expr);
        ASSERT_EQ(r.rows.size(), 1u) << c.expr;
        EXPECT_EQ(r.row_type[0]["type"], c.type) << c.expr;
        EXPECT_EQ(r.rows[0][0], std::optional<std::string>(c.text)) << c.expr;
    }
}

TEST_F(ResultSetTest, TextTypesMatchDuckDbVarcharCast) {
    const char* exprs[] = {
        "INTERVAL 14 MONTH", "INTERVAL 1 DAY", "-INTERVAL '3 days 04:05:06'", "INTERVAL 0 SECOND",
        "INTERVAL '27 hours'", "'12:34:56.5-05:30'::TIMETZ", "'000000001'::BIT",
        "(-5)::BIGNUM", "'-98765432109876543210987654321'::BIGNUM",
    };
    for (const char* e : exprs) {
        RenderedResult r = Render(std::string("SELECT ") + e + ", (" + e + ")::VARCHAR");
        ASSERT_EQ(r.rows.size(), 1u) << e;
        EXPECT_EQ(r.rows[0][0], r.rows[0][1]) << e;
    }
}

TEST_F(ResultSetTest, EnumRendersItsLabel) {
    ASSERT_TRUE(conn_->Execute("CREATE TYPE mood AS ENUM ('sad', 'happy')"));
    EXPECT_EQ(One("SELECT 'happy'::mood"), "happy");
    EXPECT_EQ(TypeOf("SELECT 'sad'::mood"), "text");
}

TEST_F(ResultSetTest, NestedTypesRenderAsCompactJson) {
    const Case cases[] = {
        {"[1, 2, NULL]", "array", "[1,2,null]"},
        {"[1, 2, 3]::INTEGER[3]", "array", "[1,2,3]"},
        {"['a\"b', 'c\\d']", "array", "[\"a\\\"b\",\"c\\\\d\"]"},
        {"{'a': 1, 'b': 'x'}", "object", "{\"a\":1,\"b\":\"x\"}"},
        {"MAP {'k': 1.5::DOUBLE}", "object", "{\"k\":1.5}"},
        {"MAP {1: 'a', 2: NULL}", "object", "{\"1\":\"a\",\"2\":null}"},
        {"union_value(num := 2)::UNION(num INTEGER, str VARCHAR)", "variant", "2"},
        {"[DATE '2024-01-01', NULL]", "array", "[\"2024-01-01\",null]"},
        {"{'t': TIMESTAMP '2024-03-05 10:15:30.25', 'd': 12.50::DECIMAL(5,2)}", "object",
         "{\"t\":\"2024-03-05 10:15:30.25\",\"d\":12.50}"},
        {"{'z': TIMESTAMPTZ '2024-03-05 10:15:30.25+01', 'b': '\\x01'::BLOB}", "object",
         "{\"z\":\"2024-03-05 09:15:30.25+00\",\"b\":\"01\"}"},
        {"[[1], [], [2, 3]]", "array", "[[1],[],[2,3]]"},
        {"[{'j': '{\"x\":1}'::JSON}]", "array", "[{\"j\":{\"x\":1}}]"},
        {"[CAST('nan'::DOUBLE AS VARCHAR), 'x']", "array", "[\"nan\",\"x\"]"},
        {"[DATE '-0044-03-15']", "array", "[\"0045-03-15 (BC)\"]"},
    };
    for (const Case& c : cases) {
        RenderedResult r = Render(std::string("SELECT ") + c.expr);
        ASSERT_EQ(r.rows.size(), 1u) << c.expr;
        EXPECT_EQ(r.row_type[0]["type"], c.type) << c.expr;
        EXPECT_EQ(r.rows[0][0], std::optional<std::string>(c.text)) << c.expr;
    }
}

TEST_F(ResultSetTest, NullsAreNulloptInEveryType) {
    RenderedResult r = Render(
        "SELECT NULL::INTEGER, NULL::DECIMAL(38,2), NULL::VARCHAR, NULL::DATE, NULL::TIMESTAMP, "
        "NULL::INTEGER[], NULL::STRUCT(a INT), NULL::BLOB, NULL");
    ASSERT_EQ(r.rows.size(), 1u);
    for (const Cell& cell : r.rows[0]) EXPECT_FALSE(cell.has_value());  // a bare NULL is INTEGER to DuckDB
}

TEST_F(ResultSetTest, RowTypeHasAllElevenKeys) {
    RenderedResult r = Render("SELECT 250::DECIMAL(12,2) AS total, 'x' AS name, TIMESTAMP '2024-01-01' AS ts");
    EXPECT_EQ(DumpJson(r.row_type[0]),
              R"({"name":"total","database":"","schema":"","table":"","nullable":true,"byteLength":null,)"
              R"("length":null,"type":"fixed","scale":2,"precision":12,"collation":null})");
    EXPECT_EQ(DumpJson(r.row_type[1]),
              R"({"name":"name","database":"","schema":"","table":"","nullable":true,"byteLength":16777216,)"
              R"("length":16777216,"type":"text","scale":null,"precision":null,"collation":null})");
    EXPECT_EQ(r.row_type[2]["scale"], 9);
    EXPECT_EQ(r.row_type[2]["precision"], 0);
    EXPECT_EQ(Render("SELECT 1::BIGINT").row_type[0]["precision"], 38);
    EXPECT_EQ(Render("SELECT 'a'::BLOB").row_type[0]["length"], 8388608);
}

TEST_F(ResultSetTest, ColumnNamesAreKeptAsDuckDbReturnsThem) {
    RenderedResult r = Render("SELECT 1 AS \"MixedCase\", 2 AS lower_name, count(*) FROM range(3)");
    EXPECT_EQ(r.row_type[0]["name"], "MixedCase");
    EXPECT_EQ(r.row_type[1]["name"], "lower_name");
    EXPECT_EQ(r.row_type[2]["name"], "count_star()");
}

TEST_F(ResultSetTest, ManyChunksAreAllRead) {
    RenderedResult r = Render("SELECT range AS i, range % 3 = 0 AS b FROM range(5000)");
    ASSERT_EQ(r.rows.size(), 5000u);
    EXPECT_EQ(r.rows[4999][0], "4999");
    EXPECT_EQ(r.rows[3][1], "true");
}

TEST_F(ResultSetTest, ConstantAndRepeatedValuesAcrossChunks) {
    RenderedResult r = Render("SELECT 'x' AS s, [1, 2] AS l, {'k': range} AS st FROM range(3000)");
    ASSERT_EQ(r.rows.size(), 3000u);
    EXPECT_EQ(r.rows[2999], (Row{"x", "[1,2]", "{\"k\":2999}"}));
}

TEST_F(ResultSetTest, InfiniteTimestampFails) {
    auto result = conn_->Query("SELECT '-infinity'::TIMESTAMP");
    ASSERT_TRUE(result);
    auto rendered = RenderRows(**result, 1 << 20);
    ASSERT_FALSE(rendered);
    EXPECT_EQ(rendered.error().wire_code, "100040");
}

TEST_F(ResultSetTest, InfiniteDateFails) {
    auto result = conn_->Query("SELECT 'infinity'::DATE");
    ASSERT_TRUE(result);
    auto rendered = RenderRows(**result, 1 << 20);
    ASSERT_FALSE(rendered);
    EXPECT_EQ(rendered.error().wire_code, "100040");
    EXPECT_EQ(rendered.error().message, "Date out of range: DuckDB infinity has no Snowflake equivalent");
}

TEST_F(ResultSetTest, ResultPastByteLimitFails) {
    auto result = conn_->Query("SELECT repeat('x', 100) FROM range(100)");
    ASSERT_TRUE(result);
    auto rendered = RenderRows(**result, 1000);
    ASSERT_FALSE(rendered);
    EXPECT_EQ(rendered.error().code, ErrorCode::kResourceExhausted);
    EXPECT_EQ(rendered.error().wire_code, "391908");
}

TEST(ResultShapes, InsertCountHasStats) {
    RenderedResult r = RenderRowCount(ResultShape::kInserted, 3);
    EXPECT_EQ(DumpJson(r.row_type),
              R"([{"name":"number of rows inserted","database":"","schema":"","table":"","nullable":false,)"
              R"("byteLength":null,"length":null,"type":"fixed","scale":0,"precision":19,"collation":null}])");
    EXPECT_EQ(r.rows, std::vector<Row>({Row{std::string("3")}}));
    EXPECT_EQ(DumpJson(r.stats), R"({"numRowsInserted":3})");
}

TEST(ResultShapes, UpdateHasTwoCountColumns) {
    RenderedResult r = RenderRowCount(ResultShape::kUpdated, 2);
    ASSERT_EQ(r.row_type.size(), 2u);
    EXPECT_EQ(r.row_type[1]["name"], "number of multi-joined rows updated");
    EXPECT_EQ(r.rows, std::vector<Row>({Row{std::string("2"), std::string("0")}}));
    EXPECT_EQ(DumpJson(r.stats), R"({"numRowsUpdated":2})");
}

TEST(ResultShapes, StatusIsOneTextColumn) {
    RenderedResult r = RenderStatus("status", "Table T successfully created.", true);
    EXPECT_EQ(r.row_type[0]["name"], "status");
    EXPECT_EQ(r.row_type[0]["type"], "text");
    EXPECT_EQ(r.rows, std::vector<Row>({Row{std::string("Table T successfully created.")}}));
    EXPECT_TRUE(r.stats.is_null());
}

}  // namespace
}  // namespace oc::store
