#include "store/sql_guard.h"

#include <algorithm>
#include <array>
#include <filesystem>

#include "common/identifier.h"
#include "common/text.h"
#include "store/duckdb/connection.h"

namespace oc::store {
namespace {

using Tokens = std::vector<SqlToken>;

Error Refused(const std::string& what) {
    return MakeError(ErrorCode::kPermissionDenied,
                     "SQL compilation error:\n" + what +
                         " is not allowed: SQL on this server may only read and change the data of "
                         "its databases.",
                     kRefusedWireCode, 422);
}

// Leading keywords of statements that reach files, extensions, settings or other statements.
constexpr std::array<std::string_view, 14> kRefusedLeadingWords = {
    "attach", "detach", "install", "load",    "force",      "copy",       "export",
    "import", "pragma", "reset",   "call",    "prepare",    "execute",    "deallocate"};

// Table functions that read files or run SQL text (which would hide a file read from the lexer).
constexpr std::array<std::string_view, 37> kRefusedFunctions = {
    "read_csv",          "read_csv_auto",       "read_parquet",         "parquet_scan",
    "parquet_metadata",  "parquet_schema",      "parquet_file_metadata", "parquet_kv_metadata",
    "parquet_bloom_probe", "read_json",         "read_json_auto",       "read_json_objects",
    "read_json_objects_auto", "read_ndjson",    "read_ndjson_auto",     "read_ndjson_objects",
    "read_text",         "read_blob",           "glob",                 "sniff_csv",
    "query",             "query_table",         "json_execute_serialized_sql", "arrow_scan",
    "arrow_scan_dumb",   "enable_logging",      "disable_logging",      "truncate_duckdb_logs",
    "read_xlsx",         "iceberg_scan",        "delta_scan",           "sqlite_scan",
    "sqlite_attach",     "postgres_scan",       "mysql_scan",           "read_duckdb",
    "load_aws_credentials"};

// Words after which "name (" is not a function call but a table or column list.
constexpr std::array<std::string_view, 8> kNotCallContext = {
    "into", "table", "view", "exists", "references", "index", "type", "on"};

// Words after which "(" opens a subquery or list rather than a function's arguments.
constexpr std::array<std::string_view, 26> kNonCallParenWords = {
    "from",  "join",   "in",     "as",    "exists", "select", "where", "on",     "values",
    "and",   "or",     "not",    "using", "lateral", "all",   "any",   "some",   "with",
    "union", "except", "intersect", "by", "having", "when",  "then",  "else"};

constexpr std::array<std::string_view, 14> kFileSuffixes = {
    ".csv", ".tsv", ".parquet", ".json", ".jsonl", ".ndjson", ".txt",
    ".gz",  ".zst", ".duckdb",  ".db",   ".wal",   ".xlsx",   ".arrow"};

template <size_t N>
bool OneOf(const SqlToken& t, const std::array<std::string_view, N>& words) {
    return std::any_of(words.begin(), words.end(), [&](std::string_view w) { return t.IsWord(w); });
}

bool IsName(const SqlToken& t) { return t.kind == TokenKind::kWord || t.kind == TokenKind::kQuotedIdent; }

bool LooksLikeFile(const std::string& name) {
    if (name.find('/') != std::string::npos || name.find('\\') != std::string::npos) return true;
    std::string lower = ToLowerAscii(name);
    return std::any_of(kFileSuffixes.begin(), kFileSuffixes.end(), [&](std::string_view s) {
        return lower.size() > s.size() && lower.compare(lower.size() - s.size(), s.size(), s) == 0;
    });
}

// A refused function name followed by "(", unless the name is a table being created or filled.
Status CheckFunctionCall(const Tokens& t, size_t i) {
    if (!IsName(t[i]) || i + 1 >= t.size() || !t[i + 1].IsSymbol('(')) return {};
    std::string name = IdentifierOf(t[i]);
    if (std::find(kRefusedFunctions.begin(), kRefusedFunctions.end(), name) == kRefusedFunctions.end()) {
        return {};
    }
    size_t chain = i;  // start of a dotted name such as system.main.read_csv
    while (chain >= 2 && t[chain - 1].IsSymbol('.') && IsName(t[chain - 2])) chain -= 2;
    if (chain > 0 && OneOf(t[chain - 1], kNotCallContext)) return {};
    return Refused("The function " + name + "()");
}

// Scans one statement for refused functions and for files named where a table belongs
// (FROM 'data.csv' is a DuckDB replacement scan).
Status CheckTokens(const Tokens& t) {
    std::vector<bool> call_parens;  // stack: does this "(" hold a function's arguments?
    for (size_t i = 0; i < t.size(); ++i) {
        OC_TRY(CheckFunctionCall(t, i));
        if (t[i].IsSymbol('(')) {
            bool call = i > 0 && IsName(t[i - 1]) && !OneOf(t[i - 1], kNonCallParenWords);
            call_parens.push_back(call);
        } else if (t[i].IsSymbol(')') && !call_parens.empty()) {
            call_parens.pop_back();
        }
        bool table_position = i > 0 && (t[i - 1].IsWord("from") || t[i - 1].IsWord("join")) &&
                              (call_parens.empty() || !call_parens.back());
        if (!table_position) continue;
        if (t[i].kind == TokenKind::kString) return Refused("Reading the file " + std::string(t[i].text));
        if (t[i].kind == TokenKind::kQuotedIdent && LooksLikeFile(IdentifierOf(t[i]))) {
            return Refused("Reading the file " + std::string(t[i].text));
        }
    }
    return {};
}

// EXPLAIN ANALYZE runs its statement; plain EXPLAIN only plans it. Returns the index of the
// explained statement's first token.
Result<size_t> CheckExplain(const Tokens& t) {
    size_t i = 1;
    if (i < t.size() && t[i].IsWord("analyze")) return Refused("EXPLAIN ANALYZE");
    if (i < t.size() && t[i].IsSymbol('(')) {
        for (; i < t.size() && !t[i].IsSymbol(')'); ++i) {
            if (t[i].IsWord("analyze")) return Refused("EXPLAIN ANALYZE");
        }
        ++i;
    }
    return i;
}

Status CheckLeadingWords(const Tokens& t, size_t first) {
    if (first >= t.size()) return {};
    const SqlToken& lead = t[first];
    std::string word = ToUpperAscii(lead.text);
    for (std::string_view w : kRefusedLeadingWords) {
        if (lead.IsWord(w)) return Refused(word + " statement");
    }
    if (lead.IsWord("set") && !(first + 1 < t.size() && t[first + 1].IsWord("variable"))) {
        return Refused("SET statement");
    }
    if (lead.IsWord("update") && first + 1 < t.size() && t[first + 1].IsWord("extensions")) {
        return Refused("UPDATE EXTENSIONS");
    }
    if (lead.IsWord("create") || lead.IsWord("drop")) {
        for (size_t i = first + 1; i < t.size() && i < first + 6; ++i) {
            if (t[i].IsWord("secret")) return Refused(word + " SECRET");
        }
    }
    if (lead.IsWord("explain")) {
        OC_ASSIGN_OR_RETURN(size_t inner, CheckExplain(t));
        return CheckLeadingWords(t, inner);
    }
    return {};
}

std::string ListLiteral(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + QuoteLiteral(items[i]);
    return out + "]";
}

}  // namespace

std::vector<std::string> DataInstanceDirectories(const std::string& data_dir) {
    namespace fs = std::filesystem;
    fs::path dir = (fs::path(data_dir) / "databases").lexically_normal();
    std::vector<std::string> out = {dir.string()};
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec);
    if (!ec) out.push_back(absolute.lexically_normal().string());
    fs::path canonical = fs::weakly_canonical(dir, ec);
    if (!ec) out.push_back(canonical.string());
    for (std::string& d : out) {
        if (d.empty() || d.back() != '/') d += '/';
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

Status LockDownDataInstance(Connection& conn, const LockDownOptions& options) {
    OC_ASSIGN_OR_RETURN(auto current, conn.Query("SELECT current_setting('enable_external_access')"));
    if (ToLowerAscii(current->GetString(0, 0)) == "false") return {};  // already locked down
    OC_TRY(conn.Execute("SET GLOBAL allowed_directories = " + ListLiteral(options.allowed_directories)));
    OC_TRY(conn.Execute("SET GLOBAL enable_external_access = false"));
    if (options.lock_configuration) OC_TRY(conn.Execute("SET GLOBAL lock_configuration = true"));
    return {};
}

Status CheckSqlText(const std::vector<SqlStatementText>& statements) {
    for (const SqlStatementText& s : statements) {
        OC_TRY(CheckLeadingWords(s.tokens, 0));
        OC_TRY(CheckTokens(s.tokens));
    }
    return {};
}

Status CheckStatementType(Prepared& prepared, const SqlStatementText* statement) {
    duckdb_statement_type type = duckdb_prepared_statement_type(prepared.raw());
    auto lead_is = [&](std::string_view w) {
        return statement && !statement->tokens.empty() && statement->tokens[0].IsWord(w);
    };
    switch (type) {
        case DUCKDB_STATEMENT_TYPE_SELECT:
        case DUCKDB_STATEMENT_TYPE_INSERT:
        case DUCKDB_STATEMENT_TYPE_UPDATE:
        case DUCKDB_STATEMENT_TYPE_DELETE:
        case DUCKDB_STATEMENT_TYPE_EXPLAIN:
        case DUCKDB_STATEMENT_TYPE_CREATE:
        case DUCKDB_STATEMENT_TYPE_CREATE_FUNC:
        case DUCKDB_STATEMENT_TYPE_ALTER:
        case DUCKDB_STATEMENT_TYPE_DROP:
        case DUCKDB_STATEMENT_TYPE_TRANSACTION:
        case DUCKDB_STATEMENT_TYPE_VARIABLE_SET:
        case DUCKDB_STATEMENT_TYPE_ANALYZE:
        case DUCKDB_STATEMENT_TYPE_VACUUM:
            return {};
        case DUCKDB_STATEMENT_TYPE_SET:  // USE and SET VARIABLE are SET statements to DuckDB
            if (lead_is("use")) return {};
            if (lead_is("set") && statement->tokens.size() > 1 && statement->tokens[1].IsWord("variable")) {
                return {};
            }
            return Refused("This SET statement");
        case DUCKDB_STATEMENT_TYPE_INVALID:  // the C API has no type for MERGE
            if (lead_is("merge")) return {};
            return Refused("This statement");
        default:
            return Refused("This statement type");
    }
}

}  // namespace oc::store
