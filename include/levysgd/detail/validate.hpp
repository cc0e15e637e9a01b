#pragma once
// Argument checks for public entry points: std::invalid_argument whose message
// names the function, the parameter and the offending value.

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cmath>
#include <concepts>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

namespace levysgd::detail {

/// A number as text for an error message: the shortest form that reads back
/// to the same value (1e-09, not std::to_string's 0.000000), "nan", "inf".
template <class V>
    requires std::is_arithmetic_v<V>
inline std::string to_text(V v) {
    if constexpr (std::is_same_v<V, bool>) {
        return v ? "true" : "false";
    } else if constexpr (std::is_floating_point_v<V>) {
        if (std::isnan(v))
            return "nan";
        if (std::isinf(v))
            return v > 0 ? "inf" : "-inf";
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        return std::string(buf, r.ptr);
    } else {
        return std::to_string(v);
    }
}
inline std::string to_text(std::string_view s) { return std::string(s); }
inline std::string to_text(const char *s) { return std::string(s); }

template <class V>
[[noreturn]] inline void throw_invalid(std::string_view where, std::string_view param,
                                       const V &value, std::string_view requirement) {
    std::string msg;
    msg.append(where).append(": ").append(param).append(" ").append(requirement).append(", got ");
    if constexpr (std::is_arithmetic_v<V> || std::is_convertible_v<const V &, std::string_view>) {
        msg += to_text(value);
    } else {
        std::ostringstream os;
        os.precision(17);
        os << value;
        msg += os.str();
    }
    throw std::invalid_argument(msg);
}

/// Calls f; an std::invalid_argument it throws comes back prefixed with
/// `where: context: `, so the message names the function the user called.
template <class F> auto in_context(std::string_view where, const std::string &context, F &&f) {
    try {
        return f();
    } catch (const std::invalid_argument &e) {
        throw std::invalid_argument(std::string(where) + ": " + context + ": " + e.what());
    }
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

/// A stream has 2^64 indices: [first, first + n) must not wrap (n > 0).
inline void check_stream_range(std::string_view where, std::uint64_t first, std::size_t n) {
    constexpr std::uint64_t max_index = std::numeric_limits<std::uint64_t>::max();
    if (n > 0 && std::uint64_t{n - 1} > max_index - first)
        throw_invalid(where, "first_index", first,
                      "+ out.size() must not exceed 2^64, the length of a stream (out.size() = " +
                          std::to_string(n) + ")");
}

} // namespace levysgd::detail
