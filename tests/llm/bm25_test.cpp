// Bm25Index: tokenization and ranking.
#include "llm/bm25.h"

#include <gtest/gtest.h>

namespace oc::llm {
namespace {

TEST(Bm25, TokenizeLowerCasesAlnumRuns) {
    EXPECT_EQ(Bm25Tokenize("Get_Weather(city) in 2024!"),
              (std::vector<std::string>{"get", "weather", "city", "in", "2024"}));
    EXPECT_TRUE(Bm25Tokenize(" --- ").empty());
}

TEST(Bm25, RanksTheMatchingDocumentFirst) {
    Bm25Index index;
    index.Add("weather forecast for a city");
    index.Add("sales revenue by region");
    const auto scores = index.Score("What is the sales revenue?");
    ASSERT_EQ(scores.size(), 2u);
    EXPECT_EQ(scores[0], 0.0);
    EXPECT_GT(scores[1], 0.0);
}

TEST(Bm25, RareTermsOutweighCommonOnes) {
    Bm25Index index;
    index.Add("report of sales");
    index.Add("report of weather");
    index.Add("report of inventory");
    const auto scores = index.Score("report weather");
    EXPECT_GT(scores[1], scores[0]);
    EXPECT_EQ(scores[0], scores[2]);
}

TEST(Bm25, OneOffScoresEqualTheIndexScores) {
    const std::vector<std::string> docs = {
        "Read: read a file, lines numbered. file_path offset limit",
        "Grep: search contents with a regular expression pattern path glob",
        "Bash: run a shell command command timeout description",
        "report of weather weather and more weather",
        ""};
    Bm25Index index;
    for (const auto& d : docs) index.Add(d);
    for (const char* query : {"grep the file for a pattern", "weather REPORT weather", "hi", "", "zzz"}) {
        const auto expected = index.Score(query);
        const auto got = Bm25Scores(docs, query);
        ASSERT_EQ(got.size(), expected.size()) << query;
        for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], expected[i]) << query << " doc " << i;
    }
    EXPECT_GT(Bm25Scores(docs, "weather")[3], 0.0);
    EXPECT_TRUE(Bm25Scores({}, "anything").empty());
}

TEST(Bm25, EmptyIndexScoresNothing) {
    Bm25Index index;
    EXPECT_TRUE(index.Score("anything").empty());
}

}  // namespace
}  // namespace oc::llm
