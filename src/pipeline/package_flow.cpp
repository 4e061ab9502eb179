#include "pipeline/package_flow.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

#include "pipeline/naming.h"
#include "pipeline/package_io.h"

namespace oc::pipeline {
namespace fs = std::filesystem;

namespace {

constexpr size_t kFlushRows = 5000;
constexpr const char* kManifest = "load_package_state.json";

Table SchemaOnly(const Table& t) {
    Table s;
    s.name = t.name;
    s.parent = t.parent;
    s.root = t.root;
    s.write_disposition = t.write_disposition;
    s.merge_strategy = t.merge_strategy;
    s.primary_key = t.primary_key;
    s.columns = t.columns;
    s.column_index = t.column_index;
    return s;
}

void SeedNormalizer(Normalizer& n, const ExistingSchema& existing) {
    for (const auto& [table, cols] : existing) {
        for (const auto& [name, type] : cols) n.SeedColumn(table, name, type);
    }
}

}  // namespace

Status NormalizedWriter::Flush(std::vector<Table>& tables) {
    std::string buf;
    for (Table& t : tables) {
        if (t.rows.empty() && t.jsonl_rows == 0) continue;
        Job& job = jobs_[t.name];
        if (!job.out) {
            job.file_id = NewFileId();
            JobFile f{t.name, job.file_id, 0, "jsonl", "new_jobs", ""};
            job.path = (fs::path(dir_) / "new_jobs" / f.file_name()).string();
            OC_ASSIGN_OR_RETURN(job.out, JobWriter::Create(job.path));
        }
        // With a streaming load its thread writes the job file (in order) and loads the rows.
        if (t.jsonl_rows > 0) {
            job.rows += t.jsonl_rows;
            if (stream_ != nullptr) {
                const size_t size = t.jsonl.size();
                stream_->Add(t, std::exchange(t.jsonl, std::string()), t.jsonl_rows, job.out.get());
                t.jsonl.reserve(size + size / 8);
            } else {
                OC_TRY(job.out->Write(t.jsonl));
                t.jsonl.clear();
            }
            t.jsonl_rows = 0;
        }
        if (!t.rows.empty()) {
            buf.clear();
            AppendTableRows(buf, t);
            job.rows += t.rows.size();
            if (stream_ != nullptr) {
                stream_->Add(t, std::exchange(buf, std::string()), t.rows.size(), job.out.get());
            } else {
                OC_TRY(job.out->Write(buf));
            }
            t.rows.clear();
            t.rows.shrink_to_fit();
        }
    }
    return {};
}

Status NormalizedWriter::Finish(std::vector<Table>& tables, Json base,
                                const ExistingSchema& existing) {
    OC_TRY(Flush(tables));
    if (stream_ != nullptr) {
        stream_->Close();  // every queued batch is in its job file
        if (!stream_->write_error().empty())
            return MakeError(ErrorCode::kInternal, stream_->write_error());
    }
    Json list = Json::array();
    int updates = 0;
    for (const Table& t : tables) {
        PackageTable pt;
        pt.table = SchemaOnly(t);
        auto it = jobs_.find(t.name);
        if (it != jobs_.end()) {
            OC_TRY(it->second.out->Close());
            pt.rows = it->second.rows;
            pt.job_id = JobFile{t.name, it->second.file_id, 0, "jsonl", "", ""}.job_id();
        }
        if (pt.rows > 0) {
            auto ex = existing.find(t.name);
            std::set<std::string> have;
            if (ex != existing.end()) {
                for (const auto& c : ex->second) have.insert(c.first);
            }
            bool updated = ex == existing.end();
            for (const auto& c : t.columns) updated = updated || have.count(c.name) == 0;
            updates += updated ? 1 : 0;
        }
        list.push_back(TableToJson(pt));
    }
    base["state"] = kPackageNormalized;
    base["tables"] = list;
    base["schema_updates"] = updates;
    base["normalized_at"] = NowIso();
    return WriteJsonFile((fs::path(dir_) / kManifest).string(), base);
}

PackageBuilder::PackageBuilder(const PackageStore& store, std::string load_id,
                               const PipelineConfig& config, const ExistingSchema& existing,
                               StreamingLoad* stream)
    : store_(store),
      load_id_(std::move(load_id)),
      config_(config),
      existing_(existing),
      normalizer_(load_id_),
      stream_(stream) {
    SeedNormalizer(normalizer_, existing_);
    normalizer_.SetMaxIdentifierLength(MaxIdentifierLength(config_.destination));
    normalizer_.StreamJsonl(true);
}

PackageBuilder::~PackageBuilder() {
    // The streaming load's thread may still be writing the job files the writer owns.
    if (stream_ != nullptr) stream_->Close();
    // Only unfinished `.tmp` dirs go; a committed package stays for the next run.
    std::error_code ec;
    if (!new_dir_.empty()) fs::remove_all(new_dir_, ec);
    if (!norm_dir_.empty()) fs::remove_all(norm_dir_, ec);
}

Status PackageBuilder::Begin() {
    OC_ASSIGN_OR_RETURN(new_dir_, store_.CreateTmp(kPackageNew, load_id_));
    OC_ASSIGN_OR_RETURN(norm_dir_, store_.CreateTmp(kPackageNormalized, load_id_));
    writer_ = std::make_unique<NormalizedWriter>(norm_dir_, stream_);
    return {};
}

Result<PackageBuilder::RawJob*> PackageBuilder::RawJobFor(const ResourceConfig& resource) {
    RawJob& raw = raw_[resource.name];
    if (!raw.out) {
        std::string stem = NormalizePath(resource.name);
        if (stem.empty()) stem = "resource";
        raw.file = JobFile{stem, NewFileId(), 0, "jsonl", "", ""}.file_name();
        OC_ASSIGN_OR_RETURN(raw.out,
                            JobWriter::Create((fs::path(new_dir_) / "new_jobs" / raw.file).string()));
    }
    return &raw;
}

Status PackageBuilder::Added(RawJob& raw, size_t rows) {
    raw.rows += rows;
    rows_ += rows;
    buffered_ += rows;
    if (buffered_ >= kFlushRows) {
        OC_TRY(writer_->Flush(normalizer_.tables()));
        buffered_ = 0;
    }
    return {};
}

Status PackageBuilder::AddPage(const ResourceConfig& resource, const std::vector<Json>& rows) {
    if (!resource.selected || rows.empty()) return {};
    OC_ASSIGN_OR_RETURN(RawJob * raw, RawJobFor(resource));
    std::string buf;
    for (const auto& r : rows) {
        buf += DumpJson(r);
        buf += '\n';
    }
    OC_TRY(raw->out->Write(buf));
    normalizer_.AddResource(resource, rows);
    return Added(*raw, rows.size());
}

Status PackageBuilder::AddRawPage(const ResourceConfig& resource, const RawRecords& rows) {
    if (!resource.selected || RawCount(rows) == 0) return {};
    OC_ASSIGN_OR_RETURN(RawJob * raw, RawJobFor(resource));
    OC_TRY(raw->out->Write(RawLines(rows)));
    normalizer_.AddResourceRaw(resource, rows);
    return Added(*raw, RawCount(rows));
}

Status PackageBuilder::Finish(const Json& pipeline_state) {
    Json resources = Json::array();
    for (const auto& r : config_.resources) {
        if (!r.selected) continue;
        normalizer_.AddResource(r, {});  // registers tables of resources without rows
        Json entry = Json{{"resource", ResourceToJson(r)}, {"job", ""}, {"rows", 0}};
        auto it = raw_.find(r.name);
        if (it != raw_.end()) {
            OC_TRY(it->second.out->Close());
            entry["job"] = it->second.file;
            entry["rows"] = it->second.rows;
        }
        resources.push_back(entry);
    }
    Json base = Json{{"load_id", load_id_},
                     {"schema_name", config_.source_name},
                     {"pipeline_name", config_.pipeline_name},
                     {"created_at", NowIso()},
                     {"pipeline_state", pipeline_state}};
    Json manifest = base;
    manifest["state"] = kPackageNew;
    manifest["resources"] = resources;
    OC_TRY(WriteJsonFile((fs::path(new_dir_) / kManifest).string(), manifest));
    TestPause("extract");
    OC_TRY(store_.Move(load_id_, kPackageNew, kPackageNew, true));
    new_dir_.clear();
    OC_TRY(writer_->Finish(normalizer_.tables(), base, existing_));
    TestPause("normalize");
    OC_TRY(store_.Move(load_id_, kPackageNormalized, kPackageNormalized, true));
    norm_dir_.clear();
    finished_ = true;
    std::error_code ec;
    fs::remove_all(store_.PackagePath(kPackageNew, load_id_), ec);
    return {};
}

Status NormalizeNewPackage(const PackageStore& store, const std::string& load_id,
                           Destination& dest) {
    const std::string dir = store.PackagePath(kPackageNew, load_id);
    OC_ASSIGN_OR_RETURN(Json manifest, ReadJsonFile((fs::path(dir) / kManifest).string()));
    OC_ASSIGN_OR_RETURN(ExistingSchema existing, dest.ExistingColumns());
    Normalizer normalizer(load_id);
    SeedNormalizer(normalizer, existing);
    normalizer.SetMaxIdentifierLength(MaxIdentifierLength(dest.name()));
    OC_ASSIGN_OR_RETURN(std::string tmp, store.CreateTmp(kPackageNormalized, load_id));
    NormalizedWriter writer(tmp);
    for (const auto& entry : manifest.value("resources", Json::array())) {
        ResourceConfig rc = ResourceFromJson(entry.value("resource", Json::object()));
        std::vector<Json> records;
        std::string job = entry.value("job", std::string());
        if (!job.empty()) {
            OC_ASSIGN_OR_RETURN(records,
                                ReadRecordsFile((fs::path(dir) / "new_jobs" / job).string()));
        }
        normalizer.AddResource(rc, records);
        OC_TRY(writer.Flush(normalizer.tables()));
    }
    Json base = manifest;
    base.erase("resources");
    OC_TRY(writer.Finish(normalizer.tables(), base, existing));
    TestPause("normalize");
    OC_TRY(store.Move(load_id, kPackageNormalized, kPackageNormalized, true));
    std::error_code ec;
    fs::remove_all(dir, ec);
    return {};
}

Result<LoadedPackage> LoadNormalizedPackage(const PackageStore& store, const std::string& load_id,
                                            Destination& dest, StreamingLoad* stream) {
    if (stream != nullptr) stream->Close();  // the destination is used from this thread below
    const fs::path dir = store.PackagePath(kPackageNormalized, load_id);
    OC_ASSIGN_OR_RETURN(Json manifest, ReadJsonFile((dir / kManifest).string()));
    std::error_code ec;
    // Jobs that failed in an earlier attempt are retried with the next retry number.
    for (JobFile job : PackageStore::Jobs(dir.string())) {
        if (job.folder != "failed_jobs") continue;
        fs::remove(job.path + ".exception", ec);
        ++job.retry;
        fs::create_directories(dir / "new_jobs", ec);
        fs::rename(job.path, dir / "new_jobs" / job.file_name(), ec);
    }
    std::map<std::string, JobFile> jobs;
    for (const JobFile& job : PackageStore::Jobs(dir.string())) jobs[job.job_id()] = job;
    NormalizedPackage pkg;
    pkg.load_id = load_id;
    pkg.schema_name = manifest.value("schema_name", std::string("rest_api"));
    pkg.pipeline_name = manifest.value("pipeline_name", std::string());
    pkg.state = manifest.value("pipeline_state", Json());
    for (const auto& t : manifest.value("tables", Json::array())) {
        PackageTable pt = TableFromJson(t);
        if (!pt.job_id.empty()) {
            auto it = jobs.find(pt.job_id);
            if (it == jobs.end()) {
                return MakeError(ErrorCode::kInternal, "load package " + load_id + ": job file " +
                                                           pt.job_id + " is missing");
            }
            pt.path = it->second.path;
        }
        pkg.tables.push_back(std::move(pt));
    }
    OC_ASSIGN_OR_RETURN(bool loaded, dest.IsLoaded(load_id));
    const std::string started_at = NowIso();
    auto t0 = std::chrono::steady_clock::now();
    bool streamed = false;
    if (!loaded && stream != nullptr) {
        streamed = stream->Commit(pkg);
        // A commit can fail after the rows were published (e.g. its checkpoint failed): ask again.
        if (!streamed) {
            OC_ASSIGN_OR_RETURN(loaded, dest.IsLoaded(load_id));
        }
    }
    if (!loaded && !streamed) {
        std::string failed_job;
        Status st = dest.Load(pkg, &failed_job);
        if (!st) {
            auto it = jobs.find(failed_job);
            if (!failed_job.empty() && it != jobs.end()) {
                fs::create_directories(dir / "failed_jobs", ec);
                fs::path to = dir / "failed_jobs" / it->second.file_name();
                fs::rename(it->second.path, to, ec);
                std::ofstream(to.string() + ".exception") << st.error().message;
                return MakeError(ErrorCode::kInternal, "load package " + load_id + ": job " +
                                                           failed_job +
                                                           " failed: " + st.error().message);
            }
            return MakeError(st.error().code,
                             "load package " + load_id + " failed: " + st.error().message);
        }
    }
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    TestPause("loaded");
    fs::create_directories(dir / "completed_jobs", ec);
    for (const auto& [id, job] : jobs) {
        if (job.folder == "new_jobs") fs::rename(job.path, dir / "completed_jobs" / job.file_name(), ec);
    }
    const std::string loaded_at = NowIso();
    OC_TRY(WriteJsonFile((dir / "package_completed.json").string(),
                         Json{{"loaded_at", loaded_at},
                              {"started_at", started_at},
                              {"elapsed", elapsed},
                              {"already_loaded", loaded},
                              {"streamed", streamed}}));
    manifest["state"] = kPackageLoaded;
    manifest["loaded_at"] = loaded_at;
    OC_TRY(WriteJsonFile((dir / kManifest).string(), manifest));
    OC_TRY(store.Move(load_id, kPackageNormalized, kPackageLoaded));
    return LoadedPackage{load_id, std::move(pkg.tables), pkg.state};
}

}  // namespace oc::pipeline
