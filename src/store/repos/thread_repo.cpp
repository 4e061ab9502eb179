#include "store/repos/thread_repo.h"

#include <cstdint>

#include "common/clock.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

constexpr const char* kThreadColumns =
    "thread_id, owner, thread_name, origin_application, created_on, updated_on";
constexpr const char* kMessageColumns =
    "message_id, thread_id, parent_id, created_on, role, message_payload, content, request_id, "
    "message_type";

Error ThreadMissing(int64_t thread_id) {
    return MakeError(ErrorCode::kNotFound,
                     "Thread " + std::to_string(thread_id) + " does not exist or not authorized.");
}

ThreadRecord ReadThread(QueryResult& rows, idx_t r) {
    ThreadRecord t;
    t.thread_id = rows.GetInt64(0, r);
    t.owner = rows.GetString(1, r);
    t.thread_name = rows.GetString(2, r);
    t.origin_application = rows.GetString(3, r);
    t.created_on_ms = rows.GetInt64(4, r);
    t.updated_on_ms = rows.GetInt64(5, r);
    return t;
}

MessageRecord ReadMessage(QueryResult& rows, idx_t r) {
    MessageRecord m;
    m.message_id = rows.GetInt64(0, r);
    m.thread_id = rows.GetInt64(1, r);
    if (!rows.IsNull(2, r)) m.parent_id = rows.GetInt64(2, r);
    m.created_on_ms = rows.GetInt64(3, r);
    m.role = rows.GetString(4, r);
    m.message_payload = rows.GetString(5, r);
    m.content = rows.GetString(6, r);
    m.request_id = rows.GetString(7, r);
    m.message_type = rows.GetString(8, r);
    return m;
}

std::vector<MessageRecord> ReadMessages(QueryResult& rows) {
    std::vector<MessageRecord> out;
    for (idx_t r = 0; r < rows.RowCount(); ++r) out.push_back(ReadMessage(rows, r));
    return out;
}

}  // namespace

Result<ThreadRecord> ThreadRepo::Create(const std::string& owner, const std::string& origin_application) {
    ThreadRecord t;
    t.owner = owner;
    t.origin_application = origin_application;
    t.created_on_ms = t.updated_on_ms = NowMillis();
    OC_TRY(store_.WithWriter([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(auto stmt, c.Prepare(
            "INSERT INTO _cortex.threads VALUES (nextval('_cortex.thread_ids'), ?, '', ?, ?, ?) "
            "RETURNING thread_id"));
        OC_TRY(stmt->BindAll(owner, origin_application, t.created_on_ms, t.updated_on_ms));
        OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
        t.thread_id = rows->GetInt64(0, 0);
        return {};
    }));
    return t;
}

Result<ThreadRecord> ThreadRepo::Get(const std::string& owner, int64_t thread_id) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(std::string("SELECT ") + kThreadColumns +
                                                 " FROM _cortex.threads WHERE thread_id = ?"));
    OC_TRY(stmt->BindAll(thread_id));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    if (rows->RowCount() == 0) return ThreadMissing(thread_id);
    ThreadRecord t = ReadThread(*rows, 0);
    if (t.owner != owner) return ThreadMissing(thread_id);
    return t;
}

Result<std::vector<ThreadRecord>> ThreadRepo::List(const std::string& owner,
                                                   const std::string& origin_application) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(
        std::string("SELECT ") + kThreadColumns +
        " FROM _cortex.threads WHERE owner = ? AND (? = '' OR origin_application = ?)"
        " ORDER BY updated_on DESC, thread_id DESC"));
    OC_TRY(stmt->BindAll(owner, origin_application, origin_application));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    std::vector<ThreadRecord> out;
    for (idx_t r = 0; r < rows->RowCount(); ++r) out.push_back(ReadThread(*rows, r));
    return out;
}

Status ThreadRepo::Rename(const std::string& owner, int64_t thread_id, const std::string& thread_name) {
    OC_TRY(Get(owner, thread_id));
    return store_.WithWriter([&](Connection& c) {
        return c.ExecuteWith("UPDATE _cortex.threads SET thread_name = ?, updated_on = ? WHERE thread_id = ?",
                             thread_name, NowMillis(), thread_id);
    });
}

