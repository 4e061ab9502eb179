// Vector re-ranking in SearchService with a scripted embedding provider: BM25 candidates are
// re-ordered by cosine similarity, vectors are computed at refresh (in batches, only for new or
// changed rows), persisted with the index, and without a provider BM25 order is kept.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "tools/search/index_file.h"
#include "tools/search/search_service.h"

namespace oc::tools::search {
namespace {

// Vectors by the words a text contains: "cherry" → [1, 0], otherwise [0, 1]; a query made of
// "apple" alone → [1, 0]. Records every text and batch it was asked to embed.
class ScriptedEmbedder : public llm::EmbeddingProvider {
public:
    Result<std::vector<std::vector<float>>> Embed(const std::vector<std::string>& texts) override {
        batches.push_back(texts.size());
        if (fail) return MakeError(ErrorCode::kUnavailable, "embeddings: upstream down");
        std::vector<std::vector<float>> out;
        for (const std::string& t : texts) {
            embedded.push_back(t);
            const bool cherry = t.find("cherry") != std::string::npos || t == "apple";
            out.push_back(cherry ? std::vector<float>{1, 0} : std::vector<float>{0, 1});
        }
        return out;
    }
    std::string Identity() const override { return identity; }
    size_t batch_size() const override { return 2; }

    std::vector<std::string> embedded;
    std::vector<size_t> batches;
    std::string identity = "scripted v1";
    bool fail = false;
};

class SearchRerankTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("oc_search_rerank_" + std::to_string(rd()));
        source_.columns = {{"ID", ColumnKind::kNumber}, {"BODY", ColumnKind::kText}};
        // BM25 for "apple": 1 (three apples, short) > 2 > 3 > 4 (one apple among many words).
        Add(1, "apple apple apple");
        Add(2, "apple apple banana");
        Add(3, "apple banana banana banana");
        Add(4, "apple cherry banana banana banana kiwi kiwi");
        Add(5, "banana only");
        spec_.database_name = "DB";
        spec_.schema_name = "PUBLIC";
        spec_.name = "S";
        spec_.search_column = "BODY";
        spec_.primary_key = {"ID"};
        spec_.target_lag.downstream = true;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    void Add(int id, const std::string& body) {
        Json row = Json::object();
        row["ID"] = id;
        row["BODY"] = body;
        source_.rows.push_back(row);
    }
    std::unique_ptr<SearchService> Make(std::shared_ptr<llm::EmbeddingProvider> embedder,
                                        const std::string& path = "") {
        auto s = std::make_unique<SearchService>(
            spec_, [this]() -> Result<SourceRows> { return source_; }, path);
        s->SetEmbedder(std::move(embedder));
        EXPECT_TRUE(s->Open());
        return s;
    }
    static std::vector<int> Ids(const Result<Json>& r) {
        EXPECT_TRUE(r) << (r ? "" : r.error().message);
        std::vector<int> ids;
        if (r) {
            for (const Json& x : (*r)["results"]) ids.push_back(x["ID"].get<int>());
        }
        return ids;
    }
    static Json Query(const std::string& q, int limit = 10) {
        return Json{{"query", q}, {"columns", Json::array({"ID"})}, {"limit", limit}};
    }

