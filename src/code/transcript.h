// JSONL session transcripts: one file per session, <dir>/<session-id>.jsonl, where dir is
// $CORTEX_CODE_CONVERSATIONS_DIR or ~/.snowflake/cortex/conversations (code-agent-protocol.md
// §6.3). Lines follow the Claude Code entry shape (§6.1): type, uuid, parentUuid, sessionId,
// timestamp, cwd, message.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"
#include "llm/provider.h"

namespace oc::code {

std::string ConversationsDir();

class Transcript {
public:
    // Opens (appending) <dir>/<session_id>.jsonl, creating the directory.
    static Result<std::unique_ptr<Transcript>> Open(const std::string& session_id,
                                                    const std::string& cwd);
    // A subagent's sidechain transcript, <dir>/<session_id>/subagents/agent-<agent_id>.jsonl
    // (§6.1): entries carry isSidechain: true and agentId.
    static Result<std::unique_ptr<Transcript>> OpenSubagent(const std::string& session_id,
                                                            const std::string& agent_id,
                                                            const std::string& cwd);
    ~Transcript();
    // Appends one entry and flushes, so EOF or SIGTERM loses nothing.
    void Append(const llm::Message& message);
    const std::string& path() const { return path_; }

private:
    Transcript() = default;
    std::FILE* file_ = nullptr;
    std::string path_, session_id_, cwd_, last_uuid_;
    std::string agent_id_;  // set for a subagent's sidechain transcript
    std::mutex mu_;
};

// The history stored in a session's transcript. kNotFound when there is no such session.
Result<std::vector<llm::Message>> LoadTranscript(const std::string& session_id);
// The most recently written session whose entries were recorded in cwd; kNotFound if none.
Result<std::string> LatestSession(const std::string& cwd);

}  // namespace oc::code
