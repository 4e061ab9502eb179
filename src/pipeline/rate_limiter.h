// Client-side request rate limit for the extract step: a token bucket shared by every fetch
// worker of one run (cortex extension; dlt only reacts to 429, reference pipeline.md §6.3).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace oc::pipeline {

class TokenBucket {
public:
    using Clock = std::chrono::steady_clock;

    // requests_per_minute <= 0 disables the limit. burst = bucket capacity (>= 1): that many
    // requests may go at once after an idle period; afterwards one per 60/rpm seconds.
    TokenBucket(int requests_per_minute, int burst);

    // Takes one token, sleeping until one is available. Thread-safe; waiters are served in
    // the order they reserved a slot (each reservation moves the next free slot forward).
    void Acquire();

    // The wait Acquire would need at `now`, and reserves the token (for tests: no sleeping).
    Clock::duration Reserve(Clock::time_point now);

    bool enabled() const { return interval_.count() > 0; }

private:
    std::mutex mu_;
    Clock::duration interval_{};  // time to earn one token
    int burst_ = 1;
    double tokens_ = 0;         // tokens available at last_
    Clock::time_point last_{};  // time tokens_ refers to
    bool started_ = false;
};

}  // namespace oc::pipeline
