// A loopback S3 for the filesystem destination tests: path-style PUT / GET / DELETE of objects and
// ListObjectsV2 (two keys per page, so listings page through continuation tokens). Every request
// must carry an AWS Signature V4 Authorization header for the expected access key, x-amz-date and
// a signed x-amz-content-sha256 equal to the body's SHA-256 (the signature itself is not
// recomputed); others get 403 AccessDenied.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "loopback_server.h"
#include "net/router.h"
#include "pipeline/digest.h"

namespace oc::pipeline {

class S3Mock {
public:
    S3Mock(std::string bucket, std::string access_key)
        : bucket_(std::move(bucket)), access_key_(std::move(access_key)) {
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
    bool Signed(const net::HttpRequest& req) const {
        const std::string auth = req.Header("authorization");
        const size_t signed_headers = auth.find("SignedHeaders=");
        return auth.rfind("AWS4-HMAC-SHA256 Credential=" + access_key_ + "/", 0) == 0 &&
               auth.find("/s3/aws4_request") != std::string::npos &&
               signed_headers != std::string::npos &&
               auth.find("x-amz-content-sha256", signed_headers) != std::string::npos &&
               auth.find("Signature=") != std::string::npos && !req.Header("x-amz-date").empty() &&
               req.Header("x-amz-content-sha256") == Sha256Hex(req.body);
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

    std::string bucket_, access_key_;
    std::mutex mu_;
    std::map<std::string, std::string> objects_;
    int requests_ = 0;
    int list_pages_ = 0;
    net::Router router_;
    std::unique_ptr<net::Server> server_;
};

}  // namespace oc::pipeline
