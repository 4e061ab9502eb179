#include "store/repos/user_repo.h"

#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

constexpr const char* kColumns = "name, default_role, public_key_fp, public_key_pem, created_on";

UserRecord ReadUser(QueryResult& r, idx_t row) {
    UserRecord u;
    u.name = r.GetString(0, row);
    u.default_role = r.GetString(1, row);
    u.public_key_fp = r.GetOptString(2, row);
    u.public_key_pem = r.GetOptString(3, row);
    u.created_on = r.GetInt64(4, row);
    return u;
}

}  // namespace

Status UserRepo::Insert(const UserRecord& user) {
    return store_.Transaction([&](Connection& c) { return InsertWith(c, user); });
}

Status UserRepo::InsertWith(Connection& conn, const UserRecord& user) {
    OC_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(std::string("INSERT INTO _cortex.users (") +
                                                kColumns + ") VALUES (?, ?, ?, ?, ?)"));
    OC_TRY(stmt->Bind(1, user.name));
    OC_TRY(stmt->Bind(2, user.default_role));
    OC_TRY(stmt->BindOpt(3, user.public_key_fp));
    OC_TRY(stmt->BindOpt(4, user.public_key_pem));
    OC_TRY(stmt->Bind(5, user.created_on));
    auto result = stmt->Execute();
    if (!result) {
        if (result.error().message.find("Duplicate key") != std::string::npos) {
            return MakeError(ErrorCode::kAlreadyExists, "user '" + user.name + "' already exists");
        }
        return std::move(result).error();
    }
    return {};
}

Result<UserRecord> UserRepo::Get(std::string_view name) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(std::string("SELECT ") + kColumns +
                                                 " FROM _cortex.users WHERE name = ?"));
    OC_TRY(stmt->Bind(1, name));
    OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
    if (r->RowCount() == 0) {
        return MakeError(ErrorCode::kNotFound, "user '" + std::string(name) + "' does not exist");
    }
    return ReadUser(*r, 0);
}

Result<std::vector<UserRecord>> UserRepo::List() {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto r, conn->Query(std::string("SELECT ") + kColumns +
                                            " FROM _cortex.users ORDER BY name"));
    std::vector<UserRecord> users;
    const idx_t rows = r->RowCount();
    users.reserve(rows);
    for (idx_t i = 0; i < rows; ++i) users.push_back(ReadUser(*r, i));
    return users;
}

}  // namespace oc::store
