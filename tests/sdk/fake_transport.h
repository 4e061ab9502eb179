// An in-memory Transport for SDK tests: every frame the SDK writes goes to `on_write`, which may
// answer by calling push(); read() blocks until a frame is pushed or the peer is finished.
#ifndef OPENCORTEX_TESTS_SDK_FAKE_TRANSPORT_H_
#define OPENCORTEX_TESTS_SDK_FAKE_TRANSPORT_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "opencortex/opencortex.h"

namespace opencortex::testing {

class FakeTransport : public Transport {
 public:
  struct State {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<json> incoming;
    std::vector<json> written;
    bool peer_done = false;
    bool input_ended = false;
    bool closed = false;
    std::function<void(State&, const json&)> on_write;

    void push(json frame) {
      std::lock_guard lock(mu);
      incoming.push_back(std::move(frame));
      cv.notify_all();
    }
    void finish_peer() {
      std::lock_guard lock(mu);
      peer_done = true;
      cv.notify_all();
    }
    // Waits until `count` frames were written; returns a copy of them.
    std::vector<json> wait_written(size_t count) {
      std::unique_lock lock(mu);
      cv.wait_for(lock, std::chrono::seconds(5), [&] { return written.size() >= count; });
      return written;
    }
  };

  explicit FakeTransport(std::shared_ptr<State> state) : state_(std::move(state)) {}
  void connect() override { connected_ = true; }
  void write(const std::string& line) override {
    json frame = json::parse(line);
    std::function<void(State&, const json&)> hook;
    {
      std::lock_guard lock(state_->mu);
      if (state_->input_ended) throw CLIConnectionError("input closed");
      state_->written.push_back(frame);
      hook = state_->on_write;
      state_->cv.notify_all();
    }
    if (hook) hook(*state_, frame);
  }
  std::optional<json> read() override {
    std::unique_lock lock(state_->mu);
    state_->cv.wait(lock, [&] { return !state_->incoming.empty() || state_->peer_done || state_->closed; });
    if (state_->incoming.empty()) return std::nullopt;
    json frame = std::move(state_->incoming.front());
    state_->incoming.pop_front();
    return frame;
  }
  void end_input() override {
    std::lock_guard lock(state_->mu);
    state_->input_ended = true;
    state_->cv.notify_all();
  }
  void close() override {
    std::lock_guard lock(state_->mu);
    state_->closed = true;
    state_->cv.notify_all();
  }
  bool is_ready() const override { return connected_; }

 private:
  std::shared_ptr<State> state_;
  bool connected_ = false;
};

// Answers control requests with success and an optional body (initialize gets {"commands":[]}).
inline void AckControl(FakeTransport::State& s, const json& frame) {
  if (frame.value("type", "") != "control_request") return;
  json body = json::object();
  if (frame["request"].value("subtype", "") == "initialize") body = {{"commands", json::array()}};
  s.push({{"type", "control_response"},
          {"response", {{"subtype", "success"}, {"request_id", frame["request_id"]}, {"response", body}}}});
}

inline json ResultFrame(const std::string& text, bool error = false) {
  json r = {{"type", "result"}, {"subtype", error ? "error_during_execution" : "success"}, {"is_error", error},
            {"duration_ms", 1}, {"duration_api_ms", 1}, {"num_turns", 1}, {"session_id", "s"}};
  if (error) {
    r["errors"] = json::array({text});
  } else {
    r["result"] = text;
  }
  return r;
}

inline json AssistantFrame(const std::string& text) {
  return {{"type", "assistant"},
          {"message", {{"model", "m"}, {"content", json::array({{{"type", "text"}, {"text", text}}})}}}};
}

}  // namespace opencortex::testing

#endif  // OPENCORTEX_TESTS_SDK_FAKE_TRANSPORT_H_
