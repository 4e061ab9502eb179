// `cortex stage put|ls|rm` run as the real binary, on the data dir and through a server's REST
// API; results are checked against what the server's stage endpoints then return.
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "common/json.h"
#include "cortex_process.h"

namespace oc::testing {
namespace {

std::string Md5Hex(const std::string& bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_md5(), nullptr);
    static const char* kHex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += kHex[digest[i] >> 4];
        out += kHex[digest[i] & 15];
    }
    return out;
}

std::vector<std::string> Lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

std::vector<std::string> Fields(const std::string& line) {
    std::vector<std::string> out;
    std::istringstream in(line);
    for (std::string f; std::getline(in, f, '\t');) out.push_back(f);
    return out;
}

class StageCmdTest : public ::testing::Test {
protected:
    void SetUp() override {
        data_ = dir_.path() + "/data";
        server_ = CortexServer::Start(data_);
        ASSERT_NE(server_, nullptr);
        token_ = server_->admin_token();
        ASSERT_EQ(Call("POST", "/api/v2/databases", R"({"name": "SHOP"})").status, 200);
        auto r = Call("POST", "/api/v2/databases/SHOP/schemas/PUBLIC/stages", R"({"name": "MODELS"})");
        ASSERT_EQ(r.status, 200) << r.body;
    }

    HttpResult Call(const std::string& method, const std::string& path, const std::string& body = "") {
        return Api(method, server_->url() + path, token_, body);
    }
    std::string WriteLocal(const std::string& name, const std::string& bytes) {
        const std::string path = dir_.path() + "/" + name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }
    std::vector<std::string> Local() const { return {"--data-dir", data_}; }
    std::vector<std::string> Remote() const { return {"--url", server_->url(), "--token", token_}; }
    CliResult Stage(std::vector<std::string> args, const std::vector<std::string>& where) {
        args.insert(args.begin(), "stage");
        args.insert(args.end(), where.begin(), where.end());
        return RunCortex(args);
    }
    // The stage's files as the server lists them: name → md5.
    std::map<std::string, std::string> ServerFiles() {
        auto r = Call("GET", "/api/v2/databases/SHOP/schemas/PUBLIC/stages/MODELS/files");
        EXPECT_EQ(r.status, 200) << r.body;
        std::map<std::string, std::string> out;
        auto j = ParseJson(r.body);
        if (!j || !j->is_array()) return out;
        for (const Json& f : *j) out[f["name"].get<std::string>()] = f["md5"].get<std::string>();
        return out;
    }

    TempDir dir_;
    std::string data_;
    std::unique_ptr<CortexServer> server_;
    std::string token_;
};

TEST_F(StageCmdTest, PutOnDataDirIsServedByRunningServer) {
    const std::string yaml = "name: sales\ntables: []\n";
    const std::string file = WriteLocal("sales.yaml", yaml);
    auto put = Stage({"put", file, "@shop.public.models/semantic"}, Local());
    ASSERT_EQ(put.exit_code, 0) << put.err;
    auto lines = Lines(put.out);
    ASSERT_EQ(lines.size(), 2u) << put.out;
    EXPECT_EQ(lines[0], "source\ttarget\tsize\tmd5\tstatus");
    auto f = Fields(lines[1]);
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(f[1], "models/semantic/sales.yaml");
    EXPECT_EQ(f[2], std::to_string(yaml.size()));
    EXPECT_EQ(f[3], Md5Hex(yaml));
    EXPECT_EQ(f[4], "UPLOADED");

    auto got = Call("GET", "/api/v2/databases/SHOP/schemas/PUBLIC/stages/MODELS/files/semantic/sales.yaml");
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.body, yaml);
}

TEST_F(StageCmdTest, ListShowsNameSizeMd5AndFiltersByPrefix) {
    ASSERT_EQ(Stage({"put", WriteLocal("a.yaml", "aaa"), "@SHOP.PUBLIC.MODELS/x"}, Local()).exit_code, 0);
    ASSERT_EQ(Stage({"put", WriteLocal("b.yaml", "bbbbb"), "@SHOP.PUBLIC.MODELS/y"}, Local()).exit_code, 0);
    for (const auto& where : {Local(), Remote()}) {
        auto ls = Stage({"ls", "@SHOP.PUBLIC.MODELS"}, where);
        ASSERT_EQ(ls.exit_code, 0) << ls.err;
        auto lines = Lines(ls.out);
        ASSERT_EQ(lines.size(), 3u) << ls.out;
        EXPECT_EQ(lines[0], "name\tsize\tmd5\tlast_modified");
        auto a = Fields(lines[1]);
        ASSERT_EQ(a.size(), 4u);
        EXPECT_EQ(a[0], "models/x/a.yaml");
        EXPECT_EQ(a[1], "3");
        EXPECT_EQ(a[2], Md5Hex("aaa"));
        EXPECT_TRUE(a[3].ends_with(" GMT")) << a[3];
        EXPECT_EQ(Fields(lines[2])[0], "models/y/b.yaml");
        EXPECT_EQ(Fields(lines[2])[1], "5");

        auto filtered = Stage({"ls", "@SHOP.PUBLIC.MODELS/y"}, where);
        ASSERT_EQ(filtered.exit_code, 0) << filtered.err;
        auto only = Lines(filtered.out);
        ASSERT_EQ(only.size(), 2u) << filtered.out;
        EXPECT_EQ(Fields(only[1])[0], "models/y/b.yaml");
    }
}

