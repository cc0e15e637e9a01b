#pragma once
// Histogram goodness of fit, SaS vs Gaussian, as in Battash & Lindenbaum 2023
// Tables 1-3 (SSE and Chi^2 of a fitted SaS law and a fitted Gaussian).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "../../detail/validate.hpp"
#include "../density.hpp"
#include "../detail/fit_numerics.hpp"
#include "mle.hpp"

namespace levysgd {

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
/// but in no bin), f and F the fitted pdf and cdf. F(b_{k+1}) - F(b_k) is
/// taken as S(b_k) - S(b_{k+1}) above the median (S = 1 - F, the law's
/// ccdf), so a far upper-tail bin gets its small probability instead of 0.
/// A bin with E_k = 0 (its probability below the smallest double) and
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

    // A bin's probability from the law's cdf F and complement S at its
    // edges, each difference taken where it does not cancel: F(b') - F(b)
    // below the median, S(b) - S(b') above it, 1 - F(b) - S(b') across it.
    // (F(b') - F(b) alone rounds to 0 in an upper tail where F is within
    // 1e-16 of 1, and a bin with counts would then make chi2 infinite:
    // an SaS fit with alpha 0.2 and scale 1e-79 to a gradient's noise did.)
    auto score = [&](std::span<const double> pdf_mid, std::span<const double> cdf_edges,
                     std::span<const double> ccdf_edges) {
        histogram_fit_error e;
        for (std::size_t k = 0; k < nb; ++k) {
            const double d = r.density[k] - pdf_mid[k];
            e.sse += d * d;
            const double fa = cdf_edges[k], fb = cdf_edges[k + 1];
            const double sa = ccdf_edges[k], sb = ccdf_edges[k + 1];
            const double mass = sa <= 0.5 ? sa - sb : fb <= 0.5 ? fb - fa : (1 - fa) - sb;
            const double expct = n * std::max(mass, 0.0);
            const double c = double(r.counts[k]);
            if (expct > 0)
                e.chi2 += (c - expct) * (c - expct) / expct;
            else if (c > 0)
                e.chi2 = std::numeric_limits<double>::infinity();
        }
        return e;
    };
    std::vector<double> pm(nb), ce(nb + 1), se(nb + 1);
    const auto law = r.sas.distribution<double>();
    levysgd::pdf(law, std::span<const double>(mid), std::span<double>(pm));
    levysgd::cdf(law, std::span<const double>(edges), std::span<double>(ce));
    levysgd::ccdf(law, std::span<const double>(edges), std::span<double>(se));
    r.sas_error = score(pm, ce, se);
    const double gsd = r.gauss_sd > 0 ? r.gauss_sd : std::numeric_limits<double>::min();
    for (std::size_t k = 0; k < nb; ++k) {
        const auto [d, f] = dev(mid[k], mean);
        const double u = d / gsd * f;
        pm[k] = std::exp(-u * u / 2) / gsd / std::sqrt(2 * std::numbers::pi);
    }
    for (std::size_t k = 0; k <= nb; ++k) {
        const auto [d, f] = dev(edges[k], mean);
        ce[k] = 0.5 * std::erfc(-(d / gsd * f) / std::numbers::sqrt2);
        se[k] = 0.5 * std::erfc((d / gsd * f) / std::numbers::sqrt2);
    }
    r.gauss_error = score(pm, ce, se);
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
