#include "store/sql_messages.h"

#include <array>
#include <utility>

#include "common/text.h"
#include "store/sql_guard.h"

namespace oc::store {
namespace {

// CREATE modifiers that may stand between CREATE and the object kind.
constexpr std::array<std::string_view, 9> kCreateModifiers = {
    "or", "replace", "temp", "temporary", "transient", "volatile", "local", "global", "persistent"};

bool IsModifier(const SqlToken& t) {
    for (std::string_view m : kCreateModifiers) {
        if (t.IsWord(m)) return true;
    }
    return false;
}

// The last part of the dotted name starting at tokens[i], as Snowflake would print it.
std::string DisplayName(const std::vector<SqlToken>& t, size_t i) {
    std::string name;
    while (i < t.size() && (t[i].kind == TokenKind::kWord || t[i].kind == TokenKind::kQuotedIdent)) {
        name = t[i].kind == TokenKind::kWord ? ToUpperAscii(t[i].text) : IdentifierOf(t[i]);
        if (i + 2 < t.size() && t[i + 1].IsSymbol('.')) {
            i += 2;
        } else {
            break;
        }
    }
    return name;
}

// Index of the object name after "<kind> [IF [NOT] EXISTS]".
size_t SkipIfExists(const std::vector<SqlToken>& t, size_t i) {
    if (i < t.size() && t[i].IsWord("if")) {
        ++i;
        if (i < t.size() && t[i].IsWord("not")) ++i;
        if (i < t.size() && t[i].IsWord("exists")) ++i;
    }
    return i;
}

struct CodeState {
    std::string_view prefix;
    const char* code;
};

constexpr std::array<CodeState, 10> kDuckDbCodes = {{
    {"Parser Error", "001003"},
    {"Syntax Error", "001003"},
    {"Binder Error", "000904"},
    {"Catalog Error", "002003"},
    {"Conversion Error", "100038"},
    {"Invalid Input Error", "100038"},
    {"Out of Range Error", "100038"},
    {"Constraint Error", "100072"},
    {"Not implemented Error", "000002"},
    {"Permission Error", kRefusedWireCode},
}};

constexpr std::array<std::pair<std::string_view, const char*>, 17> kSqlStates = {{
    {"001003", "42000"}, {"000904", "42000"}, {"002003", "02000"}, {"100038", "22018"},
    {"100072", "22000"}, {"000002", "0A000"}, {"002140", "42601"}, {"100037", "22018"},
    {"002049", "42601"}, {"000630", "57014"}, {"000604", "57014"}, {"100132", "P0000"},
    {"000008", "0A000"}, {"000709", "02000"}, {"100040", "22007"}, {"391908", "54000"},
    {"000900", "42000"},
}};

}  // namespace

std::string DdlStatusMessage(const SqlStatementText& statement) {
    const std::vector<SqlToken>& t = statement.tokens;
    if (t.empty()) return kExecutedMessage;
    if (t[0].IsWord("create")) {
        size_t i = 1;
        while (i < t.size() && IsModifier(t[i])) ++i;
        if (i >= t.size() || t[i].kind != TokenKind::kWord) return kExecutedMessage;
        std::string kind = ToLowerAscii(t[i].text);
        if (kind == "macro") kind = "function";
        if (kind != "table" && kind != "view" && kind != "schema" && kind != "sequence" &&
            kind != "function" && kind != "type") {
            return kExecutedMessage;
        }
        std::string name = DisplayName(t, SkipIfExists(t, i + 1));
        if (name.empty()) return kExecutedMessage;
        kind[0] = static_cast<char>(kind[0] - 'a' + 'A');
        return kind + " " + name + " successfully created.";
    }
    if (t[0].IsWord("drop") && t.size() > 2) {
        std::string name = DisplayName(t, SkipIfExists(t, 2));
        if (!name.empty()) return name + " successfully dropped.";
    }
    return kExecutedMessage;
}

Error SqlErrorFromDuckDb(std::string_view message) {
    for (const CodeState& c : kDuckDbCodes) {
        if (message.substr(0, c.prefix.size()) == c.prefix) {
            return MakeError(ErrorCode::kInvalidArgument, std::string(message), c.code, 422);
        }
    }
    return MakeError(ErrorCode::kInvalidArgument, std::string(message), kRefusedWireCode, 422);
}

std::string SqlStateFor(std::string_view wire_code) {
    for (const auto& [code, state] : kSqlStates) {
        if (code == wire_code) return state;
    }
    return "42000";
}

Error MultiStatementFailure(const Error& cause, std::string_view whole_sql,
                            const SqlStatementText* statement) {
    std::string where = "Execution of multiple statements failed";
    if (statement != nullptr) {
        std::string_view text = statement->text;
        int line = 1, column = 1;
        LineAndColumn(whole_sql, statement->offset, &line, &column);
        where += " on statement \"" + std::string(text.substr(0, 50)) + (text.size() > 50 ? "..." : "") +
                 "\" (at line " + std::to_string(line) + ", position " + std::to_string(column - 1) + ")";
    }
    return MakeError(cause.code, where + ".\n" + cause.message, "100132", 422);
}

Error TimeoutError(int64_t timeout_ms) {
    int64_t seconds = (timeout_ms + 999) / 1000;
    return MakeError(ErrorCode::kDeadlineExceeded,
                     "Statement reached its statement or warehouse timeout of " + std::to_string(seconds) +
                         " second(s) and was canceled.",
                     "000630", 408);
}

Error CancelledError() {
    return MakeError(ErrorCode::kCancelled, "SQL execution canceled", "000604", 422);
}

}  // namespace oc::store
