// Bash: runs `bash -c command` in the workdir with a timeout, an output cap and cooperative
// cancellation (interrupt kills the process group).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "code/builtin_tool.h"

namespace oc::code {
namespace {

constexpr int64_t kDefaultTimeoutMs = 120000;
constexpr int64_t kMaxTimeoutMs = 600000;
constexpr size_t kOutputCap = 30000;

void Append(std::string* buffer, const char* data, size_t n, bool* capped) {
    if (buffer->size() >= kOutputCap) {
        *capped = true;
        return;
    }
    buffer->append(data, std::min(n, kOutputCap - buffer->size()));
    if (buffer->size() >= kOutputCap) *capped = true;
}

ToolOutput RunBash(const Json& input, const ToolContext& ctx) {
    const std::string command = StringArg(input, "command");
    if (command.empty()) return ToolError("Bash: command is required");
    int64_t timeout_ms = kDefaultTimeoutMs;
    if (input.contains("timeout") && input["timeout"].is_number())
        timeout_ms = std::clamp<int64_t>(input["timeout"].get<int64_t>(), 1, kMaxTimeoutMs);
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0 || pipe(err_pipe) != 0) return ToolError("Bash: cannot create pipes");
    const pid_t pid = fork();
    if (pid < 0) return ToolError("Bash: fork failed");
    if (pid == 0) {
        setpgid(0, 0);
        dup2(out_pipe[1], 1);
        dup2(err_pipe[1], 2);
        const int devnull = open("/dev/null", O_RDONLY);
        if (devnull >= 0) dup2(devnull, 0);
        close(out_pipe[0]);
        close(err_pipe[0]);
        if (chdir(ctx.workdir.c_str()) != 0) _exit(126);
        execl("/bin/bash", "bash", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid);  // also here, so the group exists before a kill(-pid) that races the child
    close(out_pipe[1]);
    close(err_pipe[1]);
    std::string out, err;
    bool capped = false, timed_out = false, interrupted = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
    int open_fds = 2;
    while (open_fds > 0) {
        if (ctx.cancel && ctx.cancel->cancelled()) { interrupted = true; break; }
        if (std::chrono::steady_clock::now() >= deadline) { timed_out = true; break; }
        if (poll(fds, 2, 50) <= 0) continue;
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            const ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_fds;
                continue;
            }
            Append(i == 0 ? &out : &err, buf, static_cast<size_t>(n), &capped);
        }
    }
    if (open_fds > 0) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        for (auto& f : fds) if (f.fd >= 0) close(f.fd);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    ToolOutput result;
    result.text = out;
    if (!err.empty()) result.text += (result.text.empty() ? "" : "\n") + err;
    if (capped) result.text += "\n(output truncated at " + std::to_string(kOutputCap) + " bytes)";
    if (timed_out) result.text += "\nCommand timed out after " + std::to_string(timeout_ms) + " ms";
    if (interrupted) result.text += "\n[Command interrupted]";
    if (!timed_out && !interrupted && exit_code != 0)
        result.text += (result.text.empty() ? "" : "\n") + std::string("Exit code ") + std::to_string(exit_code);
    result.is_error = timed_out || interrupted || exit_code != 0;
    result.structured = {{"stdout", out}, {"stderr", err}, {"interrupted", interrupted || timed_out},
                         {"exit_code", exit_code}};
    return result;
}

}  // namespace

BuiltinTool MakeBashTool() {
    BuiltinTool t{"Bash", "Bash: run a shell command (bash -c) in the working directory.",
                  ObjectSchema({{"command", "string", "The command to run"},
                                {"timeout", "integer", "Timeout in ms (max 600000)"},
                                {"description", "string", "What the command does"}},
                               {"command"}),
                  ToolKind::kExecute, "", nullptr};
    t.run = [](const Json& in, const ToolContext& ctx) { return RunBash(in, ctx); };
    return t;
}

}  // namespace oc::code
