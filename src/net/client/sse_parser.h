// Incremental text/event-stream parser (WHATWG "server-sent events" rules): feed it bytes as
// they arrive, it calls back once per complete event.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace oc::net {

struct SseEvent {
    std::string event = "message";   // the "event:" field, "message" when absent
    std::string data;                // "data:" lines joined with '\n'
    std::string id;                  // last "id:" seen on the stream (sticky, as in the spec)
    std::optional<long long> retry;  // "retry:" in ms, when this event carried one
};

class SseParser {
public:
    // The callback's first error stops parsing and is returned by Feed/Finish from then on.
    using Callback = std::function<Status(const SseEvent&)>;
    explicit SseParser(Callback on_event, size_t max_line_bytes = size_t{16} << 20);

    // Lines may end in LF, CRLF or CR and may be split anywhere across calls. Comments (":...")
    // are skipped, a leading BOM is dropped. kResourceExhausted for a line over max_line_bytes.
    Status Feed(std::string_view bytes);
    // End of stream: returns the sticky error, if any. An event whose terminating blank line
    // never came is discarded, as the spec says (a cut-off stream must not look complete).
    Status Finish();

private:
    Status ProcessLine(std::string_view line);
    Status Dispatch();

    Callback on_event_;
    size_t max_line_bytes_;
    std::string line_;
    bool after_cr_ = false;  // the last byte was CR: a following LF belongs to it
    bool at_start_ = true;
    bool has_data_ = false;
    SseEvent pending_;
    std::string last_id_;
    Status error_;
};

}  // namespace oc::net
