// Emits Anthropic streaming events as `stream_event` frames while a model call runs
// (--include-partial-messages; code-agent-protocol.md §3.4).
#pragma once

#include <functional>
#include <string>

#include "common/json.h"
#include "llm/provider.h"

namespace oc::code {

class PartialMessageSink : public llm::StreamSink {
public:
    using EmitFn = std::function<void(const Json& frame)>;
    PartialMessageSink(std::string session_id, std::string message_id, std::string model, EmitFn emit);

    void Begin();  // message_start
    void OnText(std::string_view delta) override;
    void OnThinking(std::string_view delta) override;
    void OnToolCallStart(int index, const std::string& id, const std::string& name) override;
    void OnToolCallArguments(int index, std::string_view fragment) override;
    // content_block_stop of the open block, message_delta, message_stop.
    void End(const std::string& stop_reason, const llm::Usage& usage);

private:
    void Event(Json event);
    void Open(const std::string& type, Json block);
    void Close();

    std::string session_id_, message_id_, model_;
    EmitFn emit_;
    int index_ = -1;
    std::string open_type_;  // "" = no open block
};

}  // namespace oc::code
