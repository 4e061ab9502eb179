#include "common/identifier.h"

#include <gtest/gtest.h>

namespace oc {
namespace {

struct Case {
    const char* raw;
    const char* stored;  // nullptr = invalid
};

TEST(Identifier, TableOfCases) {
    const Case cases[] = {
        {"my_agent", "MY_AGENT"},   {"My_Agent", "MY_AGENT"}, {"\"my agent\"", "my agent"},
        {"\"MY_AGENT\"", "MY_AGENT"}, {"_x$1", "_X$1"},       {"\"a\"\"b\"", "a\"b"},
        {"", nullptr},              {"\"\"", nullptr},        {"1abc", nullptr},
        {"a-b", nullptr},           {"\"abc", nullptr},       {"\"a\"b\"", nullptr},
        {"a b", nullptr},           {"$a", nullptr},
    };
    for (const Case& c : cases) {
        auto r = ParseIdentifier(c.raw);
        if (c.stored == nullptr) {
            EXPECT_FALSE(r) << c.raw;
            if (!r) EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
        } else {
            ASSERT_TRUE(r) << c.raw;
            EXPECT_EQ(*r, c.stored) << c.raw;
        }
    }
}

TEST(Identifier, RejectsOver255Characters) {
    EXPECT_TRUE(ParseIdentifier(std::string(255, 'a')));
    EXPECT_FALSE(ParseIdentifier(std::string(256, 'a')));
}

TEST(Identifier, QualifiedNameSplitsOutsideQuotes) {
    auto r = ParseQualifiedName("db.\"my.schema\".obj");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->size(), 3u);
    EXPECT_EQ((*r)[0], "DB");
    EXPECT_EQ((*r)[1], "my.schema");
    EXPECT_EQ((*r)[2], "OBJ");
    EXPECT_FALSE(ParseQualifiedName("a.b.c.d"));
    EXPECT_FALSE(ParseQualifiedName("a..b"));
}

TEST(Identifier, QuoteDoublesQuotes) {
    EXPECT_EQ(QuoteIdentifier("a\"b"), "\"a\"\"b\"");
    EXPECT_EQ(QuoteLiteral("it's"), "'it''s'");
}

TEST(Identifier, SplitCustomMethodIgnoresColonInQuotes) {
    std::string name, verb;
    SplitCustomMethod("agent:run", &name, &verb);
    EXPECT_EQ(name, "agent");
    EXPECT_EQ(verb, "run");
    SplitCustomMethod("\"a:b\"", &name, &verb);
    EXPECT_EQ(name, "\"a:b\"");
    EXPECT_EQ(verb, "");
    SplitCustomMethod("\"a:b\":query", &name, &verb);
    EXPECT_EQ(name, "\"a:b\"");
    EXPECT_EQ(verb, "query");
}

}  // namespace
}  // namespace oc
