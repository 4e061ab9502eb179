// SDK mode (`--input-format stream-json --output-format stream-json`): reads NDJSON user
// messages and control frames from stdin while a worker thread runs turns, so interrupt,
// set_model and can_use_tool answers are handled mid-turn (code-agent-protocol.md §2).
#pragma once

#include <istream>

#include "code/options.h"
#include "code/protocol.h"
#include "code/session.h"

namespace oc::code {

// Blocks until stdin reaches EOF and every queued message has been answered. Returns the exit
// code: 0, or 1 when the last result was an error (§2.9).
int RunStreamJson(Session& session, PermissionPolicy& policy, const llm::ModelRegistry& registry,
                  const CodeOptions& options, std::istream& in, NdjsonWriter& writer);

// SIGINT support: the token of the running turn (null when idle) and the async-signal-safe
// cancel of it; false when no turn was running (nothing was cancelled).
void SetActiveCancel(llm::CancelToken* token);
bool InterruptActiveTurn();

}  // namespace oc::code
