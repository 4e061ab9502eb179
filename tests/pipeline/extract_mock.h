// A loopback mock REST API for the extract scenario tests: auth echo, an OAuth2 token endpoint,
// parent/child routes with a per-request delay and a concurrency gauge, paged data, 429 with
// Retry-After, 5xx and content-matched responses for response_actions.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/json.h"
#include "loopback_server.h"
#include "net/server.h"

namespace oc::pipeline {

class ExtractMock {
public:
    ExtractMock() {
        router_.Add("GET", "/auth/echo", [this](net::HttpRequest& req) {
            ++requests;
            {
                std::lock_guard<std::mutex> lock(mu_);
                seen_authorization = req.Header("authorization");
                seen_cookie = req.Header("cookie");
                seen_x_key = req.Header("x-key");
                seen_query = req.query_string;
            }
            return Reply(Json{{"items", Json::array({Json{{"id", 1}}, Json{{"id", 2}}})}});
        });
        router_.Add("POST", "/echo_form", [this](net::HttpRequest& req) {
            ++requests;
            {
                std::lock_guard<std::mutex> lock(mu_);
                seen_form = req.body;
                seen_form_content_type = req.Header("content-type");
                seen_x_parent = req.Header("x-parent");
            }
            return Reply(Json{{"items", Json::array({Json{{"id", 1}}})}});
        });
        router_.Add("POST", "/oauth/token", [this](net::HttpRequest& req) {
            int n = ++token_requests;
            {
                std::lock_guard<std::mutex> lock(mu_);
                seen_token_form = req.body;
                seen_token_content_type = req.Header("content-type");
            }
            if (req.body.find("client_secret=cs-very-secret") == std::string::npos)
                return Reply(Json{{"error", "invalid_client"}}, 401);
            return Reply(Json{{"access_token", "tok" + std::to_string(n)},
                              {"token_type", "bearer"},
                              {"expires_in", token_ttl.load()}});
        });
        router_.Add("GET", "/oauth/data", [this](net::HttpRequest& req) {
            int n = ++requests;
            if (revoke_at.load() > 0 && n == revoke_at.load()) min_token = token_requests + 1;
            std::string auth = req.Header("authorization");
            int tok = auth.rfind("Bearer tok", 0) == 0 ? std::atoi(auth.c_str() + 10) : 0;
            if (tok < min_token.load()) return Reply(Json{{"error", "expired token"}}, 401);
            int page = std::stoi(req.Query("page", "0"));
            return Reply(Json{{"items", Range(page * 10, page * 10 + 2)}, {"total_pages", 3}});
        });
        router_.Add("GET", "/fail500", [this](net::HttpRequest& req) {
            ++requests;
            return Reply(Json{{"error", "boom"},
                              {"echo_auth", req.Header("authorization")},
                              {"echo_query", req.query_string}},
                         500);
        });
        router_.Add("GET", "/parents", [this](net::HttpRequest&) {
            ++requests;
            Json data = Json::array();
            for (int i = 1; i <= parent_count.load(); ++i)
                data.push_back(Json{{"id", i}, {"name", "p" + std::to_string(i)}});
            return Reply(Json{{"data", data}});
        });
        router_.Add("GET", "/children/{id}", [this](net::HttpRequest& req) {
            ++requests;
            int now = ++in_flight;
            int prev = max_in_flight.load();
            while (now > prev && !max_in_flight.compare_exchange_weak(prev, now)) {
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(child_delay_ms.load()));
            --in_flight;
            int id = std::stoi(req.params["id"]);
            if (id == missing_child.load()) return Reply(Json{{"error", "not found"}}, 404);
            Json items = Json::array();
            for (int j = 0; j < id % 3 + 1; ++j)
                items.push_back(Json{{"cid", id * 100 + j}, {"tag", "t" + std::to_string(j)}});
            return Reply(Json{{"items", items}});
        });
        router_.Add("GET", "/many/{name}", [this](net::HttpRequest& req) {
            ++requests;
            ++served_pages;
            int page = std::stoi(req.Query("page", "0"));
            int base = std::hash<std::string>{}(req.params["name"]) % 1000 * 1000;
            return Reply(Json{{"items", Range(base + page * 3, base + page * 3 + 3)},
                              {"total_pages", many_pages.load()}});
        });
        router_.Add("GET", "/retry_after", [this](net::HttpRequest&) {
            int n = ++requests;
            if (n == 1) {
                net::HttpResponse r = Reply(Json{{"error", "slow down"}}, 429);
                r.SetHeader("Retry-After", "1");
                return r;
            }
            return Reply(Json{{"items", Range(0, 2)}});
        });
        router_.Add("GET", "/always500", [this](net::HttpRequest&) {
            ++requests;
            return Reply(Json{{"error", "down"}}, 500);
        });
        router_.Add("GET", "/always503", [this](net::HttpRequest&) {
            ++requests;
            return Reply(Json{{"error", "maintenance"}}, 503);
        });
        router_.Add("GET", "/content/{mode}", [this](net::HttpRequest& req) {
            int n = ++requests;
            const std::string mode = req.params["mode"];
            if (mode == "nodata") return Reply(Json{{"status", "no data for this account"}});
            if (mode == "tryagain" && n == 1) return Reply(Json{{"status", "try again later"}});
            if (mode == "quota") return Reply(Json{{"error", "quota exceeded"}});
            return Reply(Json{{"items", Range(0, 3)}});
        });
        server_ = StartLoopbackServer(router_, 12, &base);
    }
    ~ExtractMock() { server_->Stop(); }

    static net::HttpResponse Reply(const Json& body, int status = 200) {
        net::HttpResponse r;
        r.status = status;
        r.body = DumpJson(body);
        return r;
    }
    static Json Range(int from, int to) {
        Json items = Json::array();
        for (int i = from; i < to; ++i)
            items.push_back(Json{{"id", i}, {"v", "x" + std::to_string(i)}});
        return items;
    }

    std::string Seen(const std::string& what) {
        std::lock_guard<std::mutex> lock(mu_);
        if (what == "authorization") return seen_authorization;
        if (what == "cookie") return seen_cookie;
        if (what == "x-key") return seen_x_key;
        if (what == "query") return seen_query;
        if (what == "token_form") return seen_token_form;
        if (what == "token_content_type") return seen_token_content_type;
        if (what == "form") return seen_form;
        if (what == "form_content_type") return seen_form_content_type;
        if (what == "x-parent") return seen_x_parent;
        return "";
    }

    std::string base;
    std::atomic<int> requests{0};
    std::atomic<int> token_requests{0};
    std::atomic<int> token_ttl{3600};
    std::atomic<int> revoke_at{0};  // data request number after which older tokens get 401
    std::atomic<int> min_token{0};
    std::atomic<int> parent_count{5};
    std::atomic<int> missing_child{0};
    std::atomic<int> child_delay_ms{0};
    std::atomic<int> in_flight{0};
    std::atomic<int> max_in_flight{0};
    std::atomic<int> many_pages{4};
    std::atomic<int> served_pages{0};

private:
    std::mutex mu_;
    std::string seen_authorization, seen_cookie, seen_x_key, seen_query, seen_token_form,
        seen_token_content_type, seen_form, seen_form_content_type, seen_x_parent;
    net::Router router_;
    std::unique_ptr<net::Server> server_;
};

}  // namespace oc::pipeline
