#pragma once
// The standard alpha-stable law in the S1 coordinate: pdf, log pdf, cdf and
// ccdf from Nolan's integrals (Nolan 1997), the closed forms (Gaussian,
// Cauchy, Levy), the alpha = 1 tail forms, and the reflection y < 0 ->
// (-y, -beta); each tail is the smaller of cdf and ccdf integrated directly.
//
// Near alpha = 1 (0 < |alpha - 1| < near_one_band) the integrand loses
// digits like 1e-16 / |alpha - 1| (density_integrand.hpp) and the S1
// coordinate itself grows like 1 / |alpha - 1|. There the law is evaluated
// in the S0 coordinate z, in which it is continuous (and smooth) in alpha
// through alpha = 1 (Nolan 1997): log f and the log of each tail are
// interpolated in alpha from 16 Chebyshev nodes on [1 - 0.04, 1 + 0.04], none
// closer to 1 than 0.0039, where the integral is accurate to ~1e-13
// (barycentric form, Berrut & Trefethen 2004; 8 nodes on [0.98, 1.02] left
// 4e-11 where log f bends in alpha, e.g. beta = 0.9, z = -2). On the light
// side of |beta| = 1 (beta z < -3.5, f < 1e-30) log f grows like e^(pi |z| / 2)
// and its alpha-derivatives with it: there the integral is used as it is.
//
// The light tails of |beta| = 1 where G = min g >= 10 (f < ~1e-4; alpha = 1:
// G >= e) are evaluated by stable_light_tail (density_light_tail.hpp) for
// every alpha, before any of the above: long double log G and a cancellation-free
// log g - log G, 1e-13 relative where the integral above loses G times the
// rounding of log g (4e-10 at alpha = 1.001, f ~ 1e-250).
//
// Elsewhere the tail series (in y^-alpha) and, for alpha > 1, the power
// series (in y) are summed where they converge to 2e-14 within 60 terms
// (density_series.hpp, Zolotarev 1986): about 40 % of the benchmark points,
// at 0.3-1.5 us each against 3-6 us for the integral.
//
// Far in the heavy tails (|y|^-alpha < 1e-30 / (1 + |zeta|)) the leading term
// of the tail series (Zolotarev 1986; Nolan 1997), tail = (1 +- beta) C |y|^-alpha,
// C = Gamma(alpha) sin(pi alpha / 2) / pi, is exact to double: the integral
// loses the tail there once the value nears 1e-300 (its root search stops at
// v = 1e-300; 0.74 relative at alpha = 1.5, y = 1e200).

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <memory>
#include <numbers>
#include <optional>

#include "../../config.hpp"
#include "density_alpha1_tail.hpp"
#include "density_driver.hpp"
#include "density_integrand.hpp"
#include "density_light_tail.hpp"
#include "density_series.hpp"

