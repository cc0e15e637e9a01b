#pragma once
// Overflow-safe pieces shared by the theory/ formulas: a result formed in
// logs and exponentiated only once, refused (std::invalid_argument naming the
// parameter) when it is beyond the double range rather than returned as
// +inf / 0; differences of finite doubles whose true value exceeds DBL_MAX.

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <string_view>

#include "../../detail/validate.hpp"

namespace levysgd::detail {

/// log(DBL_MAX): exp of anything larger overflows.
inline constexpr double log_double_max = 709.782712893384;

/// exp(log_value), or std::invalid_argument naming `param` (showing `value`)
/// when `what` = exp(log_value) is beyond the double range (log_value >
/// log DBL_MAX, +inf or NaN). A value that underflows is returned (0 or
/// subnormal: the correctly rounded result).
inline double exp_or_refuse(std::string_view where, std::string_view param, double value,
                            std::string_view what, double log_value) {
    if (!(log_value <= log_double_max))
        throw_invalid(where, param, value,
                      std::string("must leave ") + std::string(what) +
                          " within the double range (about 1.8e308; its log is " +
                          to_text(log_value) + ")");
    return std::exp(log_value);
}

/// log |a - b| for finite a, b, also when a - b overflows (|a|, |b| near DBL_MAX).
inline double log_abs_diff(double a, double b) noexcept {
    const double d = a - b;
    if (std::isfinite(d))
        return std::log(std::fabs(d));
    return std::log(std::fabs(a / 2 - b / 2)) + std::numbers::ln2;
}

/// (a - b) / c for finite a, b and c > 0, also when a - b overflows but the
/// quotient does not (+-inf when the quotient itself does).
inline double diff_over(double a, double b, double c) noexcept {
    const double d = a - b;
    if (std::isfinite(d))
        return d / c;
    return 2 * ((a / 2 - b / 2) / c);
}

/// (1 - t) a + t b for t in [0, 1]: between a and b, no overflow for any
/// finite a, b (a + t (b - a) overflows when b - a does); exact at t = 0, 1.
inline double lerp_safe(double a, double b, double t) noexcept {
    if (t <= 0)
        return a;
    if (t >= 1)
        return b;
    const double d = b - a;
    if (std::isfinite(d))
        return a + t * d;
    return (1 - t) * a + t * b;
}

} // namespace levysgd::detail
