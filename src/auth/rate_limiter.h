// Per-key request limit (reference agents-api.md §1.9: per token, default 1000/minute → 429 with
// Retry-After). A sliding window estimated from two fixed one-minute counters per key: O(1) per
// call, no burst of 2N at a window edge. Thread-safe; keys are spread over mutex-guarded shards.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace oc::auth {

class RateLimiter {
public:
    // requests_per_minute <= 0 disables the limit (every call is allowed).
    explicit RateLimiter(int requests_per_minute = 1000);

    // Counts one request for key. nullopt = allowed; otherwise the whole seconds (>= 1) until a
    // request would be allowed again (the Retry-After value); a denied request is not counted.
    std::optional<int> Acquire(const std::string& key);
    // The same at a given monotonic time in milliseconds (tests drive the clock).
    std::optional<int> Acquire(const std::string& key, int64_t now_ms);

    int requests_per_minute() const { return limit_; }

private:
    struct Window {
        int64_t start_ms = 0;  // start of the current fixed minute
        int64_t previous = 0;  // requests counted in the minute before it
        int64_t current = 0;   // requests counted in this minute
    };
    struct Shard {
        std::mutex mu;
        std::unordered_map<std::string, Window> windows;
        int64_t last_sweep_ms = 0;
    };
    static constexpr size_t kShards = 16;

    void SweepLocked(Shard& shard, int64_t window_start);

    const int limit_;
    std::array<Shard, kShards> shards_;
};

}  // namespace oc::auth
