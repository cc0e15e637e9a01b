#pragma once
// Static partition of [0, n) into contiguous ranges run on std::threads. The
// work items are index-addressed, so results never depend on the split.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace levysgd::detail {

/// Number of threads for a request: 0 means std::thread::hardware_concurrency().
inline unsigned resolve_threads(unsigned requested) noexcept {
    if (requested != 0)
        return requested;
    const unsigned hw = std::thread::hardware_concurrency();
    return hw == 0 ? 1u : hw;
}

/// Calls fn(begin, end) on disjoint ranges covering [0, n), on at most
/// `threads` threads and with no thread given fewer than `min_per_thread`
/// items (so small n runs inline). The range is cut into pieces handed out
/// through an atomic counter, so a worker that starts late (thread creation
/// costs ~0.2 ms on some VMs) only takes fewer pieces. The calling thread
/// works too. fn must not throw. Which thread runs a piece never changes
/// what the piece computes.
template <class Fn>
void parallel_ranges(std::size_t n, unsigned threads, std::size_t min_per_thread, Fn &&fn) {
    const std::size_t by_size =
        std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_per_thread));
    const std::size_t t = std::min<std::size_t>(resolve_threads(threads), by_size);
    if (t <= 1) {
        fn(std::size_t{0}, n);
        return;
    }
    const std::size_t pieces = std::min<std::size_t>(n, 16 * t);
    std::atomic<std::size_t> next{0};
    auto work = [&] {
        for (std::size_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) < pieces;)
            fn(n * p / pieces, n * (p + 1) / pieces);
    };
    std::vector<std::jthread> pool;
    pool.reserve(t - 1);
    for (std::size_t i = 1; i < t; ++i)
        pool.emplace_back(work);
    work();
}

} // namespace levysgd::detail
