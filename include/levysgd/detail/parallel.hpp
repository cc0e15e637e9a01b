#pragma once
// Static partition of [0, n) into contiguous ranges run on std::threads. The
// work items are index-addressed, so results never depend on the split.

#include <algorithm>
#include <cstddef>
#include <exception>
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

/// Calls fn(begin, end) on disjoint ranges covering [0, n), at most `threads`
/// at once and none smaller than `min_per_thread` items (except when n is).
/// The calling thread takes the first range. fn must not throw.
template <class Fn>
void parallel_ranges(std::size_t n, unsigned threads, std::size_t min_per_thread, Fn &&fn) {
    const std::size_t by_size =
        std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_per_thread));
    const std::size_t t = std::min<std::size_t>(resolve_threads(threads), by_size);
    if (t <= 1) {
        fn(std::size_t{0}, n);
        return;
    }
    std::vector<std::jthread> pool;
    pool.reserve(t - 1);
    for (std::size_t i = 1; i < t; ++i) {
        const std::size_t b = n * i / t, e = n * (i + 1) / t;
        pool.emplace_back([&fn, b, e] { fn(b, e); });
    }
    fn(std::size_t{0}, n / t);
}

} // namespace levysgd::detail
