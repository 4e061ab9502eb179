#include "common/identifier.h"

namespace oc {
namespace {

bool IsIdentStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsIdentPart(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9') || c == '$'; }

Error InvalidIdentifier(std::string_view raw, std::string_view why) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "invalid identifier '" + std::string(raw) + "': " + std::string(why));
}

}  // namespace

Result<std::string> ParseIdentifier(std::string_view raw) {
    if (raw.empty()) return InvalidIdentifier(raw, "empty");
    std::string out;
    if (raw.front() == '"') {
        if (raw.size() < 2 || raw.back() != '"') return InvalidIdentifier(raw, "unterminated quote");
        std::string_view inner = raw.substr(1, raw.size() - 2);
        for (size_t i = 0; i < inner.size(); ++i) {
            if (inner[i] == '"') {
                if (i + 1 >= inner.size() || inner[i + 1] != '"') {
                    return InvalidIdentifier(raw, "a quote inside a quoted name must be doubled");
                }
                ++i;
            }
            out.push_back(inner[i]);
        }
        if (out.empty()) return InvalidIdentifier(raw, "empty");
    } else {
        if (!IsIdentStart(raw.front())) return InvalidIdentifier(raw, "must start with a letter or _");
        for (char c : raw) {
            if (!IsIdentPart(c)) return InvalidIdentifier(raw, "unquoted names allow A-Z, 0-9, _ and $");
            out.push_back((c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c);
        }
    }
    if (out.size() > kMaxIdentifierLength) return InvalidIdentifier(raw, "longer than 255 characters");
    return out;
}

Result<std::vector<std::string>> ParseQualifiedName(std::string_view raw) {
    std::vector<std::string> parts;
    bool quoted = false;
    size_t start = 0;
    for (size_t i = 0; i <= raw.size(); ++i) {
        if (i < raw.size() && raw[i] == '"') quoted = !quoted;
        if (i == raw.size() || (!quoted && raw[i] == '.')) {
            OC_ASSIGN_OR_RETURN(std::string part, ParseIdentifier(raw.substr(start, i - start)));
            parts.push_back(std::move(part));
            start = i + 1;
        }
    }
    if (parts.size() > 3) return InvalidIdentifier(raw, "more than three parts");
    return parts;
}

std::string QuoteIdentifier(std::string_view stored) {
    std::string out = "\"";
    for (char c : stored) {
        if (c == '"') out.push_back('"');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string QuoteLiteral(std::string_view text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out.push_back('\'');
        out.push_back(c);
    }
    out.push_back('\'');
    return out;
}

void SplitCustomMethod(std::string_view segment, std::string* name, std::string* verb) {
    bool quoted = false;
    size_t split = std::string_view::npos;
    for (size_t i = 0; i < segment.size(); ++i) {
        if (segment[i] == '"') quoted = !quoted;
        if (!quoted && segment[i] == ':') split = i;
    }
    if (split == std::string_view::npos) {
        *name = std::string(segment);
        verb->clear();
    } else {
        *name = std::string(segment.substr(0, split));
        *verb = std::string(segment.substr(split + 1));
    }
}

}  // namespace oc
