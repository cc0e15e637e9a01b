#pragma once
// Density, log density, distribution function, its complement and the
// quantile function of levysgd::stable_distribution, in the Boost.Math style
// of free functions:
//
//   levysgd::pdf(d, x)   levysgd::logpdf(d, x)   levysgd::cdf(d, x)
//   levysgd::ccdf(d, x)  (1 - cdf, accurate in the upper tail)
//   levysgd::quantile(d, p)   levysgd::quantile_complement(d, q)  (x with ccdf = q)
//   levysgd::median(d)        (support(d) is in stable_distribution.hpp)
//
// plus span and Eigen array versions that share the per-(alpha, beta) setup,
// and levysgd::stable_evaluator<Real> for callers that evaluate one law many
// times. Method and accuracy: detail::stable_standard (Nolan 1997: the integral
// of Zolotarev's formulas, peak-split adaptive Gauss-Kronrod, closed forms
// for the Gaussian, Cauchy and Levy laws); all arithmetic is in double, float
// results are rounded once.
//
// Edge cases: x = NaN gives NaN; x = +-inf gives the limits (pdf 0, logpdf
// -inf, cdf 0 or 1); outside a one-sided support (alpha < 1, |beta| = 1) pdf
// is 0 and cdf 0 or 1. quantile(d, 0) and quantile(d, 1) are the ends of the
// support (+-inf or the finite edge); p outside [0, 1] or NaN throws
// std::invalid_argument naming p.

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <span>
#include <string>

#include "../core/roots.hpp"
#include "../detail/validate.hpp"
#include "detail/density_standard.hpp"
#include "stable_distribution.hpp"

