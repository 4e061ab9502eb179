// `cortex pipeline run FILE [--data-dir D]`: runs locally (file `<pipeline_name>.duckdb` in the
// current dir, or the database of data dir D), or hands the run to the `cortex serve` running on
// D. Progress goes to stderr (a redrawn line on a TTY, plain lines otherwise); dlt's load_info
// text goes to stdout.
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include <toml++/toml.h>

#include "api/pipelines.h"
#include "cli/pipeline_cli.h"
#include "net/client/http_client.h"
#include "pipeline/config.h"
#include "pipeline/package.h"
#include "pipeline/pipeline.h"
#include "pipeline/progress.h"
#include "pipeline/workdir.h"
#include "store/catalog.h"
#include "store/system_store.h"

extern char** environ;

namespace oc::cli {
namespace {

namespace fs = std::filesystem;
using pipeline::RunProgress;

const char* StepName(int step) {
    switch (step) {
        case RunProgress::kExtract: return "extract";
        case RunProgress::kNormalize: return "normalize";
        case RunProgress::kLoad: return "load";
        default: return "done";
    }
}

// Prints RunProgress from a thread: on a TTY one line redrawn in place every 100 ms, otherwise a
// plain line per step change and at most one per second while extracting.
class ProgressPrinter {
public:
    ProgressPrinter(const std::string& name, RunProgress* p, bool tty)
        : name_(name), p_(p), tty_(tty), start_(std::chrono::steady_clock::now()) {
        thread_ = std::thread([this] { Loop(); });
    }
    ~ProgressPrinter() { Stop(); }

    void Stop() {
        {
            std::lock_guard lock(mu_);
            if (stopped_) return;
            stopped_ = true;
        }
        cv_.notify_all();
        thread_.join();
        Print();
        if (tty_) std::fputc('\n', stderr);
        std::fflush(stderr);
    }

private:
    std::string Line() const {
        double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
        int64_t rows = p_->rows.load();
        double rate = secs > 0 ? static_cast<double>(rows) / secs : 0;
        char buf[256];
        std::snprintf(buf, sizeof(buf),
                      "%s [%s] resources %d/%d | pages %lld | rows %lld | %.0f rows/s | %.1fs",
                      name_.c_str(), StepName(p_->step.load()), p_->resources_done.load(),
                      p_->resources_total.load(), static_cast<long long>(p_->pages.load()),
                      static_cast<long long>(rows), rate, secs);
        return buf;
    }

    void Print() {
        std::string line = Line();
        if (tty_) {
            std::fprintf(stderr, "\r\x1b[2K%s", line.c_str());
        } else {
            std::fprintf(stderr, "%s\n", line.c_str());
        }
        std::fflush(stderr);
    }

    void Loop() {
        auto period = tty_ ? std::chrono::milliseconds(100) : std::chrono::milliseconds(1000);
        // Plain lines: on a step change, else at most once per `period` when the counts moved,
        // else every 10 s as a heartbeat.
        int last_step = -1;
        int64_t last_pages = -1;
        auto last_print = std::chrono::steady_clock::now();
        std::unique_lock lock(mu_);
        while (!stopped_) {
            cv_.wait_for(lock, tty_ ? period : std::chrono::milliseconds(50));
            if (stopped_) break;
            int step = p_->step.load();
            int64_t pages = p_->pages.load();
            auto now = std::chrono::steady_clock::now();
            bool moved = pages != last_pages && now - last_print >= period;
            if (tty_ || step != last_step || moved || now - last_print >= std::chrono::seconds(10)) {
                Print();
                last_step = step;
                last_pages = pages;
                last_print = now;
            }
        }
    }

