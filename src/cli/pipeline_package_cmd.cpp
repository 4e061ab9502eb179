#include "cli/pipeline_package_cmd.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/package.h"

namespace oc::cli {
namespace {

namespace fs = std::filesystem;
using pipeline::JobFile;
using pipeline::PackageStore;

struct PackageFlags {
    std::string load_id;
    std::string pipelines_dir;
    std::string data_dir;
    bool verbose = false;
};

int Fail(const std::string& message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return 1;
}

std::string Upper(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// humanize.naturalsize(binary=True, gnu=True): 252B, 1.5K, 3.0M.
std::string Size(uintmax_t bytes) {
    if (bytes < 1024) return std::to_string(bytes) + "B";
    const char* units = "KMGT";
    double v = static_cast<double>(bytes);
    int u = -1;
    while (v >= 1024 && u < 3) {
        v /= 1024;
        ++u;
    }
    char buf[32];
    std::snprintf(buf, sizeof(buf), "%.1f%c", v, units[u]);
    return buf;
}

std::string ReadText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

Json Manifest(const std::string& package_path) {
    auto doc = pipeline::ReadJsonFile((fs::path(package_path) / "load_package_state.json").string());
    return doc ? *doc : Json::object();
}

int LoadPackage(const PackageStore& store, const std::string& name, const PackageFlags& flags) {
    std::string id = flags.load_id;
    if (id.empty()) {
        for (const char* s : {pipeline::kPackageLoaded, pipeline::kPackageNormalized,
                              pipeline::kPackageNew}) {
            auto ids = store.List(s);
            if (!ids.empty() && (id.empty() || std::strtod(ids.back().c_str(), nullptr) >
                                                   std::strtod(id.c_str(), nullptr)))
                id = ids.back();
        }
        if (id.empty()) return Fail("pipeline " + name + " has no load packages");
    }
    const std::string state = store.StateOf(id);
    if (state.empty()) return Fail("load package " + id + " not found in pipeline " + name);
    const std::string path = store.PackagePath(state, id);
    Json manifest = Manifest(path);
    Json completed = Json::object();
    if (auto doc = pipeline::ReadJsonFile((fs::path(path) / "package_completed.json").string()))
        completed = *doc;
    std::printf("Package %s found in %s\n", id.c_str(), path.c_str());
    std::string line = "The package with load id " + id + " for schema " +
                       manifest.value("schema_name", std::string("rest_api")) + " is in " +
                       Upper(state) + " state. It updated schema for " +
                       std::to_string(manifest.value("schema_updates", 0)) + " tables.";
    if (state == pipeline::kPackageLoaded)
        line += " The package was LOADED at " + manifest.value("loaded_at", std::string()) + ".";
    std::printf("%s\nJobs details:\n", line.c_str());
    for (const JobFile& job : PackageStore::Jobs(path)) {
        std::error_code ec;
        uintmax_t size = fs::file_size(job.path, ec);
        std::string text = "Job: " + job.job_id() + ", table: " + job.table + " in " + job.folder +
                           ". File type: " + job.format + ", size: " + Size(ec ? 0 : size) + ".";
        if (job.folder == "completed_jobs" && completed.contains("started_at")) {
            char elapsed[32];
            std::snprintf(elapsed, sizeof(elapsed), "%.2f", completed.value("elapsed", 0.0));
            text += " Started on: " + completed.value("started_at", std::string()) +
                    " and completed in " + elapsed + " seconds.";
        }
        std::printf("%s\n", text.c_str());
        if (job.folder == "failed_jobs")
            std::printf("\tFailed with: %s\n", ReadText(job.path + ".exception").c_str());
    }
    if (flags.verbose) {
        Json tables = Json::array();
        for (const auto& t : manifest.value("tables", Json::array())) {
            if (t.value("rows", 0) > 0) tables.push_back(t);
        }
        std::printf("Tables in package:\n%s\n", tables.dump(2).c_str());
    } else {
        std::printf("Add -v option to see the tables in the package.\n");
    }
    return 0;
}

int FailedJobs(const PackageStore& store) {
    std::vector<std::string> ids = store.List(pipeline::kPackageLoaded);
    for (const auto& id : store.List(pipeline::kPackageNormalized)) ids.push_back(id);
    for (const auto& id : ids) {
        std::printf("Checking failed jobs in load id '%s'\n", id.c_str());
        bool any = false;
        for (const JobFile& job : PackageStore::Jobs(store.PackagePath(store.StateOf(id), id))) {
            if (job.folder != "failed_jobs") continue;
            any = true;
            std::printf("JOB: %s(%s)\nJOB file type: %s\nJOB file path: %s\n%s\n",
                        job.job_id().c_str(), job.table.c_str(), job.format.c_str(),
                        job.path.c_str(), ReadText(job.path + ".exception").c_str());
        }
        if (!any) std::printf("No failed jobs found\n");
    }
    return 0;
}

}  // namespace

int RunPipelinePackageCommand(const std::string& pipeline_name, const std::string& subcommand,
                              const std::vector<std::string>& args) {
    PackageFlags flags;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&](std::string* out) {
            if (i + 1 >= args.size()) return false;
            *out = args[++i];
            return true;
        };
        if (a == "--pipelines-dir") {
            if (!value(&flags.pipelines_dir)) return Fail("--pipelines-dir needs a directory");
        } else if (a.rfind("--pipelines-dir=", 0) == 0) {
            flags.pipelines_dir = a.substr(16);
        } else if (a == "--data-dir") {
            if (!value(&flags.data_dir)) return Fail("--data-dir needs a directory");
        } else if (a.rfind("--data-dir=", 0) == 0) {
            flags.data_dir = a.substr(11);
        } else if (a == "-v" || a == "--verbose") {
            flags.verbose = true;
        } else if (!a.empty() && a[0] == '-') {
            return Fail("unknown option '" + a + "' for pipeline " + subcommand);
        } else if (subcommand == "load-package" && flags.load_id.empty()) {
            flags.load_id = a;
        } else {
            return Fail("unexpected argument '" + a + "' for pipeline " + subcommand);
        }
    }
    const std::string pipelines_dir =
        pipeline::ResolvePipelinesDir(flags.pipelines_dir, flags.data_dir);
    const std::string wd = (fs::path(pipelines_dir) / pipeline_name).string();
    std::error_code ec;
    if (!fs::is_directory(wd, ec)) {
        return Fail("pipeline " + pipeline_name + " not found in " + pipelines_dir +
                    " (run it first, or pass --pipelines-dir / --data-dir)");
    }
    PackageStore store(wd);
    if (subcommand == "load-package") return LoadPackage(store, pipeline_name, flags);
    if (subcommand == "failed-jobs") return FailedJobs(store);
    return Fail("unknown pipeline command '" + subcommand + "'");
}

}  // namespace oc::cli
