#pragma once
// Fitting alpha-stable laws to data (all estimates in Nolan's S0
// parameterization, with the S1 location alongside):
//  - fit_stable_quantiles: McCulloch's (1986) quantile estimator, "Simple
//    consistent estimators of stable distribution parameters", Commun.
//    Statist. Simul. 15(4). The ratios nu_alpha, nu_beta of sample quantiles
//    are inverted through the exact quantile function of the standard S0 law
//    (levysgd::quantile), not through McCulloch's printed tables.
//  - fit_stable_mle: maximum likelihood from the McCulloch start, with the
//    log-density tabulated per (alpha, beta) as in Nolan's STABLE
//    (detail/fit_logpdf_grid.hpp), a profiled Newton search, and standard
//    errors from the observed information (numerical Hessian).
//  - stable_gaussian_gof: histogram goodness of fit, SaS vs Gaussian, as in
//    Battash & Lindenbaum 2023 Tables 1-3 (SSE and Chi^2).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../detail/validate.hpp"
#include "density.hpp"
#include "detail/fit_logpdf_grid.hpp"
#include "detail/fit_numerics.hpp"
#include "stable_distribution.hpp"

namespace levysgd {

/// S1 location of the law with S0 location loc0 (the inverse of
/// stable_distribution::location_s0()).
inline double stable_location_s1(double alpha, double beta, double scale, double loc0) noexcept {
    if (alpha == 1)
        return loc0 - beta * (2 / std::numbers::pi) * scale * std::log(scale);
    if (alpha >= 2)
        return loc0;
    return loc0 - beta * scale * std::tan(std::numbers::pi * alpha / 2);
}

/// Result of fit_stable_quantiles (McCulloch's estimator).
struct stable_quantile_fit {
    double alpha = 2, beta = 0, scale = 1;
    double location = 0;        ///< S0 location
    double location_s1 = 0;     ///< S1 location of the same law
    double nu_alpha = 0;        ///< (x95 - x05) / (x75 - x25) of the sample
    double nu_beta = 0;         ///< (x95 + x05 - 2 x50) / (x95 - x05) of the sample
    bool alpha_clamped = false; ///< nu_alpha outside what alpha in [0.5, 2] attains
    bool beta_clamped = false;  ///< nu_beta outside what beta in [-1, 1] attains
    std::size_t n = 0;

