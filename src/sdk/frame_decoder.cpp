// NDJSON framing of the CLI's stdout.
#include "opencortex/errors.h"
#include "opencortex/transport.h"

namespace opencortex {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string Preview(std::string_view line) { return std::string(line.substr(0, 200)); }

}  // namespace

void FrameDecoder::take_line(std::string_view line, std::vector<json>& out) {
  line = Trim(line);
  if (line.empty() || line.front() != '{') return;  // blank lines and debug noise
  json frame = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (frame.is_discarded()) {
    throw CLIJSONDecodeError("Failed to decode JSON from CLI output: " + Preview(line), Preview(line));
  }
  out.push_back(std::move(frame));
}

void FrameDecoder::feed(std::string_view bytes, std::vector<json>& out) {
  while (!bytes.empty()) {
    size_t newline = bytes.find('\n');
    if (newline == std::string_view::npos) {
      pending_.append(bytes);
      if (pending_.size() > max_line_bytes_) {
        std::string preview = Preview(pending_);
        pending_.clear();
        throw CLIJSONDecodeError("CLI output line exceeded the buffer limit of " + std::to_string(max_line_bytes_) +
                                     " bytes",
                                 preview);
      }
      return;
    }
    std::string_view head = bytes.substr(0, newline);
    bytes.remove_prefix(newline + 1);
    if (pending_.empty()) {
      if (head.size() > max_line_bytes_) {
        throw CLIJSONDecodeError("CLI output line exceeded the buffer limit", Preview(head));
      }
      take_line(head, out);
    } else {
      pending_.append(head);
      std::string line = std::move(pending_);
      pending_.clear();
      if (line.size() > max_line_bytes_) {
        throw CLIJSONDecodeError("CLI output line exceeded the buffer limit", Preview(line));
      }
      take_line(line, out);
    }
  }
}

std::optional<json> FrameDecoder::finish() {
  std::string line = std::move(pending_);
  pending_.clear();
  std::string_view trimmed = Trim(line);
  if (trimmed.empty() || trimmed.front() != '{') return std::nullopt;
  json frame = json::parse(trimmed, nullptr, false);
  if (frame.is_discarded()) return std::nullopt;  // a truncated final line is dropped
  return frame;
}

}  // namespace opencortex
