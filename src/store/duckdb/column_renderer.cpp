#include "store/duckdb/column_renderer.h"

#include <climits>
#include <optional>
#include <string_view>

#include "store/value_text.h"

namespace oc::store {
namespace {

constexpr int64_t kTextLength = 16777216;
constexpr int64_t kBinaryLength = 8388608;

template <typename T>
T At(duckdb_vector v, idx_t row) {
    return static_cast<const T*>(duckdb_vector_get_data(v))[row];
}

std::string_view StringAt(duckdb_vector v, idx_t row) {
    auto* s = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v)) + row;
    return {duckdb_string_t_data(s), duckdb_string_t_length(*s)};
}

bool Valid(duckdb_vector v, idx_t row) {
    uint64_t* mask = duckdb_vector_get_validity(v);
    return mask == nullptr || duckdb_validity_row_is_valid(mask, row);
}

__int128 HugeAt(duckdb_vector v, idx_t row) {
    duckdb_hugeint h = At<duckdb_hugeint>(v, row);
    return static_cast<__int128>((static_cast<unsigned __int128>(static_cast<uint64_t>(h.upper)) << 64) | h.lower);
}

unsigned __int128 UHugeAt(duckdb_vector v, idx_t row) {
    duckdb_uhugeint h = At<duckdb_uhugeint>(v, row);
    return (static_cast<unsigned __int128>(h.upper) << 64) | h.lower;
}

// Takes ownership of value; DuckDB's own VARCHAR cast of it.
std::string ValueText(duckdb_value value) {
    char* s = duckdb_get_varchar(value);
    std::string out = s ? s : "";
    if (s) duckdb_free(s);
    duckdb_destroy_value(&value);
    return out;
}

// BIGNUM storage: 3-byte header whose top bit is 1 for positive numbers, then the magnitude
// big-endian; negative numbers have every byte inverted. Printed by repeated division by 10.
std::string BignumText(std::string_view raw) {
    if (raw.size() < 4) return "0";
    bool negative = (static_cast<unsigned char>(raw[0]) & 0x80) == 0;
    std::vector<uint8_t> digits256;
    for (size_t i = 3; i < raw.size(); ++i) {
        auto b = static_cast<uint8_t>(raw[i]);
        digits256.push_back(negative ? static_cast<uint8_t>(~b) : b);
    }
    std::string out;
    size_t start = 0;
    while (start < digits256.size()) {
        unsigned remainder = 0;
        for (size_t i = start; i < digits256.size(); ++i) {
            unsigned cur = remainder * 256 + digits256[i];
            digits256[i] = static_cast<uint8_t>(cur / 10);
            remainder = cur % 10;
        }
        out += static_cast<char>('0' + remainder);
        while (start < digits256.size() && digits256[start] == 0) ++start;
    }
    if (out.empty()) out = "0";
    if (negative && out != "0") out += '-';
    return std::string(out.rbegin(), out.rend());
}

std::string BitText(std::string_view raw) {
    std::vector<uint8_t> bytes(raw.begin(), raw.end());
    return ValueText(duckdb_create_bit(duckdb_bit{bytes.data(), bytes.size()}));
}

__int128 DecimalAt(const TypeInfo& t, duckdb_vector v, idx_t row) {
    switch (t.internal) {
        case DUCKDB_TYPE_SMALLINT: return At<int16_t>(v, row);
        case DUCKDB_TYPE_INTEGER: return At<int32_t>(v, row);
        case DUCKDB_TYPE_BIGINT: return At<int64_t>(v, row);
        default: return HugeAt(v, row);
    }
}

std::string EnumLabel(const TypeInfo& t, duckdb_vector v, idx_t row) {
    uint64_t index = t.internal == DUCKDB_TYPE_UTINYINT    ? At<uint8_t>(v, row)
                     : t.internal == DUCKDB_TYPE_USMALLINT ? At<uint16_t>(v, row)
                                                           : At<uint32_t>(v, row);
    return index < t.names.size() ? t.names[index] : std::string();
}

