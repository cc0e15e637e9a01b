#pragma once
// Hill's tail-index estimator on the magnitudes |x| (both tails pooled):
//     1/alpha = (1/k) sum_{i=1..k} log( |x|_(i) / |x|_(k+1) ),
// |x|_(1) >= |x|_(2) >= ... the order statistics (Hill 1975, Ann. Statist. 3).
// Unlike eq. (15) of Simsekli et al. 2019 it only looks at the k largest
// values, so it is the usual cross-check for power-law tails; it needs a copy
// of |x| for the partial sort.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <ranges>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../config.hpp"
#include "../detail/validate.hpp"
#include "mohammadi.hpp"

namespace levysgd {

struct hill_result {
    double alpha = 0;     ///< 1 / inv_alpha
    double inv_alpha = 0; ///< mean log-excess over the threshold
    std::size_t k = 0;    ///< number of order statistics used
    std::size_t n = 0;    ///< values considered (after skipping bad ones)
    std::size_t n_bad = 0;
    double threshold = 0; ///< |x|_(k+1)
};

namespace detail {
/// A value's term of Hill's sum: log(a / t) as log(a) - log(t), a = |x| >= t
/// (shared with levysgd::cuda::hill_tail_index).
LEVYSGD_HOST_DEVICE inline double hill_log_excess(double a, double log_t) noexcept {
    using std::log;
    return log(a) - log_t;
}

/// The throw_error policy's message for `bad` NaN/inf values, the first at
/// index `first` with value text `value`.
[[noreturn]] inline void hill_throw_bad(std::string_view where, std::size_t bad, std::size_t first,
                                        const std::string &value) {
    throw_invalid(where, "x",
                  std::to_string(bad) + " NaN/inf value(s), the first at index " +
                      std::to_string(first) + ": " + value,
                  "must be finite (use bad_value_policy::skip to leave them out)");
}

/// k for n finite values: 0 picks floor(sqrt(n)); checks n >= 2, 1 <= k < n.
inline std::size_t hill_k(std::string_view where, std::size_t k, std::size_t n) {
    if (n < 2)
        throw_invalid(where, "number of finite values", n, "must be >= 2");
    if (k == 0)
        k = static_cast<std::size_t>(std::sqrt(double(n)));
    if (k < 1 || k >= n)
        throw_invalid(where, "k", k, "must be in [1, n - 1] with n = " + std::to_string(n));
    return k;
}

/// Checks the threshold t = |x|_(k+1) > 0.
inline void hill_check_threshold(std::string_view where, double t) {
    if (!(t > 0))
        throw_invalid(where, "threshold |x|_(k+1)", t, "must be > 0 (too many zeros for this k)");
}

/// The result from the sum s of the k log-excesses over t.
inline hill_result hill_make_result(double s, std::size_t k, std::size_t n, std::size_t bad,
                                    double t) noexcept {
    hill_result r;
    r.k = k;
    r.n = n;
    r.n_bad = bad;
    r.threshold = t;
    r.inv_alpha = s / double(k);
    r.alpha = r.inv_alpha > 0 ? 1 / r.inv_alpha : std::numeric_limits<double>::infinity();
    return r;
}
} // namespace detail

/// Hill estimate from the k largest |x|. k = 0 picks k = floor(sqrt(n)), a
/// common default that balances bias and variance for stable-like tails; pass
/// k explicitly for a tail-fraction study. NaN and +-inf are bad values
/// (policy as for mohammadi_tail_index); zeros are allowed. Throws
/// std::invalid_argument for fewer than 2 finite values, k < 1, k >= n, or
/// a zero threshold |x|_(k+1). Scale-free: log-excesses of |x| in double.
template <class Real>
hill_result hill_tail_index(std::span<const Real> x, std::size_t k = 0,
                            bad_value_policy policy = bad_value_policy::throw_error) {
    constexpr std::string_view where = "levysgd::hill_tail_index";
    detail::check_policy(where, policy);
    std::vector<double> a;
    a.reserve(x.size());
    std::size_t bad = 0, first_bad = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(double(x[i]))) {
            if (bad++ == 0)
                first_bad = i;
            continue;
        }
        a.push_back(std::fabs(double(x[i])));
    }
    if (bad > 0 && policy == bad_value_policy::throw_error)
        detail::hill_throw_bad(where, bad, first_bad, detail::to_text(x[first_bad]));
    const std::size_t n = a.size();
    k = detail::hill_k(where, k, n);
    // a[0..k-1] = the k largest (any order), a[k] = the (k+1)-th largest
    std::nth_element(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k), a.end(),
                     std::greater<double>());
    const double t = a[k];
    detail::hill_check_threshold(where, t);
    double s = 0;
    const double lt = std::log(t);
    for (std::size_t i = 0; i < k; ++i)
        s += detail::hill_log_excess(a[i], lt);
    return detail::hill_make_result(s, k, n, bad, t);
}

template <std::ranges::contiguous_range R>
requires std::is_floating_point_v<std::ranges::range_value_t<R>>
    hill_result hill_tail_index(const R &x, std::size_t k = 0,
                                bad_value_policy policy = bad_value_policy::throw_error) {
    using Real = std::ranges::range_value_t<R>;
    return hill_tail_index(std::span<const Real>(std::ranges::data(x), std::ranges::size(x)), k,
                           policy);
}

} // namespace levysgd
