// BM25 ranking, removal and compaction of the in-memory inverted index.
#include <gtest/gtest.h>

#include <cmath>

#include "tools/search/inverted_index.h"

namespace oc::tools::search {
namespace {

Json Row(const std::string& id, const std::string& body) {
    Json row = Json::object();
    row["ID"] = id;
    row["BODY"] = body;
    return row;
}

const auto kAll = [](const Json&) { return true; };

std::vector<std::string> Ids(const InvertedIndex& index, const std::vector<SearchHit>& hits) {
    std::vector<std::string> ids;
    for (const SearchHit& h : hits) ids.push_back(index.docs()[h.doc].row["ID"].get<std::string>());
    return ids;
}

InvertedIndex PolicyCorpus() {
    InvertedIndex index("BODY");
    index.Add(1, 1, Row("refund", "Refund policy: customers may return items within 30 days for a full refund."));
    index.Add(2, 2, Row("shipping", "Shipping policy: orders ship within two business days."));
    index.Add(3, 3, Row("damaged", "Returns of damaged items are processed by the returns team."));
    index.Add(4, 4, Row("holidays", "Our office is closed on public holidays."));
    index.Add(5, 5, Row("warranty", "The warranty covers manufacturing defects for one year; returns are not covered."));
    return index;
}

TEST(InvertedIndex, RanksByBm25) {
    InvertedIndex index = PolicyCorpus();
    auto hits = index.Search("how do I return a refund", 10, kAll);
    EXPECT_EQ(Ids(index, hits), (std::vector<std::string>{"refund", "damaged", "warranty"}));
    EXPECT_GT(hits[0].score, hits[1].score);
    EXPECT_GT(hits[1].score, hits[2].score);
    EXPECT_EQ(Ids(index, index.Search("shipping days", 10, kAll)), (std::vector<std::string>{"shipping", "refund"}));
    EXPECT_TRUE(index.Search("astronaut", 10, kAll).empty());
}

TEST(InvertedIndex, ScoreMatchesTheBm25Formula) {
    InvertedIndex index("BODY");
    index.Add(1, 1, Row("a", "apple banana"));
    index.Add(2, 2, Row("b", "cherry"));
    auto hits = index.Search("apple", 10, kAll);
    ASSERT_EQ(hits.size(), 1u);
    // N = 2, n = 1: idf = ln(1 + 1.5 / 1.5); |d| = 2, avgdl = 1.5, tf = 1, k1 = 1.2, b = 0.75.
    const double idf = std::log(2.0);
    const double expected = idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / 1.5));
    EXPECT_NEAR(hits[0].score, expected, 1e-12);
}

TEST(InvertedIndex, TermFrequencyAndLengthNormalisation) {
    InvertedIndex index("BODY");
    index.Add(1, 1, Row("once", "refund"));
    index.Add(2, 2, Row("twice", "refund refund"));
    index.Add(3, 3, Row("long", "refund and a great many other words about unrelated topics entirely"));
    index.Add(4, 4, Row("none", "nothing here"));
    EXPECT_EQ(Ids(index, index.Search("refund", 10, kAll)), (std::vector<std::string>{"twice", "once", "long"}));
}

TEST(InvertedIndex, LimitAndAcceptApplyAfterRanking) {
    InvertedIndex index = PolicyCorpus();
    EXPECT_EQ(Ids(index, index.Search("return refund", 1, kAll)), (std::vector<std::string>{"refund"}));
    auto not_refund = [](const Json& row) { return row["ID"] != "refund"; };
    EXPECT_EQ(Ids(index, index.Search("return refund", 1, not_refund)), (std::vector<std::string>{"damaged"}));
}

TEST(InvertedIndex, QueryWithoutTermsListsAcceptedDocumentsInOrder) {
    InvertedIndex index = PolicyCorpus();
    auto hits = index.Search("the of and", 2, kAll);
    EXPECT_EQ(Ids(index, hits), (std::vector<std::string>{"refund", "shipping"}));
    EXPECT_EQ(hits[0].score, 0.0);
}

TEST(InvertedIndex, RemoveAndReplaceUpdatePostingsAndStatistics) {
    InvertedIndex index = PolicyCorpus();
    EXPECT_TRUE(index.Remove(1));
    EXPECT_FALSE(index.Remove(1));
    EXPECT_EQ(index.Find(1), nullptr);
    EXPECT_EQ(index.live_count(), 4u);
    EXPECT_EQ(Ids(index, index.Search("refund", 10, kAll)), std::vector<std::string>{});
    index.Add(3, 33, Row("damaged", "Now about refunds only"));
    EXPECT_EQ(index.live_count(), 4u);
    EXPECT_EQ(index.Find(3)->content_hash, 33u);
    EXPECT_EQ(Ids(index, index.Search("refund", 10, kAll)), (std::vector<std::string>{"damaged"}));
    EXPECT_EQ(Ids(index, index.Search("damaged", 10, kAll)), std::vector<std::string>{});
}

TEST(InvertedIndex, CompactKeepsOrderAndResults) {
    InvertedIndex index = PolicyCorpus();
    index.Remove(2);
    index.Remove(4);
    auto before = Ids(index, index.Search("returns policy", 10, kAll));
    index.Compact();
    EXPECT_EQ(index.docs().size(), 3u);
    EXPECT_EQ(Ids(index, index.Search("returns policy", 10, kAll)), before);
    EXPECT_NE(index.Find(5), nullptr);
    EXPECT_EQ(index.Find(5)->row["ID"], "warranty");
}

TEST(InvertedIndex, NonStringSearchValuesAreIndexedAsText) {
    InvertedIndex index("BODY");
    Json row = Json::object();
    row["ID"] = "n";
    row["BODY"] = nullptr;
    index.Add(1, 1, row);
    EXPECT_EQ(index.docs()[0].length, 0u);
    EXPECT_EQ(InvertedIndex::SearchText(row, "BODY"), "");
    EXPECT_EQ(InvertedIndex::SearchText(Row("x", "y"), "MISSING"), "");
}

}  // namespace
}  // namespace oc::tools::search
