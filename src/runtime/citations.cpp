#include "runtime/citations.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace oc::runtime {
namespace {

std::string Lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string StringField(const Json& j, const char* key) {
    auto it = j.find(key);
    if (it == j.end()) return "";
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    return "";
}

bool Mentions(const std::string& lower_text, const Json& annotation) {
    for (const char* key : {"doc_title", "title"}) {
        std::string v = Lower(StringField(annotation, key));
        if (v.size() >= 4 && lower_text.find(v) != std::string::npos) return true;
    }
    for (const char* key : {"doc_id", "url"}) {
        std::string v = Lower(StringField(annotation, key));
        if (v.size() >= 2 && lower_text.find(v) != std::string::npos) return true;
    }
    return false;
}

}  // namespace

int CitationPool::Add(Json annotation) {
    int index = 0;
    auto it = annotation.find("index");
    if (it != annotation.end() && it->is_number_integer() && it->get<int64_t>() > 0 &&
        it->get<int64_t>() < 1000000) {
        index = static_cast<int>(it->get<int64_t>());
    } else {
        index = next_;
        annotation["index"] = index;
    }
    next_ = std::max(next_, index + 1);
    all_.push_back(std::move(annotation));
    return index;
}

std::vector<int> CitationMarkers(const std::string& text) {
    std::vector<int> out;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '[') continue;
        size_t j = i + 1;
        if (j < text.size() && text[j] == '^') ++j;
        size_t digits = j;
        while (j < text.size() && std::isdigit(static_cast<unsigned char>(text[j])) && j - digits < 6) ++j;
        if (j == digits || j >= text.size() || text[j] != ']') continue;
        out.push_back(std::stoi(text.substr(digits, j - digits)));
        i = j;
    }
    return out;
}

Json CitationPool::Select(const std::string& text) const {
    Json out = Json::array();
    if (all_.empty() || text.empty()) return out;
    std::set<int> seen;
    for (int marker : CitationMarkers(text)) {
        if (seen.count(marker)) continue;
        for (const Json& a : all_) {
            if (a["index"] == marker) {
                out.push_back(a);
                seen.insert(marker);
                break;
            }
        }
    }
    if (!out.empty()) return out;
    const std::string lower = Lower(text);
    for (const Json& a : all_) {
        if (Mentions(lower, a)) out.push_back(a);
    }
    return out;
}

}  // namespace oc::runtime