namespace levysgd::detail {

/// The part of zeta = -beta tan(pi alpha / 2) that core::stable_zeta's
/// double rounds away (0 where long double is no wider than double):
/// y = (z - zeta) - zeta_lo is then z minus the exact zeta to about an ulp
/// of y, which matters next to the support edge zeta (alpha < 1, |beta| = 1)
/// and in the light tails, where f changes by orders of magnitude per ulp of zeta.
inline double stable_zeta_lo(double alpha, double beta) {
    if constexpr (std::numeric_limits<long double>::digits <= 53) {
        return 0;
    } else {
        if (alpha == 1 || alpha == 2 || beta == 0)
            return 0; // zeta is exact (0): no long double tangent (~100 ns)
        // the branches of core::tan_pi_alpha_half, in long double (1 - a, 2 - a exact)
        constexpr long double pi = std::numbers::pi_v<long double>;
        const long double a = alpha;
        const long double t = a < 0.5L   ? std::tan(pi * a / 2)
                              : a < 1.5L ? 1 / std::tan(pi * (1 - a) / 2)
                                         : -std::tan(pi * (2 - a) / 2);
        return double(-beta * t - (long double)core::stable_zeta(alpha, beta));
    }
}

/// log g on half h of a theta range of length len (h = 0: v measured from
/// the lower end, 1: from the upper) for the integrand side s (stable_side at
/// log y, or stable_side1 at the alpha = 1 x), as stable_integrate takes it;
/// always inlined into the quadrature's node stages.
template <class Side> auto stable_half_log_g(const Side &s, double x, double len) {
    return [&s, x, len](int h, auto v) LEVYSGD_INLINE_LAMBDA {
        using T = decltype(v);
        return h == 0 ? s.log_g(T(x), v, T(len) - v) : s.log_g(T(x), T(len) - v, v);
    };
}

/// The standard alpha-stable law in the S1 coordinate y (coordinates as in
/// stable_side: Nolan 1997 with the power of y folded into g): pdf, log pdf, cdf and ccdf; the
/// per-(alpha, beta) setup is done once.
class stable_standard {
  public:
    // relative, per integral (estimate); the |K15 - G7| estimate is loose
    // for these smooth integrands: on the reference grids the maxima are
    // the same at 1e-12, 3e-12 and 1e-11 (3.1e-13, from elsewhere), 5e-13
    // at 3e-11 and 1.0e-12 at 1e-10 (docs/development.md, ninth pass)
    static constexpr double tol = 1e-12;
    static constexpr double near_one_band = 5e-3; // |alpha - 1| below: S0 interpolation
    static constexpr int near_one_nodes = 16;
    static constexpr double near_one_width = 0.04; // nodes on [1 - width, 1 + width]

    stable_standard() = default;
    /// near = false: never the near-alpha = 1 interpolation (its own nodes).
    stable_standard(double alpha, double beta, bool near = true) : alpha_(alpha), beta_(beta) {
        if (alpha == 2) {
            kind_ = kind::gauss;
        } else if (alpha == 1) {
            kind_ = beta == 0 ? kind::cauchy : kind::one;
        } else if (alpha == 0.5 && (beta == 1 || beta == -1)) {
            kind_ = kind::levy;
        } else {
            kind_ = kind::general;
            const auto sides = stable_side::pair(alpha, beta);
            pos_ = sides[0];
            neg_ = sides[1];
        }
        if (alpha != 1 && alpha != 2) {
            // -beta tan(pi alpha / 2), from the sides' tangent where they have it
            zeta_ = kind_ == kind::general ? -beta * pos_.tan_half : core::stable_zeta(alpha, beta);
            // far()'s constants (a sine, lgamma, logs and exps: 38 % of
            // this constructor's instructions) are computed there, where
            // |y| > far_floor: no other call needs them
        }
        if (std::abs(beta) == 1 && kind_ != kind::gauss && kind_ != kind::levy)
            light_ = stable_light_tail(alpha);
        if (near && kind_ == kind::general && std::abs(alpha - 1) < near_one_band) {
            kind_ = kind::near_one;
            zeta_lo_ = stable_zeta_lo(alpha, beta); // the S0 coordinate's exact zeta
            near_ = std::make_shared<const near_nodes>(alpha, beta);
        }
    }

    double alpha() const { return alpha_; }
    double beta() const { return beta_; }
    /// zeta = -beta tan(pi alpha / 2): S0 coordinate z = y + zeta (alpha != 1).
    double zeta() const { return zeta_; }
    /// The part of zeta its double rounds away (stable_zeta_lo): kept where
    /// this law's own coordinate needs it (near alpha = 1), else computed
    /// here (a long double tangent, ~40 ns: only S0 callers need it).
    double zeta_lo() const {
        return kind_ == kind::near_one ? zeta_lo_ : stable_zeta_lo(alpha_, beta_);
    }
    /// log f(0) of the general kind (computed where asked: only y = 0 needs it)
    double log_f_zero() const {
        // f(0) = Gamma(1 + 1/a) cos(theta0) / (pi (1 + zeta^2)^(1/(2a)))
        // cos(theta0) = sin(pi/2 - theta0) = sin(pi/2 + theta0): the smaller is exact
        const double c0 = std::sin(std::min(pos_.head, pos_.len));
        // in logs: Gamma(1 + 1/a) overflows for a < 0.0058 (and times
        // cos(theta0) = 0 at |beta| = 1 gave NaN)
        return std::lgamma(1 + 1 / alpha_) + std::log(c0) -
               std::log1p(zeta_ * zeta_) / (2 * alpha_) - std::log(std::numbers::pi);
    }
    /// Whether the coordinate u of logpdf/tail is the S0 z (near alpha = 1)
    /// rather than the S1 y.
    bool s0_coordinate() const { return kind_ == kind::near_one; }
    /// The support's finite end in u (0 in y, zeta in z) for alpha < 1,
    /// |beta| = 1; the support is [edge, inf) for beta = 1, (-inf, edge] for beta = -1.
    double support_edge() const { return kind_ == kind::near_one ? zeta_ : 0.0; }

