// Test support for the code-agent protocol tests: runs the real `cortex` binary as a child with
// stdin/stdout/stderr pipes and exchanges NDJSON lines with it.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.h"

namespace oc::codetest {

// A fresh temp directory (removed by the destructor).
class ScratchDir {
public:
    ScratchDir();
    ~ScratchDir();
    const std::string& path() const { return path_; }
    void WriteFile(const std::string& name, const std::string& content) const;
    bool Exists(const std::string& name) const;

private:
    std::string path_;
};

class CodeChild {
public:
    // Starts CORTEX_BINARY args... in cwd; env entries are added to the parent environment.
    static std::unique_ptr<CodeChild> Start(const std::vector<std::string>& args, const std::string& cwd,
                                            const std::map<std::string, std::string>& env = {});
    ~CodeChild();

    void Send(const std::string& line);
    void SendJson(const Json& frame) { Send(DumpJson(frame)); }
    void CloseStdin();
    // The next stdout line parsed as JSON; nullopt on timeout or EOF.
    std::optional<Json> Next(int timeout_ms = 10000);
    // Reads frames until one satisfies type (and subtype when given); the frames read, the match
    // last. Empty vector on timeout.
    std::vector<Json> ReadUntil(const std::string& type, const std::string& subtype = "",
                                int timeout_ms = 15000);
    // Raw stdout until EOF (or timeout).
    std::string ReadAll(int timeout_ms = 20000);
    // Waits for exit; returns the exit code (-1 on timeout, after SIGKILL).
    int Wait(int timeout_ms = 10000);
    std::string Stderr();

private:
    pid_t pid_ = -1;
    int in_ = -1, out_ = -1, err_ = -1;
    std::string buffer_, err_text_;
};

struct RunOutput {
    int exit_code = -1;
    std::string out, err;
};

// Runs cortex to completion with stdin_text on stdin.
RunOutput RunCortexOnce(const std::vector<std::string>& args, const std::string& cwd,
                        const std::string& stdin_text = "",
                        const std::map<std::string, std::string>& env = {});

// The JSON frames of NDJSON output (lines that are not JSON are skipped).
std::vector<Json> Frames(const std::string& ndjson);
// The non-empty lines of a file; its whole text.
std::vector<std::string> Lines(const std::string& path);
std::string ReadText(const std::string& path);

// Common environment: transcripts and a cortex.toml (one offline model "local") in a private dir.
std::map<std::string, std::string> TestEnv(const ScratchDir& conversations);

}  // namespace oc::codetest
