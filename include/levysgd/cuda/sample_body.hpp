#pragma once
// Per-thread bodies of the CUDA sampling and fill kernels (host/device, no
// CUDA runtime): thread k of the grid-stride loop takes Philox block
// first_block + k and writes the samples that block holds under the index
// rule of core/stable_plan.hpp (stable) and core/fill_rule.hpp (fills), so
// out[j] is sample first_index + j of (seed, stream), as on the CPU.

#include <cstddef>
#include <cstdint>

#include "../config.hpp"
#include "../core/fill_rule.hpp"
#include "../core/stable_plan.hpp"
#include "grid.hpp"

namespace levysgd::cuda {

/// The Philox blocks holding stream values [first, first + n) (n > 0, no
/// wrap past 2^64), `per` values per block.
struct block_range {
    std::uint64_t first_block = 0, count = 0;
};
LEVYSGD_HOST_DEVICE constexpr block_range blocks_of(std::uint64_t first, std::uint64_t n,
                                                    unsigned per) noexcept {
    if (n == 0)
        return {};
    const std::uint64_t b0 = first / per, b1 = (first + (n - 1)) / per;
    return {b0, b1 - b0 + 1};
}

/// Stable samples of one law (plan) into out[0, n).
template <class Real> struct stable_sample_args {
    core::stable_plan<Real> plan;
    std::uint64_t seed = 0, stream = 0, first_index = 0;
    Real *out = nullptr;
    std::size_t n = 0;
};

/// Per-coordinate laws S(alpha[i], beta, scale[i or 0], 0; p) into out[0, n)
/// (Battash & Lindenbaum 2023 eq. 3, Simsekli et al. 2019 eq. 3 with a tail
/// index per parameter): out[j] uses coordinate j's law; scale has n entries,
/// or one when shared.
template <class Real> struct coordinate_sample_args {
    const Real *alpha = nullptr;
    const Real *scale = nullptr;
    bool shared_scale = false;
    Real beta = 0;
    parameterization p = parameterization::S0;
    std::uint64_t seed = 0, stream = 0, first_index = 0;
    Real *out = nullptr;
    std::size_t n = 0;
};

/// Uniform, exponential or normal values into out[0, n).
template <class Real> struct fill_args {
    std::uint64_t seed = 0, stream = 0, first_index = 0;
    Real *out = nullptr;
    std::size_t n = 0;
};

namespace detail {
/// Samples per Philox block under the stable index rule: 2 floats, 1 double.
template <class Real>
inline constexpr unsigned stable_per_block = static_cast<unsigned>(
    core::stable_block_of<Real>(2) == 1 ? 2 : 1);

/// For each Philox block of thread t: v = prep(bits) once, then for each of
/// the block's values inside [first, first + n), fn(v, slot, j) with j the
/// output position.
template <unsigned Per, class Prep, class Fn>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void
for_each_block_value(thread_index t, std::uint64_t seed, std::uint64_t stream, std::uint64_t first,
                     std::size_t n, Prep &&prep, Fn &&fn) noexcept {
    const block_range r = blocks_of(first, n, Per);
    for (std::uint64_t k = t.global(); k < r.count; k += t.stride()) {
        const std::uint64_t blk = r.first_block + k;
        const auto v = prep(core::philox_bits(seed, stream, blk));
        for (unsigned slot = 0; slot < Per; ++slot) {
            const std::uint64_t i = blk * Per + slot; // stream index
            if (i < first || i - first >= n)
                continue; // the ends of the range: a block's other values
            fn(v, slot, static_cast<std::size_t>(i - first));
        }
    }
}
} // namespace detail

/// One thread's share of sample(): the plan's law.
template <class Real>
LEVYSGD_HOST_DEVICE void stable_sample_body(const stable_sample_args<Real> &a,
                                            thread_index t) noexcept {
    detail::for_each_block_value<detail::stable_per_block<Real>>(
        t, a.seed, a.stream, a.first_index, a.n, [](const core::philox_block &b) { return b; },
        [&](const core::philox_block &b, unsigned slot, std::size_t j) {
            Real u1, u2;
            core::stable_uniforms_of<Real>(b[0], b[1], b[2], b[3], slot, u1, u2);
            a.out[j] = core::stable_variate(a.plan, u1, u2);
        });
}

/// One thread's share of sample_coordinates(): coordinate j's own law, its
/// plan made on the fly from alpha[j], scale[j] (core::make_stable_plan, the
/// one definition of the law's constants).
template <class Real>
LEVYSGD_HOST_DEVICE void coordinate_sample_body(const coordinate_sample_args<Real> &a,
                                                thread_index t) noexcept {
    detail::for_each_block_value<detail::stable_per_block<Real>>(
        t, a.seed, a.stream, a.first_index, a.n, [](const core::philox_block &b) { return b; },
        [&](const core::philox_block &b, unsigned slot, std::size_t j) {
            const Real s = a.shared_scale ? a.scale[0] : a.scale[j];
            const auto plan = core::make_stable_plan<Real>(a.alpha[j], a.beta, s, 0.0, a.p);
            Real u1, u2;
            core::stable_uniforms_of<Real>(b[0], b[1], b[2], b[3], slot, u1, u2);
            a.out[j] = core::stable_variate(plan, u1, u2);
        });
}

/// One thread's share of fill<V>().
template <core::variate V, class Real>
LEVYSGD_HOST_DEVICE void fill_body(const fill_args<Real> &a, thread_index t) noexcept {
    constexpr unsigned per = core::fill_values_per_block<Real>;
    struct values {
        Real v[per];
    };
    detail::for_each_block_value<per>(
        t, a.seed, a.stream, a.first_index, a.n,
        [](const core::philox_block &b) {
            values v;
            core::fill_values_of_block<V, Real>(b, v.v);
            return v;
        },
        [&](const values &v, unsigned slot, std::size_t j) { a.out[j] = v.v[slot]; });
}

/// The number of Philox blocks (one per thread) a call covers.
template <unsigned Per>
LEVYSGD_HOST_DEVICE constexpr std::uint64_t work_items(std::uint64_t first,
                                                       std::size_t n) noexcept {
    return blocks_of(first, n, Per).count;
}

} // namespace levysgd::cuda
