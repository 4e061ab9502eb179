// Fast bulk load of a normalized jsonl job file into a DuckDB table: the file is read in blocks,
// parsed with simdjson (on demand) and appended in data chunks through the appender, so no row
// goes through a JSON DOM or SQL casts. Timestamps (ISO text in the job) are converted here.
#pragma once

#include "store/duckdb_api.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace oc::pipeline {

// Parses the ISO-8601 forms IsIsoTimestamp accepts into microseconds since the epoch (UTC); a
// string without an offset is taken as UTC. False for an invalid date or time.
bool ParseIsoTimestampMicros(std::string_view s, int64_t* micros);

enum class AppendOutcome { kLoaded, kUnsupported };

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
