// JSON Schema subset validation (see json_schema.h).
#include "code/json_schema.h"

#include <cmath>

namespace oc::code {
namespace {

bool IsType(const Json& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "null") return v.is_null();
    if (type == "number") return v.is_number();
    if (type == "integer") {
        if (v.is_number_integer()) return true;
        if (!v.is_number_float()) return false;
        const double d = v.get<double>();
        return std::isfinite(d) && std::floor(d) == d;
    }
    return true;  // unknown type names do not constrain
}

std::string TypeName(const Json& v) {
    if (v.is_object()) return "object";
    if (v.is_array()) return "array";
    if (v.is_string()) return "string";
    if (v.is_boolean()) return "boolean";
    if (v.is_null()) return "null";
    if (v.is_number_integer()) return "integer";
    return "number";
}

void Validate(const Json& schema, const Json& v, const std::string& path, std::vector<std::string>* errors) {
    if (schema.is_boolean()) {
        if (!schema.get<bool>()) errors->push_back(path + ": no value is allowed here");
        return;
    }
    if (!schema.is_object()) return;
    if (schema.contains("type")) {
        const Json& t = schema["type"];
        bool ok = false;
        std::string expected;
        if (t.is_string()) {
            ok = IsType(v, t.get<std::string>());
            expected = t.get<std::string>();
        } else if (t.is_array()) {
            for (const Json& one : t) {
                if (!one.is_string()) continue;
                ok = ok || IsType(v, one.get<std::string>());
                expected += (expected.empty() ? "" : " or ") + one.get<std::string>();
            }
        } else {
            ok = true;
        }
        if (!ok) {
            errors->push_back(path + ": expected " + expected + ", got " + TypeName(v));
            return;  // the other keywords would only repeat the mismatch
        }
    }
    if (schema.contains("enum") && schema["enum"].is_array()) {
        bool found = false;
        for (const Json& option : schema["enum"]) found = found || option == v;
        if (!found) errors->push_back(path + ": " + DumpJson(v) + " is not one of " + DumpJson(schema["enum"]));
    }
    if (schema.contains("const") && schema["const"] != v)
        errors->push_back(path + ": must equal " + DumpJson(schema["const"]));
    if (schema.contains("anyOf") && schema["anyOf"].is_array()) {
        bool any = false;
        for (const Json& option : schema["anyOf"]) {
            std::vector<std::string> sub;
            Validate(option, v, path, &sub);
            any = any || sub.empty();
        }
        if (!any) errors->push_back(path + ": matches none of the anyOf schemas");
    }
    if (v.is_object()) {
        const Json empty = Json::object();
        const Json& props = schema.contains("properties") && schema["properties"].is_object()
                                ? schema["properties"] : empty;
        if (schema.contains("required") && schema["required"].is_array()) {
            for (const Json& name : schema["required"])
                if (name.is_string() && !v.contains(name.get<std::string>()))
                    errors->push_back(path + ": missing required property '" + name.get<std::string>() + "'");
        }
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string child = path + "." + it.key();
            if (props.contains(it.key())) {
                Validate(props[it.key()], it.value(), child, errors);
            } else if (schema.contains("additionalProperties")) {
                const Json& extra = schema["additionalProperties"];
                if (extra.is_boolean() && !extra.get<bool>())
                    errors->push_back(path + ": property '" + it.key() + "' is not allowed");
                else if (extra.is_object())
                    Validate(extra, it.value(), child, errors);
            }
        }
    }
    if (v.is_array()) {
        if (schema.contains("items") && (schema["items"].is_object() || schema["items"].is_boolean())) {
            for (size_t i = 0; i < v.size(); ++i)
                Validate(schema["items"], v[i], path + "[" + std::to_string(i) + "]", errors);
        }
        if (schema.contains("minItems") && schema["minItems"].is_number() &&
            v.size() < schema["minItems"].get<double>())
            errors->push_back(path + ": needs at least " + DumpJson(schema["minItems"]) + " items");
        if (schema.contains("maxItems") && schema["maxItems"].is_number() &&
            v.size() > schema["maxItems"].get<double>())
            errors->push_back(path + ": allows at most " + DumpJson(schema["maxItems"]) + " items");
    }
    if (v.is_string()) {
        const double len = static_cast<double>(v.get<std::string>().size());
        if (schema.contains("minLength") && schema["minLength"].is_number() && len < schema["minLength"].get<double>())
            errors->push_back(path + ": shorter than " + DumpJson(schema["minLength"]) + " characters");
        if (schema.contains("maxLength") && schema["maxLength"].is_number() && len > schema["maxLength"].get<double>())
            errors->push_back(path + ": longer than " + DumpJson(schema["maxLength"]) + " characters");
    }
    if (v.is_number()) {
        const double d = v.get<double>();
        if (schema.contains("minimum") && schema["minimum"].is_number() && d < schema["minimum"].get<double>())
            errors->push_back(path + ": less than the minimum " + DumpJson(schema["minimum"]));
        if (schema.contains("maximum") && schema["maximum"].is_number() && d > schema["maximum"].get<double>())
            errors->push_back(path + ": greater than the maximum " + DumpJson(schema["maximum"]));
    }
}

}  // namespace

std::vector<std::string> ValidateJsonSchema(const Json& schema, const Json& value) {
    std::vector<std::string> errors;
    Validate(schema, value, "$", &errors);
    return errors;
}

Status CheckStructuredOutputSchema(const Json& schema) {
    if (!schema.is_object())
        return MakeError(ErrorCode::kInvalidArgument, "--json-schema must be a JSON object (a JSON Schema)");
    if (schema.contains("type") && schema["type"] != "object")
        return MakeError(ErrorCode::kInvalidArgument,
                         "--json-schema must describe an object (\"type\": \"object\"), got type " +
                             DumpJson(schema["type"]));
    return {};
}

}  // namespace oc::code