    double pdf(double u, double u_lo = 0) const { return std::exp(logpdf(u, u_lo)); }

    /// log f at u (S1 y, or S0 z where s0_coordinate()); u + u_lo is the
    /// coordinate to more than double precision where it was rounded (only
    /// the light tails of |beta| = 1 are conditioned to need it). memo: the
    /// series coefficients kept across the points of a span (or null; see
    /// stable_series_memo), bitwise the same values.
    double logpdf(double u, double u_lo = 0, stable_series_memos *memo = nullptr) const {
        if (std::isnan(u))
            return u;
        if (std::isinf(u))
            return -INFINITY;
        double ld, lt;
        if (light(u, u_lo, true, false, ld, lt) || far(u, ld, lt))
            return ld;
        if (kind_ == kind::near_one)
            return near_one(
                u, [](const stable_standard &n, double y) { return n.logpdf(y); },
                [&] { return logpdf_direct(u - zeta_ - zeta_lo_); });
        return logpdf_direct(u, memo);
    }

    /// cdf (upper = false) or ccdf (upper = true) at u (S1 y, or S0 z where
    /// s0_coordinate()), in [0, 1]: the far-side forms (head/pi + an integral,
    /// pi - near, 1 - tiny) are sums whose rounding can exceed 1 by an ulp
    /// where the true value rounds to 1. memo: as for logpdf.
    double tail(double u, bool upper, double u_lo = 0, stable_series_memos *memo = nullptr) const {
        double r, ld, lt;
        if (std::isfinite(u) && light(u, u_lo, false, true, ld, lt)) {
            // lt: the tail on the light side (the lower one for beta = 1)
            r = upper == (beta_ < 0) ? std::exp(lt) : -std::expm1(lt);
        } else if (std::isfinite(u) && far(u, ld, lt)) {
            r = upper == (u > 0) ? std::exp(lt) : -std::expm1(lt);
        } else if (kind_ == kind::near_one && !std::isnan(u) && !std::isinf(u)) {
            // the smaller tail interpolated (in logs), the other one 1 - it
            auto side = [&](bool up) {
                return near_one(
                    u, [up](const stable_standard &n, double y) { return n.log_tail(y, up); },
                    [&] { return tail_sum(u - zeta_ - zeta_lo_, up, true); });
            };
            const double lt = side(upper);
            r = std::exp(lt);
            if (r > 0.5)
                r = 1 - std::exp(side(!upper));
        } else {
            r = tail_sum(u, upper, false, memo);
        }
        return r > 1 ? 1.0 : (r < 0 ? 0.0 : r); // NaN (u = NaN) passes through
    }

    double cdf(double u, double u_lo = 0, stable_series_memos *memo = nullptr) const {
        return tail(u, false, u_lo, memo);
    }
    double ccdf(double u, double u_lo = 0, stable_series_memos *memo = nullptr) const {
        return tail(u, true, u_lo, memo);
    }

  private:
    struct near_nodes;

    // The light tail of |beta| = 1 at u + u_lo (stable_light_tail): false
    // where it does not apply (not |beta| = 1, the heavy side, G < 10).
    bool light(double u, double u_lo, bool want_dens, bool want_tail, double &log_dens,
               double &log_tail) const {
        if (!light_)
            return false;
        const double un = beta_ > 0 ? u : -u, lon = beta_ > 0 ? u_lo : -u_lo;
        const auto p = kind_ == kind::general ? light_->from_s1(un, lon) : light_->from_s0(un, lon);
        if (!light_->applies(p))
            return false;
        light_->eval(p, want_dens, want_tail, log_dens, log_tail);
        return true;
    }

