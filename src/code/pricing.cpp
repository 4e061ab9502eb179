// [prices.*] tables of cortex.toml and the cost of a usage record.
#include "code/pricing.h"

#include <filesystem>

#include <toml++/toml.h>

namespace oc::code {

Result<PriceTable> PriceTable::Load(const std::string& config_path) {
    PriceTable table;
    std::error_code ec;
    if (config_path.empty() || !std::filesystem::is_regular_file(config_path, ec)) return table;
    toml::table root;
    try {
        root = toml::parse_file(config_path);
    } catch (const toml::parse_error& e) {
        return MakeError(ErrorCode::kInvalidArgument, config_path + ":" +
                             std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
    }
    const toml::table* prices = root["prices"].as_table();
    if (!root["prices"]) return table;
    if (!prices) return MakeError(ErrorCode::kInvalidArgument, config_path + ": [prices] must be a table of tables");
    for (const auto& [name_node, node] : *prices) {
        const std::string name(name_node.str());
        const toml::table* t = node.as_table();
        if (!t) return MakeError(ErrorCode::kInvalidArgument, config_path + ": prices.\"" + name + "\" must be a table");
        ModelPrice price;
        for (const auto& [key_node, value] : *t) {
            const std::string key(key_node.str());
            const std::string where = config_path + ": prices.\"" + name + "\"." + key;
            auto number = value.value<double>();
            if (!number || !(value.is_floating_point() || value.is_integer()) || *number < 0)
                return MakeError(ErrorCode::kInvalidArgument, where + " must be a non-negative number");
            if (key == "input_per_mtok") price.input_per_mtok = *number;
            else if (key == "output_per_mtok") price.output_per_mtok = *number;
            else if (key == "cache_read_per_mtok") price.cache_read_per_mtok = *number;
            else if (key == "cache_write_per_mtok") price.cache_write_per_mtok = *number;
            else
                return MakeError(ErrorCode::kInvalidArgument,
                                 where + " is unknown (expected input_per_mtok, output_per_mtok, "
                                         "cache_read_per_mtok, cache_write_per_mtok)");
        }
        table.prices_[name] = price;
    }
    return table;
}

double PriceTable::Cost(const std::vector<std::string>& names, const llm::Usage& u) const {
    for (const std::string& name : names) {
        auto it = prices_.find(name);
        if (it == prices_.end()) continue;
        const ModelPrice& p = it->second;
        return (static_cast<double>(u.input_tokens) * p.input_per_mtok +
                static_cast<double>(u.output_tokens) * p.output_per_mtok +
                static_cast<double>(u.cache_read_tokens) * p.cache_read_per_mtok +
                static_cast<double>(u.cache_write_tokens) * p.cache_write_per_mtok) / 1e6;
    }
    return 0.0;
}

}  // namespace oc::code
