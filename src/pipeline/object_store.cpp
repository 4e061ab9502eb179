#include "pipeline/object_store.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/text.h"
#include "net/client/http_client.h"
#include "pipeline/digest.h"
#include "pipeline/package_io.h"
#include "pipeline/secrets.h"

namespace oc::pipeline {
namespace {

namespace fs = std::filesystem;

Result<std::string> ReadWhole(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return MakeError(ErrorCode::kNotFound, "cannot read " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class LocalStore : public ObjectStore {
public:
    explicit LocalStore(std::string root) : root_(std::move(root)) {}

    std::string url() const override { return "file://" + root_; }

    Result<std::vector<std::string>> List(const std::string& prefix) override {
        std::vector<std::string> keys;
        const fs::path base = fs::path(root_) / fs::path(prefix).parent_path();
        std::error_code ec;
        if (!fs::is_directory(base, ec)) return keys;
        auto it = fs::recursive_directory_iterator(
            base, fs::directory_options::follow_directory_symlink, ec);
        for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            std::error_code kind;
            if (!it->is_regular_file(kind)) continue;
            const std::string name = it->path().filename().string();
            if (!name.empty() && name[0] == '.') continue;  // a put in progress
            std::string key = it->path().lexically_relative(root_).generic_string();
            if (key.rfind(prefix, 0) == 0) keys.push_back(std::move(key));
        }
        if (ec) return MakeError(ErrorCode::kInternal, "cannot list " + base.string() + ": " + ec.message());
        std::sort(keys.begin(), keys.end());
        return keys;
    }

    Result<std::string> Get(const std::string& key) override { return ReadWhole(Path(key)); }

    Result<bool> Exists(const std::string& key) override {
        std::error_code ec;
        return fs::exists(Path(key), ec);
    }

    Status Put(const std::string& key, const std::string& bytes) override {
        OC_ASSIGN_OR_RETURN(std::string tmp, TempFor(key));
        {
            std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
            out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
            if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + Path(key));
        }
        return Commit(tmp, key);
    }

    Status PutFile(const std::string& key, const std::string& local_path) override {
        OC_ASSIGN_OR_RETURN(std::string tmp, TempFor(key));
        std::error_code ec;
        fs::copy_file(local_path, tmp, fs::copy_options::overwrite_existing, ec);
        if (ec) return MakeError(ErrorCode::kInternal, "write " + Path(key) + ": " + ec.message());
        return Commit(tmp, key);
    }

    Status Delete(const std::string& key) override {
        std::error_code ec;
        fs::remove(Path(key), ec);
        if (ec) return MakeError(ErrorCode::kInternal, "cannot delete " + Path(key));
        return {};
    }

private:
    std::string Path(const std::string& key) const { return (fs::path(root_) / key).string(); }

    // `.<name>.part` beside the object, its directory created.
    Result<std::string> TempFor(const std::string& key) {
        const fs::path path = Path(key);
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + path.parent_path().string());
        return (path.parent_path() / ("." + path.filename().string() + ".part")).string();
    }

    Status Commit(const std::string& tmp, const std::string& key) {
        SyncFile(tmp);
        std::error_code ec;
        fs::rename(tmp, Path(key), ec);
        if (ec) return MakeError(ErrorCode::kInternal, "write " + Path(key) + ": " + ec.message());
        return {};
    }

    std::string root_;
};

// A key in a URL path: each `/`-separated segment percent-encoded.
std::string EncodePath(const std::string& key) {
    std::string out;
    size_t at = 0;
    for (;;) {
        const size_t slash = key.find('/', at);
        out += PercentEncode(std::string_view(key).substr(at, slash - at));
        if (slash == std::string::npos) return out;
        out += '/';
        at = slash + 1;
    }
}

std::string XmlUnescape(std::string s) {
    static const std::pair<const char*, const char*> kEntities[] = {
        {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&apos;", "'"}, {"&amp;", "&"}};
    for (const auto& [from, to] : kEntities) {
        for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + 1))
            s.replace(at, std::string(from).size(), to);
    }
    return s;
}

// The text of every <tag>…</tag> of a flat S3 XML response, in order.
std::vector<std::string> XmlValues(const std::string& xml, const std::string& tag) {
    std::vector<std::string> out;
    const std::string open = "<" + tag + ">", close = "</" + tag + ">";
    for (size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at)) {
        at += open.size();
        const size_t end = xml.find(close, at);
        if (end == std::string::npos) break;
        out.push_back(XmlUnescape(xml.substr(at, end - at)));
        at = end + close.size();
    }
    return out;
}

