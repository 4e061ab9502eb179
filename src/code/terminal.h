// The interactive terminal session (`cortex` with stdin a TTY and no -p): a raw-mode line editor
// with persisted history (<config dir>/history), slash commands (/help /model /clear /resume
// /exit), assistant text and tool calls printed as they happen, tool-permission prompts
// ([y]es/[n]o/[a]lways), Ctrl-C interrupting the running turn (a second Ctrl-C at an empty
// prompt exits; so does Ctrl-D).
#pragma once

#include "code/options.h"
#include "code/session.h"

namespace oc::code {

int RunTerminal(Session& session, PermissionPolicy& policy, const llm::ModelRegistry& registry,
                const CodeOptions& options, const std::string& workdir);

}  // namespace oc::code
