// The extract → normalize → load flow of load packages (reference pipeline.md §8.2):
// - PackageBuilder takes a run's pages as extract streams them: raw records go to
//   `load/new/<id>.tmp/new_jobs/<resource>.<file_id>.0.jsonl`, normalized rows (flushed in
//   batches) to `load/normalized/<id>.tmp/new_jobs/<table>.<file_id>.0.jsonl`. Finish renames
//   the new package into place (extract done), then the normalized one, then drops the new one.
// - NormalizeNewPackage redoes normalize for a `new` package left by a killed run.
// - LoadNormalizedPackage loads a `normalized` package (skipping the load when the destination
//   already has its `_dlt_loads` entry), moves its jobs to completed_jobs and the package to
//   `loaded`. A job the destination rejects goes to failed_jobs with a `.exception` file and the
//   package stays normalized (retried by the next run).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"
#include "pipeline/destination.h"
#include "pipeline/normalize.h"
#include "pipeline/package.h"
#include "pipeline/package_io.h"
#include "pipeline/raw_records.h"
#include "pipeline/stream_load.h"

namespace oc::pipeline {

// Appends normalized rows to one job file per table in a package dir.
class NormalizedWriter {
public:
    // stream: also hands every flushed batch to it (null = none).
    explicit NormalizedWriter(std::string package_dir, StreamingLoad* stream = nullptr)
        : dir_(std::move(package_dir)), stream_(stream) {}
    // Appends every table's buffered rows to its job file and clears them.
    Status Flush(std::vector<Table>& tables);
    // Flushes, closes the files and writes the manifest (`base` plus `tables`, `schema_updates`).
    Status Finish(std::vector<Table>& tables, Json base, const ExistingSchema& existing);

private:
    struct Job {
        std::string file_id;
        std::string path;
        size_t rows = 0;
        std::unique_ptr<JobWriter> out;
    };
    std::string dir_;
    StreamingLoad* stream_;
    std::map<std::string, Job> jobs_;
};

class PackageBuilder {
public:
    // stream: the destination's load of this package while it is normalized (null = none).
    PackageBuilder(const PackageStore& store, std::string load_id, const PipelineConfig& config,
                   const ExistingSchema& existing, StreamingLoad* stream = nullptr);
    ~PackageBuilder();
    Status Begin();
    // One page of a resource (unselected resources are ignored).
    Status AddPage(const ResourceConfig& resource, const std::vector<Json>& rows);
    // The same for a page parsed in place (extract.h RawPageSink).
    Status AddRawPage(const ResourceConfig& resource, const RawRecords& rows);
    size_t rows() const { return rows_; }
    // pipeline_state: the state to store with the package (null = unchanged).
    Status Finish(const Json& pipeline_state);
    const std::string& load_id() const { return load_id_; }

private:
    struct RawJob {
        std::string file;
        size_t rows = 0;
        std::unique_ptr<JobWriter> out;
    };
    // The raw job of a resource (opened on first use).
    Result<RawJob*> RawJobFor(const ResourceConfig& resource);
    // Counts rows just normalized; flushes the normalized rows every kFlushRows.
    Status Added(RawJob& raw, size_t rows);
    const PackageStore& store_;
    std::string load_id_;
    const PipelineConfig& config_;
    ExistingSchema existing_;
    Normalizer normalizer_;
    std::string new_dir_, norm_dir_;
    StreamingLoad* stream_;
    std::unique_ptr<NormalizedWriter> writer_;
    std::map<std::string, RawJob> raw_;  // by resource name
    size_t rows_ = 0;
    size_t buffered_ = 0;
    bool finished_ = false;
};

Status NormalizeNewPackage(const PackageStore& store, const std::string& load_id,
                           Destination& dest);

struct LoadedPackage {
    std::string load_id;
    std::vector<PackageTable> tables;
    Json state;  // the state stored with the package (null = unchanged)
};

// stream: the streaming load that took the package's rows as they were normalized; the package
// is loaded the usual way when it gives up.
Result<LoadedPackage> LoadNormalizedPackage(const PackageStore& store, const std::string& load_id,
                                            Destination& dest, StreamingLoad* stream = nullptr);

}  // namespace oc::pipeline