Status ThreadRepo::Delete(const std::string& owner, int64_t thread_id) {
    OC_TRY(Get(owner, thread_id));
    return store_.Transaction([&](Connection& c) -> Status {
        OC_TRY(c.ExecuteWith("DELETE FROM _cortex.messages WHERE thread_id = ?", thread_id));
        return c.ExecuteWith("DELETE FROM _cortex.threads WHERE thread_id = ?", thread_id);
    });
}

Result<std::vector<MessageRecord>> ThreadRepo::Messages(int64_t thread_id, size_t limit,
                                                        std::optional<int64_t> before_id,
                                                        const std::string& message_type) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(
        std::string("SELECT ") + kMessageColumns +
        " FROM _cortex.messages WHERE thread_id = ? AND message_id < ?"
        " AND (? = '' OR message_type = ?) ORDER BY message_id DESC LIMIT ?"));
    OC_TRY(stmt->BindAll(thread_id, before_id.value_or(INT64_MAX), message_type, message_type,
                         static_cast<int64_t>(limit)));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    return ReadMessages(*rows);
}

Result<std::optional<MessageRecord>> ThreadRepo::GetMessage(int64_t thread_id, int64_t message_id) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(std::string("SELECT ") + kMessageColumns +
                                                 " FROM _cortex.messages WHERE thread_id = ? AND message_id = ?"));
    OC_TRY(stmt->BindAll(thread_id, message_id));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    if (rows->RowCount() == 0) return std::optional<MessageRecord>();
    return std::optional<MessageRecord>(ReadMessage(*rows, 0));
}

Result<std::vector<MessageRecord>> ThreadRepo::Chain(int64_t thread_id, int64_t message_id) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(
        std::string("WITH RECURSIVE chain(id) AS ("
                    " SELECT message_id FROM _cortex.messages WHERE thread_id = $1 AND message_id = $2"
                    " UNION ALL SELECT m.parent_id FROM _cortex.messages m JOIN chain ON m.message_id = chain.id"
                    " WHERE m.thread_id = $1 AND m.parent_id IS NOT NULL)"
                    " SELECT ") + kMessageColumns +
        " FROM _cortex.messages WHERE thread_id = $1 AND message_id IN (SELECT id FROM chain)"
        " ORDER BY message_id"));
    OC_TRY(stmt->BindAll(thread_id, message_id));
    OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
    return ReadMessages(*rows);
}

Result<MessageRecord> ThreadRepo::AddMessage(MessageRecord m) {
    m.created_on_ms = NowMillis();
    OC_TRY(store_.Transaction([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(auto bump, c.Prepare(
            "UPDATE _cortex.threads SET updated_on = ? WHERE thread_id = ? RETURNING thread_id"));
        OC_TRY(bump->BindAll(m.created_on_ms, m.thread_id));
        OC_ASSIGN_OR_RETURN(auto bumped, bump->Execute());
        if (bumped->RowCount() == 0) return ThreadMissing(m.thread_id);
        OC_ASSIGN_OR_RETURN(auto stmt, c.Prepare(
            "INSERT INTO _cortex.messages VALUES (nextval('_cortex.thread_ids'), ?, ?, ?, ?, ?, ?, ?, ?)"
            " RETURNING message_id"));
        OC_TRY(stmt->Bind(1, m.thread_id));
        OC_TRY(m.parent_id ? stmt->Bind(2, *m.parent_id) : stmt->BindNull(2));
        OC_TRY(stmt->Bind(3, m.created_on_ms));
        OC_TRY(stmt->Bind(4, m.role));
        OC_TRY(stmt->Bind(5, m.message_payload));
        OC_TRY(stmt->Bind(6, m.content));
        OC_TRY(stmt->Bind(7, m.request_id));
        OC_TRY(stmt->Bind(8, m.message_type));
        OC_ASSIGN_OR_RETURN(auto rows, stmt->Execute());
        m.message_id = rows->GetInt64(0, 0);
        return {};
    }));
    return m;
}

}  // namespace oc::store
