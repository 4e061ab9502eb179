#include "pipeline/json_path.h"

#include <array>
#include <cctype>

namespace oc::pipeline {
namespace {

Error PathError(std::string_view text, size_t pos, std::string_view what) {
    return MakeError(ErrorCode::kInvalidArgument, "invalid JSONPath `" + std::string(text) +
                                                      "` at offset " + std::to_string(pos) + ": " +
                                                      std::string(what));
}

bool IsKeyChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '@' ||
           c == '$' || static_cast<unsigned char>(c) >= 128;
}

Status ParseBracket(std::string_view t, size_t& i, std::vector<JsonPathStep>& steps) {
    size_t close = t.find(']', i);
    if (close == std::string_view::npos) return PathError(t, i, "missing ]");
    std::string_view inner = t.substr(i + 1, close - i - 1);
    JsonPathStep step;
    if (inner == "*") {
        step.kind = JsonPathStep::Kind::kWildcard;
    } else if (inner.size() >= 2 && (inner[0] == '\'' || inner[0] == '"') &&
               inner.back() == inner[0]) {
        step.key = std::string(inner.substr(1, inner.size() - 2));
    } else {
        if (inner.empty()) return PathError(t, i, "empty []");
        size_t k = inner[0] == '-' ? 1 : 0;
        if (k == inner.size()) return PathError(t, i, "unsupported [] expression");
        for (; k < inner.size(); ++k) {
            if (!std::isdigit(static_cast<unsigned char>(inner[k]))) {
                return PathError(t, i, "unsupported [] expression");
            }
        }
        step.kind = JsonPathStep::Kind::kIndex;
        step.index = std::stol(std::string(inner));
    }
    steps.push_back(std::move(step));
    i = close + 1;
    return {};
}

void Walk(const std::vector<JsonPathStep>& steps, size_t at, const Json& node,
          std::vector<const Json*>& out) {
    if (at == steps.size()) {
        out.push_back(&node);
        return;
    }
    const JsonPathStep& step = steps[at];
    switch (step.kind) {
        case JsonPathStep::Kind::kKey:
            if (node.is_object()) {
                auto it = node.find(step.key);
                if (it != node.end()) Walk(steps, at + 1, *it, out);
            }
            break;
        case JsonPathStep::Kind::kIndex:
            if (node.is_array()) {
                long n = static_cast<long>(node.size());
                long idx = step.index < 0 ? n + step.index : step.index;
                if (idx >= 0 && idx < n) Walk(steps, at + 1, node[static_cast<size_t>(idx)], out);
            }
            break;
        case JsonPathStep::Kind::kWildcard:
            if (node.is_array() || node.is_object()) {
                for (const auto& child : node) Walk(steps, at + 1, child, out);
            }
            break;
    }
}

constexpr std::array<const char*, 11> kDataKeys = {"data",    "items",   "results",  "entries",
                                                   "records", "rows",    "entities", "payload",
                                                   "content", "objects", "values"};

void CollectLists(const Json& obj, const std::string& prefix, int depth,
                  std::vector<std::pair<std::string, std::string>>& lists) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (it->is_array()) {
            lists.emplace_back(path, it.key());
        } else if (it->is_object() && depth < 3) {
            CollectLists(*it, path, depth + 1, lists);
        }
    }
}

}  // namespace

Result<JsonPath> ParseJsonPath(std::string_view t) {
    JsonPath path;
    path.text = std::string(t);
    size_t i = 0;
    if (!t.empty() && t[0] == '$') i = 1;
    bool need_key = i == 0;
    while (i < t.size()) {
        char c = t[i];
        if (c == '.') {
            if (i + 1 < t.size() && t[i + 1] == '.')
                return PathError(t, i, "`..` is not supported");
            ++i;
            need_key = true;
            continue;
        }
        if (c == '[') {
            OC_TRY(ParseBracket(t, i, path.steps));
            need_key = false;
            continue;
        }
        if (c == '*' && need_key) {
            path.steps.push_back({JsonPathStep::Kind::kWildcard, "", 0});
            ++i;
            need_key = false;
            continue;
        }
        if (!need_key || !IsKeyChar(c))
            return PathError(t, i, std::string("unexpected `") + c + "`");
        size_t start = i;
        while (i < t.size() && IsKeyChar(t[i])) ++i;
        path.steps.push_back(
            {JsonPathStep::Kind::kKey, std::string(t.substr(start, i - start)), 0});
        need_key = false;
    }
    if (need_key && !t.empty() && t != "$") return PathError(t, t.size(), "path ends with `.`");
    return path;
}

std::vector<const Json*> JsonPathFind(const JsonPath& path, const Json& doc) {
    std::vector<const Json*> out;
    Walk(path.steps, 0, doc, out);
    return out;
}

const Json* JsonPathFirst(const JsonPath& path, const Json& doc) {
    auto all = JsonPathFind(path, doc);
    return all.empty() ? nullptr : all.front();
}

std::string DetectDataSelector(const Json& body) {
    if (!body.is_object()) return "$";
    std::vector<std::pair<std::string, std::string>> lists;
    CollectLists(body, "", 1, lists);
    for (const auto& [path, key] : lists) {
        for (const char* k : kDataKeys) {
            if (key == k) return path;
        }
    }
    if (!lists.empty()) return lists.front().first;
    return "$";
}

std::vector<Json> SelectRecords(const JsonPath& path, const Json& body) {
    auto matches = JsonPathFind(path, body);
    std::vector<Json> out;
    if (matches.size() == 1) {
        const Json& m = *matches.front();
        if (m.is_null()) return out;
        if (m.is_array()) {
            out.assign(m.begin(), m.end());
        } else {
            out.push_back(m);
        }
        return out;
    }
    for (const Json* m : matches) out.push_back(*m);
    return out;
}

}  // namespace oc::pipeline
