#pragma once
// The integrands of the standard alpha-stable density and distribution
// function: log g of Nolan's integral representation (Nolan 1997, Thm 1) on
// one side of the law, for alpha != 1 and alpha = 1, evaluated in the
// distance from the nearer end of the theta range.
//
// Density, distribution function and complement of the standard alpha-stable
// law: Nolan's integral representation of Zolotarev's formulas (Nolan 1997,
// "Numerical calculation of stable densities and distribution functions",
// Thm 1), evaluated in double precision.
//
// Coordinates. Everything here is in the standard S1 coordinate y: for
// alpha != 1 the standard S0 variate z is y + zeta, zeta = -beta tan(pi a/2)
// (so y - 0 is Nolan's x - zeta and never needs the subtraction that loses
// precision near alpha = 1); for alpha = 1 S0 and S1 coincide and y = z.
// For y < 0 the reflection f(y; a, b) = f(-y; a, -b) (cdf <-> ccdf) is used,
// so the integrals below only ever see y > 0.
//
// alpha != 1, y > 0 (Nolan Thm 1 with the power of y folded into g):
//   theta on (-theta0, pi/2), theta0 = atan(beta tan(pi a/2)) / a,
//   u = theta + theta0 (distance from the lower end), w = pi/2 - theta,
//   log g = [a log(y cos(theta) / sin(a u)) + log cos(a theta0)] / (a - 1)
//           + log(cos(a theta0 + (a - 1) theta) / cos(theta))
//   f(y)  = a / (pi |a - 1| y) * int g e^-g dtheta
//   a < 1: cdf = (pi/2 - theta0)/pi + (1/pi) int e^-g,  ccdf = (1/pi) int (1 - e^-g)
//   a > 1: cdf = (pi/2 - theta0)/pi + (1/pi) int (1 - e^-g),  ccdf = (1/pi) int e^-g
// Each form is a sum of positive terms (no cancellation): the upper tail is
// accurate to the last digits, and so is the lower tail through reflection.
// g is monotone in theta (increasing for a < 1, decreasing for a > 1), so the
// density integrand g e^-g has a single peak at g = 1; it is located by a
// root search on log g, and both sides are integrated by adaptive
// Gauss-Kronrod (7-15) in a variable measured from the nearer end (u on the
// lower half, w on the upper half), so that sin/cos near the ends keep full
// relative accuracy however close the peak gets to an end.
//
// alpha = 1, beta > 0 (Nolan Thm 1, a = 1):
//   log g = -pi y / (2 beta) + log(2/pi) + log((pi/2 + beta theta) / cos theta)
//           + (pi/2 + beta theta) tan(theta) / beta,  theta in (-pi/2, pi/2)
//   f = 1/(2 beta) int g e^-g,  cdf = (1/pi) int e^-g,  ccdf = (1/pi) int (1 - e^-g).
//
// Closed forms: alpha = 2 (N(0, 2)), alpha = 1 & beta = 0 (Cauchy),
// alpha = 1/2 & |beta| = 1 (Levy, in S1 coordinates). At y = 0 (z = zeta):
// f = Gamma(1 + 1/a) cos(theta0) / (pi (1 + zeta^2)^(1/(2a))), cdf = (pi/2 - theta0)/pi.
//
// Near alpha = 1 the bracket in log g is a difference of O(log |zeta|) terms
// divided by a - 1: the absolute error of log g is about 1e-15 log|zeta| /
// |a - 1|, i.e. ~1e-12 at |a - 1| = 1e-3 (tested at 0.999 and 1.001) and
// growing as alpha -> 1; for 0 < |a - 1| < 0.005 stable_standard
// interpolates in alpha instead (density_standard.hpp).

#include <array>
#include <cfloat>
#include <cmath>
#include <numbers>

#include "../../detail/fast_math.hpp"
#include "../../detail/simd_bits.hpp"

#include "../../core/stable_plan.hpp"

namespace levysgd::detail {

/// Scalar log for the driver and the series: fast_log for positive normal
/// numbers (glibc's calls between the wide vector code cost ~15 % of a
/// quadrature point), std::log for the rest (0, subnormal, inf, NaN).
inline double stable_log(double x) {
    return x >= DBL_MIN && x <= DBL_MAX ? fast_log(x) : std::log(x);
}

/// sin(x) for x in [0, pi/2] (the fast_math_constants::sin_c polynomial, <= 4 ulp).
template <class T> LEVYSGD_INLINE T stable_sin(const T &x) {
    return x * fast_math_constants<double>::sin_c(x * x);
}

/// One side (beta or -beta) of a standard law with alpha != 1, for y > 0.
struct stable_side {
    double alpha = 2, beta = 0;
    double theta0 = 0;      // Nolan's theta_0
    double len = 0;         // pi/2 + theta0: length of the theta interval
    double head = 0;        // pi/2 - theta0 (cdf at y = 0 is head / pi)
    double a_len = 0;       // alpha * len, in (0, pi]
    double pi_m_a_len = 0;  // pi - alpha * len, computed without cancellation
    double log_cos_at0 = 0; // log cos(alpha theta0) = -log(1 + zeta^2) / 2
    double inv_am1 = 0;     // 1 / (alpha - 1)
    double tan_half = 0;    // tan(pi alpha / 2) (core::tan_pi_alpha_half)

    stable_side() = default;
    stable_side(double a, double b) { *this = pair(a, b)[0]; }

