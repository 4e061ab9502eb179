// The stream-json wire: a thread-safe NDJSON writer and builders for the frames the CLI emits
// (code-agent-protocol.md §2.1, §2.4, §3). stdout carries only these lines.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "common/json.h"
#include "llm/provider.h"

namespace oc::code {

inline constexpr const char* kCodeVersion = "2.1.0";

// Writes one JSON object per line and flushes. Safe to call from several threads.
class NdjsonWriter {
public:
    explicit NdjsonWriter(std::FILE* out) : out_(out) {}
    void Write(const Json& frame);

private:
    std::FILE* out_;
    std::mutex mu_;
};

Json ControlSuccess(const std::string& request_id, Json response = Json::object());
Json ControlError(const std::string& request_id, const std::string& error);

// Anthropic usage object from our usage counters.
Json UsageJson(const llm::Usage& usage);

// One assistant frame carrying one content block (the real CLI streams one frame per block).
Json AssistantFrame(const std::string& session_id, const std::string& message_id,
                    const std::string& model, Json block, const Json& stop_reason,
                    const llm::Usage& usage);

// A user frame with a plain text block (e.g. "[Request interrupted by user]").
Json UserTextFrame(const std::string& session_id, const std::string& text);

struct TurnSummary {
    // success | error_max_turns | error_during_execution | error_max_budget_usd |
    // error_max_structured_output_retries
    std::string subtype = "success";
    bool is_error = false;
    std::string result;               // success text
    std::vector<std::string> errors;  // error subtypes: always present
    std::string stop_reason = "end_turn";
    std::string terminal_reason = "completed";
    int num_turns = 0;
    int64_t duration_ms = 0;
    int64_t duration_api_ms = 0;
    llm::Usage usage;
    std::string model;
    double total_cost_usd = 0.0;      // running total of the session
    Json permission_denials = Json::array();
    Json structured_output = nullptr;  // --json-schema: the validated answer (success only)
};

Json ResultFrame(const std::string& session_id, const TurnSummary& summary);

}  // namespace oc::code
