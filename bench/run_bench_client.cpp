// Load client for bench/agent_runtime.sh (raw loopback sockets, no HTTP library in the path):
//   latency    URL_RUN TOKEN URL_FAKE N  — alternates N streamed `:run` requests through cortex
//              with N streamed chat/completions requests straight to the fake LLM; prints
//              time-to-first-text-delta and total (median, p99) for both and the differences.
//   concurrent URL_RUN TOKEN RUNS PID   — opens RUNS streamed `:run` requests at once, counts
//              the `done` events and samples the peak RSS of process PID while they run.
// The fake LLM must be scripted (its /_default reply) by the caller; text deltas carry "alpha".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Target {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string path;
};

// "http://127.0.0.1:PORT/path" (loopback only).
Target ParseUrl(const std::string& url) {
    Target t;
    std::string rest = url.substr(url.find("//") + 2);
    size_t slash = rest.find('/');
    std::string hostport = rest.substr(0, slash);
    t.path = slash == std::string::npos ? "/" : rest.substr(slash);
    size_t colon = hostport.find(':');
    t.host = hostport.substr(0, colon);
    t.port = std::atoi(hostport.substr(colon + 1).c_str());
    return t;
}

int Connect(const Target& t, bool nonblocking) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(t.port));
    inet_pton(AF_INET, t.host.c_str(), &addr.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        close(fd);
        return -1;
    }
    if (nonblocking) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

std::string Request(const Target& t, const std::string& token, const std::string& body) {
    std::string r = "POST " + t.path + " HTTP/1.1\r\nHost: " + t.host + ":" + std::to_string(t.port) +
                    "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\nConnection: close\r\n";
    if (!token.empty()) r += "Authorization: Bearer " + token + "\r\n";
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    return r;
}

bool SendAll(int fd, const std::string& data) {
    size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) return false;
        sent += static_cast<size_t>(n);
    }
    return true;
}

struct Timing {
    double first_us = -1;  // until the first byte of the first text delta was read
    double total_us = -1;  // until the server closed the connection
    bool ok = false;
};

// One request on a fresh connection: times the marker and the end of the stream.
Timing TimeOne(const Target& t, const std::string& token, const std::string& body, const char* marker,
               const char* end_marker) {
    Timing timing;
    const auto start = Clock::now();
    int fd = Connect(t, false);
    if (fd < 0) return timing;
    if (!SendAll(fd, Request(t, token, body))) {
        close(fd);
        return timing;
    }
    std::string got;
    char buf[16384];
    const size_t mlen = std::strlen(marker);
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        size_t from = got.size() >= mlen ? got.size() - mlen : 0;
        got.append(buf, static_cast<size_t>(n));
        if (timing.first_us < 0 && got.find(marker, from) != std::string::npos) {
            timing.first_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
        }
    }
    timing.total_us = std::chrono::duration<double, std::micro>(Clock::now() - start).count();
    close(fd);
    timing.ok = timing.first_us >= 0 && got.find(end_marker) != std::string::npos &&
                got.compare(0, 12, "HTTP/1.1 200") == 0;
    if (!timing.ok) std::fprintf(stderr, "bad response: %.300s\n", got.c_str());
    return timing;
}

double Percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

const char* kRunBody =
    R"({"models": {"orchestration": "fake"}, "stream": true,)"
    R"( "messages": [{"role": "user", "content": [{"type": "text", "text": "Say the three words"}]}]})";
const char* kChatBody =
    R"({"model": "fake", "stream": true, "messages": [{"role": "user", "content": "Say the three words"}]})";

int Latency(const std::string& run_url, const std::string& token, const std::string& fake_url, int n) {
    Target run = ParseUrl(run_url);
    Target fake = ParseUrl(fake_url);
    std::vector<double> run_first, run_total, direct_first, direct_total;
    int failures = 0;
    for (int i = 0; i < n + 50; ++i) {  // the first 50 of each are warm-up
        Timing d = TimeOne(fake, "", kChatBody, "alpha", "[DONE]");
        Timing r = TimeOne(run, token, kRunBody, "alpha", "event: done");
        if (!d.ok || !r.ok) {
            ++failures;
            continue;
        }
        if (i < 50) continue;
        direct_first.push_back(d.first_us);
        direct_total.push_back(d.total_us);
        run_first.push_back(r.first_us);
        run_total.push_back(r.total_us);
    }
    std::printf("iterations %zu (failures %d)\n", run_first.size(), failures);
    std::printf("%-28s %10s %10s\n", "microseconds", "median", "p99");
    std::printf("%-28s %10.0f %10.0f\n", "direct first text delta", Percentile(direct_first, 0.5),
                Percentile(direct_first, 0.99));
    std::printf("%-28s %10.0f %10.0f\n", ":run first text delta", Percentile(run_first, 0.5),
                Percentile(run_first, 0.99));
    std::printf("%-28s %10.0f %10.0f\n", "direct total", Percentile(direct_total, 0.5), Percentile(direct_total, 0.99));
    std::printf("%-28s %10.0f %10.0f\n", ":run total", Percentile(run_total, 0.5), Percentile(run_total, 0.99));
    std::printf("added to first token (median): %.0f us (goal < 1000)\n",
                Percentile(run_first, 0.5) - Percentile(direct_first, 0.5));
    std::printf("added to total (median): %.0f us (goal < 2000)\n",
                Percentile(run_total, 0.5) - Percentile(direct_total, 0.5));
    return failures == 0 ? 0 : 1;
}

