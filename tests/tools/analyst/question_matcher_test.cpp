#include "tools/analyst/question_matcher.h"

#include <gtest/gtest.h>

#include "analyst_fixture.h"

namespace oc::tools::analyst {
namespace {

TEST(QuestionMatcher, StemsPluralsOnly) {
    EXPECT_EQ(Stem("orders"), "order");
    EXPECT_EQ(Stem("categories"), "category");
    EXPECT_EQ(Stem("boxes"), "box");
    EXPECT_EQ(Stem("status"), "status");
    EXPECT_EQ(Stem("class"), "class");
    EXPECT_EQ(Stem("was"), "was");
}

TEST(QuestionMatcher, SimilarityIgnoresStopwordsCaseAndPlurals) {
    EXPECT_DOUBLE_EQ(QuestionSimilarity("What was revenue by region?", "revenue per Regions"), 1.0);
    EXPECT_DOUBLE_EQ(QuestionSimilarity("revenue by region", "revenue by region last quarter"),
                     0.5);
    EXPECT_DOUBLE_EQ(QuestionSimilarity("weather", "revenue"), 0.0);
}

TEST(QuestionMatcher, LongestPhraseWins) {
    auto parsed = ParseSemanticModel(testing::kShopModel);
    ASSERT_TRUE(parsed);
    PhraseIndex index(parsed->model);
    auto tokens = TokenizeQuestion("revenue by sales channel for EMEA");
    auto mentions = index.Match(tokens, {});
    ASSERT_EQ(mentions.size(), 3u);
    EXPECT_EQ(mentions[0].candidates[0].kind, EntityKind::kMetric);
    EXPECT_EQ(mentions[1].end - mentions[1].begin,
              2u);  // "sales channel", not the table synonym "sales"
    EXPECT_EQ(mentions[1].candidates[0].field->name, "channel");
    EXPECT_EQ(mentions[2].candidates[0].kind, EntityKind::kValue);
    EXPECT_EQ(mentions[2].candidates[0].value, "EMEA");
}

TEST(QuestionMatcher, RanksVerifiedQueries) {
    auto parsed = ParseSemanticModel(testing::kShopModel);
    ASSERT_TRUE(parsed);
    auto ranked = RankVerifiedQueries(parsed->model, "which customer had the most revenue");
    ASSERT_EQ(ranked.size(), 1u);
    EXPECT_GT(ranked[0].score, 0.5);
}

}  // namespace
}  // namespace oc::tools::analyst
