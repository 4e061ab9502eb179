// Runs one settings-file command hook: sh -c in the session cwd, the hook input on stdin,
// stdout/stderr captured, killed (process group) on timeout or when the turn is interrupted.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>

#include "code/hooks.h"

namespace oc::code {

CommandResult RunHookCommand(const CommandHook& hook, const Json& input, const llm::CancelToken& cancel) {
    CommandResult result;
    const std::string payload = DumpJson(input) + "\n";
    const std::string cwd = input.value("cwd", "");
    int in[2], out[2], err[2];
    if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) {
        result.err = "pipe failed";
        return result;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        result.err = "fork failed";
        return result;
    }
    if (pid == 0) {
        setpgid(0, 0);
        dup2(in[0], 0);
        dup2(out[1], 1);
        dup2(err[1], 2);
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
        if (!cwd.empty() && chdir(cwd.c_str()) != 0) _exit(126);
        setenv("CORTEX_PROJECT_DIR", cwd.c_str(), 1);
        setenv("CLAUDE_PROJECT_DIR", cwd.c_str(), 1);
        execl("/bin/sh", "sh", "-c", hook.command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid, pid);
    close(in[0]);
    close(out[1]);
    close(err[1]);
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    int fds[3] = {in[1], out[0], err[0]};
    size_t written = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(hook.timeout_s);
    bool timed_out = false;
    while (fds[1] >= 0 || fds[2] >= 0) {
        if (cancel.cancelled() || std::chrono::steady_clock::now() >= deadline) {
            timed_out = true;
            break;
        }
        pollfd p[3];
        for (int i = 0; i < 3; ++i) p[i] = {fds[i], static_cast<short>(i == 0 ? POLLOUT : POLLIN), 0};
        if (poll(p, 3, 50) <= 0) continue;
        if (fds[0] >= 0 && (p[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t n = write(fds[0], payload.data() + written, payload.size() - written);
            if (n > 0) written += static_cast<size_t>(n);
            if (n < 0 || written == payload.size()) {
                close(fds[0]);
                fds[0] = -1;
            }
        }
        for (int i = 1; i < 3; ++i) {
            if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            char buf[8192];
            const ssize_t n = read(fds[i], buf, sizeof buf);
            if (n <= 0) {
                close(fds[i]);
                fds[i] = -1;
            } else {
                (i == 1 ? result.out : result.err).append(buf, static_cast<size_t>(n));
            }
        }
    }
    for (int fd : fds)
        if (fd >= 0) close(fd);
    int status = 0;
    // The hook may close its output and keep running: the timeout still applies.
    while (!timed_out && waitpid(pid, &status, WNOHANG) == 0) {
        if (cancel.cancelled() || std::chrono::steady_clock::now() >= deadline) timed_out = true;
        else usleep(10000);
    }
    if (timed_out) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    result.timed_out = timed_out;
    result.exit_code = timed_out ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace oc::code