    // Far in a heavy tail (alpha != 1): log f and the log of the tail beyond
    // u from the series' leading term; false elsewhere.
    bool far(double u, double &log_dens, double &log_tail) const {
        if (kind_ != kind::general && kind_ != kind::near_one)
            return false;
        const double y = kind_ == kind::near_one ? (u - zeta_) - zeta_lo_ : u;
        if (!(std::abs(y) > far_floor))
            return false;
        // from |y| > y_far: |y|^-alpha (1 + |zeta|) / (1 +- beta) < 1e-30 (y_far
        // >= (1e30 / 2)^(1/2) > far_floor for every alpha < 2 and beta)
        const double w = y > 0 ? 1 + beta_ : 1 - beta_;
        if (!(w > 0))
            return false;
        const double lmin = 30 * std::log(10.0) + std::log1p(std::abs(zeta_));
        if (!(std::abs(y) > std::exp((lmin - std::log(w)) / alpha_)))
            return false;
        // log C = log(Gamma(alpha) sin(pi alpha / 2) / pi), the sine from the
        // nearer of 0 and 2 (exact argument)
        const double sn = std::sin(std::numbers::pi / 2 * (alpha_ > 1 ? 2 - alpha_ : alpha_));
        const double log_c = std::lgamma(alpha_) + std::log(sn) - std::log(std::numbers::pi);
        const long double lay = std::log(std::abs((long double)y));
        const long double lt = log_c + std::log((long double)w) - alpha_ * lay;
        log_tail = double(lt);
        log_dens = double(lt + std::log((long double)alpha_) - lay);
        return true;
    }

    // The series of density_series.hpp at S1 y != 0 (general kind): the
    // power series for alpha > 1 where |y| c^(-1/alpha) < 2 (its terms
    // fall from the first), else the tail series on y's side. log f
    // (want_dens) and the logs of cdf and ccdf (want_tail); false where
    // neither converges to full precision within its budget.
    bool series(double y, bool want_dens, bool want_tail, double &log_dens, double &log_cdf,
                double &log_ccdf, stable_series_memos *memo) const {
        if (alpha_ > 1 && std::abs(y) * std::exp(pos_.log_cos_at0 / alpha_) < 2) {
            double d = 0, c = 0, cc = 0;
            if (stable_power_series(pos_, y, want_dens, want_tail, d, c, cc,
                                    memo ? &memo->power_dens : nullptr,
                                    memo ? &memo->power_tail : nullptr)) {
                log_dens = std::log(d);
                log_cdf = std::log(c);
                log_ccdf = std::log(cc);
                return true;
            }
        }
        const bool pos = y > 0;
        double lt = 0;
        if (!stable_tail_series(pos ? pos_ : neg_, std::abs(y), want_dens, want_tail, log_dens, lt,
                                memo ? &memo->tail_dens[pos] : nullptr,
                                memo ? &memo->tail_tail[pos] : nullptr))
            return false;
        // lt: the tail beyond |y| on y's side; the other one is 1 - it
        const double other = std::log1p(-std::exp(lt));
        log_cdf = pos ? other : lt;
        log_ccdf = pos ? lt : other;
        return true;
    }

    // Near alpha = 1 at S0 point z: the polynomial in alpha through
    // node(n, y) at the Chebyshev nodes n (y = z - their zeta), or direct()
    // on the light side of |beta| = 1 (beta z < -3.5; the nodes of alpha < 1
    // also end at their own support edge there).
    template <class Node, class Direct>
    double near_one(double z, const Node &node, const Direct &direct) const;

