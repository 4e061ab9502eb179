// `cortex token create|list|revoke`: programmatic access tokens of a data dir, and the helpers
// the admin commands (token, user) share. They open the data dir directly, so they need the
// DuckDB lock: they fail with a clear message while `cortex serve` runs on the same dir.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "common/result.h"

namespace oc::store {
class SystemStore;
}
namespace oc::auth {
class Authenticator;
}

namespace oc::cli {

void AddTokenCommand(CLI::App& root, int& exit_code);

// The store and authenticator of a data dir, opened for one admin command.
struct AdminSession {
    std::unique_ptr<store::SystemStore> store;
    std::unique_ptr<auth::Authenticator> auth;
    ~AdminSession();
};

// Opens data_dir; when create is false a missing dir is kNotFound. A dir locked by another
// process (a running `cortex serve`) is kUnavailable with a message that says so.
Result<std::unique_ptr<AdminSession>> OpenAdminSession(const std::string& data_dir, bool create);

// "30d", "12h", "90m", "3600s" or plain seconds ("3600") → seconds (> 0).
Result<int64_t> ParseDurationSeconds(std::string_view text);

// Prints "error: <message>" on stderr and sets exit_code to 1.
void ReportError(const Error& error, int& exit_code);

}  // namespace oc::cli
