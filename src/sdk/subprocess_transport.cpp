// The default transport: `cortex` as a child process with three pipes.
//
// Lifecycle: connect() forks/execs; read() decodes stdout; a thread drains stderr (tail kept for
// ProcessError, lines forwarded to the stderr callback); close() ends stdin, waits a grace period
// for the CLI to flush its session, then SIGTERM, then SIGKILL, and always reaps the child.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <atomic>
#include <deque>
#include <mutex>
#include <thread>

#include "opencortex/errors.h"
#include "opencortex/transport.h"

extern char** environ;

namespace opencortex {
namespace {

constexpr size_t kStderrTail = 8192;
constexpr auto kGrace = std::chrono::seconds(2);
constexpr auto kTermWait = std::chrono::seconds(5);

void CloseFd(int& fd) {
  if (fd >= 0) {
    ::close(fd);
    fd = -1;
  }
}

// Waits up to `limit` for the child to exit; returns true (and the status) when it did. Sleeps on
// a pidfd when the kernel has them, so an exit is seen at once instead of at the next poll tick.
bool WaitFor(pid_t pid, std::chrono::milliseconds limit, int& status) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  bool exited = false;
  for (;;) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      if (r < 0) status = 0;  // already reaped elsewhere
      exited = true;
      break;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    if (pidfd >= 0) {
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, static_cast<int>(left.count()));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return exited;
}

std::vector<std::string> BuildEnv(const Options& options) {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  env.erase("CLAUDECODE");
  env["CORTEX_CODE_ENTRYPOINT"] = "sdk-cpp";
  env["CLAUDE_CODE_ENTRYPOINT"] = "sdk-cpp";
  for (const auto& [key, value] : options.env) env[key] = value;
  env["CORTEX_CODE_AGENT_SDK"] = "opencortex-cpp";
  if (options.cwd) env["PWD"] = *options.cwd;
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(key + "=" + value);
  return out;
}

}  // namespace

struct SubprocessTransport::Impl {
  Options options;
  pid_t pid = 0;
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  std::atomic<bool> exited{false};
  int exit_status = 0;
  std::mutex write_mu;
  FrameDecoder decoder;
  std::deque<json> frames;
  bool stdout_eof = false;
  std::thread stderr_thread;
  std::atomic<bool> closed{false};  // set once the child is reaped: stop waiting on its pipes
  std::mutex stderr_mu;
  std::string stderr_tail;
  // finish() (on the session's reader thread) and close() (on the owner's thread) may race: one
  // of them reaps the child and joins the stderr drain, the other waits here and sees the result.
  std::mutex shutdown_mu;

  // Waits until `fd` is readable; false once the child is gone and nothing more will come (a
  // grandchild such as a background shell may keep the pipe open forever).
  bool WaitReadable(int fd) {
    for (;;) {
      pollfd p{fd, POLLIN, 0};
      int r = ::poll(&p, 1, 100);
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) return false;
      if (closed.load()) return false;
    }
  }

  void DrainStderr() {
    std::string line;
    char buf[4096];
    for (;;) {
      if (!WaitReadable(stderr_fd)) break;
      ssize_t n = ::read(stderr_fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard lock(stderr_mu);
      stderr_tail.append(buf, static_cast<size_t>(n));
      if (stderr_tail.size() > kStderrTail) stderr_tail.erase(0, stderr_tail.size() - kStderrTail);
      if (!options.stderr_callback) continue;
      line.append(buf, static_cast<size_t>(n));
      size_t pos;
      while ((pos = line.find('\n')) != std::string::npos) {
        try {
          options.stderr_callback(line.substr(0, pos));
        } catch (...) {  // a throwing callback must not kill the reader
        }
        line.erase(0, pos + 1);
      }
    }
    if (options.stderr_callback && !line.empty()) {
      try {
        options.stderr_callback(line);
      } catch (...) {
      }
    }
  }

  std::string StderrTail() {
    std::lock_guard lock(stderr_mu);
    return stderr_tail;
  }

  void Reap(bool force) {
    if (pid <= 0 || exited) return;
    {
      std::lock_guard lock(write_mu);
      CloseFd(stdin_fd);
    }
    int status = 0;
    if (WaitFor(pid, force ? std::chrono::milliseconds(0) : kGrace, status) ||
        (::kill(pid, SIGTERM), WaitFor(pid, kTermWait, status)) ||
        (::kill(pid, SIGKILL), WaitFor(pid, std::chrono::seconds(5), status))) {
      exited = true;
      exit_status = status;
    }
    closed = true;
  }

  // Reaps the child (grace period, then escalation) and joins the stderr drain; safe to call from
  // several threads at once. Returns the child's wait status.
  int Shutdown() {
    std::lock_guard lock(shutdown_mu);
    Reap(false);
    if (stderr_thread.joinable()) stderr_thread.join();
    return exit_status;
  }
};

SubprocessTransport::SubprocessTransport(Options options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}

SubprocessTransport::~SubprocessTransport() {
  close();
  CloseFd(impl_->stdout_fd);
}

int SubprocessTransport::pid() const { return impl_->exited ? 0 : impl_->pid; }

