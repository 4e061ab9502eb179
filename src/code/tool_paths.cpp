// Path resolution, root confinement and glob matching shared by the built-in tools and the
// permission policy.
#include <filesystem>
#include <regex>

#include "code/builtin_tool.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

std::string Absolute(const std::string& raw, const std::string& workdir) {
    fs::path p(raw);
    if (p.is_relative()) p = fs::path(workdir) / p;
    return p.lexically_normal().string();
}

bool Exists(const std::string& path) {
    std::error_code ec;
    return fs::exists(path, ec);
}

std::string Trim(std::string word) {
    const std::string junk = "\"'`,;:!?()[]<>";
    while (!word.empty() && junk.find(word.back()) != std::string::npos) word.pop_back();
    while (!word.empty() && junk.find(word.front()) != std::string::npos) word.erase(0, 1);
    while (word.size() > 1 && word.back() == '.') word.pop_back();
    return word;
}

}  // namespace

std::string StringArg(const Json& input, const char* key) {
    if (!input.is_object()) return {};
    auto it = input.find(key);
    return it != input.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ToolOutput ToolError(std::string message) {
    ToolOutput out;
    out.text = std::move(message);
    out.is_error = true;
    return out;
}

std::string ResolveToolPath(const BuiltinTool& tool, const Json& input, const ToolContext& ctx) {
    if (tool.path_key.empty()) return {};
    const std::string raw = StringArg(input, tool.path_key.c_str());
    const bool optional_path = tool.name == "LS" || tool.name == "Glob" || tool.name == "Grep";
    const bool creates = tool.name == "Write";
    if (raw.empty()) return optional_path ? ctx.workdir : std::string();
    const std::string direct = Absolute(raw, ctx.workdir);
    if (creates || Exists(direct)) return direct;
    if (raw.find_first_of(" \t\n") != std::string::npos) {
        size_t start = 0;
        while (start < raw.size()) {
            size_t end = raw.find_first_of(" \t\n", start);
            if (end == std::string::npos) end = raw.size();
            const std::string word = Trim(raw.substr(start, end - start));
            if (!word.empty() && Exists(Absolute(word, ctx.workdir)))
                return Absolute(word, ctx.workdir);
            start = end + 1;
        }
    }
    return optional_path ? ctx.workdir : direct;
}

BuiltinTool PathOnly(const BuiltinTool& tool) {
    BuiltinTool slim;
    slim.name = tool.name;
    slim.kind = tool.kind;
    slim.path_key = tool.path_key;
    return slim;
}

bool WithinRoots(const std::string& path, const std::vector<std::string>& roots) {
    std::error_code ec;
    const fs::path target = fs::weakly_canonical(path, ec);
    const std::string t = ec ? fs::path(path).lexically_normal().string() : target.string();
    for (const std::string& root : roots) {
        std::error_code rec;
        std::string r = fs::weakly_canonical(root, rec).string();
        if (rec) r = fs::path(root).lexically_normal().string();
        while (r.size() > 1 && r.back() == '/') r.pop_back();
        if (t == r || (t.size() > r.size() && t.compare(0, r.size(), r) == 0 &&
                       (t[r.size()] == '/' || r == "/")))
            return true;
    }
    return false;
}

std::string GlobToRegex(const std::string& glob) {
    std::string re;
    int braces = 0;
    for (size_t i = 0; i < glob.size(); ++i) {
        const char c = glob[i];
        if (c == '*' && i + 1 < glob.size() && glob[i + 1] == '*') {
            const bool slash = i + 2 < glob.size() && glob[i + 2] == '/';
            re += slash ? "(?:.*/)?" : ".*";
            i += slash ? 2 : 1;
        } else if (c == '*') {
            re += "[^/]*";
        } else if (c == '?') {
            re += "[^/]";
        } else if (c == '{') {
            re += "(?:";
            ++braces;
        } else if (c == '}' && braces > 0) {
            re += ")";
            --braces;
        } else if (c == ',' && braces > 0) {
            re += "|";
        } else if (std::string("\\^$.|+()[]{}").find(c) != std::string::npos) {
            re += '\\';
            re += c;
        } else {
            re += c;
        }
    }
    return re;
}

bool GlobMatch(const std::string& glob, const std::string& path) {
    try {
        return std::regex_match(path, std::regex(GlobToRegex(glob)));
    } catch (const std::regex_error&) {
        return false;
    }
}

std::vector<BuiltinTool> MakeBuiltinTools() {
    // Moved in one by one: an initializer list would copy every tool (schema and closure).
    std::vector<BuiltinTool> tools;
    tools.reserve(9);
    for (BuiltinTool (*make)() : {MakeBashTool, MakeGlobTool, MakeGrepTool, MakeLsTool, MakeReadTool,
                                  MakeEditTool, MakeMultiEditTool, MakeWriteTool, MakeTodoWriteTool})
        tools.push_back(make());
    return tools;
}

}  // namespace oc::code
