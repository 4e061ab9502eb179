// Options of `cortex serve`: defaults < cortex.toml < CORTEX_* environment < flags.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/result.h"

namespace oc::cli {

struct ServeConfig {
    std::string host = "127.0.0.1";
    uint16_t port = 8080;
    std::string data_dir = "cortex-data";
    std::string log_level = "info";
    std::string account = "OPENCORTEX";       // account name in key-pair JWT claims
    int rate_limit_per_minute = 1000;          // per token
    size_t max_body_bytes = 1 << 20;           // larger bodies get 413
    int io_threads = 0;                        // 0 = one per core
    int worker_threads = 0;                    // 0 = 2 x cores, at least 4
    bool demo = false;                         // create the DEMO database and agent
};

// Reads cortex.toml keys ([server] host/port/data_dir/log_level, [auth] account,
// [limits] rate_limit_per_minute/max_body_bytes, [threads] io/workers). Errors name key and file.
Status LoadConfigFile(const std::string& path, ServeConfig* config);
// Applies CORTEX_HOST, CORTEX_PORT, CORTEX_DATA_DIR, CORTEX_LOG_LEVEL, CORTEX_ACCOUNT,
// CORTEX_RATE_LIMIT, CORTEX_MAX_BODY_BYTES.
Status ApplyEnvironment(ServeConfig* config);

}  // namespace oc::cli
