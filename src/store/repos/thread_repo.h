// Threads and their messages (reference agents-api.md §3.8, §4): rows of _cortex.threads and
// _cortex.messages. Ids come from one sequence (unique, < 2^53); a thread belongs to one user.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace oc::store {

class SystemStore;

inline constexpr size_t kMaxOriginApplicationBytes = 16;

struct ThreadRecord {
    int64_t thread_id = 0;
    std::string owner;  // user name
    std::string thread_name;
    std::string origin_application;
    int64_t created_on_ms = 0;
    int64_t updated_on_ms = 0;
};

struct MessageRecord {
    int64_t message_id = 0;
    int64_t thread_id = 0;
    std::optional<int64_t> parent_id;  // nullopt for the first message of a thread
    int64_t created_on_ms = 0;
    std::string role;             // "user" | "assistant"
    std::string message_payload;  // what the Threads API shows (§4)
    std::string content;          // JSON text of the content item array (history rebuild)
    std::string request_id;
    std::string message_type = "conversation";  // "conversation" | "compaction"
};

// Every method blocks on DuckDB (call from a worker or run thread); all are thread-safe.
// Methods taking an owner answer kNotFound ("Thread N does not exist or not authorized.") for
// a thread of another user, as for a missing one.
class ThreadRepo {
public:
    explicit ThreadRepo(SystemStore& store) : store_(store) {}

    Result<ThreadRecord> Create(const std::string& owner, const std::string& origin_application);
    Result<ThreadRecord> Get(const std::string& owner, int64_t thread_id);
    // The owner's threads, most recently updated first; empty filter = all.
    Result<std::vector<ThreadRecord>> List(const std::string& owner,
                                           const std::string& origin_application);
    Status Rename(const std::string& owner, int64_t thread_id, const std::string& thread_name);
    // Deletes the thread and all its messages.
    Status Delete(const std::string& owner, int64_t thread_id);

    // Newest first: at most limit messages with id < before_id (when given) of message_type
    // (empty = any).
    Result<std::vector<MessageRecord>> Messages(int64_t thread_id, size_t limit,
                                                std::optional<int64_t> before_id,
                                                const std::string& message_type);
    Result<std::optional<MessageRecord>> GetMessage(int64_t thread_id, int64_t message_id);
    // The message and its ancestors, following parent links, oldest first.
    Result<std::vector<MessageRecord>> Chain(int64_t thread_id, int64_t message_id);
    // Stores a message (message_id and created_on are assigned here) and bumps the thread's
    // updated_on in the same transaction. kNotFound when the thread is gone.
    Result<MessageRecord> AddMessage(MessageRecord message);

private:
    SystemStore& store_;
};

}  // namespace oc::store
