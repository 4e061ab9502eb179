// The offline provider: tool routing by BM25, argument filling from the input schema, and
// answers composed from tool results, all without randomness or clocks.
#include "llm/offline.h"

#include <initializer_list>
#include <string_view>
#include <utility>

#include "llm/bm25.h"
#include "llm/upstream.h"

namespace oc::llm {
namespace {

constexpr size_t kMaxResultChars = 2000;
constexpr int kWordsPerDelta = 4;

int64_t EstimateTokens(size_t chars) { return static_cast<int64_t>((chars + 3) / 4); }

// Every "description" string and property name inside a JSON Schema, space separated.
void CollectSchemaText(const Json& schema, std::string* out) {
    if (schema.is_array()) {
        for (const Json& item : schema) CollectSchemaText(item, out);
        return;
    }
    if (!schema.is_object()) return;
    for (auto it = schema.begin(); it != schema.end(); ++it) {
        if (it.key() == "description" && it.value().is_string()) {
            *out += ' ';
            *out += it.value().get_ref<const std::string&>();
        } else if (it.key() == "properties" && it.value().is_object()) {
            for (auto prop = it.value().begin(); prop != it.value().end(); ++prop) {
                *out += ' ';
                *out += prop.key();
            }
        }
        CollectSchemaText(it.value(), out);
    }
}

std::string ToolDocument(const ToolDef& tool) {
    std::string doc = tool.name + ' ' + tool.description;
    CollectSchemaText(tool.input_schema, &doc);
    return doc;
}

bool HasType(const Json& property, std::string_view type) {
    if (!property.is_object() || !property.contains("type")) return false;
    const Json& t = property["type"];
    if (t.is_string()) return t.get<std::string>() == type;
    if (!t.is_array()) return false;
    for (const Json& item : t) {
        if (item.is_string() && item.get<std::string>() == type) return true;
    }
    return false;
}

bool HasEnum(const Json& property) {
    return property.is_object() && property.contains("enum") && property["enum"].is_array() &&
           !property["enum"].empty();
}

// The value of a required property: its first enum value, the question for strings (and
// untyped properties), else the type's zero.
Json RequiredValue(const Json& property, const std::string& question) {
    if (HasEnum(property)) return property["enum"].front();
    if (HasType(property, "integer") || HasType(property, "number")) return 0;
    if (HasType(property, "boolean")) return false;
    if (HasType(property, "array")) return Json::array();
    if (HasType(property, "object")) return Json::object();
    return question;
}

Json BuildArguments(const Json& schema, const std::string& question) {
    Json args = Json::object();
    const Json empty = Json::object();
    const Json& properties =
        schema.is_object() && schema.contains("properties") && schema["properties"].is_object()
            ? schema["properties"]
            : empty;
    bool any_required = false;
    if (schema.is_object() && schema.contains("required") && schema["required"].is_array()) {
        for (const Json& name : schema["required"]) {
            if (!name.is_string()) continue;
            const std::string key = name.get<std::string>();
            args[key] = RequiredValue(properties.contains(key) ? properties[key] : empty, question);
            any_required = true;
        }
    }
    if (any_required) return args;
    for (auto it = properties.begin(); it != properties.end(); ++it) {
        if (HasType(it.value(), "string") && !HasEnum(it.value())) {
            args[it.key()] = question;
            break;
        }
    }
    return args;
}

std::string LastUserText(const std::vector<Message>& messages) {
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
        if (it->role == Role::kUser) return it->text;
    }
    return {};
}

// The offered tool that best answers `question`, or null (auto and nothing matches).
const ToolDef* PickTool(const ChatRequest& request, const std::string& question) {
    const std::vector<const ToolDef*> offered = OfferedTools(request);
    if (offered.empty()) return nullptr;
    std::vector<std::string> documents;
    documents.reserve(offered.size());
    for (const ToolDef* tool : offered) documents.push_back(ToolDocument(*tool));
    const std::vector<double> scores = Bm25Scores(documents, question);
    size_t best = 0;
    for (size_t i = 1; i < scores.size(); ++i) {
        if (scores[i] > scores[best]) best = i;
    }
    if (scores[best] <= 0.0 && request.tool_choice.kind == ToolChoice::Kind::kAuto) return nullptr;
    return offered[best];
}

// Cuts at max bytes without splitting a UTF-8 sequence, marking the cut.
std::string Truncate(std::string text, size_t max) {
    if (text.size() <= max) return text;
    size_t cut = max;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text.resize(cut);
    return text + "...";
}

// JSON compacted; other text with whitespace runs collapsed.
std::string CompactRendering(const std::string& content) {
    Json parsed = Json::parse(content, nullptr, false);
    if (!parsed.is_discarded()) return Truncate(DumpJson(parsed), kMaxResultChars);
    std::string out;
    bool space = false;
    for (char c : content) {
        const bool ws = c == ' ' || c == '\n' || c == '\r' || c == '\t';
        if (ws) {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    return Truncate(std::move(out), kMaxResultChars);
}

std::string ToolNameOf(const std::vector<Message>& messages, const Message& result) {
    if (!result.tool_name.empty()) return result.tool_name;
    for (const Message& m : messages) {
        for (const ToolCall& call : m.tool_calls) {
            if (call.id == result.tool_call_id) return call.name;
        }
    }
    return "the tool";
}

double TextMatchScore(const Json& result) {
    auto scores = result.find("@scores");
    if (scores == result.end() || !scores->is_object()) return -1;
    auto score = scores->find("text_match");
    return score != scores->end() && score->is_number() ? score->get<double>() : -1;
}

std::string FirstString(const Json& result, std::initializer_list<const char*> keys) {
    for (const char* key : keys) {
        auto it = result.find(key);
        if (it != result.end() && it->is_string() && !it->get<std::string>().empty()) return it->get<std::string>();
    }
    return "";
}

// An answer citing search results ({"search_results": [...]} from cortex_search or web_search):
// "<title>: <text> [^index]" for the top result and the others scoring at least half as well
// (at most kMaxCited); "" when the result is not search results.
std::string CitedAnswer(const std::string& tool_text) {
    constexpr size_t kMaxCited = 3;
    constexpr size_t kMaxExcerpt = 400;
    Json parsed = Json::parse(tool_text, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("search_results") ||
        !parsed["search_results"].is_array()) {
        return "";
    }
    const Json& results = parsed["search_results"];
    if (results.empty()) return "No matching documents were found.";
    const double top = TextMatchScore(results[0]);
    std::string answer;
    size_t cited = 0;
    for (const Json& r : results) {
        if (!r.is_object() || cited == kMaxCited) break;
        const double score = TextMatchScore(r);
        if (cited > 0 && top > 0 && score < top * 0.5) continue;
        std::string title = FirstString(r, {"doc_title", "title"});
        std::string text = Truncate(FirstString(r, {"text", "snippet", "content"}), kMaxExcerpt);
        if (title.empty() && text.empty()) continue;
        if (!answer.empty()) answer += ' ';
        answer += title.empty() ? text : text.empty() ? title : title + ": " + text;
        if (r.contains("index") && r["index"].is_number_integer()) {
            answer += " [^" + std::to_string(r["index"].get<int64_t>()) + "]";
        }
        ++cited;
    }
    return answer;
}

std::string SummariseToolResults(const std::vector<Message>& messages) {
    size_t first = messages.size();
    while (first > 0 && messages[first - 1].role == Role::kTool) --first;
    std::string answer;
    for (size_t i = first; i < messages.size(); ++i) {
        const Message& result = messages[i];
        const std::string name = ToolNameOf(messages, result);
        if (!answer.empty()) answer += '\n';
        if (result.is_error) {
            answer += "The tool " + name + " failed: " + CompactRendering(result.text);
        } else if (std::string cited = CitedAnswer(result.text); !cited.empty()) {
            answer += "Based on " + name + ": " + cited;
        } else {
            answer += "Based on " + name + ": " + CompactRendering(result.text);
        }
    }
    return answer;
}

size_t CountToolCalls(const std::vector<Message>& messages) {
    size_t n = 0;
    for (const Message& m : messages) n += m.tool_calls.size();
    return n;
}

size_t InputChars(const ChatRequest& request) {
    size_t chars = 0;
    for (const Message& m : request.messages) {
        chars += m.text.size();
        for (const ToolCall& call : m.tool_calls)
            chars += call.name.size() + DumpJson(call.arguments).size();
    }
    return chars;
}

class OfflineProvider : public Provider {
public:
    std::string kind() const override { return "offline"; }

    Result<ChatResult> Chat(const ChatRequest& request, StreamSink* sink,
                            const CancelToken& cancel) override {
        if (cancel.cancelled()) return Cancelled();
        ChatResult result;
        result.model = "offline";
        result.metadata = {{"offline", true}, {"model", "offline"}};
        result.usage.input_tokens = EstimateTokens(InputChars(request));
        const Message* last = request.messages.empty() ? nullptr : &request.messages.back();
        const std::string question = LastUserText(request.messages);
        if (last && last->role == Role::kUser &&
            request.tool_choice.kind != ToolChoice::Kind::kNone) {
            if (const ToolDef* tool = PickTool(request, question)) {
                CallTool(request, *tool, question, sink, &result);
                return result;
            }
        }
        const std::string text =
            last && last->role == Role::kTool
                ? SummariseToolResults(request.messages)
                : "I am the offline model of opencortex and have no tool for that question: " +
                      question;
        OC_TRY(StreamText(text, sink, cancel));
        result.text = text;
        result.finish_reason = "stop";
        result.usage.output_tokens = EstimateTokens(text.size());
        return result;
    }

private:
    static Error Cancelled() {
        return MakeError(ErrorCode::kCancelled, "offline request was cancelled");
    }

    static void CallTool(const ChatRequest& request, const ToolDef& tool,
                         const std::string& question, StreamSink* sink, ChatResult* result) {
        ToolCall call;
        call.id = "call_offline_" + std::to_string(CountToolCalls(request.messages) + 1);
        call.name = tool.name;
        call.arguments = BuildArguments(tool.input_schema, question);
        const std::string args = DumpJson(call.arguments);
        if (sink) {  // two fragments, so consumers see arguments arrive in pieces
            sink->OnToolCallStart(0, call.id, call.name);
            sink->OnToolCallArguments(0, std::string_view(args).substr(0, args.size() / 2));
            sink->OnToolCallArguments(0, std::string_view(args).substr(args.size() / 2));
        }
        result->usage.output_tokens = EstimateTokens(call.name.size() + args.size());
        result->tool_calls.push_back(std::move(call));
        result->finish_reason = "tool_calls";
    }

    // Deltas of a few words each (each keeps its trailing space): they concatenate to text.
    static Status StreamText(const std::string& text, StreamSink* sink, const CancelToken& cancel) {
        size_t start = 0;
        int words = 0;
        for (size_t i = 0; i <= text.size(); ++i) {
            const bool end = i == text.size();
            if (!end && text[i] != ' ') continue;
            if (!end && ++words < kWordsPerDelta) continue;
            const size_t stop = end ? text.size() : i + 1;
            if (cancel.cancelled()) return Cancelled();
            if (sink && stop > start)
                sink->OnText(std::string_view(text).substr(start, stop - start));
            start = stop;
            words = 0;
        }
        return {};
    }
};

}  // namespace

std::unique_ptr<Provider> MakeOfflineProvider() { return std::make_unique<OfflineProvider>(); }

}  // namespace oc::llm
