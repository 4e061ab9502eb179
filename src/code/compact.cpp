// `/compact`: the conversation so far replaced by a summary message (deterministic, no model
// call), after the PreCompact hooks had their say.
#include <chrono>

#include "code/session.h"
#include "common/ids.h"

namespace oc::code {
namespace {

std::string Clip(const std::string& text, size_t max) {
    if (text.size() <= max) return text;
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return text.substr(0, cut) + "...";
}

}  // namespace

bool IsCompactCommand(const std::string& prompt) {
    return prompt == "/compact" || prompt.rfind("/compact ", 0) == 0;
}

TurnSummary CompactConversation(Session& session, const std::string& prompt, SessionHost& host,
                                const llm::CancelToken& cancel) {
    const auto start = std::chrono::steady_clock::now();
    TurnSummary s;
    s.num_turns = 0;
    s.model = session.model();
    std::string instructions = prompt.size() > 9 ? prompt.substr(9) : "";
    const std::vector<HookMatcher> hooks = session.Hooks();
    if (HasHooks(hooks, "PreCompact")) {
        Json input = session.HookInput("PreCompact");
        input["trigger"] = "manual";
        input["custom_instructions"] = instructions.empty() ? Json(nullptr) : Json(instructions);
        const HookOutcome hook = RunHooks(host, hooks, "PreCompact", "", input, "", cancel);
        if (hook.block || hook.stop) {
            s.result = "Compaction blocked by a PreCompact hook: " + (hook.block ? hook.reason : hook.stop_reason);
            s.terminal_reason = "hook_stopped";
            return s;
        }
        if (!hook.additional_context.empty())
            instructions += (instructions.empty() ? "" : "\n") + hook.additional_context;
    }
    const std::vector<llm::Message>& history = session.History();
    size_t chars = 0;
    std::string summary = "Summary of the conversation so far (" + std::to_string(history.size()) + " messages):";
    for (const llm::Message& m : history) {
        chars += m.text.size();
        if (m.role == llm::Role::kUser) summary += "\n- User: " + Clip(m.text, 300);
        else if (m.role == llm::Role::kAssistant && !m.text.empty()) summary += "\n- Assistant: " + Clip(m.text, 300);
        else if (m.role == llm::Role::kTool) summary += "\n- Tool " + m.tool_name + ": " + Clip(m.text, 120);
    }
    if (!instructions.empty()) summary += "\nCompaction instructions: " + instructions;
    std::vector<llm::Message> compacted = {TextMessage(llm::Role::kUser, summary)};
    session.SetHistory(std::move(compacted));
    host.Emit({{"type", "system"},
               {"subtype", "compact_boundary"},
               {"compact_metadata", {{"trigger", "manual"}, {"pre_tokens", (chars + 3) / 4}}},
               {"session_id", session.session_id()},
               {"uuid", NewUuid()}});
    s.result = "";
    s.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start).count();
    return s;
}

}  // namespace oc::code
