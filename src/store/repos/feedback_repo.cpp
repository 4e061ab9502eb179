#include "store/repos/feedback_repo.h"

#include "common/clock.h"
#include "common/ids.h"
#include "common/json.h"
#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

constexpr const char* kColumns =
    "id, database_name, schema_name, agent_name, user_name, role, orig_request_id, positive,"
    " feedback_message, categories, thread_id, created_on";

std::string CategoriesText(const std::vector<std::string>& categories) {
    Json list = Json::array();
    for (const auto& c : categories) list.push_back(c);
    return DumpJson(list);
}

std::vector<std::string> ParseCategories(const std::string& text) {
    std::vector<std::string> out;
    auto list = ParseJson(text);
    if (!list || !list->is_array()) return out;
    for (const auto& c : *list) {
        if (c.is_string()) out.push_back(c.get<std::string>());
    }
    return out;
}

FeedbackRecord ReadFeedback(QueryResult& r, idx_t row) {
    FeedbackRecord f;
    f.id = r.GetString(0, row);
    f.database_name = r.GetString(1, row);
    f.schema_name = r.GetString(2, row);
    f.agent_name = r.GetString(3, row);
    f.user_name = r.GetString(4, row);
    f.role = r.GetString(5, row);
    f.orig_request_id = r.GetOptString(6, row);
    f.positive = r.GetBool(7, row);
    f.feedback_message = r.GetOptString(8, row);
    f.categories = ParseCategories(r.GetOptString(9, row).value_or("[]"));
    if (!r.IsNull(10, row)) f.thread_id = r.GetInt64(10, row);
    f.created_on_ms = r.GetInt64(11, row);
    return f;
}

}  // namespace

Status FeedbackRepo::Insert(FeedbackRecord& f) {
    f.id = NewUuid();
    f.created_on_ms = NowMillis();
    return store_.WithWriter([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(auto stmt,
                            c.Prepare(std::string("INSERT INTO _cortex.feedback (") + kColumns +
                                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        OC_TRY(
            stmt->BindAll(f.id, f.database_name, f.schema_name, f.agent_name, f.user_name, f.role));
        OC_TRY(stmt->BindOpt(7, f.orig_request_id));
        OC_TRY(stmt->BindBool(8, f.positive));
        OC_TRY(stmt->BindOpt(9, f.feedback_message));
        OC_TRY(stmt->Bind(10, CategoriesText(f.categories)));
        OC_TRY(f.thread_id ? stmt->Bind(11, *f.thread_id) : stmt->BindNull(11));
        OC_TRY(stmt->Bind(12, f.created_on_ms));
        OC_ASSIGN_OR_RETURN(auto result, stmt->Execute());
        return {};
    });
}

Result<std::vector<FeedbackRecord>> FeedbackRepo::List(const std::string& db,
                                                       const std::string& schema,
                                                       const std::string& agent) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt,
                        conn->Prepare(std::string("SELECT ") + kColumns +
                                      " FROM _cortex.feedback WHERE database_name = ? AND"
                                      " schema_name = ? AND agent_name = ?"
                                      " ORDER BY created_on DESC, rowid DESC"));
    OC_TRY(stmt->BindAll(db, schema, agent));
    OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
    std::vector<FeedbackRecord> out;
    const idx_t rows = r->RowCount();
    out.reserve(rows);
    for (idx_t i = 0; i < rows; ++i) out.push_back(ReadFeedback(*r, i));
    return out;
}

}  // namespace oc::store