// Units per second of a timestamp type, or 0 when the type is not a timestamp.
int64_t TimestampUnits(duckdb_type id) {
    switch (id) {
        case DUCKDB_TYPE_TIMESTAMP_S: return 1;
        case DUCKDB_TYPE_TIMESTAMP_MS: return 1000;
        case DUCKDB_TYPE_TIMESTAMP:
        case DUCKDB_TYPE_TIMESTAMP_TZ: return 1000000;
        case DUCKDB_TYPE_TIMESTAMP_NS: return 1000000000;
        default: return 0;
    }
}

// Integer and exact-number types rendered the same way in a cell and in JSON; nullopt otherwise.
std::optional<std::string> NumberText(const TypeInfo& t, duckdb_vector v, idx_t row) {
    switch (t.id) {
        case DUCKDB_TYPE_TINYINT: return std::to_string(At<int8_t>(v, row));
        case DUCKDB_TYPE_SMALLINT: return std::to_string(At<int16_t>(v, row));
        case DUCKDB_TYPE_INTEGER: return std::to_string(At<int32_t>(v, row));
        case DUCKDB_TYPE_BIGINT: return std::to_string(At<int64_t>(v, row));
        case DUCKDB_TYPE_UTINYINT: return std::to_string(At<uint8_t>(v, row));
        case DUCKDB_TYPE_USMALLINT: return std::to_string(At<uint16_t>(v, row));
        case DUCKDB_TYPE_UINTEGER: return std::to_string(At<uint32_t>(v, row));
        case DUCKDB_TYPE_UBIGINT: return std::to_string(At<uint64_t>(v, row));
        case DUCKDB_TYPE_HUGEINT: return Int128ToString(HugeAt(v, row));
        case DUCKDB_TYPE_UHUGEINT: return Uint128ToString(UHugeAt(v, row));
        case DUCKDB_TYPE_DECIMAL: return FormatScaled(DecimalAt(t, v, row), t.scale);
        case DUCKDB_TYPE_BIGNUM: return BignumText(StringAt(v, row));
        default: return std::nullopt;
    }
}

// Text shared by cells and JSON for types Snowflake reports as `text`; nullopt otherwise.
std::optional<std::string> PlainText(const TypeInfo& t, duckdb_vector v, idx_t row) {
    switch (t.id) {
        case DUCKDB_TYPE_VARCHAR: return std::string(StringAt(v, row));
        case DUCKDB_TYPE_UUID: {
            duckdb_hugeint h = At<duckdb_hugeint>(v, row);
            return FormatUuid(h.upper, h.lower);
        }
        case DUCKDB_TYPE_ENUM: return EnumLabel(t, v, row);
        case DUCKDB_TYPE_INTERVAL: return ValueText(duckdb_create_interval(At<duckdb_interval>(v, row)));
        case DUCKDB_TYPE_TIME_TZ: return ValueText(duckdb_create_time_tz_value(At<duckdb_time_tz>(v, row)));
        case DUCKDB_TYPE_BIT: return BitText(StringAt(v, row));
        default: return std::nullopt;
    }
}

void AppendJsonList(std::string& out, const TypeInfo& element, duckdb_vector child, idx_t offset,
                    idx_t length) {
    out += '[';
    for (idx_t i = 0; i < length; ++i) {
        if (i) out += ',';
        AppendJsonValue(out, element, child, offset + i);
    }
    out += ']';
}

void AppendJsonMap(std::string& out, const TypeInfo& t, duckdb_vector v, idx_t row) {
    duckdb_list_entry e = At<duckdb_list_entry>(v, row);
    duckdb_vector entries = duckdb_list_vector_get_child(v);
    duckdb_vector keys = duckdb_struct_vector_get_child(entries, 0);
    duckdb_vector values = duckdb_struct_vector_get_child(entries, 1);
    const TypeInfo& key_type = t.children[0];
    out += '{';
    for (idx_t i = 0; i < e.length; ++i) {
        if (i) out += ',';
        idx_t at = e.offset + i;
        std::string key;
        if (key_type.id == DUCKDB_TYPE_VARCHAR) {
            key = std::string(StringAt(keys, at));
        } else {
            AppendJsonValue(key, key_type, keys, at);
            if (key.size() >= 2 && key.front() == '"') key = key.substr(1, key.size() - 2);
        }
        AppendJsonString(out, key);
        out += ':';
        AppendJsonValue(out, t.children[1], values, at);
    }
    out += '}';
}

