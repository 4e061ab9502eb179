#include "runtime/chart_spec.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

namespace oc::runtime {
namespace {

enum class ColumnKind { kOther, kNominal, kTemporal, kQuantitative };

ColumnKind KindOf(const Json& column) {
    std::string type = column.is_object() ? column.value("type", "") : "";
    if (type == "fixed" || type == "real") return ColumnKind::kQuantitative;
    if (type == "date" || type.rfind("timestamp", 0) == 0) return ColumnKind::kTemporal;
    if (type == "text" || type == "boolean") return ColumnKind::kNominal;
    return ColumnKind::kOther;
}

// Civil date of days since 1970-01-01 (H. Hinnant's days_from_civil inverse).
std::string IsoDate(int64_t days) {
    days += 719468;
    int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    int64_t doe = days - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    if (m <= 2) ++y;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lld", static_cast<long long>(y), static_cast<long long>(m),
                  static_cast<long long>(d));
    return buf;
}

// "1700000000.123456789" (optionally followed by " <tz offset>") → "2023-11-14T22:13:20".
Json IsoTimestamp(const std::string& cell) {
    char* end = nullptr;
    double seconds = std::strtod(cell.c_str(), &end);
    if (end == cell.c_str() || !std::isfinite(seconds)) return cell;
    int64_t whole = static_cast<int64_t>(std::floor(seconds));
    int64_t days = whole >= 0 ? whole / 86400 : (whole - 86399) / 86400;
    int64_t rest = whole - days * 86400;
    char buf[64];
    std::snprintf(buf, sizeof buf, "T%02lld:%02lld:%02lld", static_cast<long long>(rest / 3600),
                  static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
    return IsoDate(days) + buf;
}

Json CellValue(const Json& cell, const Json& column) {
    if (!cell.is_string()) return nullptr;
    const std::string text = cell.get<std::string>();
    std::string type = column.value("type", "");
    switch (KindOf(column)) {
        case ColumnKind::kQuantitative: {
            char* end = nullptr;
            double v = std::strtod(text.c_str(), &end);
            if (end == text.c_str() || *end != '\0' || !std::isfinite(v)) return nullptr;
            if (type == "fixed" && column.value("scale", Json(0)) == 0 && std::fabs(v) < 9e15) {
                return static_cast<int64_t>(v);
            }
            return v;
        }
        case ColumnKind::kTemporal:
            if (type == "date") {
                char* end = nullptr;
                long long days = std::strtoll(text.c_str(), &end, 10);
                return end != text.c_str() && *end == '\0' ? Json(IsoDate(days)) : Json(text);
            }
            return IsoTimestamp(text);
        default: return text;
    }
}

Json Channel(const Json& column, const char* type) {
    std::string name = column.value("name", "");
    Json c = Json::object();
    c["field"] = VegaField(name);
    c["type"] = type;
    c["title"] = name;
    return c;
}

}  // namespace

std::string VegaField(const std::string& column) {
    std::string out;
    for (char c : column) {
        if (c == '.' || c == '[' || c == ']' || c == '\\') out += '\\';
        out += c;
    }
    return out;
}

ChartChoice ChooseChart(const Json& row_type, size_t num_rows) {
    ChartChoice choice;
    if (!row_type.is_array() || num_rows < 2) return choice;
    std::vector<int> nominal, temporal, numeric;
    for (size_t i = 0; i < row_type.size(); ++i) {
        switch (KindOf(row_type[i])) {
            case ColumnKind::kNominal: nominal.push_back(static_cast<int>(i)); break;
            case ColumnKind::kTemporal: temporal.push_back(static_cast<int>(i)); break;
            case ColumnKind::kQuantitative: numeric.push_back(static_cast<int>(i)); break;
            default: break;
        }
    }
    if (numeric.empty()) return choice;
    if (!temporal.empty()) {
        choice = {ChartKind::kLine, temporal[0], numeric[0], nominal.empty() ? -1 : nominal[0]};
    } else if (!nominal.empty()) {
        if (nominal.size() == 1 && num_rows > kMaxBarCategories) return choice;
        choice = {ChartKind::kBar, nominal[0], numeric[0], nominal.size() > 1 ? nominal[1] : -1};
    } else if (numeric.size() >= 2) {
        choice = {ChartKind::kScatter, numeric[0], numeric[1], -1};
    }
    return choice;
}

std::optional<Json> BuildChartSpec(const Json& result_set, const std::string& title) {
    if (!result_set.is_object() || !result_set.contains("resultSetMetaData") || !result_set.contains("data")) {
        return std::nullopt;
    }
    const Json& row_type = result_set["resultSetMetaData"].value("rowType", Json::array());
    const Json& data = result_set["data"];
    if (!data.is_array()) return std::nullopt;
    ChartChoice choice = ChooseChart(row_type, data.size());
    if (choice.kind == ChartKind::kNone) return std::nullopt;

    std::vector<int> used = {choice.x, choice.y};
    if (choice.color >= 0) used.push_back(choice.color);
    Json values = Json::array();
    std::set<std::string> categories;
    for (const Json& row : data) {
        if (!row.is_array() || row.size() != row_type.size()) return std::nullopt;
        Json value = Json::object();
        for (int c : used) value[row_type[c].value("name", "")] = CellValue(row[c], row_type[c]);
        if (choice.kind == ChartKind::kBar) categories.insert(DumpJson(value[row_type[choice.x].value("name", "")]));
        values.push_back(std::move(value));
    }
    if (choice.kind == ChartKind::kBar && categories.size() > kMaxBarCategories) return std::nullopt;

    Json encoding = Json::object();
    Json mark = Json::object();
    switch (choice.kind) {
        case ChartKind::kLine:
            mark = {{"type", "line"}, {"point", true}, {"tooltip", true}};
            encoding["x"] = Channel(row_type[choice.x], "temporal");
            encoding["y"] = Channel(row_type[choice.y], "quantitative");
            break;
        case ChartKind::kBar:
            mark = {{"type", "bar"}, {"tooltip", true}};
            encoding["x"] = Channel(row_type[choice.x], "nominal");
            if (choice.color < 0) encoding["x"]["sort"] = "-y";
            encoding["y"] = Channel(row_type[choice.y], "quantitative");
            break;
        default:
            mark = {{"type", "point"}, {"tooltip", true}};
            encoding["x"] = Channel(row_type[choice.x], "quantitative");
            encoding["y"] = Channel(row_type[choice.y], "quantitative");
            break;
    }
    if (choice.color >= 0) encoding["color"] = Channel(row_type[choice.color], "nominal");

    Json spec = Json::object();
    spec["$schema"] = kVegaLiteSchema;
    if (!title.empty()) spec["title"] = title;
    spec["data"] = Json::object({{"values", std::move(values)}});
    spec["mark"] = std::move(mark);
    spec["encoding"] = std::move(encoding);
    return spec;
}

}  // namespace oc::runtime
