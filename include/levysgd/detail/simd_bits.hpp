#pragma once
// Bit access, reciprocals, log argument reduction and power-of-two scaling
// on xsimd batches for the core/fast_math.hpp kernels (found by ADL through
// bits_tag); AVX-512 builds use its dedicated instructions for the last three.

#include <cstdint>
#include <numbers>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../core/fast_math.hpp"
#include "../core/transforms.hpp"

namespace levysgd::core { // next to bits_tag, for argument-dependent lookup

template <class A>
inline xsimd::batch<std::uint64_t, A> to_bits(const xsimd::batch<double, A> &x, bits_tag) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<std::uint64_t, A>>(x);
}
template <class A>
inline xsimd::batch<std::uint32_t, A> to_bits(const xsimd::batch<float, A> &x, bits_tag) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<std::uint32_t, A>>(x);
}
template <class A>
inline xsimd::batch<double, A> from_bits(const xsimd::batch<std::uint64_t, A> &u,
                                         const xsimd::batch<double, A> &, bits_tag) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<double, A>>(u);
}
template <class A>
inline xsimd::batch<float, A> from_bits(const xsimd::batch<std::uint32_t, A> &u,
                                        const xsimd::batch<float, A> &, bits_tag) noexcept {
    return xsimd::bitwise_cast<xsimd::batch<float, A>>(u);
}

/// join_words on 64-bit batches: on AVX-512 one two-source dword permute
/// puts lo's and hi's low words side by side (instead of a shift and a masked OR).
template <class A>
inline xsimd::batch<std::uint64_t, A> join_words(const xsimd::batch<std::uint64_t, A> &hi,
                                                 const xsimd::batch<std::uint64_t, A> &lo,
                                                 bits_tag) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>)
        return xsimd::batch<std::uint64_t, A>(_mm512_permutex2var_epi32(
            lo, _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30), hi));
#endif
    return join_words_bits(hi, lo);
}

/// 1 / x for finite, normal, nonzero x (see the scalar recip in
/// fast_math.hpp). On AVX-512 it takes the 14-bit estimate vrcp14, which
/// does not occupy the divider, and Newton steps r <- r + r (1 - x r) square its
/// relative error: one step for float (2^-28), two for double (2^-56), so the
/// result is within 1 ulp. Elsewhere it divides.
template <class T, class A>
inline xsimd::batch<T, A> recip(const xsimd::batch<T, A> &x, bits_tag) noexcept {
    using B = xsimd::batch<T, A>;
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        B r;
        if constexpr (std::is_same_v<T, double>)
            r = B(_mm512_rcp14_pd(x));
        else
            r = B(_mm512_rcp14_ps(x));
        const B one(T(1));
        r = xsimd::fma(r, xsimd::fnma(x, r, one), r);
        if constexpr (std::is_same_v<T, double>)
            r = xsimd::fma(r, xsimd::fnma(x, r, one), r);
        return r;
    }
#endif
    return B(T(1)) / x;
}

/// log_reduce on batches: on AVX-512, vgetmant / vgetexp give the mantissa
/// in [1, 2) and the exponent in two instructions (m > sqrt(2) then moves
/// down an octave); the same (m, e) as the bit version, exactly.
template <class T, class A>
inline log_parts<xsimd::batch<T, A>> log_reduce(const xsimd::batch<T, A> &x, bits_tag) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        using B = xsimd::batch<T, A>;
        B m, e;
        if constexpr (std::is_same_v<T, double>) {
            m = B(_mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src));
            e = B(_mm512_getexp_pd(x));
        } else {
            m = B(_mm512_getmant_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src));
            e = B(_mm512_getexp_ps(x));
        }
        const auto big = m > B(std::numbers::sqrt2_v<T>);
        return {xsimd::select(big, m * B(T(0.5)), m), xsimd::select(big, e + B(T(1)), e)};
    }
#endif
    return log_reduce_bits(x);
}

/// scale_pow2 on batches: on AVX-512 one vscalef computes y 2^k (exact, +inf
/// on overflow), instead of building 2^(k-1) from the bits of t and two
/// multiplications.
template <class T, class A>
inline xsimd::batch<T, A> scale_pow2(const xsimd::batch<T, A> &y, const xsimd::batch<T, A> &k,
                                     const xsimd::batch<T, A> &t, bits_tag) noexcept {
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A>) {
        using B = xsimd::batch<T, A>;
        if constexpr (std::is_same_v<T, double>)
            return B(_mm512_scalef_pd(y, k));
        else
            return B(_mm512_scalef_ps(y, k));
    }
#endif
    (void)k;
    return scale_pow2_bits(y, t);
}

} // namespace levysgd::core

namespace levysgd::detail { // the batch overloads under the names levysgd uses
using core::from_bits;
using core::log_reduce;
using core::recip;
using core::scale_pow2;
using core::to_bits;
} // namespace levysgd::detail