struct S3Settings {
    std::string bucket, prefix, endpoint, region, key_id, secret, token;
};

class S3Store : public ObjectStore {
public:
    explicit S3Store(S3Settings s) : s_(std::move(s)) {}

    std::string url() const override {
        return "s3://" + s_.bucket + (s_.prefix.empty() ? "" : "/" + s_.prefix);
    }

    Result<std::vector<std::string>> List(const std::string& prefix) override {
        std::vector<std::string> keys;
        const std::string full = Full(prefix);
        std::string token;
        for (;;) {
            // Parameters in name order: libcurl before 8.3 signs the query as given, and SigV4
            // sorts it.
            std::string url = s_.endpoint + "/" + PercentEncode(s_.bucket) + "?";
            if (!token.empty()) url += "continuation-token=" + PercentEncode(token) + "&";
            url += "list-type=2&prefix=" + PercentEncode(full);
            OC_ASSIGN_OR_RETURN(net::ClientResponse r, Send("GET", url, ""));
            if (r.status != 200) return Failed("list", url, r);
            for (std::string& k : XmlValues(r.body, "Key")) {
                if (k.rfind(full, 0) != 0) continue;
                keys.push_back(s_.prefix.empty() ? k : k.substr(s_.prefix.size() + 1));
            }
            const auto truncated = XmlValues(r.body, "IsTruncated");
            const auto next = XmlValues(r.body, "NextContinuationToken");
            if (truncated.empty() || truncated[0] != "true") break;
            if (next.empty()) {
                return MakeError(ErrorCode::kInternal,
                                 "destination filesystem: list " + url.substr(0, url.find('?')) +
                                     ": a truncated listing without a continuation token");
            }
            token = next[0];
        }
        std::sort(keys.begin(), keys.end());
        return keys;
    }

    Result<std::string> Get(const std::string& key) override {
        OC_ASSIGN_OR_RETURN(net::ClientResponse r, Send("GET", ObjectUrl(key), ""));
        if (r.status != 200) return Failed("get", ObjectUrl(key), r);
        return std::move(r.body);
    }

    Result<bool> Exists(const std::string& key) override {
        OC_ASSIGN_OR_RETURN(auto keys, List(key));
        return std::find(keys.begin(), keys.end(), key) != keys.end();
    }

    Status Put(const std::string& key, const std::string& bytes) override {
        OC_ASSIGN_OR_RETURN(net::ClientResponse r, Send("PUT", ObjectUrl(key), bytes));
        if (r.status != 200) return Failed("put", ObjectUrl(key), r);
        return {};
    }

    Status PutFile(const std::string& key, const std::string& local_path) override {
        OC_ASSIGN_OR_RETURN(std::string bytes, ReadWhole(local_path));
        return Put(key, bytes);
    }

    Status Delete(const std::string& key) override {
        OC_ASSIGN_OR_RETURN(net::ClientResponse r, Send("DELETE", ObjectUrl(key), ""));
        if (r.status != 204 && r.status != 200 && r.status != 404)
            return Failed("delete", ObjectUrl(key), r);
        return {};
    }

private:
    std::string Full(const std::string& key) const {
        return s_.prefix.empty() ? key : s_.prefix + "/" + key;
    }
    std::string ObjectUrl(const std::string& key) const {
        return s_.endpoint + "/" + PercentEncode(s_.bucket) + "/" + EncodePath(Full(key));
    }

