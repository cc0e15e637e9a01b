#pragma once
// Argument checks for public entry points: std::invalid_argument whose message
// names the function, the parameter and the offending value.

#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace levysgd::detail {

template <class V>
[[noreturn]] inline void throw_invalid(std::string_view where, std::string_view param,
                                       const V &value, std::string_view requirement) {
    std::ostringstream os;
    os.precision(17);
    os << where << ": " << param << " " << requirement << ", got " << value;
    throw std::invalid_argument(os.str());
}

/// alpha in (0, 2] and a normal number: for a subnormal alpha, 1/alpha
/// overflows (and in float is out of range already in the double constants).
template <class Real> constexpr bool valid_stable_alpha(Real alpha) noexcept {
    return alpha >= std::numeric_limits<Real>::min() && alpha <= Real(2);
}
inline constexpr std::string_view stable_alpha_requirement = "must be in (0, 2] and not subnormal";

template <class Real>
inline void check_stable_parameters(std::string_view where, Real alpha, Real beta, Real scale,
                                    Real location) {
    if (!valid_stable_alpha(alpha))
        throw_invalid(where, "alpha", alpha, stable_alpha_requirement);
    if (!(beta >= Real(-1) && beta <= Real(1)))
        throw_invalid(where, "beta", beta, "must be in [-1, 1]");
    if (!(scale > Real(0) && std::isfinite(scale)))
        throw_invalid(where, "scale", scale, "must be finite and > 0");
    if (!std::isfinite(location))
        throw_invalid(where, "location", location, "must be finite");
}

/// Throws unless v is finite and > 0.
template <class Real>
inline void check_positive(std::string_view where, std::string_view param, Real v) {
    if (!(v > Real(0) && std::isfinite(v)))
        throw_invalid(where, param, v, "must be finite and > 0");
}

} // namespace levysgd::detail
