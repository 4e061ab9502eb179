#include "openapi_validator.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <regex>
#include <utility>

#include <yaml-cpp/yaml.h>

namespace oc::testing {
namespace {

constexpr int kMaxDepth = 64;  // deeper means a $ref cycle; Snowflake's specs nest < 10

// A schema node and the file its relative refs resolve against.
struct Located {
    YAML::Node node;
    std::string file;
};

// Compact JSON for messages; never throws on invalid UTF-8.
std::string Show(const Json& value) {
    return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string TypeName(const Json& value) {
    if (value.is_null()) return "null";
    if (value.is_boolean()) return "boolean";
    if (value.is_number_integer()) return "integer";
    if (value.is_number()) return "number";
    if (value.is_string()) return "string";
    if (value.is_array()) return "array";
    return "object";
}

bool TypeMatches(const std::string& type, const Json& value) {
    if (type == "integer") return value.is_number_integer();
    if (type == "number") return value.is_number();
    return TypeName(value) == type;
}

std::string MemberPath(const std::string& path, const std::string& key) {
    const bool plain =
        !key.empty() &&
        key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_$") ==
            std::string::npos;
    return plain ? path + "." + key : path + "['" + key + "']";
}

// A plain YAML scalar as the JSON value YAML 1.2's core schema gives it; quoted ones stay strings.
Json ScalarToJson(const YAML::Node& n) {
    const std::string& s = n.Scalar();
    if (n.Tag() == "!") return s;
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (s.empty() || s == "null" || s == "~") return nullptr;
    long long i = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (ec == std::errc() && end == s.data() + s.size()) return i;
    char* dend = nullptr;
    const double d = std::strtod(s.c_str(), &dend);
    if (dend == s.c_str() + s.size()) return d;
    return s;
}

bool EnumContains(const YAML::Node& values, const Json& value) {
    for (const auto& v : values) {
        if (!v.IsScalar()) continue;
        if (value.is_string() && v.Scalar() == value.get<std::string>()) return true;
        if (ScalarToJson(v) == value) return true;
    }
    return false;
}

std::string EnumText(const YAML::Node& values) {
    std::string text;
    for (const auto& v : values) {
        if (!text.empty()) text += ", ";
        text += v.IsScalar() ? v.Scalar() : "<non-scalar>";
    }
    return "[" + text + "]";
}

// Counts UTF-8 code points, as JSON Schema's minLength/maxLength do.
size_t CodePoints(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

bool FormatMatches(const std::string& format, const std::string& s) {
    static const std::regex kDateTime(
        R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$)");
    static const std::regex kUuid(
        "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    if (format == "date-time") return std::regex_match(s, kDateTime);
    if (format == "uuid") return std::regex_match(s, kUuid);
    return true;  // int64, uri, …: not checked
}

double Number(const YAML::Node& n) { return n.as<double>(0.0); }

bool Flag(const YAML::Node& schema, const char* key) {
    const YAML::Node n = schema[key];
    return n && n.IsScalar() && n.as<bool>(false);
}

}  // namespace

struct OpenApiValidator::Impl {
    std::string dir;
    std::map<std::string, YAML::Node> documents;
    std::map<std::string, std::regex> regexes;

    // Returns false and sets error when the file cannot be read or parsed.
    bool Document(const std::string& file, YAML::Node& out, std::string& error) {
        auto it = documents.find(file);
        if (it == documents.end()) {
            try {
                it = documents.emplace(file, YAML::LoadFile(dir + "/" + file)).first;
            } catch (const YAML::Exception& e) {
                error = "cannot load " + dir + "/" + file + ": " + e.what();
                return false;
            }
        }
        out.reset(it->second);
        return true;
    }

    // Resolves "[./]file.yaml#/json/pointer" or "#/json/pointer" (against from_file).
    bool Resolve(std::string_view ref, const std::string& from_file, Located& out,
                 std::string& error) {
        const size_t hash = ref.find('#');
        std::string file(ref.substr(0, hash));
        const std::string pointer(hash == std::string_view::npos ? "" : ref.substr(hash + 1));
        if (file.rfind("./", 0) == 0) file.erase(0, 2);
        if (file.empty()) file = from_file;
        if (file.empty()) {
            error = "ref '" + std::string(ref) + "' names no file";
            return false;
        }
        YAML::Node cur;
        if (!Document(file, cur, error)) return false;
        size_t pos = 0;
        while (pos < pointer.size()) {
            if (pointer[pos] != '/') {
                error = "malformed JSON pointer '" + pointer + "'";
                return false;
            }
            const size_t next = std::min(pointer.find('/', pos + 1), pointer.size());
            std::string token = pointer.substr(pos + 1, next - pos - 1);
            for (size_t i; (i = token.find("~1")) != std::string::npos;) token.replace(i, 2, "/");
            for (size_t i; (i = token.find("~0")) != std::string::npos;) token.replace(i, 2, "~");
            const YAML::Node& parent = cur;
            // A missing key yields an invalid "zombie" node that reset() would throw on.
            YAML::Node child;
            if (parent.IsMap()) {
                const YAML::Node found = parent[token];
                if (found.IsDefined()) child.reset(found);
            } else if (parent.IsSequence()) {
                const YAML::Node found = parent[std::strtoul(token.c_str(), nullptr, 10)];
                if (found.IsDefined()) child.reset(found);
            }
            if (child.IsNull()) {
                error = "'" + std::string(ref) + "': nothing at '" + pointer.substr(0, next) + "'";
                return false;
            }
            cur.reset(child);
            pos = next;
        }
        out.node.reset(cur);
        out.file = file;
        return true;
    }

    const std::regex* Regex(const std::string& pattern, std::string& error) {
        auto it = regexes.find(pattern);
        if (it != regexes.end()) return &it->second;
        try {
            return &regexes.emplace(pattern, std::regex(pattern, std::regex::ECMAScript))
                        .first->second;
        } catch (const std::regex_error& e) {
            error = e.what();
            return nullptr;
        }
    }

    void Check(const Located& s, const Json& value, const std::string& path, int depth,
               std::vector<std::string>& out);
    void CheckString(const YAML::Node& schema, const std::string& value, const std::string& path,
                     std::vector<std::string>& out);
    void CheckNumber(const YAML::Node& schema, const Json& value, const std::string& path,
                     std::vector<std::string>& out);
    void CheckObject(const Located& s, const Json& value, const std::string& path, int depth,
                     std::vector<std::string>& out);
    void CheckArray(const Located& s, const Json& value, const std::string& path, int depth,
                    std::vector<std::string>& out);
    void CheckCombinators(const Located& s, const Json& value, const std::string& path, int depth,
                          std::vector<std::string>& out);
};

void OpenApiValidator::Impl::Check(const Located& s, const Json& value, const std::string& path,
                                   int depth, std::vector<std::string>& out) {
    if (depth > kMaxDepth) {
        out.push_back(path + ": schema nests deeper than " + std::to_string(kMaxDepth) +
                      " (a $ref cycle?)");
        return;
    }
    const YAML::Node& schema = s.node;
    if (!schema.IsMap()) return;                  // {} or a bare value: anything goes
    if (const YAML::Node ref = schema["$ref"]) {  // OpenAPI 3.0: siblings of $ref are ignored
        Located target;
        std::string error;
        if (!Resolve(ref.Scalar(), s.file, target, error)) {
            out.push_back(path + ": cannot resolve $ref: " + error);
            return;
        }
        Check(target, value, path, depth + 1, out);
        return;
    }
    const YAML::Node type = schema["type"];
    if (value.is_null() && Flag(schema, "nullable")) return;
    if (type && !TypeMatches(type.Scalar(), value)) {
        out.push_back(path + ": expected " + type.Scalar() +
                      (Flag(schema, "nullable") ? " or null" : "") + ", got " + TypeName(value) +
                      (value.is_null() ? "" : " " + Show(value)));
        return;
    }
    if (const YAML::Node values = schema["enum"];
        values && values.IsSequence() && !EnumContains(values, value)) {
        out.push_back(path + ": " + Show(value) + " is not one of " + EnumText(values));
    }
    if (value.is_string()) CheckString(schema, value.get<std::string>(), path, out);
    if (value.is_number()) CheckNumber(schema, value, path, out);
    if (value.is_object()) CheckObject(s, value, path, depth, out);
    if (value.is_array()) CheckArray(s, value, path, depth, out);
    CheckCombinators(s, value, path, depth, out);
}

void OpenApiValidator::Impl::CheckString(const YAML::Node& schema, const std::string& value,
                                         const std::string& path, std::vector<std::string>& out) {
    const std::string shown = Show(Json(value));
    if (const YAML::Node format = schema["format"];
        format && !FormatMatches(format.Scalar(), value)) {
        out.push_back(path + ": " + shown + " is not a valid " + format.Scalar());
    }
    if (const YAML::Node pattern = schema["pattern"]) {
        std::string error;
        const std::regex* re = Regex(pattern.Scalar(), error);
        if (re == nullptr) {
            out.push_back(path + ": spec pattern " + pattern.Scalar() +
                          " does not compile: " + error);
        } else if (!std::regex_search(value, *re)) {
            out.push_back(path + ": " + shown + " does not match pattern " + pattern.Scalar());
        }
    }
    const size_t length = CodePoints(value);
    if (const YAML::Node min = schema["minLength"]; min && length < min.as<size_t>(0)) {
        out.push_back(path + ": " + shown + " is shorter than minLength " + min.Scalar());
    }
    if (const YAML::Node max = schema["maxLength"]; max && length > max.as<size_t>(0)) {
        out.push_back(path + ": " + shown + " is longer than maxLength " + max.Scalar());
    }
}

void OpenApiValidator::Impl::CheckNumber(const YAML::Node& schema, const Json& value,
                                         const std::string& path, std::vector<std::string>& out) {
    const double v = value.get<double>();
    if (const YAML::Node min = schema["minimum"]) {
        const bool exclusive = Flag(schema, "exclusiveMinimum");
        if (exclusive ? v <= Number(min) : v < Number(min)) {
            out.push_back(path + ": " + Show(value) + " is below minimum " + min.Scalar());
        }
    }
    if (const YAML::Node max = schema["maximum"]) {
        const bool exclusive = Flag(schema, "exclusiveMaximum");
        if (exclusive ? v >= Number(max) : v > Number(max)) {
            out.push_back(path + ": " + Show(value) + " is above maximum " + max.Scalar());
        }
    }
}

void OpenApiValidator::Impl::CheckObject(const Located& s, const Json& value,
                                         const std::string& path, int depth,
                                         std::vector<std::string>& out) {
    const YAML::Node& schema = s.node;
    if (const YAML::Node required = schema["required"]; required && required.IsSequence()) {
        for (const auto& name : required) {
            if (!value.contains(name.Scalar())) {
                out.push_back(path + ": missing required property '" + name.Scalar() + "'");
            }
        }
    }
    const YAML::Node properties = schema["properties"];
    const YAML::Node additional = schema["additionalProperties"];
    for (const auto& [key, member] : value.items()) {
        const std::string member_path = MemberPath(path, key);
        if (properties && properties.IsMap()) {
            if (const YAML::Node property = properties[key]) {
                Check({property, s.file}, member, member_path, depth + 1, out);
                continue;
            }
        }
        if (!additional) continue;
        if (additional.IsScalar() && !additional.as<bool>(true)) {
            out.push_back(member_path + ": property not allowed (additionalProperties: false)");
        } else if (additional.IsMap()) {
            Check({additional, s.file}, member, member_path, depth + 1, out);
        }
    }
}

void OpenApiValidator::Impl::CheckArray(const Located& s, const Json& value,
                                        const std::string& path, int depth,
                                        std::vector<std::string>& out) {
    const YAML::Node& schema = s.node;
    if (const YAML::Node min = schema["minItems"]; min && value.size() < min.as<size_t>(0)) {
        out.push_back(path + ": " + std::to_string(value.size()) + " items, fewer than minItems " +
                      min.Scalar());
    }
    if (const YAML::Node max = schema["maxItems"]; max && value.size() > max.as<size_t>(0)) {
        out.push_back(path + ": " + std::to_string(value.size()) + " items, more than maxItems " +
                      max.Scalar());
    }
    const YAML::Node items = schema["items"];
    if (!items) return;
    for (size_t i = 0; i < value.size(); ++i) {
        Check({items, s.file}, value[i], path + "[" + std::to_string(i) + "]", depth + 1, out);
    }
}

void OpenApiValidator::Impl::CheckCombinators(const Located& s, const Json& value,
                                              const std::string& path, int depth,
                                              std::vector<std::string>& out) {
    const YAML::Node& schema = s.node;
    if (const YAML::Node all = schema["allOf"]; all && all.IsSequence()) {
        for (const auto& sub : all) Check({sub, s.file}, value, path, depth + 1, out);
    }
    for (const char* keyword : {"anyOf", "oneOf"}) {
        const YAML::Node branches = schema[keyword];
        if (!branches || !branches.IsSequence()) continue;
        size_t matched = 0;
        std::string why;
        for (size_t i = 0; i < branches.size(); ++i) {
            std::vector<std::string> branch_out;
            Check({branches[i], s.file}, value, path, depth + 1, branch_out);
            if (branch_out.empty()) {
                ++matched;
            } else {
                why += " [" + std::to_string(i) + "] " + branch_out.front() + ";";
            }
        }
        const std::string name(keyword);
        if (matched == 0) {
            out.push_back(path + ": matches none of the " + name + " schemas:" + why);
        } else if (name == "oneOf" && matched > 1) {
            out.push_back(path + ": matches " + std::to_string(matched) +
                          " oneOf schemas, exactly one expected");
        }
    }
}

OpenApiValidator::OpenApiValidator(std::string spec_dir) : impl_(std::make_unique<Impl>()) {
    impl_->dir = std::move(spec_dir);
}

OpenApiValidator::~OpenApiValidator() = default;

std::vector<std::string> OpenApiValidator::Validate(const Json& value, std::string_view ref) {
    std::vector<std::string> out;
    Located schema;
    std::string error;
    if (!impl_->Resolve(ref, "", schema, error)) {
        out.push_back("$: cannot resolve schema: " + error);
        return out;
    }
    impl_->Check(schema, value, "$", 0, out);
    return out;
}

std::string JoinViolations(const std::vector<std::string>& violations) {
    std::string text;
    for (const auto& v : violations) text += v + "\n";
    return text;
}

}  // namespace oc::testing
