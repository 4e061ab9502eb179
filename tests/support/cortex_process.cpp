#include "cortex_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <curl/curl.h>

namespace oc::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

size_t WriteBody(char* data, size_t size, size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, size * n);
    return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* user) {
    std::string line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
        (*static_cast<std::map<std::string, std::string>*>(user))[name] = value;
    }
    return size * n;
}

}  // namespace

TempDir::TempDir() {
    std::random_device rd;
    path_ = (fs::temp_directory_path() / ("cortex-test-" + std::to_string(rd()) + std::to_string(getpid()))).string();
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

pid_t SpawnCortex(const std::vector<std::string>& args, const std::string& out_path,
                  const std::string& err_path, const SpawnOptions& options) {
    // Everything the child needs is built before fork: only async-signal-safe calls after it.
    std::string bin = CORTEX_BINARY;
    std::vector<std::string> arg_copy = args;
    std::vector<char*> argv = {bin.data()};
    for (auto& a : arg_copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    std::vector<std::string> entries;
    if (!options.exact_env) {
        std::map<std::string, std::string> merged = options.env;
        for (char** e = environ; *e != nullptr; ++e) {
            std::string entry = *e;
            const size_t eq = entry.find('=');
            if (eq != std::string::npos) merged.emplace(entry.substr(0, eq), entry.substr(eq + 1));
        }
        for (const auto& [k, v] : merged) entries.push_back(k + "=" + v);
    } else {
        for (const auto& [k, v] : options.env) entries.push_back(k + "=" + v);
    }
    std::vector<char*> envp;
    for (auto& e : entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    pid_t pid = fork();
    if (pid != 0) return pid;
    if (!options.cwd.empty() && chdir(options.cwd.c_str()) != 0) _exit(126);
    int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int in = open(options.stdin_path.c_str(), O_RDONLY);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(bin.c_str(), argv.data(), envp.data());
    _exit(127);
}

CliResult WaitForCortex(pid_t pid, const std::string& out_path, const std::string& err_path,
                        int timeout_s) {
    CliResult r;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            r.err = "timeout";
            return r;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = ReadFile(out_path);
    r.err = ReadFile(err_path);
    return r;
}

CliResult RunCortex(const std::vector<std::string>& args, int timeout_s) {
    TempDir tmp;
    std::string out = tmp.path() + "/out", err = tmp.path() + "/err";
    pid_t pid = SpawnCortex(args, out, err);
    return WaitForCortex(pid, out, err, timeout_s);
}

CliResult RunCortexIn(const std::string& cwd, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env, int timeout_s,
                      const std::string& stdin_text) {
    TempDir tmp;
    std::string out = tmp.path() + "/out", err = tmp.path() + "/err", in = tmp.path() + "/in";
    std::ofstream(in, std::ios::binary) << stdin_text;
    SpawnOptions options;
    options.cwd = cwd;
    options.stdin_path = in;
    options.env = env;
    return WaitForCortex(SpawnCortex(args, out, err, options), out, err, timeout_s);
}

std::unique_ptr<CortexServer> CortexServer::Start(const std::string& data_dir,
                                                  const std::vector<std::string>& extra,
                                                  const std::map<std::string, std::string>& env) {
    auto server = std::unique_ptr<CortexServer>(new CortexServer());
    static int counter = 0;
    fs::path dir(data_dir);
    std::string base = (dir.parent_path() / (dir.filename().string() + ".srv" + std::to_string(counter++))).string();
    std::string out_path = base + ".out";
    server->stderr_path_ = base + ".err";
    std::vector<std::string> args = {"serve", "--port", "0", "--data-dir", data_dir};
    args.insert(args.end(), extra.begin(), extra.end());
    SpawnOptions options;
    options.env = env;
    server->pid_ = SpawnCortex(args, out_path, server->stderr_path_, options);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        std::string out = ReadFile(out_path);
        auto pos = out.find("listening on http://");
        if (pos != std::string::npos && out.find('\n', pos) != std::string::npos) {
            std::string url = out.substr(pos + 13, out.find('\n', pos) - pos - 13);
            server->url_ = url;
            server->port_ = std::stoi(url.substr(url.rfind(':') + 1));
            std::string err = ReadFile(server->stderr_path_);
            const std::string marker = "admin token, shown once:\n";
            auto t = err.find(marker);
            if (t != std::string::npos) {
                auto start = t + marker.size();
                server->admin_token_ = err.substr(start, err.find('\n', start) - start);
            }
            return server;
        }
        int status = 0;
        if (waitpid(server->pid_, &status, WNOHANG) == server->pid_) {
            std::fprintf(stderr, "cortex serve exited early:\n%s\n", ReadFile(server->stderr_path_).c_str());
            server->pid_ = -1;
            return nullptr;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::fprintf(stderr, "cortex serve did not start:\n%s\n", ReadFile(server->stderr_path_).c_str());
    return nullptr;
}

CortexServer::~CortexServer() {
    if (pid_ > 0) Stop();
}

std::string CortexServer::Stderr() const { return ReadFile(stderr_path_); }

int CortexServer::Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void CortexServer::Kill9() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
}

std::string HttpResult::Header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
}

HttpResult Http(const std::string& method, const std::string& url, const std::string& body,
                const std::vector<std::string>& headers) {
    return HttpWithTimeout(method, url, 30, body, headers);
}

HttpResult HttpWithTimeout(const std::string& method, const std::string& url, long timeout_s,
                           const std::string& body, const std::vector<std::string>& headers) {
    HttpResult r;
    CURL* curl = curl_easy_init();
    curl_slist* list = nullptr;
    for (const auto& h : headers) list = curl_slist_append(list, h.c_str());
    list = curl_slist_append(list, "Expect:");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (!body.empty() || method == "POST" || method == "PUT") {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_s);
    curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
    CURLcode rc = curl_easy_perform(curl);
    if (rc == CURLE_OK || rc == CURLE_OPERATION_TIMEDOUT) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(list);
    curl_easy_cleanup(curl);
    return r;
}

HttpResult Api(const std::string& method, const std::string& url, const std::string& token,
               const std::string& body) {
    return Http(method, url, body, {"Authorization: Bearer " + token, "Content-Type: application/json"});
}

}  // namespace oc::testing
