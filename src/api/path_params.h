// Path identifiers of /api/v2/databases/{db}/schemas/{schema}/... normalised per §1.6.
#pragma once

#include <string>

#include "api/context.h"

namespace oc::api {

struct ObjectPath {
    std::string database;
    std::string schema;  // empty when the route has none
    std::string name;    // empty when the route has none
};

// Parses the "db", "schema" and "name" captures that the route has; 400 on a bad identifier.
Result<ObjectPath> ParseObjectPath(const net::HttpRequest& req);

// The body's "name" field as a stored identifier; 400 when absent, not a string or invalid.
Result<std::string> BodyName(const Json& body);

// Parses ifExists ("true"/"false", any case; absent = false); other values are 400.
Result<bool> ParseBoolParam(const net::HttpRequest& req, const std::string& key);

// Owner or ACCOUNTADMIN; otherwise 403.
Status RequireOwner(const RequestContext& ctx, const std::string& owner, const std::string& what);

// A role sees objects it owns, objects owned by PUBLIC (every role inherits PUBLIC), and
// ACCOUNTADMIN sees everything.
bool CanSee(const RequestContext& ctx, const std::string& owner);

}  // namespace oc::api
