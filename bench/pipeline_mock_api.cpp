// Mock REST API for bench/pipeline_bench.sh: serves N flat rows and N nested rows (each with a
// 3-item child list) in pages with a json_link `next`, generated on the fly; or dumps the same rows
// as newline-delimited JSON files for DuckDB's read_json_auto (the limit).
//
//   pipeline_mock_api --rows N [--page-size P] [--port 0]      serve; prints "listening on URL"
//   pipeline_mock_api --rows N --dump DIR                      write DIR/flat.jsonl, nested.jsonl
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "net/server.h"

namespace {

long g_rows = 1000000;
long g_page = 5000;

void FlatRow(std::string& out, long i) {
    char buf[320];
    int n = std::snprintf(buf, sizeof(buf),
                          "{\"id\":%ld,\"name\":\"customer %ld\",\"email\":\"user%ld@example.com\","
                          "\"amount\":%ld.25,\"active\":%s,\"created_at\":\"2024-%02ld-%02ldT%02ld:"
                          "%02ld:00Z\"}",
                          i, i, i, i % 100000, i % 2 == 0 ? "true" : "false", i % 12 + 1,
                          i % 28 + 1, i % 24, i % 60);
    out.append(buf, static_cast<size_t>(n));
}

void NestedRow(std::string& out, long i) {
    char buf[640];
    int n = std::snprintf(
        buf, sizeof(buf),
        "{\"id\":%ld,\"status\":\"%s\",\"customer\":{\"name\":\"customer %ld\",\"city\":\"city "
        "%ld\"},\"total\":%ld.5,\"lines\":[{\"sku\":\"sku-%ld-0\",\"qty\":1,\"price\":2.5},"
        "{\"sku\":\"sku-%ld-1\",\"qty\":2,\"price\":3.5},{\"sku\":\"sku-%ld-2\",\"qty\":3,"
        "\"price\":4.5}]}",
        i, i % 3 == 0 ? "open" : "closed", i, i % 100, i % 1000, i, i, i);
    out.append(buf, static_cast<size_t>(n));
}

std::string Page(bool nested, long page, const std::string& path) {
    std::string out;
    out.reserve(static_cast<size_t>(g_page) * (nested ? 300 : 170) + 64);
    out += "{\"data\":[";
    long from = page * g_page, to = std::min(g_rows, from + g_page);
    for (long i = from; i < to; ++i) {
        if (i > from) out += ',';
        nested ? NestedRow(out, i) : FlatRow(out, i);
    }
    out += "],\"next\":";
    if (to < g_rows) {
        out += "\"" + path + "?page=" + std::to_string(page + 1) + "\"";
    } else {
        out += "null";
    }
    out += "}";
    return out;
}

int Dump(const std::string& dir) {
    for (bool nested : {false, true}) {
        std::ofstream f(dir + (nested ? "/nested.jsonl" : "/flat.jsonl"), std::ios::binary);
        std::string line;
        for (long i = 0; i < g_rows; ++i) {
            line.clear();
            nested ? NestedRow(line, i) : FlatRow(line, i);
            line += '\n';
            f.write(line.data(), static_cast<std::streamsize>(line.size()));
        }
        if (!f) return 1;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    std::string dump;
    for (int i = 1; i + 1 < argc; i += 2) {
        std::string a = argv[i];
        if (a == "--rows") g_rows = std::atol(argv[i + 1]);
        else if (a == "--page-size") g_page = std::atol(argv[i + 1]);
        else if (a == "--port") port = std::atoi(argv[i + 1]);
        else if (a == "--dump") dump = argv[i + 1];
    }
    if (!dump.empty()) return Dump(dump);

    oc::net::Router router;
    for (bool nested : {false, true}) {
        std::string path = nested ? "/nested" : "/flat";
        router.Add("GET", path, [nested, path](oc::net::HttpRequest& req) {
            long page = req.HasQuery("page") ? std::atol(req.Query("page").c_str()) : 0;
            oc::net::HttpResponse r;
            r.status = 200;
            r.body = Page(nested, page, path);
            r.SetHeader("Content-Type", "application/json");
            return r;
        });
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    oc::net::Server server(
        oc::net::ServerOptions{.host = "127.0.0.1", .port = static_cast<uint16_t>(port), .io_threads = 1,
                               .worker_threads = 1},
        router, [](int status, const std::string& m) {
            oc::net::HttpResponse r;
            r.status = status;
            r.body = m;
            return r;
        });
    auto bound = server.Start();
    if (!bound) {
        std::fprintf(stderr, "cannot listen: %s\n", bound.error().message.c_str());
        return 1;
    }
    std::printf("listening on http://127.0.0.1:%d\n", static_cast<int>(*bound));
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    server.Stop();
    return 0;
}
