#include "net/server.h"

// GCC 12 + Boost 1.74: <utility> before Asio (DESIGN.md).
#include <utility>

#include <atomic>
#include <deque>
#include <mutex>
#include <cstdio>
#include <sstream>
#include <chrono>
#include <thread>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/log.h"
#include "common/text.h"

namespace oc::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

HttpRequest ToRequest(http::request<http::string_body>&& in) {
    HttpRequest r;
    r.method = std::string(in.method_string());
    r.target = std::string(in.target());
    size_t q = r.target.find('?');
    r.path = r.target.substr(0, q);
    if (q != std::string::npos) {
        r.query_string = r.target.substr(q + 1);
        r.query = ParseQueryString(r.query_string);
    }
    for (const auto& field : in) {
        r.headers[ToLowerAscii(std::string_view(field.name_string().data(), field.name_string().size()))] =
            std::string(field.value());
    }
    r.body = std::move(in.body());
    return r;
}

http::response<http::string_body> ToBeast(HttpResponse&& resp, unsigned version, bool keep_alive) {
    http::response<http::string_body> out{static_cast<http::status>(resp.status), version};
    out.set(http::field::server, "opencortex");
    out.set(http::field::content_type, resp.content_type);
    for (auto& [name, value] : resp.headers) out.set(name, value);
    out.body() = std::move(resp.body);
    out.keep_alive(keep_alive);
    out.prepare_payload();
    return out;
}

// The BodyWriter of one streamed response: producers append from any thread; the session
// coroutine (on its strand) drains the queue. A timer cancelled via post() wakes the session.
class StreamChannel : public BodyWriter, public std::enable_shared_from_this<StreamChannel> {
public:
    explicit StreamChannel(asio::any_io_executor executor) : executor_(executor), signal_(executor) {
        signal_.expires_at(asio::steady_timer::time_point::max());
    }
    bool Write(std::string chunk) override {
        bool wake = false;
        {
            std::lock_guard lock(mu_);
            if (cancelled_ || closed_) return false;
            queue_.push_back(std::move(chunk));
            wake = NeedWakeLocked();
        }
        if (wake) Wake();
        return true;
    }
    void Close() override {
        bool wake = false;
        {
            std::lock_guard lock(mu_);
            closed_ = true;
            wake = NeedWakeLocked();
        }
        if (wake) Wake();
    }
    bool Cancelled() const override { return cancelled_; }
    void Cancel() {
        cancelled_ = true;
        bool wake = false;
        {
            std::lock_guard lock(mu_);
            wake = NeedWakeLocked();
        }
        if (wake) Wake();
    }
    // Takes everything queued; sets *closed when the producer is done.
    std::string Drain(bool* closed) {
        std::lock_guard lock(mu_);
        std::string out;
        for (auto& c : queue_) out += c;
        queue_.clear();
        *closed = closed_;
        return out;
    }
    asio::steady_timer& signal() { return signal_; }

private:
    // One wake-up in flight is enough: the session drains everything queued before it runs.
    bool NeedWakeLocked() {
        if (wake_posted_) return false;
        wake_posted_ = true;
        return true;
    }
    void Wake() {
        auto self = shared_from_this();
        asio::post(executor_, [self] {
            {
                std::lock_guard lock(self->mu_);
                self->wake_posted_ = false;
            }
            self->signal_.cancel();
        });
    }
    asio::any_io_executor executor_;
    asio::steady_timer signal_;
    std::mutex mu_;
    std::deque<std::string> queue_;
    bool closed_ = false;
    bool wake_posted_ = false;  // guarded by mu_
    std::atomic<bool> cancelled_{false};
};

// How long a streamed response's headers wait for the first data, to go out in the same write.
constexpr auto kHeaderWait = std::chrono::milliseconds(10);

// `data` as one HTTP/1.1 chunk (RFC 9112 §7.1), appended to *out; an empty `data` is skipped.
void AppendChunk(std::string_view data, std::string* out) {
    if (data.empty()) return;
    char size[20];
    const int n = std::snprintf(size, sizeof(size), "%zx\r\n", data.size());
    out->append(size, static_cast<size_t>(n));
    out->append(data);
    out->append("\r\n");
}

}  // namespace