    double logpdf_direct(double y, stable_series_memos *memo = nullptr) const {
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
            double dens = 0, near = 0;
            if (stable_one_far(b, x, dens, near, true, false))
                return std::log(dens / (2 * b));
            const stable_side1 s{b};
            const auto lg = stable_half_log_g(s, x, pi);
            const auto r = stable_integrate(lg, pi, want_density, tol);
            return std::log(r.dens) + r.shift - std::log(2 * b);
        }
        case kind::general:
        case kind::near_one:
            break;
        }
        if (y == 0)
            return log_f_zero();
        const stable_side &s = y > 0 ? pos_ : neg_;
        const double ay = std::abs(y);
        if (s.len <= 0)
            return -INFINITY;
        if (double ld, lc, lu; series(y, true, false, ld, lc, lu, memo))
            return ld;
        const double ly = std::log(ay);
        const auto lg = stable_half_log_g(s, ly, s.len);
        const auto r = stable_integrate(lg, s.len, want_density, tol);
        return std::log(r.dens) + r.shift + std::log(alpha_ / (pi * std::abs(alpha_ - 1))) - ly;
    }

    // log_out: the log of the tail (general kind only)
    double tail_sum(double y, bool upper, bool log_out = false,
                    stable_series_memos *memo = nullptr) const {
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
            double dens = 0, near = 0;
            if (stable_one_far(b, x, dens, near, false, true)) {
                // x > 0: near = int (1 - e^-g) = pi ccdf; x < 0: near = int e^-g = pi cdf
                const bool near_is_up = x > 0;
                return (up == near_is_up ? near : pi - near) / pi;
            }
            const stable_side1 s{b};
            const auto lg = stable_half_log_g(s, x, pi);
            // the tail on the x > 0 side (u = true) or the x < 0 side
            auto direct = [&](bool u) {
                const auto r = stable_integrate(lg, pi, u ? want_upper : want_lower, tol);
                return (u ? r.upper : r.lower * std::exp(-r.g_ref)) / pi;
            };
            const bool near_side = (x > 0) == up;
            return smaller_first([&](bool near) { return direct(near == (x > 0)); }, near_side);
        }
        case kind::general:
        case kind::near_one:
            break;
        }
        if (y == 0) {
            const double t = (upper ? neg_.head : pos_.head) / pi;
            return log_out ? std::log(t) : t;
        }
        // reflection: the y < 0 tail is the y > 0 tail of -beta
        const bool pos = y > 0;
        const stable_side &s = pos ? pos_ : neg_;
        const bool up = pos ? upper : !upper; // tail of |y| on the far side?
        if (s.len <= 0)
            return log_out ? (up ? -INFINITY : 0.0) : (up ? 0.0 : 1.0);
        if (double ld, lc, lu; series(y, false, true, ld, lc, lu, memo)) {
            const double l = upper ? lu : lc;
            return log_out ? l : std::exp(l);
        }
        const double ly = std::log(std::abs(y));
        const auto lg = stable_half_log_g(s, ly, s.len);
        // alpha < 1: cdf = head/pi + I(e^-g)/pi, ccdf = I(1 - e^-g)/pi
        // alpha > 1: cdf = head/pi + I(1 - e^-g)/pi, ccdf = I(e^-g)/pi
        const bool far_is_lower = alpha_ > 1;
        auto what = [&](bool u) { return u == far_is_lower ? want_lower : want_upper; };
        auto direct = [&](bool u) {
            const unsigned w = what(u);
            const auto r = stable_integrate(lg, s.len, w, tol);
            const double i = (w == want_lower ? r.lower * std::exp(-r.g_ref) : r.upper) / pi;
            return u ? i : s.head / pi + i;
        };
        // The tail on the side of 0 is head/pi at y = 0 and grows with |y|
        // to 1/2 at the median, which lies near the S0 origin z = y + zeta = 0
        // (the S0 law's median is O(1) from it, zeta is not: |zeta| ~ 2 /
        // (pi |alpha - 1|)). Below that guess the far side is likely the
        // smaller tail: integrating it first saves the second integral that
        // near-first would need there (a wrong guess costs only that).
        const double hp = s.head / pi;
        const bool far_first = hp < 0.5 && (y + zeta_ > 0) != pos;
        const double t = smaller_first(direct, up, far_first);
        if (!log_out || t > 1e-280)
            return log_out ? std::min(std::log(t), 0.0) : t;
        // log of a tail below 1e-280 (the near-alpha = 1 nodes): the
        // integral that gave it, direct(up), with e^-g_ref kept in the log
        const unsigned w = what(up);
        const auto r = stable_integrate(lg, s.len, w, tol);
        const double li =
            w == want_lower ? std::log(r.lower) - r.g_ref - std::log(pi) : std::log(r.upper / pi);
        return up || s.head == 0 ? li : std::log(s.head / pi + std::exp(li));
    }

  public:
    /// log of tail(y, upper), finite where the tail underflows (general kind).
    double log_tail(double y, bool upper) const {
        if (kind_ != kind::general || y == 0 || !std::isfinite(y))
            return std::log(tail(y, upper));
        return tail_sum(y, upper, true);
    }

    /// One tail from the other: the near-side tail (the one beyond |y|) is
    /// integrated first; if it is <= 3/4 the far side is 1 - it, else the far
    /// side is integrated and the near side is 1 - that. So a tail below 1/4
    /// is always a direct integral (full relative accuracy), and one in
    /// [1/4, 1/2] is a direct integral or 1 - v with v <= 3/4 a direct
    /// integral: 1 - v is exact (Sterbenz) and v's relative error grows by
    /// v / (1 - v) <= 3 in it (the quadrature's is <= ~1e-13). The larger
    /// tail is 1 - the other: cdf + ccdf = 1 to an ulp, both stay in [0, 1],
    /// and a far side near 1 is monotone (a direct integral of ~1 rounds to
    /// either side of 1). far_first: integrate the far side first instead
    /// (the caller's guess that it is the smaller; the rule above holds
    /// either way). A second integral is needed only where the first one is
    /// > 3/4 (with 1/2 there, the points next to the median needed two
    /// whenever the guess was wrong: 8 of the benchmark's 468 cdf points).
    template <class F>
    static double smaller_first(const F &direct, bool near, bool far_first = false) {
        // direct(true) is the near side's tail, direct(false) the far side's
        const bool first = !far_first;
        if (const double v = direct(first); v <= 0.75)
            return near == first ? v : 1 - v;
        const double v = direct(!first);
        return near == !first ? v : 1 - v;
    }

    enum class kind { gauss, cauchy, levy, one, general, near_one };
    double alpha_ = 2, beta_ = 0, zeta_ = 0, zeta_lo_ = 0;
    static constexpr double far_floor = 1e14; // far() never applies at or below
    kind kind_ = kind::gauss;
    stable_side pos_, neg_;
    std::shared_ptr<const near_nodes> near_; // near_one only
    std::optional<stable_light_tail> light_; // |beta| = 1 only
};

