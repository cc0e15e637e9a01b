#pragma once
// Threads in levysgd. Every function or options struct with a `threads`
// setting reads 0 as "all hardware threads", and 0 is its default; results
// never depend on the thread count (docs/conventions.md).

#include <thread>

namespace levysgd {

/// Number of hardware threads, at least 1: what `threads = 0` uses.
/// std::thread::hardware_concurrency() read once (glibc reads it from /sys
/// on every call, which costs as much as a few hundred draws).
inline unsigned hardware_threads() noexcept {
    static const unsigned hw = [] {
        const unsigned h = std::thread::hardware_concurrency();
        return h == 0 ? 1u : h;
    }();
    return hw;
}

} // namespace levysgd
