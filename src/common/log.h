// Named loggers ("[store]", "[api]") over spdlog, writing to stderr; stdout is protocol.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace oc {

// Sets the level ("trace".."off") of every logger; returns false on an unknown level.
bool InitLogging(const std::string& level);
std::shared_ptr<spdlog::logger> GetLogger(const std::string& name);

}  // namespace oc
