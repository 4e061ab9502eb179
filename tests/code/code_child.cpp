// fork/exec of the cortex binary with three pipes, and line-oriented reads with timeouts.
#include "code_child.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace oc::codetest {
namespace fs = std::filesystem;
namespace {

using Clock = std::chrono::steady_clock;

int RemainingMs(Clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace

ScratchDir::ScratchDir() {
    char tmpl[] = "/tmp/oc_code_test_XXXXXX";
    path_ = mkdtemp(tmpl);
    path_ = fs::canonical(path_).string();
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void ScratchDir::WriteFile(const std::string& name, const std::string& content) const {
    std::ofstream(path_ + "/" + name) << content;
}

bool ScratchDir::Exists(const std::string& name) const { return fs::exists(path_ + "/" + name); }

std::unique_ptr<CodeChild> CodeChild::Start(const std::vector<std::string>& args, const std::string& cwd,
                                            const std::map<std::string, std::string>& env) {
    int in[2], out[2], err[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) return nullptr;
    const pid_t pid = fork();
    if (pid < 0) return nullptr;
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        if (chdir(cwd.c_str()) != 0) _exit(126);
        for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
        std::vector<char*> argv;
        argv.push_back(const_cast<char*>(CORTEX_BINARY));
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execv(CORTEX_BINARY, argv.data());
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(err[1]);
    auto child = std::unique_ptr<CodeChild>(new CodeChild());
    child->pid_ = pid;
    child->in_ = in[1];
    child->out_ = out[0];
    child->err_ = err[0];
    fcntl(child->err_, F_SETFL, O_NONBLOCK);
    return child;
}

CodeChild::~CodeChild() {
    if (in_ >= 0) close(in_);
    if (pid_ > 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
    if (err_ >= 0) close(err_);
}

void CodeChild::Send(const std::string& line) {
    const std::string data = line + "\n";
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = write(in_, data.data() + done, data.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

void CodeChild::CloseStdin() {
    if (in_ >= 0) close(in_);
    in_ = -1;
}

std::optional<Json> CodeChild::Next(int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (true) {
        const size_t nl = buffer_.find('\n');
        if (nl != std::string::npos) {
            const std::string line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            Json parsed = Json::parse(line, nullptr, false);
            if (parsed.is_discarded()) return Json{{"type", "__not_json__"}, {"line", line}};
            return parsed;
        }
        pollfd fd{out_, POLLIN, 0};
        if (poll(&fd, 1, RemainingMs(deadline)) <= 0) return std::nullopt;
        char buf[65536];
        const ssize_t n = read(out_, buf, sizeof buf);
        if (n <= 0) return std::nullopt;
        buffer_.append(buf, static_cast<size_t>(n));
    }
}

std::vector<Json> CodeChild::ReadUntil(const std::string& type, const std::string& subtype, int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    std::vector<Json> frames;
    while (auto frame = Next(RemainingMs(deadline))) {
        frames.push_back(*frame);
        if (frame->value("type", "") != type) continue;
        if (!subtype.empty() && frame->value("subtype", "") != subtype) continue;
        return frames;
    }
    return {};
}

std::string CodeChild::ReadAll(int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string all = buffer_;
    buffer_.clear();
    while (true) {
        pollfd fd{out_, POLLIN, 0};
        if (poll(&fd, 1, RemainingMs(deadline)) <= 0) return all;
        char buf[65536];
        const ssize_t n = read(out_, buf, sizeof buf);
        if (n <= 0) return all;
        all.append(buf, static_cast<size_t>(n));
    }
}

int CodeChild::Wait(int timeout_ms) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (true) {
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            pid_ = -1;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        if (RemainingMs(deadline) == 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
            pid_ = -1;
            return -1;
        }
        usleep(10000);
    }
}

std::string CodeChild::Stderr() {
    char buf[4096];
    ssize_t n;
    while ((n = read(err_, buf, sizeof buf)) > 0) err_text_.append(buf, static_cast<size_t>(n));
    return err_text_;
}

RunOutput RunCortexOnce(const std::vector<std::string>& args, const std::string& cwd,
                        const std::string& stdin_text, const std::map<std::string, std::string>& env) {
    RunOutput result;
    auto child = CodeChild::Start(args, cwd, env);
    if (!child) return result;
    if (!stdin_text.empty()) child->Send(stdin_text);
    child->CloseStdin();
    result.out = child->ReadAll();
    result.exit_code = child->Wait(20000);
    result.err = child->Stderr();
    return result;
}

std::map<std::string, std::string> TestEnv(const ScratchDir& conversations) {
    // One configured model, so unknown names fail to resolve ("offline" always resolves).
    conversations.WriteFile("cortex.toml", "[models.local]\nprovider = \"offline\"\n");
    return {{"CORTEX_CODE_CONVERSATIONS_DIR", conversations.path()},
            {"CORTEX_CONFIG", conversations.path() + "/cortex.toml"}};
}

std::vector<Json> Frames(const std::string& ndjson) {
    std::vector<Json> frames;
    std::istringstream in(ndjson);
    std::string line;
    while (std::getline(in, line)) {
        Json f = Json::parse(line, nullptr, false);
        if (!f.is_discarded()) frames.push_back(std::move(f));
    }
    return frames;
}

std::vector<std::string> Lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line))
        if (!line.empty()) out.push_back(line);
    return out;
}

std::string ReadText(const std::string& path) {
    std::ifstream in(path);
    std::stringstream all;
    all << in.rdbuf();
    return all.str();
}

}  // namespace oc::codetest
