#pragma once
// Exact mean exit time of a 1-D diffusion, by quadrature: the reference the
// small-noise formulas (kramers.hpp) approximate, and a check for the
// simulator that needs no asymptotics.
//
// For dX = mu(X) dt + sqrt(2 D(X)) dW (Ito) on [l, r], started at x0, with r
// absorbing and l absorbing or reflecting, the mean exit time T solves
// D T'' + mu T' = -1 (Gardiner, Handbook of Stochastic Methods, Sec. 5.2.7).
// With the scale density s(y) = exp(Phi(y)), Phi(y) = -int_l^y mu/D, and
//   S(x) = int_l^x s,  G(x) = int_l^x s(y) int_l^y dz / (D(z) s(z)) dy:
//   reflecting l:  T(x0) = G(r) - G(x0),                 P(exit at r) = 1
//   absorbing l:   T(x0) = G(r) S(x0) / S(r) - G(x0),    P(exit at r) = S(x0) / S(r).
// For mu = -L' and constant D, Phi = (L - L(l)) / D and T is the exact
// counterpart of Kramers' tau (whose error is O(D / dL)).
//
// Numerics: nested trapezoid rules on a grid through x0, with the inner
// integral carried in a form whose terms never exceed the result (a true
// value beyond double is refused), exponential fitting on each interval
// (exact for Phi linear between nodes, so drift-dominated intervals with
// |drift| h / D >> 1 are right, down to drift 1e300 with D = 1e-300), and one
// Richardson step against the grid of every other node; error_estimate is
// that step's size. A mean time or scale function beyond the double range is
// refused with std::invalid_argument, never returned as inf or NaN. An infinite side is replaced by a
// reflecting wall where exp(-Phi) is negligible (the caller picks it).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "../detail/validate.hpp"
#include "detail/safe_math.hpp"

