// opencortex C++ agent SDK: the exceptions it throws. All derive from SdkError.
#ifndef OPENCORTEX_ERRORS_H_
#define OPENCORTEX_ERRORS_H_

#include <stdexcept>
#include <string>
#include <vector>

namespace opencortex {

// Base of every error this SDK throws.
class SdkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Talking to the CLI failed: it could not be started, a pipe broke, a control request timed out,
// the working directory does not exist, or the client is not connected.
class CLIConnectionError : public SdkError {
 public:
  using SdkError::SdkError;
};

// No `cortex` binary was found (cli_path, CORTEX_CODE_CLI_PATH, PATH, usual install places).
class CLINotFoundError : public CLIConnectionError {
 public:
  explicit CLINotFoundError(const std::string& message, std::string cli_path = "")
      : CLIConnectionError(message), cli_path_(std::move(cli_path)) {}
  const std::string& cli_path() const { return cli_path_; }

 private:
  std::string cli_path_;
};

// The CLI process exited unexpectedly (non-zero exit or killed by a signal).
class ProcessError : public SdkError {
 public:
  ProcessError(const std::string& message, int exit_code, std::string stderr_text)
      : SdkError(message), exit_code_(exit_code), stderr_(std::move(stderr_text)) {}
  // Exit status, or -N when the process was killed by signal N.
  int exit_code() const { return exit_code_; }
  // The tail (last ~8 KiB) of what the CLI wrote to stderr.
  const std::string& stderr_output() const { return stderr_; }

 private:
  int exit_code_;
  std::string stderr_;
};

// The CLI exited non-zero after reporting an error result; carries that result's details.
class ResultError : public ProcessError {
 public:
  ResultError(const std::string& message, int exit_code, std::string stderr_text, std::string subtype,
              std::vector<std::string> errors)
      : ProcessError(message, exit_code, std::move(stderr_text)),
        subtype_(std::move(subtype)),
        errors_(std::move(errors)) {}
  const std::string& subtype() const { return subtype_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::string subtype_;
  std::vector<std::string> errors_;
};

// A stdout line that starts like JSON could not be parsed, or a line exceeded the buffer limit.
class CLIJSONDecodeError : public SdkError {
 public:
  CLIJSONDecodeError(const std::string& message, std::string line)
      : SdkError(message), line_(std::move(line)) {}
  // The offending line (truncated to 200 characters).
  const std::string& line() const { return line_; }

 private:
  std::string line_;
};

// A frame had the right `type` but lacked a required field or had the wrong shape.
class MessageParseError : public SdkError {
 public:
  using SdkError::SdkError;
};

}  // namespace opencortex

#endif  // OPENCORTEX_ERRORS_H_
