// Extract: auth types on the wire, oauth2 token caching/refresh, secret redaction, and
// response_actions.
#include <gtest/gtest.h>

#include <thread>

#include "extract_fixture.h"
#include "pipeline/auth.h"
#include "pipeline/response_actions.h"

namespace oc::pipeline {
namespace {

Json EchoResource() { return Json::array({Json{{"name", "echo"}, {"endpoint", "auth/echo"}}}); }

TEST_F(ExtractScenario, BearerTokenFromSecretIsSentAsAuthorization) {
    secrets_.env_override = {{"SOURCES__REST_API__TOKEN", "bearer-secret-1"}};
    auto info = Run(Doc(EchoResource(), Json{{"type", "bearer"}}));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(api_.Seen("authorization"), "Bearer bearer-secret-1");
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.echo"), 2);
}

TEST_F(ExtractScenario, ApiKeyHeaderDefaultsToAuthorizationWithoutPrefix) {
    secrets_.env_override = {{"SOURCES__REST_API__API_KEY", "key-123"}};
    ASSERT_TRUE(Run(Doc(EchoResource(), Json{{"type", "api_key"}})));
    EXPECT_EQ(api_.Seen("authorization"), "key-123");
    ASSERT_TRUE(Run(Doc(EchoResource(), Json{{"type", "api_key"}, {"name", "X-Key"}})));
    EXPECT_EQ(api_.Seen("x-key"), "key-123");
    EXPECT_EQ(api_.Seen("authorization"), "");
}

TEST_F(ExtractScenario, ApiKeyInQueryAndCookie) {
    secrets_.env_override = {{"SOURCES__REST_API__API_KEY", "key:456"}};
    ASSERT_TRUE(Run(Doc(EchoResource(),
                        Json{{"type", "api_key"}, {"name", "api_key"}, {"location", "query"}})));
    EXPECT_EQ(api_.Seen("query"), "api_key=key%3A456");
    ASSERT_TRUE(Run(Doc(EchoResource(),
                        Json{{"type", "api_key"}, {"name", "session"}, {"location", "cookie"}})));
    EXPECT_EQ(api_.Seen("cookie"), "session=key:456");
    EXPECT_EQ(api_.Seen("query"), "");
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.echo"), 4);
}

TEST_F(ExtractScenario, HttpBasicEncodesUserAndPassword) {
    secrets_.env_override = {{"SOURCES__REST_API__PASSWORD", "open sesame"}};
    ASSERT_TRUE(Run(Doc(EchoResource(), Json{{"type", "http_basic"}, {"username", "ali"}})));
    // base64("ali:open sesame")
    EXPECT_EQ(api_.Seen("authorization"), "Basic YWxpOm9wZW4gc2VzYW1l");
}

Json OAuth(const std::string& base) {
    return Json{{"type", "oauth2_client_credentials"},
                {"access_token_url", base + "/oauth/token"},
                {"client_id", "cid"},
                {"access_token_request_data", {{"scope", "read:all"}}}};
}

Json OAuthResources() {
    return Json::array(
        {Json{{"name", "odata"},
              {"endpoint",
               {{"path", "oauth/data"},
                {"data_selector", "items"},
                {"paginator", {{"type", "page_number"}, {"total_path", "total_pages"}}}}}},
         Json{{"name", "odata2"},
              {"endpoint",
               {{"path", "oauth/data"},
                {"data_selector", "items"},
                {"paginator", {{"type", "page_number"}, {"total_path", "total_pages"}}}}}}});
}

TEST_F(ExtractScenario, OAuth2TokenFetchedOnceAndShared) {
    secrets_.env_override = {{"SOURCES__REST_API__CLIENT_SECRET", "cs-very-secret"}};
    auto info = Run(Doc(OAuthResources(), OAuth(api_.base)), ExtractOptions{.workers = 4});
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(api_.token_requests.load(), 1);
    EXPECT_EQ(api_.requests.load(), 6);  // 3 pages × 2 resources
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.odata"), 6);
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.odata2"), 6);
    std::string form = api_.Seen("token_form");
    EXPECT_NE(form.find("client_id=cid"), std::string::npos) << form;
    EXPECT_NE(form.find("grant_type=client_credentials"), std::string::npos) << form;
    EXPECT_NE(form.find("scope=read%3Aall"), std::string::npos) << form;
    EXPECT_EQ(api_.Seen("token_content_type"), "application/x-www-form-urlencoded");
}

TEST_F(ExtractScenario, OAuth2RefreshesTokenAfter401) {
    secrets_.env_override = {{"SOURCES__REST_API__CLIENT_SECRET", "cs-very-secret"}};
    api_.revoke_at = 2;  // the 2nd data request revokes tok1
    auto info = Run(Doc(Json::array({OAuthResources()[0]}), OAuth(api_.base)),
                    ExtractOptions{.max_retries = 0, .workers = 1});
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(api_.token_requests.load(), 2);
    EXPECT_EQ(api_.requests.load(), 4);  // page 0, page 1 (401), page 1 again, page 2
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.odata"), 6);
}

TEST_F(ExtractScenario, OAuth2TokenRefreshedWhenExpired) {
    api_.token_ttl = 1;
    AuthConfig cfg;
    cfg.type = "oauth2_client_credentials";
    cfg.access_token_url = api_.base + "/oauth/token";
    cfg.client_id = "cid";
    cfg.client_secret = "cs-very-secret";
    RequestAuth auth(cfg);
    HeaderList h;
    QueryList q;
    ASSERT_TRUE(auth.Apply(h, q));
    ASSERT_TRUE(auth.Apply(h, q));
    EXPECT_EQ(auth.token_requests(), 1);
    EXPECT_EQ(h[0].second, "Bearer tok1");
    EXPECT_EQ(h[1].second, "Bearer tok1");
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    ASSERT_TRUE(auth.Apply(h, q));
    EXPECT_EQ(auth.token_requests(), 2);
    EXPECT_EQ(h[2].second, "Bearer tok2");
}

TEST_F(ExtractScenario, OAuth2TokenFailureNamesUrlNotSecret) {
    secrets_.env_override = {{"SOURCES__REST_API__CLIENT_SECRET", "wrong-secret-value"}};
    auto info = Run(Doc(Json::array({OAuthResources()[0]}), OAuth(api_.base)));
    ASSERT_FALSE(info);
    EXPECT_NE(info.error().message.find("/oauth/token returned HTTP 401"), std::string::npos)
        << info.error().message;
    EXPECT_EQ(info.error().message.find("wrong-secret-value"), std::string::npos);
    EXPECT_EQ(Tables(), std::vector<std::string>{});
}

TEST_F(ExtractScenario, OAuth2MissingClientSecretIsConfigError) {
    auto cfg = Parse(Doc(EchoResource(), OAuth(api_.base)));
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().message,
              "test.json: missing secret `client_secret` for `client.auth` (set "
              "SOURCES__REST_API__CLIENT_SECRET or `client_secret` under [sources.rest_api] in "
              ".dlt/secrets.toml)");
    Json no_url = OAuth(api_.base);
    no_url.erase("access_token_url");
    auto cfg2 = Parse(Doc(EchoResource(), no_url));
    ASSERT_FALSE(cfg2);
    EXPECT_NE(cfg2.error().message.find("`client.auth.access_token_url` is required"),
              std::string::npos);
}

TEST_F(ExtractScenario, FailingRequestErrorNeverContainsSecrets) {
    Json res = Json::array({Json{{"name", "f"}, {"endpoint", "fail500"}}});
    ExtractOptions fast{.max_retries = 0};
    secrets_.env_override = {{"SOURCES__REST_API__TOKEN", "tok-SECRET-abc"}};
    auto bearer = Run(Doc(res, Json{{"type", "bearer"}}), fast);
    ASSERT_FALSE(bearer);
    const std::string& m1 = bearer.error().message;
    EXPECT_NE(m1.find("GET " + api_.base + "/fail500 returned HTTP 500"), std::string::npos) << m1;
    EXPECT_NE(m1.find("echo_auth"), std::string::npos) << m1;       // the body is quoted...
    EXPECT_EQ(m1.find("tok-SECRET-abc"), std::string::npos) << m1;  // ...without the secret
    EXPECT_EQ(m1.find('\n'), std::string::npos);

    secrets_.env_override = {{"SOURCES__REST_API__API_KEY", "qk/SECRET+1"}};
    auto query =
        Run(Doc(res, Json{{"type", "api_key"}, {"name", "k"}, {"location", "query"}}), fast);
    ASSERT_FALSE(query);
    EXPECT_NE(query.error().message.find("echo_query"), std::string::npos);
    EXPECT_EQ(query.error().message.find("SECRET"), std::string::npos) << query.error().message;

    secrets_.env_override = {{"SOURCES__REST_API__PASSWORD", "pw-SECRET-9"}};
    auto basic = Run(Doc(res, Json{{"type", "http_basic"}, {"username", "u"}}), fast);
    ASSERT_FALSE(basic);
    EXPECT_EQ(basic.error().message.find("SECRET"), std::string::npos);
    EXPECT_EQ(basic.error().message.find("dTpwdy1TRUNSRVQtOQ"), std::string::npos)
        << basic.error().message;  // base64 of u:pw-SECRET-9
}

TEST(Redaction, MasksSecretsAndHiddenQueryParams) {
    EXPECT_EQ(Redact("GET http://h/x?token=abc&page=2 said hunter2", {"hunter2"}),
              "GET http://h/x?token=***&page=2 said ***");
    EXPECT_EQ(Redact("url?API_KEY=zzz", {}), "url?API_KEY=***");
    EXPECT_EQ(Redact("k=a%2Fb", {"a/b"}), "k=***");
}

TEST_F(ExtractScenario, FormDataBodyAndEndpointHeadersExpandPlaceholders) {
    Json res = Json::array(
        {Json{{"name", "parents"}, {"endpoint", "parents"}},
         Json{{"name", "posted"},
              {"endpoint",
               {{"path", "echo_form"},
                {"method", "POST"},
                {"data", {{"pid", "{resources.parents.id}"}, {"q", "a b"}, {"none", nullptr}}},
                {"headers", {{"X-Parent", "{resources.parents.name}"}}},
                {"data_selector", "items"},
                {"paginator", "single_page"}}}}});
    auto info = Run(Doc(res), ExtractOptions{.workers = 1});
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.posted"), 5);  // one per parent row
    EXPECT_EQ(api_.Seen("form"), "pid=5&q=a+b");
    EXPECT_EQ(api_.Seen("form_content_type"), "application/x-www-form-urlencoded");
    EXPECT_EQ(api_.Seen("x-parent"), "p5");
    res[1]["endpoint"]["json"] = Json{{"a", 1}};
    auto both = Parse(Doc(res));
    ASSERT_FALSE(both);
    EXPECT_EQ(both.error().message,
              "test.json: `resources[1].endpoint` cannot use both `json` and `data`");
}

// --- response_actions ---------------------------------------------------------------------

Json ParentsAndChildren(Json child_actions) {
    Json child = Json{{"name", "children"},
                      {"endpoint",
                       {{"path", "children/{resources.parents.id}"},
                        {"data_selector", "items"},
                        {"paginator", "single_page"}}},
                      {"include_from_parent", {"id"}}};
    if (!child_actions.is_null()) child["endpoint"]["response_actions"] = child_actions;
    return Json::array({Json{{"name", "parents"}, {"endpoint", "parents"}}, child});
}

TEST_F(ExtractScenario, IgnoreStatusSkipsOnlyThatParentsChain) {
    api_.missing_child = 2;
    auto info = Run(
        Doc(ParentsAndChildren(Json::array({Json{{"status_code", 404}, {"action", "ignore"}}}))));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.parents"), 5);
    // ids 1,3,4,5 → 2 + 1 + 2 + 3 child rows; id 2 ignored
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.children"), 8);
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.children WHERE _parents_id = 2"), 0);
    EXPECT_EQ(Columns("children"),
              (std::vector<std::string>{"cid", "tag", "_parents_id", "_dlt_load_id", "_dlt_id"}));
    // Without the action the 404 fails the run and nothing is loaded.
    std::filesystem::remove_all(dir_ / "ex_pipe.duckdb");
    auto failed = Run(Doc(ParentsAndChildren(Json())));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("/children/2 returned HTTP 404"), std::string::npos)
        << failed.error().message;
    EXPECT_EQ(Tables(), std::vector<std::string>{});
}

