#include "pipeline/config.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "pipeline/extract_settings.h"
#include "pipeline/json_path.h"
#include "pipeline/naming.h"
#include "pipeline/response_actions.h"
#include "pipeline/secrets.h"

namespace oc::pipeline {
namespace {

using Keys = std::set<std::string>;

const Keys kTopKeys = {"client",      "resource_defaults", "resources",  "pipeline_name",
                       "destination", "dataset_name",      "source_name", "loader_file_format",
                       "extract",     "runtime"};
const Keys kClientKeys = {"base_url",  "headers", "auth",
                          "paginator", "session", "requests_per_minute",
                          "requests_burst"};
const Keys kResourceKeys = {"name",
                            "endpoint",
                            "table_name",
                            "primary_key",
                            "merge_key",
                            "write_disposition",
                            "columns",
                            "max_table_nesting",
                            "selected",
                            "schema_contract",
                            "include_from_parent",
                            "processing_steps",
                            "parallelized",
                            "table_format",
                            "file_format",
                            "references",
                            "nested_hints",
                            "parent_table_name"};
const Keys kEndpointKeys = {
    "path",      "method",        "params",           "json",        "data", "headers",
    "paginator", "data_selector", "response_actions", "incremental", "auth"};
const Keys kIncrementalKeys = {"cursor_path",     "initial_value", "end_value",
                               "last_value_func", "row_order",     "on_cursor_value_missing",
                               "range_start",     "range_end",     "lag",
                               "primary_key",     "start_param",   "end_param",
                               "convert",         "type"};
const Keys kAuthKeys = {"type",
                        "token",
                        "name",
                        "api_key",
                        "location",
                        "username",
                        "password",
                        "access_token_url",
                        "client_id",
                        "client_secret",
                        "access_token_request_data",
                        "default_token_expiration",
                        "access_token"};
const Keys kPaginatorTypes = {"auto",   "single_page", "json_link", "header_link",
                              "offset", "page_number", "cursor",    "header_cursor"};

struct Ctx {
    std::string where;
    const SecretSources* secrets;
    std::string pipeline_name;
    std::string source_name;
};

Error Bad(const Ctx& ctx, const std::string& msg) {
    return MakeError(ErrorCode::kInvalidArgument, ctx.where + ": " + msg);
}

Status CheckKeys(const Ctx& ctx, const Json& obj, const Keys& allowed, const std::string& at) {
    if (!obj.is_object()) return Bad(ctx, "`" + at + "` must be a mapping");
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (allowed.count(it.key()) == 0) {
            return Bad(ctx, "unknown key `" + (at.empty() ? "" : at + ".") + it.key() + "`");
        }
    }
    return {};
}

Result<std::string> GetString(const Ctx& ctx, const Json& obj, const std::string& key,
                              const std::string& at, const std::string& fallback = "") {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return fallback;
    if (!it->is_string()) return Bad(ctx, "`" + at + "." + key + "` must be a string");
    return it->get<std::string>();
}

Status CheckPaginator(const Ctx& ctx, const Json& p, const std::string& at) {
    if (p.is_null()) return {};
    std::string type;
    if (p.is_string())
        type = p.get<std::string>();
    else if (p.is_object() && p.contains("type") && p["type"].is_string())
        type = p["type"];
    else
        return Bad(ctx, "`" + at + "` must be a paginator name or a mapping with `type`");
    if (kPaginatorTypes.count(type) == 0) {
        return Bad(ctx, "unknown paginator type `" + type + "` at `" + at +
                            "` (known: auto, single_page, json_link, header_link, offset, "
                            "page_number, cursor, header_cursor)");
    }
    return {};
}

std::string Secret(const Ctx& ctx, const std::string& key) {
    auto v = LookupSecret(*ctx.secrets, ctx.pipeline_name, ctx.source_name, key);
    return v ? *v : std::string();
}

std::string UpperName(std::string s) {
    for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

// "missing secret `key` for `at` (set SOURCES__SRC__KEY or ...)": the key and where to set it.
Error MissingSecret(const Ctx& ctx, const std::string& key, const std::string& at) {
    return Bad(ctx, "missing secret `" + key + "` for `" + at + "` (set SOURCES__" +
                        UpperName(ctx.source_name) + "__" + UpperName(key) + " or `" + key +
                        "` under [sources." + ctx.source_name + "] in .dlt/secrets.toml)");
}

// oauth2_client_credentials fields (reference §2.1); client_id/client_secret may be secrets.
Status ParseOAuth2(const Ctx& ctx, const Json& obj, const std::string& at, AuthConfig& auth) {
    OC_ASSIGN_OR_RETURN(auth.access_token_url, GetString(ctx, obj, "access_token_url", at));
    OC_ASSIGN_OR_RETURN(auth.client_id, GetString(ctx, obj, "client_id", at));
    OC_ASSIGN_OR_RETURN(auth.client_secret, GetString(ctx, obj, "client_secret", at));
    OC_ASSIGN_OR_RETURN(auth.access_token, GetString(ctx, obj, "access_token", at));
    if (auth.access_token_url.empty()) auth.access_token_url = Secret(ctx, "access_token_url");
    if (auth.access_token_url.empty())
        return Bad(ctx, "`" + at + ".access_token_url` is required for oauth2_client_credentials");
    if (auth.client_id.empty()) auth.client_id = Secret(ctx, "client_id");
    if (auth.client_id.empty()) return MissingSecret(ctx, "client_id", at);
    if (auth.client_secret.empty()) auth.client_secret = Secret(ctx, "client_secret");
    if (auth.client_secret.empty()) return MissingSecret(ctx, "client_secret", at);
    if (auto d = obj.value("access_token_request_data", Json()); !d.is_null()) {
        if (!d.is_object())
            return Bad(ctx, "`" + at + ".access_token_request_data` must be a mapping");
        auth.access_token_request_data = d;
    }
    if (auto e = obj.value("default_token_expiration", Json()); !e.is_null()) {
        if (!e.is_number_integer() || e.get<int>() <= 0)
            return Bad(ctx, "`" + at + ".default_token_expiration` must be a positive integer");
        auth.default_token_expiration = e.get<int>();
    }
    return {};
}

Result<AuthConfig> ParseAuth(const Ctx& ctx, const Json& a, const std::string& at) {
    AuthConfig auth;
    if (a.is_null()) return auth;
    Json obj = a.is_string() ? Json{{"type", a}} : a;
    OC_TRY(CheckKeys(ctx, obj, kAuthKeys, at));
    OC_ASSIGN_OR_RETURN(auth.type, GetString(ctx, obj, "type", at, "bearer"));
    OC_ASSIGN_OR_RETURN(auth.token, GetString(ctx, obj, "token", at));
    OC_ASSIGN_OR_RETURN(auth.name, GetString(ctx, obj, "name", at, "Authorization"));
    OC_ASSIGN_OR_RETURN(auth.api_key, GetString(ctx, obj, "api_key", at));
    OC_ASSIGN_OR_RETURN(auth.location, GetString(ctx, obj, "location", at, "header"));
    OC_ASSIGN_OR_RETURN(auth.username, GetString(ctx, obj, "username", at));
    OC_ASSIGN_OR_RETURN(auth.password, GetString(ctx, obj, "password", at));
    if (auth.type == "bearer") {
        if (auth.token.empty()) auth.token = Secret(ctx, "token");
        if (auth.token.empty()) auth.token = Secret(ctx, "api_key");
        if (auth.token.empty()) return MissingSecret(ctx, "api_key", at);
    } else if (auth.type == "api_key") {
        if (auth.api_key.empty()) auth.api_key = Secret(ctx, "api_key");
        if (auth.api_key.empty()) return MissingSecret(ctx, "api_key", at);
    } else if (auth.type == "http_basic") {
        if (auth.username.empty()) auth.username = Secret(ctx, "username");
        if (auth.password.empty()) auth.password = Secret(ctx, "password");
    } else if (auth.type == "oauth2_client_credentials") {
        OC_TRY(ParseOAuth2(ctx, obj, at, auth));
    } else {
        return Bad(ctx, "unknown auth type `" + auth.type + "` at `" + at +
                            "` (known: bearer, api_key, http_basic, oauth2_client_credentials)");
    }
    return auth;
}

Result<IncrementalConfig> ParseIncremental(const Ctx& ctx, const Json& obj, const std::string& at) {
    OC_TRY(CheckKeys(ctx, obj, kIncrementalKeys, at));
    IncrementalConfig inc;
    OC_ASSIGN_OR_RETURN(inc.cursor_path, GetString(ctx, obj, "cursor_path", at));
    if (inc.cursor_path.empty()) return Bad(ctx, "`" + at + ".cursor_path` is required");
    if (auto parsed = ParseJsonPath(inc.cursor_path); !parsed) {
        return Bad(ctx, "`" + at + ".cursor_path`: " + parsed.error().message);
    }
    inc.initial_value = obj.value("initial_value", Json());
    inc.end_value = obj.value("end_value", Json());
    OC_ASSIGN_OR_RETURN(inc.last_value_func, GetString(ctx, obj, "last_value_func", at, "max"));
    if (inc.last_value_func != "max" && inc.last_value_func != "min") {
        return Bad(ctx,
                   "`" + at + ".last_value_func` must be max or min, got " + inc.last_value_func);
    }
    OC_ASSIGN_OR_RETURN(inc.on_cursor_value_missing,
                        GetString(ctx, obj, "on_cursor_value_missing", at, "raise"));
    OC_ASSIGN_OR_RETURN(inc.range_start, GetString(ctx, obj, "range_start", at, "closed"));
    OC_ASSIGN_OR_RETURN(inc.range_end, GetString(ctx, obj, "range_end", at, "open"));
    OC_ASSIGN_OR_RETURN(inc.start_param, GetString(ctx, obj, "start_param", at));
    OC_ASSIGN_OR_RETURN(inc.end_param, GetString(ctx, obj, "end_param", at));
    if (!inc.end_value.is_null() && inc.initial_value.is_null()) {
        return Bad(ctx, "`" + at + ".end_value` requires initial_value");
    }
    return inc;
}

// Moves `{"type":"resolve"}` and `{"type":"incremental"}` params into the path / incremental.
Status ResolveSpecialParams(const Ctx& ctx, EndpointConfig& ep, const std::string& at) {
    Json kept = Json::object();
    for (auto it = ep.params.begin(); it != ep.params.end(); ++it) {
        if (!it->is_object()) {
            kept[it.key()] = *it;
            continue;
        }
        std::string type = it->value("type", "");
        if (type == "resolve") {
            std::string token = "{" + it.key() + "}";
            size_t pos = ep.path.find(token);
            if (pos == std::string::npos) {
                return Bad(ctx, "`" + at + ".params." + it.key() +
                                    "` is a resolve param not bound in path `" + ep.path + "`");
            }
            ep.path.replace(
                pos, token.size(),
                "{resources." + it->value("resource", "") + "." + it->value("field", "") + "}");
        } else if (type == "incremental") {
            Json inc = *it;
            inc.erase("type");
            OC_ASSIGN_OR_RETURN(IncrementalConfig cfg,
                                ParseIncremental(ctx, inc, at + ".params." + it.key()));
            cfg.start_param = it.key();
            ep.incremental = cfg;
        } else {
            return Bad(ctx, "`" + at + ".params." + it.key() + "` has unknown type `" + type +
                                "` (resolve or incremental)");
        }
    }
    ep.params = kept;
    return {};
}

Result<EndpointConfig> ParseEndpoint(const Ctx& ctx, const Json& e, const std::string& name,
                                     const std::string& at) {
    EndpointConfig ep;
    Json obj = e.is_string() ? Json{{"path", e}} : (e.is_null() ? Json::object() : e);
    OC_TRY(CheckKeys(ctx, obj, kEndpointKeys, at));
    OC_ASSIGN_OR_RETURN(ep.path, GetString(ctx, obj, "path", at, name));
    OC_ASSIGN_OR_RETURN(ep.method, GetString(ctx, obj, "method", at, "GET"));
    if (ep.method != "GET" && ep.method != "POST") {
        return Bad(ctx, "`" + at + ".method` must be GET or POST, got " + ep.method);
    }
    if (obj.contains("params") && !obj["params"].is_null()) ep.params = obj["params"];
    if (!ep.params.is_object()) return Bad(ctx, "`" + at + ".params` must be a mapping");
    ep.json = obj.value("json", Json());
    ep.data = obj.value("data", Json());
    if (!ep.data.is_null() && !ep.data.is_object() && !ep.data.is_string())
        return Bad(ctx, "`" + at + ".data` must be a mapping or a string");
    if (!ep.json.is_null() && !ep.data.is_null())
        return Bad(ctx, "`" + at + "` cannot use both `json` and `data`");
    if (obj.contains("headers") && obj["headers"].is_object()) ep.headers = obj["headers"];
    ep.paginator = obj.value("paginator", Json());
    OC_TRY(CheckPaginator(ctx, ep.paginator, at + ".paginator"));
    if (obj.contains("data_selector") && !obj["data_selector"].is_null()) {
        OC_ASSIGN_OR_RETURN(std::string sel, GetString(ctx, obj, "data_selector", at));
        if (auto parsed = ParseJsonPath(sel); !parsed) {
            return Bad(ctx, "`" + at + ".data_selector`: " + parsed.error().message);
        }
        ep.data_selector = sel;
    }
    if (obj.contains("incremental") && !obj["incremental"].is_null()) {
        OC_ASSIGN_OR_RETURN(IncrementalConfig inc,
                            ParseIncremental(ctx, obj["incremental"], at + ".incremental"));
        ep.incremental = inc;
    }
    if (obj.contains("auth") && !obj["auth"].is_null()) {
        OC_ASSIGN_OR_RETURN(AuthConfig auth, ParseAuth(ctx, obj["auth"], at + ".auth"));
        ep.auth = auth;
    }
    if (obj.contains("response_actions") && !obj["response_actions"].is_null()) {
        auto actions = ParseResponseActions(obj["response_actions"], at + ".response_actions");
        if (!actions) return Bad(ctx, actions.error().message);
        ep.actions = std::move(*actions);
        ep.response_actions = obj["response_actions"];
    }
    OC_TRY(ResolveSpecialParams(ctx, ep, at));
    return ep;
}

// resource_defaults merge (reference §1.5): shallow, except endpoint params/json one level deep.
Json MergeDefaults(const Json& defaults, const Json& res) {
    Json out = defaults.is_object() ? defaults : Json::object();
    for (auto it = res.begin(); it != res.end(); ++it) {
        if (it.key() == "endpoint" && out.contains("endpoint") && out["endpoint"].is_object()) {
            Json ep = out["endpoint"];
            Json r = it->is_string() ? Json{{"path", *it}} : *it;
            for (auto e = r.begin(); e != r.end(); ++e) {
                if ((e.key() == "params" || e.key() == "json") && ep.contains(e.key()) &&
                    ep[e.key()].is_object() && e->is_object()) {
                    for (auto p = e->begin(); p != e->end(); ++p) ep[e.key()][p.key()] = *p;
                } else {
                    ep[e.key()] = *e;
                }
            }
            out["endpoint"] = ep;
        } else {
            out[it.key()] = *it;
        }
    }
    return out;
}

std::string FindParent(const EndpointConfig& ep) {
    const std::string marker = "{resources.";
    size_t pos = ep.path.find(marker);
    if (pos == std::string::npos) {
        std::string params = DumpJson(ep.params) + DumpJson(ep.json) + DumpJson(ep.data) +
                             DumpJson(ep.headers);
        pos = params.find(marker);
        if (pos == std::string::npos) return "";
        size_t end = params.find('.', pos + marker.size());
        return params.substr(pos + marker.size(), end - pos - marker.size());
    }
    size_t end = ep.path.find('.', pos + marker.size());
    return ep.path.substr(pos + marker.size(), end - pos - marker.size());
}

Result<ResourceConfig> ParseResource(const Ctx& ctx, const Json& raw, const Json& defaults,
                                     size_t index) {
    std::string at = "resources[" + std::to_string(index) + "]";
    Json obj = raw.is_string() ? Json{{"name", raw}} : raw;
    OC_TRY(CheckKeys(ctx, obj, kResourceKeys, at));
    if (defaults.contains("endpoint"))
        OC_TRY(CheckKeys(ctx, defaults["endpoint"], kEndpointKeys, "resource_defaults.endpoint"));
    obj = MergeDefaults(defaults, obj);
    ResourceConfig res;
    OC_ASSIGN_OR_RETURN(res.name, GetString(ctx, obj, "name", at));
    if (res.name.empty()) return Bad(ctx, "`" + at + ".name` is required");
    OC_ASSIGN_OR_RETURN(res.table_name, GetString(ctx, obj, "table_name", at));
    OC_ASSIGN_OR_RETURN(res.endpoint, ParseEndpoint(ctx, obj.value("endpoint", Json()), res.name,
                                                    at + ".endpoint"));
    if (auto pk = obj.value("primary_key", Json()); pk.is_string()) {
        res.primary_key.push_back(pk);
    } else if (pk.is_array()) {
        for (const auto& k : pk)
            res.primary_key.push_back(k.is_string() ? k.get<std::string>() : k.dump());
    }
    Json wd = obj.value("write_disposition", Json("append"));
    if (wd.is_object()) {
        res.write_disposition = wd.value("disposition", "append");
        res.merge_strategy = wd.value("strategy", "delete-insert");
    } else if (wd.is_string()) {
        res.write_disposition = wd;
    }
    if (res.write_disposition != "append" && res.write_disposition != "replace" &&
        res.write_disposition != "merge") {
        return Bad(ctx, "`" + at + ".write_disposition` must be append, replace or merge, got " +
                            res.write_disposition);
    }
    if (res.write_disposition == "merge") {
        const std::string& st = res.merge_strategy;
        if (st != "delete-insert" && st != "upsert" && st != "insert-only" && st != "scd2") {
            return Bad(ctx, "`" + at + ".write_disposition.strategy` must be delete-insert, "
                                       "upsert, insert-only or scd2, got " + st);
        }
        if ((st == "upsert" || st == "insert-only") && res.primary_key.empty()) {
            return Bad(ctx, "resource `" + res.name + "`: merge strategy `" + st +
                                "` needs a `primary_key`");
        }
    }
    if (auto n = obj.value("max_table_nesting", Json()); n.is_number_integer())
        res.max_table_nesting = n;
    if (auto s = obj.value("selected", Json()); s.is_boolean()) res.selected = s;
    if (auto inc = obj.value("include_from_parent", Json()); inc.is_array()) {
        for (const auto& f : inc) res.include_from_parent.push_back(f.get<std::string>());
    }
    res.parent = FindParent(res.endpoint);
    return res;
}

Status OrderResources(const Ctx& ctx, std::vector<ResourceConfig>& resources) {
    std::vector<ResourceConfig> ordered;
    std::set<std::string> names, placed;
    for (const auto& r : resources) {
        if (!names.insert(r.name).second)
            return Bad(ctx, "resource `" + r.name + "` is already defined");
    }
    for (const auto& r : resources) {
        if (!r.parent.empty() && names.count(r.parent) == 0) {
            return Bad(ctx, "dependent resource `" + r.name +
                                "` refers to non existing parent resource `" + r.parent + "`");
        }
    }
    while (ordered.size() < resources.size()) {
        size_t before = ordered.size();
        for (const auto& r : resources) {
            if (placed.count(r.name) == 0 && (r.parent.empty() || placed.count(r.parent) != 0)) {
                ordered.push_back(r);
                placed.insert(r.name);
            }
        }
        if (ordered.size() == before) return Bad(ctx, "resources have a parent cycle");
    }
    resources = std::move(ordered);
    return {};
}

Result<PipelineConfig> ParseConfigDoc(const Json& doc, const std::string& where,
                                      const SecretSources& secrets) {
    Ctx ctx{where, &secrets, "", ""};
    OC_TRY(CheckKeys(ctx, doc, kTopKeys, ""));
    PipelineConfig cfg;
    OC_ASSIGN_OR_RETURN(cfg.pipeline_name,
                        GetString(ctx, doc, "pipeline_name", "", "rest_api_pipeline"));
    OC_ASSIGN_OR_RETURN(cfg.destination, GetString(ctx, doc, "destination", "", "duckdb"));
    if (cfg.destination != "duckdb" && cfg.destination != "postgres" &&
        cfg.destination != "filesystem")
        return Bad(ctx, "destination `" + cfg.destination +
                            "` is not supported (duckdb, postgres, filesystem)");
    OC_ASSIGN_OR_RETURN(cfg.loader_file_format,
                        GetString(ctx, doc, "loader_file_format", "", ""));
    if (!cfg.loader_file_format.empty() && cfg.loader_file_format != "jsonl" &&
        cfg.loader_file_format != "parquet" && cfg.loader_file_format != "csv")
        return Bad(ctx, "loader_file_format `" + cfg.loader_file_format +
                            "` is not supported (jsonl, parquet, csv)");
    cfg.secrets = secrets;
    OC_ASSIGN_OR_RETURN(cfg.source_name, GetString(ctx, doc, "source_name", "", "rest_api"));
    if (auto rs = LookupConfigValue(secrets, cfg.pipeline_name, {"destination", "replace_strategy"}))
        cfg.replace_strategy = *rs;
    if (cfg.replace_strategy != "truncate-and-insert" &&
        cfg.replace_strategy != "insert-from-staging" && cfg.replace_strategy != "staging-optimized")
        return Bad(ctx, "`destination.replace_strategy` must be truncate-and-insert, "
                        "insert-from-staging or staging-optimized, got " + cfg.replace_strategy);
    OC_ASSIGN_OR_RETURN(cfg.dataset_name,
                        GetString(ctx, doc, "dataset_name", "", cfg.pipeline_name + "_dataset"));
    cfg.dataset_name = NormalizePath(cfg.dataset_name);
    ctx.pipeline_name = cfg.pipeline_name;
    ctx.source_name = cfg.source_name;
    if (!doc.contains("client")) return Bad(ctx, "`client` is required");
    const Json& client = doc["client"];
    OC_TRY(CheckKeys(ctx, client, kClientKeys, "client"));
    OC_ASSIGN_OR_RETURN(cfg.client.base_url, GetString(ctx, client, "base_url", "client"));
    if (client.contains("headers") && client["headers"].is_object()) {
        for (auto it = client["headers"].begin(); it != client["headers"].end(); ++it) {
            cfg.client.headers.emplace_back(it.key(),
                                            it->is_string() ? it->get<std::string>() : it->dump());
        }
    }
    OC_ASSIGN_OR_RETURN(cfg.client.auth,
                        ParseAuth(ctx, client.value("auth", Json()), "client.auth"));
    cfg.client.paginator = client.value("paginator", Json());
    if (auto rpm = client.value("requests_per_minute", Json()); !rpm.is_null()) {
        if (!rpm.is_number_integer() || rpm.get<int>() < 0)
            return Bad(ctx, "`client.requests_per_minute` must be a non-negative integer");
        cfg.client.requests_per_minute = rpm.get<int>();
    }
    if (auto burst = client.value("requests_burst", Json()); !burst.is_null()) {
        if (!burst.is_number_integer() || burst.get<int>() < 1)
            return Bad(ctx, "`client.requests_burst` must be a positive integer");
        cfg.client.requests_burst = burst.get<int>();
    }
    if (auto st = ApplyExtractSettings(doc, secrets, cfg); !st) return Bad(ctx, st.error().message);
    OC_TRY(CheckPaginator(ctx, cfg.client.paginator, "client.paginator"));
    Json defaults = doc.value("resource_defaults", Json::object());
    OC_TRY(CheckKeys(ctx, defaults, kResourceKeys, "resource_defaults"));
    if (!doc.contains("resources") || !doc["resources"].is_array() || doc["resources"].empty()) {
        return Bad(ctx, "`resources` must be a non-empty list");
    }
    size_t index = 0;
    for (const auto& raw : doc["resources"]) {
        OC_ASSIGN_OR_RETURN(ResourceConfig res, ParseResource(ctx, raw, defaults, index++));
        cfg.resources.push_back(std::move(res));
    }
    OC_TRY(OrderResources(ctx, cfg.resources));
    return cfg;
}

}  // namespace

Result<PipelineConfig> ParsePipelineConfig(const Json& doc, const std::string& where,
                                           const SecretSources& secrets) {
    try {
        return ParseConfigDoc(doc, where, secrets);
    } catch (const nlohmann::json::exception& e) {
        // A value of the wrong JSON type deep in the document (e.g. `selected: "yes"`).
        return MakeError(ErrorCode::kInvalidArgument,
                         where + ": a value has the wrong type (" + std::string(e.what()) + ")");
    }
}

Result<PipelineConfig> LoadPipelineFile(const std::string& path, const SecretSources& secrets) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, path + ": cannot read pipeline file");
    std::stringstream ss;
    ss << in.rdbuf();
    std::string ext = path.substr(
        path.find_last_of('.') == std::string::npos ? path.size() : path.find_last_of('.') + 1);
    std::string format = ext == "yml" || ext == "yaml" ? "yaml" : ext;
    OC_ASSIGN_OR_RETURN(Json doc, ParseConfigText(ss.str(), format, path));
    return ParsePipelineConfig(doc, path, secrets);
}

}  // namespace oc::pipeline
