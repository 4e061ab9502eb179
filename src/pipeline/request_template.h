// Placeholder expansion with Python str.format semantics (reference pipeline.md §1.4) and
// query encoding like Python `requests` (§1.3).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::pipeline {

struct TemplateContext {
    std::string parent_name;  // resource name of the parent, "" when none
    const Json* parent_row = nullptr;
    const Json* incremental = nullptr;  // {start_value, initial_value, last_value, end_value}
    const Json* path_params = nullptr;  // static params usable as bare `{name}` in the path
};

// Python str(): 5 → "5", 5.0 → "5.0", true → "True", null → "None".
std::string PyStr(const Json& v);

// Expands `{...}` in text; `{{`/`}}` are escapes. Bare names are allowed only when path_mode.
// `used` collects bare names bound from path_params.
Result<std::string> ExpandTemplate(const std::string& text, const TemplateContext& ctx,
                                   const std::string& where, bool path_mode,
                                   std::vector<std::string>* used = nullptr);

// Expands every string inside a JSON value; a string that is exactly one placeholder keeps the
// value's JSON type.
Result<Json> ExpandJson(const Json& value, const TemplateContext& ctx, const std::string& where);

// Renders params to query pairs: null omitted, bools True/False, lists repeated.
Result<std::vector<std::pair<std::string, std::string>>> RenderParams(const Json& params,
                                                                      const TemplateContext& ctx,
                                                                      const std::string& where);

// application/x-www-form-urlencoded like urllib.quote_plus.
std::string EncodeQuery(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace oc::pipeline
