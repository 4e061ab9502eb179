// opencortex C++ agent SDK: how frames reach the CLI and come back.
//
// A Transport moves NDJSON frames. The default one spawns the `cortex` binary; tests and hosts
// with their own process model (a container, a remote shell) implement the interface themselves.
#ifndef OPENCORTEX_TRANSPORT_H_
#define OPENCORTEX_TRANSPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "opencortex/options.h"

namespace opencortex {

class Transport {
 public:
  virtual ~Transport() = default;

  // Starts the peer. Throws CLINotFoundError / CLIConnectionError.
  virtual void connect() = 0;
  // Writes one frame (`line` is compact JSON without the trailing newline). Thread-safe.
  virtual void write(const std::string& line) = 0;
  // Blocks for the next frame; nullopt once the peer's output has ended. Throws CLIJSONDecodeError
  // on a malformed line. Called from one thread only.
  virtual std::optional<json> read() = 0;
  // Closes the peer's input (EOF) while still reading its output.
  virtual void end_input() = 0;
  // Called once read() returned nullopt: throws ProcessError if the peer failed.
  virtual void finish() {}
  // Stops the peer (EOF, grace period, SIGTERM, SIGKILL) and releases it. Idempotent.
  virtual void close() = 0;
  virtual bool is_ready() const = 0;
};

// Splits a byte stream into NDJSON frames with the SDK framing rules: blank lines and lines not
// starting with '{' are skipped, a '{' line that does not parse throws CLIJSONDecodeError, a line
// longer than `max_line_bytes` throws, a final line without newline is accepted when it parses.
class FrameDecoder {
 public:
  explicit FrameDecoder(size_t max_line_bytes = 1 << 20) : max_line_bytes_(max_line_bytes) {}
  // Feeds bytes; appends every complete frame to `out`.
  void feed(std::string_view bytes, std::vector<json>& out);
  // End of stream: the pending partial line if it parses, else nothing.
  std::optional<json> finish();

 private:
  void take_line(std::string_view line, std::vector<json>& out);
  size_t max_line_bytes_;
  std::string pending_;
};

// The `cortex` executable to run: options.cli_path, else $CORTEX_CODE_CLI_PATH, else `cortex` on
// PATH, else ~/.local/bin/cortex and /usr/local/bin/cortex. Throws CLINotFoundError.
std::string find_cli(const Options& options);

// The argv (without the program) for a streaming session with these options.
std::vector<std::string> build_command_args(const Options& options);

// Spawns the CLI with build_command_args(), pipes for stdin/stdout/stderr, and the environment
// (parent env + CORTEX_CODE_ENTRYPOINT=sdk-cpp + options.env).
class SubprocessTransport : public Transport {
 public:
  explicit SubprocessTransport(Options options);
  ~SubprocessTransport() override;

  void connect() override;
  void write(const std::string& line) override;
  std::optional<json> read() override;
  void end_input() override;
  void finish() override;
  void close() override;
  bool is_ready() const override;

  // The child's pid while it runs (0 before connect / after close).
  int pid() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace opencortex

#endif  // OPENCORTEX_TRANSPORT_H_
