// Load packages on disk (reference pipeline.md §8.2): every run's data lives in the pipeline's
// working dir `<pipelines_dir>/<pipeline_name>/load/{new,normalized,loaded}/<load_id>/` and a
// package moves new → normalized → loaded by an atomic directory rename. A package is built in
// `<load_id>.tmp` and renamed into place only when complete, so a killed run leaves either a
// whole package or a `.tmp` leftover that the next run deletes.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::pipeline {

inline constexpr const char* kPackageNew = "new";
inline constexpr const char* kPackageNormalized = "normalized";
inline constexpr const char* kPackageLoaded = "loaded";

// `<dir>`, else `<data_dir>/pipelines`, else `$DLT_DATA_DIR/pipelines`, else `~/.dlt/pipelines`.
std::string ResolvePipelinesDir(const std::string& dir, const std::string& data_dir);

struct JobFile {
    std::string table;
    std::string file_id;
    int retry = 0;
    std::string format;  // jsonl
    std::string folder;  // new_jobs | completed_jobs | failed_jobs
    std::string path;    // absolute

    std::string file_name() const;  // <table>.<file_id>.<retry>.<format>
    std::string job_id() const;     // <table>.<file_id>.<format>
};

// Parses `<table>.<file_id>.<retry>.<format>`; false for other names.
bool ParseJobFileName(const std::string& name, JobFile* out);

// A 10-hex-char file id (random).
std::string NewFileId();

class PackageStore {
public:
    // working_dir = `<pipelines_dir>/<pipeline_name>`.
    explicit PackageStore(std::string working_dir) : dir_(std::move(working_dir)) {}
    const std::string& dir() const { return dir_; }

    std::string PackagePath(const std::string& state, const std::string& load_id) const;
    // Deletes `.tmp` leftovers and resolves a package present in two states (the later wins).
    Status Recover() const;
    // Load ids in a state, oldest first.
    std::vector<std::string> List(const std::string& state) const;
    // The state the package is in ("" when not found).
    std::string StateOf(const std::string& load_id) const;
    // Atomically renames `<from>/<id>` (or `<from>/<id>.tmp` when from_tmp) to `<to>/<id>`.
    Status Move(const std::string& load_id, const std::string& from, const std::string& to,
                bool from_tmp = false) const;
    // A fresh `<state>/<load_id>.tmp` directory (removed first when it exists).
    Result<std::string> CreateTmp(const std::string& state, const std::string& load_id) const;

    // Jobs of a package in every job folder.
    static std::vector<JobFile> Jobs(const std::string& package_path);

private:
    std::string dir_;
};

// The package manifest `load_package_state.json` (and other small JSON files).
Result<Json> ReadJsonFile(const std::string& path);
// Writes via a temp file + rename + fsync, so a reader never sees half a file.
Status WriteJsonFile(const std::string& path, const Json& doc);

// Test hook: when env CORTEX_PIPELINE_TEST_PAUSE equals `point`, prints
// `cortex pipeline: paused at <point>` to stderr and sleeps (up to 120 s) so a test can kill -9.
void TestPause(const char* point);

// ISO-8601 UTC with microseconds and `+00:00` (as dlt prints pendulum times).
std::string NowIso();

}  // namespace oc::pipeline
