#include "pipeline/package_io.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string_view>

namespace oc::pipeline {
namespace {

void AppendEscaped(std::string& out, std::string_view s) {
    out += '"';
    size_t run = 0;  // start of the pending run of bytes that need no escape
    for (size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default: {
                char buf[8];
                std::snprintf(buf, sizeof(buf), "\\u%04x", c);
                out += buf;
            }
        }
    }
    out.append(s.data() + run, s.size() - run);
    out += '"';
}

void AppendCell(std::string& out, const Cell& c) {
    switch (c.type) {
        case DataType::kBigint: {
            char buf[24];
            auto r = std::to_chars(buf, buf + sizeof(buf), c.i);
            out.append(buf, r.ptr);
            return;
        }
        case DataType::kDouble: {
            if (!std::isfinite(c.d)) {
                out += "null";
                return;
            }
            // Shortest text that reads back as the same double.
            char buf[40];
            auto r = std::to_chars(buf, buf + sizeof(buf), c.d);
            out.append(buf, r.ptr);
            return;
        }
        case DataType::kBool:
            out += c.b ? "true" : "false";
            return;
        case DataType::kJson:
            out += c.text.empty() ? "null" : c.text;
            return;
        default:
            AppendEscaped(out, c.text);
    }
}

}  // namespace

Result<std::unique_ptr<JobWriter>> JobWriter::Create(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return MakeError(ErrorCode::kInternal, "cannot write " + path);
    return std::unique_ptr<JobWriter>(new JobWriter(fd, path));
}

JobWriter::~JobWriter() {
    if (fd_ >= 0) ::close(fd_);
}

Status JobWriter::Write(std::string_view data) {
    constexpr uint64_t kKickBytes = 8u << 20;
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return MakeError(ErrorCode::kInternal, "cannot write " + path_);
        data.remove_prefix(static_cast<size_t>(n));
        written_ += static_cast<uint64_t>(n);
    }
    if (written_ - kicked_ >= kKickBytes) {
        (void)::sync_file_range(fd_, static_cast<off_t>(kicked_),
                                static_cast<off_t>(written_ - kicked_), SYNC_FILE_RANGE_WRITE);
        kicked_ = written_;
    }
    return {};
}

Status JobWriter::Close() {
    const bool ok = ::fdatasync(fd_) == 0;
    const bool closed = ::close(fd_) == 0;
    fd_ = -1;
    if (!ok || !closed) return MakeError(ErrorCode::kInternal, "cannot write " + path_);
    return {};
}

void SyncFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) return;
    (void)::fsync(fd);
    ::close(fd);
}

Status WriteRecordsFile(const std::string& path, const std::vector<Json>& records) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    std::string buf;
    for (const auto& r : records) {
        buf += DumpJson(r);
        buf += '\n';
        if (buf.size() > (1 << 20)) {
            out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
            buf.clear();
        }
    }
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    out.close();
    if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
    SyncFile(path);
    return {};
}

Result<std::vector<Json>> ReadRecordsFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
    std::vector<Json> out;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        auto doc = ParseJson(line);
        if (!doc) return MakeError(ErrorCode::kInternal, path + ": a record is not valid JSON");
        out.push_back(std::move(*doc));
    }
    return out;
}

namespace {

// One row as a JSON object line; keys[i] is column i's name, JSON-quoted.
void AppendRowWithKeys(std::string& buf, const std::vector<std::string>& keys,
                       const std::vector<std::pair<size_t, Cell>>& row) {
    buf += '{';
    bool first = true;
    for (const auto& [col, cell] : row) {
        if (!first) buf += ',';
        first = false;
        buf += keys[col];
        buf += ':';
        AppendCell(buf, cell);
    }
    buf += "}\n";
}

}  // namespace

void AppendTableRows(std::string& buf, const Table& table) {
    std::vector<std::string> keys;
    keys.reserve(table.columns.size());
    for (const auto& c : table.columns) {
        std::string k;
        AppendEscaped(k, c.name);
        keys.push_back(std::move(k));
    }
    for (const auto& row : table.rows) AppendRowWithKeys(buf, keys, row);
}

void AppendRow(std::string& buf, Table& table, const std::vector<std::pair<size_t, Cell>>& row) {
    while (table.quoted_names.size() < table.columns.size()) {
        std::string k;
        AppendEscaped(k, table.columns[table.quoted_names.size()].name);
        table.quoted_names.push_back(std::move(k));
    }
    AppendRowWithKeys(buf, table.quoted_names, row);
}

Status WriteTableJob(const std::string& path, const Table& table) {
    std::string buf;
    AppendTableRows(buf, table);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    out.close();
    if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
    SyncFile(path);
    return {};
}

Json ResourceToJson(const ResourceConfig& r) {
    return Json{{"name", r.name},
                {"table_name", r.table_name},
                {"write_disposition", r.write_disposition},
                {"merge_strategy", r.merge_strategy},
                {"primary_key", r.primary_key},
                {"max_table_nesting", r.max_table_nesting}};
}

ResourceConfig ResourceFromJson(const Json& j) {
    ResourceConfig r;
    r.name = j.value("name", std::string());
    r.table_name = j.value("table_name", std::string());
    r.write_disposition = j.value("write_disposition", std::string("append"));
    r.merge_strategy = j.value("merge_strategy", std::string("delete-insert"));
    r.primary_key = j.value("primary_key", std::vector<std::string>());
    r.max_table_nesting = j.value("max_table_nesting", 1000);
    return r;
}

Json TableToJson(const PackageTable& t) {
    Json cols = Json::array();
    for (const auto& c : t.table.columns)
        cols.push_back(Json{{"name", c.name}, {"data_type", DltTypeName(c.type)}});
    return Json{{"name", t.table.name},
                {"parent", t.table.parent},
                {"root", t.table.root},
                {"write_disposition", t.table.write_disposition},
                {"merge_strategy", t.table.merge_strategy},
                {"primary_key", t.table.primary_key},
                {"columns", cols},
                {"rows", t.rows},
                {"job", t.job_id}};
}

PackageTable TableFromJson(const Json& j) {
    PackageTable t;
    t.table.name = j.value("name", std::string());
    t.table.parent = j.value("parent", std::string());
    t.table.root = j.value("root", std::string());
    t.table.write_disposition = j.value("write_disposition", std::string("append"));
    t.table.merge_strategy = j.value("merge_strategy", std::string());
    t.table.primary_key = j.value("primary_key", std::vector<std::string>());
    for (const auto& c : j.value("columns", Json::array())) {
        t.table.column_index[c.value("name", std::string())] = t.table.columns.size();
        t.table.columns.push_back(Column{c.value("name", std::string()),
                                         DataTypeFromName(c.value("data_type", std::string())),
                                         true});
    }
    t.rows = j.value("rows", size_t{0});
    t.job_id = j.value("job", std::string());
    return t;
}

}  // namespace oc::pipeline
