#pragma once
// Per-thread bodies of the CUDA Mohammadi tail-index kernel (host/device, no
// CUDA runtime), eq. (15) of Simsekli et al. 2019 with the CPU's K1 rule and
// block structure (tail/mohammadi_sums.hpp): one CUDA block per Mohammadi
// block of K1 values; its threads stride through the block, summing the
// values (overflow-free block_sum) and log|x| in double, and a fixed tree
// merges the threads' partial sums. The host adds the blocks' logs in block
// order (finish_tail_blocks), as the CPU does. Columns: a column-major matrix
// with leading dimension ld gives each column its own estimate.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "../config.hpp"
#include "../tail/mohammadi_sums.hpp"
#include "grid.hpp"

namespace levysgd::cuda {

/// One thread's (then, merged, one block's) sums.
struct tail_partial {
    levysgd::detail::block_sum y;
    double log_x = 0;
    std::uint64_t bad = 0;                    ///< values with log|x| undefined
    std::uint64_t first_bad = ~std::uint64_t{0}; ///< index of the first, within its column
    LEVYSGD_HOST_DEVICE void merge(const tail_partial &o) noexcept {
        y.merge(o.y);
        log_x += o.log_x;
        bad += o.bad;
        first_bad = o.first_bad < first_bad ? o.first_bad : first_bad;
    }
};

/// A Mohammadi block's outcome: sum log|x|, log|Y| (NaN when Y = 0), bad values.
struct tail_block_result {
    double log_x = 0, log_y = 0;
    std::uint64_t bad = 0, first_bad = ~std::uint64_t{0};
};

/// `cols` columns of `k2` blocks of `k1` values: value j of block b of
/// column c is x[c ld + b k1 + j]; out has cols k2 entries (column-major).
template <class Real> struct tail_args {
    const Real *x = nullptr;
    std::size_t k1 = 0, k2 = 0, cols = 1, ld = 0;
    tail_block_result *out = nullptr;
};

/// Thread t's partial sums of Mohammadi block g (= c k2 + b).
template <class Real>
LEVYSGD_HOST_DEVICE tail_partial tail_thread_partial(const tail_args<Real> &a, std::uint64_t g,
                                                     unsigned t, unsigned block_dim) noexcept {
    using std::fabs;
    using std::log;
    const std::uint64_t c = g / a.k2, b = g % a.k2;
    const Real *p = a.x + c * a.ld + b * a.k1;
    tail_partial s;
    for (std::uint64_t j = t; j < a.k1; j += block_dim) {
        const double v = double(p[j]);
        if (levysgd::detail::usable_for_log(v)) {
            s.y.add(v);
            s.log_x += log(fabs(v));
        } else if (s.bad++ == 0) {
            s.first_bad = b * a.k1 + j;
        }
    }
    return s;
}

/// One level of the block's tree: threads t < half merge t + half into t.
LEVYSGD_HOST_DEVICE inline void tail_tree_step(tail_partial *parts, unsigned half,
                                               unsigned t) noexcept {
    if (t < half)
        parts[t].merge(parts[t + half]);
}

/// A block's result from its merged sums.
LEVYSGD_HOST_DEVICE inline tail_block_result tail_block_finish(const tail_partial &s) noexcept {
    return {s.log_x, s.y.log_abs(), s.bad, s.first_bad};
}

/// The kernel on the CPU: the same bodies, blocks of the grid-stride loop in
/// order, the same tree (shape.block a power of two).
template <class Real> void host_tail_launch(const tail_args<Real> &a, launch_shape shape) {
    std::vector<tail_partial> parts(shape.block);
    const std::uint64_t total = std::uint64_t{a.cols} * a.k2;
    for (unsigned gb = 0; gb < shape.grid; ++gb)
        for (std::uint64_t g = gb; g < total; g += shape.grid) {
            for (unsigned t = 0; t < shape.block; ++t)
                parts[t] = tail_thread_partial(a, g, t, shape.block);
            for (unsigned half = shape.block / 2; half > 0; half /= 2)
                for (unsigned t = 0; t < shape.block; ++t)
                    tail_tree_step(parts.data(), half, t);
            a.out[g] = tail_block_finish(parts[0]);
        }
}

/// The estimate from one column's block results, in block order, with the
/// CPU's errors: values with log|x| undefined (counted over the blocks and
/// the dropped tail: tail_bad, tail_first_bad; value_at(i) reads value i
/// for the message), then the first block summing to 0.
template <class Real, class ValueAt>
tail_index_result finish_tail_blocks(std::string_view where, std::span<const tail_block_result> r,
                                     std::size_t k1, std::size_t dropped, std::uint64_t tail_bad,
                                     std::uint64_t tail_first_bad, ValueAt &&value_at) {
    std::uint64_t bad = tail_bad, first = tail_first_bad;
    for (const auto &b : r) {
        bad += b.bad;
        first = b.first_bad < first ? b.first_bad : first;
    }
    if (bad > 0)
        levysgd::detail::throw_bad_values(where, bad, first, Real(value_at(first)));
    levysgd::detail::mohammadi_sums s;
    for (std::size_t b = 0; b < r.size(); ++b) {
        if (std::isnan(r[b].log_y)) // the block sums to 0
            levysgd::detail::throw_zero_block(where, b * k1, b * k1 + k1 - 1);
        s.merge({r[b].log_x, r[b].log_y, 1});
    }
    return levysgd::detail::mohammadi_finish(where, s, k1, dropped, 0);
}

} // namespace levysgd::cuda
