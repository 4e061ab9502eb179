// message_start → content_block_start/delta/stop … → message_delta → message_stop.
#include "code/stream_events.h"

#include "code/protocol.h"
#include "common/ids.h"

namespace oc::code {

PartialMessageSink::PartialMessageSink(std::string session_id, std::string message_id,
                                       std::string model, EmitFn emit)
    : session_id_(std::move(session_id)), message_id_(std::move(message_id)),
      model_(std::move(model)), emit_(std::move(emit)) {}

void PartialMessageSink::Event(Json event) {
    emit_({{"type", "stream_event"},
           {"uuid", NewUuid()},
           {"session_id", session_id_},
           {"parent_tool_use_id", nullptr},
           {"event", std::move(event)}});
}

void PartialMessageSink::Begin() {
    Event({{"type", "message_start"},
           {"message", {{"id", message_id_}, {"type", "message"}, {"role", "assistant"},
                        {"model", model_}, {"content", Json::array()}, {"stop_reason", nullptr},
                        {"stop_sequence", nullptr}, {"usage", UsageJson({})}}}});
}

void PartialMessageSink::Open(const std::string& type, Json block) {
    Close();
    ++index_;
    open_type_ = type;
    Event({{"type", "content_block_start"}, {"index", index_}, {"content_block", std::move(block)}});
}

void PartialMessageSink::Close() {
    if (open_type_.empty()) return;
    Event({{"type", "content_block_stop"}, {"index", index_}});
    open_type_.clear();
}

void PartialMessageSink::OnText(std::string_view delta) {
    if (open_type_ != "text") Open("text", {{"type", "text"}, {"text", ""}});
    Event({{"type", "content_block_delta"}, {"index", index_},
           {"delta", {{"type", "text_delta"}, {"text", std::string(delta)}}}});
}

void PartialMessageSink::OnThinking(std::string_view delta) {
    if (open_type_ != "thinking")
        Open("thinking", {{"type", "thinking"}, {"thinking", ""}, {"signature", ""}});
    Event({{"type", "content_block_delta"}, {"index", index_},
           {"delta", {{"type", "thinking_delta"}, {"thinking", std::string(delta)}}}});
}

void PartialMessageSink::OnToolCallStart(int, const std::string& id, const std::string& name) {
    Open("tool_use", {{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", Json::object()}});
}

void PartialMessageSink::OnToolCallArguments(int, std::string_view fragment) {
    if (open_type_ != "tool_use") return;
    Event({{"type", "content_block_delta"}, {"index", index_},
           {"delta", {{"type", "input_json_delta"}, {"partial_json", std::string(fragment)}}}});
}

void PartialMessageSink::End(const std::string& stop_reason, const llm::Usage& usage) {
    Close();
    Event({{"type", "message_delta"},
           {"delta", {{"type", "message_delta"}, {"stop_reason", stop_reason}, {"stop_sequence", nullptr}}},
           {"usage", {{"output_tokens", usage.output_tokens}}}});
    Event({{"type", "message_stop"}});
}

}  // namespace oc::code
