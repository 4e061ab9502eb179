#include "pipeline/extract_settings.h"

#include <cstdlib>
#include <optional>
#include <string>

#include "pipeline/secrets.h"

namespace oc::pipeline {
namespace {

Error Bad(const std::string& key, const std::string& msg) {
    return MakeError(ErrorCode::kInvalidArgument, "`" + key + "` " + msg);
}

// One numeric setting: environment / .dlt files first, then the file's mapping.
Result<std::optional<double>> Setting(const Json& section, const SecretSources& secrets,
                                      const std::string& pipeline_name, const std::string& group,
                                      const std::string& key) {
    const std::string name = group + "." + key;
    if (auto v = LookupConfigValue(secrets, pipeline_name, {group, key})) {
        char* end = nullptr;
        double d = std::strtod(v->c_str(), &end);
        if (v->empty() || end != v->c_str() + v->size())
            return Bad(name, "must be a number, got `" + *v + "`");
        return std::optional<double>(d);
    }
    auto it = section.find(key);
    if (it == section.end() || it->is_null()) return std::optional<double>();
    if (!it->is_number()) return Bad(name, "must be a number");
    return std::optional<double>(it->get<double>());
}

Status CheckSection(const Json& doc, const std::string& group,
                    std::initializer_list<const char*> keys) {
    auto it = doc.find(group);
    if (it == doc.end() || it->is_null()) return {};
    if (!it->is_object()) return Bad(group, "must be a mapping");
    for (auto k = it->begin(); k != it->end(); ++k) {
        bool known = false;
        for (const char* name : keys) known = known || k.key() == name;
        if (!known) {
            return MakeError(ErrorCode::kInvalidArgument,
                             "unknown key `" + group + "." + k.key() + "`");
        }
    }
    return {};
}

Status SetInt(const std::optional<double>& v, const std::string& name, int min, int& out) {
    if (!v) return {};
    if (*v != static_cast<double>(static_cast<long long>(*v)) || *v < min || *v > 1e6)
        return Bad(name, "must be an integer >= " + std::to_string(min));
    out = static_cast<int>(*v);
    return {};
}

Status SetDouble(const std::optional<double>& v, const std::string& name, double& out) {
    if (!v) return {};
    if (*v < 0) return Bad(name, "must not be negative");
    out = *v;
    return {};
}

}  // namespace

Status ApplyExtractSettings(const Json& doc, const SecretSources& secrets, PipelineConfig& cfg) {
    OC_TRY(CheckSection(doc, "extract", {"workers", "max_parallel_items", "max_queued_pages"}));
    OC_TRY(CheckSection(doc, "runtime",
                        {"request_timeout", "request_max_attempts", "request_backoff_factor",
                         "request_max_retry_delay"}));
    const Json ex = doc.is_object() && doc.contains("extract") && doc["extract"].is_object()
                        ? doc["extract"]
                        : Json::object();
    const Json rt = doc.is_object() && doc.contains("runtime") && doc["runtime"].is_object()
                        ? doc["runtime"]
                        : Json::object();
    const std::string& p = cfg.pipeline_name;
    OC_ASSIGN_OR_RETURN(auto workers, Setting(ex, secrets, p, "extract", "workers"));
    OC_TRY(SetInt(workers, "extract.workers", 1, cfg.extract.workers));
    OC_ASSIGN_OR_RETURN(auto items, Setting(ex, secrets, p, "extract", "max_parallel_items"));
    OC_TRY(SetInt(items, "extract.max_parallel_items", 1, cfg.extract.max_parallel_items));
    OC_ASSIGN_OR_RETURN(auto pages, Setting(ex, secrets, p, "extract", "max_queued_pages"));
    OC_TRY(SetInt(pages, "extract.max_queued_pages", 0, cfg.extract.max_queued_pages));
    OC_ASSIGN_OR_RETURN(auto timeout, Setting(rt, secrets, p, "runtime", "request_timeout"));
    OC_TRY(SetDouble(timeout, "runtime.request_timeout", cfg.runtime.request_timeout));
    OC_ASSIGN_OR_RETURN(auto attempts, Setting(rt, secrets, p, "runtime", "request_max_attempts"));
    OC_TRY(SetInt(attempts, "runtime.request_max_attempts", 1, cfg.runtime.request_max_attempts));
    OC_ASSIGN_OR_RETURN(auto factor, Setting(rt, secrets, p, "runtime", "request_backoff_factor"));
    OC_TRY(SetDouble(factor, "runtime.request_backoff_factor", cfg.runtime.request_backoff_factor));
    OC_ASSIGN_OR_RETURN(auto delay, Setting(rt, secrets, p, "runtime", "request_max_retry_delay"));
    OC_TRY(
        SetDouble(delay, "runtime.request_max_retry_delay", cfg.runtime.request_max_retry_delay));
    return {};
}

}  // namespace oc::pipeline
