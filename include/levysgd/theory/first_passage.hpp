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
// value beyond double is +inf), and one Richardson step against the grid of
// every other node; error_estimate is that step's size. An infinite side is replaced by a
// reflecting wall where exp(-Phi) is negligible (the caller picks it).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "../detail/validate.hpp"

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

/// T(x0) and P(right) on the grid x (x[k0] = x0) by the trapezoid rule.
/// K(y) = s(y) int_l^y dz / (D s) = int_l^y exp(Phi(y) - Phi(z)) / D(z) dz is
/// carried by the recurrence K_i = exp(Phi_i - Phi_{i-1}) K_{i-1} + (interval
/// part), so no term is larger than the result (no overflow, no 0 * inf);
/// S enters only as the ratio S(x0) / S(r), computed with exp(Phi - max Phi).
inline void exit_time_on_grid(const std::vector<double> &x, std::size_t k0,
                              const std::vector<double> &mu, const std::vector<double> &dif,
                              bool reflecting, double &t_out, double &p_out) {
    const std::size_t n = x.size();
    std::vector<double> phi(n);
    phi[0] = 0;
    for (std::size_t i = 1; i < n; ++i)
        phi[i] = phi[i - 1] - 0.5 * (x[i] - x[i - 1]) * (mu[i] / dif[i] + mu[i - 1] / dif[i - 1]);
    const double pmax = *std::max_element(phi.begin(), phi.end());
    double K = 0, G = 0, S = 0, g0 = 0, s0 = 0;
    double sp = std::exp(phi[0] - pmax);
    for (std::size_t i = 1; i < n; ++i) {
        const double h = x[i] - x[i - 1];
        const double up = std::exp(phi[i] - phi[i - 1]); // may be +inf only if T is
        const double Ki = up * (K + 0.5 * h / dif[i - 1]) + 0.5 * h / dif[i];
        G += 0.5 * h * (K + Ki);
        K = Ki;
        const double si = std::exp(phi[i] - pmax);
        S += 0.5 * h * (sp + si);
        sp = si;
        if (i == k0) {
            g0 = G;
            s0 = S;
        }
    }
    t_out = reflecting ? G - g0 : G * (s0 / S) - g0;
    p_out = reflecting ? 1.0 : s0 / S;
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
    // Grid through x0: even interval counts on each side (for the Richardson step).
    auto even_at_least = [](double v) {
        auto k = static_cast<std::size_t>(std::ceil(v));
        k = std::max<std::size_t>(k, 2);
        return k + (k & 1);
    };
    const double len = right - left;
    const std::size_t nl = x0 > left ? even_at_least(opt.intervals * (x0 - left) / len) : 0;
    const std::size_t nr = x0 < right ? even_at_least(opt.intervals * (right - x0) / len) : 0;
    std::vector<double> x;
    x.reserve(nl + nr + 1);
    for (std::size_t i = 0; i < nl; ++i)
        x.push_back(left + (x0 - left) * static_cast<double>(i) / static_cast<double>(nl));
    const std::size_t k0 = x.size();
    x.push_back(x0);
    for (std::size_t i = 1; i <= nr; ++i)
        x.push_back(i == nr ? right
                            : x0 + (right - x0) * static_cast<double>(i) / static_cast<double>(nr));
    std::vector<double> mu(x.size()), dif(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        mu[i] = static_cast<double>(drift(x[i]));
        dif[i] = static_cast<double>(diffusion(x[i]));
        if (!std::isfinite(mu[i]))
            detail::throw_invalid(where, "drift(x) at x = " + std::to_string(x[i]), mu[i],
                                  "must be finite");
        if (!(dif[i] > 0 && std::isfinite(dif[i])))
            detail::throw_invalid(where, "diffusion(x) at x = " + std::to_string(x[i]), dif[i],
                                  "must be finite and > 0");
    }
    const bool refl = opt.left == boundary_kind::reflecting;
    double t1, p1, t2, p2;
    detail::exit_time_on_grid(x, k0, mu, dif, refl, t1, p1);
    // every other node (k0 is even because nl is)
    std::vector<double> x2, mu2, dif2;
    for (std::size_t i = 0; i < x.size(); i += 2) {
        x2.push_back(x[i]);
        mu2.push_back(mu[i]);
        dif2.push_back(dif[i]);
    }
    detail::exit_time_on_grid(x2, k0 / 2, mu2, dif2, refl, t2, p2);
    exit_time_1d r;
    r.mean_time = t1 + (t1 - t2) / 3;
    r.exit_right_probability = std::clamp(p1 + (p1 - p2) / 3, 0.0, 1.0);
    r.error_estimate = std::abs(t1 - t2) / 3;
    if (std::isinf(t1))
        r.mean_time = std::numeric_limits<double>::infinity(), r.error_estimate = 0;
    return r;
}

} // namespace levysgd
