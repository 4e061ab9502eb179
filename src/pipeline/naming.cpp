#include "pipeline/naming.h"

#include <cctype>
#include <vector>

#include "pipeline/digest.h"

namespace oc::pipeline {
namespace {

bool IsWord(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Step 4: `_` between a non-`_` char and [A-Z][a-z]+, then between [a-z0-9] and [A-Z].
std::string SplitCamel(const std::string& s) {
    std::string a;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && s[i - 1] != '_' && IsUpper(s[i]) && i + 1 < s.size() && IsLower(s[i + 1])) {
            a += '_';
        }
        a += s[i];
    }
    std::string b;
    for (size_t i = 0; i < a.size(); ++i) {
        if (i > 0 && (IsLower(a[i - 1]) || IsDigit(a[i - 1])) && IsUpper(a[i])) b += '_';
        b += a[i];
    }
    for (char& c : b) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return b;
}

}  // namespace

std::string NormalizeIdentifier(std::string_view name) {
    size_t begin = 0, end = name.size();
    while (begin < end && std::isspace(static_cast<unsigned char>(name[begin]))) ++begin;
    while (end > begin && std::isspace(static_cast<unsigned char>(name[end - 1]))) --end;
    std::string s;
    bool in_other = false;
    for (size_t i = begin; i < end; ++i) {
        char c = name[i];
        switch (c) {
            case '+':
                c = 'x';
                break;
            case '-':
                c = '_';
                break;
            case '*':
                c = 'x';
                break;
            case '@':
                c = 'a';
                break;
            case '|':
                c = 'l';
                break;
            default:
                break;
        }
        if (IsWord(c) && static_cast<unsigned char>(c) < 128) {
            s += c;
            in_other = false;
        } else if (!in_other) {
            s += '_';
            in_other = true;
        }
    }
    s = SplitCamel(s);
    if (!s.empty() && IsDigit(s[0])) s = "_" + s;
    size_t trailing = 0;
    while (trailing < s.size() && s[s.size() - 1 - trailing] == '_') ++trailing;
    for (size_t i = 0; i < trailing; ++i) s[s.size() - 1 - i] = 'x';
    std::string out;
    for (char c : s) {
        if (c == '_' && !out.empty() && out.back() == '_') continue;
        out += c;
    }
    return out;
}

std::string NormalizePath(std::string_view path) {
    std::string out;
    size_t pos = 0;
    while (pos <= path.size()) {
        size_t next = path.find("__", pos);
        std::string_view part =
            path.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos);
        if (!part.empty()) {
            std::string norm = NormalizeIdentifier(part);
            if (!norm.empty()) {
                if (!out.empty()) out += "__";
                out += norm;
            }
        }
        if (next == std::string_view::npos) break;
        pos = next + 2;
    }
    return out;
}

size_t MaxIdentifierLength(std::string_view destination) {
    if (destination == "postgres") return 63;
    if (destination == "duckdb") return 65536;
    return 0;
}

std::string ShortenIdentifier(std::string normalized, std::string_view original,
                              size_t max_length) {
    constexpr size_t kTag = 6;
    if (max_length == 0 || normalized.size() <= max_length || max_length <= kTag)
        return normalized;
    std::string tag = ShakeBase64(original, 4);  // 4 bytes → 6 characters without padding
    for (char& c : tag) {
        if (c == '/')
            c = 'a';
        else if (c == '+')
            c = 'b';
        else
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    const size_t head = (max_length - kTag + 1) / 2;
    const size_t tail = (max_length - kTag) / 2;
    return normalized.substr(0, head) + tag + normalized.substr(normalized.size() - tail);
}

std::string NormalizeIdentifier(std::string_view name, size_t max_length) {
    return ShortenIdentifier(NormalizeIdentifier(name), name, max_length);
}

std::string NormalizePath(std::string_view path, size_t max_length) {
    return ShortenIdentifier(NormalizePath(path), path, max_length);
}

}  // namespace oc::pipeline