namespace levysgd {

/// Evaluates one stable law many times: the per-(alpha, beta) constants are
/// computed once. Cheap to copy.
template <std::floating_point Real> class stable_evaluator {
  public:
    explicit stable_evaluator(const stable_distribution<Real> &d)
        : core_(double(d.alpha()), double(d.beta())), scale_(double(d.scale())),
          loc_(double(d.location())) {
        const double a = d.alpha(), b = d.beta();
        const bool s0 = d.param_kind() == parameterization::S0;
        // u = (x - loc) / scale + add (+ add_lo): the standard coordinate of
        // detail::stable_standard, S1 y (S0 z = y + zeta for alpha != 1) or,
        // near alpha = 1, the S0 z itself.
        if (a == 2) {
            add_ = 0;
        } else if (a == 1) { // S1: y = (x - d0) / scale with d0 - d1 the S0<->S1 shift
            add_ = s0 ? 0.0 : -core::stable_s0_shift(1.0, b, scale_) / scale_;
        } else if (core_.s0_coordinate()) {
            add_ = s0 ? 0.0 : core_.zeta();
            add_lo_ = s0 ? 0.0 : core_.zeta_lo();
        } else {
            add_ = s0 ? -core_.zeta() : 0.0;
            add_lo_ = s0 ? -core_.zeta_lo() : 0.0;
        }
        log_scale_ = std::log(scale_);
        lower_ = d.min();
        upper_ = d.max();
    }

    /// Standard coordinate of x (see standard_law().s0_coordinate()): the
    /// sum with add_ + add_lo_ (the exact -zeta or zeta to ~1e-19 relative)
    /// rounded once, via the two-sum of the rounded part; lo: what that
    /// rounding left (the light tails of |beta| = 1 need it).
    double standard(Real x, double &lo) const {
        lo = 0;
        const double t = (double(x) - loc_) / scale_;
        const double u = t + add_;
        if (!std::isfinite(u))
            return u; // +-inf (or NaN) passes through
        const double bv = u - t;
        const double err = (t - (u - bv)) + (add_ - bv);
        const double rest = err + add_lo_, r = u + rest;
        lo = rest - (r - u);
        return r;
    }
    double standard(Real x) const {
        double lo;
        return standard(x, lo);
    }

    /// Work that the points of one span share: the coefficients of the
    /// law's series (detail::stable_series_memo), computed at the first point
    /// that needs them. Values are bitwise those of calls without it. One per
    /// thread (the span functions make their own); pass it to the calls below.
    using span_memo = detail::stable_series_memos;

    // Outside [min(), max()] the values are exact (the edge is the
    // distribution's own, not the standard coordinate's rounding of it).
    Real pdf(Real x, span_memo *memo = nullptr) const {
        if (x < lower_ || x > upper_)
            return Real(0);
        double lo;
        const double u = standard(x, lo);
        return narrow(std::exp(core_.logpdf(u, lo, memo)) / scale_);
    }
    Real logpdf(Real x, span_memo *memo = nullptr) const {
        if (x < lower_ || x > upper_)
            return -std::numeric_limits<Real>::infinity();
        double lo;
        const double u = standard(x, lo);
        return narrow(core_.logpdf(u, lo, memo) - log_scale_);
    }
    Real cdf(Real x, span_memo *memo = nullptr) const {
        if (x < lower_ || x > upper_)
            return Real(x > upper_);
        double lo;
        const double u = standard(x, lo);
        return Real(core_.cdf(u, lo, memo));
    }
    Real ccdf(Real x, span_memo *memo = nullptr) const {
        if (x < lower_ || x > upper_)
            return Real(x < lower_);
        double lo;
        const double u = standard(x, lo);
        return Real(core_.ccdf(u, lo, memo));
    }

    /// x with cdf(x) = p, p in [0, 1]. Its root search shares one span_memo
    /// over its distribution-function calls (a local one if none is given).
    Real quantile(Real p, span_memo *memo = nullptr) const {
        check_probability("levysgd::quantile", "p", p);
        if (p == Real(0) || p == Real(1)) // the support's ends: d.min(), d.max() exactly
            return p == Real(0) ? lower_ : upper_;
        return to_support(
            with_memo(memo, [&](span_memo *m) { return core_quantile(double(p), false, m); }));
    }
    /// x with ccdf(x) = q, q in [0, 1] (accurate for small q: the upper tail).
    Real quantile_complement(Real q, span_memo *memo = nullptr) const {
        check_probability("levysgd::quantile_complement", "q", q);
        if (q == Real(0) || q == Real(1))
            return q == Real(0) ? upper_ : lower_;
        return to_support(
            with_memo(memo, [&](span_memo *m) { return core_quantile(double(q), true, m); }));
    }

    const detail::stable_standard &standard_law() const { return core_; }

  private:
    template <class F> static double with_memo(span_memo *memo, const F &f) {
        if (memo)
            return f(memo);
        span_memo local;
        return f(&local);
    }
    static void check_probability(const char *where, const char *name, Real p) {
        if (!(p >= Real(0) && p <= Real(1)))
            detail::throw_invalid(where, name, p, "must be in [0, 1]");
    }
    double from_standard(double y) const { return ((y - add_) - add_lo_) * scale_ + loc_; }
    // x of a standard quantile y, clamped to the support: rounding never
    // puts a quantile outside it.
    // double -> Real rounded to nearest, overflowing to the infinity of its
    // sign (a plain conversion of a double beyond float's range is undefined)
    static Real narrow(double v) {
        if constexpr (std::same_as<Real, double>) {
            return v;
        } else {
            using lim = std::numeric_limits<Real>;
            constexpr double top = double(lim::max());
            // round to nearest overflows from max + ulp/2 on
            constexpr double over = top * (1 + 0x1p-25);
            const double a = std::abs(v);
            if (a > top)
                return Real(v > 0 ? 1 : -1) * (a < over ? lim::max() : lim::infinity());
            return Real(v);
        }
    }
    Real to_support(double y) const {
        const Real x = narrow(from_standard(y));
        return x < lower_ ? lower_ : (x > upper_ ? upper_ : x);
    }

    // y with cdf(y) = p (upper = false) or ccdf(y) = p (upper = true):
    // bracketing, then Newton (on log F in the tails) safeguarded by bisection.
    // Both the bracket expansion and the bisection are geometric in |y| when
    // the bracket spans orders of magnitude: for small alpha the cdf moves
    // with alpha log|y| (alpha = 0.001: cdf(1e300) ~ 0.75), and a step of
    // 4^k or an arithmetic midpoint takes hundreds of integrals to get there.
    // A quantile beyond the largest double is +-inf (as Cauchy's for p < 3e-309).
    double core_quantile(double p, bool upper, span_memo *memo) const {
        constexpr double inf = std::numeric_limits<double>::infinity();
        constexpr double big = std::numeric_limits<double>::max();
        constexpr double tiny = std::numeric_limits<double>::denorm_min();
        // tail(y): the probability being matched, increasing in y for cdf
        auto tail = [&](double y) {
            return upper ? core_.ccdf(y, 0, memo) : core_.cdf(y, 0, memo);
        };
        const double sgn = upper ? -1.0 : 1.0; // tail is increasing in sgn * y
        // support ends in y
        double ylo = -inf, yhi = inf;
        const double a = core_.alpha(), b = core_.beta();
        if (a < 1 && b == 1)
            ylo = core_.support_edge();
        if (a < 1 && b == -1)
            yhi = core_.support_edge();
        if (p == 0)
            return upper ? yhi : ylo;
        if (p == 1)
            return upper ? ylo : yhi;
        // the complementary probability, when matching it is better conditioned
        if (p > 0.5) {
            const double q = 1 - p; // exact for p >= 1/2
            return upper ? core_quantile(q, false, memo) : core_quantile(q, true, memo);
        }
        // Bracket [lo, hi] (in y) with tail(lo) <= p <= tail(hi) in the
        // direction where tail increases. Start at the standard point y = 0.
        double y0 = 0;
        if (std::isfinite(ylo) || std::isfinite(yhi))
            y0 = std::isfinite(ylo) ? std::max(ylo + 1, 0.0) : std::min(yhi - 1, 0.0);
        const double t0 = tail(y0);
        if (t0 == p)
            return y0;
        // Expand from y0 towards p by steps 1, 4, 16, ..., squared from 1e3 on,
        // until the far point is past p or reaches the support end in that
        // direction; the last finite step is +-DBL_MAX.
        const bool right = (t0 < p) == (sgn > 0);
        const double dir = right ? 1.0 : -1.0;
        const double end = right ? yhi : ylo;
        auto not_past = [&](double t) {
            return right ? (t < p) == (sgn > 0) : (t > p) == (sgn > 0);
        };
        double inner = y0, outer = y0, step = 1;
        for (;;) {
            outer = y0 + dir * step;
            if (dir * (outer - end) >= 0) {
                outer = end;
                break;
            }
            if (!std::isfinite(outer))
                outer = dir * big;
            if (!not_past(tail(outer)))
                break;
            if (std::abs(outer) == big) // p lies beyond the largest double
                return dir * inf;
            inner = outer;
            step = step < 1e3 ? 4 * step : step * step;
        }
        double lo = right ? inner : outer, hi = right ? outer : inner;
        // the bisection point: geometric when the ends differ by orders of
        // magnitude (an end at 0 counts as the smallest subnormal: alpha =
        // 0.001 has cdf(-1e-308) = 0.43 and its quantiles near 1/2 are
        // subnormal or 0), else the middle
        auto middle = [&](double l, double h) {
            if (l < 0 && h > 0)
                return 0.0;
            const double al = std::abs(l), ah = std::abs(h);
            const double s = std::max(std::min(al, ah), tiny), m = std::max(al, ah);
            if (m > 4 * s)
                return (h > 0 ? 1.0 : -1.0) * std::sqrt(s) * std::sqrt(m);
            return 0.5 * (l + h);
        };
        // Newton on log(tail) - log(p), safeguarded by the bracket (the
        // bracketing root finder with a Newton step hook) on sgn (tail - p),
        // which is negative at lo and positive at hi.
        const double lp = std::log(p);
        double t = 0; // tail at the last evaluated point
        auto g = [&](double y) {
            t = tail(y);
            return sgn * (t - p);
        };
        auto newton = [&](const core::root_state &s) {
            const double y = s.x;
            const double f = std::exp(core_.logpdf(y, 0, memo));
            // Newton on log(t) - log(p): d log t / dy = sgn f / t
            double next = t > 0 && f > 0 ? y - (std::log(t) - lp) * t / (sgn * f)
                                         : std::numeric_limits<double>::quiet_NaN();
            // a Newton step that stays inside but would shrink the bracket
            // by less than the geometric midpoint does (|y| spans decades) is
            // replaced by that midpoint
            const double mid = middle(s.a, s.b);
            if (!(next > s.a && next < s.b) || (mid != 0.5 * (s.a + s.b) && s.iter % 2 == 1))
                next = mid;
            return next;
        };
        // the integrals carry ~1e-13 relative noise: stop at 2e-14 p
        core::root_options o;
        o.max_iter = 300;
        o.ftol = 2e-14 * p;
        // to an ulp or two of y: in the light tails of |beta| = 1 p moves
        // by ~1e-12 per ulp of y (d log p / d log|y| ~ G alpha / |alpha - 1|),
        // and 4-5 ulps (xtol_rel 4e-16, step_rtol 1e-15) left 5e-12 there
        o.xtol_rel = 2e-16;
        o.xtol_abs = tiny;
        o.step_rtol = 2e-16;
        return core::bracket_root(g, lo, hi, -1.0, 1.0, o, newton, middle(lo, hi)).x;
    }

    detail::stable_standard core_;
    double scale_ = 1, loc_ = 0, add_ = 0, add_lo_ = 0, log_scale_ = 0;
    Real lower_ = -std::numeric_limits<Real>::infinity(),
         upper_ = std::numeric_limits<Real>::infinity();
};

template <std::floating_point Real> Real pdf(const stable_distribution<Real> &d, Real x) {
    return stable_evaluator<Real>(d).pdf(x);
}
template <std::floating_point Real> Real logpdf(const stable_distribution<Real> &d, Real x) {
    return stable_evaluator<Real>(d).logpdf(x);
}
template <std::floating_point Real> Real cdf(const stable_distribution<Real> &d, Real x) {
    return stable_evaluator<Real>(d).cdf(x);
}
template <std::floating_point Real> Real ccdf(const stable_distribution<Real> &d, Real x) {
    return stable_evaluator<Real>(d).ccdf(x);
}
template <std::floating_point Real> Real quantile(const stable_distribution<Real> &d, Real p) {
    return stable_evaluator<Real>(d).quantile(p);
}
/// The median: the location for a symmetric law (beta = 0, or alpha = 2,
/// where the S0 location is the centre), else quantile(d, 1/2).
template <std::floating_point Real> Real median(const stable_distribution<Real> &d) {
    if (d.beta() == Real(0))
        return d.location();
    if (d.alpha() == Real(2))
        return d.location_s0();
    return quantile(d, Real(0.5));
}
template <std::floating_point Real>
Real quantile_complement(const stable_distribution<Real> &d, Real q) {
    return stable_evaluator<Real>(d).quantile_complement(q);
}

namespace detail {
template <class Real, class F>
void stable_map(const char *where, std::span<const Real> x, std::span<Real> out, F &&f) {
    if (x.size() != out.size())
        throw_invalid(where, "out.size()", out.size(),
                      "must equal x.size() = " + std::to_string(x.size()));
    for (std::size_t i = 0; i < x.size(); ++i)
        out[i] = f(x[i]);
}
template <class Real> void check_probabilities(const char *where, std::span<const Real> p) {
    for (std::size_t i = 0; i < p.size(); ++i)
        if (!(p[i] >= Real(0) && p[i] <= Real(1)))
            throw_invalid(where, "p[" + std::to_string(i) + "]", p[i], "must be in [0, 1]");
}
} // namespace detail

// Span versions: out[i] = f(d, x[i]); the setup is shared; out.size() must equal x.size().
// quantile spans check every p before writing anything (never half-written).
#define LEVYSGD_STABLE_SPAN(fn, probability)                                                       \
    template <std::floating_point Real>                                                            \
    void fn(const stable_distribution<Real> &d, std::span<const Real> x, std::span<Real> out) {    \
        const stable_evaluator<Real> e(d);                                                         \
        if (probability)                                                                           \
            detail::check_probabilities("levysgd::" #fn, std::span<const Real>(x));                \
        typename stable_evaluator<Real>::span_memo memo;                                           \
        detail::stable_map("levysgd::" #fn, x, out, [&](Real v) { return e.fn(v, &memo); });       \
    }                                                                                              \
    template <std::floating_point Real, class Derived>                                             \
    Eigen::Array<Real, Eigen::Dynamic, 1> fn(const stable_distribution<Real> &d,                   \
                                             const Eigen::ArrayBase<Derived> &x) {                 \
        const stable_evaluator<Real> e(d);                                                         \
        Eigen::Array<Real, Eigen::Dynamic, 1> out(x.size());                                       \
        if (probability)                                                                           \
            for (Eigen::Index i = 0; i < x.size(); ++i)                                            \
                if (!(x.derived()(i) >= 0 && x.derived()(i) <= 1))                                 \
                    detail::throw_invalid("levysgd::" #fn, "p[" + std::to_string(i) + "]",         \
                                          x.derived()(i), "must be in [0, 1]");                    \
        typename stable_evaluator<Real>::span_memo memo;                                           \
        for (Eigen::Index i = 0; i < x.size(); ++i)                                                \
            out(i) = e.fn(Real(x.derived()(i)), &memo);                                            \
        return out;                                                                                \
    }
LEVYSGD_STABLE_SPAN(pdf, false)
LEVYSGD_STABLE_SPAN(logpdf, false)
LEVYSGD_STABLE_SPAN(cdf, false)
LEVYSGD_STABLE_SPAN(ccdf, false)
LEVYSGD_STABLE_SPAN(quantile, true)
LEVYSGD_STABLE_SPAN(quantile_complement, true)
#undef LEVYSGD_STABLE_SPAN

} // namespace levysgd
