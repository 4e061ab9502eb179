// The HTTP server core: Boost.Beast over Asio C++20 coroutines. I/O threads parse and write;
// routes marked blocking run on a bounded worker pool so DuckDB never blocks an I/O thread.
// Beast stays inside server.cpp (pimpl) to keep compile times down.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "net/http.h"
#include "net/router.h"

namespace oc::net {

struct ServerOptions {
    // Address to bind; "127.0.0.1" by default, "0.0.0.0" or "::" for all interfaces.
    std::string host = "127.0.0.1";
    // Port to bind; 0 picks any free port (see Server::port()).
    uint16_t port = 8080;
    // Threads running the io_context; 0 = one per core.
    int io_threads = 0;
    // Threads of the worker pool for blocking handlers; 0 = 2 x cores, at least 4.
    int worker_threads = 0;
    // Largest request body; larger requests get 413.
    size_t max_body_bytes = 1 << 20;
    // Idle keep-alive connections are closed after this many seconds.
    int idle_timeout_seconds = 60;
};

class Server {
public:
    // Builds the body of a response the server makes itself (404/405 routing, 413, 500).
    using ErrorResponder = std::function<HttpResponse(int status, const std::string& message)>;
    // Called for every finished request (method, target, status, micros) for the debug log.
    using AccessLog = std::function<void(const HttpRequest&, int status, int64_t micros)>;

    Server(ServerOptions options, const Router& router, ErrorResponder on_error);
    ~Server();

    // Binds and starts the I/O and worker threads; returns the bound port.
    Result<uint16_t> Start();
    // Stops accepting, lets in-flight requests finish briefly, joins all threads.
    void Stop();
    uint16_t port() const;
    void SetAccessLog(AccessLog log);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace oc::net