    /// The sides of beta and -beta, which share tan(pi a/2), atan(beta t),
    /// log cos(a theta0) and two of their atan2 values (the same operations
    /// as two separate constructions, bitwise: -b enters only as b's sign).
    static std::array<stable_side, 2> pair(double a, double b) {
        constexpr double pi = std::numbers::pi;
        const double t = core::tan_pi_alpha_half(a); // > 0 for a < 1, <= 0 for a > 1
        // alpha theta0 = atan(beta t); the lengths from atan differences written
        // as single atan2 calls, exact when |beta| = 1 (no pi/2 - pi/2):
        // a < 1: pi a/2 = atan(t), pi a/2 -+ atan(b t) = atan2(t (1 -+ b), 1 +- b t^2);
        // a > 1: pi a/2 = pi + atan(t). For -b the two atan2 swap.
        const double at0 = std::atan(b * t);
        const double lo = std::atan2(t * (1 - b), 1 + b * t * t); // head of b, a_len of -b
        const double hi = std::atan2(t * (1 + b), 1 - b * t * t); // a_len of b, head of -b
        const double log_cos_at0 = -0.5 * std::log1p(b * b * t * t);
        double log_bt = 0, log_rest = 0;
        if (std::abs(b * t) > 1) {
            log_bt = std::log(std::abs(b * t));
            log_rest = 0.5 * std::log1p(1 / (b * b * t * t));
        }
        std::array<stable_side, 2> r;
        for (int k = 0; k < 2; ++k) {
            stable_side &s = r[k];
            const double bk = k == 0 ? b : -b, h = k == 0 ? lo : hi, l = k == 0 ? hi : lo;
            s.alpha = a;
            s.beta = bk;
            s.theta0 = (k == 0 ? at0 : -at0) / a;
            s.head = a < 1 ? h / a : (pi + h) / a;
            s.a_len = a < 1 ? l : pi + l;
            if (s.a_len < 0)
                s.a_len = 0;
            s.len = s.a_len / a;
            // pi - a len = -(atan t + atan(b t)) for a > 1, i.e.
            // atan2(-t (1 + bk), 1 - bk t^2) = -(the atan2 of l: atan2 is odd
            // in its first argument); for a < 1 it is pi - pi a/2 - atan(bt)
            // = pi (1 - a/2) - atan(bt): no cancellation.
            s.pi_m_a_len = a > 1 ? -l : pi - s.a_len;
            if (s.pi_m_a_len < 0)
                s.pi_m_a_len = 0;
            s.log_cos_at0 = log_cos_at0;
            s.log_bt = log_bt;
            s.log_rest = log_rest;
            s.inv_am1 = 1 / (a - 1);
            s.tan_half = t;
        }
        return r;
    }

    /// log g at (u, w), u + w = len, for log y = ly; T = double or an
    /// xsimd batch (the Gauss-Kronrod nodes of a piece are evaluated
    /// together). Every sine argument is chosen in [0, pi/2] (the angle or
    /// its supplement, whichever keeps relative accuracy near the ends), so
    /// the restricted-range fast_math polynomials apply.
    template <class T> LEVYSGD_INLINE T log_g(const T &ly, const T &u, const T &w) const {
        const T hp(std::numbers::pi / 2);
        // cos(theta), theta = -theta0 + u = pi/2 - w
        const T c = stable_sin(select(w <= hp, w, u + T(head)));
        // sin(alpha u) = sin(pi - alpha len + alpha w)
        const T au = T(alpha) * u;
        const T s = stable_sin(select(au <= hp, au, T(pi_m_a_len) + T(alpha) * w));
        // cos(alpha theta0 + (alpha - 1) theta):
        //   alpha < 1: sin(head + (1 - alpha) u) = sin(alpha len + (1 - alpha) w)
        //   alpha > 1: sin(alpha len - (alpha - 1) w) = sin(pi - alpha len + (alpha - 1) w)
        T xt;
        if (alpha < 1) {
            const T xu = T(head) + T(1 - alpha) * u;
            xt = select(xu <= hp, xu, T(a_len) + T(1 - alpha) * w);
        } else {
            const T xw = T(a_len) - T(alpha - 1) * w;
            xt = select(xw <= hp, xw, T(pi_m_a_len) + T(alpha - 1) * w);
        }
        const T ct = stable_sin(xt);
        const T lcs = fast_log(c / s), ltc = fast_log(ct / c);
        if (log_bt > 0) {
            // |beta t| > 1: log cos(a theta0) = -log|bt| - log1p(1/(bt)^2)/2;
            // the O(log|bt|) parts cancel before the division by a - 1
            // (near alpha = 1, y ~ |bt| in the bulk of S1 and S0 alike).
            const T br = T(alpha) * (ly - T(log_bt) + lcs) - T(log_rest);
            return br * T(inv_am1) + T(log_bt) + ltc;
        }
        const T br = T(alpha) * (ly + lcs) + T(log_cos_at0);
        return br * T(inv_am1) + ltc;
    }
    double log_bt = 0;   // log|beta t| when |beta t| > 1, else 0
    double log_rest = 0; // log1p(1/(beta t)^2) / 2
};

/// Side data of alpha = 1, beta > 0.
struct stable_side1 {
    double beta = 1;
    template <class T> LEVYSGD_INLINE T log_g(const T &x, const T &u, const T &w) const {
        // theta = -pi/2 + u = pi/2 - w
        constexpr double pi = std::numbers::pi;
        const T hp(pi / 2);
        const T c = stable_sin(select(w <= hp, w, u)); // cos(theta)
        // sin(theta) = -sin(pi/2 - u) = sin(pi/2 - w)
        const T sn = select(u <= hp, -stable_sin(hp - u), stable_sin(hp - w));
        const T a = T((pi / 2) * (1 - beta)) + T(beta) * u; // pi/2 + beta theta
        return T(-pi / (2 * beta)) * x + T(std::log(2 / pi)) + fast_log(a / c) +
               a * sn / (c * T(beta));
    }
};

} // namespace levysgd::detail
