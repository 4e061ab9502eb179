// Live counters of a running pipeline, written by extract/normalize/load and read by the CLI's
// progress display from another thread (hence atomics). All fields only grow.
#pragma once

#include <atomic>
#include <cstdint>

namespace oc::pipeline {

struct RunProgress {
    enum Step : int { kExtract = 0, kNormalize = 1, kLoad = 2, kDone = 3 };
    std::atomic<int> step{kExtract};
    std::atomic<int> resources_total{0};
    std::atomic<int> resources_done{0};
    std::atomic<int64_t> pages{0};
    std::atomic<int64_t> rows{0};  // records extracted so far
};

}  // namespace oc::pipeline
