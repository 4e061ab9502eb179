// Authentication, authorization and rate limits over HTTP (reference agents-api.md §1.3, §1.9).
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <chrono>
#include <ctime>
#include <thread>
#include <fstream>
#include <sstream>

#include "fixture.h"

namespace oc::testing {
namespace {

const std::string kAgents = "/api/v2/databases/TESTDB/schemas/PUBLIC/agents";

std::string Base64(const unsigned char* data, size_t n, bool url) {
    std::string out(4 * ((n + 2) / 3) + 1, '\0');
    int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<size_t>(len));
    if (url) {
        for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
        while (!out.empty() && out.back() == '=') out.pop_back();
    }
    return out;
}
std::string Base64Url(const std::string& s) {
    return Base64(reinterpret_cast<const unsigned char*>(s.data()), s.size(), true);
}

struct RsaKey {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    ~RsaKey() { EVP_PKEY_free(key); }
    std::string PublicPem() const {
        BIO* bio = BIO_new(BIO_s_mem());
        PEM_write_bio_PUBKEY(bio, key);
        char* data = nullptr;
        long n = BIO_get_mem_data(bio, &data);
        std::string pem(data, static_cast<size_t>(n));
        BIO_free(bio);
        return pem;
    }
    std::string Fingerprint() const {
        unsigned char* der = nullptr;
        int n = i2d_PUBKEY(key, &der);
        unsigned char digest[32];
        unsigned int dlen = 0;
        EVP_Digest(der, static_cast<size_t>(n), digest, &dlen, EVP_sha256(), nullptr);
        OPENSSL_free(der);
        return "SHA256:" + Base64(digest, dlen, false);
    }
    std::string Sign(const std::string& data) const {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
        size_t len = 0;
        EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()), data.size());
        std::string sig(len, '\0');
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<const unsigned char*>(data.data()), data.size());
        EVP_MD_CTX_free(ctx);
        sig.resize(len);
        return sig;
    }
    std::string Jwt(const std::string& user, int64_t iat, int64_t exp, const std::string& fp) const {
        Json payload = {{"iss", "OPENCORTEX." + user + "." + fp}, {"sub", "OPENCORTEX." + user},
                        {"iat", iat}, {"exp", exp}};
        std::string signing = Base64Url(R"({"alg":"RS256","typ":"JWT"})") + "." + Base64Url(payload.dump());
        return signing + "." + Base64Url(Sign(signing));
    }
};

class AuthApi : public ServerTest {
protected:
    void SetUp() override {
        ServerTest::SetUp();
        if (HasFatalFailure()) return;
        CreateDatabase("TESTDB");
    }
    std::string DataDir() const { return dir_.path() + "/data"; }
    // Stops the server, runs CLI commands on its data dir, starts it again.
    void Restart(const std::map<std::string, std::string>& env = {}) {
        server_ = CortexServer::Start(DataDir(), {}, env);
        ASSERT_NE(server_, nullptr);
    }
    std::string NewToken(const std::string& user) {
        auto r = RunCortex({"token", "create", "--user", user, "--data-dir", DataDir()});
        EXPECT_EQ(r.exit_code, 0) << r.err;
        std::string t = r.out;
        while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
        return t;
    }
};

TEST_F(AuthApi, MissingOrBadTokensAre401) {
    ExpectSnowflakeError(Http("GET", server_->url() + kAgents), 401, "390303");
    ExpectSnowflakeError(Api("GET", server_->url() + kAgents, "not-a-token"), 401, "390303");
    ExpectSnowflakeError(Http("GET", server_->url() + kAgents, "", {"Authorization: Basic abc"}), 401, "390303");
    auto bad_type = Http("GET", server_->url() + kAgents, "",
                         {"Authorization: Bearer " + token_, "X-Snowflake-Authorization-Token-Type: MAGIC"});
    ExpectSnowflakeError(bad_type, 400, "001003");
    auto ok_type = Http("GET", server_->url() + kAgents, "",
                        {"Authorization: Bearer " + token_,
                         "X-Snowflake-Authorization-Token-Type: PROGRAMMATIC_ACCESS_TOKEN"});
    EXPECT_EQ(ok_type.status, 200);
}

TEST_F(AuthApi, PatLifecycleThroughCli) {
    server_->Stop();
    auto user = RunCortex({"user", "create", "bob", "--role", "ANALYST", "--data-dir", DataDir()});
    ASSERT_EQ(user.exit_code, 0) << user.err;
    std::string bob = NewToken("BOB");
    ASSERT_FALSE(bob.empty());
    auto bad = RunCortex({"token", "create", "--user", "NOBODY", "--data-dir", DataDir()});
    EXPECT_NE(bad.exit_code, 0);
    EXPECT_NE(bad.err.find("error"), std::string::npos);
    Restart();
    ASSERT_EQ(Api("POST", server_->url() + kAgents, bob, R"({"name": "bobs"})").status, 200);
    auto desc = Api("GET", server_->url() + kAgents + "/BOBS", bob);
    EXPECT_EQ(Body(desc)["owner"], "ANALYST");

    // Revoke: the token stops working.
    server_->Stop();
    auto list = RunCortex({"token", "list", "--data-dir", DataDir()});
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_EQ(list.out.find(bob), std::string::npos) << "token list must not print secrets";
    std::string id;
    std::istringstream lines(list.out);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("BOB") != std::string::npos) id = line.substr(0, line.find_first_of(" \t"));
    }
    ASSERT_FALSE(id.empty()) << list.out;
    ASSERT_EQ(RunCortex({"token", "revoke", id, "--data-dir", DataDir()}).exit_code, 0);
    Restart();
    ExpectSnowflakeError(Api("GET", server_->url() + kAgents, bob), 401, "390303");
}

