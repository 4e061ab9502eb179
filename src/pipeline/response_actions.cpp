#include "pipeline/response_actions.h"

namespace oc::pipeline {
namespace {

Error Bad(const std::string& at, const std::string& msg) {
    return MakeError(ErrorCode::kInvalidArgument, "`" + at + "` " + msg);
}

const char* kHookHint =
    "response hooks are Python callables and cannot be written in a pipeline file; supported "
    "actions: ignore, retry, fail";

}  // namespace

Result<std::vector<ResponseAction>> ParseResponseActions(const Json& value, const std::string& at) {
    std::vector<ResponseAction> out;
    if (value.is_null()) return out;
    if (!value.is_array()) return Bad(at, "must be a list of {status_code, content, action}");
    for (size_t i = 0; i < value.size(); ++i) {
        const std::string here = at + "[" + std::to_string(i) + "]";
        const Json& entry = value[i];
        if (!entry.is_object()) {
            // dlt accepts a bare callable here.
            return Bad(here, std::string("is not a mapping: ") + kHookHint);
        }
        ResponseAction action;
        for (auto it = entry.begin(); it != entry.end(); ++it) {
            const std::string& key = it.key();
            if (key == "status_code") {
                if (!it->is_number_integer())
                    return Bad(here + ".status_code", "must be an integer HTTP status");
                action.status_code = it->get<int>();
            } else if (key == "content") {
                if (!it->is_string()) return Bad(here + ".content", "must be a string");
                action.content = it->get<std::string>();
            } else if (key == "action") {
                if (!it->is_string()) {
                    return Bad(here + ".action", std::string("must be a string; ") + kHookHint);
                }
                const std::string name = it->get<std::string>();
                if (name == "ignore") {
                    action.kind = ResponseActionKind::kIgnore;
                } else if (name == "retry") {
                    action.kind = ResponseActionKind::kRetry;
                } else if (name == "fail") {
                    action.kind = ResponseActionKind::kFail;
                } else {
                    return Bad(here + ".action", "`" + name + "` is not supported; " + kHookHint);
                }
            } else {
                return Bad(here + "." + key, "is an unknown key (status_code, content, action)");
            }
        }
        if (!entry.contains("action")) return Bad(here + ".action", "is required");
        if (!action.status_code && !action.content) {
            return Bad(here,
                       "needs `status_code` or `content` (an entry without them never "
                       "matches)");
        }
        out.push_back(std::move(action));
    }
    return out;
}

std::optional<ResponseActionKind> MatchResponseAction(const std::vector<ResponseAction>& actions,
                                                      int status, const std::string& body) {
    for (const auto& a : actions) {
        if (a.status_code && *a.status_code != status) continue;
        if (a.content && body.find(*a.content) == std::string::npos) continue;
        return a.kind;
    }
    return std::nullopt;
}

}  // namespace oc::pipeline
