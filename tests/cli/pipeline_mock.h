// A loopback REST API for the `cortex pipeline` CLI and hand-off tests: GET /items?page=N serves
// `total` items (5 per page, json_link `next`), each with a `tags` list (→ child table); it
// requires `Authorization: Bearer sekret`. GET /events?since=T serves events with updated_at ≥ T.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "common/json.h"
#include "net/server.h"

namespace oc::testing {

class PipelineMockApi {
public:
    explicit PipelineMockApi(int total = 23) : total_(total) {
        router_.Add("GET", "/items", [this](net::HttpRequest& req) {
            ++requests;
            if (req.Header("authorization") != "Bearer sekret") return Reply(Json{{"error", "auth"}}, 401);
            int page = req.HasQuery("page") ? std::stoi(req.Query("page")) : 0;
            Json data = Json::array();
            for (int i = page * 5; i < std::min(total_, page * 5 + 5); ++i) {
                data.push_back(Json{{"id", i},
                                    {"name", "item " + std::to_string(i)},
                                    {"price", i * 1.5},
                                    {"tags", Json::array({"t" + std::to_string(i), "x"})}});
            }
            Json next = (page + 1) * 5 < total_ ? Json("/items?page=" + std::to_string(page + 1)) : Json();
            return Reply(Json{{"data", data}, {"next", next}});
        });
        router_.Add("GET", "/events", [this](net::HttpRequest& req) {
            ++requests;
            std::string since = req.Query("since");
            Json out = Json::array();
            for (int i = 1; i <= 4; ++i) {
                std::string at = "2024-01-0" + std::to_string(i) + "T00:00:00Z";
                if (at >= since) out.push_back(Json{{"id", i}, {"updated_at", at}});
            }
            return Reply(Json{{"data", out}});
        });
        server_ = std::make_unique<net::Server>(
            net::ServerOptions{.host = "127.0.0.1", .port = 0, .io_threads = 1, .worker_threads = 2},
            router_, [](int status, const std::string& m) {
                net::HttpResponse r;
                r.status = status;
                r.body = m;
                return r;
            });
        auto port = server_->Start();
        base = "http://127.0.0.1:" + std::to_string(port ? *port : 0);
    }
    ~PipelineMockApi() { server_->Stop(); }

    // A pipeline document over /items (and /events when with_events) with bearer auth from secrets.
    Json Config(const std::string& pipeline_name, bool with_events = false) const {
        Json resources = Json::array({Json{{"name", "items"}, {"endpoint", {{"path", "items"}}}}});
        if (with_events) {
            resources.push_back(Json{
                {"name", "events"},
                {"endpoint",
                 {{"path", "events"},
                  {"params", {{"since", "{incremental.start_value}"}}},
                  {"incremental",
                   {{"cursor_path", "updated_at"}, {"initial_value", "2024-01-01T00:00:00Z"}}}}}});
        }
        return Json{{"pipeline_name", pipeline_name},
                    {"dataset_name", "shop_data"},
                    {"client", {{"base_url", base}, {"auth", "bearer"}}},
                    {"resources", resources}};
    }

    std::string base;
    std::atomic<int> requests{0};

private:
    static net::HttpResponse Reply(const Json& body, int status = 200) {
        net::HttpResponse r;
        r.status = status;
        r.body = DumpJson(body);
        r.SetHeader("Content-Type", "application/json");
        return r;
    }

    int total_;
    net::Router router_;
    std::unique_ptr<net::Server> server_;
};

}  // namespace oc::testing