    template <std::floating_point Real = double> stable_distribution<Real> distribution() const {
        return {Real(alpha), Real(beta), Real(scale), Real(location), parameterization::S0};
    }
};

namespace detail {

inline constexpr std::size_t fit_min_samples = 20;

struct mcculloch_point {
    double nu_alpha, nu_beta, iqr, median;
};

/// nu_alpha, nu_beta, interquartile range and median of the standard S0 law.
inline mcculloch_point mcculloch_functions(double alpha, double beta) {
    static constexpr std::array<double, 5> p{0.05, 0.25, 0.5, 0.75, 0.95};
    std::array<double, 5> q{};
    const stable_distribution<double> law(alpha, beta, 1, 0, parameterization::S0);
    levysgd::quantile(law, std::span<const double>(p), std::span<double>(q));
    return {(q[4] - q[0]) / (q[3] - q[1]), (q[4] + q[0] - 2 * q[2]) / (q[4] - q[0]), q[3] - q[1],
            q[2]};
}

/// Root of the monotone f on [lo, hi] (rising if `rising`), searched from x0
/// outwards in steps doubling from `step`, then Illinois to tol. If f keeps
/// its sign up to a bound, returns that bound and sets `clamped`.
template <class F>
double monotone_root(F &&f, double x0, double step, double lo, double hi, bool rising, double tol,
                     bool &clamped) {
    clamped = false;
    double a = x0, fa = f(a);
    if (fa == 0)
        return a;
    const double dir = ((fa < 0) == rising) ? 1 : -1; // towards the root
    for (;;) {
        double b = std::clamp(a + dir * step, lo, hi);
        const double fb = f(b);
        if ((fb > 0) != (fa > 0) || fb == 0)
            return fb == 0 ? b : illinois_root(f, a, b, fa, fb, tol);
        if (b == lo || b == hi) {
            clamped = true;
            return b;
        }
        a = b;
        fa = fb;
        step *= 2;
    }
}

/// (alpha, beta) with nu_alpha(alpha, beta) = ta, nu_beta(alpha, beta) = tb.
/// nu_alpha falls with alpha at fixed beta, nu_beta rises with beta at fixed
/// alpha, and each depends only weakly on the other parameter, so alternating
/// 1-D root finds, each started at the previous value, converge in a few
/// rounds. nu_beta is odd in beta, so only beta >= 0 is searched.
inline stable_quantile_fit mcculloch_invert(double ta, double tb) {
    constexpr double a_lo = 0.5, a_hi = 2, tol = 1e-6;
    const double sign = tb < 0 ? -1 : 1;
    tb = std::fabs(tb);
    stable_quantile_fit r;
    double a = 1.2, b = 0, step_a = 0.1, step_b = 0.1;
    for (int round = 0; round < 30; ++round) {
        const double a_old = a, b_old = b;
        a = monotone_root([&](double al) { return mcculloch_functions(al, b).nu_alpha - ta; }, a,
                          step_a, a_lo, a_hi, false, tol, r.alpha_clamped);
        if (a >= a_hi) {
            b = 0; // beta has no effect at alpha = 2
            r.beta_clamped = false;
            break;
        }
        if (tb == 0) {
            b = 0;
            r.beta_clamped = false;
        } else
            b = monotone_root([&](double be) { return mcculloch_functions(a, be).nu_beta - tb; }, b,
                              step_b, 0, 1, true, tol, r.beta_clamped);
        if (round > 0 && std::fabs(a - a_old) < 2 * tol && std::fabs(b - b_old) < 2 * tol)
            break;
        step_a = std::max(4 * std::fabs(a - a_old), 1e-3);
        step_b = std::max(4 * std::fabs(b - b_old), 1e-3);
    }
    r.alpha = a;
    r.beta = sign * b;
    return r;
}

/// Shared body of the public overloads (data already checked, as double).
inline stable_quantile_fit fit_quantiles_checked(std::vector<double> v, std::string_view where) {
    std::sort(v.begin(), v.end());
    const std::span<const double> s(v);
    const double x05 = sorted_quantile(s, 0.05), x25 = sorted_quantile(s, 0.25),
                 x50 = sorted_quantile(s, 0.5), x75 = sorted_quantile(s, 0.75),
                 x95 = sorted_quantile(s, 0.95);
    if (!(x75 > x25))
        throw_invalid(where, "x", "x25 = x75 = " + to_text(x25),
                      "must have a positive interquartile range");
    const double ta = (x95 - x05) / (x75 - x25);
    const double tb = (x95 + x05 - 2 * x50) / (x95 - x05);
    stable_quantile_fit r = mcculloch_invert(ta, tb);
    const mcculloch_point m = mcculloch_functions(r.alpha, r.beta);
    r.scale = (x75 - x25) / m.iqr;
    r.location = x50 - r.scale * m.median;
    r.location_s1 = stable_location_s1(r.alpha, r.beta, r.scale, r.location);
    r.nu_alpha = ta;
    r.nu_beta = tb;
    r.n = v.size();
    return r;
}

/// fit_quantiles_checked on (v - median) / IQR, mapped back: no overflow in
/// x95 - x05 for data spanning +-1e308, equivariant under scaling.
inline stable_quantile_fit fit_quantiles_standardised(const std::vector<double> &v,
                                                      std::string_view where) {
    const standardised_data sd = standardise(where, v);
    stable_quantile_fit r = fit_quantiles_checked(sd.z, where);
    r.scale *= sd.unit;
    r.location = sd.centre + r.location * sd.unit;
    r.location_s1 = stable_location_s1(r.alpha, r.beta, r.scale, r.location);
    return r;
}

} // namespace detail

/// McCulloch's quantile estimator of (alpha, beta, scale, S0 location).
///
/// From the sample quantiles x_p (order statistic i taken as the
/// (i - 1/2)/n quantile, linear in between) it forms
///     nu_alpha = (x95 - x05) / (x75 - x25),  nu_beta = (x95 + x05 - 2 x50) / (x95 - x05),
/// finds (alpha, beta) where the standard S0 law has these ratios (computed
/// from levysgd::quantile at fit time), then scale = (x75 - x25) / (q75 - q25)
/// and location = x50 - scale q50 with q the standard law's quantiles.
/// alpha is searched in [0.5, 2]: McCulloch tabulated alpha >= 0.6 only; the
/// exact quantiles extend the inversion to 0.5, and a sample heavier than
/// alpha = 0.5 gets alpha = 0.5 with alpha_clamped set (use fit_stable_mle
/// there). Likewise nu_alpha below the Gaussian value 2.439 gives alpha = 2
/// (beta = 0), and |nu_beta| beyond what |beta| = 1 attains gives beta = +-1;
/// both set the flags. Needs at least 20 finite samples and a positive
/// interquartile range; throws std::invalid_argument otherwise. Cost: one
/// sort of a copy of x and typically 20-60 evaluations of the five standard
/// quantiles (0.04-1.1 s, mean 0.4 s, on the 30-law test grid).
template <class Real> stable_quantile_fit fit_stable_quantiles(std::span<const Real> x) {
    constexpr std::string_view where = "levysgd::fit_stable_quantiles";
    return detail::fit_quantiles_standardised(
        detail::checked_fit_data(where, x, detail::fit_min_samples), where);
}

template <std::ranges::contiguous_range R>
requires std::is_floating_point_v<std::ranges::range_value_t<R>>
    stable_quantile_fit fit_stable_quantiles(const R &x) {
    using Real = std::ranges::range_value_t<R>;
    return fit_stable_quantiles(std::span<const Real>(std::ranges::data(x), std::ranges::size(x)));
}

struct stable_mle_options {
    /// Fix beta (e.g. 0 for a symmetric SaS fit); empty = estimate it.
    std::optional<double> fixed_beta;
    /// Nodes of the tabulated log-density (in asinh(z), see fit_logpdf_grid.hpp).
    std::size_t grid_points = 400;
    /// Limit on the outer Newton iterations over (alpha, beta).
    int max_iterations = 100;
    /// Lower bound of the alpha search; the upper bound is 2.
    double alpha_min = 0.2;
};

/// Result of fit_stable_mle. Parameter order in se and covariance:
/// (alpha, beta, scale, location), location in S0.
struct stable_mle_result {
    double alpha = 2, beta = 0, scale = 1;
    double location = 0;    ///< S0 location
    double location_s1 = 0; ///< S1 location of the same law
    /// Log-likelihood at the estimate, from the tabulated log-density.
    double log_likelihood = 0;
    /// Standard errors sqrt(diag(covariance)); NaN for a parameter on the
    /// boundary (alpha = 2, |beta| = 1, alpha = alpha_min), held fixed
    /// (fixed_beta), or not identified (beta when alpha = 2).
    std::array<double, 4> se{};
    /// Inverse observed information of the free parameters; rows/columns of
    /// the others are NaN. The scale and location entries carry the data's
    /// unit squared, so they over/underflow (inf / 0) for data scaled beyond
    /// about 1e+-150 where se and correlation stay exact.
    std::array<std::array<double, 4>, 4> covariance{};
    /// covariance[i][j] / (se[i] se[j]): unit-free, always representable.
    std::array<std::array<double, 4>, 4> correlation{};
    int iterations = 0; ///< outer Newton iterations over (alpha, beta)
    /// The outer search met its tolerance (step below 1e-6, or no decrease
    /// left where the model predicts one above 1e-3 in log-likelihood) before
    /// max_iterations, and the (scale, location) profile at the estimate met
    /// its Newton-decrement tolerance.
    bool converged = false;
    bool information_ok = false; ///< observed information positive definite
    bool alpha_on_boundary = false;
    bool beta_on_boundary = false;
    /// Exact levysgd::logpdf evaluations spent on the tabulated densities
    /// (the dominant cost; 201 of them for the pilot grid that finds the mode).
    std::size_t logpdf_evaluations = 0;
    stable_quantile_fit start; ///< the McCulloch estimate the search started from

