#pragma once
// alpha = 1, beta != 0: the far tails, where the general integrand (Nolan
// 1997, Thm 1) loses digits to cancellation, in variables where the
// cancellation happens exactly, integrated by adaptive Gauss-Kronrod (7-15).
// (The light tail of |beta| = 1: density_light_tail.hpp, for every alpha.)

#include <cmath>
#include <numbers>

#include "../../core/gauss_kronrod.hpp"

namespace levysgd::detail {

/// cot(x) - 1/x without cancellation for small x.
inline double cot_minus_inv(double x) {
    if (std::abs(x) < 0.1) {
        const double x2 = x * x; // -x/3 - x^3/45 - 2x^5/945 - x^7/4725 - 2x^9/93555
        return -x * (1.0 / 3 +
                     x2 * (1.0 / 45 + x2 * (2.0 / 945 + x2 * (1.0 / 4725 + x2 * 2.0 / 93555))));
    }
    return std::cos(x) / std::sin(x) - 1 / x;
}

/// alpha = 1, beta > 0, far tails: with X = -pi x / (2 beta), log g contains
/// X and a pole K / v of the same size at the end of the theta range where
/// the integrand peaks, so evaluating log g at a point loses |X| ulps. In
/// the variable r = X + K / w (x > 0: w = pi/2 - theta, K = pi (1 + beta) / (2 beta))
/// or r = X - K / u (x < 0: u = theta + pi/2, K = pi (1 - beta) / (2 beta))
/// the cancellation happens exactly and log g = r + O(1) terms that are
/// computed to full relative accuracy; the density and the near tail are
/// integrals over r in [-45, 4] (Gumbel-shaped integrand) with Jacobian
/// K / (r - X)^2. Returns false where this form does not apply; only the
/// wanted one of dens and near_tail is computed (the other is left as it is).
inline bool stable_one_far(double b, double x, double &dens, double &near_tail, bool want_dens,
                           bool want_near) {
    constexpr double pi = std::numbers::pi;
    const double X = -pi * x / (2 * b);
    const bool right = x > 0;
    const double K = right ? pi * (1 + b) / (2 * b) : pi * (1 - b) / (2 * b);
    if (K <= 0)
        return false;
    const double r_lo = -45, r_hi = 4;
    // v = K / |r - X| must stay in (0, pi): |X| > 45 + 4 + K / pi
    if (std::abs(X) < 60 + K / pi * 1.01 || (right ? X > 0 : X < 0))
        return false;
    const double L2 = std::log(2 / pi);
    auto log_g = [&](double r, double &jac) {
        const double d = right ? r - X : X - r; // > 0
        const double v = K / d;                 // w (right) or u (left)
        jac = K / (d * d);
        const double a = b * (K + (right ? -v : v)); // pi/2 + beta theta
        const double sv = std::sin(v);
        // right: (K - w) cot w = K/w + K (cot w - 1/w) - w cot w
        // left: -(K + u) cot u = -K/u - K (cot u - 1/u) - u cot u
        const double vcot = v * std::cos(v) / sv;
        const double rest = right ? K * cot_minus_inv(v) - vcot : -K * cot_minus_inv(v) - vcot;
        return r + rest + L2 + std::log(a / sv);
    };
    const double breaks[] = {r_lo, -30, -20, -12, -6, -3, -1, 0.5, 2, r_hi};
    if (want_dens)
        dens = core::gk15_adaptive(
            [&](double r) {
                double jac;
                const double l = log_g(r, jac);
                return std::exp(l - std::exp(l)) * jac;
            },
            breaks, 10, 1e-13);
    // Near tail: int (1 - e^-g) over the r window (x > 0) plus the end piece
    // beyond r_hi where g > e^4 and 1 - e^-g = 1 to double precision; for
    // x < 0 int e^-g over the window plus the end piece below r_lo where
    // g < e^-45 and e^-g = 1.
    if (!want_near)
        return true;
    const double end_piece = K / (right ? r_hi - X : X - r_lo);
    near_tail = end_piece + core::gk15_adaptive(
                                [&](double r) {
                                    double jac;
                                    const double g = std::exp(log_g(r, jac));
                                    return (right ? -std::expm1(-g) : std::exp(-g)) * jac;
                                },
                                breaks, 10, 1e-13);
    return true;
}

} // namespace levysgd::detail
