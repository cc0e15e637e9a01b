#pragma once
// Philox4x32-10 on xsimd batches: lane j computes block (first + j) of one
// (seed, stream), bit-identical to core::philox4x32_10(). Also the batch
// forms of the word -> uniform transforms (core/transforms.hpp's templates
// instantiated on batches).
//
// The rounds run in a "wide" layout: each block word sits in the low 32 bits
// of a 64-bit lane (the high 32 bits are don't-care), so one unsigned
// 32x32->64 multiply (_mm*_mul_epu32, which reads only the low halves) gives
// both halves of a Philox product, and a dword shuffle moves the high half
// down. Per round and 64-bit lane that is 2 multiplies, 2 shuffles and 2
// three-way XORs, with no blends, shifts or lane crossing; words are packed
// to 32-bit lanes only where a caller wants them so (floats), and doubles are
// built from the wide words directly.

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../core/philox.hpp"
#include "../core/transforms.hpp"
#include "../detail/simd_bits.hpp"
#include "philox.hpp" // the engine, which users of this header have had with it

namespace levysgd::detail {

template <class A> using u32_batch = xsimd::batch<std::uint32_t, A>;
template <class A> using u64_batch = xsimd::batch<std::uint64_t, A>;

/// The full 64-bit product of the low 32 bits of each lane and m.
template <class A>
LEVYSGD_INLINE u64_batch<A> mul_low32(const u64_batch<A> &a, std::uint32_t m) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>)
        return u64_batch<A>(_mm512_mul_epu32(a, _mm512_set1_epi64(m)));
#endif
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, A> && !std::is_base_of_v<xsimd::avx512f, A>)
        return u64_batch<A>(_mm256_mul_epu32(a, _mm256_set1_epi64x(m)));
#endif
#if defined(__SSE2__)
    if constexpr (std::is_base_of_v<xsimd::sse2, A> && !std::is_base_of_v<xsimd::avx, A>)
        return u64_batch<A>(_mm_mul_epu32(a, _mm_set1_epi64x(m)));
#endif
    return (a & u64_batch<A>(0xFFFFFFFFull)) * u64_batch<A>(std::uint64_t{m});
}

/// The high 32 bits of each lane moved to the low 32 (high half don't-care).
template <class A> LEVYSGD_INLINE u64_batch<A> high_to_low(const u64_batch<A> &p) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>)
        return u64_batch<A>(_mm512_shuffle_epi32(p, _MM_PERM_CDAB));
#endif
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, A> && !std::is_base_of_v<xsimd::avx512f, A>)
        return u64_batch<A>(_mm256_shuffle_epi32(p, 0xB1));
#endif
#if defined(__SSE2__)
    if constexpr (std::is_base_of_v<xsimd::sse2, A> && !std::is_base_of_v<xsimd::avx, A>)
        return u64_batch<A>(_mm_shuffle_epi32(p, 0xB1));
#endif
    return p >> 32;
}

/// The low 32 bits of the lanes of a, then of b, as one 32-bit batch.
template <class A>
LEVYSGD_INLINE u32_batch<A> pack_low_words(const u64_batch<A> &a, const u64_batch<A> &b) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>)
        return u32_batch<A>(_mm512_permutex2var_epi32(
            a, _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30), b));
#endif
#if defined(__AVX2__)
    if constexpr (std::is_base_of_v<xsimd::avx2, A> && !std::is_base_of_v<xsimd::avx512f, A>) {
        // [a0 a2 b0 b2 | a4 a6 b4 b6] (dwords), then 64-bit lanes 0 2 1 3.
        const __m256 t = _mm256_shuffle_ps(_mm256_castsi256_ps(a), _mm256_castsi256_ps(b),
                                           _MM_SHUFFLE(2, 0, 2, 0));
        return u32_batch<A>(
            _mm256_permute4x64_epi64(_mm256_castps_si256(t), _MM_SHUFFLE(3, 1, 2, 0)));
    }
#endif
#if defined(__SSE2__)
    if constexpr (std::is_base_of_v<xsimd::sse2, A> && !std::is_base_of_v<xsimd::avx, A>)
        return u32_batch<A>(_mm_castps_si128(
            _mm_shuffle_ps(_mm_castsi128_ps(a), _mm_castsi128_ps(b), _MM_SHUFFLE(2, 0, 2, 0))));
#endif
    constexpr std::size_t h = u64_batch<A>::size;
    alignas(A::alignment()) std::array<std::uint64_t, h> va{}, vb{};
    alignas(A::alignment()) std::array<std::uint32_t, 2 * h> out{};
    a.store_aligned(va.data());
    b.store_aligned(vb.data());
    for (std::size_t j = 0; j < h; ++j) {
        out[j] = static_cast<std::uint32_t>(va[j]);
        out[h + j] = static_cast<std::uint32_t>(vb[j]);
    }
    return u32_batch<A>::load_aligned(out.data());
}