    template <std::floating_point Real = double> stable_distribution<Real> distribution() const {
        return {Real(alpha), Real(beta), Real(scale), Real(location), parameterization::S0};
    }
};

namespace detail {

/// Node placement of the tabulated log-density, fixed for one fit so that the
/// likelihood is smooth in all four parameters.
struct stable_grid_layout {
    double c = 0, w = 1, t_lo = -10, t_hi = 10;
    std::size_t nodes = 400;
};

/// Negative log-likelihood of data v under S0(alpha, beta, scale, loc) from
/// tabulated log-densities (the last few (alpha, beta) grids are cached).
class stable_likelihood {
  public:
    stable_likelihood(std::span<const double> v, const stable_grid_layout &g) : v_(v), g_(g) {
        cache_.reserve(cache_size);
    }

    /// Exact logpdf evaluations so far (nodes of all grids built).
    std::size_t evaluations() const noexcept { return evaluations_; }

    const stable_logpdf_grid &grid(double a, double b) {
        for (const auto &e : cache_)
            if (e.alpha() == a && e.beta() == b)
                return e;
        if (cache_.size() < cache_size)
            cache_.emplace_back();
        auto &e = cache_[next_];
        next_ = (next_ + 1) % cache_size;
        e.build(a, b, g_.c, g_.w, g_.t_lo, g_.t_hi, g_.nodes);
        evaluations_ += g_.nodes;
        return e;
    }

    double nll(double a, double b, double scale, double loc) {
        const auto &g = grid(a, b);
        const double inv = 1 / scale;
        double s = 0;
        for (const double x : v_)
            s += g((x - loc) * inv);
        const double f = double(v_.size()) * std::log(scale) - s;
        return std::isnan(f) ? std::numeric_limits<double>::infinity() : f;
    }

