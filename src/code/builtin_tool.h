// Built-in tools of the coding agent (Read, Write, Edit, Glob, Grep, LS, Bash): their model-facing
// definitions and implementations. Tools see paths through ToolContext; the permission policy
// (permissions.h) decides beforehand whether a call may run at all.
#pragma once

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "llm/provider.h"

namespace oc::code {

enum class ToolKind { kRead, kEdit, kExecute };

struct ToolContext {
    std::string workdir;              // absolute; relative paths resolve here, Bash runs here
    std::vector<std::string> roots;   // workdir + --add-dir entries (absolute)
    const llm::CancelToken* cancel = nullptr;
};

struct ToolOutput {
    std::string text;       // what the model sees (tool_result content)
    bool is_error = false;
    Json structured = Json::object();  // the frame's tool_use_result
};

struct BuiltinTool {
    std::string name;
    std::string description;
    Json input_schema;
    ToolKind kind = ToolKind::kRead;
    std::string path_key;  // input key naming the path the tool touches ("" = none)
    std::function<ToolOutput(const Json& input, const ToolContext& ctx)> run;
    // When set, the kind of one call (SQL: a SELECT reads, an INSERT executes); else `kind`.
    std::function<ToolKind(const Json& input)> kind_for;

    ToolKind KindOf(const Json& input) const { return kind_for ? kind_for(input) : kind; }
};

// All built-in tools, in the order the init message lists them.
std::vector<BuiltinTool> MakeBuiltinTools();

// The absolute path a tool call touches ("" when the tool has no path, or for LS/Glob/Grep
// without one: the workdir). Relative paths resolve against ctx.workdir. The offline model fills
// string arguments with the whole prompt, so when the value names no existing entry, a
// whitespace-separated word of it that does name one (after trimming quotes and punctuation) is
// used instead; Write keeps the value as given.
std::string ResolveToolPath(const BuiltinTool& tool, const Json& input, const ToolContext& ctx);

// A copy of tool with only what ResolveToolPath reads (name, kind, path_key): what a tool's run
// closure captures, so copying a tool does not copy its schema twice.
BuiltinTool PathOnly(const BuiltinTool& tool);

// True when path (absolute) is one of roots or below one.
bool WithinRoots(const std::string& path, const std::vector<std::string>& roots);

// Tool implementations (one file per family).
BuiltinTool MakeReadTool();
BuiltinTool MakeWriteTool();
BuiltinTool MakeEditTool();
BuiltinTool MakeLsTool();
BuiltinTool MakeGlobTool();
BuiltinTool MakeGrepTool();
BuiltinTool MakeBashTool();
BuiltinTool MakeMultiEditTool();
BuiltinTool MakeTodoWriteTool();
// Task (subagents): only the definition; Session::RunTask runs it (task_tool.cpp).
BuiltinTool MakeTaskTool();

// Input schemas (tool_schema.cpp). {"type": type, "description": description}, without the
// description when it is null.
Json TypeSchema(const char* type, const char* description = nullptr);
struct SchemaProperty {
    const char* name;
    const char* type;
    const char* description = nullptr;
};
// {"type": "object", "properties": {name: TypeSchema...}, "required": [...]} in the order given;
// no "required" when it is empty.
Json ObjectSchema(std::initializer_list<SchemaProperty> properties,
                  std::initializer_list<const char*> required);

// Shared helpers for tool implementations.
std::string StringArg(const Json& input, const char* key);
ToolOutput ToolError(std::string message);
// Replaces old_string (once, or every occurrence); errors when absent or ambiguous.
Result<std::string> ApplyEdit(const std::string& content, const std::string& old_string,
                              const std::string& new_string, bool replace_all);
bool ReadFileText(const std::string& path, std::string* out);
bool WriteFileText(const std::string& path, const std::string& content);  // creates parents

// Glob → std::regex source: `**/` any directories, `*` and `?` within a segment, `{a,b}`.
std::string GlobToRegex(const std::string& glob);
bool GlobMatch(const std::string& glob, const std::string& path);

}  // namespace oc::code
