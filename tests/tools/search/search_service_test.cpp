// SearchService over a scripted source: the query shape of §7.1, incremental refresh by row key,
// persistence across restarts, suspension and target lag.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "tools/search/search_service.h"

namespace oc::tools::search {
namespace {

// A source whose rows the test edits between refreshes; counts reads.
struct FakeSource {
    SourceRows data;
    int reads = 0;
    bool fail = false;

    SourceReader Reader() {
        return [this]() -> Result<SourceRows> {
            ++reads;
            if (fail) return MakeError(ErrorCode::kInvalidArgument, "Invalid search service definition: boom");
            return data;
        };
    }
    void Put(int id, const std::string& body, const std::string& category, double price) {
        for (Json& row : data.rows) {
            if (row["DOC_ID"] == id) {
                row["BODY"] = body;
                row["CATEGORY"] = category;
                row["PRICE"] = price;
                return;
            }
        }
        Json row = Json::object();
        row["DOC_ID"] = id;
        row["BODY"] = body;
        row["CATEGORY"] = category;
        row["PRICE"] = price;
        data.rows.push_back(row);
    }
    void Erase(int id) {
        std::erase_if(data.rows, [&](const Json& r) { return r["DOC_ID"] == id; });
    }
};

class SearchServiceTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::random_device rd;
        dir_ = std::filesystem::temp_directory_path() / ("oc_search_service_" + std::to_string(rd()));
        source_.data.columns = {{"DOC_ID", ColumnKind::kNumber},
                                {"BODY", ColumnKind::kText},
                                {"CATEGORY", ColumnKind::kText},
                                {"PRICE", ColumnKind::kNumber}};
        source_.Put(1, "Refund policy: customers may return items within 30 days.", "policy", 10);
        source_.Put(2, "Shipping policy: orders ship within two business days.", "policy", 20);
        source_.Put(3, "Damaged items can be returned for a replacement.", "faq", 5);
        spec_.database_name = "DEMO";
        spec_.schema_name = "PUBLIC";
        spec_.name = "POLICY_SEARCH";
        spec_.search_column = "body";
        spec_.attribute_columns = {"category", "PRICE"};
        spec_.target_lag = {false, 3600};
        spec_.definition = "SELECT * FROM policies";
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::unique_ptr<SearchService> Make(const std::string& path = "") {
        return std::make_unique<SearchService>(spec_, source_.Reader(), path);
    }
    static std::vector<int> Ids(const Json& results, const std::string& column = "DOC_ID") {
        std::vector<int> ids;
        for (const Json& r : results["results"]) ids.push_back(r[column].get<int>());
        return ids;
    }

    std::filesystem::path dir_;
    FakeSource source_;
    SearchServiceSpec spec_;
};

TEST_F(SearchServiceTest, QueryReturnsRequestedColumnsAndScores) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    auto out = service->Query(Json::parse(R"({"query": "refund return items", "columns": ["doc_id", "CATEGORY"]})"));
    ASSERT_TRUE(out) << out.error().message;
    ASSERT_EQ((*out)["results"].size(), 2u);
    const Json& first = (*out)["results"][0];
    EXPECT_EQ(first["DOC_ID"], 1);
    EXPECT_EQ(first["CATEGORY"], "policy");
    EXPECT_FALSE(first.contains("BODY"));
    EXPECT_GT(first["@scores"]["text_match"].get<double>(), (*out)["results"][1]["@scores"]["text_match"].get<double>());
    EXPECT_FALSE(out->contains("request_id"));  // the API edge adds it
}

TEST_F(SearchServiceTest, ColumnsAbsentMeansOnlyTheSearchColumn) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    auto out = service->Query(Json::parse(R"({"query": "shipping"})"));
    ASSERT_TRUE(out);
    ASSERT_EQ((*out)["results"].size(), 1u);
    Json expected = Json::parse(R"({"BODY": "Shipping policy: orders ship within two business days."})");
    Json item = (*out)["results"][0];
    item.erase("@scores");
    EXPECT_EQ(item, expected);
}

TEST_F(SearchServiceTest, FilterAndLimit) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    auto out = service->Query(Json::parse(
        R"({"query": "policy items", "columns": ["DOC_ID"], "filter": {"@eq": {"CATEGORY": "policy"}}, "limit": 1})"));
    ASSERT_TRUE(out);
    EXPECT_EQ(Ids(*out), std::vector<int>{1});
    auto ranged = service->Query(Json::parse(
        R"({"query": "", "columns": ["DOC_ID"], "filter": {"@and": [{"@gte": {"PRICE": 5}}, {"@lte": {"PRICE": 10}}]}})"));
    ASSERT_TRUE(ranged);
    EXPECT_EQ(Ids(*ranged), (std::vector<int>{1, 3}));
}

