// Splits an SSE body into its `data:` payloads, for the LLM endpoint tests.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"

namespace oc::testing {

// The payload of every `data:` line, in order ("[DONE]" included); comments are skipped.
inline std::vector<std::string> SseData(const std::string& body) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (pos < body.size()) {
        size_t end = body.find('\n', pos);
        if (end == std::string::npos) end = body.size();
        std::string line = body.substr(pos, end - pos);
        if (line.rfind("data: ", 0) == 0) out.push_back(line.substr(6));
        pos = end + 1;
    }
    return out;
}

// The payloads that are JSON (everything but "[DONE]"); an unparsable one becomes null.
inline std::vector<Json> SseJson(const std::vector<std::string>& frames) {
    std::vector<Json> out;
    for (const auto& f : frames) {
        if (f == "[DONE]") continue;
        auto j = ParseJson(f);
        out.push_back(j ? *j : Json());
    }
    return out;
}

}  // namespace oc::testing