    /// min over (scale, loc) of nll(a, b, ., .) by damped Newton in
    /// (log scale, loc) with the interpolant's analytic derivatives, from and
    /// into (scale, loc).
    double profile(double a, double b, double &scale, double &loc) {
        const auto &g = grid(a, b);
        const double n = double(v_.size());
        struct state {
            double f, gu, gm, huu, hum, hmm;
        };
        auto eval = [&](double u, double m) {
            const double inv = std::exp(-u);
            double sl = 0, s1 = 0, s1z = 0, s2 = 0, s2z = 0, s2zz = 0;
            for (const double x : v_) {
                const double z = (x - m) * inv;
                const auto d = g.derivs(z);
                sl += d.v;
                s1 += d.d1;
                s1z += d.d1 * z;
                s2 += d.d2;
                s2z += d.d2 * z;
                s2zz += d.d2 * z * z;
            }
            state r{n * u - sl,    n + s1z,           inv * s1,
                    -(s2zz + s1z), -inv * (s2z + s1), -inv * inv * s2};
            if (std::isnan(r.f))
                r.f = std::numeric_limits<double>::infinity();
            return r;
        };
        double u = std::log(scale), m = loc;
        state cur = eval(u, m);
        last_converged_ = false;
        for (int it = 0; it < 50 && std::isfinite(cur.f); ++it) {
            // Newton direction on H + lambda I, lambda raised until positive definite
            double lam = 0, du = 0, dm = 0;
            for (int k = 0; k < 60; ++k) {
                const double a11 = cur.huu + lam, a22 = cur.hmm + lam, a12 = cur.hum;
                const double det = a11 * a22 - a12 * a12;
                if (a11 > 0 && det > 0) {
                    du = -(a22 * cur.gu - a12 * cur.gm) / det;
                    dm = -(a11 * cur.gm - a12 * cur.gu) / det;
                    break;
                }
                lam = lam == 0 ? 1e-8 * (std::fabs(cur.huu) + std::fabs(cur.hmm) + 1) : 4 * lam;
            }
            const double slope = cur.gu * du + cur.gm * dm; // < 0
            if (!(slope < 0)) {
                last_converged_ = slope == 0; // zero gradient
                break;
            }
            double step = 1;
            bool accepted = false;
            for (int k = 0; k < 40; ++k, step /= 2) {
                const state c = eval(u + step * du, m + step * dm);
                if (c.f <= cur.f + 1e-4 * step * slope) {
                    u += step * du;
                    m += step * dm;
                    cur = c;
                    accepted = true;
                    break;
                }
            }
            // Newton decrement: the NLL is within ~ -slope / 2 of its minimum;
            // 1e-9 n is far below statistical relevance and above roundoff
            // (a failed line search counts as converged only near that)
            last_converged_ = -slope < (accepted ? 1e-9 : 1e-6) * n;
            if (!accepted || -slope < 1e-9 * n)
                break;
        }
        scale = std::exp(u);
        loc = m;
        return cur.f;
    }

    /// Whether the last profile() reached its Newton-decrement tolerance.
    bool last_profile_converged() const noexcept { return last_converged_; }

