#pragma once
// alpha = 1, beta != 0: the far tails, where the general integrand (Nolan
// 1997, Thm 1) loses digits to cancellation, in variables where the
// cancellation happens exactly, integrated by adaptive Gauss-Kronrod (7-15)
// with the nodes of a panel evaluated as xsimd batches.
// (The light tail of |beta| = 1: density_light_tail.hpp, for every alpha.)

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <numbers>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../../core/gauss_kronrod.hpp"
#include "../../detail/fast_math.hpp"
#include "../../detail/simd_bits.hpp"

namespace levysgd::detail {

/// cot(x) - 1/x without cancellation for small x, given cot = cos(x) /
/// sin(x) (the caller has the sine and cosine); T = double or an xsimd
/// batch (the branch a select).
template <class T> T cot_minus_inv(const T &x, const T &cot) {
    using std::abs;
    const T x2 = x * x; // -x/3 - x^3/45 - 2x^5/945 - x^7/4725 - 2x^9/93555
    const T series =
        -x * (T(1.0 / 3) +
              x2 * (T(1.0 / 45) + x2 * (T(2.0 / 945) + x2 * (T(1.0 / 4725) + x2 * (2.0 / 93555)))));
    if constexpr (std::is_floating_point_v<T>)
        return abs(x) < 0.1 ? series : cot - 1 / x;
    else
        return xsimd::select(abs(x) < T(0.1), series, T(cot - T(1.0) / x));
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
    // log g and the Jacobian at r, for T = double or a batch (unqualified
    // math finds xsimd's functions for batches)
    auto log_g = [&](const auto &r, auto &jac) {
        using T = std::decay_t<decltype(r)>;
        using std::cos;
        using std::log;
        using std::sin;
        const T d = right ? r - T(X) : T(X) - r; // > 0
        const T v = T(K) / d;                    // w (right) or u (left)
        jac = T(K) / (d * d);
        const T a = T(b) * (T(K) + (right ? -v : v)); // pi/2 + beta theta
        // sin and cos once (they were taken twice, here and in
        // cot_minus_inv: the same values, half the calls)
        T sv, cv;
        if constexpr (std::is_floating_point_v<T>) {
            sv = sin(v);
            cv = cos(v);
        } else {
            const auto sc = xsimd::sincos(v);
            sv = sc.first;
            cv = sc.second;
        }
        // right: (K - w) cot w = K/w + K (cot w - 1/w) - w cot w
        // left: -(K + u) cot u = -K/u - K (cot u - 1/u) - u cot u
        const T vcot = v * cv / sv;
        const T rest = (right ? T(K) : T(-K)) * cot_minus_inv(v, T(cv / sv)) - vcot;
        return r + rest + T(L2) + log(a / sv);
    };
    // the 15 k nodes of k <= 2 panels as batches (padded with the first
    // centre); log g of every batch first, then the integrands (their
    // dependency chains interleave)
    using batch = xsimd::batch<double>;
    constexpr std::size_t lanes = batch::size, nodes = ((30 + lanes - 1) / lanes) * lanes;
    auto panel = [&](const double *x, double *out, int k, auto integrand) {
        alignas(64) double xs[nodes], ys[nodes];
        const int m = 15 * k, nb = int((m + lanes - 1) / lanes);
        for (int i = 0; i < nb * int(lanes); ++i)
            xs[i] = x[i < m ? i : 7];
        // (the bound from the type, not the locals: GCC 12 fails on those here)
        batch ls[(30 + batch::size - 1) / batch::size], jacs[(30 + batch::size - 1) / batch::size];
        for (int j = 0; j < nb; ++j)
            ls[j] = log_g(batch::load_aligned(xs + j * lanes), jacs[j]);
        for (int j = 0; j < nb; ++j)
            integrand(ls[j], jacs[j]).store_aligned(ys + j * lanes);
        for (int i = 0; i < m; ++i)
            out[i] = ys[i];
    };
    // log g = r + c(r) with c slowly varying (~3.5 at beta = 0.5): the
    // integrands peak (g = 1) near r_p = -c(0), and the breakpoints follow
    // the Gumbel shape exp(l - e^l) around it as in stable_integrate: every
    // 0.75-1 on the steep side (g > 1), widening on the shallow one. Fixed
    // breakpoints around r = 0 cost 1.5x the panels in bisections (measured
    // over logpdf, cdf and ccdf at 50 far-tail points: 65.9 -> 42.9 panels).
    double jac0;
    const double c0 = log_g(0.0, jac0);
    const double rp = std::isfinite(c0) ? std::clamp(-c0, r_lo + 10, r_hi - 3) : -1.0;
    double breaks[20];
    int nb = 0;
    breaks[nb++] = r_lo;
    for (double d : {-26.0, -18.0, -12.0, -7.5, -4.5, -2.5, -1.25, 0.0, 1.0, 2.0, 2.75, 3.5})
        if (rp + d > breaks[nb - 1] + 0.25 && rp + d < r_hi - 0.25)
            breaks[nb++] = rp + d;
    breaks[nb++] = r_hi;
    if (want_dens)
        dens = core::gk15_adaptive_panels<64, 2, true>(
            [&](const double *x, double *y, int k) {
                panel(x, y, k, [](const batch &l, const batch &jac) {
                    return fast_exp(l - fast_exp(l)) * jac;
                });
            },
            breaks, nb, 1e-13);
    // Near tail: int (1 - e^-g) over the r window (x > 0) plus the end piece
    // beyond r_hi where g > e^4 and 1 - e^-g = 1 to double precision; for
    // x < 0 int e^-g over the window plus the end piece below r_lo where
    // g < e^-45 and e^-g = 1.
    if (!want_near)
        return true;
    const double end_piece = K / (right ? r_hi - X : X - r_lo);
    near_tail = end_piece + core::gk15_adaptive_panels<64, 2, true>(
                                [&](const double *x, double *y, int k) {
                                    panel(x, y, k, [right](const batch &l, const batch &jac) {
                                        const batch g = fast_exp(l);
                                        return (right ? -fast_expm1(-g) : fast_exp(-g)) * jac;
                                    });
                                },
                                breaks, nb, 1e-13);
    return true;
}

} // namespace levysgd::detail
