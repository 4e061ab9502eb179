#include "store/sql_lexer.h"

#include <gtest/gtest.h>

namespace oc::store {
namespace {

std::vector<std::string> Texts(std::string_view sql) {
    std::vector<std::string> out;
    for (const auto& s : SplitSqlStatements(sql)) out.emplace_back(s.text);
    return out;
}

TEST(SqlLexer, SplitsOnTopLevelSemicolonsOnly) {
    EXPECT_EQ(Texts("SELECT 1; SELECT 'a;b' ; "), (std::vector<std::string>{"SELECT 1", "SELECT 'a;b'"}));
    EXPECT_EQ(Texts("SELECT \"x;y\" -- c;d\n; /* e; /* nested; */ f; */ SELECT 2"),
              (std::vector<std::string>{"SELECT \"x;y\"", "SELECT 2"}));
    EXPECT_EQ(Texts("SELECT $$a;b$$; SELECT $t$c;$$;d$t$"),
              (std::vector<std::string>{"SELECT $$a;b$$", "SELECT $t$c;$$;d$t$"}));
    EXPECT_EQ(Texts("SELECT E'it\\'s;'; ;;"), (std::vector<std::string>{"SELECT E'it\\'s;'"}));
    EXPECT_TRUE(Texts(" ; -- nothing\n").empty());
}

TEST(SqlLexer, TokensKnowTheirKinds) {
    auto t = TokenizeSql("select \"A\"\"b\", 'x''y', 1.5e3, ?, $1, $name, a::int");
    ASSERT_EQ(t.size(), 16u);
    EXPECT_TRUE(t[0].IsWord("SELECT"));
    EXPECT_EQ(t[1].kind, TokenKind::kQuotedIdent);
    EXPECT_EQ(IdentifierOf(t[1]), "A\"b");
    EXPECT_EQ(t[3].kind, TokenKind::kString);
    EXPECT_EQ(t[5].kind, TokenKind::kNumber);
    EXPECT_EQ(t[7].kind, TokenKind::kParam);
    EXPECT_EQ(t[9].text, "$1");
    EXPECT_EQ(t[11].text, "$name");
    EXPECT_EQ(t[14].text, "::");
}

TEST(SqlLexer, LineAndColumnAreOneBased) {
    int line = 0, column = 0;
    LineAndColumn("SELECT 1;\n  SELECT 2", 12, &line, &column);
    EXPECT_EQ(line, 2);
    EXPECT_EQ(column, 3);
}

TEST(SqlLexer, ColonPlaceholdersBecomeDollar) {
    EXPECT_EQ(RewriteColonPlaceholders("SELECT :1, :2 WHERE x = :name AND y IN (:3)"),
              "SELECT $1, $2 WHERE x = $name AND y IN ($3)");
    EXPECT_EQ(RewriteColonPlaceholders("SELECT a::INT, f(x := 1), l[1:2], l[:2], {'k': 1}, ':1'"),
              "SELECT a::INT, f(x := 1), l[1:2], l[:2], {'k': 1}, ':1'");
}

}  // namespace
}  // namespace oc::store