  private:
    bool last_converged_ = false;
    std::span<const double> v_;
    stable_grid_layout g_;
    static constexpr std::size_t cache_size = 12; // the Hessian stencil needs 9
    std::vector<stable_logpdf_grid> cache_;
    std::size_t next_ = 0;
    std::size_t evaluations_ = 0;
};

/// Grid layout for data v and a start (a0, b0, s0, l0): the standardised data
/// range times 4 (|z| in [20, 1e8]); c = the mode of the start law (argmax on
/// a pilot grid, refined by a parabola); w = 0.1 for alpha0 < 0.7, 0.3 below
/// 1, else 1 (the peak narrows as alpha falls; measured in the tests).
inline stable_grid_layout make_grid_layout(std::span<const double> v, double a0, double b0,
                                           double s0, double l0, std::size_t nodes) {
    const auto [mn, mx] = std::minmax_element(v.begin(), v.end());
    const double z_lo = std::clamp(4 * std::max(-(*mn - l0) / s0, 1.0) + 5, 20.0, 1e8);
    const double z_hi = std::clamp(4 * std::max((*mx - l0) / s0, 1.0) + 5, 20.0, 1e8);
    stable_logpdf_grid pilot; // 201 nodes, |z| <= 2, dense near 0
    pilot.build(a0, b0, 0, 0.1, std::asinh(-2 / 0.1), std::asinh(2 / 0.1), 201);
    const auto z = pilot.nodes();
    const auto lv = pilot.values();
    const auto k = std::size_t(std::max_element(lv.begin(), lv.end()) - lv.begin());
    double c = z[k];
    if (k > 0 && k + 1 < z.size() && std::isfinite(lv[k - 1]) && std::isfinite(lv[k + 1])) {
        // vertex of the parabola through the three nodes around the maximum
        const double x1 = z[k - 1], x2 = z[k], x3 = z[k + 1];
        const double y1 = lv[k - 1], y2 = lv[k], y3 = lv[k + 1];
        const double num = (x2 - x1) * (x2 - x1) * (y2 - y3) - (x2 - x3) * (x2 - x3) * (y2 - y1);
        const double den = (x2 - x1) * (y2 - y3) - (x2 - x3) * (y2 - y1);
        if (den != 0)
            c = std::clamp(x2 - num / (2 * den), x1, x3);
    }
    stable_grid_layout g;
    g.c = c;
    g.w = a0 < 0.7 ? 0.1 : (a0 < 1 ? 0.3 : 1.0);
    g.t_lo = std::asinh((-z_lo - c) / g.w);
    g.t_hi = std::asinh((z_hi - c) / g.w);
    g.nodes = nodes;
    return g;
}

} // namespace detail

/// Maximum-likelihood estimate of (alpha, beta, scale, S0 location).
///
/// Starts from fit_stable_quantiles. The log-density of the standard law is
/// the exact levysgd::logpdf on `grid_points` nodes equally spaced in
/// asinh((z - c)/w), cubic Hermite in between and the tail asymptotics beyond
/// (detail/fit_logpdf_grid.hpp); the nodes span 4 times the standardised
/// data range (capped at |z| = 1e8) and stay fixed during the fit. The
/// likelihood is profiled: Newton over (alpha, beta) (alpha only with
/// fixed_beta) with a finite-difference gradient and Hessian (steps 0.01 and
/// 0.02) and steps projected onto the parameter space, and for each
/// (alpha, beta) a damped Newton iteration over
/// (log scale, location) with analytic derivatives of the interpolant. Each
/// (alpha, beta) costs one grid of exact logpdf evaluations; each Newton step
/// one O(n) pass. alpha stays in [alpha_min, 2] and beta in [-1, 1].
///
/// Standard errors: the observed information is the central-difference
/// Hessian of the negative log-likelihood in (alpha, beta, scale, location)
/// (steps 1e-3 in alpha and beta, 1e-3 scale in scale and location; the
/// stencil is moved inside the parameter space where it would leave it),
/// restricted to the free parameters and inverted. Throws
/// std::invalid_argument for fewer than 20 samples, non-finite data,
/// fixed_beta outside [-1, 1], alpha_min outside (0, 2), grid_points < 20 or
/// max_iterations < 1.
template <class Real>
stable_mle_result fit_stable_mle(std::span<const Real> x, const stable_mle_options &opt = {}) {
    constexpr std::string_view where = "levysgd::fit_stable_mle";
    if (opt.fixed_beta && !(*opt.fixed_beta >= -1 && *opt.fixed_beta <= 1))
        detail::throw_invalid(where, "options.fixed_beta", *opt.fixed_beta, "must be in [-1, 1]");
    if (!(opt.alpha_min > 0 && opt.alpha_min < 2))
        detail::throw_invalid(where, "options.alpha_min", opt.alpha_min, "must be in (0, 2)");
    if (opt.grid_points < 20)
        detail::throw_invalid(where, "options.grid_points", opt.grid_points, "must be >= 20");
    if (opt.max_iterations < 1)
        detail::throw_invalid(where, "options.max_iterations", opt.max_iterations, "must be >= 1");
    // The fit runs on z = (x - median) / IQR and maps back at the end:
    // equivariant under scaling, and no step or tolerance depends on the
    // data's units (at 1e300 the location Newton step was lost to a unit
    // damping term).
    const detail::standardised_data sd =
        detail::standardise(where, detail::checked_fit_data(where, x, detail::fit_min_samples));
    const std::vector<double> &v = sd.z;
    stable_mle_result r;
    r.start = detail::fit_quantiles_checked(v, where);
    const double a_min = opt.alpha_min;
    const double a0 = std::clamp(r.start.alpha, a_min, 2.0);
    const double b0 = opt.fixed_beta ? *opt.fixed_beta : r.start.beta;
    detail::stable_likelihood lik(
        v, detail::make_grid_layout(v, a0, b0, r.start.scale, r.start.location, opt.grid_points));

    // Profile objective; the inner Newton starts where the last one ended.
    double s_cur = r.start.scale, l_cur = r.start.location;
    auto profile = [&](double a, double b) {
        double s = s_cur, l = l_cur;
        const double f = lik.profile(a, b, s, l);
        if (std::isfinite(f)) {
            s_cur = s;
            l_cur = l;
        }
        return f;
    };
    const double xtol = 1e-6;
    double ah = a0, bh = b0;
    if (opt.fixed_beta) {
        auto obj = [&](const std::array<double, 1> &t) { return profile(t[0], b0); };
        const auto res =
            detail::box_newton<1>(obj, {a0}, {a_min}, {2.0}, {0.01}, xtol, opt.max_iterations);
        ah = res.x[0];
        r.iterations = res.iterations;
        r.converged = res.converged;
    } else {
        auto obj = [&](const std::array<double, 2> &t) { return profile(t[0], t[1]); };
        const auto res = detail::box_newton<2>(obj, {a0, b0}, {a_min, -1.0}, {2.0, 1.0},
                                               {0.01, 0.02}, xtol, opt.max_iterations);
        ah = res.x[0];
        bh = res.x[1];
        r.iterations = res.iterations;
        r.converged = res.converged;
    }
    r.alpha = ah;
    r.beta = (ah >= 2 && !opt.fixed_beta) ? 0.0 : bh; // beta has no effect at alpha = 2
    r.scale = s_cur;
    r.location = l_cur;
    r.log_likelihood = -lik.profile(r.alpha, r.beta, r.scale, r.location);
    // honest flag: the outer search and the (scale, location) profile at the
    // estimate both met their tolerances, and the likelihood is finite there
    r.converged = r.converged && lik.last_profile_converged() && std::isfinite(r.log_likelihood);
    r.alpha_on_boundary = r.alpha >= 2 || r.alpha <= a_min;
    r.beta_on_boundary = !opt.fixed_beta && std::fabs(r.beta) >= 1;

    // Observed information on the free parameters.
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const std::array<bool, 4> free{
        !r.alpha_on_boundary, !opt.fixed_beta && !r.beta_on_boundary && r.alpha < 2, true, true};
    std::array<double, 4> c{r.alpha, r.beta, r.scale, r.location};
    const std::array<double, 4> h{1e-3, 1e-3, 1e-3 * r.scale, 1e-3 * r.scale};
    if (free[0])
        c[0] = std::clamp(c[0], a_min + h[0], 2 - h[0]);
    if (free[1])
        c[1] = std::clamp(c[1], -1 + h[1], 1 - h[1]);
    auto f = [&](const std::array<double, 4> &p) { return lik.nll(p[0], p[1], p[2], p[3]); };
    std::array<std::size_t, 4> idx{};
    std::size_t k = 0;
    for (std::size_t j = 0; j < 4; ++j)
        if (free[j])
            idx[k++] = j;
    std::array<double, 16> hess{};
    const double f0 = f(c);
    for (std::size_t i = 0; i < k; ++i) {
        const std::size_t a = idx[i];
        auto p = c;
        p[a] = c[a] + h[a];
        const double fp = f(p);
        p[a] = c[a] - h[a];
        const double fm = f(p);
        hess[i * 4 + i] = (fp - 2 * f0 + fm) / (h[a] * h[a]);
        for (std::size_t j = 0; j < i; ++j) {
            const std::size_t b = idx[j];
            double s = 0;
            for (int sa : {1, -1})
                for (int sb : {1, -1}) {
                    auto q = c;
                    q[a] += sa * h[a];
                    q[b] += sb * h[b];
                    s += sa * sb * f(q);
                }
            hess[i * 4 + j] = hess[j * 4 + i] = s / (4 * h[a] * h[b]);
        }
    }
    r.information_ok = detail::spd_inverse(hess, k);
    r.logpdf_evaluations = lik.evaluations() + 201;
    for (auto &row : r.covariance)
        row.fill(nan);
    for (auto &row : r.correlation)
        row.fill(nan);
    r.se.fill(nan);
    // back to the data's units: scale and location carry the unit u, the
    // covariance u^2 (for scale and location); correlations do not
    const double u = sd.unit;
    const std::array<double, 4> unit_of{1, 1, u, u};
    if (r.information_ok)
        for (std::size_t i = 0; i < k; ++i) {
            r.se[idx[i]] = std::sqrt(hess[i * 4 + i]) * unit_of[idx[i]];
            for (std::size_t j = 0; j < k; ++j) {
                r.covariance[idx[i]][idx[j]] =
                    hess[i * 4 + j] * unit_of[idx[i]] * unit_of[idx[j]];
                r.correlation[idx[i]][idx[j]] =
                    hess[i * 4 + j] / std::sqrt(hess[i * 4 + i] * hess[j * 4 + j]);
            }
        }
    auto to_data = [&](stable_quantile_fit &q) {
        q.scale *= u;
        q.location = sd.centre + q.location * u;
        q.location_s1 = stable_location_s1(q.alpha, q.beta, q.scale, q.location);
    };
    to_data(r.start);
    r.scale *= u;
    r.location = sd.centre + r.location * u;
    r.location_s1 = stable_location_s1(r.alpha, r.beta, r.scale, r.location);
    r.log_likelihood -= double(v.size()) * std::log(u);
    if (!(std::isfinite(r.scale) && r.scale > 0 && std::isfinite(r.location) &&
          std::isfinite(r.location_s1)))
        detail::throw_invalid(where, "x", "data whose fitted law is not representable",
                              "must give a fitted scale and location within the double range "
                              "(scale " + detail::to_text(r.scale) + ", location " +
                                  detail::to_text(r.location) + ")");
    return r;
}

template <std::ranges::contiguous_range R>
requires std::is_floating_point_v<std::ranges::range_value_t<R>>
    stable_mle_result fit_stable_mle(const R &x, const stable_mle_options &opt = {}) {
    using Real = std::ranges::range_value_t<R>;
    return fit_stable_mle(std::span<const Real>(std::ranges::data(x), std::ranges::size(x)), opt);
}

// ---------------------------------------------------------------------------
// Goodness of fit, Battash & Lindenbaum 2023 Tables 1-3
// ---------------------------------------------------------------------------

struct stable_gof_options {
    std::size_t bins = 100;
    /// Histogram range; NaN (default) = the central 1 - 2 tail_fraction of the
    /// sample (its tail_fraction and 1 - tail_fraction quantiles).
    double lower = std::numeric_limits<double>::quiet_NaN();
    double upper = std::numeric_limits<double>::quiet_NaN();
    double tail_fraction = 0.005;
    /// Options of the SaS fit (fixed_beta is forced to 0).
    stable_mle_options mle{};
};

struct histogram_fit_error {
    double sse = 0;  ///< sum over bins of (histogram density - model pdf at the bin centre)^2
    double chi2 = 0; ///< Pearson: sum over bins of (count - expected)^2 / expected
};

struct stable_gof_result {
    stable_mle_result sas;               ///< SaS (beta = 0) maximum-likelihood fit
    double gauss_mean = 0, gauss_sd = 0; ///< Gaussian maximum-likelihood fit
    histogram_fit_error sas_error, gauss_error;
    double lower = 0, upper = 0;     ///< histogram range
    std::vector<double> density;     ///< count_k / (n width), n = all samples
    std::vector<std::size_t> counts; ///< samples per bin
    std::size_t n = 0, n_in_range = 0;
};

/// Bins x into `bins` equal-width bins over [lower, upper] and compares the
/// histogram with a fitted SaS law (fit_stable_mle with beta = 0) and a
/// fitted Gaussian (sample mean and maximum-likelihood sd), as in
/// Battash & Lindenbaum 2023 Tables 1-3. The paper only names its measures
/// ("Sum of Squares Error (SSE) and Chi-Squares (Chi2)"); implemented are
///     SSE  = sum_k (c_k / (n w) - f(m_k))^2,
///     Chi2 = sum_k (c_k - E_k)^2 / E_k,  E_k = n (F(b_{k+1}) - F(b_k)),
/// with c_k the count in bin k = [b_k, b_{k+1}), w the bin width, m_k its
/// centre, n the number of all samples (those outside the range count in n
/// but in no bin), f and F the fitted pdf and cdf. A bin with E_k = 0 and
/// c_k > 0 makes Chi2 infinite. Throws std::invalid_argument for fewer
/// than 20 samples, non-finite data, bins < 2, lower >= upper, or
/// tail_fraction outside [0, 0.5).
template <class Real>
stable_gof_result stable_gaussian_gof(std::span<const Real> x, const stable_gof_options &opt = {}) {
    constexpr std::string_view where = "levysgd::stable_gaussian_gof";
    if (opt.bins < 2)
        detail::throw_invalid(where, "options.bins", opt.bins, "must be >= 2");
    if (!(opt.tail_fraction >= 0 && opt.tail_fraction < 0.5))
        detail::throw_invalid(where, "options.tail_fraction", opt.tail_fraction,
                              "must be in [0, 0.5)");
    if (!std::isnan(opt.lower) && !std::isfinite(opt.lower))
        detail::throw_invalid(where, "options.lower", opt.lower, "must be finite or NaN");
    if (!std::isnan(opt.upper) && !std::isfinite(opt.upper))
        detail::throw_invalid(where, "options.upper", opt.upper, "must be finite or NaN");
    std::vector<double> v = detail::checked_fit_data(where, x, detail::fit_min_samples);
    stable_gof_result r;
    r.n = v.size();
    std::sort(v.begin(), v.end());
    r.lower = std::isnan(opt.lower) ? detail::sorted_quantile(v, opt.tail_fraction) : opt.lower;
    r.upper = std::isnan(opt.upper) ? detail::sorted_quantile(v, 1 - opt.tail_fraction) : opt.upper;
    if (!(r.lower < r.upper))
        detail::throw_invalid(where, "histogram range",
                              detail::to_text(r.lower) + " .. " + detail::to_text(r.upper),
                              "must have lower < upper");
    auto mopt = opt.mle;
    mopt.fixed_beta = 0.0;
    r.sas = fit_stable_mle(std::span<const double>(v), mopt);
    // Gaussian fit about the median in units of the largest deviation: sums
    // of squares overflow for one 1e200 outlier, sums for data near 1e308
    const double med = detail::sorted_quantile(v, 0.5);
    auto dev = [&](double y, double c) { // y - c, halved where it overflows
        const double d = y - c;
        return std::isfinite(d) ? std::pair{d, 1.0} : std::pair{y / 2 - c / 2, 2.0};
    };
    double big = 0;
    for (double y : v) {
        const auto [d, f] = dev(y, med);
        big = std::max(big, std::fabs(d) * f / 2); // half of |y - med|, no overflow
    }
    double mean = med, sd = 0;
    if (big > 0) {
        double m1 = 0, m2 = 0;
        for (double y : v) {
            const auto [d, f] = dev(y, med);
            const double t = d / big * (f / 2); // (y - med) / (2 big) in [-1, 1]
            m1 += t;
        }
        m1 /= double(v.size());
        for (double y : v) {
            const auto [d, f] = dev(y, med);
            const double t = d / big * (f / 2) - m1;
            m2 += t * t;
        }
        mean = med + 2 * (m1 * big);
        sd = std::sqrt(m2 / double(v.size())) * 2 * big;
        if (!std::isfinite(sd) || !std::isfinite(mean))
            detail::throw_invalid(where, "x", "data spanning the double range",
                                  "must have a Gaussian sd and mean within the double range");
    }
    r.gauss_mean = mean;
    r.gauss_sd = sd;

    // Bins in halves of the width: upper - lower overflows for a range near
    // +-1e308 (the density count / (n w) then underflows, correctly, to ~0).
    const std::size_t nb = opt.bins;
    const double hw = (r.upper / 2 - r.lower / 2) / double(nb); // half the bin width
    r.counts.assign(nb, 0);
    for (double y : v) {
        if (y < r.lower || y > r.upper)
            continue;
        const auto k = std::min(nb - 1, static_cast<std::size_t>((y / 2 - r.lower / 2) / hw));
        ++r.counts[k];
        ++r.n_in_range;
    }
    const double n = double(v.size());
    r.density.resize(nb);
    std::vector<double> mid(nb), edges(nb + 1);
    for (std::size_t k = 0; k < nb; ++k) {
        r.density[k] = double(r.counts[k]) / n / 2 / hw;
        const double off = (double(k) + 0.5) * hw; // mid = lower + 2 off, added in halves
        mid[k] = r.lower + off + off;
    }
    for (std::size_t k = 0; k <= nb; ++k) {
        const double off = double(k) * hw;
        edges[k] = r.lower + off + off;
    }
    edges[nb] = r.upper;

    auto score = [&](std::span<const double> pdf_mid, std::span<const double> cdf_edges) {
        histogram_fit_error e;
        for (std::size_t k = 0; k < nb; ++k) {
            const double d = r.density[k] - pdf_mid[k];
            e.sse += d * d;
            const double expct = n * (cdf_edges[k + 1] - cdf_edges[k]);
            const double c = double(r.counts[k]);
            if (expct > 0)
                e.chi2 += (c - expct) * (c - expct) / expct;
            else if (c > 0)
                e.chi2 = std::numeric_limits<double>::infinity();
        }
        return e;
    };
    std::vector<double> pm(nb), ce(nb + 1);
    const auto law = r.sas.distribution<double>();
    levysgd::pdf(law, std::span<const double>(mid), std::span<double>(pm));
    levysgd::cdf(law, std::span<const double>(edges), std::span<double>(ce));
    r.sas_error = score(pm, ce);
    const double gsd = r.gauss_sd > 0 ? r.gauss_sd : std::numeric_limits<double>::min();
    for (std::size_t k = 0; k < nb; ++k) {
        const auto [d, f] = dev(mid[k], mean);
        const double u = d / gsd * f;
        pm[k] = std::exp(-u * u / 2) / gsd / std::sqrt(2 * std::numbers::pi);
    }
    for (std::size_t k = 0; k <= nb; ++k) {
        const auto [d, f] = dev(edges[k], mean);
        ce[k] = 0.5 * std::erfc(-(d / gsd * f) / std::numbers::sqrt2);
    }
    r.gauss_error = score(pm, ce);
    return r;
}

template <std::ranges::contiguous_range R>
requires std::is_floating_point_v<std::ranges::range_value_t<R>>
    stable_gof_result stable_gaussian_gof(const R &x, const stable_gof_options &opt = {}) {
    using Real = std::ranges::range_value_t<R>;
    return stable_gaussian_gof(std::span<const Real>(std::ranges::data(x), std::ranges::size(x)),
                               opt);
}

} // namespace levysgd