void AppendJsonNested(std::string& out, const TypeInfo& t, duckdb_vector v, idx_t row) {
    switch (t.id) {
        case DUCKDB_TYPE_LIST: {
            duckdb_list_entry e = At<duckdb_list_entry>(v, row);
            AppendJsonList(out, t.children[0], duckdb_list_vector_get_child(v), e.offset, e.length);
            return;
        }
        case DUCKDB_TYPE_ARRAY:
            AppendJsonList(out, t.children[0], duckdb_array_vector_get_child(v), row * t.array_size,
                           t.array_size);
            return;
        case DUCKDB_TYPE_STRUCT:
            out += '{';
            for (idx_t i = 0; i < t.children.size(); ++i) {
                if (i) out += ',';
                AppendJsonString(out, t.names[i]);
                out += ':';
                AppendJsonValue(out, t.children[i], duckdb_struct_vector_get_child(v, i), row);
            }
            out += '}';
            return;
        case DUCKDB_TYPE_MAP: AppendJsonMap(out, t, v, row); return;
        case DUCKDB_TYPE_UNION: {
            uint8_t tag = At<uint8_t>(duckdb_struct_vector_get_child(v, 0), row);
            if (tag >= t.children.size()) {
                out += "null";
                return;
            }
            AppendJsonValue(out, t.children[tag], duckdb_struct_vector_get_child(v, tag + 1), row);
            return;
        }
        default: out += "null"; return;
    }
}

Json RowTypeEntry(const std::string& name, const char* type, Json precision, Json scale, Json length) {
    Json j = Json::object();
    j["name"] = name;
    j["database"] = "";
    j["schema"] = "";
    j["table"] = "";
    j["nullable"] = true;
    j["byteLength"] = length;
    j["length"] = length;
    j["type"] = type;
    j["scale"] = std::move(scale);
    j["precision"] = std::move(precision);
    j["collation"] = nullptr;
    return j;
}

}  // namespace

TypeInfo ReadTypeInfo(duckdb_logical_type type) {
    TypeInfo info;
    info.id = duckdb_get_type_id(type);
    auto add_child = [&](duckdb_logical_type child) {
        info.children.push_back(ReadTypeInfo(child));
        duckdb_destroy_logical_type(&child);
    };
    auto take_name = [&](char* s) {
        info.names.emplace_back(s ? s : "");
        if (s) duckdb_free(s);
    };
    switch (info.id) {
        case DUCKDB_TYPE_DECIMAL:
            info.width = duckdb_decimal_width(type);
            info.scale = duckdb_decimal_scale(type);
            info.internal = duckdb_decimal_internal_type(type);
            break;
        case DUCKDB_TYPE_ENUM:
            info.internal = duckdb_enum_internal_type(type);
            for (idx_t i = 0; i < duckdb_enum_dictionary_size(type); ++i) {
                take_name(duckdb_enum_dictionary_value(type, i));
            }
            break;
        case DUCKDB_TYPE_VARCHAR: {
            char* alias = duckdb_logical_type_get_alias(type);
            info.json = alias && std::string_view(alias) == "JSON";
            if (alias) duckdb_free(alias);
            break;
        }
        case DUCKDB_TYPE_LIST: add_child(duckdb_list_type_child_type(type)); break;
        case DUCKDB_TYPE_ARRAY:
            info.array_size = duckdb_array_type_array_size(type);
            add_child(duckdb_array_type_child_type(type));
            break;
        case DUCKDB_TYPE_MAP:
            add_child(duckdb_map_type_key_type(type));
            add_child(duckdb_map_type_value_type(type));
            break;
        case DUCKDB_TYPE_STRUCT:
            for (idx_t i = 0; i < duckdb_struct_type_child_count(type); ++i) {
                take_name(duckdb_struct_type_child_name(type, i));
                add_child(duckdb_struct_type_child_type(type, i));
            }
            break;
        case DUCKDB_TYPE_UNION:
            for (idx_t i = 0; i < duckdb_union_type_member_count(type); ++i) {
                take_name(duckdb_union_type_member_name(type, i));
                add_child(duckdb_union_type_member_type(type, i));
            }
            break;
        default: break;
    }
    return info;
}