TEST_F(SearchServiceTest, RequestErrorsAreInvalidArgument) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    const std::pair<const char*, const char*> cases[] = {
        {R"({})", "Missing required field 'query'"},
        {R"({"query": 5})", "'query': expected a string"},
        {R"({"query": "x", "columns": ["NOPE"]})", "column 'NOPE' is not a column of the service"},
        {R"({"query": "x", "columns": "DOC_ID"})", "'columns'"},
        {R"({"query": "x", "limit": 0})", "'limit': must be an integer in 1..1000, got 0"},
        {R"({"query": "x", "limit": 1001})", "got 1001"},
        {R"({"query": "x", "limit": 2.5})", "'limit'"},
        {R"({"query": "x", "filter": {"@eq": {"BODY": "x"}}})", "'BODY' is not an ATTRIBUTES column"},
        {R"({"query": "x", "filter": {"@contains": {"CATEGORY": "x"}}})", "@contains needs an ARRAY column"},
        {R"({"query": "x", "filter": "CATEGORY = 1"})", "Invalid filter"},
        {R"({"multi_index_query": {"BODY": [{"text": "x"}]}})", "multi_index_query is not supported"},
        {R"({"query": "x", "scoring_profile": "p1"})", "scoring_profile"},
    };
    for (const auto& [body, part] : cases) {
        auto out = service->Query(Json::parse(body));
        ASSERT_FALSE(out) << body;
        EXPECT_EQ(out.error().code, ErrorCode::kInvalidArgument) << body;
        EXPECT_NE(out.error().message.find(part), std::string::npos) << body << " → " << out.error().message;
    }
    EXPECT_TRUE(service->Query(Json::parse(R"({"query": "x", "filter": {}, "scoring_config": {"reranker": "none"}})")));
}

TEST_F(SearchServiceTest, IncrementalRefreshAppliesOnlyTheDifference) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    source_.Put(4, "Gift cards cannot be refunded.", "faq", 1);           // new
    source_.Put(2, "Express shipping arrives next day.", "policy", 25);   // changed
    source_.Erase(3);                                                     // gone
    auto stats = service->Refresh();
    ASSERT_TRUE(stats) << stats.error().message;
    EXPECT_EQ(stats->added, 2u);
    EXPECT_EQ(stats->removed, 2u);
    EXPECT_EQ(stats->unchanged, 1u);
    auto refunds = service->Query(Json::parse(R"({"query": "refund", "columns": ["DOC_ID"]})"));
    EXPECT_EQ(Ids(*refunds), (std::vector<int>{4, 1}));
    auto damaged = service->Query(Json::parse(R"({"query": "damaged", "columns": ["DOC_ID"]})"));
    EXPECT_TRUE((*damaged)["results"].empty());
    auto express = service->Query(Json::parse(R"({"query": "express", "columns": ["DOC_ID", "PRICE"]})"));
    EXPECT_EQ((*express)["results"][0]["PRICE"], 25);
    auto again = service->Refresh();
    ASSERT_TRUE(again);
    EXPECT_EQ(again->added + again->removed, 0u);
    EXPECT_EQ(again->unchanged, 3u);
    EXPECT_EQ(service->Describe()["source_data_num_rows"], 3);
}

TEST_F(SearchServiceTest, DuplicateRowsStayDistinctDocuments) {
    source_.Put(5, "same text", "faq", 1);
    source_.data.rows.push_back(source_.data.rows.back());
    auto service = Make();
    ASSERT_TRUE(service->Open());
    auto out = service->Query(Json::parse(R"({"query": "same", "columns": ["DOC_ID"]})"));
    EXPECT_EQ(Ids(*out), (std::vector<int>{5, 5}));
    source_.data.rows.pop_back();
    auto stats = service->Refresh();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->removed, 1u);
    EXPECT_EQ(stats->added, 0u);
}

TEST_F(SearchServiceTest, PrimaryKeyIdentifiesChangedRows) {
    spec_.primary_key = {"DOC_ID"};
    auto service = Make();
    ASSERT_TRUE(service->Open());
    source_.Put(1, "Refund policy: 60 days now.", "policy", 10);
    auto stats = service->Refresh();
    ASSERT_TRUE(stats);
    EXPECT_EQ(stats->added, 1u);
    EXPECT_EQ(stats->removed, 1u);
    EXPECT_EQ(stats->unchanged, 2u);
    auto out = service->Query(Json::parse(R"({"query": "", "columns": ["DOC_ID"], "filter": {"@primarykey": {"DOC_ID": 1}}})"));
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(Ids(*out), std::vector<int>{1});
}