TEST_F(ExtractScenario, IgnoreByContentProducesNoTable) {
    Json res = Json::array(
        {Json{{"name", "nodata"},
              {"endpoint",
               {{"path", "content/nodata"},
                {"response_actions", {Json{{"content", "no data"}, {"action", "ignore"}}}}}}},
         Json{{"name", "ok"}, {"endpoint", {{"path", "content/ok"}}}}});
    auto info = Run(Doc(res));
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(Tables(), (std::vector<std::string>{"ok"}));
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.ok"), 3);
}

TEST_F(ExtractScenario, IgnoreBeatsRetry) {
    Json res = Json::array(
        {Json{{"name", "down"},
              {"endpoint",
               {{"path", "always503"},
                {"response_actions", {Json{{"status_code", 503}, {"action", "ignore"}}}}}}}});
    auto info = Run(Doc(res), ExtractOptions{.initial_backoff_ms = 10});
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(api_.requests.load(), 1);
    EXPECT_TRUE(info->load_ids.size() <= 1);
    EXPECT_EQ(Tables(), std::vector<std::string>{});
}

TEST_F(ExtractScenario, RetryAndFailActionsMatchContent) {
    Json retry = Json::array(
        {Json{{"name", "later"},
              {"endpoint",
               {{"path", "content/tryagain"},
                {"data_selector", "items"},
                {"response_actions",
                 {Json{{"status_code", 200}, {"content", "try again"}, {"action", "retry"}}}}}}}});
    auto info = Run(Doc(retry), ExtractOptions{.initial_backoff_ms = 10});
    ASSERT_TRUE(info) << info.error().message;
    EXPECT_EQ(api_.requests.load(), 2);
    EXPECT_EQ(Count("SELECT count(*) FROM ex_data.later"), 3);

    Json fail = Json::array({Json{
        {"name", "quota"},
        {"endpoint",
         {{"path", "content/quota"},
          {"response_actions", {Json{{"content", "quota exceeded"}, {"action", "fail"}}}}}}}});
    auto failed = Run(Doc(fail));
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().message.find("resource `quota`: GET " + api_.base +
                                          "/content/quota returned HTTP 200 matching a "
                                          "response_actions `fail` entry"),
              std::string::npos)
        << failed.error().message;
}

