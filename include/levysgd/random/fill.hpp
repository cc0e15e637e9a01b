#pragma once
// Bulk uniform, exponential and normal variates on Philox streams: SIMD,
// optionally threaded, deterministic per (seed, stream, index).
//
// Index rule: core/fill_rule.hpp (fill_variate_at gives the same values, to
// rounding, one at a time; the CUDA fills apply it on the device).

#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../detail/chunked.hpp"
#include "../detail/interleave.hpp"
#include "../detail/simd_bits.hpp"
#include "philox_simd.hpp"
#include "../core/fill_rule.hpp"
#include "../core/transforms.hpp"

namespace levysgd {

struct fill_options {
    /// Index of out[0] in the stream (see sample_options::first_index).
    std::uint64_t first_index = 0;
    /// Threads (0, the default, = all hardware threads; at most that many are
    /// used). Results do not depend on it. The first threaded call creates a
    /// worker pool; no call after it allocates or starts a thread (a call
    /// made while another one uses the pool runs on the calling thread alone).
    unsigned threads = 0;
};

namespace detail {

using fill_arch = xsimd::default_arch;

/// Values per chunk: n32 blocks of 4 words -> 4 n32 floats or 2 n32 doubles.
template <class Real>
inline constexpr std::size_t
    fill_chunk = (std::is_same_v<Real, float> ? 4 : 2) * u32_batch<fill_arch>::size;

/// Stores interleave(a, b) to dst[0, 2 W).
template <class B>
LEVYSGD_INLINE void store_interleaved(const B &a, const B &b,
                                      typename B::value_type *dst) noexcept {
    B lo, hi;
    interleave(a, b, lo, hi);
    lo.store_unaligned(dst);
    hi.store_unaligned(dst + B::size);
}

/// The chunk's Philox blocks: packed 32-bit words for float, the wide layout
/// for double.
template <class Real>
LEVYSGD_INLINE auto fill_chunk_bits(const philox_batch_stream<fill_arch> &bits,
                                    std::uint64_t chunk) noexcept {
    const std::uint64_t first = chunk * philox_batch_stream<fill_arch>::size;
    if constexpr (std::is_same_v<Real, float>)
        return bits(first);
    else
        return bits.wide(first);
}

template <variate V, class Real, class Blocks>
void fill_chunk_values(const Blocks &blk, Real *dst) noexcept {
    using A = fill_arch;
    using B = xsimd::batch<Real, A>;
    constexpr std::size_t W = B::size;
    if constexpr (std::is_same_v<Real, float>) {
        B w0 = uniform_float_batch<A>(blk.x0), w1 = uniform_float_batch<A>(blk.x1);
        B w2 = uniform_float_batch<A>(blk.x2), w3 = uniform_float_batch<A>(blk.x3);
        core::variate_pair_from_uniforms<V>(w0, w1);
        core::variate_pair_from_uniforms<V>(w2, w3);
        // Transpose 4 x W (word, block) into block-major order.
        B p, q, r, t;
        interleave(w0, w2, p, q);
        interleave(w1, w3, r, t);
        store_interleaved(p, r, dst);
        store_interleaved(q, t, dst + 2 * W);
    } else {
        // Uniforms 2j (even: words 0, 1) and 2j+1 (odd: words 2, 3) of the
        // blocks in the two halves of the wide layout.
        B e_lo = uniform_double_wide<A>(blk.x0[0], blk.x1[0]);
        B e_hi = uniform_double_wide<A>(blk.x0[1], blk.x1[1]);
        B o_lo = uniform_double_wide<A>(blk.x2[0], blk.x3[0]);
        B o_hi = uniform_double_wide<A>(blk.x2[1], blk.x3[1]);
        core::variate_pair_from_uniforms<V>(e_lo, o_lo);
        core::variate_pair_from_uniforms<V>(e_hi, o_hi);
        store_interleaved(e_lo, o_lo, dst);
        store_interleaved(e_hi, o_hi, dst + 2 * W);
    }
}

} // namespace detail

/// Fills `out` with variates of kind V from (seed, stream): out[i] is value
/// opt.first_index + i under the index rule above. Real = float or double.
template <variate V, class Real>
requires std::is_same_v<Real, float> || std::is_same_v<Real, double>
void fill(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
          fill_options opt = {}) {
    const detail::philox_batch_stream<detail::fill_arch> bits(seed, stream);
    detail::for_each_chunk<detail::fill_chunk<Real>>(
        "levysgd::fill", out, opt.first_index, opt.threads,
        [&](std::uint64_t chunk) { return detail::fill_chunk_bits<Real>(bits, chunk); },
        [&](std::uint64_t, const auto &blk, Real *dst, std::size_t, std::size_t, bool) {
            detail::fill_chunk_values<V>(blk, dst);
        });
}

/// Open-interval uniforms on (0, 1); see transforms.hpp for the grid.
template <class Real>
void fill_uniform(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
                  fill_options opt = {}) {
    fill<variate::uniform>(out, seed, stream, opt);
}
/// Standard exponentials.
template <class Real>
void fill_exponential(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
                      fill_options opt = {}) {
    fill<variate::exponential>(out, seed, stream, opt);
}
/// Standard normals (Box-Muller).
template <class Real>
void fill_normal(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
                 fill_options opt = {}) {
    fill<variate::normal>(out, seed, stream, opt);
}

} // namespace levysgd