namespace levysgd {

enum class boundary_kind { absorbing, reflecting };

struct exit_time_1d_options {
    std::size_t intervals = 1 << 16; // grid intervals (>= 64; rounded up to even per side)
    boundary_kind left = boundary_kind::absorbing;
};

struct exit_time_1d {
    double mean_time = 0;              // E[T] from x0
    double exit_right_probability = 1; // P(leave through r)
    double error_estimate = 0;         // |Richardson correction| of mean_time
};

namespace detail {

/// A(d) = int_0^1 u e^(d u) du and B(d) = int_0^1 (1 - u) e^(d u) du: the
/// weights of 1/D at an interval's left and right node in the exact integral
/// of e^(phi(y_i) - phi(z)) / D(z) with phi linear (exponential fitting,
/// Scharfetter-Gummel / Il'in): the trapezoid rule's 1/2, 1/2 at d = 0, and
/// 1/d^2, 1/|d| as d -> -inf, where the plain trapezoid rule is off by the
/// factor |d| / 2 (drift-dominated intervals, |mu| h / D >> 1).
inline void exp_fit_weights(double d, double &a, double &b) noexcept {
    if (std::fabs(d) < 0.1) { // series: sum d^k / (k! (k + 2)), sum d^k / (k + 2)!
        double p = 1, f = 1;
        a = 0;
        b = 0;
        for (int k = 0; k < 12; ++k) {
            a += p / (f * (k + 2));
            b += p / (f * (k + 1) * (k + 2));
            p *= d;
            f *= k + 1;
        }
        return;
    }
    if (d == -std::numeric_limits<double>::infinity()) {
        a = b = 0;
        return;
    }
    const double e = std::exp(d), em1 = std::expm1(d);
    a = (e * d - em1) / d / d; // divided twice: d * d overflows for |d| > 1e154
    b = (em1 - d) / d / d;
}

/// int_0^1 e^(d u) du = expm1(d) / d.
inline double exp_fit_mean(double d) noexcept {
    if (d == 0)
        return 1;
    if (d == -std::numeric_limits<double>::infinity())
        return 0;
    return std::expm1(d) / d;
}

/// T(x0) and P(right) on the grid x (x[k0] = x0). Phi is linear and 1/D
/// linear between nodes, and K(y) = s(y) int_l^y dz / (D s) = int_l^y
/// exp(Phi(y) - Phi(z)) / D(z) dz is carried exactly under that model:
/// K_i = exp(dPhi) K_{i-1} + h (A(dPhi) / D_{i-1} + B(dPhi) / D_i), so no term
/// is larger than the result and a drift-dominated interval (dPhi -> -inf,
/// K -> 1 / mu) is right; G = int K by the trapezoid rule; S enters only as
/// the ratio S(x0) / S(r), integrated exactly with exp(Phi - max Phi).
/// Returns false when Phi or G is beyond the double range.
inline bool exit_time_on_grid(const std::vector<double> &x, std::size_t k0,
                              const std::vector<double> &mu, const std::vector<double> &dif,
                              bool reflecting, double &t_out, double &p_out) {
    // G in units of 8 for spans near the double range (G(r) may exceed it
    // by a few times where T = G(r) S(x0) / S(r) - G(x0) does not)
    const double gs = std::fabs(x.front()) > 1e300 || std::fabs(x.back()) > 1e300 ? 0.125 : 1.0;
    constexpr double inf = std::numeric_limits<double>::infinity();
    const std::size_t n = x.size();
    std::vector<double> phi(n), dphi(n, 0.0);
    phi[0] = 0;
    for (std::size_t i = 1; i < n; ++i) {
        // mu / D overflows for |mu| / D > 1e308 (mu = 1e300, D = 1e-300): dPhi
        // is then -inf (downhill, handled below) or +inf (refused)
        dphi[i] = -0.5 * (x[i] - x[i - 1]) * (mu[i] / dif[i] + mu[i - 1] / dif[i - 1]);
        phi[i] = phi[i - 1] + dphi[i];
        if (std::isnan(dphi[i]) || std::isnan(phi[i]) || phi[i] == inf)
            return false;
    }
    const double pmax = *std::max_element(phi.begin(), phi.end());
    double K = 0, G = 0, S = 0, g0 = 0, s0 = 0;
    double sp = std::exp(phi[0] - pmax);
    for (std::size_t i = 1; i < n; ++i) {
        const double h = x[i] - x[i - 1], d = dphi[i];
        double Ki;
        if (d == -inf) // |mu| h / D beyond double: K is 1 / mu at once
            Ki = 2 / (mu[i] + mu[i - 1] * (dif[i] / dif[i - 1]));
        else {
            double wa, wb;
            exp_fit_weights(d, wa, wb);
            Ki = (K == 0 ? 0.0 : std::exp(d) * K) + h * wa / dif[i - 1] + h * wb / dif[i];
        }
        G += (0.5 * gs) * h * (K + Ki);
        K = Ki;
        const double si = std::exp(phi[i] - pmax);
        S += (gs * h) * sp * exp_fit_mean(d);
        sp = si;
        if (i == k0) {
            g0 = G;
            s0 = S;
        }
    }
    if (!std::isfinite(G))
        return false;
    // S(r) = 0: s underflows beyond the first nodes, all of S sits at l
    const double ratio = S > 0 ? s0 / S : (k0 > 0 ? 1.0 : 0.0);
    t_out = (reflecting ? G - g0 : G * ratio - g0) / gs;
    p_out = reflecting ? 1.0 : ratio;
    return std::isfinite(t_out);
}

} // namespace detail

/// Mean exit time from [left, right] of dX = drift(X) dt + sqrt(2 diffusion(X)) dW
/// started at x0 (see the header comment). drift and diffusion are callables
/// double -> double; diffusion must be finite and > 0 on [left, right].
/// Throws std::invalid_argument naming the bad argument (or the first x where
/// drift or diffusion is invalid).
template <class Drift, class Diffusion>
exit_time_1d mean_exit_time_1d(Drift &&drift, Diffusion &&diffusion, double left, double right,
                               double x0, exit_time_1d_options opt = {}) {
    constexpr const char *where = "levysgd::mean_exit_time_1d";
    if (!std::isfinite(left))
        detail::throw_invalid(where, "left", left,
                              "must be finite (use a far reflecting wall for an infinite side)");
    if (!(std::isfinite(right) && right > left))
        detail::throw_invalid(where, "right", right, "must be finite and > left");
    if (!(x0 >= left && x0 <= right))
        detail::throw_invalid(where, "x0", x0, "must lie in [left, right]");
    if (opt.intervals < 64)
        detail::throw_invalid(where, "options.intervals", opt.intervals, "must be >= 64");
    // Grid through x0: even interval counts on each side (for the Richardson
    // step). Lengths as differences of halves and nodes by lerp_safe: the span
    // may exceed the double range ([-1e308, 1e308]).
    auto even_at_least = [](double v) {
        auto k = static_cast<std::size_t>(std::ceil(std::min(v, 1e15)));
        k = std::max<std::size_t>(k, 2);
        return k + (k & 1);
    };
    const double frac_left = std::clamp((x0 / 2 - left / 2) / (right / 2 - left / 2), 0.0, 1.0);
    const double ni = static_cast<double>(opt.intervals);
    const std::size_t nl = x0 > left ? even_at_least(ni * frac_left) : 0;
    const std::size_t nr = x0 < right ? even_at_least(ni * (1 - frac_left)) : 0;
    std::vector<double> x;
    x.reserve(nl + nr + 1);
    for (std::size_t i = 0; i < nl; ++i)
        x.push_back(detail::lerp_safe(left, x0, static_cast<double>(i) / static_cast<double>(nl)));
    const std::size_t k0 = x.size();
    x.push_back(x0);
    for (std::size_t i = 1; i <= nr; ++i)
        x.push_back(detail::lerp_safe(x0, right, static_cast<double>(i) / static_cast<double>(nr)));
    for (std::size_t i = 1; i < x.size(); ++i)
        if (!(x[i] > x[i - 1]))
            detail::throw_invalid(where, "right - left", detail::to_text(right - left),
                                  "must hold the " + std::to_string(x.size() - 1) +
                                      " grid intervals (options.intervals) as distinct doubles");
    std::vector<double> mu(x.size()), dif(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        mu[i] = static_cast<double>(drift(x[i]));
        dif[i] = static_cast<double>(diffusion(x[i]));
        if (!std::isfinite(mu[i]))
            detail::throw_invalid(where, "drift(x) at x = " + detail::to_text(x[i]), mu[i],
                                  "must be finite");
        if (!(dif[i] > 0 && std::isfinite(dif[i])))
            detail::throw_invalid(where, "diffusion(x) at x = " + detail::to_text(x[i]), dif[i],
                                  "must be finite and > 0");
    }
    const bool refl = opt.left == boundary_kind::reflecting;
    double t1, p1, t2 = 0, p2 = 0;
    bool ok = detail::exit_time_on_grid(x, k0, mu, dif, refl, t1, p1);
    // every other node (k0 is even because nl is)
    std::vector<double> x2, mu2, dif2;
    for (std::size_t i = 0; i < x.size(); i += 2) {
        x2.push_back(x[i]);
        mu2.push_back(mu[i]);
        dif2.push_back(dif[i]);
    }
    ok = ok && detail::exit_time_on_grid(x2, k0 / 2, mu2, dif2, refl, t2, p2);
    if (!ok && !refl) {
        // Absorbing at both ends, the problem mirrored (x -> -x) is the same
        // one; exp(Phi) that overflows uphill towards r decays in the mirror
        // (drift towards l: exit there, T moderate).
        auto mirror = [](std::vector<double> v, bool negate) {
            std::reverse(v.begin(), v.end());
            if (negate)
                for (double &e : v)
                    e = -e;
            return v;
        };
        double q1, q2;
        ok = detail::exit_time_on_grid(mirror(x, true), x.size() - 1 - k0, mirror(mu, true),
                                       mirror(dif, false), false, t1, q1) &&
             detail::exit_time_on_grid(mirror(x2, true), x2.size() - 1 - k0 / 2,
                                       mirror(mu2, true), mirror(dif2, false), false, t2, q2);
        p1 = 1 - q1;
        p2 = 1 - q2;
    }
    exit_time_1d r;
    r.mean_time = t1 + (t1 - t2) / 3;
    r.exit_right_probability = std::clamp(p1 + (p1 - p2) / 3, 0.0, 1.0);
    r.error_estimate = std::abs(t1 - t2) / 3;
    if (!ok || !std::isfinite(r.mean_time) || !std::isfinite(r.error_estimate))
        detail::throw_invalid(where, "drift / diffusion", "values for which they overflow",
                              "must keep the mean exit time and the scale function exp(-int "
                              "drift / diffusion) over [left, right] within the double range "
                              "(about 1.8e308)");
    // a drift-dominated exit time (T ~ length / |drift|) may be below the
    // Richardson step's roundoff; the time itself is never negative
    if (r.mean_time < 0)
        r.mean_time = std::max(t1, 0.0);
    return r;
}

} // namespace levysgd
