#include "auth/rate_limiter.h"

#include <algorithm>
#include <chrono>
#include <functional>

namespace oc::auth {
namespace {

constexpr int64_t kWindowMs = 60 * 1000;
// A shard drops keys idle for two windows once it holds this many (at most once a window).
constexpr size_t kSweepThreshold = 1024;

int64_t SteadyMillis() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

RateLimiter::RateLimiter(int requests_per_minute) : limit_(requests_per_minute) {}

std::optional<int> RateLimiter::Acquire(const std::string& key) {
    return Acquire(key, SteadyMillis());
}

std::optional<int> RateLimiter::Acquire(const std::string& key, int64_t now_ms) {
    if (limit_ <= 0) return std::nullopt;
    const int64_t window_start = now_ms - now_ms % kWindowMs;
    const int64_t elapsed = now_ms - window_start;
    const int64_t limit = limit_;

    Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
    std::lock_guard<std::mutex> lock(shard.mu);
    if (shard.windows.size() >= kSweepThreshold) SweepLocked(shard, window_start);
    Window& w = shard.windows[key];
    if (w.start_ms != window_start) {
        w.previous = w.start_ms == window_start - kWindowMs ? w.current : 0;
        w.current = 0;
        w.start_ms = window_start;
    }
    // Estimated count over the last minute, scaled by kWindowMs to stay in integers: the
    // previous minute weighs by the part of it still inside the sliding window.
    const int64_t remaining = kWindowMs - elapsed;
    if (w.previous * remaining + (w.current + 1) * kWindowMs <= limit * kWindowMs) {
        ++w.current;
        return std::nullopt;
    }
    int64_t wait_ms;
    if (w.current + 1 <= limit) {
        // Allowed later in this minute, once enough of the previous minute has slid out.
        wait_ms = remaining - (limit - w.current - 1) * kWindowMs / w.previous;
    } else {
        // Allowed in the next minute, once enough of this minute has slid out.
        wait_ms = remaining + kWindowMs - (limit - 1) * kWindowMs / w.current;
    }
    return static_cast<int>(std::max<int64_t>(1, (wait_ms + 999) / 1000));
}

void RateLimiter::SweepLocked(Shard& shard, int64_t window_start) {
    if (window_start - shard.last_sweep_ms < kWindowMs) return;
    shard.last_sweep_ms = window_start;
    std::erase_if(shard.windows, [&](const auto& entry) {
        return entry.second.start_ms < window_start - kWindowMs;
    });
}

}  // namespace oc::auth
