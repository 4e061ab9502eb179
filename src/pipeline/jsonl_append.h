// Fast bulk load of a normalized jsonl job file into a DuckDB table: the file is read in blocks,
// parsed with simdjson (on demand) and appended in data chunks through the appender, so no row
// goes through a JSON DOM or SQL casts. Timestamps (ISO text in the job) are converted here.
#pragma once

#include "store/duckdb_api.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace oc::pipeline {

// Parses the ISO-8601 forms IsIsoTimestamp accepts into microseconds since the epoch (UTC); a
// string without an offset is taken as UTC. False for an invalid date or time.
bool ParseIsoTimestampMicros(std::string_view s, int64_t* micros);

enum class AppendOutcome { kLoaded, kUnsupported };

// Bytes that must be readable past the end of a buffer given to JsonlAppender::Append.
size_t JsonlPadding();

// Appends jsonl rows to one DuckDB table through its appender, in data chunks (columns matched
// by name; absent keys = NULL). Rows go into the connection's open transaction.
class JsonlAppender {
public:
    // Null (nothing opened) when the table has a column type this path does not handle, or its
    // column count differs from `columns` (the table's columns in order). naive_utc as below.
    static Result<std::unique_ptr<JsonlAppender>> Open(duckdb_connection conn,
                                                       const std::string& schema,
                                                       const std::string& table,
                                                       const std::vector<std::string>& columns,
                                                       bool naive_utc);
    ~JsonlAppender();
    // Appends the complete lines in [data, data + len); JsonlPadding() bytes past the end must be
    // readable. An error for a bad row (the transaction must roll back).
    Status Append(const char* data, size_t len);
    // Appends what is buffered and closes the appender.
    Status Close();
    int64_t rows() const;  // rows appended so far

private:
    struct Impl;
    explicit JsonlAppender(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// Appends every row of `path` to schema.table (columns matched by name; absent keys = NULL).
// kUnsupported (nothing appended) when the table has a column type this path does not handle, so
// the caller can use its general path; an error for a bad row (the transaction must roll back).
// naive_utc: the session time zone is UTC, so offset-less timestamps may be converted here; when
// false, tables with timestamp columns are kUnsupported.
Result<AppendOutcome> AppendJsonlJob(duckdb_connection conn, const std::string& schema,
                                     const std::string& table,
                                     const std::vector<std::string>& columns,
                                     const std::string& path, bool naive_utc);

}  // namespace oc::pipeline