bool SubprocessTransport::is_ready() const { return impl_->pid > 0 && !impl_->exited && impl_->stdin_fd >= 0; }

void SubprocessTransport::connect() {
  Impl& s = *impl_;
  if (s.pid > 0) return;
  std::string cli = find_cli(s.options);
  if (s.options.cwd) {
    struct stat st{};
    if (::stat(s.options.cwd->c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      throw CLIConnectionError("Working directory does not exist: " + *s.options.cwd);
    }
  }
  // Writes to a CLI that already exited must fail with EPIPE, not kill the host.
  struct sigaction current{};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args = build_command_args(s.options);
  args.insert(args.begin(), cli);
  std::vector<std::string> env = BuildEnv(s.options);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int in[2], out[2], err[2];
  if (::pipe2(in, O_CLOEXEC) != 0 || ::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
    throw CLIConnectionError(std::string("cannot create pipes: ") + std::strerror(errno));
  }
  int exec_err[2];
  if (::pipe2(exec_err, O_CLOEXEC) != 0) throw CLIConnectionError("cannot create pipes");
  const char* cwd = s.options.cwd ? s.options.cwd->c_str() : nullptr;
  pid_t pid = ::fork();
  if (pid < 0) throw CLIConnectionError(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {  // child: only async-signal-safe calls from here on
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::signal(SIGPIPE, SIG_DFL);
    if (cwd != nullptr && ::chdir(cwd) != 0) {
      int e = errno;
      (void)!::write(exec_err[1], &e, sizeof e);
      ::_exit(127);
    }
    ::execve(argv[0], argv.data(), envp.data());
    int e = errno;
    (void)!::write(exec_err[1], &e, sizeof e);
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  ::close(exec_err[1]);
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_err[0], &child_errno, sizeof child_errno);
  } while (n < 0 && errno == EINTR);
  ::close(exec_err[0]);
  if (n == static_cast<ssize_t>(sizeof child_errno)) {
    ::close(in[1]);
    ::close(out[0]);
    ::close(err[0]);
    int status;
    ::waitpid(pid, &status, 0);
    throw CLIConnectionError("Failed to start Cortex Code CLI " + cli + ": " + std::strerror(child_errno));
  }
  s.pid = pid;
  s.stdin_fd = in[1];
  s.stdout_fd = out[0];
  s.stderr_fd = err[0];
  s.stderr_thread = std::thread([&s] { s.DrainStderr(); });
}

void SubprocessTransport::write(const std::string& line) {
  Impl& s = *impl_;
  std::lock_guard lock(s.write_mu);
  if (s.stdin_fd < 0) throw CLIConnectionError("CLI input is closed; cannot write");
  std::string data = line;
  data.push_back('\n');
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(s.stdin_fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {
      // The CLI exited (or closed its input) before reading this, e.g. a fast start-up error.
      // Same outcome as a write that lands just before the exit: the frame is dropped, and what
      // the CLI printed and its exit status come through read() and finish().
      CloseFd(s.stdin_fd);
      return;
    }
    if (n < 0) throw CLIConnectionError(std::string("Failed to write to CLI: ") + std::strerror(errno));
    p += n;
    left -= static_cast<size_t>(n);
  }
}

std::optional<json> SubprocessTransport::read() {
  Impl& s = *impl_;
  char buf[65536];
  while (s.frames.empty() && !s.stdout_eof) {
    if (s.stdout_fd < 0) {
      s.stdout_eof = true;
      break;
    }
    ssize_t n = s.WaitReadable(s.stdout_fd) ? ::read(s.stdout_fd, buf, sizeof buf) : 0;
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      s.stdout_eof = true;
      if (auto last = s.decoder.finish()) s.frames.push_back(std::move(*last));
      break;
    }
    std::vector<json> decoded;
    s.decoder.feed(std::string_view(buf, static_cast<size_t>(n)), decoded);
    for (json& frame : decoded) s.frames.push_back(std::move(frame));
  }
  if (s.frames.empty()) return std::nullopt;
  json frame = std::move(s.frames.front());
  s.frames.pop_front();
  return frame;
}

void SubprocessTransport::end_input() {
  std::lock_guard lock(impl_->write_mu);
  CloseFd(impl_->stdin_fd);
}

void SubprocessTransport::finish() {
  Impl& s = *impl_;
  int status = s.Shutdown();  // stdout ended, so the CLI is exiting: grace period, then escalate
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
    int code = WEXITSTATUS(status);
    throw ProcessError("Command failed with exit code " + std::to_string(code), code, s.StderrTail());
  }
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    throw ProcessError("CLI was terminated by signal " + std::to_string(sig), -sig, s.StderrTail());
  }
}

void SubprocessTransport::close() {
  Impl& s = *impl_;
  if (s.pid <= 0) return;
  {
    std::lock_guard lock(s.write_mu);
    CloseFd(s.stdin_fd);
  }
  s.Shutdown();
  std::lock_guard lock(s.shutdown_mu);
  CloseFd(s.stderr_fd);
  // stdout stays open until destruction: a reader thread may still be draining it.
}

}  // namespace opencortex
