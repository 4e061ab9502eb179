#include "pipeline/jsonl_append.h"

#include <simdjson.h>

#include "store/duckdb_api.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <unordered_map>

namespace oc::pipeline {
namespace {

constexpr size_t kBlockBytes = 8u << 20;
constexpr size_t kParseBatchBytes = 1u << 20;

bool Num(std::string_view s, size_t pos, size_t n, int* out) {
    if (pos + n > s.size()) return false;
    int v = 0;
    for (size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool LeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

enum class Kind { kBigint, kDouble, kBool, kVarchar, kJson, kTimestampTz };

// One destination column being filled in the current data chunk.
struct Col {
    Kind kind = Kind::kVarchar;
    duckdb_vector vec = nullptr;
    void* data = nullptr;
    uint64_t* validity = nullptr;
    uint32_t stamp = 0;  // row stamp of the last value set
};

class ChunkAppender {
public:
    ChunkAppender(duckdb_appender app, std::vector<Col> cols, std::vector<duckdb_logical_type>& t)
        : app_(app), cols_(std::move(cols)) {
        chunk_ = duckdb_create_data_chunk(t.data(), t.size());
        capacity_ = duckdb_vector_size();
        Bind();
    }
    ~ChunkAppender() { duckdb_destroy_data_chunk(&chunk_); }

    Col& col(size_t i) { return cols_[i]; }
    idx_t row() const { return row_; }
    uint32_t stamp() const { return stamp_; }

    // Ends the current row: unset columns become NULL; a full chunk goes to the appender.
    Status EndRow() {
        for (Col& c : cols_) {
            if (c.stamp != stamp_) duckdb_validity_set_row_invalid(c.validity, row_);
        }
        ++stamp_;
        if (++row_ == capacity_) return Flush();
        return {};
    }

    Status Flush() {
        if (row_ == 0) return {};
        duckdb_data_chunk_set_size(chunk_, row_);
        if (duckdb_append_data_chunk(app_, chunk_) == DuckDBError) {
            const char* e = duckdb_appender_error(app_);
            return MakeError(ErrorCode::kInternal, e ? e : "append failed");
        }
        duckdb_data_chunk_reset(chunk_);
        row_ = 0;
        Bind();
        return {};
    }

private:
    void Bind() {
        for (size_t i = 0; i < cols_.size(); ++i) {
            Col& c = cols_[i];
            c.vec = duckdb_data_chunk_get_vector(chunk_, i);
            c.data = duckdb_vector_get_data(c.vec);
            duckdb_vector_ensure_validity_writable(c.vec);
            c.validity = duckdb_vector_get_validity(c.vec);
        }
    }

    duckdb_appender app_;
    std::vector<Col> cols_;
    duckdb_data_chunk chunk_ = nullptr;
    idx_t capacity_ = 2048;
    idx_t row_ = 0;
    uint32_t stamp_ = 1;
};

// Sets one cell; an error string when the value does not fit the column.
const char* SetCell(Col& c, idx_t row, simdjson::dom::element v, simdjson::dom::element_type type,
                    std::string& scratch) {
    using simdjson::dom::element_type;
    switch (c.kind) {
        case Kind::kBigint: {
            int64_t i = 0;
            if (type != element_type::INT64 || v.get_int64().get(i)) return "expected an integer";
            static_cast<int64_t*>(c.data)[row] = i;
            return nullptr;
        }
        case Kind::kDouble: {
            double d = 0;
            if (type != element_type::INT64 && type != element_type::UINT64 &&
                type != element_type::DOUBLE)
                return "expected a number";
            if (v.get_double().get(d)) return "expected a number";
            static_cast<double*>(c.data)[row] = d;
            return nullptr;
        }
        case Kind::kBool: {
            bool b = false;
            if (type != element_type::BOOL || v.get_bool().get(b)) return "expected a boolean";
            static_cast<bool*>(c.data)[row] = b;
            return nullptr;
        }
        case Kind::kTimestampTz: {
            std::string_view s;
            int64_t micros = 0;
            if (type != element_type::STRING || v.get_string().get(s) ||
                !ParseIsoTimestampMicros(s, &micros))
                return "expected an ISO timestamp";
            static_cast<int64_t*>(c.data)[row] = micros;
            return nullptr;
        }
        case Kind::kVarchar:
        case Kind::kJson: {
            std::string_view s;
            if (c.kind == Kind::kVarchar && type == element_type::STRING) {
                if (v.get_string().get(s)) return "bad string";
            } else {
                scratch = simdjson::minify(v);
                s = scratch;
            }
            duckdb_vector_assign_string_element_len(c.vec, row, s.data(), s.size());
            return nullptr;
        }
    }
    return "unsupported column";
}

struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

}  // namespace

bool ParseIsoTimestampMicros(std::string_view s, int64_t* micros) {
    int y, mo, d, h, mi, sec = 0;
    if (!Num(s, 0, 4, &y) || s.size() < 16 || s[4] != '-' || !Num(s, 5, 2, &mo) || s[7] != '-' ||
        !Num(s, 8, 2, &d) || (s[10] != 'T' && s[10] != ' ') || !Num(s, 11, 2, &h) ||
        s[13] != ':' || !Num(s, 14, 2, &mi))
        return false;
    size_t p = 16;
    int64_t frac = 0;
    if (p < s.size() && s[p] == ':') {
        if (!Num(s, p + 1, 2, &sec)) return false;
        p += 3;
        if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
            ++p;
            int digits = 0;
            while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
                if (digits < 6) {
                    frac = frac * 10 + (s[p] - '0');
                    ++digits;
                }
                ++p;
            }
            if (digits == 0) return false;
            for (; digits < 6; ++digits) frac *= 10;
        }
    }
    int64_t offset_s = 0;
    if (p < s.size()) {
        if (s[p] == 'Z' || s[p] == 'z') {
            if (p + 1 != s.size()) return false;
        } else if (s[p] == '+' || s[p] == '-') {
            int oh = 0, om = 0;
            const int sign = s[p] == '-' ? -1 : 1;
            if (!Num(s, p + 1, 2, &oh)) return false;
            size_t q = p + 3;
            if (q < s.size()) {
                if (s[q] == ':') ++q;
                if (!Num(s, q, 2, &om) || q + 2 != s.size()) return false;
            }
            if (oh > 23 || om > 59) return false;
            offset_s = sign * (oh * 3600 + om * 60);
        } else {
            return false;
        }
    }
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mo < 1 || mo > 12 || d < 1) return false;
    if (d > kDays[mo - 1] + (mo == 2 && LeapYear(y) ? 1 : 0)) return false;
    // 24:00:00 is the end of the day, as DuckDB's cast reads it.
    if (h > 24 || mi > 59 || sec > 59 || (h == 24 && (mi != 0 || sec != 0 || frac != 0)))
        return false;
    const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    const int64_t secs = days * 86400 + h * 3600 + mi * 60 + sec - offset_s;
    *micros = secs * 1000000 + frac;
    return true;
}

