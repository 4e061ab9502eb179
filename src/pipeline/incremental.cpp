#include "pipeline/incremental.h"

#include <algorithm>

#include "pipeline/digest.h"
#include "pipeline/json_path.h"

namespace oc::pipeline {
namespace {

// <0, 0, >0; numbers numerically, strings lexicographically, else by dump.
int Compare(const Json& a, const Json& b) {
    if (a.is_number() && b.is_number()) {
        double x = a.get<double>(), y = b.get<double>();
        return x < y ? -1 : (x > y ? 1 : 0);
    }
    if (a.is_string() && b.is_string()) return a.get<std::string>().compare(b.get<std::string>());
    return a.dump().compare(b.dump());
}

}  // namespace

Json IncrementalState(const Json& source_state, const std::string& resource,
                      const std::string& cursor_path) {
    if (!source_state.is_object()) return nullptr;
    auto r = source_state.find("resources");
    if (r == source_state.end() || !r->contains(resource)) return nullptr;
    const Json& res = (*r)[resource];
    if (!res.contains("incremental") || !res["incremental"].contains(cursor_path)) return nullptr;
    return res["incremental"][cursor_path];
}

void SetIncrementalState(Json& source_state, const std::string& resource,
                         const std::string& cursor_path, const Json& value) {
    source_state["resources"][resource]["incremental"][cursor_path] = value;
}

IncrementalRun::IncrementalRun(IncrementalConfig config, std::vector<std::string> primary_key,
                               Json prior_state)
    : config_(std::move(config)),
      primary_key_(std::move(primary_key)),
      prior_(std::move(prior_state)) {
    const Json& prior = prior_;
    if (config_.end_value.is_null() && prior.is_object() && prior.contains("last_value")) {
        last_ = prior["last_value"];
        for (const auto& h : prior.value("unique_hashes", Json::array()))
            prior_hashes_.push_back(h);
        hashes_ = prior_hashes_;  // rows at last_value seen so far (Filter runs once per page)
    } else {
        last_ = config_.initial_value;
    }
    start_ = last_;
    values = Json{{"start_value", start_},
                  {"initial_value", config_.initial_value},
                  {"last_value", last_},
                  {"end_value", config_.end_value}};
}

std::string IncrementalRun::Hash(const Json& row) const {
    std::string text;
    if (primary_key_.empty()) {
        text = DumpJson(row);
    } else if (primary_key_.size() == 1) {
        text = DumpJson(row.value(primary_key_[0], Json()));
    } else {
        Json keys = Json::array();
        for (const auto& k : primary_key_) keys.push_back(row.value(k, Json()));
        text = DumpJson(keys);
    }
    return ShakeBase64(text, 15);
}

Result<std::vector<Json>> IncrementalRun::Filter(std::vector<Json> rows) {
    auto parsed = ParseJsonPath(config_.cursor_path);
    if (!parsed) return parsed.error();
    const bool is_max = config_.last_value_func != "min";
    const bool dedup = config_.end_value.is_null() && config_.range_start != "open";
    std::vector<Json> kept;
    Json new_last = last_;
    for (auto& row : rows) {
        const Json* v = JsonPathFirst(*parsed, row);
        if (v == nullptr || v->is_null()) {
            if (config_.on_cursor_value_missing == "include") {
                kept.push_back(std::move(row));
                continue;
            }
            if (config_.on_cursor_value_missing == "exclude") continue;
            return MakeError(ErrorCode::kInvalidArgument,
                             "Cursor element with JSON path `" + config_.cursor_path +
                                 "` was not found in a record: " + DumpJson(row).substr(0, 200));
        }
        if (!config_.end_value.is_null()) {
            int c = Compare(*v, config_.end_value) * (is_max ? 1 : -1);
            if (c > 0 || (c == 0 && config_.range_end == "open")) continue;
        }
        if (!start_.is_null()) {
            int c = Compare(*v, start_) * (is_max ? 1 : -1);
            if (c < 0) continue;
            if (c == 0) {
                if (config_.range_start == "open") continue;
                if (dedup && std::find(prior_hashes_.begin(), prior_hashes_.end(), Hash(row)) !=
                                 prior_hashes_.end())
                    continue;
            }
        }
        if (new_last.is_null() || Compare(*v, new_last) * (is_max ? 1 : -1) > 0) new_last = *v;
        kept.push_back(std::move(row));
    }
    // A new maximum restarts the boundary hashes; an unchanged one keeps accumulating them.
    if (new_last.is_null() || last_.is_null() || Compare(new_last, last_) != 0) hashes_.clear();
    for (const auto& row : kept) {
        const Json* v = JsonPathFirst(*parsed, row);
        if (v != nullptr && !v->is_null() && Compare(*v, new_last) == 0) {
            std::string h = Hash(row);
            if (std::find(hashes_.begin(), hashes_.end(), h) == hashes_.end()) hashes_.push_back(h);
        }
    }
    last_ = new_last;
    kept_ += kept.size();
    return kept;
}

Json IncrementalRun::NewState() const {
    // Nothing new: the stored state stays as it was (no state row, no package).
    if (kept_ == 0 && prior_.is_object()) return prior_;
    Json hashes = Json::array();
    for (const auto& h : hashes_) hashes.push_back(h);
    return Json{{"initial_value", config_.initial_value},
                {"last_value", last_},
                {"unique_hashes", hashes},
                {"start_value", start_}};
}

}  // namespace oc::pipeline
