// Incremental cursors (reference pipeline.md §5): start value from state, per-record filtering
// with boundary dedup by hash, and the new state.
#pragma once

#include <string>
#include <vector>

#include "common/json.h"
#include "common/result.h"
#include "pipeline/config.h"

namespace oc::pipeline {

// state["resources"][resource]["incremental"][cursor_path] of a source state, or null.
Json IncrementalState(const Json& source_state, const std::string& resource,
                      const std::string& cursor_path);
void SetIncrementalState(Json& source_state, const std::string& resource,
                         const std::string& cursor_path, const Json& value);

class IncrementalRun {
public:
    IncrementalRun(IncrementalConfig config, std::vector<std::string> primary_key, Json prior);

    // Keeps the records inside [start, end) and not loaded before; updates last_value.
    Result<std::vector<Json>> Filter(std::vector<Json> rows);
    // {initial_value, last_value, unique_hashes, start_value}.
    Json NewState() const;

    // Template values: start_value, initial_value, last_value, end_value.
    Json values;

private:
    std::string Hash(const Json& row) const;

    IncrementalConfig config_;
    std::vector<std::string> primary_key_;
    Json prior_;
    size_t kept_ = 0;
    Json start_;
    Json last_;
    std::vector<std::string> prior_hashes_;
    std::vector<std::string> hashes_;
};

}  // namespace oc::pipeline
