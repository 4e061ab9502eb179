#include "runtime/response_builder.h"

namespace oc::runtime {

void ResponseBuilder::Status(const std::string& status, const std::string& message) {
    Json e = Json::object();
    e["status"] = status;
    e["message"] = message;
    run_.Append(events::kStatus, e);
}

void ResponseBuilder::Warning(const std::string& message, const std::string& code) {
    Json e = Json::object();
    e["message"] = message;
    if (!code.empty()) e["code"] = code;
    run_.Append(events::kWarning, e);
    warnings_.push_back(message);
}

void ResponseBuilder::ThinkingDelta(std::string_view text) { Delta(Block::kThinking, text); }

void ResponseBuilder::TextDelta(std::string_view text) { Delta(Block::kText, text); }

void ResponseBuilder::Delta(Block kind, std::string_view text) {
    if (text.empty()) return;
    if (open_ != kind) {
        CloseBlock();
        open_ = kind;
    }
    open_text_.append(text);
    Json e = Json::object();
    e["content_index"] = NextIndex();
    e["text"] = std::string(text);
    if (kind == Block::kText) e["is_elicitation"] = false;
    run_.Append(kind == Block::kText ? events::kTextDelta : events::kThinkingDelta, e);
}

void ResponseBuilder::CloseBlock() {
    if (open_ == Block::kNone) return;
    Json e = Json::object();
    e["content_index"] = NextIndex();
    e["text"] = open_text_;
    Json item = Json::object();
    if (open_ == Block::kText) {
        Json annotations = citations_ ? citations_->Select(open_text_) : Json::array();
        for (size_t i = 0; i < annotations.size(); ++i) {  // §3.5 rule 4: before response.text
            Json a = Json::object({{"content_index", NextIndex()}, {"annotation_index", i}});
            a["annotation"] = annotations[i];
            run_.Append(events::kTextAnnotation, a);
        }
        e["annotations"] = annotations;
        e["is_elicitation"] = false;
        run_.Append(events::kText, e);
        item["type"] = "text";
        item["text"] = open_text_;
        item["annotations"] = annotations;
        item["is_elicitation"] = false;
        last_text_ = open_text_;
    } else {
        run_.Append(events::kThinking, e);
        item["type"] = "thinking";
        item["thinking"] = Json::object({{"text", open_text_}});
    }
    content_.push_back(std::move(item));
    open_ = Block::kNone;
    open_text_.clear();
}

void ResponseBuilder::Text(std::string_view text) {
    if (text.empty()) return;
    CloseBlock();
    TextDelta(text);
    CloseBlock();
}

int ResponseBuilder::ToolUse(const std::string& tool_use_id, const std::string& type,
                             const std::string& name, const Json& input, bool client_side_execute) {
    CloseBlock();
    Json body = Json::object();
    body["tool_use_id"] = tool_use_id;
    body["type"] = type;
    body["name"] = name;
    body["input"] = input;
    body["client_side_execute"] = client_side_execute;
    int index = NextIndex();
    Json e = Json::object({{"content_index", index}});
    e.update(body);
    run_.Append(events::kToolUse, e);
    content_.push_back(Json::object({{"type", "tool_use"}, {"tool_use", std::move(body)}}));
    return index;
}

void ResponseBuilder::ToolResultStatus(const std::string& tool_use_id, const std::string& tool_type,
                                       const std::string& status, const std::string& message,
                                       const Json& details) {
    Json e = Json::object();
    e["tool_use_id"] = tool_use_id;
    e["tool_type"] = tool_type;
    e["status"] = status;
    e["message"] = message;
    e["details"] = details.is_object() ? details : Json::object();
    run_.Append(events::kToolResultStatus, e);
}

int ResponseBuilder::ToolResult(const std::string& tool_use_id, const std::string& type,
                                const std::string& name, const Json& content, bool success) {
    CloseBlock();
    Json body = Json::object();
    body["tool_use_id"] = tool_use_id;
    body["type"] = type;
    body["name"] = name;
    body["content"] = content;
    body["status"] = success ? "success" : "error";
    int index = NextIndex();
    Json e = Json::object({{"content_index", index}});
    e.update(body);
    run_.Append(events::kToolResult, e);
    content_.push_back(Json::object({{"type", "tool_result"}, {"tool_result", std::move(body)}}));
    return index;
}

int ResponseBuilder::Item(const Json& flat) {
    CloseBlock();
    std::string type = flat.value("type", "");
    Json body = flat;
    body.erase("type");
    int index = NextIndex();
    Json e = Json::object({{"content_index", index}});
    e.update(body);
    run_.Append("response." + type, e);
    content_.push_back(Json::object({{"type", type}, {type, std::move(body)}}));
    return index;
}

}  // namespace oc::runtime
