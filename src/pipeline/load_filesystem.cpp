#include "pipeline/load_filesystem.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/digest.h"
#include "pipeline/package.h"
#include "pipeline/package_io.h"
#include "pipeline/secrets.h"
#include "store/duckdb/connection.h"

namespace oc::pipeline {
namespace {

namespace fs = std::filesystem;

// Hex of the bytes a base64 string encodes (the file-name form of a version hash).
std::string HexOfBase64(const std::string& b64) {
    static const std::string kTable =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string hex;
    unsigned buf = 0;
    int bits = 0;
    for (char c : b64) {
        size_t v = kTable.find(c);
        if (v == std::string::npos) continue;
        buf = (buf << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            char out[3];
            std::snprintf(out, sizeof(out), "%02x", (buf >> bits) & 0xFF);
            hex += out;
        }
    }
    return hex;
}

// Load id part of `<prefix>__<load_id>[__<hash>].jsonl`.
std::string LoadIdOf(const std::string& file, const std::string& prefix) {
    if (file.rfind(prefix + "__", 0) != 0) return "";
    std::string rest = file.substr(prefix.size() + 2);
    size_t end = rest.find("__");
    if (end == std::string::npos) end = rest.rfind(".jsonl");
    return end == std::string::npos ? "" : rest.substr(0, end);
}

double LoadIdNumber(const std::string& id) { return std::strtod(id.c_str(), nullptr); }

// The newest (by load id) file of dir whose name starts with `<prefix>__`.
std::string NewestFile(const fs::path& dir, const std::string& prefix) {
    std::error_code ec;
    std::string best, best_id;
    if (!fs::is_directory(dir, ec)) return best;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        std::string id = LoadIdOf(e.path().filename().string(), prefix);
        if (id.empty()) continue;
        if (best.empty() || LoadIdNumber(id) > LoadIdNumber(best_id)) {
            best = e.path().string();
            best_id = id;
        }
    }
    return best;
}

Status WriteLine(const fs::path& path, const Json& row) {
    fs::path tmp = path.parent_path() / ("." + path.filename().string() + ".part");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << DumpJson(row) << "\n";
        if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path.string());
    }
    SyncFile(tmp.string());
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return MakeError(ErrorCode::kInternal, "cannot write " + path.string());
    return {};
}

class FilesystemDestination : public Destination {
public:
    FilesystemDestination(std::string bucket, std::string dataset, std::string format,
                          std::string schema_name)
        : bucket_(std::move(bucket)),
          root_(fs::path(bucket_) / dataset),
          format_(std::move(format)),
          schema_name_(std::move(schema_name)) {}

    std::string name() const override { return "filesystem"; }
    std::string location() const override { return "file://" + bucket_; }

    Result<Json> LoadState(const std::string& pipeline_name) override {
        std::string file = NewestFile(root_ / "_dlt_pipeline_state", pipeline_name);
        if (file.empty()) return Json();
        OC_ASSIGN_OR_RETURN(auto rows, ReadRecordsFile(file));
        if (rows.empty()) return Json();
        auto doc = ParseJson(DecompressState(rows[0].value("state", std::string())));
        if (!doc) return MakeError(ErrorCode::kInternal, "stored pipeline state is not readable");
        return *doc;
    }

    Result<ExistingSchema> ExistingColumns() override {
        std::string file = NewestFile(root_ / "_dlt_version", schema_name_);
        if (file.empty()) return ExistingSchema{};
        OC_ASSIGN_OR_RETURN(auto rows, ReadRecordsFile(file));
        if (rows.empty()) return ExistingSchema{};
        auto schema = ParseJson(rows[0].value("schema", std::string()));
        if (!schema) return MakeError(ErrorCode::kInternal, file + ": schema is not readable");
        return SchemaFromJson(*schema);
    }

    Result<bool> IsLoaded(const std::string& load_id) override {
        std::error_code ec;
        return fs::exists(LoadsFile(load_id), ec);
    }

    Status Load(const NormalizedPackage& package, std::string* failed_job) override {
        std::error_code ec;
        fs::create_directories(root_, ec);
        if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + root_.string());
        if (!fs::exists(root_ / "init", ec)) {
            OC_TRY(WriteLine(root_ / "init", Json{{"initial_version", 2}, {"current_version", 2}}));
        }
        OC_ASSIGN_OR_RETURN(ExistingSchema existing, ExistingColumns());
        for (const auto& t : package.tables) {
            if (!t.table.parent.empty() || t.table.write_disposition != "replace") continue;
            for (const auto& e : fs::directory_iterator(root_, ec)) {
                std::string name = e.path().filename().string();
                if (e.is_directory() &&
                    (name == t.table.name || name.rfind(t.table.name + "__", 0) == 0)) {
                    for (const auto& f : fs::directory_iterator(e.path(), ec)) {
                        // This package's own files are rewritten below anyway.
                        fs::remove(f.path(), ec);
                    }
                }
            }
        }
        bool first = true;
        for (const auto& t : package.tables) {
            if (t.rows == 0) continue;
            Status st = WriteJob(package.load_id, t);
            if (!st) {
                *failed_job = t.job_id;
                return st;
            }
            if (first) TestPause("load");
            first = false;
        }
        ExistingSchema merged = MergeSchema(std::move(existing), package);
        Json schema = SchemaJson(package.schema_name, merged);
        std::string hash = Sha3Base64(DumpJson(schema));
        OC_TRY(WriteVersion(package, schema, hash));
        if (!package.state.is_null()) {
            std::string vh = package.state.value("_version_hash", std::string());
            fs::path dir = root_ / "_dlt_pipeline_state";
            fs::create_directories(dir, ec);
            OC_TRY(WriteLine(dir / (package.pipeline_name + "__" + package.load_id + "__" +
                                    HexOfBase64(vh) + ".jsonl"),
                             Json{{"version", package.state.value("_state_version", int64_t{1})},
                                  {"engine_version", 4},
                                  {"pipeline_name", package.pipeline_name},
                                  {"state", CompressState(DumpJson(package.state))},
                                  {"created_at", NowIso()},
                                  {"version_hash", vh},
                                  {"_dlt_load_id", package.load_id},
                                  {"_dlt_id", RandomId()}}));
        }
        fs::create_directories(root_ / "_dlt_loads", ec);
        return WriteLine(LoadsFile(package.load_id), Json{{"load_id", package.load_id},
                                                         {"schema_name", package.schema_name},
                                                         {"status", 0},
                                                         {"inserted_at", NowIso()},
                                                         {"schema_version_hash", hash}});
    }