TEST_F(StageCmdTest, ExistingFileIsSkippedUnlessOverwrite) {
    const std::string file = WriteLocal("m.yaml", "version: 1\n");
    ASSERT_EQ(Stage({"put", file, "@SHOP.PUBLIC.MODELS"}, Local()).exit_code, 0);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << "version: 2\n";

    auto again = Stage({"put", file, "@SHOP.PUBLIC.MODELS"}, Local());
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_NE(again.out.find("\tSKIPPED"), std::string::npos) << again.out;
    EXPECT_EQ(ServerFiles()["models/m.yaml"], Md5Hex("version: 1\n"));

    auto forced = Stage({"put", file, "@SHOP.PUBLIC.MODELS", "--overwrite"}, Local());
    ASSERT_EQ(forced.exit_code, 0) << forced.err;
    EXPECT_NE(forced.out.find("\tUPLOADED"), std::string::npos) << forced.out;
    EXPECT_EQ(ServerFiles()["models/m.yaml"], Md5Hex("version: 2\n"));
}

TEST_F(StageCmdTest, RestModePutAndRemove) {
    const std::string file = WriteLocal("r.yaml", "remote: true\n");
    auto put = Stage({"put", file, "@SHOP.PUBLIC.MODELS/dir"}, Remote());
    ASSERT_EQ(put.exit_code, 0) << put.err;
    EXPECT_NE(put.out.find("models/dir/r.yaml\t13\t" + Md5Hex("remote: true\n") + "\tUPLOADED"),
              std::string::npos)
        << put.out;
    EXPECT_EQ(ServerFiles().count("models/dir/r.yaml"), 1u);

    auto rm = Stage({"rm", "@SHOP.PUBLIC.MODELS/dir/r.yaml"}, Remote());
    ASSERT_EQ(rm.exit_code, 0) << rm.err;
    EXPECT_EQ(Lines(rm.out).back(), "models/dir/r.yaml\tremoved");
    EXPECT_TRUE(ServerFiles().empty());
}

TEST_F(StageCmdTest, RemoveByPrefixOnDataDir) {
    ASSERT_EQ(Stage({"put", WriteLocal("1.yaml", "1"), WriteLocal("2.yaml", "2"), "@SHOP.PUBLIC.MODELS/old"},
                    Local()).exit_code, 0);
    ASSERT_EQ(Stage({"put", WriteLocal("3.yaml", "3"), "@SHOP.PUBLIC.MODELS/keep"}, Local()).exit_code, 0);
    ASSERT_EQ(ServerFiles().size(), 3u);
    auto rm = Stage({"rm", "@SHOP.PUBLIC.MODELS/old"}, Local());
    ASSERT_EQ(rm.exit_code, 0) << rm.err;
    EXPECT_EQ(Lines(rm.out).size(), 3u) << rm.out;
    auto left = ServerFiles();
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left.begin()->first, "models/keep/3.yaml");
}

void ExpectOneLineError(const CliResult& r, const std::string& needle) {
    EXPECT_NE(r.exit_code, 0);
    EXPECT_TRUE(r.err.starts_with("error: ")) << r.err;
    EXPECT_EQ(Lines(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
}

TEST_F(StageCmdTest, ErrorsAreOneLineWithNonZeroExit) {
    const std::string file = WriteLocal("e.yaml", "e");
    ExpectOneLineError(Stage({"put", file, "SHOP.PUBLIC.MODELS"}, Local()), "must start with '@'");
    ExpectOneLineError(Stage({"put", file, "@SHOP.MODELS"}, Local()), "must name the stage fully");
    ExpectOneLineError(Stage({"put", file, "@SHOP.PUBLIC.MODELS/../x"}, Local()), "'..'");
    ExpectOneLineError(Stage({"put", file, "@SHOP.PUBLIC.NOPE"}, Local()), "does not exist");
    ExpectOneLineError(Stage({"put", file, "@SHOP.PUBLIC.NOPE"}, Remote()), "does not exist");
    ExpectOneLineError(Stage({"put", dir_.path() + "/missing.yaml", "@SHOP.PUBLIC.MODELS"}, Local()),
                       "cannot read");
    ExpectOneLineError(Stage({"ls", "@SHOP.PUBLIC.MODELS"}, {"--data-dir", dir_.path() + "/nowhere"}),
                       "has no cortex.duckdb");
    ExpectOneLineError(Stage({"ls", "@SHOP.PUBLIC.MODELS"}, {"--url", server_->url()}), "needs a token");
    ExpectOneLineError(Stage({"ls", "@SHOP.PUBLIC.MODELS"}, {"--url", server_->url(), "--token", "bogus"}),
                       "HTTP 401");
    ExpectOneLineError(Stage({"rm", "@SHOP.PUBLIC.MODELS"}, Local()), "needs a file path");
    ExpectOneLineError(Stage({"rm", "@SHOP.PUBLIC.MODELS/none.yaml"}, Local()), "matches");
}

TEST_F(StageCmdTest, WorksOnDataDirAfterServerStopped) {
    ASSERT_EQ(server_->Stop(), 0);
    auto put = Stage({"put", WriteLocal("s.yaml", "stopped"), "@SHOP.PUBLIC.MODELS"}, Local());
    ASSERT_EQ(put.exit_code, 0) << put.err;
    auto ls = Stage({"ls", "@SHOP.PUBLIC.MODELS"}, Local());
    ASSERT_EQ(ls.exit_code, 0) << ls.err;
    EXPECT_NE(ls.out.find("models/s.yaml\t7\t" + Md5Hex("stopped")), std::string::npos) << ls.out;
}

}  // namespace
}  // namespace oc::testing
