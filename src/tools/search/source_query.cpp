#include "tools/search/source_query.h"

#include "store/duckdb_api.h"

#include <set>

#include "common/identifier.h"
#include "common/text.h"
#include "store/duckdb/column_renderer.h"
#include "store/duckdb/connection.h"
#include "store/sql_guard.h"
#include "store/sql_lexer.h"
#include "store/system_store.h"

namespace oc::tools::search {
namespace {

Error BadDefinition(const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, "Invalid search service definition: " + why);
}

ColumnKind KindOf(const store::TypeInfo& t) {
    switch (t.id) {
        case DUCKDB_TYPE_VARCHAR: return t.json ? ColumnKind::kOther : ColumnKind::kText;
        case DUCKDB_TYPE_ENUM: case DUCKDB_TYPE_UUID: return ColumnKind::kText;
        case DUCKDB_TYPE_TINYINT: case DUCKDB_TYPE_SMALLINT: case DUCKDB_TYPE_INTEGER:
        case DUCKDB_TYPE_BIGINT: case DUCKDB_TYPE_UTINYINT: case DUCKDB_TYPE_USMALLINT:
        case DUCKDB_TYPE_UINTEGER: case DUCKDB_TYPE_UBIGINT: case DUCKDB_TYPE_HUGEINT:
        case DUCKDB_TYPE_UHUGEINT: case DUCKDB_TYPE_DECIMAL: case DUCKDB_TYPE_FLOAT:
        case DUCKDB_TYPE_DOUBLE:
            return ColumnKind::kNumber;
        case DUCKDB_TYPE_BOOLEAN: return ColumnKind::kBoolean;
        case DUCKDB_TYPE_DATE: return ColumnKind::kDate;
        case DUCKDB_TYPE_TIMESTAMP: case DUCKDB_TYPE_TIMESTAMP_S: case DUCKDB_TYPE_TIMESTAMP_MS:
        case DUCKDB_TYPE_TIMESTAMP_NS: case DUCKDB_TYPE_TIMESTAMP_TZ:
            return ColumnKind::kTimestamp;
        case DUCKDB_TYPE_LIST: case DUCKDB_TYPE_ARRAY: return ColumnKind::kArray;
        case DUCKDB_TYPE_STRUCT: case DUCKDB_TYPE_MAP: return ColumnKind::kObject;
        default: return ColumnKind::kOther;
    }
}

// DuckDB's "2024-03-05 10:15:30.25[+00]" as ISO-8601 "2024-03-05T10:15:30.25[+00:00]".
void IsoTimestamp(Json* v) {
    if (!v->is_string()) return;
    std::string s = v->get<std::string>();
    if (s.size() > 10 && s[10] == ' ') s[10] = 'T';
    if (s.size() > 3 && s.compare(s.size() - 3, 3, "+00") == 0) s += ":00";
    *v = std::move(s);
}

class Chunk {
public:
    explicit Chunk(duckdb_data_chunk c) : chunk_(c) {}
    ~Chunk() {
        if (chunk_) duckdb_destroy_data_chunk(&chunk_);
    }
    Chunk(const Chunk&) = delete;
    Chunk& operator=(const Chunk&) = delete;
    duckdb_data_chunk get() const { return chunk_; }

private:
    duckdb_data_chunk chunk_;
};

Result<SourceRows> ReadRows(store::QueryResult& result) {
    SourceRows out;
    std::vector<store::TypeInfo> types;
    std::set<std::string> seen;
    for (idx_t c = 0; c < result.ColumnCount(); ++c) {
        duckdb_logical_type type = duckdb_column_logical_type(result.raw(), c);
        types.push_back(store::ReadTypeInfo(type));
        duckdb_destroy_logical_type(&type);
        ColumnInfo info{StoredColumnName(result.ColumnName(c)), KindOf(types.back())};
        if (!seen.insert(info.name).second) return BadDefinition("column " + info.name + " appears twice.");
        out.columns.push_back(std::move(info));
    }
    while (true) {
        Chunk chunk(duckdb_fetch_chunk(*result.raw()));
        if (!chunk.get()) break;
        idx_t size = duckdb_data_chunk_get_size(chunk.get());
        if (size == 0) break;
        for (idx_t r = 0; r < size; ++r) {
            Json row = Json::object();
            for (idx_t c = 0; c < types.size(); ++c) {
                std::string text;
                store::AppendJsonValue(text, types[c], duckdb_data_chunk_get_vector(chunk.get(), c), r);
                auto value = ParseJson(text);
                Json v = value ? std::move(*value) : Json(text);
                if (out.columns[c].kind == ColumnKind::kTimestamp) IsoTimestamp(&v);
                row[out.columns[c].name] = std::move(v);
            }
            out.rows.push_back(std::move(row));
        }
    }
    return out;
}

}  // namespace

std::string StoredColumnName(const std::string& duckdb_name) {
    bool plain = !duckdb_name.empty() && !(duckdb_name[0] >= '0' && duckdb_name[0] <= '9');
    for (char ch : duckdb_name) {
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                  ch == '_' || ch == '$';
        plain = plain && ok;
    }
    if (!duckdb_name.empty() && duckdb_name[0] == '$') plain = false;
    return plain ? ToUpperAscii(duckdb_name) : duckdb_name;
}

Result<SourceRows> RunSourceQuery(store::SystemStore& store, const std::string& db,
                                  const std::string& schema, const std::string& definition) {
    auto statements = store::SplitSqlStatements(definition);
    if (statements.size() != 1) {
        return BadDefinition("expected one SELECT statement, got " + std::to_string(statements.size()) + ".");
    }
    auto guard = store::CheckSqlText(statements);
    if (!guard) return BadDefinition(guard.error().message);
    OC_ASSIGN_OR_RETURN(auto conn, store.ConnectData());
    auto use = conn->Execute("USE " + QuoteIdentifier(db) + "." + QuoteIdentifier(schema));
    if (!use) return BadDefinition("cannot use schema " + db + "." + schema + ": " + use.error().message);
    auto prepared = conn->Prepare(statements[0].text);
    if (!prepared) return BadDefinition(prepared.error().message);
    if (duckdb_prepared_statement_type((*prepared)->raw()) != DUCKDB_STATEMENT_TYPE_SELECT) {
        return BadDefinition("the definition must be a SELECT query.");
    }
    if ((*prepared)->ParamCount() != 0) return BadDefinition("the definition may not have parameters.");
    auto result = (*prepared)->Execute();
    if (!result) return BadDefinition(result.error().message);
    return ReadRows(**result);
}

}  // namespace oc::tools::search