private:
    fs::path LoadsFile(const std::string& load_id) const {
        return root_ / "_dlt_loads" / (schema_name_ + "__" + load_id + ".jsonl");
    }

    Status WriteVersion(const NormalizedPackage& package, const Json& schema,
                        const std::string& hash) {
        std::error_code ec;
        fs::path dir = root_ / "_dlt_version";
        fs::create_directories(dir, ec);
        const std::string suffix = "__" + HexOfBase64(hash) + ".jsonl";
        int64_t versions = 1;
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            std::string name = e.path().filename().string();
            if (LoadIdOf(name, package.schema_name).empty()) continue;
            if (name.size() > suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
                return {};
            ++versions;
        }
        return WriteLine(dir / (package.schema_name + "__" + package.load_id + suffix),
                         Json{{"version", versions + 1},
                              {"engine_version", 11},
                              {"inserted_at", NowIso()},
                              {"schema_name", package.schema_name},
                              {"version_hash", hash},
                              {"schema", DumpJson(schema)}});
    }

    // Writes `<table>/<load_id>.<file_id>.<ext>`; files of an earlier attempt of the same
    // package are removed first, so a retried load leaves exactly one copy.
    Status WriteJob(const std::string& load_id, const PackageTable& t) {
        std::error_code ec;
        fs::path dir = root_ / t.table.name;
        fs::create_directories(dir, ec);
        for (const auto& e : fs::directory_iterator(dir, ec)) {
            std::string name = e.path().filename().string();
            if (name.rfind(load_id + ".", 0) == 0 || name.rfind("." + load_id + ".", 0) == 0)
                fs::remove(e.path(), ec);
        }
        std::string file_id = t.job_id.substr(t.table.name.size() + 1);
        file_id = file_id.substr(0, file_id.find('.'));
        const std::string file = load_id + "." + file_id + "." + format_;
        fs::path tmp = dir / ("." + file + ".part");
        fs::path dst = dir / file;
        if (format_ == "jsonl") {
            fs::copy_file(t.path, tmp, fs::copy_options::overwrite_existing, ec);
            if (ec) return MakeError(ErrorCode::kInternal, "write " + dst.string() + ": " + ec.message());
        } else {
            if (!duck_) {
                OC_ASSIGN_OR_RETURN(duck_db_, store::Database::Open(":memory:"));
                OC_ASSIGN_OR_RETURN(duck_, duck_db_->Connect());
            }
            std::string opts = format_ == "parquet" ? "FORMAT parquet" : "FORMAT csv, HEADER true";
            Status st = duck_->Execute("COPY (SELECT " + CastSelectList(t) + " FROM " +
                                       ReadJobSql(t) + ") TO " + SqlString(tmp.string()) + " (" +
                                       opts + ")");
            if (!st) {
                return MakeError(ErrorCode::kInternal,
                                 "write " + dst.string() + ": " + st.error().message);
            }
        }
        SyncFile(tmp.string());
        fs::rename(tmp, dst, ec);
        if (ec) return MakeError(ErrorCode::kInternal, "write " + dst.string() + ": " + ec.message());
        return {};
    }

    std::string bucket_;
    fs::path root_;
    std::string format_;
    std::string schema_name_;
    std::unique_ptr<store::Database> duck_db_;
    std::unique_ptr<store::Connection> duck_;
};

}  // namespace

Result<std::unique_ptr<Destination>> OpenFilesystemDestination(const PipelineConfig& config) {
    auto url = LookupConfigValue(config.secrets, config.pipeline_name,
                                 {"destination", "filesystem", "bucket_url"});
    if (!url) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "destination filesystem needs `bucket_url` (env "
                         "DESTINATION__FILESYSTEM__BUCKET_URL or [destination.filesystem] "
                         "bucket_url in .dlt/config.toml)");
    }
    std::string path = *url;
    if (path.rfind("file://", 0) == 0) {
        path = path.substr(7);
    } else if (path.find("://") != std::string::npos) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "destination filesystem: bucket_url `" + path +
                             "` is not supported (a local path or file:// URL)");
    }
    fs::path p(path);
    if (p.is_relative()) p = fs::path(config.secrets.project_dir) / p;
    std::error_code ec;
    p = fs::absolute(p, ec).lexically_normal();
    std::string s = p.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    std::string format = config.loader_file_format;
    if (format.empty()) {
        format = LookupConfigValue(config.secrets, config.pipeline_name,
                                   {"normalize", "loader_file_format"})
                     .value_or("jsonl");
    }
    if (format != "jsonl" && format != "parquet" && format != "csv") {
        return MakeError(ErrorCode::kInvalidArgument,
                         "loader_file_format `" + format + "` is not supported (jsonl, parquet, csv)");
    }
    return std::unique_ptr<Destination>(
        new FilesystemDestination(s, config.dataset_name, format, config.source_name));
}

}  // namespace oc::pipeline