TEST_F(SearchServiceTest, IndexPersistsAndReopensWithoutReadingTheSource) {
    const std::string path = (dir_ / "svc.idx").string();
    {
        auto service = Make(path);
        ASSERT_TRUE(service->Open());
        EXPECT_EQ(source_.reads, 1);
    }
    ASSERT_TRUE(std::filesystem::exists(path));
    spec_.search_column = "BODY";
    spec_.attribute_columns = {"CATEGORY", "PRICE"};
    auto reopened = Make(path);
    ASSERT_TRUE(reopened->Open());
    EXPECT_EQ(source_.reads, 1);
    auto out = reopened->Query(Json::parse(R"({"query": "shipping", "columns": ["DOC_ID"]})"));
    ASSERT_TRUE(out);
    EXPECT_EQ(Ids(*out), std::vector<int>{2});
    source_.Put(6, "Shipping to islands costs extra.", "faq", 3);
    ASSERT_TRUE(reopened->Refresh());
    auto after = Make(path);
    ASSERT_TRUE(after->Open());
    auto both = after->Query(Json::parse(R"({"query": "shipping", "columns": ["DOC_ID"]})"));
    EXPECT_EQ(Ids(*both).size(), 2u);
}

TEST_F(SearchServiceTest, BadSourceFailsOpenAndQueryIsUnavailable) {
    source_.fail = true;
    auto service = Make();
    auto st = service->Open();
    ASSERT_FALSE(st);
    EXPECT_EQ(service->Describe()["indexing_state"], "INITIALIZING");
    EXPECT_EQ(service->Describe()["indexing_error"], "Invalid search service definition: boom");
    auto out = service->Query(Json::parse(R"({"query": "x"})"));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, ErrorCode::kUnavailable);
}

TEST_F(SearchServiceTest, MissingColumnsAndNonTextSearchColumnAreRejected) {
    spec_.attribute_columns = {"NOPE"};
    auto missing = Make()->Open();
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("'attribute_columns': column 'NOPE' is not produced"), std::string::npos);
    spec_.attribute_columns = {};
    spec_.search_column = "PRICE";
    auto numeric = Make()->Open();
    ASSERT_FALSE(numeric);
    EXPECT_NE(numeric.error().message.find("the search column must be TEXT"), std::string::npos);
}

TEST_F(SearchServiceTest, SuspendedServingRefusesQueries) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    service->SetSuspended(false, true, true);
    auto out = service->Query(Json::parse(R"({"query": "x"})"));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.error().code, ErrorCode::kFailedPrecondition);
    EXPECT_EQ(service->Describe()["serving_state"], "SUSPENDED");
    EXPECT_EQ(service->Describe()["indexing_state"], "ACTIVE");
    service->SetSuspended(false, true, false);
    EXPECT_TRUE(service->Query(Json::parse(R"({"query": "x"})")));
}

TEST_F(SearchServiceTest, LazyRefreshOnlyWhenTargetLagPassed) {
    auto service = Make();
    ASSERT_TRUE(service->Open());
    ASSERT_TRUE(service->Query(Json::parse(R"({"query": "x"})")));
    EXPECT_EQ(source_.reads, 1);  // lag of an hour: no refresh
    spec_.target_lag = {true, 0};  // DOWNSTREAM: never automatic
    auto downstream = Make();
    ASSERT_TRUE(downstream->Open());
    ASSERT_TRUE(downstream->Query(Json::parse(R"({"query": "x"})")));
    EXPECT_EQ(source_.reads, 2);
}

TEST_F(SearchServiceTest, DescribeHasTheCortexSearchServiceFields) {
    spec_.owner = "SYSADMIN";
    spec_.warehouse = "WH";
    auto service = Make();
    ASSERT_TRUE(service->Open());
    Json d = service->Describe();
    EXPECT_EQ(d["name"], "POLICY_SEARCH");
    EXPECT_EQ(d["search_column"], "BODY");
    EXPECT_EQ(d["columns"], Json::parse(R"(["DOC_ID", "BODY", "CATEGORY", "PRICE"])"));
    EXPECT_EQ(d["attribute_columns"], Json::parse(R"(["CATEGORY", "PRICE"])"));
    EXPECT_EQ(d["target_lag"], Json::parse(R"({"type": "USER_DEFINED", "seconds": 3600})"));
    EXPECT_EQ(d["database_name"], "DEMO");
    EXPECT_EQ(d["indexing_state"], "ACTIVE");
    EXPECT_EQ(d["serving_state"], "ACTIVE");
    EXPECT_EQ(d["source_data_num_rows"], 3);
    EXPECT_GT(d["serving_data_bytes"].get<int64_t>(), 0);
    EXPECT_TRUE(d["data_timestamp"].is_string());
    EXPECT_FALSE(d.contains("indexing_error"));
}

}  // namespace
}  // namespace oc::tools::search
