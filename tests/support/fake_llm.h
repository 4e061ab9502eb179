// A scripted loopback LLM server for tests and benchmarks: answers OpenAI chat/completions and
// Anthropic messages requests (plain or streamed) from a FIFO of FakeReply and records every
// request. Control routes (/_script, /_default, /_requests, /_stats, /_reset) drive it over HTTP.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/json.h"
#include "common/result.h"

namespace oc::net {
class BodyWriter;
class Router;
class Server;
struct HttpRequest;
struct HttpResponse;
}  // namespace oc::net

namespace oc::testing {

struct FakeToolCall {
    std::string id;  // "" = generated ("call_fake_1" / "toolu_fake_1")
    std::string name;
    std::string arguments_json;  // streamed as several fragments; "" = "{}"
};

struct FakeReply {
    int status = 200;
    std::string retry_after;  // Retry-After header value on error replies
    std::string error_body;   // raw body for non-200; "" = an error in the endpoint's format
    std::string text;         // assistant text
    std::vector<std::string> text_chunks;  // explicit stream pieces; empty = text split in 3
    std::string thinking;                  // OpenAI: reasoning_content; Anthropic: a thinking block
    std::string thinking_signature;        // Anthropic signature; "" = "fake-signature"
    std::vector<FakeToolCall> tool_calls;
    int prompt_tokens = 10;
    int completion_tokens = 5;
    int delay_ms = 0;           // wait before the first body byte (plain replies are then chunked)
    int chunk_delay_ms = 0;     // sleep between stream chunks, on a thread of the fake
    bool malformed = false;     // one chunk that is not valid JSON mid-stream
    bool hang_up = false;       // stop mid-stream (inside an event) without the terminator
    std::string finish_reason;  // "" = "stop", or "tool_calls" when tool_calls is set
};

struct RecordedRequest {
    std::string method;
    std::string path;
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;                            // raw
    Json json;                                   // parsed body; null when not JSON
};

// FakeReply <-> snake_case JSON of the control API; unknown fields are kInvalidArgument.
[[nodiscard]] Result<FakeReply> FakeReplyFromJson(const Json& value);
Json RecordedRequestToJson(const RecordedRequest& request);

// Thread-safe: every method may be called from any thread while requests are served.
class FakeLlm {
public:
    // Listens on 127.0.0.1:port (0 = any free port). nullptr (logged) when it cannot bind.
    static std::unique_ptr<FakeLlm> Start(int port = 0);
    ~FakeLlm();
    FakeLlm(const FakeLlm&) = delete;
    FakeLlm& operator=(const FakeLlm&) = delete;

    std::string base_url() const;  // "http://127.0.0.1:PORT"
    int port() const { return port_; }
    // Aborts slow streams (they end without their terminator), joins all threads and closes
    // every connection. Idempotent; not to be called concurrently with itself.
    void Stop();

    // Appends to the script; each LLM request takes the oldest reply.
    void Enqueue(FakeReply reply);
    // The reply used when the script is empty (initially plain text "ok").
    void SetDefault(FakeReply reply);
    // Clears script, default, recorded requests and the disconnect count.
    void Reset();
    size_t PendingReplies() const;

    std::vector<RecordedRequest> Requests() const;
    size_t RequestCount() const;
    // Waits until RequestCount() >= count; false at the deadline.
    bool WaitForRequests(size_t count, int timeout_ms) const;

    // Streams whose client went away (a Write returned false or the writer was cancelled).
    int DisconnectCount() const;
    // Waits until DisconnectCount() >= count; false at the deadline.
    bool WaitForDisconnect(int timeout_ms, int count = 1) const;

private:
    FakeLlm();
    void AddRoutes();
    net::HttpResponse HandleLlm(net::HttpRequest& req, bool anthropic);
    net::HttpResponse HandleControl(net::HttpRequest& req);
    FakeReply TakeReply();
    // Writes frames (with the reply's delays) and closes; true when the client stayed.
    bool WriteFrames(net::BodyWriter& writer, const std::vector<std::string>& frames,
                     const FakeReply& reply);
    // Sleeps ms, waking early on Stop() or a cancelled writer; false when it should abort.
    bool Pause(int ms, const net::BodyWriter& writer);
    void RunOnStreamThread(std::function<void()> work);
    void NoteDisconnect();

    std::unique_ptr<net::Router> router_;
    std::unique_ptr<net::Server> server_;
    int port_ = 0;

    mutable std::mutex mu_;
    mutable std::condition_variable cv_;
    bool stopping_ = false;
    std::deque<FakeReply> script_;
    std::optional<FakeReply> default_;
    std::vector<RecordedRequest> requests_;
    int disconnects_ = 0;
    int64_t sequence_ = 0;
    std::list<std::thread> stream_threads_;
    std::vector<std::thread::id> finished_threads_;  // joined by the next RunOnStreamThread
};

}  // namespace oc::testing
