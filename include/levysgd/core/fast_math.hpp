#pragma once
// Branch-free log, expm1 and sin/cos on restricted ranges, written once over
// T = float/double or an xsimd::batch of them, for the CMS kernel and the
// later CUDA headers. They exist because xsimd 8's general-purpose versions
// (full range reduction, special-value handling) cost 2-4x more, and the CMS
// kernel only needs:
//   log(x)          x > 0 normal (no NaN/inf/subnormal input handling),
//   expm1(x)        any x (overflow gives +inf, x < -40 gives -1),
//   sin/cos(x)      |x| <= pi/2.
// Accuracy (tests/test_fast_math.cpp, against long double): log <= 4 ulp,
// expm1 <= 6 ulp, sin <= 4 ulp, cos <= 2 eps absolute (it loses relative
// accuracy only where cos -> 0 near pi/2, where callers use it absolutely).
//
// Bit access, recip, log_reduce and scale_pow2 on batches go through
// overloads found by ADL on core::bits_tag (declared with the SIMD code, in
// namespace levysgd::core); the scalar ones are here. Host/device core.

#include <cstddef>
#include <cstring>
#include <cstdint>
#include <numbers>
#include <type_traits>

#include "../config.hpp"
#include "scalar_math.hpp"

namespace levysgd::core {

struct bits_tag {};

LEVYSGD_HOST_DEVICE LEVYSGD_INLINE std::uint64_t to_bits(double x, bits_tag) noexcept {
#if defined(__CUDA_ARCH__)
    return static_cast<std::uint64_t>(__double_as_longlong(x));
#else
    std::uint64_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
#endif
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE std::uint32_t to_bits(float x, bits_tag) noexcept {
#if defined(__CUDA_ARCH__)
    return __float_as_uint(x);
#else
    std::uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
#endif
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double from_bits(std::uint64_t u, double, bits_tag) noexcept {
    return bits_to_double(u);
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float from_bits(std::uint32_t u, float, bits_tag) noexcept {
    return bits_to_float(u);
}

/// 1 / x for finite, normal, nonzero x. Scalars divide; the batch overloads
/// in simd_bits.hpp may use a hardware reciprocal estimate refined by Newton
/// steps (within 1 ulp, not correctly rounded).
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double recip(double x, bits_tag) noexcept { return 1.0 / x; }
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float recip(float x, bits_tag) noexcept { return 1.0f / x; }

/// a * b + c: an explicit fused multiply-add for batches (xsimd::fma, found by
/// ADL; emulated where the ISA has none), plain arithmetic for scalars so the
/// compiler never calls a software fma.
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T madd(const T &a, const T &b, const T &c) noexcept {
    if constexpr (std::is_floating_point_v<T>) {
        return a * b + c;
    } else {
        return fma(a, b, c);
    }
}

/// c[0] + c[1] x + ... + c[N-1] x^(N-1) by Estrin's scheme: pairs c[2i] +
/// c[2i+1] x, then pairs of those with x^2, x^4, ...: depth ~log2 N instead
/// of Horner's N dependent FMAs, which keeps the SIMD pipelines busy.
/// Coefficients come in a local constexpr array (device code cannot read
/// static data members).
template <class T, class R, std::size_t N>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T poly(const T &x, const R (&c)[N]) noexcept {
    static_assert(N >= 2);
    constexpr std::size_t n0 = (N + 1) / 2;
    T p[n0];
    for (std::size_t i = 0; i < N / 2; ++i)
        p[i] = madd(T(c[2 * i + 1]), x, T(c[2 * i]));
    if constexpr (N % 2 == 1)
        p[n0 - 1] = T(c[N - 1]);
    T xp = x * x;
    std::size_t n = n0;
    while (n > 1) {
        for (std::size_t i = 0; i < n / 2; ++i)
            p[i] = madd(p[2 * i + 1], xp, p[2 * i]);
        if (n % 2 == 1)
            p[n / 2] = p[n - 1];
        n = (n + 1) / 2;
        if (n > 1)
            xp = xp * xp;
    }
    return p[0];
}

template <class R> struct fast_math_constants;

template <> struct fast_math_constants<double> {
    using uint = std::uint64_t;
    static constexpr int mant_bits = 52;
    static constexpr uint exp_mask_one = 0x3FF0000000000000ull; // bits of 1.0
    static constexpr uint mant_mask = 0x000FFFFFFFFFFFFFull;
    static constexpr double magic_int = 0x1p52; // 2^52: small integers in the mantissa
    static constexpr uint magic_int_bits = 0x4330000000000000ull;
    static constexpr double bias = 1023;
    static constexpr double round_magic = 0x1.8p52; // 1.5 * 2^52: round to nearest integer
    static constexpr double ln2_hi = 0x1.62e42fee00000p-1;
    static constexpr double ln2_lo = 0x1.a39ef35793c76p-33;
    static constexpr double expm1_low = -40; // below: expm1 = -1 in double
    static constexpr double exp_low = -708;  // below: flushed to 0 (exp(-708) = 1.5 DBL_MIN)
    static constexpr double expm1_high = 709.782712893384; // above: overflow
    static constexpr double infinity = __builtin_huge_val();
    // Polynomials: near-minimax (Chebyshev) fits from tests/scripts/fit_fast_math.py
    // 2 atanh(s)/s in t = s^2 <= 0.0295 (|s| <= 0.1716)
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T log_c(const T &x) noexcept {
        constexpr double c[] = {2.00000000000000000e+00, 6.66666666666676511e-01,
                                3.99999999993023381e-01, 2.85714287606416817e-01,
                                2.22221970567260479e-01, 1.81836316802293285e-01,
                                1.53125281483641906e-01, 1.48097103606552760e-01};
        return poly(x, c);
    }
    // sin(x)/x and cos(x) in t = x^2 <= (pi/2)^2; expm1(r)/r for |r| <= ln2/2
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T sin_c(const T &x) noexcept {
        constexpr double c[] = {
            1.00000000000000000e+00,  -1.66666666666666657e-01, 8.33333333333318577e-03,
            -1.98412698412086760e-04, 2.75573192112296060e-06,  -2.50521068905695199e-08,
            1.60589408784865599e-10,  -7.64302655797163249e-13, 2.72157494229834434e-15};
        return poly(x, c);
    }
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T cos_c(const T &x) noexcept {
        constexpr double c[] = {
            1.00000000000000000e+00,  -4.99999999999999722e-01, 4.16666666666638819e-02,
            -1.38888888887729904e-03, 2.48015872774149260e-05,  -2.75573163910257509e-07,
            2.08765618399331630e-09,  -1.14629019017572756e-11, 4.60897700300179682e-14};
        return poly(x, c);
    }
    // expm1(r) = r (1 + r/2 + r^2/6 + ... + r^13/14!)
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T expm1_c(const T &x) noexcept {
        constexpr double c[] = {
            1.00000000000000000e+00, 5.00000000000000000e-01, 1.66666666666666796e-01,
            4.16666666666666782e-02, 8.33333333331960115e-03, 1.38888888888790817e-03,
            1.98412698900471131e-04, 2.48015873364213215e-05, 2.75572409185789696e-06,
            2.75572633014747526e-07, 2.51100376059637769e-08, 2.09181294549670647e-09};
        return poly(x, c);
    }
};

template <> struct fast_math_constants<float> {
    using uint = std::uint32_t;
    static constexpr int mant_bits = 23;
    static constexpr uint exp_mask_one = 0x3F800000u;
    static constexpr uint mant_mask = 0x007FFFFFu;
    static constexpr float magic_int = 0x1p23f;
    static constexpr uint magic_int_bits = 0x4B000000u;
    static constexpr float bias = 127;
    static constexpr float round_magic = 0x1.8p23f;
    static constexpr float ln2_hi = 0x1.62e400p-1f;
    static constexpr float ln2_lo = 0x1.7f7d1cp-20f;
    static constexpr float expm1_low = -18;
    static constexpr float exp_low = -86.98f; // k >= -125, so 2^(k-1) is normal
    static constexpr float expm1_high = 88.72283f;
    static constexpr float infinity = __builtin_huge_valf();
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T log_c(const T &x) noexcept {
        constexpr float c[] = {1.999999999e+00f, 6.666681534e-01f, 3.997485052e-01f,
                               2.992439048e-01f};
        return poly(x, c);
    }
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T sin_c(const T &x) noexcept {
        constexpr float c[] = {9.999999957e-01f, -1.666665795e-01f, 8.333050171e-03f,
                               -1.980901741e-04f, 2.605107635e-06f};
        return poly(x, c);
    }
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T cos_c(const T &x) noexcept {
        constexpr float c[] = {9.999999998e-01f,  -4.999999936e-01f, 4.166663616e-02f,
                               -1.388836028e-03f, 2.476010967e-05f,  -2.605065749e-07f};
        return poly(x, c);
    }
    template <class T> LEVYSGD_HOST_DEVICE static LEVYSGD_INLINE T expm1_c(const T &x) noexcept {
        constexpr float c[] = {1.000000000e+00f, 5.000000047e-01f, 1.666666672e-01f,
                               4.166635290e-02f, 8.333298484e-03f, 1.394110843e-03f,
                               1.989927396e-04f};
        return poly(x, c);
    }
};

/// x = 2^e m with m in (sqrt(1/2), sqrt(2)], e integral (both as T).
template <class T> struct log_parts { T m, e; };

/// log_parts of a positive, finite, normal x from its bits: the mantissa in
/// [1, 2) and the exponent read through the 2^52 (2^23) trick, then m halved
/// where it exceeds sqrt(2). The default of the log_reduce hook.
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE log_parts<T> log_reduce_bits(const T &x) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const auto bits = to_bits(x, bits_tag{});
    using U = decltype(bits);
    T m = from_bits((bits & U(C::mant_mask)) | U(C::exp_mask_one), x, bits_tag{});
    T e = from_bits((bits >> C::mant_bits) | U(C::magic_int_bits), x, bits_tag{}) -
          T(C::magic_int + C::bias);
    const auto big = m > T(real(std::numbers::sqrt2_v<real>));
    m = select(big, m * T(real(0.5)), m);
    e = select(big, e + T(real(1)), e);
    return {m, e};
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE log_parts<double> log_reduce(double x, bits_tag) noexcept {
    return log_reduce_bits(x);
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE log_parts<float> log_reduce(float x, bits_tag) noexcept {
    return log_reduce_bits(x);
}

/// y 2^k for integral k with 2^(k-1) a normal number, from t, whose low
/// mantissa bits hold k + C::bias - 1 added to the rounding constant (see
/// exp_reduce). The default of the scale_pow2 hook: 2 y is exact, so the one
/// rounding is that of the product, as in vscalef; +inf on overflow.
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T scale_pow2_bits(const T &y, const T &t) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const auto tb = to_bits(t, bits_tag{});
    using U = decltype(tb);
    const auto magic_bits = to_bits(T(C::round_magic), bits_tag{});
    const T half_scale = // 2^(k-1)
        from_bits((tb - magic_bits + U(static_cast<typename C::uint>(C::bias - 1))) << C::mant_bits,
                  y, bits_tag{});
    return (y * T(real(2))) * half_scale;
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE double scale_pow2(double y, double, double t,
                                                     bits_tag) noexcept {
    return scale_pow2_bits(y, t);
}
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE float scale_pow2(float y, float, float t, bits_tag) noexcept {
    return scale_pow2_bits(y, t);
}

/// Natural log for positive, finite, normal x.
template <class T> LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T fast_log(const T &x) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const auto [m, e] = log_reduce(x, bits_tag{});
    const T s = (m - T(real(1))) * recip(m + T(real(1)), bits_tag{}); // m - 1 exact
    const T log_m = s * C::log_c(s * s);
    return e * T(C::ln2_hi) + (e * T(C::ln2_lo) + log_m);
}

/// Range reduction shared by fast_expm1 and fast_exp: for x clamped to
/// [lo, high], x = k ln2 + r with |r| <= ln2/2; p = expm1(r), and t holds k
/// in its low bits (for scale_pow2).
template <class T> struct exp_parts { T k, p, t; };
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE exp_parts<T> exp_reduce(const T &x, const T &lo) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const T xc = select(x > T(C::expm1_high), T(C::expm1_high), select(x < lo, lo, x));
    const T t = xc * T(real(1) / std::numbers::ln2_v<real>) + T(C::round_magic);
    const T k = t - T(C::round_magic); // nearest integer to x / ln 2
    const T r = (xc - k * T(C::ln2_hi)) - k * T(C::ln2_lo);
    const T p = r * C::expm1_c(r); // expm1(r), |r| <= ln2/2
    return {k, p, t};
}

/// expm1(x) for any x: +inf above the overflow threshold, -1 far below 0.
template <class T> LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T fast_expm1(const T &x) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const auto e = exp_reduce(x, T(C::expm1_low));
    const T scaled = scale_pow2(e.p + T(real(1)), e.k, e.t, bits_tag{}) - T(real(1));
    const T res = select(e.k == T(real(0)), e.p, scaled); // no cancellation for |x| < ln2/2
    return select(x > T(C::expm1_high), T(C::infinity),
                  select(x < T(C::expm1_low), T(real(-1)), res));
}

/// exp(x) for any x: +inf above the overflow threshold; x below exp_low
/// (-708 in double, -86.98 in float, where exp(x) is still about 1.5 times
/// the smallest normal number) gives 0.
template <class T> LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T fast_exp(const T &x) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const auto e = exp_reduce(x, T(C::exp_low));
    const T res = scale_pow2(e.p + T(real(1)), e.k, e.t, bits_tag{});
    return select(x > T(C::expm1_high), T(C::infinity), select(x < T(C::exp_low), T(real(0)), res));
}

/// sin and cos for |x| <= pi/2 (polynomials in x^2).
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE sin_cos_pair<T> fast_sincos(const T &x) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const T x2 = x * x;
    return {x * C::sin_c(x2), C::cos_c(x2)};
}

} // namespace levysgd::core

namespace levysgd::detail { // the names the rest of levysgd uses
using core::bits_tag;
using core::exp_parts;
using core::exp_reduce;
using core::fast_exp;
using core::fast_expm1;
using core::fast_log;
using core::fast_math_constants;
using core::fast_sincos;
using core::from_bits;
using core::log_parts;
using core::log_reduce;
using core::log_reduce_bits;
using core::madd;
using core::poly;
using core::recip;
using core::scale_pow2;
using core::scale_pow2_bits;
using core::to_bits;
} // namespace levysgd::detail
