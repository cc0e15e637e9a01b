#pragma once
// Bit access to xsimd batches for the fast_math.hpp kernels (found by ADL
// through bits_tag).

#include <cstdint>

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

} // namespace levysgd::detail