    std::string name_;
    RunProgress* p_;
    bool tty_;
    std::chrono::steady_clock::time_point start_;
    std::mutex mu_;
    std::condition_variable cv_;
    bool stopped_ = false;
    std::thread thread_;
};

std::string FormatOf(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    if (ext == ".yaml" || ext == ".yml") return "yaml";
    if (ext == ".toml") return "toml";
    if (ext == ".json") return "json";
    return "";
}

Result<Json> ReadDocument(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot read pipeline file " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string format = FormatOf(path);
    if (format.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         path + ": unknown file type (use .yaml, .yml, .toml or .json)");
    }
    return pipeline::ParseConfigText(ss.str(), format, path);
}

void FlattenToml(const toml::table& table, const std::string& prefix, Json& out) {
    for (const auto& [key, node] : table) {
        std::string name = prefix.empty() ? std::string(key.str()) : prefix + "__" + std::string(key.str());
        for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (const auto* sub = node.as_table()) {
            FlattenToml(*sub, name, out);
        } else if (auto s = node.value<std::string>()) {
            if (!out.contains(name)) out[name] = *s;
        } else if (auto i = node.value<int64_t>()) {
            if (!out.contains(name)) out[name] = std::to_string(*i);
        } else if (auto b = node.value<bool>()) {
            if (!out.contains(name)) out[name] = *b ? "true" : "false";
        }
    }
}

// Configuration values as environment-style keys, in dlt's precedence: the environment (names
// with `__`, as dlt's config keys have) over .dlt/secrets.toml over .dlt/config.toml.
Json CollectSettings(const std::string& project_dir) {
    Json out = Json::object();
    for (char** e = environ; *e != nullptr; ++e) {
        std::string kv = *e;
        size_t eq = kv.find('=');
        if (eq == std::string::npos) continue;
        std::string key = kv.substr(0, eq);
        if (key.find("__") == std::string::npos || key.rfind("__", 0) == 0) continue;
        out[key] = kv.substr(eq + 1);
    }
    for (const char* file : {"secrets.toml", "config.toml"}) {
        fs::path p = fs::path(project_dir) / ".dlt" / file;
        std::error_code ec;
        if (!fs::exists(p, ec)) continue;
        try {
            FlattenToml(toml::parse_file(p.string()), "", out);
        } catch (const toml::parse_error&) {
        }
    }
    return out;
}

std::string PercentEncode(const std::string& s) {
    static const char* kHex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '_' || c == '-' || c == '.') {
            out.push_back(static_cast<char>(c));
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

bool IsLoopbackUrl(const std::string& url) {
    for (const char* p : {"http://127.", "http://localhost:", "http://[::1]:"}) {
        if (url.rfind(p, 0) == 0) return true;
    }
    return false;
}

int HandOff(const std::string& url, const PipelineRunFlags& flags,
            const pipeline::PipelineConfig& config, const Json& doc,
            const std::string& project_dir) {
    if (!IsLoopbackUrl(url)) {
        return CliFail("the cortex server of " + flags.data_dir + " listens on " + url +
                       ", not on loopback; run the pipeline there");
    }
    std::string token = ServerToken(flags.token);
    if (token.empty()) {
        return CliFail("a cortex server is running on " + flags.data_dir + " (" + url +
                       "): set CORTEX_TOKEN or --token to hand the run to it");
    }
    std::fprintf(stderr, "%s: handing the run to the cortex server at %s\n",
                 config.pipeline_name.c_str(), url.c_str());
    net::ClientRequest req;
    req.method = "POST";
    req.url = url + "/api/v2/pipelines/" + PercentEncode(config.pipeline_name) + ":run";
    req.headers = {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"},
                   {"Accept", "application/json"}};
    req.body = DumpJson(Json{{"config", doc}, {"secrets", CollectSettings(project_dir)}});
    req.total_timeout_ms = 0;
    req.max_retries = 0;
    auto resp = net::HttpClient::Send(req);
    if (!resp) return CliFail("hand-off to " + url + " failed: " + resp.error().message);
    auto body = ParseJson(resp->body);
    if (resp->status != 200) {
        std::string message = body && body->is_object() && (*body)["message"].is_string()
                                  ? (*body)["message"].get<std::string>()
                                  : "HTTP " + std::to_string(resp->status);
        return CliFail("server: " + message);
    }
    if (!body || !(*body)["load_info"].is_string()) {
        return CliFail("server answered without load_info");
    }
    std::fputs((*body)["load_info"].get<std::string>().c_str(), stdout);
    return 0;
}

}  // namespace

int RunPipelineFileCommand(const PipelineRunFlags& flags) {
    std::error_code ec;
    const std::string project_dir = fs::current_path(ec).string();
    auto doc = ReadDocument(flags.file);
    if (!doc) return CliFail(doc.error().message);
    pipeline::SecretSources secrets;
    secrets.project_dir = project_dir;
    auto config = pipeline::ParsePipelineConfig(*doc, flags.file, secrets);
    if (!config) return CliFail(config.error().message);

    if (!flags.data_dir.empty()) {
        if (auto url = api::RunningServerUrl(flags.data_dir)) {
            return HandOff(*url, flags, *config, *doc, project_dir);
        }
    }
    RunProgress progress;
    progress.resources_total = static_cast<int>(config->resources.size());
    pipeline::RunOptions options;
    options.extract.progress = &progress;
    options.pipelines_dir = flags.pipelines_dir;  // load packages live beside the run record
    std::unique_ptr<ProgressPrinter> printer;
    if (!flags.no_progress) {
        printer = std::make_unique<ProgressPrinter>(config->pipeline_name, &progress,
                                                    isatty(STDERR_FILENO) == 1);
    }
    Result<pipeline::LoadInfo> info = MakeError(ErrorCode::kInternal, "not run");
    if (!flags.data_dir.empty()) {
        // No server on the data dir: open it here and load exactly as the server would.
        auto store = store::SystemStore::Open({flags.data_dir});
        if (!store) {
            if (printer) printer->Stop();
            return CliFail("cannot open data dir " + flags.data_dir + ": " + store.error().message);
        }
        store::Catalog catalog(**store);
        Status loaded = catalog.Load();
        if (!loaded) {
            info = loaded.error();
        } else {
            info = api::RunPipelineInDataDir(*config, **store, catalog, "ACCOUNTADMIN", options);
        }
    } else {
        const std::string started_at = pipeline::NowIso();
        info = pipeline::RunPipeline(*config, options);
        pipeline::DestinationRef ref;
        if (info) {
            ref.location = info->location;
            ref.database_path = info->database_path;
        }
        Status recorded = pipeline::RecordRun(
            pipeline::WorkingDir(pipeline::ResolvePipelinesDir(flags.pipelines_dir, ""),
                                 config->pipeline_name),
            *config, ref, info, started_at);
        if (!recorded && info) info = recorded.error();
    }
    progress.step = RunProgress::kDone;
    if (printer) printer->Stop();
    if (!info) return CliFail(info.error().message);
    std::fputs(pipeline::FormatLoadInfo(*info).c_str(), stdout);
    return 0;
}

std::string ServerToken(const std::string& flag) {
    if (!flag.empty()) return flag;
    const char* env = std::getenv("CORTEX_TOKEN");
    return env != nullptr ? env : "";
}

int CliFail(const std::string& message) {
    std::fprintf(stderr, "error: %s\n", message.c_str());
    return 1;
}

bool Confirm(const std::string& question) {
    std::printf("%s [y/N] ", question.c_str());
    std::fflush(stdout);
    std::string answer;
    std::getline(std::cin, answer);
    if (answer == "y" || answer == "Y" || answer == "yes") return true;
    std::printf("Aborted\n");
    return false;
}

}  // namespace oc::cli
