// Reading and writing the files inside a load package: raw extracted records (jsonl per
// resource), normalized table jobs (jsonl per table, typed values) and the manifests.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/destination.h"
#include "pipeline/normalize.h"

namespace oc::pipeline {

// Writes records one JSON document per line.
Status WriteRecordsFile(const std::string& path, const std::vector<Json>& records);
Result<std::vector<Json>> ReadRecordsFile(const std::string& path);

// Writes the rows of a normalized table as jsonl: one object per row with the row's non-null
// columns; json columns are embedded as JSON values, timestamps as ISO text.
Status WriteTableJob(const std::string& path, const Table& table);
// Appends the rows of table to buf in the same format.
void AppendTableRows(std::string& buf, const Table& table);
// Appends one row of table in that format (caches the quoted column names in the table).
void AppendRow(std::string& buf, Table& table, const std::vector<std::pair<size_t, Cell>>& row);

// The resource fields the normalizer needs, stored in a new package so it is self-contained.
Json ResourceToJson(const ResourceConfig& r);
ResourceConfig ResourceFromJson(const Json& j);

// Table schema (no rows) ⇄ manifest JSON.
Json TableToJson(const PackageTable& t);
PackageTable TableFromJson(const Json& j);

// fsyncs a file (no-op when it cannot be opened).
void SyncFile(const std::string& path);

// A job file being appended to. Writes go straight to the file, and every few MB the kernel is
// asked to start writing the new bytes back (sync_file_range), so the sync at Close finds little
// left to wait for.
class JobWriter {
public:
    static Result<std::unique_ptr<JobWriter>> Create(const std::string& path);
    ~JobWriter();  // closes without syncing
    JobWriter(const JobWriter&) = delete;
    JobWriter& operator=(const JobWriter&) = delete;

    Status Write(std::string_view data);
    Status Close();  // syncs and closes
    const std::string& path() const { return path_; }

private:
    JobWriter(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_;
    std::string path_;
    uint64_t written_ = 0;
    uint64_t kicked_ = 0;  // bytes whose write-back was started
};

}  // namespace oc::pipeline
