#include "api/path_params.h"

#include "common/identifier.h"
#include "common/text.h"

namespace oc::api {

Result<ObjectPath> ParseObjectPath(const net::HttpRequest& req) {
    ObjectPath p;
    auto get = [&](const char* key, std::string* out) -> Status {
        auto it = req.params.find(key);
        if (it == req.params.end()) return {};
        OC_ASSIGN_OR_RETURN(*out, ParseIdentifier(it->second));
        return {};
    };
    OC_TRY(get("db", &p.database));
    OC_TRY(get("schema", &p.schema));
    OC_TRY(get("name", &p.name));
    return p;
}

Result<std::string> BodyName(const Json& body) {
    auto name = body.find("name");
    if (name == body.end() || !name->is_string()) {
        return MakeError(ErrorCode::kInvalidArgument, "name is required and must be a string");
    }
    return ParseIdentifier(name->get<std::string>());
}

Result<bool> ParseBoolParam(const net::HttpRequest& req, const std::string& key) {
    if (!req.HasQuery(key)) return false;
    std::string v = req.Query(key);
    if (EqualsIgnoreCase(v, "true")) return true;
    if (EqualsIgnoreCase(v, "false")) return false;
    return MakeError(ErrorCode::kInvalidArgument, key + " must be true or false, got '" + v + "'");
}

bool CanSee(const RequestContext& ctx, const std::string& owner) {
    return ctx.principal.IsAccountAdmin() || owner == ctx.principal.role || owner == "PUBLIC";
}

Status RequireOwner(const RequestContext& ctx, const std::string& owner, const std::string& what) {
    if (ctx.principal.IsAccountAdmin() || owner == ctx.principal.role) return {};
    return MakeError(ErrorCode::kPermissionDenied,
                     "Insufficient privileges to operate on " + what + ": role " + ctx.principal.role +
                         " does not own it.");
}

}  // namespace oc::api
