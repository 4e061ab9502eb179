// A loopback S3 for the filesystem destination tests: path-style PUT / GET / DELETE of objects and
// ListObjectsV2 (two keys per page, so listings page through continuation tokens). Every request
// must carry a valid AWS Signature V4 for the expected access key and secret (recomputed here,
// with a signed x-amz-content-sha256 equal to the body's SHA-256); others get 403 AccessDenied.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/text.h"
#include "loopback_server.h"
#include "net/router.h"
#include "pipeline/digest.h"

namespace oc::pipeline {

class S3Mock {
public:
    S3Mock(std::string bucket, std::string access_key, std::string secret)
        : bucket_(std::move(bucket)), access_key_(std::move(access_key)), secret_(std::move(secret)) {
        router_.Add("GET", "/{bucket}", [this](net::HttpRequest& req) { return List(req); });
        std::string pattern = "/{bucket}";
        for (int depth = 1; depth <= 8; ++depth) {
            pattern += "/{k" + std::to_string(depth) + "}";
            for (const char* method : {"GET", "PUT", "DELETE"}) {
                router_.Add(method, pattern, [this, depth](net::HttpRequest& req) {
                    return Object(req, depth);
                });
            }
        }
        server_ = StartLoopbackServer(router_, 2, &endpoint);
    }
    ~S3Mock() { server_->Stop(); }

    std::map<std::string, std::string> Objects() {
        std::lock_guard<std::mutex> lock(mu_);
        return objects_;
    }
    int requests() {
        std::lock_guard<std::mutex> lock(mu_);
        return requests_;
    }
    int list_pages() {
        std::lock_guard<std::mutex> lock(mu_);
        return list_pages_;
    }

    std::string endpoint;

private:
    static net::HttpResponse Xml(int status, std::string body) {
        net::HttpResponse r;
        r.status = status;
        r.content_type = "application/xml";
        r.body = std::move(body);
        return r;
    }
    static net::HttpResponse S3Error(int status, const std::string& code) {
        return Xml(status, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>" + code +
                               "</Code></Error>");
    }
    static std::string Hmac(std::string key, const std::string& message) {
        if (key.size() > 64) key = Sha256(key);
        key.resize(64, '\0');
        std::string inner(64, '\0'), outer(64, '\0');
        for (size_t i = 0; i < 64; ++i) {
            inner[i] = static_cast<char>(key[i] ^ 0x36);
            outer[i] = static_cast<char>(key[i] ^ 0x5c);
        }
        return Sha256(outer + Sha256(inner + message));
    }
    // `name=value` of the Authorization header's comma-separated part, or "".
    static std::string AuthField(const std::string& auth, const std::string& name) {
        const size_t at = auth.find(name + "=");
        if (at == std::string::npos) return "";
        const size_t end = auth.find(',', at);
        return auth.substr(at + name.size() + 1, end == std::string::npos ? end : end - at - name.size() - 1);
    }

    // Recomputes the request's AWS Signature V4 (canonical request with the query sorted by
    // name, the signed headers, the x-amz-content-sha256 payload hash) with the secret key.
    bool Signed(const net::HttpRequest& req) const {
        const std::string auth = req.Header("authorization");
        const std::string scheme = "AWS4-HMAC-SHA256 ";
        if (auth.rfind(scheme, 0) != 0) return false;
        const std::string credential = AuthField(auth, "Credential");
        const std::string signed_headers = AuthField(auth, "SignedHeaders");
        const std::string signature = AuthField(auth, "Signature");
        const std::string date = req.Header("x-amz-date");
        const std::string payload = req.Header("x-amz-content-sha256");
        if (credential.rfind(access_key_ + "/", 0) != 0 || date.size() < 8 ||
            payload != Sha256Hex(req.body) ||
            (";" + signed_headers + ";").find(";x-amz-content-sha256;") == std::string::npos)
            return false;
        const std::string scope = credential.substr(access_key_.size() + 1);  // date/region/s3/...
        std::vector<std::string> params;
        for (size_t at = 0; at < req.query_string.size();) {
            const size_t amp = req.query_string.find('&', at);
            params.push_back(req.query_string.substr(at, amp - at));
            if (amp == std::string::npos) break;
            at = amp + 1;
        }
        std::sort(params.begin(), params.end());
        std::string query;
        for (const auto& p : params) query += (query.empty() ? "" : "&") + p;
        std::string headers;
        for (size_t at = 0; at <= signed_headers.size();) {
            const size_t semi = signed_headers.find(';', at);
            const std::string name = signed_headers.substr(at, semi - at);
            headers += name + ":" + req.Header(name) + "\n";
            if (semi == std::string::npos) break;
            at = semi + 1;
        }
        const std::string canonical = req.method + "\n" + req.path + "\n" + query + "\n" + headers +
                                      "\n" + signed_headers + "\n" + payload;
        const std::string to_sign =
            "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + Sha256Hex(canonical);
        const std::string region = scope.substr(9, scope.find('/', 9) - 9);
        std::string key = Hmac("AWS4" + secret_, date.substr(0, 8));
        key = Hmac(key, region);
        key = Hmac(key, "s3");
        key = Hmac(key, "aws4_request");
        return HexLower(Hmac(key, to_sign)) == signature;
    }

    net::HttpResponse Object(net::HttpRequest& req, int depth) {
        std::lock_guard<std::mutex> lock(mu_);
        ++requests_;
        if (!Signed(req)) return S3Error(403, "AccessDenied");
        if (req.params["bucket"] != bucket_) return S3Error(404, "NoSuchBucket");
        std::string key;
        for (int i = 1; i <= depth; ++i) key += (i > 1 ? "/" : "") + req.params["k" + std::to_string(i)];
        if (req.method == "PUT") {
            objects_[key] = req.body;
            return Xml(200, "");
        }
        if (req.method == "DELETE") {
            objects_.erase(key);
            return Xml(204, "");
        }
        auto it = objects_.find(key);
        if (it == objects_.end()) return S3Error(404, "NoSuchKey");
        net::HttpResponse r = Xml(200, it->second);
        r.content_type = "application/octet-stream";
        return r;
    }

    net::HttpResponse List(net::HttpRequest& req) {
        std::lock_guard<std::mutex> lock(mu_);
        ++requests_;
        if (!Signed(req)) return S3Error(403, "AccessDenied");
        if (req.params["bucket"] != bucket_) return S3Error(404, "NoSuchBucket");
        if (req.Query("list-type") != "2") return S3Error(400, "InvalidArgument");
        ++list_pages_;
        const std::string prefix = req.Query("prefix");
        const std::string after = req.Query("continuation-token");
        std::string body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult>";
        int n = 0;
        std::string last;
        bool more = false;
        for (auto it = objects_.lower_bound(after.empty() ? prefix : after); it != objects_.end();
             ++it) {
            if (it->first.rfind(prefix, 0) != 0 || it->first == after) continue;
            if (n == 2) {
                more = true;
                break;
            }
            body += "<Contents><Key>" + it->first + "</Key></Contents>";
            last = it->first;
            ++n;
        }
        body += std::string("<IsTruncated>") + (more ? "true" : "false") + "</IsTruncated>";
        if (more) body += "<NextContinuationToken>" + last + "</NextContinuationToken>";
        return Xml(200, body + "</ListBucketResult>");
    }

    std::string bucket_, access_key_, secret_;
    std::mutex mu_;
    std::map<std::string, std::string> objects_;
    int requests_ = 0;
    int list_pages_ = 0;
    net::Router router_;
    std::unique_ptr<net::Server> server_;
};

}  // namespace oc::pipeline
