// Rule matching and the mode ladder of the permission policy.
#include "code/permissions.h"

#include <filesystem>

namespace oc::code {

PermissionRule ParsePermissionRule(const std::string& text) {
    PermissionRule rule;
    const size_t open = text.find('(');
    if (open == std::string::npos || text.back() != ')') {
        rule.tool = text;
        return rule;
    }
    rule.tool = text.substr(0, open);
    const std::string content = text.substr(open + 1, text.size() - open - 2);
    if (!content.empty() && content != "*") rule.content = content;
    return rule;
}

PermissionPolicy::PermissionPolicy(const std::vector<std::string>& allowed,
                                   const std::vector<std::string>& denied, std::string mode,
                                   std::vector<std::string> roots, std::string workdir)
    : mode_(std::move(mode)), roots_(std::move(roots)), workdir_(std::move(workdir)) {
    for (const auto& a : allowed) allowed_.push_back(ParsePermissionRule(a));
    for (const auto& d : denied) denied_.push_back(ParsePermissionRule(d));
}

void PermissionPolicy::SetMode(const std::string& mode) {
    std::lock_guard<std::mutex> lock(mu_);
    mode_ = mode;
}

std::string PermissionPolicy::mode() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mode_;
}

void PermissionPolicy::AddAllowRule(PermissionRule rule) {
    std::lock_guard<std::mutex> lock(mu_);
    allowed_.push_back(std::move(rule));
}

bool PermissionPolicy::Matches(const PermissionRule& rule, const BuiltinTool& tool,
                               const Json& input, const std::string& target_path) const {
    if (rule.tool != tool.name) {
        // `mcp__server` covers every tool of that server.
        return rule.tool.rfind("mcp__", 0) == 0 && !rule.content &&
               tool.name.rfind(rule.tool + "__", 0) == 0;
    }
    if (!rule.content) return true;
    const std::string& content = *rule.content;
    if (tool.name == "SQL") return SqlRuleMatches(content, StringArg(input, "sql"));
    if (tool.name == "Bash") {
        const std::string command = StringArg(input, "command");
        if (content.size() >= 2 && content.compare(content.size() - 2, 2, ":*") == 0) {
            const std::string prefix = content.substr(0, content.size() - 2);
            return command.compare(0, prefix.size(), prefix) == 0 &&
                   (command.size() == prefix.size() || command[prefix.size()] == ' ');
        }
        if (content.find('*') != std::string::npos) return GlobMatch(content, command);
        return command == content;
    }
    if (target_path.empty()) return false;
    std::string rel = target_path;
    if (WithinRoots(target_path, {workdir_}))
        rel = std::filesystem::path(target_path).lexically_relative(workdir_).generic_string();
    std::string pattern = content;
    if (pattern.rfind("./", 0) == 0) pattern = pattern.substr(2);
    return GlobMatch(pattern, rel) || GlobMatch(pattern, target_path);
}

PermissionCheck PermissionPolicy::Check(const BuiltinTool& tool, const Json& input,
                                        const std::string& target_path) const {
    std::lock_guard<std::mutex> lock(mu_);
    PermissionCheck check;
    for (const auto& rule : denied_) {
        if (!Matches(rule, tool, input, target_path)) continue;
        check.decision = Decision::kDeny;
        check.reason = "Permission to use " + tool.name + " has been denied by a disallowedTools rule.";
        return check;
    }
    const bool inside = target_path.empty() || WithinRoots(target_path, roots_);
    if (!inside) check.blocked_path = target_path;
    if (mode_ == "bypassPermissions") {
        check.decision = Decision::kAllow;
        return check;
    }
    if (mode_ == "plan") {
        if (tool.KindOf(input) == ToolKind::kRead && inside) {
            check.decision = Decision::kAllow;
            return check;
        }
        check.decision = Decision::kDeny;
        check.reason = "Plan mode is active: " + tool.name +
                       " was not run. Only read-only tools are available until the plan is approved.";
        return check;
    }
    for (const auto& rule : allowed_) {
        if (!Matches(rule, tool, input, target_path)) continue;
        check.decision = Decision::kAllow;
        return check;
    }
    if (tool.KindOf(input) == ToolKind::kRead && inside) {
        check.decision = Decision::kAllow;
        return check;
    }
    if (mode_ == "acceptEdits" && tool.KindOf(input) == ToolKind::kEdit && inside) {
        check.decision = Decision::kAllow;
        return check;
    }
    if (mode_ == "dontAsk") {
        check.decision = Decision::kDeny;
        check.reason = "Permission to use " + tool.name + " was not granted (dontAsk mode).";
        return check;
    }
    check.decision = Decision::kAsk;
    return check;
}

}  // namespace oc::code