// Resident set (VmRSS) and its peak (VmHWM) of a process, in kB.
std::pair<long, long> Rss(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    long rss = 0, hwm = 0;
    while (std::getline(in, line)) {
        if (line.rfind("VmRSS:", 0) == 0) rss = std::atol(line.c_str() + 6);
        if (line.rfind("VmHWM:", 0) == 0) hwm = std::atol(line.c_str() + 6);
    }
    return {rss, hwm};
}

int Threads(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
    }
    return 0;
}

int Concurrent(const std::string& run_url, const std::string& token, int runs, int pid) {
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
    Target run = ParseUrl(run_url);
    const std::string request = Request(run, token, kRunBody);
    struct Conn {
        int fd = -1;
        std::string got;
        bool done = false;
        double first_event_ms = -1;  // first byte of the first SSE event (queueing shows here)
        double done_ms = -1;
    };
    std::vector<Conn> conns(static_cast<size_t>(runs));
    const long rss_before = Rss(pid).first;
    const auto start = Clock::now();
    int connect_failures = 0;
    for (auto& c : conns) {
        c.fd = Connect(run, false);
        if (c.fd < 0 || !SendAll(c.fd, request)) {
            ++connect_failures;
            if (c.fd >= 0) close(c.fd);
            c.fd = -1;
            continue;
        }
        fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    }
    const double sent_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    long peak_rss = 0;
    int peak_threads = 0, done = 0, open = runs - connect_failures;
    auto next_sample = Clock::now();
    const auto deadline = Clock::now() + std::chrono::seconds(300);
    std::vector<pollfd> fds;
    std::vector<size_t> index;
    char buf[16384];
    while (open > 0 && Clock::now() < deadline) {
        if (Clock::now() >= next_sample) {
            peak_rss = std::max(peak_rss, Rss(pid).first);
            peak_threads = std::max(peak_threads, Threads(pid));
            next_sample = Clock::now() + std::chrono::milliseconds(20);
        }
        fds.clear();
        index.clear();
        for (size_t i = 0; i < conns.size(); ++i) {
            if (conns[i].fd < 0) continue;
            fds.push_back({conns[i].fd, POLLIN, 0});
            index.push_back(i);
        }
        poll(fds.data(), fds.size(), 20);
        for (size_t k = 0; k < fds.size(); ++k) {
            if (fds[k].revents == 0) continue;
            Conn& c = conns[index[k]];
            for (;;) {
                ssize_t n = recv(c.fd, buf, sizeof buf, 0);
                if (n > 0) {
                    size_t from = c.got.size() >= 16 ? c.got.size() - 16 : 0;
                    c.got.append(buf, static_cast<size_t>(n));
                    const double now_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
                    if (c.first_event_ms < 0 && c.got.find("event: ") != std::string::npos) c.first_event_ms = now_ms;
                    if (!c.done && c.got.find("event: done", from) != std::string::npos) {
                        c.done = true;
                        c.done_ms = now_ms;
                        ++done;
                    }
                    if (c.got.size() > (1u << 16)) c.got.erase(0, c.got.size() - 64);  // keep the tail
                    continue;
                }
                if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                close(c.fd);
                c.fd = -1;
                --open;
                break;
            }
        }
    }
    const double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    for (auto& c : conns) {
        if (c.fd >= 0) close(c.fd);
    }
    auto [rss_after, hwm] = Rss(pid);
    std::vector<double> first_events, dones;
    for (const auto& c : conns) {
        if (c.first_event_ms >= 0) first_events.push_back(c.first_event_ms);
        if (c.done_ms >= 0) dones.push_back(c.done_ms);
    }
    std::printf("runs %d, connect failures %d, done events %d, still open at the deadline %d\n", runs,
                connect_failures, done, open);
    std::printf("all requests sent after %.0f ms; all streams ended after %.0f ms\n", sent_ms, total_ms);
    std::printf("first event after (ms from start): median %.0f, p99 %.0f, max %.0f; done: median %.0f, max %.0f\n",
                Percentile(first_events, 0.5), Percentile(first_events, 0.99), Percentile(first_events, 1.0),
                Percentile(dones, 0.5), Percentile(dones, 1.0));
    std::printf("cortex RSS: before %ld MB, peak sampled %ld MB, VmHWM %ld MB, after %ld MB; peak threads %d\n",
                rss_before / 1024, peak_rss / 1024, hwm / 1024, rss_after / 1024, peak_threads);
    return done == runs ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc == 6 && std::strcmp(argv[1], "latency") == 0) return Latency(argv[2], argv[3], argv[4], std::atoi(argv[5]));
    if (argc == 6 && std::strcmp(argv[1], "concurrent") == 0)
        return Concurrent(argv[2], argv[3], std::atoi(argv[4]), std::atoi(argv[5]));
    std::fprintf(stderr,
                 "usage: run_bench_client latency RUN_URL TOKEN FAKE_CHAT_URL N\n"
                 "       run_bench_client concurrent RUN_URL TOKEN RUNS CORTEX_PID\n");
    return 2;
}
