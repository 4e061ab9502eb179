// A loopback mock REST API for the pipeline scenario tests: every paginator style, nested
// records, parent/child routes, incremental events, 429/5xx and errors (net::Server + Router).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/json.h"
#include "loopback_server.h"
#include "net/server.h"

namespace oc::pipeline {

inline net::HttpResponse JsonResponse(const Json& body, int status = 200) {
    net::HttpResponse r;
    r.status = status;
    r.body = DumpJson(body);
    return r;
}

inline Json User(int id) {
    return Json{
        {"id", id},
        {"userName", "user" + std::to_string(id)},
        {"address", {{"city", "C" + std::to_string(id)}, {"geo", {{"lat", 1.5}, {"lng", 2.5}}}}},
        {"tags", Json::array({"a", "b"})},
        {"createdAt", "2024-01-0" + std::to_string(id % 9 + 1) + "T00:00:00Z"}};
}

inline Json Items(int from, int to) {
    Json items = Json::array();
    for (int i = from; i < to; ++i)
        items.push_back(Json{{"id", i}, {"name", "n" + std::to_string(i)}});
    return items;
}

class MockApi {
public:
    MockApi() {
        router_.Add("GET", "/users", [this](net::HttpRequest& req) {
            ++requests;
            if (req.Header("authorization") != "Bearer sekret")
                return JsonResponse(Json{{"error", "auth"}}, 401);
            int page = req.HasQuery("page") ? std::stoi(req.Query("page")) : 1;
            Json data = Json::array();
            for (int i = (page - 1) * 3 + 1; i <= std::min(page * 3, 5); ++i)
                data.push_back(User(i));
            Json next = page < 2 ? Json("/users?page=" + std::to_string(page + 1)) : Json();
            return JsonResponse(Json{{"data", data}, {"next", next}});
        });
        router_.Add("GET", "/offset", [this](net::HttpRequest& req) {
            ++requests;
            int offset = std::stoi(req.Query("offset", "0")),
                limit = std::stoi(req.Query("limit", "3"));
            return JsonResponse(
                Json{{"items", Items(offset, std::min(offset + limit, 7))}, {"total", 7}});
        });
        router_.Add("GET", "/pages", [this](net::HttpRequest& req) {
            ++requests;
            int page = std::stoi(req.Query("page", "0"));
            return JsonResponse(
                Json{{"results", Items(page * 2, page * 2 + 2)}, {"total_pages", 4}});
        });
        router_.Add("GET", "/cursor", [this](net::HttpRequest& req) {
            ++requests;
            int at = std::stoi(req.Query("cursor", "0"));
            Json next = at < 4 ? Json(std::to_string(at + 2)) : Json();
            return JsonResponse(
                Json{{"records", Items(at, at + 2)}, {"cursors", {{"next", next}}}});
        });
        router_.Add("GET", "/link", [this](net::HttpRequest& req) {
            ++requests;
            int page = std::stoi(req.Query("p", "0"));
            net::HttpResponse r = JsonResponse(Items(page * 3, page * 3 + 3));
            if (page < 2)
                r.SetHeader("Link",
                            "<" + base + "/link?p=" + std::to_string(page + 1) + ">; rel=\"next\"");
            return r;
        });
        router_.Add("GET", "/posts", [this](net::HttpRequest&) {
            ++requests;
            return JsonResponse(Json{{"posts", Items(1, 4)}});
        });
        router_.Add("GET", "/posts/{id}/comments", [this](net::HttpRequest& req) {
            ++requests;
            int id = std::stoi(req.params["id"]);
            Json c = Json::array();
            for (int i = 0; i < id; ++i) c.push_back(Json{{"cid", id * 10 + i}, {"body", "b"}});
            return JsonResponse(Json{{"comments", c}});
        });
        router_.Add("GET", "/events", [this](net::HttpRequest& req) {
            ++requests;
            std::lock_guard<std::mutex> lock(mu_);
            last_since = req.Query("since");
            Json out = Json::array();
            for (const auto& e : events) {
                if (e["updated_at"].get<std::string>() >= last_since) out.push_back(e);
            }
            return JsonResponse(Json{{"data", out}});
        });
        router_.Add("GET", "/dups", [this](net::HttpRequest&) {
            ++requests;
            Json rows = Json::array();
            for (int i = 0; i < 4; ++i)
                rows.push_back(Json{{"id", i % 2}, {"v", i}, {"parts", Json::array({i, i})}});
            return JsonResponse(rows);
        });
        router_.Add("GET", "/records", [this](net::HttpRequest&) {
            ++requests;
            std::lock_guard<std::mutex> lock(mu_);
            return JsonResponse(records);
        });
        router_.Add("GET", "/evolve", [this](net::HttpRequest&) {
            int n = ++requests;
            if (n == 1) return JsonResponse(Json::array({Json{{"id", 1}, {"val", 5}}}));
            return JsonResponse(
                Json::array({Json{{"id", 2}, {"val", "five"}, {"extraField", true}}}));
        });
        router_.Add("GET", "/keyed", [this](net::HttpRequest& req) {
            ++requests;
            if (req.Query("api_key") != "sekret") return JsonResponse(Json{{"error", "auth"}}, 401);
            return JsonResponse(Json{{"items", Items(0, 2)}});
        });
        router_.Add("GET", "/flaky", [this](net::HttpRequest&) {
            int n = ++requests;
            if (n == 1) {
                net::HttpResponse r = JsonResponse(Json{{"error", "slow down"}}, 429);
                r.SetHeader("Retry-After", "0");
                return r;
            }
            if (n == 2) return JsonResponse(Json{{"error", "boom"}}, 503);
            return JsonResponse(Json{{"items", Items(0, 3)}});
        });
        router_.Add("POST", "/chat", [this](net::HttpRequest& req) {
            ++requests;
            auto body = ParseJson(req.body);
            if (!body || req.Header("content-type") != "application/json")
                return JsonResponse(Json{{"error", "json"}}, 400);
            std::string content = (*body)["messages"][0]["content"];
            return JsonResponse(
                Json{{"choices",
                      Json::array({Json{
                          {"index", 0},
                          {"message", {{"role", "assistant"}, {"content", "re: " + content}}}}})}});
        });
        router_.Add("GET", "/hcursor", [this](net::HttpRequest& req) {
            ++requests;
            int at = std::stoi(req.Query("cursor", "0"));
            net::HttpResponse r = JsonResponse(Items(at, at + 2));
            if (at < 4) r.SetHeader("X-Next", std::to_string(at + 2));
            return r;
        });
        router_.Add("GET", "/broken", [this](net::HttpRequest&) {
            ++requests;
            return JsonResponse(Json{{"error", "nope"}}, 404);
        });
        router_.Add("GET", "/paged", [this](net::HttpRequest& req) {
            ++requests;
            const size_t page = std::stoul(req.Query("page", "0"));
            std::lock_guard<std::mutex> lock(mu_);
            Json data = page < pages_.size() ? pages_[page] : Json::array();
            Json next = page + 1 < pages_.size() ? Json("/paged?page=" + std::to_string(page + 1))
                                                 : Json();
            return JsonResponse(Json{{"data", data}, {"next", next}});
        });
        server_ = StartLoopbackServer(router_, 2, &base);
    }
    ~MockApi() { server_->Stop(); }

    void AddEvent(int id, const std::string& at) {
        std::lock_guard<std::mutex> lock(mu_);
        events.push_back(Json{{"id", id}, {"updated_at", at}});
    }

    // What /records serves (a plain list).
    void SetRecords(Json rows) {
        std::lock_guard<std::mutex> lock(mu_);
        records = std::move(rows);
    }

    // What /paged serves: page N at `?page=N`, each with a json_link `next` to the following one.
    void SetPages(std::vector<Json> pages) {
        std::lock_guard<std::mutex> lock(mu_);
        pages_ = std::move(pages);
    }

    std::string base;
    std::atomic<int> requests{0};
    Json records = Json::array();
    std::vector<Json> events;
    std::string last_since;

private:
    std::mutex mu_;
    std::vector<Json> pages_;
    net::Router router_;
    std::unique_ptr<net::Server> server_;
};

}  // namespace oc::pipeline