size_t JsonlPadding() { return simdjson::SIMDJSON_PADDING; }

struct JsonlAppender::Impl {
    duckdb_appender app = nullptr;
    std::string who;
    std::vector<std::string> columns;
    std::unique_ptr<ChunkAppender> chunk;
    std::unordered_map<std::string, size_t, ViewHash, std::equal_to<>> index;
    std::vector<size_t> hint;  // column of the k-th key in the previous row
    simdjson::dom::parser parser;
    std::string scratch;
    int64_t rows = 0;

    ~Impl() { duckdb_appender_destroy(&app); }
    Error BadRow(const std::string& what) const {
        return MakeError(ErrorCode::kInternal,
                         who + "row " + std::to_string(rows) + " of the job: " + what);
    }
};

JsonlAppender::JsonlAppender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonlAppender::~JsonlAppender() = default;

int64_t JsonlAppender::rows() const { return impl_->rows; }

Result<std::unique_ptr<JsonlAppender>> JsonlAppender::Open(duckdb_connection conn,
                                                           const std::string& schema,
                                                           const std::string& table,
                                                           const std::vector<std::string>& columns,
                                                           bool naive_utc) {
    auto impl = std::make_unique<Impl>();
    impl->who = "load " + table + ": ";
    if (duckdb_appender_create(conn, schema.c_str(), table.c_str(), &impl->app) == DuckDBError) {
        std::string msg = impl->app && duckdb_appender_error(impl->app)
                              ? duckdb_appender_error(impl->app)
                              : "cannot create appender";
        return MakeError(ErrorCode::kInternal, impl->who + msg);
    }
    const idx_t n = duckdb_appender_column_count(impl->app);
    if (n != columns.size()) return std::unique_ptr<JsonlAppender>();
    std::vector<Col> cols(n);
    std::vector<duckdb_logical_type> types(n);
    bool supported = true;
    for (idx_t i = 0; i < n; ++i) {
        types[i] = duckdb_appender_column_type(impl->app, i);
        char* alias = duckdb_logical_type_get_alias(types[i]);
        const bool json = alias != nullptr && std::strcmp(alias, "JSON") == 0;
        if (alias != nullptr) duckdb_free(alias);
        switch (duckdb_get_type_id(types[i])) {
            case DUCKDB_TYPE_BIGINT:
                cols[i].kind = Kind::kBigint;
                break;
            case DUCKDB_TYPE_DOUBLE:
                cols[i].kind = Kind::kDouble;
                break;
            case DUCKDB_TYPE_BOOLEAN:
                cols[i].kind = Kind::kBool;
                break;
            case DUCKDB_TYPE_VARCHAR:
                cols[i].kind = json ? Kind::kJson : Kind::kVarchar;
                break;
            case DUCKDB_TYPE_TIMESTAMP_TZ:
                cols[i].kind = Kind::kTimestampTz;
                supported = supported && naive_utc;
                break;
            default:
                supported = false;
        }
    }
    if (supported) impl->chunk = std::make_unique<ChunkAppender>(impl->app, std::move(cols), types);
    for (auto& t : types) duckdb_destroy_logical_type(&t);
    if (!supported) return std::unique_ptr<JsonlAppender>();
    impl->columns = columns;
    for (size_t i = 0; i < columns.size(); ++i) impl->index.emplace(columns[i], i);
    return std::unique_ptr<JsonlAppender>(new JsonlAppender(std::move(impl)));
}

