#include "pipeline/package.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

namespace oc::pipeline {
namespace fs = std::filesystem;

namespace {

constexpr const char* kJobFolders[] = {"new_jobs", "completed_jobs", "failed_jobs"};

bool LoadIdLess(const std::string& a, const std::string& b) {
    double x = std::strtod(a.c_str(), nullptr), y = std::strtod(b.c_str(), nullptr);
    return x != y ? x < y : a < b;
}

void SyncDir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

std::string ResolvePipelinesDir(const std::string& dir, const std::string& data_dir) {
    if (!dir.empty()) return dir;
    if (!data_dir.empty()) return (fs::path(data_dir) / "pipelines").string();
    if (const char* d = std::getenv("DLT_DATA_DIR"); d != nullptr && *d != '\0')
        return (fs::path(d) / "pipelines").string();
    const char* home = std::getenv("HOME");
    return (fs::path(home != nullptr && *home != '\0' ? home : ".") / ".dlt" / "pipelines")
        .string();
}

std::string JobFile::file_name() const {
    return table + "." + file_id + "." + std::to_string(retry) + "." + format;
}

std::string JobFile::job_id() const { return table + "." + file_id + "." + format; }

bool ParseJobFileName(const std::string& name, JobFile* out) {
    size_t p3 = name.rfind('.');
    if (p3 == std::string::npos || p3 == 0) return false;
    size_t p2 = name.rfind('.', p3 - 1);
    if (p2 == std::string::npos || p2 == 0) return false;
    size_t p1 = name.rfind('.', p2 - 1);
    if (p1 == std::string::npos || p1 == 0) return false;
    std::string retry = name.substr(p2 + 1, p3 - p2 - 1);
    if (retry.empty() || retry.find_first_not_of("0123456789") != std::string::npos) return false;
    out->table = name.substr(0, p1);
    out->file_id = name.substr(p1 + 1, p2 - p1 - 1);
    out->retry = std::atoi(retry.c_str());
    out->format = name.substr(p3 + 1);
    return out->format != "exception";
}

std::string NewFileId() {
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[17];
    std::snprintf(buf, sizeof(buf), "%016llx", static_cast<unsigned long long>(rng()));
    return std::string(buf, 10);
}

std::string PackageStore::PackagePath(const std::string& state, const std::string& load_id) const {
    return (fs::path(dir_) / "load" / state / load_id).string();
}

Status PackageStore::Recover() const {
    std::error_code ec;
    const char* states[] = {kPackageNew, kPackageNormalized, kPackageLoaded};
    for (const char* state : states) {
        fs::path d = fs::path(dir_) / "load" / state;
        if (!fs::is_directory(d, ec)) continue;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            std::string name = e.path().filename().string();
            if (name.size() > 4 && name.compare(name.size() - 4, 4, ".tmp") == 0)
                fs::remove_all(e.path(), ec);
        }
    }
    // A package renamed forward whose old copy was not yet removed: the later state wins.
    for (const auto& id : List(kPackageNormalized)) {
        if (fs::exists(PackagePath(kPackageLoaded, id), ec))
            fs::remove_all(PackagePath(kPackageNormalized, id), ec);
    }
    for (const auto& id : List(kPackageNew)) {
        if (fs::exists(PackagePath(kPackageNormalized, id), ec) ||
            fs::exists(PackagePath(kPackageLoaded, id), ec))
            fs::remove_all(PackagePath(kPackageNew, id), ec);
    }
    return {};
}

std::vector<std::string> PackageStore::List(const std::string& state) const {
    std::vector<std::string> ids;
    std::error_code ec;
    fs::path d = fs::path(dir_) / "load" / state;
    if (!fs::is_directory(d, ec)) return ids;
    for (const auto& e : fs::directory_iterator(d, ec)) {
        std::string name = e.path().filename().string();
        if (!e.is_directory() || name.find(".tmp") != std::string::npos) continue;
        ids.push_back(name);
    }
    std::sort(ids.begin(), ids.end(), LoadIdLess);
    return ids;
}

std::string PackageStore::StateOf(const std::string& load_id) const {
    std::error_code ec;
    const char* states[] = {kPackageLoaded, kPackageNormalized, kPackageNew};
    for (const char* s : states) {
        if (fs::is_directory(PackagePath(s, load_id), ec)) return s;
    }
    return "";
}

Status PackageStore::Move(const std::string& load_id, const std::string& from,
                          const std::string& to, bool from_tmp) const {
    std::error_code ec;
    fs::path src = PackagePath(from, load_id) + (from_tmp ? ".tmp" : "");
    fs::path dst = PackagePath(to, load_id);
    fs::create_directories(dst.parent_path(), ec);
    fs::rename(src, dst, ec);
    if (ec) {
        return MakeError(ErrorCode::kInternal, "cannot move load package " + load_id + " to " +
                                                   to + ": " + ec.message());
    }
    SyncDir(dst.parent_path());
    return {};
}

Result<std::string> PackageStore::CreateTmp(const std::string& state,
                                            const std::string& load_id) const {
    std::error_code ec;
    fs::path p = PackagePath(state, load_id) + ".tmp";
    fs::remove_all(p, ec);
    fs::create_directories(p / "new_jobs", ec);
    if (ec) {
        return MakeError(ErrorCode::kInternal,
                         "cannot create load package dir " + p.string() + ": " + ec.message());
    }
    return p.string();
}

std::vector<JobFile> PackageStore::Jobs(const std::string& package_path) {
    std::vector<JobFile> out;
    std::error_code ec;
    for (const char* folder : kJobFolders) {
        fs::path d = fs::path(package_path) / folder;
        if (!fs::is_directory(d, ec)) continue;
        for (const auto& e : fs::directory_iterator(d, ec)) {
            JobFile job;
            if (!e.is_regular_file() || !ParseJobFileName(e.path().filename().string(), &job))
                continue;
            job.folder = folder;
            job.path = e.path().string();
            out.push_back(std::move(job));
        }
    }
    std::sort(out.begin(), out.end(),
              [](const JobFile& a, const JobFile& b) { return a.file_name() < b.file_name(); });
    return out;
}

Result<Json> ReadJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    auto doc = ParseJson(ss.str());
    if (!doc) return MakeError(ErrorCode::kInternal, path + " is not valid JSON");
    return *doc;
}

Status WriteJsonFile(const std::string& path, const Json& doc) {
    std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << doc.dump(2) << "\n";
        if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
    }
    int fd = ::open(tmp.c_str(), O_RDONLY);
    if (fd >= 0) {
        (void)::fsync(fd);
        ::close(fd);
    }
    std::error_code ec;
    fs::rename(tmp, path, ec);
    if (ec) return MakeError(ErrorCode::kInternal, "cannot write " + path + ": " + ec.message());
    return {};
}

void TestPause(const char* point) {
    const char* want = std::getenv("CORTEX_PIPELINE_TEST_PAUSE");
    if (want == nullptr || std::string(want) != point) return;
    std::fprintf(stderr, "cortex pipeline: paused at %s\n", point);
    std::fflush(stderr);
    std::this_thread::sleep_for(std::chrono::seconds(120));
}

std::string NowIso() {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto us = duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000;
    std::time_t t = system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<long long>(us));
    return buf;
}

}  // namespace oc::pipeline
