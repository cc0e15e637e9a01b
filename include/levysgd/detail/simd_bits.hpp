#pragma once
// Bit access and reciprocals on xsimd batches for the fast_math.hpp kernels
// (found by ADL through bits_tag).

#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "fast_math.hpp"

namespace levysgd::detail {

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

} // namespace levysgd::detail
