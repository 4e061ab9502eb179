// Charts for agent runs (reference agents-api.md §3.4 `response.chart`): picks a Vega-Lite v5
// chart for a SQL API ResultSet from the column types of its rowType and builds the spec with the
// data inline (`data.values`).
//   temporal (date, timestamp_*) + numeric  → line   (x temporal, y quantitative)
//   text/boolean + numeric                  → bar    (x nominal, y quantitative)
//   two numerics, nothing else              → point  (scatter, both quantitative)
// A further text column colours the series (line, bar). Anything else gets no chart.
#pragma once

#include <optional>
#include <string>

#include "common/json.h"

namespace oc::runtime {

inline constexpr const char* kVegaLiteSchema = "https://vega.github.io/schema/vega-lite/v5.json";

enum class ChartKind { kNone, kBar, kLine, kScatter };

struct ChartChoice {
    ChartKind kind = ChartKind::kNone;
    int x = -1;      // column index of the x channel
    int y = -1;      // column index of the y channel
    int color = -1;  // column index of the color channel, -1 = none
};

// The chart for columns of these rowType entries ({"name", "type", ...}) and this many rows.
// Fewer than 2 rows, or more than kMaxBarCategories rows for a bar chart, get none.
ChartChoice ChooseChart(const Json& row_type, size_t num_rows);
inline constexpr size_t kMaxBarCategories = 100;

// The Vega-Lite spec of a ResultSet ({"resultSetMetaData": {"rowType"}, "data": [[str...]]}),
// or nullopt when no chart suits it. Cells become JSON numbers (fixed, real), ISO dates/times
// (date, timestamp_*: the SQL API sends epoch days/seconds) or strings. Encoding field names
// escape `.`, `[` and `]` with a backslash (Vega-Lite reads them as nested access otherwise).
std::optional<Json> BuildChartSpec(const Json& result_set, const std::string& title);

// The Vega-Lite field reference of a column name (escapes as above).
std::string VegaField(const std::string& column);

}  // namespace oc::runtime
