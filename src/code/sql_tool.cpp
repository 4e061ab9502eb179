// The SQL tool: DuckDB over the connection's database file or data dir, results as a text table.
#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <thread>

#include "code/connection_tools.h"
#include "code/permissions.h"
#include "store/duckdb/connection.h"
#include "store/sql_guard.h"
#include "store/sql_lexer.h"

namespace oc::code {
namespace fs = std::filesystem;
namespace {

constexpr int64_t kDefaultRows = 100;
constexpr int64_t kMaxRows = 1000;
constexpr size_t kMaxCell = 200;

bool ReadOnlyStatement(const store::SqlStatementText& s) {
    if (s.tokens.empty()) return true;
    for (const char* word : {"select", "with", "from", "values", "show", "describe", "desc",
                             "summarize", "explain", "table"})
        if (s.tokens[0].IsWord(word)) return true;
    return false;
}

std::string Lower(std::string text) {
    for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// Whitespace runs collapsed to one space, lower-cased.
std::string Normalized(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

std::string Quote(const std::string& text, char q) {
    std::string out(1, q);
    for (char c : text) {
        out.push_back(c);
        if (c == q) out.push_back(q);
    }
    out.push_back(q);
    return out;
}

// Attaches the profile's database(s) and makes the default one current.
Status Attach(store::Connection& conn, const ConnectionProfile& p, bool write, std::vector<std::string>* dirs) {
    const std::string mode = write ? "" : " (READ_ONLY)";
    std::vector<std::pair<std::string, std::string>> files;  // alias, path
    if (!p.duckdb_path.empty()) {
        files.push_back({fs::path(p.duckdb_path).stem().string(), p.duckdb_path});
    } else {
        std::error_code ec;
        fs::path dir = fs::path(p.data_dir) / "databases";
        if (!fs::is_directory(dir, ec)) dir = p.data_dir;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.path().extension() == ".duckdb" && entry.path().filename() != "cortex.duckdb")
                files.push_back({entry.path().stem().string(), entry.path().string()});
        std::sort(files.begin(), files.end());
        if (files.empty())
            return MakeError(ErrorCode::kNotFound, "no DuckDB databases (*.duckdb) in " + dir.string());
    }
    std::string current = files.front().first;
    for (const auto& [alias, path] : files) {
        dirs->push_back(fs::path(path).parent_path().string());
        OC_TRY(conn.Execute("ATTACH " + Quote(path, '\'') + " AS " + Quote(alias, '"') + mode));
        if (!p.database.empty() && Lower(alias) == Lower(p.database)) current = alias;
    }
    return conn.Execute("USE " + Quote(current, '"'));
}

std::string Cell(store::QueryResult& r, idx_t col, idx_t row) {
    auto v = r.GetOptString(col, row);
    if (!v) return "NULL";
    std::string text = *v;
    for (char& c : text)
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    if (text.size() > kMaxCell) text = text.substr(0, kMaxCell) + "...";
    return text;
}

ToolOutput Render(store::QueryResult& r, int64_t max_rows) {
    ToolOutput out;
    const idx_t cols = r.ColumnCount();
    const idx_t rows = r.RowCount();
    const idx_t shown = std::min<idx_t>(rows, static_cast<idx_t>(max_rows));
    Json columns = Json::array(), data = Json::array();
    std::vector<std::vector<std::string>> cells(shown);
    std::vector<size_t> width(cols, 0);
    for (idx_t c = 0; c < cols; ++c) {
        columns.push_back(r.ColumnName(c));
        width[c] = r.ColumnName(c).size();
    }
    for (idx_t row = 0; row < shown; ++row) {
        Json line = Json::array();
        for (idx_t c = 0; c < cols; ++c) {
            cells[row].push_back(Cell(r, c, row));
            width[c] = std::max(width[c], cells[row].back().size());
            line.push_back(r.IsNull(c, row) ? Json(nullptr) : Json(cells[row].back()));
        }
        data.push_back(std::move(line));
    }
    auto line = [&](const std::vector<std::string>& values) {
        std::string text = "|";
        for (idx_t c = 0; c < cols; ++c)
            text += " " + values[c] + std::string(width[c] - values[c].size(), ' ') + " |";
        return text + "\n";
    };
    std::vector<std::string> header;
    for (idx_t c = 0; c < cols; ++c) header.push_back(r.ColumnName(c));
    out.text = line(header);
    std::string rule = "|";
    for (idx_t c = 0; c < cols; ++c) rule += std::string(width[c] + 2, '-') + "|";
    out.text += rule + "\n";
    for (const auto& row : cells) out.text += line(row);
    out.text += "(" + std::to_string(rows) + (rows == 1 ? " row" : " rows");
    if (shown < rows) out.text += ", showing the first " + std::to_string(shown);
    out.text += ")";
    out.structured = {{"columns", columns}, {"rows", data}, {"rowCount", rows},
                      {"truncated", shown < rows}};
    return out;
}

ToolOutput RunSql(const ConnectionProfile& profile, const Json& input, const ToolContext& ctx) {
    const std::string sql = StringArg(input, "sql");
    const auto statements = store::SplitSqlStatements(sql);
    if (statements.empty()) return ToolError("SQL: no statement given");
    int64_t max_rows = kDefaultRows;
    if (input.contains("max_rows") && input["max_rows"].is_number_integer() && input["max_rows"].get<int64_t>() > 0)
        max_rows = std::min(kMaxRows, input["max_rows"].get<int64_t>());
    const bool write = !SqlIsReadOnly(sql);
    auto db = store::Database::Open("");
    if (!db) return ToolError("SQL: " + db.error().message);
    auto conn = (*db)->Connect();
    if (!conn) return ToolError("SQL: " + conn.error().message);
    std::vector<std::string> dirs = ctx.roots;
    if (Status st = Attach(**conn, profile, write, &dirs); !st) return ToolError("SQL: " + st.error().message);
    store::LockDownOptions lock;
    // DuckDB checks paths as written: files need absolute paths below a root (relative ones are
    // refused, which also stops `../` escapes).
    for (const auto& d : dirs) {
        lock.allowed_directories.push_back(d);
        lock.allowed_directories.push_back(d + "/");
    }
    if (Status st = store::LockDownDataInstance(**conn, lock); !st) return ToolError("SQL: " + st.error().message);
    std::atomic<bool> done{false};
    std::thread watcher([&] {  // an interrupt cancels the running query
        while (!done) {
            if (ctx.cancel && ctx.cancel->cancelled()) {
                (*conn)->Interrupt();
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    });
    ToolOutput out;
    std::string prefix;
    for (size_t i = 0; i < statements.size(); ++i) {
        auto result = (*conn)->Query(statements[i].text);
        if (!result) {
            out = ToolError("SQL: statement " + std::to_string(i + 1) + " failed: " + result.error().message);
            break;
        }
        if (i + 1 < statements.size()) {
            prefix += "statement " + std::to_string(i + 1) + ": ok\n";
            continue;
        }
        out = Render(**result, max_rows);
        out.text = prefix + out.text;
        out.structured["readOnly"] = !write;
    }
    done = true;
    watcher.join();
    return out;
}

}  // namespace

bool SqlIsReadOnly(const std::string& sql) {
    for (const auto& s : store::SplitSqlStatements(sql))
        if (!ReadOnlyStatement(s)) return false;
    return true;
}

bool SqlRuleMatches(const std::string& content, const std::string& sql) {
    const auto statements = store::SplitSqlStatements(sql);
    if (statements.empty()) return false;
    const std::string rule = Normalized(content);
    for (const auto& s : statements) {
        const std::string text = Normalized(s.text);
        if (rule.size() >= 2 && rule.compare(rule.size() - 2, 2, ":*") == 0) {
            const std::string prefix = rule.substr(0, rule.size() - 2);
            const bool ok = text.compare(0, prefix.size(), prefix) == 0 &&
                            (text.size() == prefix.size() ||
                             !(std::isalnum(static_cast<unsigned char>(text[prefix.size()])) || text[prefix.size()] == '_'));
            if (!ok) return false;
        } else if (!GlobMatch(rule, text)) {
            return false;
        }
    }
    return true;
}

BuiltinTool MakeSqlTool(const ConnectionProfile& profile) {
    std::string where = !profile.duckdb_path.empty() ? "the DuckDB database " + profile.duckdb_path
                                                     : "the databases of " + profile.data_dir;
    BuiltinTool t{"SQL",
                  "SQL: run SQL statements with DuckDB on " + where +
                      ". Queries (SELECT ... FROM ... WHERE ... GROUP BY ... ORDER BY) return the rows "
                      "as a text table; changes (INSERT INTO ... VALUES, UPDATE ... SET, DELETE FROM, "
                      "CREATE TABLE) need permission. Files (read_csv) need absolute paths.",
                  {{"type", "object"},
                   {"properties",
                    {{"sql", {{"type", "string"}, {"description", "The SQL statement(s) to run"}}},
                     {"max_rows", {{"type", "integer"}, {"description", "Rows to show (default 100, at most 1000)"}}}}},
                   {"required", {"sql"}}},
                  ToolKind::kRead, "", nullptr};
    t.run = [profile](const Json& in, const ToolContext& ctx) { return RunSql(profile, in, ctx); };
    t.kind_for = [](const Json& in) {
        return SqlIsReadOnly(StringArg(in, "sql")) ? ToolKind::kRead : ToolKind::kExecute;
    };
    return t;
}

}  // namespace oc::code
