// Cortex Search filters (reference agents-api.md §7.3): every operator, and each error naming
// the operator and column.
#include <gtest/gtest.h>

#include "tools/search/filter.h"

namespace oc::tools::search {
namespace {

const std::vector<ColumnInfo> kColumns = {
    {"BODY", ColumnKind::kText},        {"CATEGORY", ColumnKind::kText},
    {"PRICE", ColumnKind::kNumber},     {"TAGS", ColumnKind::kArray},
    {"UPDATED_AT", ColumnKind::kDate},  {"CREATED_TS", ColumnKind::kTimestamp},
    {"ACTIVE", ColumnKind::kBoolean},   {"META", ColumnKind::kObject},
    {"REGION", ColumnKind::kText},      {"AGENT_ID", ColumnKind::kNumber},
};

FilterScope Scope(std::vector<std::string> primary_key = {}) {
    return FilterScope{&kColumns,
                       {"CATEGORY", "PRICE", "TAGS", "UPDATED_AT", "CREATED_TS", "ACTIVE", "META", "REGION",
                        "AGENT_ID"},
                       std::move(primary_key)};
}

Json Rows() {
    return Json::parse(R"([
      {"ID": 0, "CATEGORY": "policy", "PRICE": 10.5, "TAGS": ["returns", "refund"], "UPDATED_AT": "2025-01-01",
       "CREATED_TS": "2025-01-01T10:00:00", "ACTIVE": true, "REGION": "EMEA", "AGENT_ID": 1},
      {"ID": 1, "CATEGORY": "policy", "PRICE": 12.5, "TAGS": ["shipping"], "UPDATED_AT": "2024-06-30",
       "CREATED_TS": "2024-06-30T23:59:59.5", "ACTIVE": false, "REGION": "AMER", "AGENT_ID": 2},
      {"ID": 2, "CATEGORY": "faq", "PRICE": 3, "TAGS": [], "UPDATED_AT": "2025-03-15",
       "CREATED_TS": "2025-03-15T00:00:00+00:00", "ACTIVE": true, "REGION": "EMEA", "AGENT_ID": 3},
      {"ID": 3, "CATEGORY": null, "PRICE": null, "TAGS": null, "UPDATED_AT": null,
       "CREATED_TS": null, "ACTIVE": null, "REGION": null, "AGENT_ID": null}
    ])");
}

// Ids of the rows the filter keeps.
std::vector<int> Matching(const std::string& filter_text, std::vector<std::string> primary_key = {}) {
    auto filter = Filter::Compile(Json::parse(filter_text), Scope(std::move(primary_key)));
    EXPECT_TRUE(filter) << filter_text << ": " << filter.error().message;
    std::vector<int> ids;
    if (!filter) return ids;
    for (const Json& row : Rows()) {
        if (filter->Matches(row)) ids.push_back(row["ID"].get<int>());
    }
    return ids;
}

struct MatchCase {
    const char* filter;
    std::vector<int> ids;
};

TEST(Filter, Operators) {
    const MatchCase cases[] = {
        {R"({})", {0, 1, 2, 3}},
        {R"({"@eq": {"CATEGORY": "policy"}})", {0, 1}},
        {R"({"@eq": {"category": "faq"}})", {2}},  // unquoted reference resolves upper-case
        {R"({"@eq": {"PRICE": 3}})", {2}},
        {R"({"@eq": {"PRICE": 3.0}})", {2}},
        {R"({"@eq": {"ACTIVE": false}})", {1}},
        {R"({"@eq": {"UPDATED_AT": "2025-01-01"}})", {0}},
        {R"({"@eq": {"UPDATED_AT": "2025-01-01T18:00:00+05:00"}})", {0}},  // time part truncated
        {R"({"@eq": {"CATEGORY": "policy", "REGION": "EMEA"}})", {0}},
        {R"({"@contains": {"TAGS": "returns"}})", {0}},
        {R"({"@contains": {"TAGS": "nope"}})", {}},
        {R"({"@gte": {"PRICE": 10.5}})", {0, 1}},
        {R"({"@lte": {"PRICE": 10.5}})", {0, 2}},
        {R"({"@and": [{"@gte": {"PRICE": 10.5}}, {"@lte": {"PRICE": 12.5}}]})", {0, 1}},
        {R"({"@gte": {"UPDATED_AT": "2025-01-01"}})", {0, 2}},
        {R"({"@lte": {"UPDATED_AT": "2024-12-31"}})", {1}},
        {R"({"@gte": {"CREATED_TS": "2025-01-01T10:00:00Z"}})", {0, 2}},
        {R"({"@gte": {"CREATED_TS": "2025-01-01T11:00:00+01:00"}})", {0, 2}},
        {R"({"@lte": {"CREATED_TS": "2024-07-01"}})", {1}},
        {R"({"@lte": {"CREATED_TS": "2024-06-30T23:59:59.4"}})", {}},
        {R"({"@or": [{"@contains": {"TAGS": "shipping"}}, {"@eq": {"CATEGORY": "faq"}}]})", {1, 2}},
        {R"({"@or": []})", {}},
        {R"({"@and": []})", {0, 1, 2, 3}},
        {R"({"@not": {"@eq": {"CATEGORY": "policy"}}})", {2, 3}},  // NULL passes through @not
        {R"({"@not": {"@and": [{"@eq": {"REGION": "EMEA"}}, {"@gte": {"PRICE": 5}}]}})", {1, 2, 3}},
        {R"({"@and": [{}, {"@eq": {"REGION": "AMER"}}]})", {1}},
    };
    for (const MatchCase& c : cases) EXPECT_EQ(Matching(c.filter), c.ids) << c.filter;
}

TEST(Filter, PrimaryKeyMatchesOneRowByItsFullKey) {
    EXPECT_EQ(Matching(R"({"@primarykey": {"REGION": "EMEA", "AGENT_ID": 3}})", {"REGION", "AGENT_ID"}),
              std::vector<int>{2});
    EXPECT_EQ(Matching(R"({"@primarykey": {"REGION": null, "AGENT_ID": null}})", {"REGION", "AGENT_ID"}),
              std::vector<int>{3});
}

struct ErrorCase {
    const char* filter;
    const char* message_part;
};

TEST(Filter, TypeAndSyntaxErrorsNameTheColumnOrOperator) {
    const ErrorCase cases[] = {
        {R"([])", "expected a filter object"},
        {R"({"@eq": "policy"})", "@eq takes an object"},
        {R"({"@eq": {}})", "@eq takes an object"},
        {R"({"@like": {"CATEGORY": "p%"}})", "unknown operator '@like'"},
        {R"({"@EQ": {"CATEGORY": "policy"}})", "unknown operator '@EQ'"},
        {R"({"@eq": {"NOPE": 1}})", "column 'NOPE' does not exist"},
        {R"({"@eq": {"BODY": "x"}})", "'BODY' is not an ATTRIBUTES column"},
        {R"({"@eq": {"CATEGORY": 5}})", "@eq on TEXT column 'CATEGORY' needs a string, got a number"},
        {R"({"@eq": {"PRICE": "10"}})", "@eq on NUMBER column 'PRICE' needs a number, got a string"},
        {R"({"@eq": {"ACTIVE": "yes"}})", "@eq on BOOLEAN column 'ACTIVE' needs a boolean"},
        {R"({"@eq": {"TAGS": "returns"}})", "not supported on ARRAY column 'TAGS'; use @contains"},
        {R"({"@eq": {"META": 1}})", "not supported on OBJECT column 'META'"},
        {R"({"@contains": {"CATEGORY": "policy"}})", "@contains needs an ARRAY column; 'CATEGORY' is TEXT"},
        {R"({"@contains": {"TAGS": ["a"]}})", "@contains on ARRAY column 'TAGS' needs a scalar value"},
        {R"({"@gte": {"CATEGORY": "a"}})", "@gte needs a NUMBER, DATE or TIMESTAMP column; 'CATEGORY' is TEXT"},
        {R"({"@lte": {"TAGS": 1}})", "@lte needs a NUMBER, DATE or TIMESTAMP column; 'TAGS' is ARRAY"},
        {R"({"@gte": {"PRICE": "10"}})", "@gte on NUMBER column 'PRICE' needs a number"},
        {R"({"@gte": {"UPDATED_AT": "yesterday"}})", "@gte on DATE column 'UPDATED_AT' needs a date string"},
        {R"({"@gte": {"UPDATED_AT": "2025-02-30"}})", "UPDATED_AT"},
        {R"({"@lte": {"CREATED_TS": 5}})", "@lte on TIMESTAMP column 'CREATED_TS' needs a timestamp string"},
        {R"({"@and": {"@eq": {"CATEGORY": "a"}}})", "@and takes an array"},
        {R"({"@or": [{"@eq": {"PRICE": "x"}}]})", "'PRICE'"},
        {R"({"@not": [{"@eq": {"CATEGORY": "a"}}]})", "@not takes one filter object"},
        {R"({"@primarykey": {"REGION": "EMEA"}})", "@primarykey needs a service created with a primary key"},
    };
    for (const ErrorCase& c : cases) {
        auto filter = Filter::Compile(Json::parse(c.filter), Scope());
        ASSERT_FALSE(filter) << c.filter;
        EXPECT_EQ(filter.error().code, ErrorCode::kInvalidArgument) << c.filter;
        EXPECT_NE(filter.error().message.find(c.message_part), std::string::npos)
            << c.filter << " → " << filter.error().message;
    }
}

TEST(Filter, PrimaryKeyMustNameEveryKeyColumn) {
    const std::vector<std::string> pk = {"REGION", "AGENT_ID"};
    auto missing = Filter::Compile(Json::parse(R"({"@primarykey": {"REGION": "EMEA"}})"), Scope(pk));
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message.find("'AGENT_ID' is missing"), std::string::npos);
    auto extra = Filter::Compile(Json::parse(R"({"@primarykey": {"PRICE": 1}})"), Scope(pk));
    ASSERT_FALSE(extra);
    EXPECT_NE(extra.error().message.find("'PRICE' is not a primary key column"), std::string::npos);
}

TEST(Filter, EmptyAndNullFiltersMatchEverything) {
    auto empty = Filter::Compile(Json::object(), Scope());
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
    auto null = Filter::Compile(Json(), Scope());
    ASSERT_TRUE(null);
    EXPECT_TRUE(null->Matches(Json::object()));
}

}  // namespace
}  // namespace oc::tools::search
