// A small SQL tokenizer for the statement guard and runner. It knows DuckDB's literal syntax
// (strings, E'' strings, $tag$ quotes, "identifiers", nested comments) well enough to find
// statement boundaries, leading keywords and function names before DuckDB parses anything.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace oc::store {

enum class TokenKind {
    kWord,         // keyword or unquoted identifier
    kQuotedIdent,  // "name" (text keeps the quotes)
    kString,       // '...', E'...', $$...$$ (text keeps the quotes)
    kNumber,
    kParam,        // ?, $1, $name
    kSymbol,       // one punctuation character, or "::" / ":="
};

struct SqlToken {
    TokenKind kind;
    std::string_view text;  // view into the tokenized SQL
    size_t offset;          // byte offset in the tokenized SQL

    bool IsWord(std::string_view word) const;  // kWord, ASCII case-insensitive
    bool IsSymbol(char c) const { return kind == TokenKind::kSymbol && text.size() == 1 && text[0] == c; }
};

struct SqlStatementText {
    std::string_view text;  // the statement without its ';' and surrounding blanks
    size_t offset = 0;      // byte offset of text in the whole SQL
    std::vector<SqlToken> tokens;
};

// Comments are dropped. An unterminated literal or comment runs to the end of the input.
std::vector<SqlToken> TokenizeSql(std::string_view sql);

// Splits at ';' outside literals and comments; statements with no tokens are dropped.
std::vector<SqlStatementText> SplitSqlStatements(std::string_view sql);

// 1-based line and column (in bytes) of offset in sql.
void LineAndColumn(std::string_view sql, size_t offset, int* line, int* column);

// The identifier a word or quoted-identifier token names: unquoted words lower-cased, quotes
// removed and "" unescaped.
std::string IdentifierOf(const SqlToken& token);

// Rewrites Snowflake's :1 / :name placeholders to DuckDB's $1 / $name, leaving casts (::),
// named arguments (:=), slices (a[1:2]) and struct literals ({'k': v}) alone.
std::string RewriteColonPlaceholders(std::string_view sql);

}  // namespace oc::store
