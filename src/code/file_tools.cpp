// Read, Write, Edit and LS: file tools over std::filesystem (error_code forms only).
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "code/builtin_tool.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxReadLines = 2000;
constexpr size_t kMaxLineChars = 2000;

bool ReadWhole(const std::string& path, std::string* out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::stringstream text;
    text << in.rdbuf();
    *out = text.str();
    return true;
}

bool WriteWhole(const std::string& path, const std::string& content) {
    std::error_code ec;
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << content;
    return static_cast<bool>(out);
}

int64_t IntArg(const Json& input, const char* key, int64_t fallback) {
    if (!input.is_object() || !input.contains(key) || !input[key].is_number()) return fallback;
    return input[key].get<int64_t>();
}

ToolOutput RunRead(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string path = ResolveToolPath(self, input, ctx);
    if (path.empty()) return ToolError("Read: file_path is required");
    std::error_code ec;
    if (fs::is_directory(path, ec)) return ToolError("Read: " + path + " is a directory; use LS");
    std::string content;
    if (!ReadWhole(path, &content)) return ToolError("Read: file does not exist: " + path);
    const int64_t offset = std::max<int64_t>(1, IntArg(input, "offset", 1));
    const int64_t limit = std::max<int64_t>(1, IntArg(input, "limit", kMaxReadLines));
    std::istringstream lines(content);
    std::string line, text;
    int64_t number = 0, shown = 0;
    while (std::getline(lines, line)) {
        ++number;
        if (number < offset || shown >= limit) continue;
        if (line.size() > kMaxLineChars) line = line.substr(0, kMaxLineChars) + "...";
        char prefix[32];
        std::snprintf(prefix, sizeof prefix, "%6lld\t", static_cast<long long>(number));
        text += prefix + line + "\n";
        ++shown;
    }
    ToolOutput out;
    out.text = content.empty() ? "(the file is empty)" : text;
    out.structured = {{"type", "text"},
                      {"file", {{"filePath", path}, {"content", content.substr(0, 50000)},
                                {"numLines", shown}, {"startLine", offset}, {"totalLines", number}}}};
    return out;
}

ToolOutput RunWrite(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string path = ResolveToolPath(self, input, ctx);
    if (path.empty()) return ToolError("Write: file_path is required");
    if (!input.contains("content") || !input["content"].is_string())
        return ToolError("Write: content is required");
    std::error_code ec;
    const bool existed = fs::exists(path, ec);
    const std::string content = input["content"].get<std::string>();
    if (!WriteWhole(path, content)) return ToolError("Write: cannot write " + path);
    ToolOutput out;
    out.text = (existed ? "The file " + path + " has been updated."
                        : "File created successfully at: " + path);
    out.structured = {{"type", existed ? "update" : "create"}, {"filePath", path}, {"content", content}};
    return out;
}

ToolOutput RunEdit(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string path = ResolveToolPath(self, input, ctx);
    const std::string old_string = StringArg(input, "old_string");
    const std::string new_string = StringArg(input, "new_string");
    const bool replace_all = input.is_object() && input.value("replace_all", false);
    std::string content;
    if (path.empty() || !ReadWhole(path, &content)) return ToolError("Edit: file does not exist: " + path);
    auto updated = ApplyEdit(content, old_string, new_string, replace_all);
    if (!updated) return ToolError("Edit: " + updated.error().message + " in " + path);
    if (!WriteWhole(path, *updated)) return ToolError("Edit: cannot write " + path);
    ToolOutput out;
    out.text = "The file " + path + " has been updated.";
    out.structured = {{"filePath", path}, {"oldString", old_string}, {"newString", new_string},
                      {"replaceAll", replace_all}};
    return out;
}

