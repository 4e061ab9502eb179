#include "pipeline/load_filesystem.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/digest.h"
#include "pipeline/object_store.h"
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

std::string BaseName(const std::string& key) { return key.substr(key.rfind('/') + 1); }

// The newest (by load id) of keys whose file name starts with `<prefix>__`; "" when none.
std::string NewestKey(const std::vector<std::string>& keys, const std::string& prefix) {
    std::string best, best_id;
    for (const auto& key : keys) {
        std::string id = LoadIdOf(BaseName(key), prefix);
        if (id.empty()) continue;
        if (best.empty() || LoadIdNumber(id) > LoadIdNumber(best_id)) {
            best = key;
            best_id = id;
        }
    }
    return best;
}

// The first record of a jsonl object (system files hold one).
Result<Json> FirstRecord(const std::string& text, const std::string& key) {
    auto doc = ParseJson(text.substr(0, text.find('\n')));
    if (!doc || !doc->is_object()) return MakeError(ErrorCode::kInternal, key + " is not readable");
    return *doc;
}

class FilesystemDestination : public Destination {
public:
    FilesystemDestination(std::unique_ptr<ObjectStore> store, std::string dataset,
                          std::string format, std::string schema_name)
        : store_(std::move(store)),
          root_(dataset.empty() ? "" : dataset + "/"),
          format_(std::move(format)),
          schema_name_(std::move(schema_name)) {}

    std::string name() const override { return "filesystem"; }
    std::string location() const override { return store_->url(); }

    Result<Json> LoadState(const std::string& pipeline_name) override {
        OC_ASSIGN_OR_RETURN(auto keys, store_->List(root_ + "_dlt_pipeline_state/"));
        std::string key = NewestKey(keys, pipeline_name);
        if (key.empty()) return Json();
        OC_ASSIGN_OR_RETURN(std::string text, store_->Get(key));
        OC_ASSIGN_OR_RETURN(Json row, FirstRecord(text, key));
        auto doc = ParseJson(DecompressState(row.value("state", std::string())));
        if (!doc) return MakeError(ErrorCode::kInternal, "stored pipeline state is not readable");
        return *doc;
    }

    Result<ExistingSchema> ExistingColumns() override {
        OC_ASSIGN_OR_RETURN(auto keys, store_->List(root_ + "_dlt_version/"));
        std::string key = NewestKey(keys, schema_name_);
        if (key.empty()) return ExistingSchema{};
        OC_ASSIGN_OR_RETURN(std::string text, store_->Get(key));
        OC_ASSIGN_OR_RETURN(Json row, FirstRecord(text, key));
        auto schema = ParseJson(row.value("schema", std::string()));
        if (!schema) return MakeError(ErrorCode::kInternal, key + ": schema is not readable");
        return SchemaFromJson(*schema);
    }

    Result<bool> IsLoaded(const std::string& load_id) override {
        return store_->Exists(LoadsKey(load_id));
    }

    Status Load(const NormalizedPackage& package, std::string* failed_job) override {
        OC_ASSIGN_OR_RETURN(bool init, store_->Exists(root_ + "init"));
        if (!init) {
            OC_TRY(PutLine(root_ + "init", Json{{"initial_version", 2}, {"current_version", 2}}));
        }
        OC_ASSIGN_OR_RETURN(ExistingSchema existing, ExistingColumns());
        for (const auto& t : package.tables) {
            if (!t.table.parent.empty() || t.table.write_disposition != "replace") continue;
            // Files of the table and of its nested tables go (this package's own files are
            // written again below anyway).
            for (const std::string& prefix : {root_ + t.table.name + "/", root_ + t.table.name + "__"}) {
                OC_ASSIGN_OR_RETURN(auto keys, store_->List(prefix));
                for (const auto& key : keys) {
                    if (key.find('/', root_.size()) != std::string::npos) OC_TRY(store_->Delete(key));
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
            OC_TRY(PutLine(root_ + "_dlt_pipeline_state/" + package.pipeline_name + "__" +
                               package.load_id + "__" + HexOfBase64(vh) + ".jsonl",
                           Json{{"version", package.state.value("_state_version", int64_t{1})},
                                {"engine_version", 4},
                                {"pipeline_name", package.pipeline_name},
                                {"state", CompressState(DumpJson(package.state))},
                                {"created_at", NowIso()},
                                {"version_hash", vh},
                                {"_dlt_load_id", package.load_id},
                                {"_dlt_id", RandomId()}}));
        }
        return PutLine(LoadsKey(package.load_id), Json{{"load_id", package.load_id},
                                                      {"schema_name", package.schema_name},
                                                      {"status", 0},
                                                      {"inserted_at", NowIso()},
                                                      {"schema_version_hash", hash}});
    }

private:
    std::string LoadsKey(const std::string& load_id) const {
        return root_ + "_dlt_loads/" + schema_name_ + "__" + load_id + ".jsonl";
    }

    Status PutLine(const std::string& key, const Json& row) {
        return store_->Put(key, DumpJson(row) + "\n");
    }

    Status WriteVersion(const NormalizedPackage& package, const Json& schema,
                        const std::string& hash) {
        const std::string suffix = "__" + HexOfBase64(hash) + ".jsonl";
        OC_ASSIGN_OR_RETURN(auto keys, store_->List(root_ + "_dlt_version/"));
        int64_t versions = 1;
        for (const auto& key : keys) {
            const std::string name = BaseName(key);
            if (LoadIdOf(name, package.schema_name).empty()) continue;
            if (name.size() > suffix.size() &&
                name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
                return {};
            ++versions;
        }
        return PutLine(root_ + "_dlt_version/" + package.schema_name + "__" + package.load_id +
                           suffix,
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
        const std::string dir = root_ + t.table.name + "/";
        OC_ASSIGN_OR_RETURN(auto keys, store_->List(dir));
        for (const auto& key : keys) {
            if (BaseName(key).rfind(load_id + ".", 0) == 0) OC_TRY(store_->Delete(key));
        }
        std::string file_id = t.job_id.substr(t.table.name.size() + 1);
        file_id = file_id.substr(0, file_id.find('.'));
        const std::string key = dir + load_id + "." + file_id + "." + format_;
        if (format_ == "jsonl") return store_->PutFile(key, t.path);
        if (!duck_) {
            OC_ASSIGN_OR_RETURN(duck_db_, store::Database::Open(":memory:"));
            OC_ASSIGN_OR_RETURN(duck_, duck_db_->Connect());
        }
        // Written beside the job file, then put.
        const std::string local = t.path + "." + format_;
        std::string opts = format_ == "parquet" ? "FORMAT parquet" : "FORMAT csv, HEADER true";
        Status st = duck_->Execute("COPY (SELECT " + CastSelectList(t) + " FROM " + ReadJobSql(t) +
                                   ") TO " + SqlString(local) + " (" + opts + ")");
        if (st) st = store_->PutFile(key, local);
        std::error_code ec;
        fs::remove(local, ec);
        if (!st) {
            return MakeError(ErrorCode::kInternal,
                             "write " + store_->url() + "/" + key + ": " + st.error().message);
        }
        return {};
    }

    std::unique_ptr<ObjectStore> store_;
    std::string root_;  // `<dataset>/`
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
    OC_ASSIGN_OR_RETURN(auto store, OpenObjectStore(*url, config));
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
        new FilesystemDestination(std::move(store), config.dataset_name, format,
                                  config.source_name));
}

}  // namespace oc::pipeline
