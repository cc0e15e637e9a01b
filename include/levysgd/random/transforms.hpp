#pragma once
// Transforms from Philox words to uniform, exponential and normal variates.
//
// Every function is a template over T = float/double or an xsimd::batch of
// them (the SIMD overloads of log/sincos/select are found by ADL), so the
// scalar, SIMD and later CUDA paths evaluate the same formula. Host/device
// core: no xsimd, Eigen, exceptions or allocation.
//
// Uniforms lie on the grid (2k+1)/2^(p+1), p = 23 (float) or 52 (double):
// symmetric about 1/2, exactly representable, never 0 or 1, so u - 1/2 and
// 1/2 - |u - 1/2| are exact and -log(u) is finite.

#include <cmath>
#include <cstdint>
#include <numbers>

#include "../config.hpp"
#include "../detail/scalar_math.hpp"

namespace levysgd {

/// Open-interval uniform float from one 32-bit word: (2k+1) 2^-24, k = w >> 9.
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float uniform_float(std::uint32_t w) noexcept {
    // [1, 2) with 23 random mantissa bits, then an exact (Sterbenz) shift.
    return detail::bits_to_float((w >> 9) | 0x3F800000u) - (1.0f - 0x1p-24f);
}

/// Open-interval uniform double from two 32-bit words (hi first): (2k+1) 2^-53
/// with k the top 52 of the 64 bits hi:lo.
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double uniform_double(std::uint32_t hi,
                                                         std::uint32_t lo) noexcept {
    const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 32) | lo;
    return detail::bits_to_double((bits >> 12) | 0x3FF0000000000000ull) - (1.0 - 0x1p-53);
}

/// Standard exponential from an open uniform: -log(u), finite and > 0.
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T exponential_from_uniform(const T &u) noexcept {
    using std::log;
    return -log(u);
}

/// Two independent standard normals from two open uniforms (Box-Muller):
/// r = sqrt(-2 log u1), theta = pi (2 u2 - 1) in (-pi, pi).
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void normal_pair_from_uniforms(const T &u1, const T &u2, T &z1,
                                                                  T &z2) noexcept {
    using detail::sincos;
    using std::log;
    using std::sqrt;
    using real = detail::scalar_of_t<T>;
    const T r = sqrt(T(real(-2)) * log(u1));
    // 2 u2 - 1 is exact on the grid above; the angle stays in (-pi, pi).
    const auto [s, c] = sincos(T(std::numbers::pi_v<real>) * (T(real(2)) * u2 - T(real(1))));
    z1 = r * c;
    z2 = r * s;
}

} // namespace levysgd
