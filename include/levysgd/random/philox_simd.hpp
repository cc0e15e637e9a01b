#pragma once
// Philox4x32-10 on xsimd batches: lane j computes block (first + j) of one
// (seed, stream), bit-identical to philox4x32_10() in philox.hpp. Also the
// batch versions of the word -> uniform transforms of transforms.hpp.
//
// xsimd 8 has no 32x32->64 multiply, so mulhilo uses the even/odd
// _mm*_mul_epu32 trick on SSE2/AVX2/AVX-512F and a lane loop elsewhere.

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../detail/interleave.hpp"
#include "philox.hpp"

namespace levysgd::detail {

template <class A> using u32_batch = xsimd::batch<std::uint32_t, A>;

/// (hi, lo) of the 64-bit products a[j] * m, lane by lane.
template <class A>
LEVYSGD_INLINE void mulhilo_batch(const u32_batch<A> &a, std::uint32_t m, u32_batch<A> &hi,
                                  u32_batch<A> &lo) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        const __m512i va = a, vm = _mm512_set1_epi32(static_cast<int>(m));
        const __m512i even = _mm512_mul_epu32(va, vm);
        const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(va, 32), vm);
        hi = u32_batch<A>(_mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd));
        lo = u32_batch<A>(_mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32)));
        return;
    }
#endif
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, A>) {
        const __m256i va = a, vm = _mm256_set1_epi32(static_cast<int>(m));
        const __m256i even = _mm256_mul_epu32(va, vm);
        const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(va, 32), vm);
        hi = u32_batch<A>(_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA));
        lo = u32_batch<A>(_mm256_mullo_epi32(va, vm));
        return;
    }
#endif
#if defined(__SSE2__)
    if constexpr (std::is_base_of_v<xsimd::sse2, A> && !std::is_base_of_v<xsimd::avx, A>) {
        const __m128i va = a, vm = _mm_set1_epi32(static_cast<int>(m));
        // even = [lo0 hi0 lo2 hi2], odd = [lo1 hi1 lo3 hi3] -> [lo0 lo2 hi0 hi2] etc.
        const __m128i even = _mm_shuffle_epi32(_mm_mul_epu32(va, vm), _MM_SHUFFLE(3, 1, 2, 0));
        const __m128i odd =
            _mm_shuffle_epi32(_mm_mul_epu32(_mm_srli_epi64(va, 32), vm), _MM_SHUFFLE(3, 1, 2, 0));
        lo = u32_batch<A>(_mm_unpacklo_epi32(even, odd));
        hi = u32_batch<A>(_mm_unpackhi_epi32(even, odd));
        return;
    }
#endif
    constexpr std::size_t n = u32_batch<A>::size;
    alignas(A::alignment()) std::array<std::uint32_t, n> in{}, h{}, l{};
    a.store_aligned(in.data());
    for (std::size_t j = 0; j < n; ++j)
        mulhilo32(in[j], m, h[j], l[j]);
    hi = u32_batch<A>::load_aligned(h.data());
    lo = u32_batch<A>::load_aligned(l.data());
}

/// Four words of u32_batch<A>::size consecutive Philox blocks.
template <class A> struct philox_batch_block { u32_batch<A> x0, x1, x2, x3; };

