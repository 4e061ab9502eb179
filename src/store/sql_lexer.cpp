#include "store/sql_lexer.h"

#include <array>

#include "common/text.h"

namespace oc::store {
namespace {

bool IsWordStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           static_cast<unsigned char>(c) >= 0x80;
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) { return IsWordStart(c) || IsDigit(c) || c == '$'; }
bool IsTagChar(char c) { return IsWordStart(c) || IsDigit(c); }
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class Lexer {
public:
    explicit Lexer(std::string_view sql) : s_(sql) {}

    std::vector<SqlToken> Run() {
        std::vector<SqlToken> out;
        while (SkipBlanksAndComments()) {
            size_t start = pos_;
            TokenKind kind = Next();
            out.push_back({kind, s_.substr(start, pos_ - start), start});
        }
        return out;
    }

private:
    // Returns false at the end of the input.
    bool SkipBlanksAndComments() {
        while (pos_ < s_.size()) {
            if (IsSpace(s_[pos_])) {
                ++pos_;
            } else if (s_.compare(pos_, 2, "--") == 0) {
                size_t nl = s_.find('\n', pos_);
                pos_ = nl == std::string_view::npos ? s_.size() : nl + 1;
            } else if (s_.compare(pos_, 2, "/*") == 0) {
                SkipBlockComment();
            } else {
                return true;
            }
        }
        return false;
    }

    void SkipBlockComment() {
        int depth = 0;
        while (pos_ < s_.size()) {
            if (s_.compare(pos_, 2, "/*") == 0) {
                ++depth;
                pos_ += 2;
            } else if (s_.compare(pos_, 2, "*/") == 0) {
                pos_ += 2;
                if (--depth == 0) return;
            } else {
                ++pos_;
            }
        }
    }

    // Skips a quoted run starting at pos_ (the opening quote); doubled quotes stay inside.
    void SkipQuoted(char quote, bool backslash_escapes) {
        ++pos_;
        while (pos_ < s_.size()) {
            char c = s_[pos_];
            if (backslash_escapes && c == '\\') {
                pos_ += 2;
                continue;
            }
            ++pos_;
            if (c != quote) continue;
            if (pos_ < s_.size() && s_[pos_] == quote) {
                ++pos_;
                continue;
            }
            return;
        }
        pos_ = s_.size();
    }

    TokenKind Dollar() {
        size_t p = pos_ + 1;
        if (p < s_.size() && IsDigit(s_[p])) {
            while (p < s_.size() && IsDigit(s_[p])) ++p;
            pos_ = p;
            return TokenKind::kParam;
        }
        while (p < s_.size() && IsTagChar(s_[p])) ++p;
        if (p < s_.size() && s_[p] == '$') {  // $tag$ ... $tag$
            std::string_view tag = s_.substr(pos_, p + 1 - pos_);
            size_t end = s_.find(tag, p + 1);
            pos_ = end == std::string_view::npos ? s_.size() : end + tag.size();
            return TokenKind::kString;
        }
        pos_ = p;
        return TokenKind::kParam;
    }

    TokenKind Number() {
        while (pos_ < s_.size() && (IsDigit(s_[pos_]) || s_[pos_] == '_')) ++pos_;
        if (pos_ < s_.size() && s_[pos_] == '.') {
            ++pos_;
            while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
        }
        if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
            size_t p = pos_ + 1;
            if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
            if (p < s_.size() && IsDigit(s_[p])) {
                pos_ = p;
                while (pos_ < s_.size() && IsDigit(s_[pos_])) ++pos_;
            }
        }
        return TokenKind::kNumber;
    }

    TokenKind Next() {
        char c = s_[pos_];
        char n = pos_ + 1 < s_.size() ? s_[pos_ + 1] : '\0';
        if (c == '\'') {
            SkipQuoted('\'', false);
            return TokenKind::kString;
        }
        if ((c == 'e' || c == 'E') && n == '\'') {
            ++pos_;
            SkipQuoted('\'', true);
            return TokenKind::kString;
        }
        if (c == '"') {
            SkipQuoted('"', false);
            return TokenKind::kQuotedIdent;
        }
        if (c == '$') return Dollar();
        if (c == '?') {
            ++pos_;
            return TokenKind::kParam;
        }
        if (IsDigit(c) || (c == '.' && IsDigit(n))) return Number();
        if (IsWordStart(c)) {
            while (pos_ < s_.size() && IsWordChar(s_[pos_])) ++pos_;
            return TokenKind::kWord;
        }
        pos_ += (c == ':' && (n == ':' || n == '=')) ? 2 : 1;
        return TokenKind::kSymbol;
    }

