#pragma once
// The standard alpha-stable law in the S1 coordinate: pdf, log pdf, cdf and
// ccdf from Nolan's integrals (Nolan 1997), the closed forms (Gaussian,
// Cauchy, Levy), the alpha = 1 tail forms, and the reflection y < 0 ->
// (-y, -beta); each tail is the smaller of cdf and ccdf integrated directly.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "density_alpha1_tail.hpp"
#include "density_driver.hpp"
#include "density_integrand.hpp"

namespace levysgd::detail {

/// The standard alpha-stable law in the S1 coordinate y (coordinates as in
/// stable_side: Nolan 1997 with the power of y folded into g): pdf, log pdf, cdf and ccdf; the per-(alpha, beta) setup is done once.
class stable_standard {
  public:
    static constexpr double tol = 1e-10; // relative, per integral (estimate)

    stable_standard() = default;
    stable_standard(double alpha, double beta) : alpha_(alpha), beta_(beta) {
        if (alpha == 2) {
            kind_ = kind::gauss;
        } else if (alpha == 1) {
            kind_ = beta == 0 ? kind::cauchy : kind::one;
        } else if (alpha == 0.5 && (beta == 1 || beta == -1)) {
            kind_ = kind::levy;
        } else {
            kind_ = kind::general;
            pos_ = stable_side(alpha, beta);
            neg_ = stable_side(alpha, -beta);
        }
        if (alpha != 1 && alpha != 2) {
            zeta_ = core::stable_zeta(alpha, beta);
            // f(0) = Gamma(1 + 1/a) cos(theta0) / (pi (1 + zeta^2)^(1/(2a)))
            // cos(theta0) = sin(pi/2 - theta0) = sin(pi/2 + theta0): the smaller is exact
            const double c0 = std::sin(std::min(pos_.head, pos_.len));
            // in logs: Gamma(1 + 1/a) overflows for a < 0.0058 (and times
            // cos(theta0) = 0 at |beta| = 1 gave NaN)
            log_f_zero_ = std::lgamma(1 + 1 / alpha) + std::log(c0) -
                          std::log1p(zeta_ * zeta_) / (2 * alpha) - std::log(std::numbers::pi);
        }
    }

    double alpha() const { return alpha_; }
    double beta() const { return beta_; }
    /// zeta = -beta tan(pi alpha / 2): S0 coordinate z = y + zeta (alpha != 1).
    double zeta() const { return zeta_; }

    double pdf(double y) const { return std::exp(logpdf(y)); }

    double logpdf(double y) const {
        if (std::isnan(y))
            return y;
        if (std::isinf(y))
            return -INFINITY;
        constexpr double pi = std::numbers::pi;
        switch (kind_) {
        case kind::gauss: // N(0, 2)
            return -0.25 * y * y - std::log(2 * std::sqrt(pi));
        case kind::cauchy:
            return -std::log(pi) - std::log1p(y * y);
        case kind::levy: {
            const double x = beta_ > 0 ? y : -y; // Levy(0, 1): (2 pi)^-1/2 x^-3/2 e^(-1/(2x))
            if (x <= 0)
                return -INFINITY;
            return -0.5 * std::log(2 * pi) - 1.5 * std::log(x) - 0.5 / x;
        }
        case kind::one: {
            const double b = std::abs(beta_), x = beta_ > 0 ? y : -y;
            double dens, near;
            if (stable_one_far(b, x, dens, near))
                return std::log(dens / (2 * b));
            if (b == 1 && stable_one_light(x, dens, near))
                return dens;
            const stable_side1 s{b};
            auto lg = [&](int h, auto v) {
                using T = decltype(v);
                return h == 0 ? s.log_g(T(x), v, T(pi) - v) : s.log_g(T(x), T(pi) - v, v);
            };
            const auto r = stable_integrate(lg, pi, want_density, tol);
            return std::log(r.dens) + r.shift - std::log(2 * b);
        }
        case kind::general:
            break;
        }
        if (y == 0)
            return log_f_zero_;
        const stable_side &s = y > 0 ? pos_ : neg_;
        const double ay = std::abs(y);
        if (s.len <= 0)
            return -INFINITY;
        const double ly = std::log(ay);
        auto lg = [&](int h, auto v) {
            using T = decltype(v);
            return h == 0 ? s.log_g(T(ly), v, T(s.len) - v) : s.log_g(T(ly), T(s.len) - v, v);
        };
        const auto r = stable_integrate(lg, s.len, want_density, tol);
        return std::log(r.dens) + r.shift + std::log(alpha_ / (pi * std::abs(alpha_ - 1))) - ly;
    }

    /// cdf (upper = false) or ccdf (upper = true) at y, in [0, 1]: the
    /// far-side forms (head/pi + an integral, pi - near, 1 - tiny) are sums
    /// whose rounding can exceed 1 by an ulp where the true value rounds to 1.
    double tail(double y, bool upper) const {
        const double r = tail_sum(y, upper);
        return r > 1 ? 1.0 : (r < 0 ? 0.0 : r); // NaN (y = NaN) passes through
    }

