#include "pipeline/request_template.h"

#include <cctype>
#include <charconv>

#include "pipeline/json_path.h"

namespace oc::pipeline {
namespace {

Result<Json> Lookup(const std::string& expr, const TemplateContext& ctx, const std::string& where,
                    bool path_mode, std::vector<std::string>* used) {
    if (expr.rfind("resources.", 0) == 0) {
        std::string rest = expr.substr(10);
        size_t dot = rest.find('.');
        std::string parent = rest.substr(0, dot);
        std::string field = dot == std::string::npos ? "" : rest.substr(dot + 1);
        if (ctx.parent_row == nullptr || parent != ctx.parent_name || field.empty()) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "Expression `" + expr + "` defined in `" + where +
                                 "` refers to a resource that is not this resource's parent");
        }
        OC_ASSIGN_OR_RETURN(JsonPath path, ParseJsonPath(field));
        const Json* v = JsonPathFirst(path, *ctx.parent_row);
        if (v == nullptr) {
            std::string fields;
            if (ctx.parent_row->is_object()) {
                for (auto it = ctx.parent_row->begin(); it != ctx.parent_row->end(); ++it) {
                    fields += (fields.empty() ? "" : ", ") + std::string("'") + it.key() + "'";
                }
            }
            return MakeError(ErrorCode::kInvalidArgument,
                             "Resource expects a field `" + field +
                                 "` to be present in the incoming data from resource `" + parent +
                                 "` in order to bind it to `" + where +
                                 "`. Available parent fields are: [" + fields + "]");
        }
        return *v;
    }
    if (expr.rfind("incremental.", 0) == 0) {
        if (ctx.incremental == nullptr) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "Expression `" + expr + "` defined in `" + where +
                                 "` needs an `incremental` block on the endpoint");
        }
        return ctx.incremental->value(expr.substr(12), Json());
    }
    if (path_mode && ctx.path_params != nullptr && ctx.path_params->contains(expr)) {
        if (used != nullptr) used->push_back(expr);
        return (*ctx.path_params)[expr];
    }
    if (path_mode) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "The path '" + where + "' requires a param named '" + expr +
                             "', but it was not found in 'endpoint.params'");
    }
    return MakeError(ErrorCode::kInvalidArgument,
                     "Expression `" + expr + "` defined in `" + where +
                         "` is not valid. Valid expressions must start with one of: `{'resources', "
                         "'incremental'}`. If you need to use literal curly braces in your "
                         "expression, escape them by doubling them: {{ and }}");
}

}  // namespace

std::string PyStr(const Json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_null()) return "None";
    if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
    if (v.is_number_float()) {
        char buf[64];
        double d = v.get<double>();
        auto res = std::to_chars(buf, buf + sizeof(buf), d);
        std::string s(buf, res.ptr);
        if (s.find_first_of(".en") == std::string::npos) s += ".0";
        return s;
    }
    return v.dump();
}

Result<std::string> ExpandTemplate(const std::string& text, const TemplateContext& ctx,
                                   const std::string& where, bool path_mode,
                                   std::vector<std::string>* used) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
            out += '{';
            ++i;
        } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
            out += '}';
            ++i;
        } else if (c == '{') {
            size_t close = text.find('}', i);
            if (close == std::string::npos) {
                return MakeError(ErrorCode::kInvalidArgument,
                                 "unbalanced `{` in `" + where + "`: " + text);
            }
            OC_ASSIGN_OR_RETURN(
                Json v, Lookup(text.substr(i + 1, close - i - 1), ctx, where, path_mode, used));
            out += PyStr(v);
            i = close;
        } else {
            out += c;
        }
    }
    return out;
}

Result<Json> ExpandJson(const Json& value, const TemplateContext& ctx, const std::string& where) {
    if (value.is_string()) {
        const std::string s = value.get<std::string>();
        if (s.size() > 2 && s.front() == '{' && s.back() == '}' && s[1] != '{' &&
            s.find('{', 1) == std::string::npos) {
            return Lookup(s.substr(1, s.size() - 2), ctx, where, false, nullptr);
        }
        OC_ASSIGN_OR_RETURN(std::string expanded, ExpandTemplate(s, ctx, where, false));
        return Json(expanded);
    }
    if (value.is_object() || value.is_array()) {
        Json out = value.is_object() ? Json::object() : Json::array();
        for (auto it = value.begin(); it != value.end(); ++it) {
            OC_ASSIGN_OR_RETURN(Json v, ExpandJson(*it, ctx, where));
            if (value.is_object())
                out[it.key()] = v;
            else
                out.push_back(v);
        }
        return out;
    }
    return value;
}

Result<std::vector<std::pair<std::string, std::string>>> RenderParams(const Json& params,
                                                                      const TemplateContext& ctx,
                                                                      const std::string& where) {
    std::vector<std::pair<std::string, std::string>> out;
    for (auto it = params.begin(); it != params.end(); ++it) {
        OC_ASSIGN_OR_RETURN(std::string key, ExpandTemplate(it.key(), ctx, where, false));
        if (it->is_null()) continue;
        if (it->is_array()) {
            for (const auto& item : *it) {
                if (!item.is_null()) out.emplace_back(key, PyStr(item));
            }
            continue;
        }
        if (it->is_string()) {
            OC_ASSIGN_OR_RETURN(std::string v,
                                ExpandTemplate(it->get<std::string>(), ctx, where, false));
            if (v == "None" && it->get<std::string>().find('{') != std::string::npos) continue;
            out.emplace_back(key, v);
            continue;
        }
        out.emplace_back(key, PyStr(*it));
    }
    return out;
}

std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& query) {
    auto enc = [](const std::string& s) {
        static const char* kHex = "0123456789ABCDEF";
        std::string out;
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '_' || c == '.' || c == '-' || c == '~')
                out += static_cast<char>(c);
            else if (c == ' ')
                out += '+';
            else {
                out += '%';
                out += kHex[c >> 4];
                out += kHex[c & 15];
            }
        }
        return out;
    };
    std::string out;
    for (const auto& [k, v] : query) {
        if (!out.empty()) out += '&';
        out += enc(k) + "=" + enc(v);
    }
    return out;
}

}  // namespace oc::pipeline
