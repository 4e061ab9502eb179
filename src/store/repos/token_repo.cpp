#include "store/repos/token_repo.h"

#include "store/duckdb/connection.h"
#include "store/system_store.h"

namespace oc::store {
namespace {

constexpr const char* kColumns =
    "id, token_hash, user_name, role, name, created_on, expires_at, revoked";

TokenRecord ReadToken(QueryResult& r, idx_t row) {
    TokenRecord t;
    t.id = r.GetString(0, row);
    t.token_hash = r.GetString(1, row);
    t.user_name = r.GetString(2, row);
    t.role = r.GetString(3, row);
    t.name = r.GetOptString(4, row);
    t.created_on = r.GetInt64(5, row);
    if (!r.IsNull(6, row)) t.expires_at = r.GetInt64(6, row);
    t.revoked = r.GetBool(7, row);
    return t;
}

}  // namespace

Status TokenRepo::Insert(const TokenRecord& token) {
    return store_.Transaction([&](Connection& c) { return InsertWith(c, token); });
}

Status TokenRepo::InsertWith(Connection& conn, const TokenRecord& token) {
    OC_ASSIGN_OR_RETURN(auto stmt, conn.Prepare(std::string("INSERT INTO _cortex.tokens (") +
                                                kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    OC_TRY(stmt->Bind(1, token.id));
    OC_TRY(stmt->Bind(2, token.token_hash));
    OC_TRY(stmt->Bind(3, token.user_name));
    OC_TRY(stmt->Bind(4, token.role));
    OC_TRY(stmt->BindOpt(5, token.name));
    OC_TRY(stmt->Bind(6, token.created_on));
    OC_TRY(token.expires_at ? stmt->Bind(7, *token.expires_at) : stmt->BindNull(7));
    OC_TRY(stmt->BindBool(8, token.revoked));
    auto result = stmt->Execute();
    if (!result) {
        // Never echo the hash: it names the token id only.
        if (result.error().message.find("Duplicate key") != std::string::npos) {
            return MakeError(ErrorCode::kAlreadyExists, "token '" + token.id + "' already exists");
        }
        return std::move(result).error();
    }
    return {};
}

Result<TokenRecord> TokenRepo::Get(std::string_view id) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    OC_ASSIGN_OR_RETURN(auto stmt, conn->Prepare(std::string("SELECT ") + kColumns +
                                                 " FROM _cortex.tokens WHERE id = ?"));
    OC_TRY(stmt->Bind(1, id));
    OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
    if (r->RowCount() == 0) {
        return MakeError(ErrorCode::kNotFound, "token '" + std::string(id) + "' does not exist");
    }
    return ReadToken(*r, 0);
}

Result<std::vector<TokenRecord>> TokenRepo::List(bool include_revoked) {
    OC_ASSIGN_OR_RETURN(auto conn, store_.Connect());
    std::string sql = std::string("SELECT ") + kColumns + " FROM _cortex.tokens";
    if (!include_revoked) sql += " WHERE NOT revoked";
    sql += " ORDER BY created_on, id";
    OC_ASSIGN_OR_RETURN(auto r, conn->Query(sql));
    std::vector<TokenRecord> tokens;
    const idx_t rows = r->RowCount();
    tokens.reserve(rows);
    for (idx_t i = 0; i < rows; ++i) tokens.push_back(ReadToken(*r, i));
    return tokens;
}

Status TokenRepo::Revoke(std::string_view id) {
    return store_.Transaction([&](Connection& c) -> Status {
        OC_ASSIGN_OR_RETURN(auto stmt,
                            c.Prepare("UPDATE _cortex.tokens SET revoked = true WHERE id = ?"));
        OC_TRY(stmt->Bind(1, id));
        OC_ASSIGN_OR_RETURN(auto r, stmt->Execute());
        if (r->RowsChanged() == 0) {
            return MakeError(ErrorCode::kNotFound,
                             "token '" + std::string(id) + "' does not exist");
        }
        return {};
    });
}

}  // namespace oc::store
