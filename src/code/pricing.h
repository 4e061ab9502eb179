// Per-model prices for `total_cost_usd` in result messages, from the `[prices."<model>"]` tables
// of cortex.toml (the --config / $CORTEX_CONFIG file the model registry reads):
//   [prices."claude-sonnet-4-5"]
//   input_per_mtok = 3.0          # USD per million input tokens
//   output_per_mtok = 15.0        # USD per million output tokens
//   cache_read_per_mtok = 0.3     # optional, default 0
//   cache_write_per_mtok = 3.75   # optional, default 0
// A model without a table (and the offline model) costs 0.
#pragma once

#include <map>
#include <vector>
#include <string>

#include "common/result.h"
#include "llm/provider.h"

namespace oc::code {

struct ModelPrice {
    double input_per_mtok = 0;
    double output_per_mtok = 0;
    double cache_read_per_mtok = 0;
    double cache_write_per_mtok = 0;
};

class PriceTable {
public:
    // Reads [prices.*] of config_path ("" = no prices). Errors name the file and key.
    static Result<PriceTable> Load(const std::string& config_path);
    void Set(const std::string& model, ModelPrice price) { prices_[model] = price; }
    // USD for usage on the first of `names` that has a price (e.g. the configured name, then the
    // upstream model id); 0 when none has.
    double Cost(const std::vector<std::string>& names, const llm::Usage& usage) const;

private:
    std::map<std::string, ModelPrice> prices_;
};

}  // namespace oc::code
