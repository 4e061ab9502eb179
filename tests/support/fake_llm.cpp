#include "fake_llm.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "common/log.h"
#include "fake_llm_embeddings.h"
#include "fake_llm_wire.h"
#include "net/http.h"
#include "net/router.h"
#include "net/server.h"

namespace oc::testing {
namespace {

using Clock = std::chrono::steady_clock;

// Slow streams wake at least this often to notice a cancelled writer.
constexpr auto kPollSlice = std::chrono::milliseconds(10);

net::HttpResponse ErrorReply(int status, const std::string& message) {
    net::HttpResponse r;
    r.status = status;
    r.body = DumpJson(Json{{"error", {{"message", message}, {"type", "fake_llm_error"}}}});
    return r;
}

bool IsTrue(const Json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_boolean() && it->get<bool>();
}

WireContext ContextOf(const Json& body) {
    WireContext context;
    context.model = "fake-model";
    if (!body.is_object()) return context;
    auto model = body.find("model");
    if (model != body.end() && model->is_string() && !model->get<std::string>().empty()) {
        context.model = model->get<std::string>();
    }
    auto options = body.find("stream_options");
    context.include_usage =
        options != body.end() && options->is_object() && IsTrue(*options, "include_usage");
    return context;
}

// The stream frames of a 200 reply, with the scripted faults applied.
std::vector<std::string> StreamFrames(const FakeReply& reply, const WireContext& context,
                                      bool anthropic) {
    std::vector<std::string> frames =
        anthropic ? AnthropicFrames(reply, context) : OpenAiFrames(reply, context);
    if (reply.malformed) {
        frames.insert(frames.begin() + static_cast<std::ptrdiff_t>(frames.size() / 2),
                      MalformedFrame(anthropic));
    }
    if (reply.hang_up) {
        // Keep the first half, then half of the next event: the stream stops inside an event.
        const size_t keep = std::max<size_t>(1, frames.size() / 2);
        const std::string cut = frames[keep].substr(0, frames[keep].size() / 2);
        frames.resize(keep);
        frames.push_back(cut);
    }
    return frames;
}

}  // namespace

FakeLlm::FakeLlm() : router_(std::make_unique<net::Router>()) {}

FakeLlm::~FakeLlm() { Stop(); }

std::unique_ptr<FakeLlm> FakeLlm::Start(int port) {
    std::unique_ptr<FakeLlm> fake(new FakeLlm());
    fake->AddRoutes();
    net::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = static_cast<uint16_t>(port);
    options.io_threads = 2;
    options.max_body_bytes = 64u << 20;  // agent turns with many tools and messages
    fake->server_ = std::make_unique<net::Server>(options, *fake->router_, ErrorReply);
    auto bound = fake->server_->Start();
    if (!bound) {
        GetLogger("fake_llm")->error("cannot start: {}", bound.error().message);
        return nullptr;
    }
    fake->port_ = *bound;
    return fake;
}

void FakeLlm::AddRoutes() {
    auto openai = [this](net::HttpRequest& req) { return HandleLlm(req, false); };
    auto anthropic = [this](net::HttpRequest& req) { return HandleLlm(req, true); };
    auto control = [this](net::HttpRequest& req) { return HandleControl(req); };
    // All handlers only take a lock: they run on the I/O threads; slow replies get own threads.
    for (const char* path :
         {"/v1/chat/completions", "/chat/completions", "/api/v2/cortex/v1/chat/completions"}) {
        router_->Add("POST", path, openai, false);
    }
    router_->Add("POST", "/v1/messages", anthropic, false);
    router_->Add("POST", "/v1/embeddings", [](net::HttpRequest& req) { return HandleFakeEmbeddings(req); }, false);
    for (const char* path : {"/_script", "/_default", "/_reset"})
        router_->Add("POST", path, control, false);
    for (const char* path : {"/_requests", "/_stats"}) router_->Add("GET", path, control, false);
}

std::string FakeLlm::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeLlm::Stop() {
    std::list<std::thread> threads;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        threads.swap(stream_threads_);
        finished_threads_.clear();
    }
    cv_.notify_all();
    for (auto& thread : threads) thread.join();
    // Destroying the server (not just stopping it) closes the connections still open.
    if (server_) server_->Stop();
    server_.reset();
}

void FakeLlm::Enqueue(FakeReply reply) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(reply));
}

void FakeLlm::SetDefault(FakeReply reply) {
    std::lock_guard lock(mu_);
    default_ = std::move(reply);
}

void FakeLlm::Reset() {
    std::lock_guard lock(mu_);
    script_.clear();
    default_.reset();
    requests_.clear();
    disconnects_ = 0;
}

size_t FakeLlm::PendingReplies() const {
    std::lock_guard lock(mu_);
    return script_.size();
}