    Result<net::ClientResponse> Send(const std::string& method, const std::string& url,
                                     const std::string& body) {
        net::ClientRequest req;
        req.method = method;
        req.url = url;
        req.body = body;
        req.aws_sigv4 = "aws:amz:" + s_.region + ":s3";
        req.aws_credentials = s_.key_id + ":" + s_.secret;
        // S3 wants the payload's hash as a header (libcurl signs it with the x-amz-* headers).
        req.headers.emplace_back("x-amz-content-sha256", Sha256Hex(body));
        if (!s_.token.empty()) req.headers.emplace_back("x-amz-security-token", s_.token);
        if (method == "PUT") req.headers.emplace_back("Content-Type", "application/octet-stream");
        auto r = net::HttpClient::Send(req);
        if (!r) {
            return MakeError(r.error().code, "destination filesystem: " + method + " " +
                                                 url.substr(0, url.find('?')) + ": " +
                                                 r.error().message);
        }
        return r;
    }

    // An S3 error response as one line: the operation, the URL without its query, the status and
    // S3's error code.
    Error Failed(const std::string& what, const std::string& url, const net::ClientResponse& r) {
        const auto code = XmlValues(r.body, "Code");
        return MakeError(ErrorCode::kInternal,
                         "destination filesystem: " + what + " " + url.substr(0, url.find('?')) +
                             ": HTTP " + std::to_string(r.status) +
                             (code.empty() ? "" : " " + code[0]));
    }

    S3Settings s_;
};

Result<std::unique_ptr<ObjectStore>> OpenS3(const std::string& bucket_url,
                                            const PipelineConfig& config) {
    auto setting = [&](const char* name) {
        return LookupConfigValue(config.secrets, config.pipeline_name,
                                 {"destination", "filesystem", "credentials", name})
            .value_or("");
    };
    S3Settings s;
    std::string rest = bucket_url.substr(5);  // after s3://
    while (!rest.empty() && rest.back() == '/') rest.pop_back();
    const size_t slash = rest.find('/');
    s.bucket = rest.substr(0, slash);
    s.prefix = slash == std::string::npos ? "" : rest.substr(slash + 1);
    if (s.bucket.empty())
        return MakeError(ErrorCode::kInvalidArgument,
                         "destination filesystem: bucket_url `" + bucket_url + "` names no bucket");
    s.key_id = setting("aws_access_key_id");
    s.secret = setting("aws_secret_access_key");
    s.token = setting("aws_session_token");
    s.region = setting("region_name");
    if (s.region.empty()) s.region = "us-east-1";
    s.endpoint = setting("endpoint_url");
    if (s.endpoint.empty()) s.endpoint = "https://s3." + s.region + ".amazonaws.com";
    while (!s.endpoint.empty() && s.endpoint.back() == '/') s.endpoint.pop_back();
    if (s.key_id.empty() || s.secret.empty()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "destination filesystem: " + bucket_url +
                             " needs destination.filesystem.credentials.aws_access_key_id and "
                             "aws_secret_access_key");
    }
    return std::unique_ptr<ObjectStore>(new S3Store(std::move(s)));
}

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenObjectStore(const std::string& bucket_url,
                                                     const PipelineConfig& config) {
    if (bucket_url.rfind("s3://", 0) == 0) return OpenS3(bucket_url, config);
    std::string path = bucket_url;
    if (path.rfind("file://", 0) == 0) {
        path = path.substr(7);
    } else if (path.find("://") != std::string::npos) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "destination filesystem: bucket_url `" + bucket_url +
                             "` is not supported (a local path, file:// or s3:// URL)");
    }
    fs::path p(path);
    if (p.is_relative()) p = fs::path(config.secrets.project_dir) / p;
    std::error_code ec;
    p = fs::absolute(p, ec).lexically_normal();
    std::string s = p.string();
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return std::unique_ptr<ObjectStore>(new LocalStore(s));
}

}  // namespace oc::pipeline
