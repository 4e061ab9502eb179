// Frame builders for the stream-json protocol.
#include "code/protocol.h"

#include "common/ids.h"

namespace oc::code {

void NdjsonWriter::Write(const Json& frame) {
    const std::string line = DumpJson(frame) + "\n";
    std::lock_guard<std::mutex> lock(mu_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
}

Json ControlSuccess(const std::string& request_id, Json response) {
    return {{"type", "control_response"},
            {"response", {{"subtype", "success"}, {"request_id", request_id},
                          {"response", std::move(response)}}}};
}

Json ControlError(const std::string& request_id, const std::string& error) {
    return {{"type", "control_response"},
            {"response", {{"subtype", "error"}, {"request_id", request_id}, {"error", error}}}};
}

Json UsageJson(const llm::Usage& usage) {
    return {{"input_tokens", usage.input_tokens},
            {"output_tokens", usage.output_tokens},
            {"cache_creation_input_tokens", usage.cache_write_tokens},
            {"cache_read_input_tokens", usage.cache_read_tokens}};
}

Json AssistantFrame(const std::string& session_id, const std::string& message_id,
                    const std::string& model, Json block, const Json& stop_reason,
                    const llm::Usage& usage) {
    Json message = {{"id", message_id},
                    {"type", "message"},
                    {"role", "assistant"},
                    {"model", model},
                    {"content", Json::array({std::move(block)})},
                    {"stop_reason", stop_reason},
                    {"stop_sequence", nullptr},
                    {"usage", UsageJson(usage)}};
    return {{"type", "assistant"},
            {"message", std::move(message)},
            {"parent_tool_use_id", nullptr},
            {"session_id", session_id},
            {"uuid", NewUuid()}};
}

Json UserTextFrame(const std::string& session_id, const std::string& text) {
    return {{"type", "user"},
            {"message", {{"role", "user"},
                         {"content", Json::array({{{"type", "text"}, {"text", text}}})}}},
            {"parent_tool_use_id", nullptr},
            {"session_id", session_id},
            {"uuid", NewUuid()}};
}

Json ResultFrame(const std::string& session_id, const TurnSummary& s) {
    Json model_usage = Json::object();
    if (!s.model.empty()) {
        model_usage[s.model] = {{"inputTokens", s.usage.input_tokens},
                                {"outputTokens", s.usage.output_tokens},
                                {"cacheReadInputTokens", s.usage.cache_read_tokens},
                                {"cacheCreationInputTokens", s.usage.cache_write_tokens},
                                {"webSearchRequests", 0},
                                {"costUSD", s.total_cost_usd},
                                {"contextWindow", 200000},
                                {"maxOutputTokens", 64000}};
    }
    Json frame = {{"type", "result"},
                  {"subtype", s.subtype},
                  {"is_error", s.is_error},
                  {"duration_ms", s.duration_ms},
                  {"duration_api_ms", s.duration_api_ms},
                  {"num_turns", s.num_turns}};
    if (s.subtype == "success") frame["result"] = s.result;
    if (s.subtype == "success" && !s.structured_output.is_null()) frame["structured_output"] = s.structured_output;
    frame["stop_reason"] = s.stop_reason.empty() ? Json(nullptr) : Json(s.stop_reason);
    frame["session_id"] = session_id;
    frame["total_cost_usd"] = s.total_cost_usd;
    frame["usage"] = UsageJson(s.usage);
    frame["modelUsage"] = std::move(model_usage);
    frame["permission_denials"] = s.permission_denials;
    if (s.subtype != "success" || s.is_error) frame["errors"] = s.errors;
    frame["uuid"] = NewUuid();
    frame["terminal_reason"] = s.terminal_reason;
    return frame;
}

}  // namespace oc::code
