// yaml-cpp throws on bad conversions; every call that may throw is caught here.
#include "tools/analyst/yaml_reader.h"

#include <algorithm>

namespace oc::tools::analyst {
namespace {

const char* KindName(const YAML::Node& n) {
    switch (n.Type()) {
        case YAML::NodeType::Map:
            return "a mapping";
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Scalar:
            return "a scalar";
        default:
            return "null";
    }
}

}  // namespace

SourceMark MarkOf(const YAML::Node& node) {
    try {
        YAML::Mark m = node.Mark();
        if (m.is_null()) return {};
        return {m.line + 1, m.column + 1};
    } catch (const YAML::Exception&) {
        return {};
    }
}

MapView::MapView(IssueLog& log, const YAML::Node& node, std::string path,
                 std::span<const std::string_view> known)
    : log_(log), path_(std::move(path)), mark_(MarkOf(node)) {
    if (!node.IsMap()) {
        log_.Error(mark_, path_, std::string("must be a mapping, got ") + KindName(node));
        return;
    }
    ok_ = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
        std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
        if (std::find(known.begin(), known.end(), key) == known.end()) {
            log_.Warn(MarkOf(it->first), KeyPath(key), "unknown key, ignored");
            continue;
        }
        entries_.emplace_back(std::move(key), it->second);
    }
}

std::string MapView::KeyPath(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

std::optional<YAML::Node> MapView::Get(std::string_view key) const {
    for (const auto& [k, v] : entries_) {
        if (k == key) {
            if (v.IsNull() || !v.IsDefined()) return std::nullopt;
            return v;
        }
    }
    return std::nullopt;
}

std::string MapView::Str(std::string_view key, bool required) const {
    auto v = Get(key);
    if (!v) {
        if (required && ok_) log_.Error(mark_, KeyPath(key), "is required");
        return "";
    }
    if (!v->IsScalar()) {
        log_.Error(MarkOf(*v), KeyPath(key), std::string("must be a string, got ") + KindName(*v));
        return "";
    }
    std::string s = v->Scalar();
    if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) {
        log_.Error(MarkOf(*v), KeyPath(key), "must not be empty");
    }
    return s;
}

bool MapView::Bool(std::string_view key) const {
    auto v = Get(key);
    if (!v) return false;
    try {
        return v->as<bool>();
    } catch (const YAML::Exception&) {
        log_.Error(
            MarkOf(*v), KeyPath(key),
            "must be true or false, got '" + (v->IsScalar() ? v->Scalar() : KindName(*v)) + "'");
        return false;
    }
}

std::optional<int64_t> MapView::Int(std::string_view key) const {
    auto v = Get(key);
    if (!v) return std::nullopt;
    try {
        return v->as<int64_t>();
    } catch (const YAML::Exception&) {
        log_.Error(
            MarkOf(*v), KeyPath(key),
            "must be an integer, got '" + (v->IsScalar() ? v->Scalar() : KindName(*v)) + "'");
        return std::nullopt;
    }
}

std::vector<std::string> MapView::Strs(std::string_view key) const {
    std::vector<std::string> out;
    std::vector<YAML::Node> items = Seq(key);
    for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].IsScalar()) {
            log_.Error(MarkOf(items[i]), KeyPath(key) + "[" + std::to_string(i) + "]",
                       std::string("must be a string, got ") + KindName(items[i]));
            continue;
        }
        out.push_back(items[i].Scalar());
    }
    return out;
}

std::vector<YAML::Node> MapView::Seq(std::string_view key) const {
    std::vector<YAML::Node> out;
    auto v = Get(key);
    if (!v) return out;
    if (!v->IsSequence()) {
        log_.Error(MarkOf(*v), KeyPath(key), std::string("must be a list, got ") + KindName(*v));
        return out;
    }
    for (const auto& item : *v) out.push_back(item);
    return out;
}

}  // namespace oc::tools::analyst