    std::string_view s_;
    size_t pos_ = 0;
};

// Words after which a ":name" can only be a placeholder.
constexpr std::array<std::string_view, 20> kValueKeywords = {
    "select", "where", "and",   "or",     "not",  "in",     "values",    "between", "like", "ilike",
    "is",     "then",  "else",  "when",   "case", "set",    "limit",     "offset",  "on",   "having"};

bool PlaceholderContext(const SqlToken* prev) {
    if (prev == nullptr) return true;
    if (prev->kind == TokenKind::kSymbol) {
        return !(prev->IsSymbol(']') || prev->IsSymbol(')') || prev->IsSymbol('[') ||
                 prev->IsSymbol('}') || prev->IsSymbol('{'));
    }
    if (prev->kind != TokenKind::kWord) return false;
    for (std::string_view k : kValueKeywords) {
        if (prev->IsWord(k)) return true;
    }
    return false;
}

}  // namespace

bool SqlToken::IsWord(std::string_view word) const {
    return kind == TokenKind::kWord && EqualsIgnoreCase(text, word);
}

std::vector<SqlToken> TokenizeSql(std::string_view sql) { return Lexer(sql).Run(); }

std::vector<SqlStatementText> SplitSqlStatements(std::string_view sql) {
    std::vector<SqlStatementText> out;
    SqlStatementText current;
    auto flush = [&](size_t end) {
        if (!current.tokens.empty()) {
            size_t begin = current.tokens.front().offset;
            current.offset = begin;
            current.text = sql.substr(begin, end - begin);
            out.push_back(std::move(current));
        }
        current = SqlStatementText{};
    };
    for (const SqlToken& t : TokenizeSql(sql)) {
        if (t.IsSymbol(';')) {
            flush(current.tokens.empty() ? t.offset
                                         : current.tokens.back().offset + current.tokens.back().text.size());
            continue;
        }
        current.tokens.push_back(t);
    }
    if (!current.tokens.empty()) {
        flush(current.tokens.back().offset + current.tokens.back().text.size());
    }
    return out;
}

void LineAndColumn(std::string_view sql, size_t offset, int* line, int* column) {
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < offset && i < sql.size(); ++i) {
        if (sql[i] == '\n') {
            ++*line;
            *column = 1;
        } else {
            ++*column;
        }
    }
}

std::string IdentifierOf(const SqlToken& token) {
    if (token.kind != TokenKind::kQuotedIdent) return ToLowerAscii(token.text);
    std::string out;
    std::string_view inner = token.text.substr(1, token.text.size() >= 2 ? token.text.size() - 2 : 0);
    for (size_t i = 0; i < inner.size(); ++i) {
        out += inner[i];
        if (inner[i] == '"' && i + 1 < inner.size() && inner[i + 1] == '"') ++i;
    }
    return out;
}

std::string RewriteColonPlaceholders(std::string_view sql) {
    std::vector<SqlToken> tokens = TokenizeSql(sql);
    std::string out;
    size_t copied = 0;
    for (size_t i = 0; i + 1 < tokens.size(); ++i) {
        const SqlToken& colon = tokens[i];
        const SqlToken& name = tokens[i + 1];
        if (!colon.IsSymbol(':') || name.offset != colon.offset + 1) continue;
        bool integer = name.kind == TokenKind::kNumber &&
                       name.text.find_first_not_of("0123456789") == std::string_view::npos;
        if (!integer && name.kind != TokenKind::kWord) continue;
        if (!PlaceholderContext(i == 0 ? nullptr : &tokens[i - 1])) continue;
        out.append(sql.substr(copied, colon.offset - copied));
        out += '$';
        copied = colon.offset + 1;
    }
    out.append(sql.substr(copied));
    return out;
}

}  // namespace oc::store