struct Server::Impl {
    ServerOptions options;
    const Router& router;
    ErrorResponder on_error;
    AccessLog access_log;
    asio::io_context ioc;
    std::unique_ptr<asio::thread_pool> workers;
    tcp::acceptor acceptor{ioc};
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};
    uint16_t bound_port = 0;

    Impl(ServerOptions o, const Router& r, ErrorResponder e)
        : options(std::move(o)), router(r), on_error(std::move(e)) {}

    HttpResponse Dispatch(HttpRequest& req, const Router::Match& match);
    asio::awaitable<HttpResponse> Handle(HttpRequest& req);
    asio::awaitable<void> Session(tcp::socket socket);
    asio::awaitable<bool> WriteStream(beast::tcp_stream& stream, HttpResponse resp, unsigned version,
                                      bool keep_alive);
    asio::awaitable<void> Accept();
};

HttpResponse Server::Impl::Dispatch(HttpRequest& req, const Router::Match& match) {
    try {
        return match.route->handler(req);
    } catch (const std::exception& e) {
        GetLogger("net")->error("unhandled exception in {} {}: {}", req.method, req.path, e.what());
    } catch (...) {
        GetLogger("net")->error("unhandled exception in {} {}", req.method, req.path);
    }
    return on_error(500, "Internal error.");
}

asio::awaitable<HttpResponse> Server::Impl::Handle(HttpRequest& req) {
    Router::Match match = router.Resolve(req);
    if (match.status == 404) co_return on_error(404, "Unknown path " + req.path + ".");
    if (match.status == 405) co_return on_error(405, "Method " + req.method + " is not allowed on " + req.path + ".");
    if (!match.route->blocking) co_return Dispatch(req, match);
    co_return co_await asio::co_spawn(
        workers->get_executor(),
        [this, &req, match]() -> asio::awaitable<HttpResponse> { co_return Dispatch(req, match); },
        asio::use_awaitable);
}

asio::awaitable<void> Server::Impl::Session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    beast::error_code ec;
    for (;;) {
        http::request_parser<http::string_body> parser;
        parser.body_limit(options.max_body_bytes);
        stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == http::error::body_limit) {
            HttpResponse resp = on_error(413, "Request body exceeds the limit of " +
                                                  std::to_string(options.max_body_bytes) + " bytes.");
            auto out = ToBeast(std::move(resp), 11, false);
            co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
            break;
        }
        if (ec) break;  // end of stream, timeout, reset
        auto start = std::chrono::steady_clock::now();
        unsigned version = parser.get().version();
        bool keep_alive = parser.get().keep_alive() && !stopping;
        HttpRequest req = ToRequest(parser.release());
        stream.expires_never();
        HttpResponse resp = co_await Handle(req);
        int status = resp.status;
        if (resp.stream) {
            bool ok = co_await WriteStream(stream, std::move(resp), version, keep_alive);
            if (access_log) access_log(req, status, 0);
            if (!ok) break;
            continue;
        }
        auto out = ToBeast(std::move(resp), version, keep_alive);
        stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
        co_await http::async_write(stream, out, asio::redirect_error(asio::use_awaitable, ec));
        if (access_log) {
            auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - start).count();
            access_log(req, status, us);
        }
        if (ec || !keep_alive) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

