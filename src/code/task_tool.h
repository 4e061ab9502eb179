// Running Task-tool subagents, addressable by task id for the `stop_task` control request.
#pragma once

#include <string>

namespace oc::code {

// True when a subagent with this task id is running.
bool HasSubagentTask(const std::string& task_id);
// Stops it (its turn ends as interrupted; the Task emits task_notification status "stopped").
// False when no such task runs.
bool StopSubagentTask(const std::string& task_id);

}  // namespace oc::code
