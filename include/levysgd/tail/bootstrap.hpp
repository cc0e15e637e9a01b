#pragma once
// Percentile bootstrap confidence interval for any tail-index estimator (or
// any statistic of a sample): resample the values with replacement B times,
// re-estimate, and take the (1-level)/2 and (1+level)/2 quantiles (Efron &
// Tibshirani 1993, ch. 13). Resampling indices come from a Philox stream, so
// (seed, stream) fixes the interval. Resampling i.i.d. values assumes the
// data are i.i.d. (as eq. 15 of Simsekli et al. 2019 does).

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "../detail/scalar_math.hpp"
#include "../detail/validate.hpp"
#include "../random/philox.hpp"

namespace levysgd {

struct bootstrap_interval {
    double estimate = 0; ///< statistic on the original sample
    double lower = 0;    ///< percentile bounds
    double upper = 0;
    double level = 0;
    std::size_t reps = 0;        ///< resamples whose statistic was finite
    std::size_t reps_failed = 0; ///< resamples on which the statistic threw or was not finite
};

/// Settings of bootstrap_ci (designated initializers:
/// `bootstrap_ci(x, stat, {.reps = 2000, .seed = 7})`).
struct bootstrap_options {
    std::size_t reps = 1000; ///< resamples, in [10, 2^32]
    double level = 0.95;     ///< confidence level, in (0, 1)
    std::uint64_t seed = 0;  ///< Philox key of the resampling indices
    std::uint64_t stream = 0;
};

/// `stat` maps std::span<const Real> to a double (e.g. a lambda returning
/// mohammadi_tail_index(s).alpha). Resamples on which stat throws
/// std::invalid_argument or returns NaN are counted in reps_failed; at
/// least 10 must succeed. +-inf is kept as a value (a bound is then +-inf
/// where the interpolated order statistics reach it). The statistic on the original
/// sample is returned as computed, NaN included. (Before issue 17 reps,
/// level, seed and stream were trailing arguments; such a call no longer
/// compiles.)
template <class Real, class Stat>
requires std::invocable<Stat &, std::span<const Real>>
    bootstrap_interval bootstrap_ci(std::span<const Real> x, Stat &&stat,
                                    bootstrap_options opt = {}) {
    constexpr std::string_view where = "levysgd::bootstrap_ci";
    const std::size_t reps = opt.reps;
    const double level = opt.level;
    if (x.empty())
        detail::throw_invalid(where, "x.size()", 0, "must be > 0");
    // above 2^32 the kept statistics alone would take 32 GiB
    if (reps < 10 || reps > (std::size_t(1) << 32))
        detail::throw_invalid(where, "reps", reps, "must be in [10, 2^32]");
    if (!(level > 0 && level < 1))
        detail::throw_invalid(where, "level", level, "must be in (0, 1)");
    bootstrap_interval out;
    out.level = level;
    out.estimate = double(stat(x));
    std::vector<Real> buf(x.size());
    std::vector<double> values;
    values.reserve(reps);
    philox4x32 eng(opt.seed, opt.stream);
    const auto n = static_cast<std::uint64_t>(x.size());
    for (std::size_t r = 0; r < reps; ++r) {
        for (auto &v : buf) {
            // index = floor(u * n) with a 64-bit u: bias below n / 2^64
            const std::uint64_t u = (std::uint64_t(eng()) << 32) | eng();
            v = x[static_cast<std::size_t>(detail::mulhi64(u, n))];
        }
        double s;
        try {
            s = double(stat(std::span<const Real>(buf)));
        } catch (const std::invalid_argument &) {
            ++out.reps_failed;
            continue;
        }
        // +-inf is a value of the statistic (e.g. Hill's alpha on a resample
        // whose top values tie): dropping it would narrow the interval
        // towards the finite side. Only NaN counts as a failure.
        if (!std::isnan(s))
            values.push_back(s);
        else
            ++out.reps_failed;
    }
    if (values.size() < 10)
        detail::throw_invalid(where, "successful resamples", values.size(),
                              "must be >= 10 (the statistic failed on the others)");
    std::sort(values.begin(), values.end());
    auto q = [&](double p) { // linear interpolation between order statistics
        const double h = p * double(values.size() - 1);
        const auto i = static_cast<std::size_t>(h);
        const double f = h - double(i);
        if (f == 0 || i + 1 >= values.size() || values[i] == values[i + 1])
            return values[i]; // also inf * 0 avoided
        if (std::isinf(values[i]) || std::isinf(values[i + 1]))
            return std::isinf(values[i]) && std::isinf(values[i + 1])
                       ? std::numeric_limits<double>::quiet_NaN() // between -inf and +inf
                       : (std::isinf(values[i]) ? values[i] : values[i + 1]);
        return values[i] * (1 - f) + values[i + 1] * f;
    };
    out.lower = q((1 - level) / 2);
    out.upper = q((1 + level) / 2);
    out.reps = values.size();
    return out;
}

} // namespace levysgd
