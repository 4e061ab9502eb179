// Hooks: log every tool call and block shell commands that delete files.
#include <iostream>

#include <opencortex/opencortex.h>

int main() {
  using namespace opencortex;
  Options options;
  options.model = "offline";
  options.hooks[HookEvent::kPreToolUse].push_back(HookMatcher{
      "Bash",
      {[](const HookInput& input, const std::optional<std::string>&, HookContext&) {
        HookOutput out;
        const auto& pre = std::get<PreToolUseHookInput>(input);
        if (pre.tool_input.value("command", "").find("rm ") != std::string::npos) {
          out.hook_specific_output = {{"hookEventName", "PreToolUse"},
                                      {"permissionDecision", "deny"},
                                      {"permissionDecisionReason", "deleting files is blocked by a hook"}};
        }
        return out;
      }},
      std::nullopt});
  options.hooks[HookEvent::kPostToolUse].push_back(HookMatcher{
      std::nullopt,
      {[](const HookInput& input, const std::optional<std::string>& tool_use_id, HookContext&) {
        std::cout << "tool finished: " << std::get<PostToolUseHookInput>(input).tool_name << " ("
                  << tool_use_id.value_or("?") << ")\n";
        return HookOutput{};
      }},
      std::nullopt});
  for (const auto& message : query("list the files", options)) {
    if (auto text = text_of(message); !text.empty()) std::cout << text << "\n";
  }
}