/// Philox blocks of one (seed, stream), u32_batch<A>::size at a time. The
/// round keys and stream words are broadcast once at construction, so a call
/// costs only the ten rounds.
template <class A> class philox_batch_stream {
    using B = u32_batch<A>;
    static constexpr std::size_t n = B::size;

  public:
    philox_batch_stream(std::uint64_t seed, std::uint64_t stream) noexcept
        : s0_(static_cast<std::uint32_t>(stream)), s1_(static_cast<std::uint32_t>(stream >> 32)) {
        philox_key key = philox_seed_key(seed);
        for (int round = 0; round < 10; ++round) {
            if (round > 0) {
                key[0] += philox_w0;
                key[1] += philox_w1;
            }
            k0_[round] = B(key[0]);
            k1_[round] = B(key[1]);
        }
        alignas(A::alignment()) std::array<std::uint32_t, n> iota{};
        for (std::size_t j = 0; j < n; ++j)
            iota[j] = static_cast<std::uint32_t>(j);
        iota_ = B::load_aligned(iota.data());
    }

    /// Blocks first, first+1, ..., first+size-1, one per lane.
    LEVYSGD_INLINE philox_batch_block<A> operator()(std::uint64_t first) const noexcept {
        const auto lo = static_cast<std::uint32_t>(first);
        B x0, x1;
        if (lo <= 0xFFFFFFFFu - (n - 1)) { // no carry into counter word 1 within the batch
            x0 = B(lo) + iota_;
            x1 = B(static_cast<std::uint32_t>(first >> 32));
        } else {
            alignas(A::alignment()) std::array<std::uint32_t, n> c0{}, c1{};
            for (std::size_t j = 0; j < n; ++j) {
                const std::uint64_t block = first + j;
                c0[j] = static_cast<std::uint32_t>(block);
                c1[j] = static_cast<std::uint32_t>(block >> 32);
            }
            x0 = B::load_aligned(c0.data());
            x1 = B::load_aligned(c1.data());
        }
        B x2 = s0_, x3 = s1_;
        for (int round = 0; round < 10; ++round) {
            B hi0, lo0, hi1, lo1;
            mulhilo_batch<A>(x0, philox_m0, hi0, lo0);
            mulhilo_batch<A>(x2, philox_m1, hi1, lo1);
            x0 = hi1 ^ x1 ^ k0_[round];
            x1 = lo1;
            x2 = hi0 ^ x3 ^ k1_[round];
            x3 = lo0;
        }
        return {x0, x1, x2, x3};
    }

  private:
    B k0_[10], k1_[10];
    B s0_, s1_, iota_;
};

/// Blocks first, first+1, ..., first+size-1 of (seed, stream), one per lane.
template <class A>
inline philox_batch_block<A> philox4x32_10_batch(std::uint64_t seed, std::uint64_t stream,
                                                 std::uint64_t first) noexcept {
    return philox_batch_stream<A>(seed, stream)(first);
}

/// Batch version of uniform_float(): one uniform per lane.
template <class A>
LEVYSGD_INLINE xsimd::batch<float, A> uniform_float_batch(const u32_batch<A> &w) noexcept {
    const u32_batch<A> bits = (w >> 9) | u32_batch<A>(0x3F800000u);
    return xsimd::bitwise_cast<xsimd::batch<float, A>>(bits) -
           xsimd::batch<float, A>(1.0f - 0x1p-24f);
}

/// Batch version of uniform_double(hi, lo): lanes 0..n/2-1 of (hi, lo) give
/// `first`, lanes n/2..n-1 give `second` (n = u32_batch<A>::size).
template <class A>
LEVYSGD_INLINE void uniform_double_batch(const u32_batch<A> &hi, const u32_batch<A> &lo,
                                         xsimd::batch<double, A> &first,
                                         xsimd::batch<double, A> &second) noexcept {
    using D = xsimd::batch<double, A>;
    // 64-bit pattern 0x3FF | top 52 bits of hi:lo, as (low word, high word).
    const u32_batch<A> w_hi = (hi >> 12) | u32_batch<A>(0x3FF00000u);
    const u32_batch<A> w_lo = (hi << 20) | (lo >> 12);
    const D shift(1.0 - 0x1p-53);
    u32_batch<A> lo_half, hi_half;
    interleave(w_lo, w_hi, lo_half, hi_half);
    first = xsimd::bitwise_cast<D>(lo_half) - shift;
    second = xsimd::bitwise_cast<D>(hi_half) - shift;
}

} // namespace levysgd::detail