ToolOutput RunLs(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string path = ResolveToolPath(self, input, ctx);
    std::error_code ec;
    if (!fs::is_directory(path, ec)) return ToolError("LS: not a directory: " + path);
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
        std::string name = entry.path().filename().string();
        bool ignored = false;
        if (input.is_object() && input.contains("ignore") && input["ignore"].is_array()) {
            for (const Json& g : input["ignore"])
                if (g.is_string() && GlobMatch(g.get<std::string>(), name)) ignored = true;
        }
        if (ignored) continue;
        std::error_code dec;
        names.push_back(name + (entry.is_directory(dec) ? "/" : ""));
    }
    if (ec) return ToolError("LS: cannot list " + path + ": " + ec.message());
    std::sort(names.begin(), names.end());
    ToolOutput out;
    out.text = "- " + path + "/\n";
    for (const std::string& name : names) out.text += "  - " + name + "\n";
    out.structured = {{"path", path}, {"entries", names}};
    return out;
}

}  // namespace

Result<std::string> ApplyEdit(const std::string& content, const std::string& old_string,
                              const std::string& new_string, bool replace_all) {
    if (old_string.empty()) return MakeError(ErrorCode::kInvalidArgument, "old_string must not be empty");
    if (old_string == new_string)
        return MakeError(ErrorCode::kInvalidArgument, "old_string and new_string are the same");
    size_t count = 0;
    for (size_t at = content.find(old_string); at != std::string::npos;
         at = content.find(old_string, at + old_string.size()))
        ++count;
    if (count == 0) return MakeError(ErrorCode::kNotFound, "old_string was not found");
    if (count > 1 && !replace_all)
        return MakeError(ErrorCode::kInvalidArgument, "old_string occurs " + std::to_string(count) +
                                                          " times; give more context or set replace_all");
    std::string updated;
    size_t from = 0;
    for (size_t at = content.find(old_string); at != std::string::npos; at = content.find(old_string, from)) {
        updated += content.substr(from, at - from) + new_string;
        from = at + old_string.size();
        if (!replace_all) break;
    }
    return updated + content.substr(from);
}

bool ReadFileText(const std::string& path, std::string* out) { return ReadWhole(path, out); }
bool WriteFileText(const std::string& path, const std::string& content) { return WriteWhole(path, content); }

BuiltinTool MakeReadTool() {
    BuiltinTool t{"Read", "Read a file: returns its lines numbered, cat -n style.",
                  ObjectSchema({{"file_path", "string", "The path of the file to read"},
                                {"offset", "integer", "First line (1-based)"},
                                {"limit", "integer", "Number of lines"}},
                               {"file_path"}),
                  ToolKind::kRead, "file_path", nullptr};
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunRead(self, in, ctx); };
    return t;
}

BuiltinTool MakeWriteTool() {
    BuiltinTool t{"Write", "Write (create or overwrite) a file with the given content.",
                  ObjectSchema({{"file_path", "string", "The path of the file to write"},
                                {"content", "string", "New content"}},
                               {"file_path", "content"}),
                  ToolKind::kEdit, "file_path", nullptr};
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunWrite(self, in, ctx); };
    return t;
}

BuiltinTool MakeEditTool() {
    BuiltinTool t{"Edit", "Edit a file: replace old_string with new_string (exact match).",
                  ObjectSchema({{"file_path", "string", "The path of the file to modify"},
                                {"old_string", "string", "Text to replace"},
                                {"new_string", "string", "Replacement text"},
                                {"replace_all", "boolean", "Replace every occurrence"}},
                               {"file_path", "old_string", "new_string"}),
                  ToolKind::kEdit, "file_path", nullptr};
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunEdit(self, in, ctx); };
    return t;
}

BuiltinTool MakeLsTool() {
    BuiltinTool t{"LS", "LS: list the entries of a directory (ls).",
                  ObjectSchema({{"path", "string", "Directory to list (default: the working directory)"},
                                {"ignore", "array"}},
                               {}),
                  ToolKind::kRead, "path", nullptr};
    t.input_schema["properties"]["ignore"].emplace("items", TypeSchema("string"));
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunLs(self, in, ctx); };
    return t;
}

}  // namespace oc::code