TEST_F(AuthApi, ExpiredPatIs401) {
    server_->Stop();
    auto r = RunCortex({"token", "create", "--user", "ADMIN", "--expires-in", "1s", "--data-dir", DataDir()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    std::string t = r.out.substr(0, r.out.find('\n'));
    Restart();
    auto deadline = std::time(nullptr) + 10;
    HttpResult res;
    do {
        res = Api("GET", server_->url() + kAgents, t);
        if (res.status == 200) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    } while (res.status == 200 && std::time(nullptr) < deadline);
    ExpectSnowflakeError(res, 401, "390303");
}

TEST_F(AuthApi, KeyPairJwt) {
    RsaKey key;
    std::string pem_path = dir_.path() + "/bob.pub.pem";
    std::ofstream(pem_path) << key.PublicPem();
    server_->Stop();
    auto user = RunCortex({"user", "create", "BOB", "--public-key", pem_path, "--role", "ANALYST", "--data-dir", DataDir()});
    ASSERT_EQ(user.exit_code, 0) << user.err;
    Restart();
    int64_t now = std::time(nullptr);
    std::string fp = key.Fingerprint();
    auto call = [&](const std::string& jwt) {
        return Http("GET", server_->url() + kAgents, "",
                    {"Authorization: Bearer " + jwt, "X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT"});
    };
    EXPECT_EQ(call(key.Jwt("BOB", now, now + 3000, fp)).status, 200);
    // Sniffed without the type header too.
    EXPECT_EQ(Http("GET", server_->url() + kAgents, "",
                   {"Authorization: Bearer " + key.Jwt("BOB", now, now + 3000, fp)}).status, 200);
    ExpectSnowflakeError(call(key.Jwt("BOB", now - 7200, now - 3700, fp)), 401, "390144");   // expired
    ExpectSnowflakeError(call(key.Jwt("BOB", now, now + 7200, fp)), 401, "390144");          // > 1 hour
    ExpectSnowflakeError(call(key.Jwt("BOB", now, now + 60, "SHA256:AAAA")), 401, "390144"); // wrong fp
    ExpectSnowflakeError(call(key.Jwt("EVE", now, now + 60, fp)), 401, "390144");            // unknown user
    RsaKey other;
    ExpectSnowflakeError(call(other.Jwt("BOB", now, now + 60, fp)), 401, "390144");          // forged
}

TEST_F(AuthApi, OnlyOwnerOrAccountAdminMayChangeAgents) {
    server_->Stop();
    ASSERT_EQ(RunCortex({"user", "create", "ANN", "--role", "PUBLIC", "--data-dir", DataDir()}).exit_code, 0);
    ASSERT_EQ(RunCortex({"user", "create", "BOB", "--role", "ANALYST", "--data-dir", DataDir()}).exit_code, 0);
    std::string ann = NewToken("ANN"), bob = NewToken("BOB");
    Restart();
    std::string url = server_->url() + kAgents;
    ASSERT_EQ(Api("POST", url, ann, R"({"name": "shared"})").status, 200);     // owned by PUBLIC
    ASSERT_EQ(Api("POST", url, token_, R"({"name": "admins"})").status, 200);  // owned by ACCOUNTADMIN
    // BOB sees PUBLIC's agent but may not change it; ACCOUNTADMIN's agent is invisible to him.
    EXPECT_EQ(Api("GET", url + "/SHARED", bob).status, 200);
    ExpectSnowflakeError(Api("DELETE", url + "/SHARED", bob), 403, "003001");
    ExpectSnowflakeError(Api("PUT", url + "/SHARED", bob, R"({"comment": "x"})"), 403, "003001");
    ExpectSnowflakeError(Api("GET", url + "/ADMINS", bob), 404, "002003");
    auto list = Api("GET", url, bob);
    ASSERT_EQ(Body(list).size(), 1u);
    EXPECT_EQ(Body(list)[0]["name"], "SHARED");
    // The admin may change anything.
    EXPECT_EQ(Api("PUT", url + "/SHARED", token_, R"({"comment": "by admin"})").status, 200);
    EXPECT_EQ(Api("DELETE", url + "/SHARED", token_).status, 200);
}

TEST_F(AuthApi, RateLimitAnswers429WithRetryAfter) {
    server_->Stop();
    Restart({{"CORTEX_RATE_LIMIT", "5"}});
    int ok = 0;
    HttpResult last;
    for (int i = 0; i < 8; ++i) {
        last = Call("GET", kAgents);
        if (last.status == 200) ++ok;
    }
    EXPECT_EQ(ok, 5);
    ExpectSnowflakeError(last, 429, "390505");
    EXPECT_GE(std::stoi(last.Header("retry-after")), 1);
}

}  // namespace
}  // namespace oc::testing