std::vector<RecordedRequest> FakeLlm::Requests() const {
    std::lock_guard lock(mu_);
    return requests_;
}

size_t FakeLlm::RequestCount() const {
    std::lock_guard lock(mu_);
    return requests_.size();
}

bool FakeLlm::WaitForRequests(size_t count, int timeout_ms) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return requests_.size() >= count; });
}

int FakeLlm::DisconnectCount() const {
    std::lock_guard lock(mu_);
    return disconnects_;
}

bool FakeLlm::WaitForDisconnect(int timeout_ms, int count) const {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return disconnects_ >= count; });
}

void FakeLlm::NoteDisconnect() {
    {
        std::lock_guard lock(mu_);
        ++disconnects_;
    }
    cv_.notify_all();
}

// REQUIRES: mu_ held.
FakeReply FakeLlm::TakeReply() {
    if (!script_.empty()) {
        FakeReply reply = std::move(script_.front());
        script_.pop_front();
        return reply;
    }
    if (default_) return *default_;
    FakeReply reply;
    reply.text = "ok";
    return reply;
}

net::HttpResponse FakeLlm::HandleLlm(net::HttpRequest& req, bool anthropic) {
    RecordedRequest record{req.method, req.path, req.headers, req.body,
                           Json::parse(req.body, nullptr, false)};
    if (record.json.is_discarded()) record.json = nullptr;
    WireContext context = ContextOf(record.json);
    const bool stream = record.json.is_object() && IsTrue(record.json, "stream");
    FakeReply reply;
    {
        std::lock_guard lock(mu_);
        requests_.push_back(std::move(record));
        context.sequence = ++sequence_;
        reply = TakeReply();
    }
    cv_.notify_all();
    GetLogger("fake_llm")
        ->debug("{} {} -> {}{}", req.method, req.path, reply.status, stream ? " (stream)" : "");

    net::HttpResponse resp;
    resp.status = reply.status;
    std::vector<std::string> frames;
    if (reply.status != 200) {
        if (!reply.retry_after.empty()) resp.SetHeader("Retry-After", reply.retry_after);
        frames.push_back(ErrorBody(reply, anthropic));
    } else if (stream) {
        resp.content_type = "text/event-stream";
        frames = StreamFrames(reply, context, anthropic);
    } else {
        frames.push_back(anthropic ? AnthropicBody(reply, context) : OpenAiBody(reply, context));
    }
    if (frames.size() == 1 && reply.delay_ms <= 0) {
        resp.body = std::move(frames.front());
        return resp;
    }
    resp.stream = [this, frames = std::move(frames),
                   reply](std::shared_ptr<net::BodyWriter> writer) {
        if (reply.delay_ms <= 0 && reply.chunk_delay_ms <= 0) {
            WriteFrames(*writer, frames, reply);  // nothing to wait for: write from this worker
            return;
        }
        RunOnStreamThread([this, writer, frames, reply] { WriteFrames(*writer, frames, reply); });
    };
    return resp;
}

bool FakeLlm::WriteFrames(net::BodyWriter& writer, const std::vector<std::string>& frames,
                          const FakeReply& reply) {
    bool ok = Pause(reply.delay_ms, writer);
    for (size_t i = 0; ok && i < frames.size(); ++i) {
        if (i > 0) ok = Pause(reply.chunk_delay_ms, writer);
        if (ok) ok = writer.Write(frames[i]);
    }
    if (!ok && writer.Cancelled()) NoteDisconnect();
    writer.Close();
    return ok;
}

bool FakeLlm::Pause(int ms, const net::BodyWriter& writer) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max(0, ms));
    std::unique_lock lock(mu_);
    while (!stopping_ && !writer.Cancelled()) {
        const auto now = Clock::now();
        if (now >= deadline) return true;
        cv_.wait_for(lock, std::min<Clock::duration>(deadline - now, kPollSlice));
    }
    return false;
}

void FakeLlm::RunOnStreamThread(std::function<void()> work) {
    std::vector<std::thread> finished;
    {
        std::lock_guard lock(mu_);
        for (std::thread::id id : finished_threads_) {
            auto it = std::find_if(stream_threads_.begin(), stream_threads_.end(),
                                   [id](const std::thread& t) { return t.get_id() == id; });
            if (it == stream_threads_.end()) continue;
            finished.push_back(std::move(*it));
            stream_threads_.erase(it);
        }
        finished_threads_.clear();
        if (!stopping_) {
            stream_threads_.emplace_back([this, work = std::move(work)] {
                work();
                std::lock_guard done(mu_);
                finished_threads_.push_back(std::this_thread::get_id());
            });
            work = nullptr;
        }
    }
    for (auto& thread : finished) thread.join();
    if (work) work();  // stopping: Pause() returns at once and the stream closes
}

}  // namespace oc::testing