/// The laws at the Chebyshev nodes alpha_j = 1 + width cos((2j + 1) pi / (2n))
/// (first kind) and their barycentric weights (-1)^j sin((2j + 1) pi / (2n)).
struct stable_standard::near_nodes {
    std::array<stable_standard, near_one_nodes> law;
    std::array<double, near_one_nodes> t, w, zeta_lo;
    double t_at; // (alpha - 1) / width of the law itself
    near_nodes(double alpha, double beta) : t_at((alpha - 1) / near_one_width) {
        constexpr double pi = std::numbers::pi;
        for (int j = 0; j < near_one_nodes; ++j) {
            const double th = (2 * j + 1) * pi / (2 * near_one_nodes);
            t[j] = std::cos(th);
            w[j] = (j % 2 ? -1 : 1) * std::sin(th);
            const double a = 1 + near_one_width * t[j];
            law[j] = stable_standard(a, beta, false);
            zeta_lo[j] = law[j].zeta_lo();
        }
    }
};

template <class Node, class Direct>
double stable_standard::near_one(double z, const Node &node, const Direct &direct) const {
    const bool light = std::abs(beta_) == 1 && beta_ * z < -1;
    const near_nodes &n = *near_;
    double num = 0, den = 0;
    for (int j = 0; j < near_one_nodes; ++j) {
        const stable_standard &l = n.law[j];
        double v = node(l, (z - l.zeta()) - n.zeta_lo[j]);
        if (light)
            v = std::log(-v);
        if (!std::isfinite(v)) // a node's value underflowed (|z| ~ 1e290)
            return direct();
        const double c = n.w[j] / (n.t_at - n.t[j]);
        num += c * v;
        den += c;
    }
    return light ? -std::exp(num / den) : num / den;
}

} // namespace levysgd::detail
