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
