#pragma once
// Transforms from Philox words to uniform, exponential and normal variates.
//
// Every function is a template over T = float/double or an xsimd::batch of
// them (the SIMD overloads of log/sincos/select/from_bits are found by ADL),
// so the scalar, SIMD and later CUDA paths evaluate the same formula.
// Host/device core: no xsimd, Eigen, iostreams, exceptions or allocation.
//
// Uniforms lie on the grid (2k+1)/2^(p+1), p = 23 (float) or 52 (double):
// symmetric about 1/2, exactly representable, never 0 or 1, so u - 1/2 and
// 1/2 - |u - 1/2| are exact and -log(u) is finite.

#include <cmath>
#include <cstdint>
#include <numbers>

#include <type_traits>

#include "../config.hpp"
#include "fast_math.hpp"
#include "scalar_math.hpp"

namespace levysgd::core {

/// Open-interval uniform float from one 32-bit word: (2k+1) 2^-24, k = w >> 9.
/// T = float with W = uint32_t, or a float batch with a 32-bit word batch.
template <class T, class W>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T uniform_float_of(const W &w) noexcept {
    // [1, 2) with 23 random mantissa bits, then an exact (Sterbenz) shift.
    return from_bits((w >> 9) | W(0x3F800000u), T{}, bits_tag{}) - T(1.0f - 0x1p-24f);
}

/// hi:lo as one 64-bit value from two wide words (each in the low 32 bits of
/// its lane, the high 32 bits don't-care), by a shift and a masked OR. The
/// default of the join_words hook (detail/simd_bits.hpp: one two-source dword
/// permute on AVX-512).
template <class W>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE W join_words_bits(const W &hi, const W &lo) noexcept {
    return (hi << 32) | (lo & W(0xFFFFFFFFull));
}
template <class W>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE W join_words(const W &hi, const W &lo, bits_tag) noexcept {
    return join_words_bits(hi, lo);
}

/// Open-interval uniform double from two 32-bit words (hi first): (2k+1) 2^-53
/// with k the top 52 of the 64 bits hi:lo. T = double with W = uint32_t, or a
/// double batch with W a 64-bit batch holding each word in the low 32 bits of
/// its lane (the high 32 bits are don't-care).
template <class T, class W>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T uniform_double_of(const W &hi, const W &lo) noexcept {
    if constexpr (std::is_same_v<W, std::uint32_t>) {
        const std::uint64_t bits = (static_cast<std::uint64_t>(hi) << 32) | lo;
        return bits_to_double((bits >> 12) | 0x3FF0000000000000ull) - (1.0 - 0x1p-53);
    } else {
        const W bits = (join_words(hi, lo, bits_tag{}) >> 12) | W(0x3FF0000000000000ull);
        return from_bits(bits, T{}, bits_tag{}) - T(1.0 - 0x1p-53);
    }
}

/// uniform_float_of for one word.
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float uniform_float(std::uint32_t w) noexcept {
    return uniform_float_of<float>(w);
}

/// uniform_double_of for two words.
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double uniform_double(std::uint32_t hi,
                                                         std::uint32_t lo) noexcept {
    return uniform_double_of<double>(hi, lo);
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
    using std::log;
    using std::sqrt;
    using real = scalar_of_t<T>;
    const T r = sqrt(T(real(-2)) * log(u1));
    // 2 u2 - 1 is exact on the grid above; the angle stays in (-pi, pi).
    const auto [s, c] = sincos(T(std::numbers::pi_v<real>) * (T(real(2)) * u2 - T(real(1))));
    z1 = r * c;
    z2 = r * s;
}

} // namespace levysgd::core

namespace levysgd { // the public names
using core::exponential_from_uniform;
using core::normal_pair_from_uniforms;
using core::uniform_double;
using core::uniform_float;
} // namespace levysgd
