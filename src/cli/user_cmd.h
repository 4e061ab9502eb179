// `cortex user create|list`: users of a data dir, with the RSA public key of key-pair JWT
// authentication (reference agents-api.md §1.3).
#pragma once

#include <CLI/CLI.hpp>

namespace oc::cli {

void AddUserCommand(CLI::App& root, int& exit_code);

}  // namespace oc::cli
