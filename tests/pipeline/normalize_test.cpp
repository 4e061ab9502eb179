#include "pipeline/normalize.h"

#include <gtest/gtest.h>

#include "pipeline/json_path.h"
#include "pipeline/naming.h"
#include "pipeline/paginator.h"

namespace oc::pipeline {
namespace {

TEST(Naming, SnakeCaseTable) {
    const std::pair<const char*, const char*> cases[] = {{"camelCase", "camel_case"},
                                                         {"userID", "user_id"},
                                                         {"HTTPResponseCode", "http_response_code"},
                                                         {"getHTTPResponse", "get_http_response"},
                                                         {"Weird Key!", "weird_keyx"},
                                                         {"price$", "pricex"},
                                                         {"123abc", "_123abc"},
                                                         {"x-y", "x_y"},
                                                         {"trail_", "trailx"},
                                                         {"BANANA____", "bananaxxxx"},
                                                         {"123BaNaNa", "_123_ba_na_na"},
                                                         {"BANaNA", "ba_na_na"},
                                                         {"event-.!:*<>value", "event_x_value"},
                                                         {"+1", "x1"},
                                                         {"-1", "_1"},
                                                         {"Posts List", "posts_list"},
                                                         {"tagOrId", "tag_or_id"}};
    for (const auto& [in, out] : cases) EXPECT_EQ(NormalizeIdentifier(in), out) << in;
    EXPECT_EQ(NormalizePath("a__b"), "a__b");
    EXPECT_EQ(NormalizePath("__meta"), "meta");
    EXPECT_EQ(NormalizePath("Cortex-Data"), "cortex_data");
}

TEST(DataSelector, AutoDetection) {
    const std::pair<const char*, const char*> cases[] = {
        {R"({"meta":{"warnings":["w"]},"results":[1]})", "results"},
        {R"({"foo":[1],"bar":[2]})", "foo"},
        {R"({"wrapper":{"items":[1]},"other":[2]})", "wrapper.items"},
        {R"({"a":{"b":{"c":[1]}}})", "a.b.c"},
        {R"({"a":{"b":{"c":{"d":[1]}}}})", "$"},
        {R"({"Items":[1],"z":[2]})", "Items"},
        {R"({"groups":[1],"data":{"x":[1]}})", "groups"},
        {R"({"data":null,"items":[1]})", "items"},
        {R"([1,2])", "$"}};
    for (const auto& [body, sel] : cases)
        EXPECT_EQ(DetectDataSelector(*ParseJson(body)), sel) << body;
}

TEST(Paginator, AutoDetection) {
    const std::pair<const char*, std::pair<const char*, const char*>> cases[] = {
        {R"({"next":null,"nextPage":"/p?page=2","data":[]})", {"json_link", "nextPage"}},
        {R"({"next":{"href":"http://x/2"}})", {"json_link", "next.href"}},
        {R"({"paging":{"next_url":"http://x/2"}})", {"json_link", "paging.next_url"}},
        {R"({"next":"abc"})", {"cursor", "next"}},
        {R"({"next_id":33})", {"cursor", "next_id"}},
        {R"({"pages":"7"})", {"page_number", "pages"}},
        {R"({"cursor":"x"})", {"single_page", ""}}};
    for (const auto& [body, want] : cases) {
        Paginator p;
        p.Detect(net::ClientResponse{}, *ParseJson(body));
        EXPECT_EQ(p.type, want.first) << body;
        EXPECT_EQ(p.path, want.second) << body;
    }
}

TEST(JsonPath, SelectsRecords) {
    Json body = *ParseJson(R"({"data":{"items":[{"a":1},{"a":2}]},"spec":"x"})");
    EXPECT_EQ(SelectRecords(*ParseJsonPath("$.data.items"), body).size(), 2u);
    EXPECT_EQ(SelectRecords(*ParseJsonPath("data.items[*]"), body).size(), 2u);
    EXPECT_EQ(SelectRecords(*ParseJsonPath("spec"), body).size(), 1u);
    EXPECT_EQ(SelectRecords(*ParseJsonPath("missing"), body).size(), 0u);
    EXPECT_FALSE(ParseJsonPath("choices/content[*]"));
}

// Expected names computed independently with python3 hashlib.shake_128 (4-byte digest, base64,
// '/'→'a', '+'→'b', lower case; first 29 + tag + last 28 characters for max 63).
TEST(Naming, ShortenIdentifier) {
    const std::string f = "a_very_long_field_name_that_keeps_going_on_and_on_past_the_postgres_limit";
    EXPECT_EQ(ShortenIdentifier(f, f, 63),
              "a_very_long_field_name_that_ky7qqxqd_on_past_the_postgres_limit");
    EXPECT_EQ(NormalizeIdentifier(f, 63),
              "a_very_long_field_name_that_ky7qqxqd_on_past_the_postgres_limit");
    // The tag hashes the original identifier, not the normalized one.
    std::string norm, orig;
    for (int i = 0; i < 10; ++i) norm += "user_id", orig += "userId";
    EXPECT_EQ(ShortenIdentifier(norm, orig, 63),
              "user_iduser_iduser_iduser_iduumxvyguser_iduser_iduser_iduser_id");
    EXPECT_EQ(ShortenIdentifier(norm, orig, 63).size(), 63u);
    const std::string x63(63, 'x');
    EXPECT_EQ(ShortenIdentifier(x63, x63, 63), x63);  // at the limit: unchanged
    EXPECT_EQ(ShortenIdentifier(f, f, 0), f);         // no limit
    EXPECT_EQ(NormalizeIdentifier(f, MaxIdentifierLength("duckdb")), f);
    EXPECT_EQ(MaxIdentifierLength("postgres"), 63u);
}

TEST(Normalizer, ShortensLongTableAndColumnNames) {
    const std::string f = "a_very_long_field_name_that_keeps_going_on_and_on_past_the_postgres_limit";
    const std::string l = "nested_list_with_a_name_long_enough_to_overflow_the_identifier_limit_too";
    Json rec = Json::object();
    rec["id"] = 1;
    rec[f] = "v";
    rec["details"] = Json::object({{f, 2}});
    rec[l] = Json::array({Json::object({{f, 3}, {"sub", Json::array({4})}})});
    for (size_t max : {size_t{63}, size_t{0}}) {
        Normalizer n("1.5");
        n.SetMaxIdentifierLength(max);
        ResourceConfig res;
        res.name = "orders";
        n.AddResource(res, {rec});
        auto& tables = n.tables();
        ASSERT_EQ(tables.size(), 3u);
        std::vector<std::string> cols;
        for (const auto& c : tables[0].columns) cols.push_back(c.name);
        std::vector<std::string> names;
        for (const auto& t : tables) names.push_back(t.name);
        if (max == 0) {
            EXPECT_EQ(cols, (std::vector<std::string>{"id", f, "details__" + f, "_dlt_load_id",
                                                      "_dlt_id"}));
            EXPECT_EQ(names, (std::vector<std::string>{"orders", "orders__" + l,
                                                       "orders__" + l + "__sub"}));
            continue;
        }
        const std::string col = "a_very_long_field_name_that_ky7qqxqd_on_past_the_postgres_limit";
        // details__<shortened f> is 72 characters: shortened again, hashing that whole path.
        EXPECT_EQ(cols, (std::vector<std::string>{
                            "id", col, "details__a_very_long_field_na2svxewd_on_past_the_postgres_limit",
                            "_dlt_load_id", "_dlt_id"}));
        // Nested tables hash their full unshortened path (the grandchild too).
        EXPECT_EQ(names, (std::vector<std::string>{
                             "orders", "orders__nested_list_with_a_nail7iaqlow_the_identifier_limit_too",
                             "orders__nested_list_with_a_nanb2vsghe_identifier_limit_too__sub"}));
        EXPECT_EQ(tables[1].columns[0].name, col);
        EXPECT_EQ(tables[2].parent, tables[1].name);
        EXPECT_EQ(tables[1].rows.size(), 1u);
        EXPECT_EQ(tables[2].rows.size(), 1u);
    }
}

TEST(Normalizer, FlattenOrderAndNestedTables) {
    Normalizer n("1.5");
    ResourceConfig res;
    res.name = "nested";
    Json rec =
        *ParseJson(R"({"id":1,"userName":"a","address":{"city":"c","geo":{"lat":1.5,"lng":2}},
        "tags":["x","y"],"orders":[{"oid":1,"lines":[{"sku":"s"}]}],"createdAt":"2024-01-01T00:00:00Z",
        "birthday":"1990-05-06","active":true,"score":2.5,"meta":{}})");
    n.AddResource(res, {rec});
    auto& tables = n.tables();
    ASSERT_EQ(tables.size(), 4u);
    std::vector<std::string> cols;
    for (const auto& c : tables[0].columns) cols.push_back(c.name);
    EXPECT_EQ(cols, (std::vector<std::string>{"id", "user_name", "created_at", "birthday", "active",
                                              "score", "address__city", "address__geo__lat",
                                              "address__geo__lng", "_dlt_load_id", "_dlt_id"}));
    EXPECT_EQ(tables[0].columns[2].type, DataType::kTimestamp);
    EXPECT_EQ(tables[0].columns[3].type, DataType::kText);
    EXPECT_EQ(tables[1].name, "nested__tags");
    EXPECT_EQ(tables[2].name, "nested__orders");
    EXPECT_EQ(tables[3].name, "nested__orders__lines");
    cols.clear();
    for (const auto& c : tables[1].columns) cols.push_back(c.name);
    EXPECT_EQ(cols,
              (std::vector<std::string>{"value", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id"}));
}

TEST(Normalizer, VariantColumnsOnTypeConflict) {
    Normalizer n("1.5");
    ResourceConfig res;
    res.name = "variant";
    n.AddResource(res, {*ParseJson(R"({"val":5})"), *ParseJson(R"({"val":"five"})"),
                        *ParseJson(R"({"val":5.5})"), *ParseJson(R"({"val":"6"})")});
    std::vector<std::string> cols;
    for (const auto& c : n.tables()[0].columns) cols.push_back(c.name);
    EXPECT_EQ(cols, (std::vector<std::string>{"val", "_dlt_load_id", "_dlt_id", "val__v_text",
                                              "val__v_double"}));
}

TEST(Normalizer, MaxTableNestingZeroKeepsJson) {
    Normalizer n("1.5");
    ResourceConfig res;
    res.name = "t";
    res.max_table_nesting = 0;
    n.AddResource(res, {*ParseJson(R"({"id":1,"address":{"city":"c"},"tags":[1]})")});
    ASSERT_EQ(n.tables().size(), 1u);
    EXPECT_EQ(n.tables()[0].columns[1].name, "address");
    EXPECT_EQ(n.tables()[0].columns[1].type, DataType::kJson);
}

}  // namespace
}  // namespace oc::pipeline
