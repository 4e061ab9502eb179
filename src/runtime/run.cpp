#include "runtime/run.h"

#include "common/clock.h"

namespace oc::runtime {

const char* RunStatusName(RunStatus status) {
    switch (status) {
        case RunStatus::kRunning: return "in_progress";
        case RunStatus::kCompleted: return "completed";
        case RunStatus::kCancelled: return "cancelled";
        case RunStatus::kFailed: return "failed";
    }
    return "failed";
}

Run::Run(RunIds ids) : ids_(std::move(ids)) {}

RunIds Run::ids() const {
    std::lock_guard lock(mu_);
    return ids_;
}

void Run::SetAssistantMessageId(int64_t id) {
    std::lock_guard lock(mu_);
    ids_.assistant_message_id = id;
}

int64_t Run::Append(const std::string& name, const Json& data) { return AppendRaw(name, DumpJson(data)); }

int64_t Run::AppendRaw(const std::string& name, std::string data) {
    std::lock_guard lock(mu_);
    if (status_ != RunStatus::kRunning) return 0;
    RunEvent event{static_cast<int64_t>(events_.size()) + 1, name, std::move(data)};
    for (auto it = subscribers_.begin(); it != subscribers_.end();) {
        if (it->second.on_event(event)) {
            ++it;
        } else {
            it = subscribers_.erase(it);
        }
    }
    events_.push_back(std::move(event));
    return events_.back().seq;
}

void Run::Finish(RunStatus status, Json final_response, Json error) {
    std::map<uint64_t, Subscriber> ended;
    {
        std::lock_guard lock(mu_);
        if (status_ != RunStatus::kRunning) return;
        status_ = status;
        final_response_ = std::move(final_response);
        error_ = std::move(error);
        finished_at_ms_ = NowMillis();
        ended.swap(subscribers_);
    }
    finished_cv_.notify_all();
    for (auto& [id, s] : ended) {
        if (s.on_end) s.on_end();
    }
}

uint64_t Run::Subscribe(int64_t after_seq, Subscriber subscriber) {
    {
        std::lock_guard lock(mu_);
        size_t first = after_seq <= 0 ? 0 : static_cast<size_t>(after_seq);
        bool alive = true;
        for (size_t i = first; i < events_.size() && alive; ++i) alive = subscriber.on_event(events_[i]);
        if (!alive) return 0;
        if (status_ == RunStatus::kRunning) {
            uint64_t id = next_subscription_++;
            subscribers_.emplace(id, std::move(subscriber));
            return id;
        }
    }
    if (subscriber.on_end) subscriber.on_end();
    return 0;
}

void Run::Unsubscribe(uint64_t subscription) {
    std::lock_guard lock(mu_);
    subscribers_.erase(subscription);
}

void Run::Cancel() {
    cancel_requested_.store(true);
    cancel_token_.Cancel();
}

RunStatus Run::status() const {
    std::lock_guard lock(mu_);
    return status_;
}

bool Run::finished() const { return status() != RunStatus::kRunning; }

bool Run::WaitFinished(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mu_);
    return finished_cv_.wait_for(lock, timeout, [this] { return status_ != RunStatus::kRunning; });
}

Json Run::final_response() const {
    std::lock_guard lock(mu_);
    return final_response_;
}

Json Run::error() const {
    std::lock_guard lock(mu_);
    return error_;
}

int64_t Run::finished_at_ms() const {
    std::lock_guard lock(mu_);
    return finished_at_ms_;
}

std::vector<RunEvent> Run::EventsAfter(int64_t after_seq) const {
    std::lock_guard lock(mu_);
    size_t first = after_seq <= 0 ? 0 : static_cast<size_t>(after_seq);
    if (first >= events_.size()) return {};
    return {events_.begin() + static_cast<std::ptrdiff_t>(first), events_.end()};
}

}  // namespace oc::runtime
