#include "pipeline/rate_limiter.h"

#include <algorithm>
#include <thread>

namespace oc::pipeline {

TokenBucket::TokenBucket(int requests_per_minute, int burst) : burst_(std::max(1, burst)) {
    if (requests_per_minute > 0) {
        interval_ = std::chrono::duration_cast<Clock::duration>(
            std::chrono::microseconds(60'000'000LL / static_cast<long long>(requests_per_minute)));
    }
}

TokenBucket::Clock::duration TokenBucket::Reserve(Clock::time_point now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (interval_.count() <= 0) return Clock::duration::zero();
    if (!started_) {
        started_ = true;
        tokens_ = burst_;
        last_ = now;
    }
    if (now > last_) {
        // Refill for the time elapsed since the last reference point, up to the capacity.
        const double earned = std::chrono::duration<double>(now - last_).count() /
                              std::chrono::duration<double>(interval_).count();
        tokens_ = std::min<double>(burst_, tokens_ + earned);
        last_ = now;
    }
    tokens_ -= 1;  // may go negative: the debt is the caller's wait
    if (tokens_ >= 0) return Clock::duration::zero();
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(-tokens_ * std::chrono::duration<double>(interval_).count()));
}

void TokenBucket::Acquire() {
    const auto wait = Reserve(Clock::now());
    if (wait.count() > 0) std::this_thread::sleep_for(wait);
}

}  // namespace oc::pipeline
