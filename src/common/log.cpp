#include "common/log.h"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace oc {

bool InitLogging(const std::string& level) {
    auto lvl = spdlog::level::from_str(level);
    if (lvl == spdlog::level::off && level != "off") return false;
    spdlog::set_level(lvl);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ [%n] %v");
    return true;
}

std::shared_ptr<spdlog::logger> GetLogger(const std::string& name) {
    static std::mutex mu;
    std::lock_guard<std::mutex> lock(mu);
    if (auto existing = spdlog::get(name)) return existing;
    auto logger = spdlog::stderr_color_mt(name);
    logger->set_level(spdlog::get_level());
    return logger;
}

}  // namespace oc
