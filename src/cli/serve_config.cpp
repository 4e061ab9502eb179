#include "cli/serve_config.h"

#include <charconv>
#include <cstdlib>

#include <toml++/toml.h>

namespace oc::cli {
namespace {

Result<int64_t> ParseInt(const std::string& text, const std::string& what, int64_t lo, int64_t hi) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || ptr != text.data() + text.size() || v < lo || v > hi) {
        return MakeError(ErrorCode::kInvalidArgument,
                         what + " must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                             ", got '" + text + "'");
    }
    return v;
}

template <typename T>
Status ReadInt(const toml::table& t, const char* section, const char* key, const std::string& file,
               int64_t lo, int64_t hi, T* out) {
    auto node = t[section][key];
    if (!node) return {};
    auto v = node.value<int64_t>();
    if (!v || *v < lo || *v > hi) {
        return MakeError(ErrorCode::kInvalidArgument, file + ": [" + section + "] " + key +
                                                          " must be an integer in " + std::to_string(lo) +
                                                          ".." + std::to_string(hi));
    }
    *out = static_cast<T>(*v);
    return {};
}

Status ReadString(const toml::table& t, const char* section, const char* key, const std::string& file,
                  std::string* out) {
    auto node = t[section][key];
    if (!node) return {};
    auto v = node.value<std::string>();
    if (!v) return MakeError(ErrorCode::kInvalidArgument, file + ": [" + section + "] " + key + " must be a string");
    *out = *v;
    return {};
}

}  // namespace

Status LoadConfigFile(const std::string& path, ServeConfig* c) {
    toml::table t;
    try {
        t = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return MakeError(ErrorCode::kInvalidArgument,
                         path + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    OC_TRY(ReadString(t, "server", "host", path, &c->host));
    OC_TRY(ReadInt(t, "server", "port", path, 0, 65535, &c->port));
    OC_TRY(ReadString(t, "server", "data_dir", path, &c->data_dir));
    OC_TRY(ReadString(t, "server", "log_level", path, &c->log_level));
    OC_TRY(ReadString(t, "auth", "account", path, &c->account));
    OC_TRY(ReadInt(t, "limits", "rate_limit_per_minute", path, 1, 100000000, &c->rate_limit_per_minute));
    OC_TRY(ReadInt(t, "limits", "max_body_bytes", path, 1024, int64_t{1} << 32, &c->max_body_bytes));
    OC_TRY(ReadInt(t, "threads", "io", path, 0, 256, &c->io_threads));
    OC_TRY(ReadInt(t, "threads", "workers", path, 0, 1024, &c->worker_threads));
    return {};
}

Status ApplyEnvironment(ServeConfig* c) {
    auto env = [](const char* name) -> const char* { return std::getenv(name); };
    if (const char* v = env("CORTEX_HOST")) c->host = v;
    if (const char* v = env("CORTEX_DATA_DIR")) c->data_dir = v;
    if (const char* v = env("CORTEX_LOG_LEVEL")) c->log_level = v;
    if (const char* v = env("CORTEX_ACCOUNT")) c->account = v;
    if (const char* v = env("CORTEX_PORT")) {
        OC_ASSIGN_OR_RETURN(int64_t port, ParseInt(v, "CORTEX_PORT", 0, 65535));
        c->port = static_cast<uint16_t>(port);
    }
    if (const char* v = env("CORTEX_RATE_LIMIT")) {
        OC_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, "CORTEX_RATE_LIMIT", 1, 100000000));
        c->rate_limit_per_minute = static_cast<int>(n);
    }
    if (const char* v = env("CORTEX_MAX_BODY_BYTES")) {
        OC_ASSIGN_OR_RETURN(int64_t n, ParseInt(v, "CORTEX_MAX_BODY_BYTES", 1024, int64_t{1} << 32));
        c->max_body_bytes = static_cast<size_t>(n);
    }
    return {};
}

}  // namespace oc::cli