    double cdf(double y) const { return tail(y, false); }
    double ccdf(double y) const { return tail(y, true); }

  private:
    double tail_sum(double y, bool upper) const {
        if (std::isnan(y))
            return y;
        constexpr double pi = std::numbers::pi;
        if (std::isinf(y))
            return (y > 0) != upper ? 1.0 : 0.0;
        switch (kind_) {
        case kind::gauss:
            return 0.5 * std::erfc((upper ? y : -y) / 2);
        case kind::cauchy:
            return std::atan2(1.0, upper ? y : -y) / pi;
        case kind::levy: {
            // Levy(0, 1) on x > 0: cdf = erfc(1/sqrt(2x)), ccdf = erf(1/sqrt(2x))
            const bool pos = beta_ > 0;
            const double x = pos ? y : -y;
            const bool up = pos ? upper : !upper; // tail on the x > 0 side
            if (x <= 0)
                return up ? 1.0 : 0.0;
            const double r = 1 / std::sqrt(2 * x);
            return up ? std::erf(r) : std::erfc(r);
        }
        case kind::one: {
            const double b = std::abs(beta_), x = beta_ > 0 ? y : -y;
            const bool up = beta_ > 0 ? upper : !upper;
            double dens, near;
            if (stable_one_far(b, x, dens, near)) {
                // x > 0: near = int (1 - e^-g) = pi ccdf; x < 0: near = int e^-g = pi cdf
                const bool near_is_up = x > 0;
                return (up == near_is_up ? near : pi - near) / pi;
            }
            if (b == 1 && stable_one_light(x, dens, near)) {
                const double c = std::exp(near); // the cdf of x, tiny
                return up ? 1 - c : c;
            }
            const stable_side1 s{b};
            auto lg = [&](int h, auto v) {
                using T = decltype(v);
                return h == 0 ? s.log_g(T(x), v, T(pi) - v) : s.log_g(T(x), T(pi) - v, v);
            };
            // the tail on the x > 0 side (u = true) or the x < 0 side
            auto direct = [&](bool u) {
                const auto r = stable_integrate(lg, pi, u ? want_upper : want_lower, tol);
                return (u ? r.upper : r.lower * std::exp(-r.g_ref)) / pi;
            };
            const bool near_side = (x > 0) == up;
            return smaller_first([&](bool near) { return direct(near == (x > 0)); }, near_side);
        }
        case kind::general:
            break;
        }
        if (y == 0)
            return (upper ? neg_.head : pos_.head) / pi;
        // reflection: the y < 0 tail is the y > 0 tail of -beta
        const bool pos = y > 0;
        const stable_side &s = pos ? pos_ : neg_;
        const bool up = pos ? upper : !upper; // tail of |y| on the far side?
        if (s.len <= 0)
            return up ? 0.0 : 1.0;
        const double ly = std::log(std::abs(y));
        auto lg = [&](int h, auto v) {
            using T = decltype(v);
            return h == 0 ? s.log_g(T(ly), v, T(s.len) - v) : s.log_g(T(ly), T(s.len) - v, v);
        };
        // alpha < 1: cdf = head/pi + I(e^-g)/pi, ccdf = I(1 - e^-g)/pi
        // alpha > 1: cdf = head/pi + I(1 - e^-g)/pi, ccdf = I(e^-g)/pi
        const bool far_is_lower = alpha_ > 1;
        auto direct = [&](bool u) {
            const unsigned w = u ? (far_is_lower ? want_lower : want_upper)
                                 : (far_is_lower ? want_upper : want_lower);
            const auto r = stable_integrate(lg, s.len, w, tol);
            const double i = (w == want_lower ? r.lower * std::exp(-r.g_ref) : r.upper) / pi;
            return u ? i : s.head / pi + i;
        };
        return smaller_first(direct, up);
    }

    /// One tail from the other: the near-side tail (the one beyond |y|) is
    /// integrated first; if it is <= 1/2 the far side is 1 - it, else the far
    /// side is integrated and the near side is 1 - that. So the smaller of
    /// cdf and ccdf is always a direct integral (full relative accuracy), the
    /// larger is 1 - it: cdf + ccdf = 1 to an ulp, both stay in [0, 1], and a
    /// far side near 1 is monotone (a direct integral of ~1 rounds to either
    /// side of 1). Costs a second integral only between y = 0 and the median.
    template <class F> static double smaller_first(const F &direct, bool near) {
        const double t = direct(true);
        if (t <= 0.5)
            return near ? t : 1 - t;
        const double f = direct(false);
        return near ? 1 - f : f;
    }

    enum class kind { gauss, cauchy, levy, one, general };
    double alpha_ = 2, beta_ = 0, zeta_ = 0, log_f_zero_ = 0;
    kind kind_ = kind::gauss;
    stable_side pos_, neg_;
};

} // namespace levysgd::detail
