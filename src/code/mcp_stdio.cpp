// stdio MCP transport: a child process speaking newline-delimited JSON-RPC on stdin/stdout.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "code/mcp_transport.h"

namespace oc::code {
namespace {

class StdioTransport : public McpTransport {
public:
    StdioTransport(pid_t pid, int in, int out) : pid_(pid), in_(in), out_(out) {}

    ~StdioTransport() override {
        if (in_ >= 0) close(in_);
        if (out_ >= 0) close(out_);
        if (pid_ <= 0) return;
        kill(pid_, SIGTERM);
        for (int i = 0; i < 40; ++i) {  // up to 2 s, then SIGKILL
            if (waitpid(pid_, nullptr, WNOHANG) == pid_) return;
            usleep(50000);
        }
        kill(pid_, SIGKILL);
        waitpid(pid_, nullptr, 0);
    }

    void Notify(const std::string& method, const Json& params) override {
        std::lock_guard<std::mutex> lock(mu_);
        (void)WriteLine(JsonRpcNotification(method, params));
    }

    Result<Json> Request(const std::string& method, const Json& params, int timeout_ms,
                         const llm::CancelToken* cancel) override {
        std::lock_guard<std::mutex> lock(mu_);
        const int id = next_id_++;
        OC_TRY(WriteLine(JsonRpcRequest(id, method, params)));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        while (true) {
            size_t nl;
            while ((nl = buffer_.find('\n')) != std::string::npos) {
                Json msg = Json::parse(buffer_.substr(0, nl), nullptr, false);
                buffer_.erase(0, nl + 1);
                if (IsResponseTo(msg, id)) return ResponseResult(msg, method);
            }
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now()).count();
            if (left <= 0) return MakeError(ErrorCode::kDeadlineExceeded, method + " timed out");
            if (cancel && cancel->cancelled()) {
                (void)WriteLine(JsonRpcNotification("notifications/cancelled", CancelledParams(id)));
                return Interrupted(method);
            }
            pollfd fd{out_, POLLIN, 0};
            // Short slices while a cancel token is watched: an interrupt must end the wait soon.
            const int slice = cancel ? std::min<int>(static_cast<int>(left), kCancelPollMs) : static_cast<int>(left);
            if (poll(&fd, 1, slice) <= 0) continue;
            char buf[65536];
            const ssize_t n = read(out_, buf, sizeof buf);
            if (n <= 0) return MakeError(ErrorCode::kUnavailable, "the MCP server exited");
            buffer_.append(buf, static_cast<size_t>(n));
        }
    }

private:
    static constexpr int kCancelPollMs = 50;

    Status WriteLine(const Json& message) {
        const std::string line = DumpJson(message) + "\n";
        size_t done = 0;
        while (done < line.size()) {
            const ssize_t n = write(in_, line.data() + done, line.size() - done);
            if (n <= 0) return MakeError(ErrorCode::kUnavailable, "the MCP server closed its stdin");
            done += static_cast<size_t>(n);
        }
        return {};
    }

    pid_t pid_;
    int in_, out_;
    int next_id_ = 0;
    std::string buffer_;
    std::mutex mu_;
};

}  // namespace

Result<std::unique_ptr<McpTransport>> StartStdioTransport(const McpServerConfig& config) {
    if (config.command.empty()) return MakeError(ErrorCode::kInvalidArgument, "command is required");
    int in[2], out[2], status[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(status) != 0)
        return MakeError(ErrorCode::kInternal, "pipe failed");
    const pid_t pid = fork();
    if (pid < 0) return MakeError(ErrorCode::kInternal, "fork failed");
    if (pid == 0) {
        dup2(in[0], 0);
        dup2(out[1], 1);
        for (int fd : {in[0], in[1], out[0], out[1], status[0]}) close(fd);
        // The exec status pipe closes on a successful exec; an errno byte means it failed.
        fcntl(status[1], F_SETFD, FD_CLOEXEC);
        setpgid(0, 0);  // Ctrl-C in a terminal session must not reach the servers
        for (const auto& [k, v] : config.env) setenv(k.c_str(), ExpandEnv(v).c_str(), 1);
        std::vector<char*> argv = {const_cast<char*>(config.command.c_str())};
        for (const auto& a : config.args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        execvp(config.command.c_str(), argv.data());
        const char err = static_cast<char>(errno);
        (void)!write(status[1], &err, 1);
        _exit(127);
    }
    close(in[0]);
    close(out[1]);
    close(status[1]);
    char err = 0;
    const ssize_t n = read(status[0], &err, 1);
    close(status[0]);
    auto transport = std::make_unique<StdioTransport>(pid, in[1], out[0]);
    if (n == 1)
        return MakeError(ErrorCode::kUnavailable,
                         "cannot start '" + config.command + "': " + std::strerror(err));
    return std::unique_ptr<McpTransport>(std::move(transport));
}

}  // namespace oc::code
