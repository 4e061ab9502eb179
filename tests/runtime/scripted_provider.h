// A Provider for runtime tests: answers from a FIFO of scripted turns, streams text in chunks,
// records every request, and can block until cancelled.
#pragma once

#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "llm/provider.h"

namespace oc::runtime::testing {

struct ScriptedTurn {
    std::vector<std::string> text_chunks;  // streamed in order
    std::string unstreamed_text;           // returned only in ChatResult.text
    std::string thinking;                  // streamed as one thinking delta
    std::vector<llm::ToolCall> calls;
    llm::Usage usage{10, 5, 0, 0};
    std::optional<Error> error;  // fail with this error
    bool wait_for_cancel = false;  // block until the cancel token is set, then kCancelled
};

inline llm::ToolCall Call(std::string id, std::string name, Json args = Json::object()) {
    return llm::ToolCall{std::move(id), std::move(name), std::move(args)};
}

class ScriptedProvider : public llm::Provider {
public:
    void Push(ScriptedTurn turn) {
        std::lock_guard lock(mu_);
        turns_.push_back(std::move(turn));
    }
    std::vector<llm::ChatRequest> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    std::string kind() const override { return "scripted"; }

    Result<llm::ChatResult> Chat(const llm::ChatRequest& request, llm::StreamSink* sink,
                                 const llm::CancelToken& cancel) override {
        ScriptedTurn turn;
        {
            std::lock_guard lock(mu_);
            requests_.push_back(request);
            if (!turns_.empty()) {
                turn = std::move(turns_.front());
                turns_.pop_front();
            } else {
                turn.text_chunks = {"done"};
            }
        }
        if (turn.wait_for_cancel) {
            while (!cancel.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
            return MakeError(ErrorCode::kCancelled, "cancelled");
        }
        if (turn.error) return *turn.error;
        llm::ChatResult result;
        if (!turn.thinking.empty()) {
            if (sink) sink->OnThinking(turn.thinking);
            result.thinking = turn.thinking;
        }
        for (const auto& chunk : turn.text_chunks) {
            if (sink) sink->OnText(chunk);
            result.text += chunk;
        }
        if (!turn.unstreamed_text.empty()) result.text += turn.unstreamed_text;
        result.tool_calls = turn.calls;
        result.finish_reason = turn.calls.empty() ? "stop" : "tool_calls";
        result.usage = turn.usage;
        return result;
    }

private:
    mutable std::mutex mu_;
    std::deque<ScriptedTurn> turns_;
    std::vector<llm::ChatRequest> requests_;
};

}  // namespace oc::runtime::testing