TEST_F(ExtractScenario, PythonHookActionsAreRejectedNamingTheKey) {
    Json res = Json::array(
        {Json{{"name", "x"},
              {"endpoint",
               {{"path", "x"},
                {"response_actions",
                 {Json{{"status_code", 404}, {"action", "ignore"}},
                  Json{{"status_code", 200}, {"action", "my_module.remove_field"}}}}}}}});
    auto cfg = Parse(Doc(res));
    ASSERT_FALSE(cfg);
    EXPECT_EQ(cfg.error().message.rfind("test.json: `resources[0].endpoint.response_actions[1]."
                                        "action` `my_module.remove_field` is not supported; "
                                        "response hooks are Python callables",
                                        0),
              0u)
        << cfg.error().message;
    res[0]["endpoint"]["response_actions"] = Json::array({"set_encoding"});
    auto bare = Parse(Doc(res));
    ASSERT_FALSE(bare);
    EXPECT_NE(bare.error().message.find("`resources[0].endpoint.response_actions[0]` is not a "
                                        "mapping"),
              std::string::npos);
    res[0]["endpoint"]["response_actions"] =
        Json::array({Json{{"status_code", 404}, {"action", Json::array({"a", "b"})}}});
    auto list = Parse(Doc(res));
    ASSERT_FALSE(list);
    EXPECT_NE(list.error().message.find("response_actions[0].action` must be a string"),
              std::string::npos);
    res[0]["endpoint"]["response_actions"] = Json::array({Json{{"action", "ignore"}}});
    auto never = Parse(Doc(res));
    ASSERT_FALSE(never);
    EXPECT_NE(never.error().message.find("needs `status_code` or `content`"), std::string::npos);
}

TEST(ResponseActions, FirstMatchInOrder) {
    auto actions = ParseResponseActions(
        Json::array({Json{{"status_code", 404}, {"content", "gone"}, {"action", "ignore"}},
                     Json{{"content", "busy"}, {"action", "retry"}},
                     Json{{"status_code", 404}, {"action", "fail"}}}),
        "ra");
    ASSERT_TRUE(actions);
    EXPECT_EQ(MatchResponseAction(*actions, 404, "it is gone"), ResponseActionKind::kIgnore);
    EXPECT_EQ(MatchResponseAction(*actions, 404, "nothing"), ResponseActionKind::kFail);
    EXPECT_EQ(MatchResponseAction(*actions, 200, "busy now"), ResponseActionKind::kRetry);
    EXPECT_EQ(MatchResponseAction(*actions, 200, "fine"), std::nullopt);
}

}  // namespace
}  // namespace oc::pipeline
