#pragma once
// Chunked, optionally threaded traversal of a stream-index range [first,
// first + n) in chunks of K indices aligned to multiples of K, so every chunk
// is computed whole (the same SIMD code for every index) whatever the split.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>

#include "parallel.hpp"
#include "validate.hpp"

namespace levysgd::detail {

/// Runs `chunk_fn(chunk, prep, dst, lo, hi, partial)` over the chunks covering
/// indices [first, first + n), where prep = prep_fn(chunk) (the chunk's random
/// bits). Full chunks write straight into out, partial ones go through a buffer
/// and only [lo, hi) of the chunk is copied. prep_fn for chunk c+1 is issued
/// before chunk_fn for chunk c, so the out-of-order core overlaps the random
/// bits of the next chunk with the long dependency chains of this one. A
/// thread gets at least MinChunks chunks (parallel_ranges).
template <std::size_t K, std::size_t MinChunks = 4096, class Real, class PrepFn, class ChunkFn>
void for_each_chunk(std::string_view where, std::span<Real> out, std::uint64_t first,
                    unsigned threads, PrepFn &&prep_fn, ChunkFn &&chunk_fn) {
    const std::size_t n = out.size();
    if (n == 0)
        return;
    // Checked before anything is written; below, nothing computes first + n.
    check_stream_range(where, first, n);
    const std::uint64_t last = first + (n - 1); // stream index of out[n - 1]
    const std::uint64_t c_begin = first / K;
    const std::uint64_t c_end = last / K + 1;
    const std::size_t n_chunks = static_cast<std::size_t>(c_end - c_begin);
    parallel_ranges(n_chunks, threads, MinChunks, [&](std::size_t cb, std::size_t ce) {
        alignas(64) std::array<Real, K> buf;
        auto next = prep_fn(c_begin + cb);
        for (std::size_t c = cb; c < ce; ++c) {
            const std::uint64_t chunk = c_begin + c;
            const auto cur = next;
            if (c + 1 < ce)
                next = prep_fn(chunk + 1);
            const std::uint64_t start = chunk * K; // stream index of the chunk's lane 0
            const std::size_t lo = start < first ? static_cast<std::size_t>(first - start) : 0;
            const std::size_t hi =
                static_cast<std::size_t>(std::min<std::uint64_t>(K - 1, last - start) + 1);
            Real *dst = out.data() + static_cast<std::size_t>(start + lo - first);
            if (lo == 0 && hi == K) {
                chunk_fn(chunk, cur, dst, std::size_t{0}, K, false);
            } else {
                chunk_fn(chunk, cur, buf.data(), lo, hi, true);
                std::copy(buf.begin() + lo, buf.begin() + hi, dst);
            }
        }
    });
}

} // namespace levysgd::detail
