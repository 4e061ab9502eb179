// The Vega-Lite chart builder: each spec is serialised and parsed back as a client would, then
// checked for the v5 schema, the mark that fits the column types, and encodings whose fields
// exist in every data value.
#include "runtime/chart_spec.h"

#include <gtest/gtest.h>

namespace oc::runtime {
namespace {

Json Column(const std::string& name, const std::string& type, int scale = 0) {
    return Json::object({{"name", name}, {"type", type}, {"scale", scale}, {"nullable", true}});
}

Json ResultSet(Json row_type, Json data) {
    Json meta = {{"partition", 0}, {"numRows", data.size()}, {"format", "jsonv2"}, {"rowType", row_type}};
    return Json::object({{"statementHandle", "q1"}, {"resultSetMetaData", meta}, {"data", data}});
}

// Round trip through the chart_spec string of the event.
Json Parsed(const std::optional<Json>& spec) {
    EXPECT_TRUE(spec.has_value());
    if (!spec) return Json();
    auto parsed = ParseJson(DumpJson(*spec));
    EXPECT_TRUE(parsed.has_value());
    return parsed ? *parsed : Json();
}

std::string Unescape(const std::string& field) {
    std::string out;
    for (size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\\' && i + 1 < field.size()) ++i;
        out += field[i];
    }
    return out;
}

// Every encoding channel names a field present in every data value; returns the mark type.
std::string CheckSpec(const Json& spec) {
    EXPECT_EQ(spec["$schema"], "https://vega.github.io/schema/vega-lite/v5.json");
    const Json& values = spec["data"]["values"];
    EXPECT_TRUE(values.is_array());
    EXPECT_FALSE(values.empty());
    for (auto it = spec["encoding"].begin(); it != spec["encoding"].end(); ++it) {
        std::string field = Unescape(it.value()["field"].get<std::string>());
        for (const Json& v : values) EXPECT_TRUE(v.contains(field)) << it.key() << " " << field << " in " << v.dump();
    }
    return spec["mark"]["type"].get<std::string>();
}

TEST(ChartSpec, TextAndNumberMakeASortedBarChartWithNumbersAsNumbers) {
    Json rs = ResultSet(Json::array({Column("REGION", "text"), Column("REVENUE", "fixed", 2)}),
                        Json::array({Json::array({"Europe", "1200.50"}), Json::array({"Asia Pacific", "950.00"}),
                                     Json::array({"Latin America", nullptr})}));
    Json spec = Parsed(BuildChartSpec(rs, "Revenue by region"));
    EXPECT_EQ(CheckSpec(spec), "bar");
    EXPECT_EQ(spec["title"], "Revenue by region");
    EXPECT_EQ(spec["encoding"]["x"]["type"], "nominal");
    EXPECT_EQ(spec["encoding"]["x"]["field"], "REGION");
    EXPECT_EQ(spec["encoding"]["x"]["sort"], "-y");
    EXPECT_EQ(spec["encoding"]["y"]["type"], "quantitative");
    EXPECT_EQ(spec["encoding"]["y"]["field"], "REVENUE");
    ASSERT_EQ(spec["data"]["values"].size(), 3u);
    EXPECT_DOUBLE_EQ(spec["data"]["values"][0]["REVENUE"].get<double>(), 1200.5);
    EXPECT_EQ(spec["data"]["values"][1]["REGION"], "Asia Pacific");
    EXPECT_TRUE(spec["data"]["values"][2]["REVENUE"].is_null());
}

TEST(ChartSpec, DateAndNumberMakeALineChartWithIsoDates) {
    // The SQL API sends dates as days since the epoch: 19723 = 2024-01-01, 19724 = 2024-01-02.
    Json rs = ResultSet(Json::array({Column("ORDER_DATE", "date"), Column("ORDERS", "fixed")}),
                        Json::array({Json::array({"19723", "12"}), Json::array({"19724", "15"}),
                                     Json::array({"-1", "3"})}));
    Json spec = Parsed(BuildChartSpec(rs, ""));
    EXPECT_EQ(CheckSpec(spec), "line");
    EXPECT_FALSE(spec.contains("title"));
    EXPECT_EQ(spec["encoding"]["x"]["type"], "temporal");
    EXPECT_EQ(spec["encoding"]["y"]["type"], "quantitative");
    EXPECT_EQ(spec["data"]["values"][0]["ORDER_DATE"], "2024-01-01");
    EXPECT_EQ(spec["data"]["values"][1]["ORDER_DATE"], "2024-01-02");
    EXPECT_EQ(spec["data"]["values"][2]["ORDER_DATE"], "1969-12-31");
    EXPECT_EQ(spec["data"]["values"][1]["ORDERS"], 15);  // integer stays an integer
}

TEST(ChartSpec, TimestampLineIsColouredByATextColumn) {
    Json rs = ResultSet(Json::array({Column("REGION", "text"), Column("AT", "timestamp_ntz"),
                                     Column("AMOUNT", "real")}),
                        Json::array({Json::array({"Europe", "1700000000.000000000", "1.5"}),
                                     Json::array({"Asia", "1700003600.500000000", "2.5"})}));
    Json spec = Parsed(BuildChartSpec(rs, "t"));
    EXPECT_EQ(CheckSpec(spec), "line");
    EXPECT_EQ(spec["encoding"]["x"]["field"], "AT");
    EXPECT_EQ(spec["encoding"]["color"]["field"], "REGION");
    EXPECT_EQ(spec["encoding"]["color"]["type"], "nominal");
    EXPECT_EQ(spec["data"]["values"][0]["AT"], "2023-11-14T22:13:20");
    EXPECT_EQ(spec["data"]["values"][1]["AT"], "2023-11-14T23:13:20");
}

TEST(ChartSpec, TwoNumbersMakeAScatterPlot) {
    Json rs = ResultSet(Json::array({Column("PRICE", "fixed", 2), Column("UNITS", "fixed")}),
                        Json::array({Json::array({"9.99", "100"}), Json::array({"19.99", "40"})}));
    Json spec = Parsed(BuildChartSpec(rs, "Price vs units"));
    EXPECT_EQ(CheckSpec(spec), "point");
    EXPECT_EQ(spec["encoding"]["x"]["type"], "quantitative");
    EXPECT_EQ(spec["encoding"]["y"]["type"], "quantitative");
    EXPECT_EQ(spec["encoding"]["x"]["field"], "PRICE");
    EXPECT_EQ(spec["encoding"]["y"]["field"], "UNITS");
    EXPECT_DOUBLE_EQ(spec["data"]["values"][1]["PRICE"].get<double>(), 19.99);
}

TEST(ChartSpec, DottedColumnNamesAreEscapedInEncodings) {
    Json rs = ResultSet(Json::array({Column("c.region", "text"), Column("sum(o.amount)", "fixed")}),
                        Json::array({Json::array({"a", "1"}), Json::array({"b", "2"})}));
    Json spec = Parsed(BuildChartSpec(rs, ""));
    EXPECT_EQ(CheckSpec(spec), "bar");
    EXPECT_EQ(spec["encoding"]["x"]["field"], "c\\.region");
    EXPECT_EQ(spec["encoding"]["y"]["field"], "sum(o\\.amount)");
    EXPECT_EQ(spec["encoding"]["y"]["title"], "sum(o.amount)");
}

TEST(ChartSpec, NoChartWhenTheColumnsDoNotSuitOne) {
    auto none = [](Json row_type, Json data) { return !BuildChartSpec(ResultSet(row_type, data), "").has_value(); };
    // A single number.
    EXPECT_TRUE(none(Json::array({Column("TOTAL", "fixed")}), Json::array({Json::array({"1"}), Json::array({"2"})})));
    // Only text.
    EXPECT_TRUE(none(Json::array({Column("A", "text"), Column("B", "text")}),
                     Json::array({Json::array({"x", "y"}), Json::array({"z", "w"})})));
    // One row.
    EXPECT_TRUE(none(Json::array({Column("A", "text"), Column("N", "fixed")}), Json::array({Json::array({"x", "1"})})));
    // Too many bar categories.
    Json many = Json::array();
    for (int i = 0; i < 150; ++i) many.push_back(Json::array({"c" + std::to_string(i), std::to_string(i)}));
    EXPECT_TRUE(none(Json::array({Column("A", "text"), Column("N", "fixed")}), many));
    // Unsupported column types only (variant, array) next to a number.
    EXPECT_TRUE(none(Json::array({Column("V", "variant"), Column("N", "fixed")}),
                     Json::array({Json::array({"{}", "1"}), Json::array({"[]", "2"})})));
    // Not a result set.
    EXPECT_FALSE(BuildChartSpec(Json::object(), "").has_value());
}

TEST(ChartSpec, ChooseChartPicksColumnsByType) {
    Json row_type = Json::array({Column("ID", "fixed"), Column("NAME", "text"), Column("DAY", "date")});
    ChartChoice c = ChooseChart(row_type, 5);
    EXPECT_EQ(c.kind, ChartKind::kLine);
    EXPECT_EQ(c.x, 2);
    EXPECT_EQ(c.y, 0);
    EXPECT_EQ(c.color, 1);
    c = ChooseChart(Json::array({Column("N", "fixed"), Column("FLAG", "boolean")}), 2);
    EXPECT_EQ(c.kind, ChartKind::kBar);
    EXPECT_EQ(c.x, 1);
    EXPECT_EQ(c.y, 0);
    EXPECT_EQ(ChooseChart(Json::array({Column("N", "fixed"), Column("M", "real")}), 3).kind, ChartKind::kScatter);
    EXPECT_EQ(ChooseChart(Json::array({Column("T", "time"), Column("M", "real")}), 3).kind, ChartKind::kNone);
}

}  // namespace
}  // namespace oc::runtime