    std::filesystem::path dir_;
    SourceRows source_;
    SearchServiceSpec spec_;
};

TEST_F(SearchRerankTest, WithoutProviderBm25OrderIsKept) {
    auto s = Make(nullptr);
    auto r = s->Query(Query("apple"));
    EXPECT_EQ(Ids(r), (std::vector<int>{1, 2, 3, 4}));
    EXPECT_FALSE((*r)["results"][0]["@scores"].contains("cosine_similarity"));
}

TEST_F(SearchRerankTest, EmbeddingsReorderBm25Candidates) {
    auto embedder = std::make_shared<ScriptedEmbedder>();
    auto s = Make(embedder);
    // Documents were embedded at refresh, in batches of at most 2 (5 documents: 2, 2, 1).
    EXPECT_EQ(embedder->batches, (std::vector<size_t>{2, 2, 1}));
    auto r = s->Query(Query("apple"));
    // Document 4 is last by BM25 but the only one whose vector matches the query's.
    EXPECT_EQ(Ids(r), (std::vector<int>{4, 1, 2, 3}));
    const Json& top = (*r)["results"][0]["@scores"];
    EXPECT_DOUBLE_EQ(top["cosine_similarity"].get<double>(), 1.0);
    EXPECT_GT(top["text_match"].get<double>(), 0.0);
    EXPECT_DOUBLE_EQ((*r)["results"][1]["@scores"]["cosine_similarity"].get<double>(), 0.0);
    // The limit applies after re-ranking; candidates come from a deeper BM25 list.
    EXPECT_EQ(Ids(s->Query(Query("apple", 1))), (std::vector<int>{4}));
    // Only BM25 matches are candidates: "banana only" never appears for "apple".
    for (int id : Ids(r)) EXPECT_NE(id, 5);
}

TEST_F(SearchRerankTest, RerankerNoneKeepsBm25Order) {
    auto s = Make(std::make_shared<ScriptedEmbedder>());
    Json q = Query("apple");
    q["scoring_config"] = Json{{"reranker", "none"}};
    EXPECT_EQ(Ids(s->Query(q)), (std::vector<int>{1, 2, 3, 4}));
}

TEST_F(SearchRerankTest, ProviderFailureFallsBackToBm25) {
    auto embedder = std::make_shared<ScriptedEmbedder>();
    embedder->fail = true;
    auto s = Make(embedder);
    EXPECT_EQ(Ids(s->Query(Query("apple"))), (std::vector<int>{1, 2, 3, 4}));
    EXPECT_NE(s->Describe().value("embedding_error", "").find("upstream down"), std::string::npos);
}

TEST_F(SearchRerankTest, VectorsPersistAndOnlyChangedRowsAreReembedded) {
    const std::string path = (dir_ / "s.idx").string();
    auto first = std::make_shared<ScriptedEmbedder>();
    Make(first, path);
    EXPECT_EQ(first->embedded.size(), 5u);

    // A restart loads the vectors from the index file: nothing is embedded again.
    auto second = std::make_shared<ScriptedEmbedder>();
    auto s = Make(second, path);
    EXPECT_TRUE(second->embedded.empty());
    EXPECT_EQ(Ids(s->Query(Query("apple"))), (std::vector<int>{4, 1, 2, 3}));

    // A refresh embeds only the changed row; its new vector changes the order.
    source_.rows[0]["BODY"] = "apple apple apple cherry";
    second->embedded.clear();  // the query above was embedded too
    ASSERT_TRUE(s->Refresh());
    EXPECT_EQ(second->embedded, (std::vector<std::string>{"apple apple apple cherry"}));
    EXPECT_EQ(Ids(s->Query(Query("apple"))), (std::vector<int>{1, 4, 2, 3}));

    // Another embedding model: every document is embedded again.
    auto third = std::make_shared<ScriptedEmbedder>();
    third->identity = "scripted v2";
    Make(third, path);
    EXPECT_EQ(third->embedded.size(), 5u);
}

TEST_F(SearchRerankTest, IndexFileRoundTripsVectors) {
    InvertedIndex index("BODY");
    index.Add(1, 1, Json{{"BODY", "apple"}});
    index.Add(2, 2, Json{{"BODY", "pear"}});
    index.set_embedding_identity("m");
    index.SetEmbedding(0, {0.25f, -1.5f, 3.0f});
    const std::string path = (dir_ / "rt.idx").string();
    std::filesystem::create_directories(dir_);
    ASSERT_TRUE(SaveIndexFile(path, index, {}));
    IndexFileMeta meta;
    auto loaded = LoadIndexFile(path, "BODY", &meta);
    ASSERT_TRUE(loaded) << loaded.error().message;
    EXPECT_EQ((*loaded)->embedding_identity(), "m");
    EXPECT_EQ((*loaded)->docs()[0].embedding, (std::vector<float>{0.25f, -1.5f, 3.0f}));
    EXPECT_TRUE((*loaded)->docs()[1].embedding.empty());
}

TEST(EmbeddingResponse, ParsesByIndexAndRejectsBadShapes) {
    auto ok = llm::ParseEmbeddingResponse(
        Json::parse(R"({"data": [{"index": 1, "embedding": [3, 4]}, {"index": 0, "embedding": [1, 2]}]})"), 2);
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ((*ok)[0], (std::vector<float>{1, 2}));
    EXPECT_EQ((*ok)[1], (std::vector<float>{3, 4}));
    EXPECT_FALSE(llm::ParseEmbeddingResponse(Json::parse(R"({"data": []})"), 1));
    EXPECT_FALSE(llm::ParseEmbeddingResponse(
        Json::parse(R"({"data": [{"embedding": [1]}, {"embedding": [1, 2]}]})"), 2));
    EXPECT_FALSE(llm::ParseEmbeddingResponse(Json::parse(R"({"data": [{"embedding": ["x"]}]})"), 1));
    EXPECT_NEAR(llm::CosineSimilarity({1, 0}, {1, 1}), 0.70710678, 1e-6);
    EXPECT_EQ(llm::CosineSimilarity({0, 0}, {1, 1}), 0.0);
}

TEST_F(SearchRerankTest, EmbeddingsConfigFromToml) {
    std::filesystem::create_directories(dir_);
    const std::string path = (dir_ / "cortex.toml").string();
    auto load = [&](const std::string& text) {
        std::ofstream(path, std::ios::trunc) << text;
        return llm::LoadEmbeddingConfig(path);
    };
    auto none = load("[server]\nport = 1\n");
    ASSERT_TRUE(none);
    EXPECT_FALSE(none->has_value());
    auto ok = load("[embeddings]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\nbatch_size = 8\n");
    ASSERT_TRUE(ok) << ok.error().message;
    ASSERT_TRUE(ok->has_value());
    EXPECT_EQ((*ok)->provider, "openai_compatible");
    EXPECT_EQ((*ok)->batch_size, 8);
    auto bad_key = load("[embeddings]\nbase_url = \"http://x\"\nmodel = \"m\"\nbatchsize = 8\n");
    ASSERT_FALSE(bad_key);
    EXPECT_NE(bad_key.error().message.find("cortex.toml:4: unknown key embeddings.batchsize"), std::string::npos)
        << bad_key.error().message;
    auto no_model = load("[embeddings]\nbase_url = \"http://x\"\n");
    ASSERT_FALSE(no_model);
    EXPECT_NE(no_model.error().message.find("embeddings.model is required"), std::string::npos);
    auto bad_provider = load("[embeddings]\nprovider = \"anthropic\"\nbase_url = \"http://x\"\nmodel = \"m\"\n");
    ASSERT_FALSE(bad_provider);
    EXPECT_NE(bad_provider.error().message.find("provider must be openai_compatible"), std::string::npos);
}

}  // namespace
}  // namespace oc::tools::search