Status JsonlAppender::Append(const char* data, size_t len) {
    if (len == 0) return {};
    Impl& m = *impl_;
    // The parser's buffers are sized by the batch (~14 bytes per byte), not by the input: a
    // batch of 1 MB, or the longest line.
    size_t batch = std::min<size_t>(len, kParseBatchBytes);
    if (len > batch) {
        for (const char *p = data, *end = data + len; p < end;) {
            const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
            const char* stop = nl != nullptr ? nl + 1 : end;
            batch = std::max<size_t>(batch, stop - p);
            p = stop;
        }
    }
    simdjson::dom::document_stream docs;
    if (m.parser.parse_many(data, len, batch).get(docs))
        return m.BadRow("not valid jsonl");
    const std::vector<std::string>& columns = m.columns;
    ChunkAppender& chunk = *m.chunk;
    for (auto doc_result : docs) {
        ++m.rows;
        simdjson::dom::object obj;
        if (doc_result.get_object().get(obj)) return m.BadRow("not a JSON object");
        const idx_t row = chunk.row();
        size_t k = 0;
        for (simdjson::dom::key_value_pair field : obj) {
            const std::string_view key = field.key;
            size_t ci;
            if (k < m.hint.size() && columns[m.hint[k]] == key) {
                ci = m.hint[k];
            } else {
                auto it = m.index.find(key);
                if (it == m.index.end())
                    return m.BadRow("column `" + std::string(key) + "` is not in the table");
                ci = it->second;
                if (k < m.hint.size())
                    m.hint[k] = ci;
                else
                    m.hint.push_back(ci);
            }
            ++k;
            const auto type = field.value.type();
            if (type == simdjson::dom::element_type::NULL_VALUE) continue;
            Col& c = chunk.col(ci);
            if (const char* err = SetCell(c, row, field.value, type, m.scratch))
                return m.BadRow("column `" + columns[ci] + "`: " + err);
            c.stamp = chunk.stamp();
        }
        OC_TRY(chunk.EndRow());
    }
    // parse_many stops quietly before a last document that does not end: not a row to drop.
    if (docs.truncated_bytes() != 0) {
        ++m.rows;
        return m.BadRow("not valid jsonl (an unfinished line)");
    }
    return {};
}

Status JsonlAppender::Close() {
    OC_TRY(impl_->chunk->Flush());
    if (duckdb_appender_close(impl_->app) == DuckDBError) {
        const char* e = duckdb_appender_error(impl_->app);
        return MakeError(ErrorCode::kInternal, impl_->who + (e ? e : "append failed"));
    }
    return {};
}

Result<AppendOutcome> AppendJsonlJob(duckdb_connection conn, const std::string& schema,
                                     const std::string& table,
                                     const std::vector<std::string>& columns,
                                     const std::string& path, bool naive_utc) {
    OC_ASSIGN_OR_RETURN(auto appender,
                        JsonlAppender::Open(conn, schema, table, columns, naive_utc));
    if (!appender) return AppendOutcome::kUnsupported;
    std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    const std::string cannot_read = "load " + table + ": cannot read " + path;
    if (!file) return MakeError(ErrorCode::kInternal, cannot_read);
    std::string buf;
    size_t len = 0;  // bytes of buf holding data
    bool eof = false;
    while (!eof || len > 0) {
        if (!eof) {
            buf.resize(len + kBlockBytes + simdjson::SIMDJSON_PADDING);
            size_t got = std::fread(buf.data() + len, 1, kBlockBytes, file.get());
            if (got == 0) {
                if (std::ferror(file.get())) return MakeError(ErrorCode::kInternal, cannot_read);
                eof = true;
            }
            len += got;
        }
        size_t cut = len;
        if (!eof) {
            size_t nl = std::string_view(buf.data(), len).rfind('\n');
            if (nl == std::string_view::npos) continue;  // one line longer than a block
            cut = nl + 1;
        }
        OC_TRY(appender->Append(buf.data(), cut));
        std::memmove(buf.data(), buf.data() + cut, len - cut);
        len -= cut;
    }
    OC_TRY(appender->Close());
    return AppendOutcome::kLoaded;
}

}  // namespace oc::pipeline
