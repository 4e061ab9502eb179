#include "net/router.h"

#include <gtest/gtest.h>

namespace oc::net {
namespace {

HttpRequest Req(const std::string& method, const std::string& path) {
    HttpRequest r;
    r.method = method;
    r.path = path;
    return r;
}

Router MakeRouter() {
    Router router;
    auto ok = [](HttpRequest&) { return HttpResponse{}; };
    router.Add("GET", "/api/v2/databases/{db}/schemas/{schema}/agents", ok);
    router.Add("GET", "/api/v2/databases/{db}/schemas/{schema}/agents/{name}", ok);
    router.Add("POST", "/api/v2/databases/{db}/schemas/{schema}/agents/{name}:run", ok);
    return router;
}

TEST(Router, CapturesDecodedSegments) {
    Router router = MakeRouter();
    HttpRequest r = Req("GET", "/api/v2/databases/%22My%20Db%22/schemas/PUBLIC/agents/a1");
    auto m = router.Resolve(r);
    ASSERT_EQ(m.status, 200);
    EXPECT_EQ(r.params["db"], "\"My Db\"");
    EXPECT_EQ(r.params["schema"], "PUBLIC");
    EXPECT_EQ(r.params["name"], "a1");
}

TEST(Router, CustomVerbAlsoWhenColonIsEncoded) {
    Router router = MakeRouter();
    for (const char* path : {"/api/v2/databases/D/schemas/S/agents/A:run", "/api/v2/databases/D/schemas/S/agents/A%3Arun"}) {
        HttpRequest r = Req("POST", path);
        auto m = router.Resolve(r);
        ASSERT_EQ(m.status, 200) << path;
        EXPECT_EQ(r.verb, "run");
        EXPECT_EQ(r.params["name"], "A");
    }
}

TEST(Router, ColonInsideQuotedNameIsNotAVerb) {
    Router router = MakeRouter();
    HttpRequest r = Req("GET", "/api/v2/databases/D/schemas/S/agents/%22a:b%22");
    ASSERT_EQ(router.Resolve(r).status, 200);
    EXPECT_EQ(r.params["name"], "\"a:b\"");
}

TEST(Router, WrongMethodIs405UnknownIs404) {
    Router router = MakeRouter();
    HttpRequest wrong = Req("DELETE", "/api/v2/databases/D/schemas/S/agents");
    EXPECT_EQ(router.Resolve(wrong).status, 405);
    HttpRequest unknown = Req("GET", "/api/v2/nothing");
    EXPECT_EQ(router.Resolve(unknown).status, 404);
    HttpRequest verb = Req("POST", "/api/v2/databases/D/schemas/S/agents/A:fly");
    EXPECT_EQ(router.Resolve(verb).status, 404);
    HttpRequest trailing = Req("GET", "/api/v2/databases/D/schemas/S/agents/");
    EXPECT_EQ(router.Resolve(trailing).status, 200);
}

}  // namespace
}  // namespace oc::net
