#pragma once
// Maximum-likelihood fit of a stable law from the McCulloch start, with the
// log-density tabulated per (alpha, beta) as in Nolan's STABLE program,
// a profiled Newton search, and standard errors from the observed
// information (numerical Hessian).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../../detail/validate.hpp"
#include "../density.hpp"
#include "../detail/fit_logpdf_grid.hpp"
#include "../detail/fit_numerics.hpp"
#include "../stable_distribution.hpp"
#include "mcculloch.hpp"

namespace levysgd {

struct stable_mle_options {
    /// Fix beta (e.g. 0 for a symmetric SaS fit); empty = estimate it.
    std::optional<double> fixed_beta;
    /// Nodes of the tabulated log-density (in asinh(z), see detail::stable_logpdf_grid).
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
/// (detail::stable_logpdf_grid); the nodes span 4 times the standardised
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

} // namespace levysgd
