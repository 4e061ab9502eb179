// Plain HTTP request/response values shared by the server core and the API handlers. No Beast
// types here: handlers are ordinary functions over these structs.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace oc::net {

struct HttpRequest {
    std::string method;        // "GET", "POST", ...
    std::string target;        // raw request target, e.g. "/api/v2/databases?like=a%25"
    std::string path;          // target up to '?', still percent-encoded
    std::string query_string;  // after '?', raw
    std::map<std::string, std::string> query;    // decoded
    std::map<std::string, std::string> headers;  // keys lower-cased
    std::string body;
    // Filled by the router: decoded path captures ("db", "schema", "name") and the custom verb.
    std::map<std::string, std::string> params;
    std::string verb;

    // Header value or "" (name in any case).
    std::string Header(std::string_view name) const;
    bool HasQuery(const std::string& key) const { return query.count(key) != 0; }
    std::string Query(const std::string& key, const std::string& fallback = "") const;
};

// Streams a response body in chunks (SSE). Write/Close may be called from any thread; Write
// returns false once the client has gone away, so producers can stop.
class BodyWriter {
public:
    virtual ~BodyWriter() = default;
    virtual bool Write(std::string chunk) = 0;
    virtual void Close() = 0;
    virtual bool Cancelled() const = 0;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // When set, the body is streamed (chunked transfer encoding) after the headers are sent.
    // The callback is invoked once, on a worker thread; it may write and close right away or
    // keep the writer and write/close later from any thread (e.g. an agent run). Each Write is
    // flushed to the client as soon as the I/O thread picks it up.
    std::function<void(std::shared_ptr<BodyWriter>)> stream;
    // While a stream is idle this long, keepalive_chunk is sent (SSE: ": keep-alive\n\n").
    int keepalive_seconds = 15;
    std::string keepalive_chunk;

    void SetHeader(std::string name, std::string value);
};

}  // namespace oc::net