// Sends the headers, then chunks as the producer writes them, keep-alives while idle, and the
// final chunk when the producer closes. Returns false when the connection must be closed (the
// client asked for that or went away); otherwise it serves the next request.
asio::awaitable<bool> Server::Impl::WriteStream(beast::tcp_stream& stream, HttpResponse resp, unsigned version,
                                                bool keep_alive) {
    http::response<http::empty_body> head{static_cast<http::status>(resp.status), version};
    head.set(http::field::server, "opencortex");
    head.set(http::field::content_type, resp.content_type);
    head.set(http::field::cache_control, "no-cache");
    for (auto& [name, value] : resp.headers) head.set(name, value);
    head.chunked(true);
    head.keep_alive(keep_alive);
    std::ostringstream head_text;
    head_text << head.base();
    std::string header = head_text.str();  // sent with the first data, or alone after kHeaderWait
    beast::error_code ec;
    stream.expires_never();

    auto channel = std::make_shared<StreamChannel>(co_await asio::this_coro::executor);
    auto producer = std::move(resp.stream);
    asio::post(*workers, [producer, channel] {
        try {
            producer(channel);
        } catch (...) {
            GetLogger("net")->error("stream producer threw");
            channel->Close();
        }
    });
    const auto idle = std::chrono::seconds(std::max(1, resp.keepalive_seconds));
    const bool keepalive = !resp.keepalive_chunk.empty();
    std::string out;
    for (;;) {
        bool closed = false;
        std::string data = channel->Drain(&closed);
        if (data.empty() && !closed) {
            // Wake-ups are posted to this strand, so none can slip in between Drain and wait.
            if (!header.empty()) {
                channel->signal().expires_after(kHeaderWait);
            } else if (keepalive) {
                channel->signal().expires_after(idle);
            } else {
                channel->signal().expires_at(asio::steady_timer::time_point::max());
            }
            co_await channel->signal().async_wait(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) continue;  // woken by the producer: drain again
            if (header.empty() && !keepalive) continue;
            if (header.empty()) data = resp.keepalive_chunk;  // idle for the whole interval
        }
        // One write: the headers (first time), the data as a chunk, the last chunk when done.
        out.swap(header);
        AppendChunk(data, &out);
        if (closed) out.append("0\r\n\r\n");
        co_await asio::async_write(stream, asio::buffer(out), asio::redirect_error(asio::use_awaitable, ec));
        out.clear();
        if (ec) {
            channel->Cancel();  // the client went away: producers see Write() == false
            co_return false;
        }
        if (closed) break;
    }
    co_return keep_alive;  // the chunked body has a defined end: the connection may serve more
}

asio::awaitable<void> Server::Impl::Accept() {
    for (;;) {
        beast::error_code ec;
        tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(ioc),
                                                             asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (stopping || ec == asio::error::operation_aborted) co_return;
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto executor = socket.get_executor();
        asio::co_spawn(executor, Session(std::move(socket)), asio::detached);
    }
}

Server::Server(ServerOptions options, const Router& router, ErrorResponder on_error)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(on_error))) {}

Server::~Server() { Stop(); }

void Server::SetAccessLog(AccessLog log) { impl_->access_log = std::move(log); }

uint16_t Server::port() const { return impl_->bound_port; }

Result<uint16_t> Server::Start() {
    Impl& s = *impl_;
    beast::error_code ec;
    auto address = asio::ip::make_address(s.options.host, ec);
    if (ec) return MakeError(ErrorCode::kInvalidArgument, "invalid --host '" + s.options.host + "'");
    tcp::endpoint endpoint(address, s.options.port);
    s.acceptor.open(endpoint.protocol(), ec);
    if (!ec) s.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) s.acceptor.bind(endpoint, ec);
    if (!ec) s.acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return MakeError(ErrorCode::kUnavailable, "cannot listen on " + s.options.host + ":" +
                                                      std::to_string(s.options.port) + ": " + ec.message());
    }
    s.bound_port = s.acceptor.local_endpoint().port();
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    int io = s.options.io_threads > 0 ? s.options.io_threads : static_cast<int>(cores);
    int workers = s.options.worker_threads > 0 ? s.options.worker_threads : std::max(4, static_cast<int>(2 * cores));
    s.workers = std::make_unique<asio::thread_pool>(workers);
    asio::co_spawn(s.ioc, s.Accept(), asio::detached);
    for (int i = 0; i < io; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
    return s.bound_port;
}

void Server::Stop() {
    Impl& s = *impl_;
    if (s.stopping.exchange(true)) return;
    asio::post(s.ioc, [&s] {
        beast::error_code ec;
        s.acceptor.close(ec);
    });
    if (s.workers) s.workers->join();
    s.ioc.stop();
    for (auto& t : s.threads) t.join();
    s.threads.clear();
}

}  // namespace oc::net
