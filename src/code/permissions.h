// Tool permission policy: --disallowedTools / --allowedTools rules (`Bash(git status:*)`,
// `Edit(src/**)`, `Read`), permission modes and workdir confinement, evaluated in the order of
// code-agent-protocol.md §4.4. "ask" is resolved by the caller (can_use_tool or denial).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "code/builtin_tool.h"

namespace oc::code {

enum class Decision { kAllow, kDeny, kAsk };

struct PermissionCheck {
    Decision decision = Decision::kAsk;
    std::string reason;        // for deny: told to the model
    std::string blocked_path;  // a path outside the workdir that triggered the check
};

struct PermissionRule {
    std::string tool;
    std::optional<std::string> content;  // none = the whole tool
};

// `Tool`, `Tool()`, `Tool(*)`, `Tool(content)`.
PermissionRule ParsePermissionRule(const std::string& text);

// SQL rule content against a SQL text: every statement must match. `select:*` = statements
// starting with the word(s) `select` (case-insensitive); other content is a glob over the
// statement with whitespace collapsed and lower-cased (sql_tool.cpp).
bool SqlRuleMatches(const std::string& content, const std::string& sql);

class PermissionPolicy {
public:
    PermissionPolicy(const std::vector<std::string>& allowed, const std::vector<std::string>& denied,
                     std::string mode, std::vector<std::string> roots, std::string workdir);

    // target_path: ResolveToolPath of the call ("" when the tool has none). Thread-safe.
    PermissionCheck Check(const BuiltinTool& tool, const Json& input,
                          const std::string& target_path) const;
    void SetMode(const std::string& mode);
    std::string mode() const;
    // Session rules from an `updatedPermissions` addRules/allow entry.
    void AddAllowRule(PermissionRule rule);

private:
    bool Matches(const PermissionRule& rule, const BuiltinTool& tool, const Json& input,
                 const std::string& target_path) const;

    mutable std::mutex mu_;
    std::vector<PermissionRule> allowed_;
    std::vector<PermissionRule> denied_;
    std::string mode_;
    std::vector<std::string> roots_;
    std::string workdir_;
};

}  // namespace oc::code
