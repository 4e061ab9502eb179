// Vector re-ranking end to end: `cortex serve --config` with an [embeddings] table pointing at the
// fake LLM's /v1/embeddings (hashed bag of words), a search service over a table made through the
// SQL API, and :query results ordered by the cosine similarities those vectors dictate; without
// the table the same query keeps BM25 order.
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>

#include "fake_llm.h"
#include "fake_llm_embeddings.h"
#include "fixture.h"

namespace oc::testing {
namespace {

const std::string kServices = "/api/v2/databases/RR/schemas/PUBLIC/cortex-search-services";
const std::string kQuery = "alpha beta";
// BM25 puts document 1 first (it alone holds the rare "alpha"); by word vectors it is fourth.
const std::vector<std::pair<int, std::string>> kDocs = {
    {1, "alpha zeta eta theta iota kappa"}, {2, "beta beta beta"}, {3, "beta omega"},
    {4, "beta sigma sigma"}, {5, "beta tau tau tau"}, {6, "gamma delta"}};

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        dot += a[i] * b[i];
        na += a[i] * a[i];
        nb += b[i] * b[i];
    }
    return dot / std::sqrt(na * nb);
}

class SearchRerankApi : public ::testing::Test {
protected:
    void Start(bool with_embeddings) {
        std::vector<std::string> extra;
        if (with_embeddings) {
            fake_ = FakeLlm::Start();
            ASSERT_NE(fake_, nullptr);
            const std::string config = dir_.path() + "/cortex.toml";
            std::ofstream(config) << "[embeddings]\nprovider = \"openai_compatible\"\nbase_url = \""
                                  << fake_->base_url() << "/v1\"\nmodel = \"fake-embed\"\nbatch_size = 4\n";
            extra = {"--config", config};
        }
        server_ = CortexServer::Start(dir_.path() + "/data", extra);
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
        ASSERT_EQ(Call("POST", "/api/v2/databases", R"({"name": "RR"})").status, 200);
        std::string values;
        for (const auto& [id, body] : kDocs) {
            values += (values.empty() ? "" : ", ") + ("(" + std::to_string(id) + ", '" + body + "')");
        }
        for (const std::string& sql : {std::string("CREATE TABLE docs (id INTEGER, body VARCHAR)"),
                                       "INSERT INTO docs VALUES " + values}) {
            Json req = {{"statement", sql}, {"database", "RR"}, {"schema", "PUBLIC"}};
            auto r = Call("POST", "/api/v2/statements", req.dump());
            ASSERT_EQ(r.status, 200) << r.body;
        }
        auto r = Call("POST", kServices, R"({"name": "DOCS", "search_column": "BODY",
            "target_lag": {"type": "DOWNSTREAM"}, "warehouse": "WH", "primary_key": ["ID"],
            "definition": "SELECT id, body FROM docs"})");
        ASSERT_EQ(r.status, 200) << r.body;
    }
    HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "") {
        return Api(method, server_->url() + path, token_, body);
    }
    Json Query(const std::string& extra = "") {
        auto r = Call("POST", kServices + "/DOCS:query",
                      R"({"query": ")" + kQuery + R"(", "columns": ["ID", "BODY"], "limit": 10)" + extra + "}");
        EXPECT_EQ(r.status, 200) << r.body;
        auto j = ParseJson(r.body);
        return j ? *j : Json();
    }
    static std::vector<int> Ids(const Json& results) {
        std::vector<int> ids;
        for (const Json& x : results["results"]) ids.push_back(x["ID"].get<int>());
        return ids;
    }

    TempDir dir_;
    std::unique_ptr<FakeLlm> fake_;
    std::unique_ptr<CortexServer> server_;
    std::string token_;
};

TEST_F(SearchRerankApi, EmbeddingsDictateTheOrder) {
    Start(true);
    if (HasFatalFailure()) return;
    const Json bm25 = Query(R"(, "scoring_config": {"reranker": "none"})");
    const std::vector<int> bm25_ids = Ids(bm25);
    ASSERT_EQ(bm25_ids.size(), 5u) << bm25.dump();
    EXPECT_EQ(bm25_ids.front(), 1);

    // The expected order: the BM25 matches sorted by the cosine of the fake's vectors.
    const std::vector<float> q = FakeEmbedding(kQuery);
    std::map<int, double> cosine;
    for (const auto& [id, body] : kDocs) cosine[id] = Cosine(q, FakeEmbedding(body));
    std::vector<int> expected = bm25_ids;
    std::stable_sort(expected.begin(), expected.end(), [&](int a, int b) { return cosine[a] > cosine[b]; });

    const Json reranked = Query();
    EXPECT_EQ(Ids(reranked), expected) << reranked.dump();
    EXPECT_NE(Ids(reranked), bm25_ids);
    // By hand: cosines 0.707 (2), 0.5 (3), 0.316 (4), 0.289 (1), 0.224 (5).
    EXPECT_EQ(Ids(reranked), (std::vector<int>{2, 3, 4, 1, 5}));
    for (const Json& x : reranked["results"]) {
        EXPECT_NEAR(x["@scores"]["cosine_similarity"].get<double>(), cosine[x["ID"].get<int>()], 1e-5);
        EXPECT_GT(x["@scores"]["text_match"].get<double>(), 0.0);
    }
}

TEST_F(SearchRerankApi, WithoutEmbeddingsConfigBm25OrderIsKept) {
    Start(false);
    if (HasFatalFailure()) return;
    const Json plain = Query();
    const std::vector<int> ids = Ids(plain);
    ASSERT_EQ(ids.size(), 5u) << plain.dump();
    EXPECT_EQ(ids.front(), 1);
    double previous = 1e9;
    for (const Json& x : plain["results"]) {
        EXPECT_FALSE(x["@scores"].contains("cosine_similarity"));
        const double s = x["@scores"]["text_match"].get<double>();
        EXPECT_LE(s, previous);
        previous = s;
    }
}

}  // namespace
}  // namespace oc::testing
