#include "store/statement_binding.h"

#include "store/duckdb_api.h"

#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "common/text.h"
#include "store/duckdb/connection.h"

namespace oc::store {
namespace {

constexpr int64_t kNanosPerDay = 86400LL * 1000000000LL;
constexpr int64_t kMillisPerDay = 86400LL * 1000LL;

Error BadValue(const std::string& type, const std::string& value) {
    return MakeError(ErrorCode::kInvalidArgument, type + " value '" + value + "' is not recognized",
                     kBadBindValueCode, 422);
}

std::string_view Trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

bool ParseInt64(std::string_view s, int64_t* out) {
    s = Trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
    return res.ec == std::errc() && res.ptr == s.data() + s.size() && !s.empty();
}

// Integers past int64 (up to 38 digits, Snowflake's NUMBER) as a 128-bit value.
bool ParseInt128(std::string_view s, __int128* out) {
    s = Trim(s);
    bool negative = !s.empty() && s.front() == '-';
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
    if (s.empty() || s.size() > 38) return false;
    __int128 v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    *out = negative ? -v : v;
    return true;
}

bool ParseDouble(std::string_view s, double* out) {
    s = Trim(s);
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    auto res = std::from_chars(s.data(), s.data() + s.size(), *out);
    return res.ec == std::errc() && res.ptr == s.data() + s.size() && !s.empty();
}

bool DecodeHex(std::string_view s, std::vector<uint8_t>* out) {
    if (s.size() % 2 != 0) return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    };
    for (size_t i = 0; i < s.size(); i += 2) {
        int hi = nibble(s[i]), lo = nibble(s[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out->push_back(static_cast<uint8_t>(hi * 16 + lo));
    }
    return true;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Status Check(duckdb_state state, duckdb_prepared_statement p, const std::string& type,
             const std::string& value) {
    if (state == DuckDBSuccess) return {};
    return BadValue(type, value);
}

// TIMESTAMP_TZ: "<epoch nanos> <offset minutes + 1440>"; DuckDB keeps only the instant.
bool ParseTimestampTz(const std::string& value, int64_t* nanos) {
    size_t space = value.find(' ');
    int64_t offset = 1440;
    if (space != std::string::npos && !ParseInt64(std::string_view(value).substr(space + 1), &offset)) {
        return false;
    }
    return offset >= 0 && offset <= 2880 && ParseInt64(std::string_view(value).substr(0, space), nanos);
}

Status BindTyped(duckdb_prepared_statement p, idx_t i, const std::string& type, const std::string& value) {
    int64_t n = 0;
    double d = 0;
    if (type == "TEXT") return Check(duckdb_bind_varchar_length(p, i, value.data(), value.size()), p, type, value);
    if (type == "FIXED") {
        if (ParseInt64(value, &n)) return Check(duckdb_bind_int64(p, i, n), p, type, value);
        __int128 big = 0;
        if (!ParseInt128(value, &big)) return BadValue(type, value);
        duckdb_hugeint h{static_cast<uint64_t>(big), static_cast<int64_t>(big >> 64)};
        return Check(duckdb_bind_hugeint(p, i, h), p, type, value);
    }
    if (type == "REAL" || type == "DECFLOAT") {
        if (!ParseDouble(value, &d)) return BadValue(type, value);
        return Check(duckdb_bind_double(p, i, d), p, type, value);
    }
    if (type == "BOOLEAN") {
        std::string v = ToLowerAscii(std::string(Trim(value)));
        if (v != "true" && v != "false" && v != "1" && v != "0") return BadValue(type, value);
        return Check(duckdb_bind_boolean(p, i, v == "true" || v == "1"), p, type, value);
    }
    if (type == "BINARY") {
        std::vector<uint8_t> bytes;
        if (!DecodeHex(value, &bytes)) return BadValue(type, value);
        return Check(duckdb_bind_blob(p, i, bytes.data(), bytes.size()), p, type, value);
    }
    if (type == "DATE") {
        if (!ParseInt64(value, &n)) return BadValue(type, value);
        duckdb_date date{static_cast<int32_t>(FloorDiv(n, kMillisPerDay))};
        return Check(duckdb_bind_date(p, i, date), p, type, value);
    }
    if (type == "TIME") {
        if (!ParseInt64(value, &n) || n < 0 || n > kNanosPerDay) return BadValue(type, value);
        return Check(duckdb_bind_time(p, i, duckdb_time{n / 1000}), p, type, value);
    }
    if (type == "TIMESTAMP_NTZ") {
        if (!ParseInt64(value, &n)) return BadValue(type, value);
        return Check(duckdb_bind_timestamp(p, i, duckdb_timestamp{FloorDiv(n, 1000)}), p, type, value);
    }
    if (type == "TIMESTAMP_LTZ" || type == "TIMESTAMP_TZ") {
        bool ok = type == "TIMESTAMP_TZ" ? ParseTimestampTz(value, &n) : ParseInt64(value, &n);
        if (!ok) return BadValue(type, value);
        return Check(duckdb_bind_timestamp_tz(p, i, duckdb_timestamp{FloorDiv(n, 1000)}), p, type, value);
    }
    return MakeError(ErrorCode::kInvalidArgument, "Unsupported bind type '" + type + "'",
                     kBadBindValueCode, 422);
}

Status BindOne(duckdb_prepared_statement p, idx_t i, const std::string& key, const Json& binding) {
    if (!binding.is_object() || !binding.contains("type") || !binding["type"].is_string()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Binding '" + key + "' must be an object with a string 'type' and a 'value'",
                         kBadBindValueCode, 422);
    }
    std::string type = ToUpperAscii(binding["type"].get<std::string>());
    auto value = binding.find("value");
    if (value == binding.end() || value->is_null()) {
        return duckdb_bind_null(p, i) == DuckDBSuccess ? Status{} : BadValue(type, "null");
    }
    if (value->is_array() || value->is_object()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "Binding '" + key + "': array bindings are not supported", kBadBindValueCode, 422);
    }
    std::string text = value->is_string() ? value->get<std::string>() : value->dump();
    return BindTyped(p, i, type, text);
}

const Json* FindBinding(const Json& bindings, const std::string& name) {
    auto it = bindings.find(name);
    if (it != bindings.end()) return &*it;
    for (auto entry = bindings.begin(); entry != bindings.end(); ++entry) {
        if (EqualsIgnoreCase(entry.key(), name)) return &entry.value();
    }
    return nullptr;
}

}  // namespace

Status ApplyBindings(Prepared& prepared, const Json& bindings) {
    duckdb_prepared_statement p = prepared.raw();
    idx_t count = duckdb_nparams(p);
    for (idx_t i = 1; i <= count; ++i) {
        const char* raw_name = duckdb_parameter_name(p, i);
        std::string name = raw_name ? raw_name : std::to_string(i);
        if (raw_name) duckdb_free(const_cast<char*>(raw_name));
        const Json* binding = bindings.is_object() ? FindBinding(bindings, name) : nullptr;
        if (binding == nullptr) {
            return MakeError(ErrorCode::kInvalidArgument, "Bind variable " + name + " not set.",
                             kMissingBindCode, 422);
        }
        OC_TRY(BindOne(p, i, name, *binding));
    }
    return {};
}

}  // namespace oc::store