Json ColumnRenderer::RowType() const {
    const Json null;
    switch (type_.id) {
        case DUCKDB_TYPE_BOOLEAN: return RowTypeEntry(name_, "boolean", null, null, null);
        case DUCKDB_TYPE_TINYINT: case DUCKDB_TYPE_SMALLINT: case DUCKDB_TYPE_INTEGER:
        case DUCKDB_TYPE_BIGINT: case DUCKDB_TYPE_UTINYINT: case DUCKDB_TYPE_USMALLINT:
        case DUCKDB_TYPE_UINTEGER: case DUCKDB_TYPE_UBIGINT: case DUCKDB_TYPE_HUGEINT:
        case DUCKDB_TYPE_UHUGEINT:
            return RowTypeEntry(name_, "fixed", 38, 0, null);
        case DUCKDB_TYPE_DECIMAL: return RowTypeEntry(name_, "fixed", type_.width, type_.scale, null);
        case DUCKDB_TYPE_FLOAT: case DUCKDB_TYPE_DOUBLE: return RowTypeEntry(name_, "real", null, null, null);
        case DUCKDB_TYPE_VARCHAR:
            if (type_.json) return RowTypeEntry(name_, "variant", null, null, null);
            return RowTypeEntry(name_, "text", null, null, kTextLength);
        case DUCKDB_TYPE_BLOB: return RowTypeEntry(name_, "binary", null, null, kBinaryLength);
        case DUCKDB_TYPE_DATE: return RowTypeEntry(name_, "date", null, null, null);
        case DUCKDB_TYPE_TIME: case DUCKDB_TYPE_TIME_NS: return RowTypeEntry(name_, "time", 0, 9, null);
        case DUCKDB_TYPE_TIMESTAMP: case DUCKDB_TYPE_TIMESTAMP_S: case DUCKDB_TYPE_TIMESTAMP_MS:
        case DUCKDB_TYPE_TIMESTAMP_NS:
            return RowTypeEntry(name_, "timestamp_ntz", 0, 9, null);
        case DUCKDB_TYPE_TIMESTAMP_TZ: return RowTypeEntry(name_, "timestamp_ltz", 0, 9, null);
        case DUCKDB_TYPE_LIST: case DUCKDB_TYPE_ARRAY: return RowTypeEntry(name_, "array", null, null, null);
        case DUCKDB_TYPE_STRUCT: case DUCKDB_TYPE_MAP: return RowTypeEntry(name_, "object", null, null, null);
        case DUCKDB_TYPE_UNION: return RowTypeEntry(name_, "variant", null, null, null);
        default: return RowTypeEntry(name_, "text", null, null, kTextLength);
    }
}

