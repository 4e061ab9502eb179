// MultiEdit (several exact replacements in one file, all or nothing) and TodoWrite (the
// session's task list, kept in memory).
#include <memory>
#include <mutex>

#include "code/builtin_tool.h"

namespace oc::code {
namespace {

ToolOutput RunMultiEdit(const BuiltinTool& self, const Json& input, const ToolContext& ctx) {
    const std::string path = ResolveToolPath(self, input, ctx);
    std::string content;
    if (path.empty() || !ReadFileText(path, &content)) return ToolError("MultiEdit: file does not exist: " + path);
    if (!input.contains("edits") || !input["edits"].is_array() || input["edits"].empty())
        return ToolError("MultiEdit: edits must be a non-empty array");
    size_t index = 0;
    for (const Json& edit : input["edits"]) {
        ++index;
        auto updated = ApplyEdit(content, StringArg(edit, "old_string"), StringArg(edit, "new_string"),
                                 edit.is_object() && edit.value("replace_all", false));
        if (!updated)
            return ToolError("MultiEdit: edit " + std::to_string(index) + ": " + updated.error().message +
                             "; no edit was applied");
        content = std::move(*updated);
    }
    if (!WriteFileText(path, content)) return ToolError("MultiEdit: cannot write " + path);
    ToolOutput out;
    out.text = "Applied " + std::to_string(index) + " edits to " + path + ".";
    out.structured = {{"filePath", path}, {"edits", input["edits"]}};
    return out;
}

}  // namespace

BuiltinTool MakeMultiEditTool() {
    BuiltinTool t{"MultiEdit", "MultiEdit: apply several exact replacements to one file at once.",
                  ObjectSchema({{"file_path", "string", "The path of the file to modify"}, {"edits", "array"}},
                               {"file_path", "edits"}),
                  ToolKind::kEdit, "file_path", nullptr};
    t.input_schema["properties"]["edits"].emplace(
        "items", ObjectSchema({{"old_string", "string"}, {"new_string", "string"}, {"replace_all", "boolean"}}, {}));
    t.run = [self = PathOnly(t)](const Json& in, const ToolContext& ctx) { return RunMultiEdit(self, in, ctx); };
    return t;
}

BuiltinTool MakeTodoWriteTool() {
    struct State {
        std::mutex mu;
        Json todos = Json::array();
    };
    auto state = std::make_shared<State>();
    BuiltinTool t{"TodoWrite", "TodoWrite: replace the session's todo list (content, status, activeForm).",
                  ObjectSchema({{"todos", "array"}}, {"todos"}), ToolKind::kRead, "", nullptr};
    Json item = ObjectSchema({{"content", "string"}, {"status", "string"}, {"activeForm", "string"}}, {});
    item["properties"]["status"].emplace("enum", Json::array({"pending", "in_progress", "completed"}));
    t.input_schema["properties"]["todos"].emplace("items", std::move(item));
    t.run = [state](const Json& in, const ToolContext&) {
        if (!in.is_object() || !in.contains("todos") || !in["todos"].is_array())
            return ToolError("TodoWrite: todos must be an array");
        std::lock_guard<std::mutex> lock(state->mu);
        ToolOutput out;
        out.text = "Todos have been modified successfully.";
        out.structured = {{"oldTodos", state->todos}, {"newTodos", in["todos"]}};
        state->todos = in["todos"];
        return out;
    };
    return t;
}

}  // namespace oc::code
