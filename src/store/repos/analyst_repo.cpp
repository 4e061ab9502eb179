#include "store/repos/analyst_repo.h"

#include "common/clock.h"
#include "common/ids.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

constexpr const char* kColumns =
    "database_name, schema_name, name, definition, comment, owner, created_on";

SemanticViewRecord ReadView(QueryResult& r, idx_t row) {
    SemanticViewRecord v;
    v.database_name = r.GetString(0, row);
    v.schema_name = r.GetString(1, row);
    v.name = r.GetString(2, row);
    v.definition = r.GetString(3, row);
    v.comment = r.GetOptString(4, row).value_or("");
    v.owner = r.GetString(5, row);
    v.created_on_ms = r.GetInt64(6, row);
    return v;
}

}  // namespace

Result<CreateOutcome> AnalystRepo::CreateView(SemanticViewRecord v, CreateMode mode) {
    v.created_on_ms = NowMillis();
    CreateOutcome outcome = CreateOutcome::kCreated;
    OC_TRY(store_.Transaction([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(auto find,
                            c.Prepare("SELECT count(*) FROM _cortex.semantic_views"
                                      " WHERE database_name = ? AND schema_name = ? AND name = ?"));
        OC_TRY(find->BindAll(v.database_name, v.schema_name, v.name));
        OC_ASSIGN_OR_RETURN(auto found, find->Execute());
        if (found->GetInt64(0, 0) > 0) {
            if (mode == CreateMode::kErrorIfExists) {
                return MakeError(ErrorCode::kAlreadyExists,
                                 "Object '" + v.name + "' already exists.");
            }
            if (mode == CreateMode::kIfNotExists) {
                outcome = CreateOutcome::kExisted;
                return {};
            }
            OC_TRY(c.ExecuteWith(
                "DELETE FROM _cortex.semantic_views WHERE database_name = ? AND schema_name = ?"
                " AND name = ?",
                v.database_name, v.schema_name, v.name));
            outcome = CreateOutcome::kReplaced;
        }
        return c.ExecuteWith(std::string("INSERT INTO _cortex.semantic_views (") + kColumns +
                                 ") VALUES (?, ?, ?, ?, ?, ?, ?)",
                             v.database_name, v.schema_name, v.name, v.definition, v.comment,
                             v.owner, v.created_on_ms);
    }));
    return outcome;
}

Result<std::optional<SemanticViewRecord>> AnalystRepo::GetView(const std::string& db,
                                                               const std::string& schema,
                                                               const std::string& name) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt,
                        conn->Prepare(std::string("SELECT ") + kColumns +
                                      " FROM _cortex.semantic_views WHERE database_name = ?"
                                      " AND schema_name = ? AND name = ?"));
    OC_TRY(stmt->BindAll(db, schema, name));
    OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
    if (r->RowCount() == 0) return std::optional<SemanticViewRecord>();
    return std::optional<SemanticViewRecord>(ReadView(*r, 0));
}

Result<std::vector<SemanticViewRecord>> AnalystRepo::ListViews(const std::string& db,
                                                               const std::string& schema) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt,
                        conn->Prepare(std::string("SELECT ") + kColumns +
                                      " FROM _cortex.semantic_views WHERE database_name = ?"
                                      " AND schema_name = ? ORDER BY name"));
    OC_TRY(stmt->BindAll(db, schema));
    OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
    std::vector<SemanticViewRecord> out;
    for (idx_t row = 0; row < r->RowCount(); ++row) out.push_back(ReadView(*r, row));
    return out;
}

Result<bool> AnalystRepo::DeleteView(const std::string& db, const std::string& schema,
                                     const std::string& name) {
    bool deleted = false;
    OC_TRY(store_.WithWriter([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(auto stmt,
                            c.Prepare("DELETE FROM _cortex.semantic_views WHERE database_name = ?"
                                      " AND schema_name = ? AND name = ?"));
        OC_TRY(stmt->BindAll(db, schema, name));
        OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
        deleted = r->RowsChanged() > 0;
        return {};
    }));
    return deleted;
}

Status AnalystRepo::ForgetDropped(const std::string& db, const std::string* schema) {
    return store_.WithWriter([&](Connection& c) -> Status {
        if (schema) {
            return c.ExecuteWith(
                "DELETE FROM _cortex.semantic_views WHERE database_name = ? AND schema_name = ?",
                db, *schema);
        }
        return c.ExecuteWith("DELETE FROM _cortex.semantic_views WHERE database_name = ?", db);
    });
}

Status AnalystRepo::InsertFeedback(const AnalystFeedbackRecord& f) {
    return store_.WithWriter([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(
            auto stmt, c.Prepare("INSERT INTO _cortex.analyst_feedback (id, request_id, positive,"
                                 " feedback_message, user_name, role, created_on)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?)"));
        OC_TRY(stmt->BindAll(NewUuid(), f.request_id, f.positive));
        OC_TRY(stmt->BindOpt(4, f.feedback_message));
        OC_TRY(stmt->Bind(5, f.user_name));
        OC_TRY(stmt->Bind(6, f.role));
        OC_TRY(stmt->Bind(7, NowMillis()));
        OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
        return {};
    });
}

}  // namespace oc::store
