// YAML and TOML documents become JSON so one validator serves all three formats.
#include <toml++/toml.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <sstream>

#include "pipeline/config.h"

namespace oc::pipeline {
namespace {

Json YamlScalar(const YAML::Node& node) {
    const std::string& s = node.Scalar();
    if (node.Tag() == "!") return s;  // quoted: always a string
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    char* end = nullptr;
    long long i = std::strtoll(s.c_str(), &end, 10);
    if (end != nullptr && *end == '\0' && end != s.c_str()) return i;
    double d = std::strtod(s.c_str(), &end);
    if (end != nullptr && *end == '\0' && end != s.c_str() && s != "." &&
        s.find_first_of("0123456789") != std::string::npos)
        return d;
    return s;
}

Json YamlToJson(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Scalar:
            return YamlScalar(node);
        case YAML::NodeType::Sequence: {
            Json arr = Json::array();
            for (const auto& item : node) arr.push_back(YamlToJson(item));
            return arr;
        }
        case YAML::NodeType::Map: {
            Json obj = Json::object();
            for (const auto& kv : node) obj[kv.first.as<std::string>()] = YamlToJson(kv.second);
            return obj;
        }
    }
    return nullptr;
}

Json TomlToJson(const toml::node& node) {
    if (const auto* t = node.as_table()) {
        Json obj = Json::object();
        for (const auto& [k, v] : *t) obj[std::string(k.str())] = TomlToJson(v);
        return obj;
    }
    if (const auto* a = node.as_array()) {
        Json arr = Json::array();
        for (const auto& v : *a) arr.push_back(TomlToJson(v));
        return arr;
    }
    if (auto v = node.value_exact<std::string>()) return *v;
    if (auto v = node.value_exact<int64_t>()) return *v;
    if (auto v = node.value_exact<double>()) return *v;
    if (auto v = node.value_exact<bool>()) return *v;
    std::ostringstream os;
    if (const auto* d = node.as_date_time())
        os << *d;
    else if (const auto* dt = node.as_date())
        os << *dt;
    else if (const auto* tm = node.as_time())
        os << *tm;
    return os.str();
}

}  // namespace

Result<Json> ParseConfigText(const std::string& text, const std::string& format,
                             const std::string& where) {
    if (format == "json") {
        auto doc = ParseJson(text);
        if (!doc) return MakeError(ErrorCode::kInvalidArgument, where + ": " + doc.error().message);
        return *doc;
    }
    if (format == "yaml") {
        try {
            return YamlToJson(YAML::Load(text));
        } catch (const YAML::Exception& e) {
            return MakeError(
                ErrorCode::kInvalidArgument,
                where + ": invalid YAML at line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
    }
    if (format == "toml") {
        try {
            return TomlToJson(toml::parse(text));
        } catch (const toml::parse_error& e) {
            return MakeError(ErrorCode::kInvalidArgument,
                             where + ": invalid TOML at line " +
                                 std::to_string(e.source().begin.line) + ": " +
                                 std::string(e.description()));
        }
    }
    return MakeError(ErrorCode::kInvalidArgument, where + ": unknown pipeline file format `" +
                                                      format +
                                                      "` (use .yaml, .yml, .toml or .json)");
}

}  // namespace oc::pipeline
