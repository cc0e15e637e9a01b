#pragma once
// McCulloch's quantile estimator of a stable law (McCulloch 1986): the ratios
// nu_alpha, nu_beta of sample quantiles, inverted through the exact quantile
// function of the standard S0 law (levysgd::quantile) instead of McCulloch's
// printed tables; also the S0 -> S1 location map shared by the fits.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <numbers>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../../core/roots.hpp"
#include "../../detail/validate.hpp"
#include "../density.hpp"
#include "../detail/fit_numerics.hpp"
#include "../stable_distribution.hpp"

#include "../../core/stable_plan.hpp"

namespace levysgd {

/// S1 location of the law with S0 location loc0 (the inverse of
/// stable_distribution::location_s0()).
inline double stable_location_s1(double alpha, double beta, double scale, double loc0) noexcept {
    if (alpha >= 2)
        return loc0;
    return loc0 - core::stable_s0_shift(alpha, beta, scale);
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
/// outwards in steps doubling from `step`, then the Illinois root finder to tol. If f keeps
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
        if ((fb > 0) != (fa > 0) || fb == 0) {
            if (fb == 0)
                return b;
            // Illinois false position to |b - a| <= tol; the end with the
            // smaller (working) |f| unless f vanished at a point
            core::root_options o;
            o.xtol_abs = tol;
            const auto r = core::bracket_root(f, a, b, fa, fb, o);
            if (r.stop == core::root_stop::f_tol)
                return r.x;
            return std::fabs(r.fa) < std::fabs(r.fb) ? r.a : r.b;
        }
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

} // namespace levysgd
