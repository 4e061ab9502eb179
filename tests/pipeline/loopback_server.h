// Starts a mock REST API's router on 127.0.0.1 with an ephemeral port (pipeline test fixtures).
#pragma once

#include <memory>
#include <string>

#include "net/server.h"

namespace oc::pipeline {

// The started server; *base becomes "http://127.0.0.1:PORT". Errors are answered with the status
// and the message as the body.
inline std::unique_ptr<net::Server> StartLoopbackServer(net::Router& router, int worker_threads,
                                                        std::string* base) {
    auto server = std::make_unique<net::Server>(
        net::ServerOptions{
            .host = "127.0.0.1", .port = 0, .io_threads = 1, .worker_threads = worker_threads},
        router, [](int status, const std::string& m) {
            net::HttpResponse r;
            r.status = status;
            r.body = m;
            return r;
        });
    auto port = server->Start();
    *base = "http://127.0.0.1:" + std::to_string(port ? *port : 0);
    return server;
}

}  // namespace oc::pipeline
