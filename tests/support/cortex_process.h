// Test support: runs the real `cortex` binary (server or CLI) on a temp data dir and talks HTTP
// to it over loopback with libcurl.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace oc::testing {

// A fresh directory under the system temp dir, removed by the destructor.
class TempDir {
public:
    TempDir();
    ~TempDir();
    const std::string& path() const { return path_; }

private:
    std::string path_;
};

struct CliResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

// Runs `cortex args...` to completion (bounded by timeout_s) and captures its output.
CliResult RunCortex(const std::vector<std::string>& args, int timeout_s = 60);
// Same, run in directory cwd with env entries added to the inherited environment and stdin_text
// as standard input.
CliResult RunCortexIn(const std::string& cwd, const std::vector<std::string>& args,
                      const std::map<std::string, std::string>& env = {}, int timeout_s = 60,
                      const std::string& stdin_text = "");

// How SpawnCortex starts the child.
struct SpawnOptions {
    std::string cwd;                        // "" = the test's working dir
    std::string stdin_path = "/dev/null";
    std::map<std::string, std::string> env;  // added to the inherited environment...
    bool exact_env = false;                  // ...or, when set, the child's whole environment
};

// Starts `cortex args...` with stdout and stderr going to the given files; returns its pid.
pid_t SpawnCortex(const std::vector<std::string>& args, const std::string& out_path,
                  const std::string& err_path, const SpawnOptions& options = {});
// Waits up to timeout_s for a spawned child (then SIGKILL, err "timeout") and collects its
// output files.
CliResult WaitForCortex(pid_t pid, const std::string& out_path, const std::string& err_path,
                        int timeout_s = 60);

class CortexServer {
public:
    // Starts `cortex serve --port 0 --data-dir DIR extra...` and waits for "listening on".
    // Returns nullptr (and prints why) when it did not come up within the deadline.
    static std::unique_ptr<CortexServer> Start(const std::string& data_dir,
                                               const std::vector<std::string>& extra = {},
                                               const std::map<std::string, std::string>& env = {});
    ~CortexServer();

    const std::string& url() const { return url_; }
    int port() const { return port_; }
    // The one-time admin token printed on first start ("" when the data dir was not new).
    const std::string& admin_token() const { return admin_token_; }
    std::string Stderr() const;
    // SIGTERM and wait; returns the exit status.
    int Stop();
    // SIGKILL, no cleanup.
    void Kill9();

private:
    pid_t pid_ = -1;
    int port_ = 0;
    std::string url_;
    std::string admin_token_;
    std::string stderr_path_;
};

struct HttpResult {
    long status = 0;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string Header(const std::string& lower_name) const;
};

// One HTTP request; headers as "Name: value". Bounded to 30 s.
HttpResult Http(const std::string& method, const std::string& url, const std::string& body = "",
                const std::vector<std::string>& headers = {});

// Like Http but gives up (hangs up) after timeout_s seconds; returns what arrived until then.
HttpResult HttpWithTimeout(const std::string& method, const std::string& url, long timeout_s,
                           const std::string& body = "", const std::vector<std::string>& headers = {});

// Same with "Authorization: Bearer token" and "Content-Type: application/json".
HttpResult Api(const std::string& method, const std::string& url, const std::string& token,
               const std::string& body = "");

}  // namespace oc::testing