bool ColumnRenderer::Render(duckdb_vector v, idx_t row, std::string* out, std::string* error) const {
    const TypeInfo& t = type_;
    if (auto n = NumberText(t, v, row)) {
        *out = std::move(*n);
        return true;
    }
    if (auto s = PlainText(t, v, row)) {
        *out = std::move(*s);
        return true;
    }
    if (int64_t units = TimestampUnits(t.id)) {
        int64_t value = At<int64_t>(v, row);
        if (value == INT64_MAX || value == -INT64_MAX) {
            *error = "Timestamp out of range: DuckDB infinity has no Snowflake equivalent";
            return false;
        }
        *out = FormatEpochSeconds(value, units);
        return true;
    }
    switch (t.id) {
        case DUCKDB_TYPE_BOOLEAN: *out = At<bool>(v, row) ? "true" : "false"; return true;
        case DUCKDB_TYPE_FLOAT: *out = FormatFloat(At<float>(v, row)); return true;
        case DUCKDB_TYPE_DOUBLE: *out = FormatDouble(At<double>(v, row)); return true;
        case DUCKDB_TYPE_BLOB: *out = HexUpper(StringAt(v, row)); return true;
        case DUCKDB_TYPE_DATE: {
            int32_t days = At<int32_t>(v, row);
            if (days == INT32_MAX || days == -INT32_MAX) {
                *error = "Date out of range: DuckDB infinity has no Snowflake equivalent";
                return false;
            }
            *out = std::to_string(days);
            return true;
        }
        case DUCKDB_TYPE_TIME: *out = FormatEpochSeconds(At<int64_t>(v, row), 1000000); return true;
        case DUCKDB_TYPE_TIME_NS: *out = FormatEpochSeconds(At<int64_t>(v, row), 1000000000); return true;
        default:
            out->clear();
            AppendJsonNested(*out, t, v, row);
            return true;
    }
}

void AppendJsonValue(std::string& out, const TypeInfo& t, duckdb_vector v, idx_t row) {
    if (!Valid(v, row)) {
        out += "null";
        return;
    }
    if (auto n = NumberText(t, v, row)) {
        out += *n;
        return;
    }
    if (t.id == DUCKDB_TYPE_VARCHAR && t.json) {
        out += StringAt(v, row);
        return;
    }
    if (auto s = PlainText(t, v, row)) {
        AppendJsonString(out, *s);
        return;
    }
    if (int64_t units = TimestampUnits(t.id)) {
        int64_t value = At<int64_t>(v, row);
        bool infinite = value == INT64_MAX || value == -INT64_MAX;
        std::string text = infinite ? (value > 0 ? "infinity" : "-infinity")
                                    : FormatIsoTimestamp(units >= 1000000 ? value / (units / 1000000)
                                                                          : value * (1000000 / units));
        if (!infinite && t.id == DUCKDB_TYPE_TIMESTAMP_TZ) text += "+00";
        AppendJsonString(out, text);
        return;
    }
    switch (t.id) {
        case DUCKDB_TYPE_BOOLEAN: out += At<bool>(v, row) ? "true" : "false"; return;
        case DUCKDB_TYPE_FLOAT:
        case DUCKDB_TYPE_DOUBLE: {
            double d = t.id == DUCKDB_TYPE_FLOAT ? At<float>(v, row) : At<double>(v, row);
            std::string text = t.id == DUCKDB_TYPE_FLOAT ? FormatFloat(static_cast<float>(d)) : FormatDouble(d);
            if (d != d || d - d != 0) {  // NaN and infinities are not JSON numbers
                AppendJsonString(out, text);
            } else {
                out += text;
            }
            return;
        }
        case DUCKDB_TYPE_BLOB: AppendJsonString(out, HexUpper(StringAt(v, row))); return;
        case DUCKDB_TYPE_DATE: {
            int32_t days = At<int32_t>(v, row);
            bool infinite = days == INT32_MAX || days == -INT32_MAX;
            AppendJsonString(out, infinite ? (days > 0 ? "infinity" : "-infinity") : FormatIsoDate(days));
            return;
        }
        case DUCKDB_TYPE_TIME: AppendJsonString(out, FormatIsoTime(At<int64_t>(v, row))); return;
        case DUCKDB_TYPE_TIME_NS: AppendJsonString(out, FormatIsoTime(At<int64_t>(v, row) / 1000)); return;
        case DUCKDB_TYPE_SQLNULL: out += "null"; return;
        default: AppendJsonNested(out, t, v, row); return;
    }
}

}  // namespace oc::store
