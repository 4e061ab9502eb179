// The SSE line/field state machine; see https://html.spec.whatwg.org/#event-stream-interpretation
#include "net/client/sse_parser.h"

#include <utility>

namespace oc::net {

SseParser::SseParser(Callback on_event, size_t max_line_bytes)
    : on_event_(std::move(on_event)), max_line_bytes_(max_line_bytes) {}

Status SseParser::Feed(std::string_view bytes) {
    if (!error_) return error_;
    if (at_start_ && !bytes.empty()) {
        // A UTF-8 BOM may arrive split; only strip it when complete in the first chunk.
        if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
        at_start_ = false;
    }
    size_t start = 0;
    for (size_t i = 0; i < bytes.size(); ++i) {
        const char c = bytes[i];
        if (c != '\n' && c != '\r') {
            after_cr_ = false;
            continue;
        }
        if (c == '\n' && after_cr_) {  // the LF of a CRLF whose CR ended the previous line
            after_cr_ = false;
            start = i + 1;
            continue;
        }
        line_.append(bytes.substr(start, i - start));
        start = i + 1;
        after_cr_ = (c == '\r');
        std::string line = std::move(line_);
        line_.clear();
        error_ = ProcessLine(line);
        if (!error_) return error_;
    }
    line_.append(bytes.substr(start));
    if (line_.size() > max_line_bytes_) {
        error_ =
            MakeError(ErrorCode::kResourceExhausted,
                      "event-stream line exceeds " + std::to_string(max_line_bytes_) + " bytes");
    }
    return error_;
}

Status SseParser::Finish() {
    line_.clear();
    pending_ = SseEvent{};
    has_data_ = false;
    return error_;
}

Status SseParser::ProcessLine(std::string_view line) {
    if (line.empty()) return Dispatch();
    if (line.front() == ':') return {};  // comment (keep-alives)
    std::string_view field = line;
    std::string_view value;
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
        field = line.substr(0, colon);
        value = line.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) pending_.data.push_back('\n');
        pending_.data.append(value);
        has_data_ = true;
    } else if (field == "event") {
        pending_.event.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) last_id_.assign(value);
    } else if (field == "retry") {
        bool digits = !value.empty() && value.size() < 18;
        for (char c : value) digits = digits && c >= '0' && c <= '9';
        if (digits) pending_.retry = std::stoll(std::string(value));
    }
    return {};  // unknown fields are ignored
}

Status SseParser::Dispatch() {
    SseEvent event = std::move(pending_);
    const bool has_data = has_data_;
    pending_ = SseEvent{};
    has_data_ = false;
    if (!has_data) return {};  // an event without data is not dispatched
    if (event.event.empty()) event.event = "message";
    event.id = last_id_;
    return on_event_(event);
}

}  // namespace oc::net
