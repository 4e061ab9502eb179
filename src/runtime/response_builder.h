// Turns what the orchestrator produces into the events of §3.4 and, in parallel, the `content`
// array of the final response (§3.6): one content_index per item, deltas before the completing
// event, flat event payloads vs wrapped content items (reference agents-api.md §3.5, §9.4-5).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/json.h"
#include "runtime/citations.h"
#include "runtime/run.h"

namespace oc::runtime {

// Used by one thread (the run thread); events go to the Run as they are made.
class ResponseBuilder {
public:
    explicit ResponseBuilder(Run& run) : run_(run) {}
    // Text blocks closed afterwards cite from this pool (annotation events before `response.text`).
    void SetCitations(const CitationPool* citations) { citations_ = citations; }

    // Progress (`response.status`; not a content item).
    void Status(const std::string& status, const std::string& message);
    // A warning event, also collected for `response.warnings`.
    void Warning(const std::string& message, const std::string& code);

    // Streamed blocks: a delta opens a block of its kind (closing any other open block).
    void ThinkingDelta(std::string_view text);
    void TextDelta(std::string_view text);
    // Emits the completing event of the open block, if any.
    void CloseBlock();
    // A whole text block at once (one delta, then the completing event).
    void Text(std::string_view text);

    // Tool call items; each returns its content_index.
    int ToolUse(const std::string& tool_use_id, const std::string& type, const std::string& name,
                const Json& input, bool client_side_execute);
    void ToolResultStatus(const std::string& tool_use_id, const std::string& tool_type,
                          const std::string& status, const std::string& message, const Json& details);
    int ToolResult(const std::string& tool_use_id, const std::string& type, const std::string& name,
                   const Json& content, bool success);
    // Any other item (table, chart, ...): `flat` is the event payload without content_index and
    // carries "type"; the event is `response.<type>`, the content item {"type", <type>: {...}}.
    int Item(const Json& flat);

    // The final `response` content so far (blocks still open are not included).
    const Json& content() const { return content_; }
    const std::vector<std::string>& warnings() const { return warnings_; }
    // Text of the last completed text block ("" when none).
    const std::string& last_text() const { return last_text_; }
    bool has_text() const { return !last_text_.empty(); }

private:
    enum class Block { kNone, kThinking, kText };
    void Delta(Block kind, std::string_view text);
    int NextIndex() const { return static_cast<int>(content_.size()); }

    Run& run_;
    const CitationPool* citations_ = nullptr;
    Json content_ = Json::array();
    std::vector<std::string> warnings_;
    Block open_ = Block::kNone;
    std::string open_text_;
    std::string last_text_;
};

}  // namespace oc::runtime