/// Four words of u32_batch<A>::size consecutive Philox blocks, one block per
/// 32-bit lane.
template <class A> struct philox_batch_block { u32_batch<A> x0, x1, x2, x3; };

/// The same blocks in the wide layout: half h, 64-bit lane j holds block
/// first + h * u64_batch<A>::size + j, each word in the low 32 bits.
template <class A, std::size_t N = 2> struct philox_wide_block {
    u64_batch<A> x0[N], x1[N], x2[N], x3[N];
};

/// Philox blocks of one (seed, stream), u32_batch<A>::size at a time. The
/// round keys and stream words are broadcast once at construction, so a call
/// costs only the ten rounds.
template <class A> class philox_batch_stream {
    using W = u64_batch<A>;
    static constexpr std::size_t half = W::size;

  public:
    /// Blocks per call.
    static constexpr std::size_t size = u32_batch<A>::size;

    philox_batch_stream(std::uint64_t seed, std::uint64_t stream) noexcept
        : s0_(static_cast<std::uint32_t>(stream)), s1_(static_cast<std::uint32_t>(stream >> 32)) {
        philox_key key = philox_seed_key(seed);
        for (int round = 0; round < 10; ++round) {
            if (round > 0) {
                key[0] += philox_w0;
                key[1] += philox_w1;
            }
            k0_[round] = W(std::uint64_t{key[0]});
            k1_[round] = W(std::uint64_t{key[1]});
        }
        // Round 0 multiplies the stream word, the same in every block: its
        // product and the words it is XORed with are constants of the stream.
        const W p1 = mul_low32<A>(s0_, philox_m1);
        r0_x0_ = high_to_low<A>(p1) ^ k0_[0];
        r0_x1_ = p1;
        r0_x2_ = s1_ ^ k1_[0];
        alignas(A::alignment()) std::array<std::uint64_t, half> iota{};
        for (std::size_t j = 0; j < half; ++j)
            iota[j] = j;
        iota_ = W::load_aligned(iota.data());
    }

    /// Blocks first, ..., first + N half - 1 in the wide layout (N halves of
    /// half = size / 2 blocks; N independent chains per round).
    template <std::size_t N = 2>
    LEVYSGD_INLINE philox_wide_block<A, N> wide(std::uint64_t first) const noexcept {
        philox_wide_block<A, N> b;
        LEVYSGD_UNROLL
        for (std::size_t h = 0; h < N; ++h) {
            // Counter = block index: word 0 = low 32 bits (the high half of the
            // lane is don't-care), word 1 = high 32 bits; 64-bit adds carry.
            b.x0[h] = W(first + h * half) + iota_;
            b.x1[h] = b.x0[h] >> 32;
        }
        LEVYSGD_UNROLL
        for (std::size_t h = 0; h < N; ++h) { // round 0 (see the constructor)
            const W p0 = mul_low32<A>(b.x0[h], philox_m0);
            b.x0[h] = r0_x0_ ^ b.x1[h];
            b.x1[h] = r0_x1_;
            b.x2[h] = high_to_low<A>(p0) ^ r0_x2_;
            b.x3[h] = p0;
        }
        LEVYSGD_UNROLL
        for (int round = 1; round < 10; ++round) {
            LEVYSGD_UNROLL
            for (std::size_t h = 0; h < N; ++h) { // N independent chains
                const W p0 = mul_low32<A>(b.x0[h], philox_m0);
                const W p1 = mul_low32<A>(b.x2[h], philox_m1);
                b.x0[h] = high_to_low<A>(p1) ^ b.x1[h] ^ k0_[round];
                b.x1[h] = p1;
                b.x2[h] = high_to_low<A>(p0) ^ b.x3[h] ^ k1_[round];
                b.x3[h] = p0;
            }
        }
        return b;
    }

    /// Blocks first, ..., first + size - 1, one per 32-bit lane.
    LEVYSGD_INLINE philox_batch_block<A> operator()(std::uint64_t first) const noexcept {
        const auto w = wide(first);
        return {pack_low_words<A>(w.x0[0], w.x0[1]), pack_low_words<A>(w.x1[0], w.x1[1]),
                pack_low_words<A>(w.x2[0], w.x2[1]), pack_low_words<A>(w.x3[0], w.x3[1])};
    }

  private:
    W k0_[10], k1_[10];
    W s0_, s1_, iota_;
    W r0_x0_, r0_x1_, r0_x2_; // round 0's stream constants
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
    return core::uniform_float_of<xsimd::batch<float, A>>(w);
}

/// Batch version of uniform_double(hi, lo) on wide words (low 32 bits of
/// each 64-bit lane).
template <class A>
LEVYSGD_INLINE xsimd::batch<double, A> uniform_double_wide(const u64_batch<A> &hi,
                                                           const u64_batch<A> &lo) noexcept {
    return core::uniform_double_of<xsimd::batch<double, A>>(hi, lo);
}

} // namespace levysgd::detail
