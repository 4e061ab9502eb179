// Glob and Grep: recursive search below a directory, skipping .git and similar noise.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

#include <re2/re2.h>
#include <sstream>

#include "code/builtin_tool.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

constexpr size_t kMaxResults = 200;
constexpr uintmax_t kMaxGrepFileBytes = 4 * 1024 * 1024;

bool Skipped(const fs::path& p) {
    const std::string name = p.filename().string();
    return name == ".git" || name == "node_modules" || name == ".hg";
}

// Every regular file below root (relative paths with '/'), in sorted order.
std::vector<std::string> WalkFiles(const std::string& root) {
    std::vector<std::string> files;
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        std::error_code sec;
        if (it->is_directory(sec) && Skipped(it->path())) {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file(sec))
            files.push_back(fs::relative(it->path(), root, sec).generic_string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

ToolOutput RunGlob(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string pattern = StringArg(input, "pattern");
    if (pattern.empty()) return ToolError("Glob: pattern is required");
    const std::string root = ResolveToolPath(self, input, ctx);
    std::regex re;
    try {
        re = std::regex(GlobToRegex(pattern));
    } catch (const std::regex_error&) {
        return ToolError("Glob: invalid pattern '" + pattern + "'");
    }
    std::vector<std::string> matches;
    bool truncated = false;
    for (const std::string& rel : WalkFiles(root)) {
        if (!std::regex_match(rel, re)) continue;
        if (matches.size() >= kMaxResults) {
            truncated = true;
            break;
        }
        matches.push_back((fs::path(root) / rel).string());
    }
    ToolOutput out;
    for (const std::string& m : matches) out.text += m + "\n";
    if (matches.empty()) out.text = "No files found";
    if (truncated) out.text += "(results truncated)\n";
    out.structured = {{"filenames", matches}, {"numFiles", matches.size()}, {"truncated", truncated}};
    return out;
}

ToolOutput RunGrep(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string pattern = StringArg(input, "pattern");
    if (pattern.empty()) return ToolError("Grep: pattern is required");
    const std::string mode = StringArg(input, "output_mode").empty() ? "files_with_matches"
                                                                     : StringArg(input, "output_mode");
    const std::string glob = StringArg(input, "glob");
    const bool icase = input.value("-i", false);
    // RE2: the syntax of ripgrep-style patterns, and matching in linear time, so a pattern
    // from the model cannot hang the turn with catastrophic backtracking.
    RE2::Options options;
    options.set_case_sensitive(!icase);
    options.set_log_errors(false);
    const RE2 re(pattern, options);
    if (!re.ok()) return ToolError("Grep: invalid regular expression '" + pattern + "': " + re.error());
    const std::string root = ResolveToolPath(self, input, ctx);
    std::error_code ec;
    std::vector<std::string> files;
    if (fs::is_regular_file(root, ec)) files.push_back("");
    else files = WalkFiles(root);
    std::vector<std::string> hits;
    size_t total = 0;
    for (const std::string& rel : files) {
        if (!glob.empty() && !GlobMatch(glob, rel) &&
            !GlobMatch(glob, fs::path(rel).filename().string()))
            continue;
        const fs::path path = rel.empty() ? fs::path(root) : fs::path(root) / rel;
        std::error_code sec;
        if (fs::file_size(path, sec) > kMaxGrepFileBytes) continue;
        std::ifstream in(path, std::ios::binary);
        std::string line;
        size_t number = 0, count = 0;
        while (std::getline(in, line)) {
            ++number;
            if (line.find('\0') != std::string::npos) break;  // binary file
            if (!RE2::PartialMatch(line, re)) continue;
            ++count;
            if (mode == "content" && hits.size() < kMaxResults)
                hits.push_back(path.string() + ":" + std::to_string(number) + ":" + line);
        }
        if (count == 0) continue;
        total += count;
        if (mode == "count") hits.push_back(path.string() + ":" + std::to_string(count));
        else if (mode != "content" && hits.size() < kMaxResults) hits.push_back(path.string());
    }
    ToolOutput out;
    for (const std::string& h : hits) out.text += h + "\n";
    if (hits.empty()) out.text = "No matches found";
    out.structured = {{"mode", mode}, {"numFiles", hits.size()}, {"numMatches", total}};
    return out;
}

}  // namespace

BuiltinTool MakeGlobTool() {
    BuiltinTool t{"Glob", "Glob: find paths matching a glob pattern such as **/*.cpp.",
                  ObjectSchema({{"pattern", "string", "Glob pattern"}, {"path", "string", "Directory to search"}},
                               {"pattern"}),
                  ToolKind::kRead, "path", nullptr};
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunGlob(self, in, ctx); };
    return t;
}

BuiltinTool MakeGrepTool() {
    BuiltinTool t{"Grep", "Grep: search contents with a regular expression.",
                  ObjectSchema({{"pattern", "string", "Regular expression"},
                                {"path", "string", "File or directory to search"},
                                {"glob", "string", "Only paths matching this glob"},
                                {"output_mode", "string"},
                                {"-i", "boolean", "Case insensitive"}},
                               {"pattern"}),
                  ToolKind::kRead, "path", nullptr};
    t.input_schema["properties"]["output_mode"].emplace(
        "enum", Json::array({"files_with_matches", "content", "count"}));
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunGrep(self, in, ctx); };
    return t;
}

}  // namespace oc::code
