#pragma once
// Scalar overloads that let one kernel template run on plain float/double as
// well as on xsimd::batch (whose overloads are found by argument-dependent
// lookup). Part of the host/device core (core/): no xsimd, Eigen, iostreams,
// exceptions or allocation.

#include <cmath>
#include <cstdint>
#include <cstring>

#include "../config.hpp"

namespace levysgd::core {

/// The largest finite Real (numeric_limits' max() is not a device function
/// without nvcc's --expt-relaxed-constexpr).
template <class Real> inline constexpr Real real_max = Real(0);
template <> inline constexpr float real_max<float> = __FLT_MAX__;
template <> inline constexpr double real_max<double> = __DBL_MAX__;

/// The real type of T, where T is a real or an xsimd::batch of reals.
template <class T> struct scalar_of { using type = T; };
template <template <class, class> class B, class R, class A> struct scalar_of<B<R, A>> {
    using type = R;
};
template <class T> using scalar_of_t = typename scalar_of<T>::type;

// Structured-binding compatible with xsimd::sincos's std::pair (sin, cos).
template <class T> struct sin_cos_pair {
    T sin;
    T cos;
};

LEVYSGD_HOST_DEVICE LEVYSGD_INLINE sin_cos_pair<float> sincos(float x) noexcept {
#if defined(__CUDA_ARCH__)
    float s, c;
    ::sincosf(x, &s, &c);
    return {s, c};
#else
    return {std::sin(x), std::cos(x)};
#endif
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE sin_cos_pair<double> sincos(double x) noexcept {
#if defined(__CUDA_ARCH__)
    double s, c;
    ::sincos(x, &s, &c);
    return {s, c};
#else
    return {std::sin(x), std::cos(x)};
#endif
}

LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float select(bool c, float a, float b) noexcept {
    return c ? a : b;
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double select(bool c, double a, double b) noexcept {
    return c ? a : b;
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE std::uint32_t select(bool c, std::uint32_t a,
                                                        std::uint32_t b) noexcept {
    return c ? a : b;
}

LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float bits_to_float(std::uint32_t u) noexcept {
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
#endif
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double bits_to_double(std::uint64_t u) noexcept {
#if defined(__CUDA_ARCH__)
    return __longlong_as_double(static_cast<long long>(u));
#else
    double f;
    std::memcpy(&f, &u, sizeof f);
    return f;
#endif
}

/// High 64 bits of a * b (portable: no __int128 under -Wpedantic).
LEVYSGD_HOST_DEVICE constexpr std::uint64_t mulhi64(std::uint64_t a, std::uint64_t b) noexcept {
    const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
    const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
    const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo;
    const std::uint64_t lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
    const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFu) + lo_hi;
    return hi_hi + (hi_lo >> 32) + (cross >> 32);
}

} // namespace levysgd::core

namespace levysgd::detail { // the names the rest of levysgd uses
using core::bits_to_double;
using core::bits_to_float;
using core::mulhi64;
using core::real_max;
using core::scalar_of;
using core::scalar_of_t;
using core::select;
using core::sin_cos_pair;
using core::sincos;
} // namespace levysgd::detail
