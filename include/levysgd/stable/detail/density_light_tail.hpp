#pragma once
// The light tail of a totally skewed stable law (|beta| = 1, any alpha in
// (0, 2)), where the density is exp(-G) times a slowly varying factor and G
// reaches ~700 before the density underflows.
//
// Reduced to beta = 1 (reflection), the light side is y -> 0+ (alpha < 1,
// the support edge) or y -> -inf (alpha >= 1). In Nolan's integral (Nolan
// 1997, Thm 1; density_integrand.hpp) g is monotone and smallest at one end
// of the theta range; in the distance v from that end (v in (0, pi) for
// alpha <= 1, (0, pi / alpha) for alpha > 1), with d = alpha - 1,
//   log g(v) = log G + Delta(v),
//   log G = alpha log(y c / alpha) / d - log S,  c = sin(pi |d| / 2), S = c / |d|
//           (S1 y of the beta = 1 law, |y| for alpha > 1),
//   Delta(v) = (alpha / d) [ls(v) - ls(alpha v)] + ls(|d| v) - ls(v) >= 0,
//   ls(x) = log(sin x / x),
// (Zolotarev 1986; Delta does not depend on y). Both terms of Delta are
// positive, ~ alpha v^2 / 2 together, and are computed without cancellation
// (the divided differences below), so that
//   f   = S / (pi y c / alpha) * G e^-G * J1,  J1 = int e^(Delta - G expm1(Delta)) dv,
//   cdf = e^-G J0 / pi,                         J0 = int e^(-G expm1(Delta)) dv
// (the light-side tail) keep full relative accuracy: f's relative error is
// G times the absolute error of log G, so log G is computed in long double,
// and near alpha = 1 from the S0 coordinate z of the beta = 1 law, where
// y c / alpha = 1 + q with
//   q / d = [(cos(pi d / 2) - 1) / d - 1 - z sin(pi d / 2) / d] / alpha
// (finite as d -> 0: the alpha = 1 law's log G = -1 - pi z / 2 - log(pi / 2)).
// The general integrand instead divides a rounded log g bracket by
// alpha - 1 (4e-10 at alpha = 1.001, f ~ 1e-250).
//
// Scalar code (log G and the constants in long double, Delta in double: its
// terms are accurate to a few ulps relative, so G Delta to ~1e-14 where the
// mass is), used only where G >= light_min_G (f < ~1e-4): ~150 integrand
// evaluations per value, 23 us against 14-18 us for the general integral
// (1.3-1.7x; 2x faster near alpha = 1, where that interpolated 16 integrals).

#include <cmath>
#include <initializer_list>
#include <numbers>

#include "../../core/gauss_kronrod.hpp"

namespace levysgd::detail {

namespace light_tail_series {

/// The alternating series sum_{n >= 1} term_n with term_1 = first and
/// term_(n+1) = -x2 term_n / den(n), summed until a term is below 1e-21 of
/// the sum (at most 29 terms).
template <class ld, class Den> ld alternating_series(ld first, ld x2, const Den &den) {
    ld term = first, sum = 0;
    for (int n = 1; n < 30 && std::abs(term) > ld(1e-21) * std::abs(sum); ++n) {
        sum += term;
        term *= -x2 / den(n);
    }
    return sum;
}

/// sin x - x cos x (x >= 0), without cancellation for small x.
template <class ld> ld sin_minus_xcos(ld x, ld sx, ld cx) {
    if (x >= 1)
        return sx - x * cx;
    // sum_{n >= 1} (-1)^(n+1) 2n x^(2n+1) / (2n+1)!: n = 1 is 2 x^3 / 3!, and
    // term_(n+1) / term_n = -x^2 (2n + 2) / ((2n) (2n + 2) (2n + 3))
    const ld x2 = x * x;
    return alternating_series(x * x2 / 3, x2, [](int n) { return ld(2 * n) * ld(2 * n + 3); });
}

/// x - sin x, without cancellation for small |x|.
template <class ld> ld x_minus_sin(ld x) {
    if (std::abs(x) >= 1)
        return x - std::sin(x);
    const ld x2 = x * x;
    return alternating_series(x * x2 / 6, x2,
                              [](int n) { return ld(2 * n + 2) * ld(2 * n + 3); });
}

/// ls(x) = log(sin x / x), x in [0, pi).
template <class ld> ld log_sinc(ld x) {
    if (x >= 1)
        return std::log(std::sin(x) / x);
    // sin x / x - 1 = sum_{n >= 1} (-1)^n x^(2n) / (2n+1)!
    const ld x2 = x * x;
    return std::log1p(
        alternating_series(-x2 / 6, x2, [](int n) { return ld(2 * n + 2) * ld(2 * n + 3); }));
}

/// (ls(v) - ls(k v)) / delta, k = 1 + delta > 0, k v < pi, given sin v, cos v:
/// sin(k v) / (k sin v) - 1 = -delta M / (k sin v) with
/// M = (sin v - v cos v) + cos v (delta v - sin(delta v)) / delta
///     + 2 sin v sin^2(delta v / 2) / delta, each term accurate (delta -> 0: 1 - v cot v).
template <class ld> ld divided_log_sinc(ld v, ld delta, ld sv, ld cv) {
    ld m = sin_minus_xcos(v, sv, cv);
    if (delta != 0) {
        const ld h = std::sin(delta * v / 2);
        m += cv * x_minus_sin(delta * v) / delta + 2 * sv * h * h / delta;
    }
    const ld k = 1 + delta;
    const ld base = m / (k * sv);
    const ld r = -delta * base;
    return r == 0 ? base : base * (std::log1p(r) / r);
}

} // namespace light_tail_series

/// The light tail of the standard law S(alpha, 1) (beta = -1 by reflection):
/// log G from the S1 or S0 coordinate, then log f and the log of the tail.
class stable_light_tail {
  public:
    using ld = long double;
    /// below this G the general integral is accurate (f > ~1e-4; alpha = 1:
    /// G >= e, where its integrand loses the tail to cancellation)
    static constexpr double light_min_G = 10;

    stable_light_tail() = default;
    explicit stable_light_tail(double alpha) : alpha_(alpha), d_(ld(alpha) - 1) {
        constexpr ld pi = std::numbers::pi_v<ld>;
        c_ = std::sin(pi * std::abs(d_) / 2);
        log_s_ = d_ == 0 ? std::log(pi / 2) : std::log(c_ / std::abs(d_));
        vmax_ = alpha > 1 ? double(pi / alpha) : double(pi);
    }

    /// log G and y c / alpha at a point; ok = false off the light side.
    struct point {
        bool ok = false;
        ld log_g = 0, p1 = 1;
    };

    /// From the S1 coordinate y of the beta = 1 law (alpha != 1), y = hi + lo.
    point from_s1(double y, double lo) const {
        point p;
        const ld yy = ld(y) + ld(lo);
        p.p1 = (alpha_ > 1 ? -yy : yy) * c_ / ld(alpha_);
        if (!(p.p1 > 0) || alpha_ == 1)
            return p;
        const ld q = p.p1 - 1;
        const ld lq = std::abs(q) < 0.5L ? std::log1p(q) : std::log(p.p1);
        p.log_g = ld(alpha_) * lq / d_ - log_s_;
        p.ok = true;
        return p;
    }

    /// From the S0 coordinate z of the beta = 1 law (any alpha; alpha = 1: z = x), z = hi + lo.
    point from_s0(double z, double lo) const {
        constexpr ld pi = std::numbers::pi_v<ld>;
        point p;
        const ld zz = ld(z) + ld(lo);
        ld qd; // q / d
        if (d_ == 0) {
            qd = -1 - zz * pi / 2;
        } else {
            const ld h = std::sin(pi * d_ / 4);
            qd = (-2 * h * h / d_ - 1 - zz * std::sin(pi * d_ / 2) / d_) / ld(alpha_);
        }
        const ld q = d_ * qd;
        p.p1 = 1 + q;
        if (!(p.p1 > 0))
            return p;
        const ld l = q == 0 ? qd : qd * (std::log1p(q) / q); // log(1 + q) / d
        p.log_g = ld(alpha_) * l - log_s_;
        p.ok = true;
        return p;
    }

    /// Whether the light-tail form is used at p.
    bool applies(const point &p) const {
        return p.ok && p.log_g >= (d_ == 0 ? 1 : std::log(ld(light_min_G)));
    }

    /// log f at p (want_dens) and the log of the light-side tail (cdf of the
    /// beta = 1 law); -inf where log f < -DBL_MAX.
    void eval(const point &p, bool want_dens, bool want_tail, double &log_dens,
              double &log_tail) const {
        constexpr ld pi = std::numbers::pi_v<ld>;
        const ld G = std::exp(p.log_g);
        log_dens = log_tail = -INFINITY;
        if (!(G < ld(1e300)))
            return;
        const double sig = double(1 / std::sqrt(ld(alpha_) * G));
        double br[12];
        int n = 0;
        br[n++] = 0;
        for (double k : {1.0, 2.0, 3.0, 4.0, 6.0, 8.0, 12.0, 20.0, 40.0})
            if (k * sig < vmax_)
                br[n++] = k * sig;
        br[n++] = vmax_;
        const double g = double(G);
        auto term = [&](double v, bool dens) {
            const double dl = delta(v);
            const double e = -g * std::expm1(dl) + (dens ? dl : 0);
            return e < -800 || !(dl < 800) ? 0.0 : std::exp(e);
        };
        if (want_dens) {
            const double j1 =
                core::gk15_adaptive([&](double v) { return term(v, true); }, br, n, 1e-14);
            log_dens = double(log_s_ - std::log(pi * p.p1) + p.log_g - G + std::log(ld(j1)));
        }
        if (want_tail) {
            const double j0 =
                core::gk15_adaptive([&](double v) { return term(v, false); }, br, n, 1e-14);
            log_tail = double(std::log(ld(j0) / pi) - G);
        }
    }

  private:
    /// Delta(v) = log g(v) - log G >= 0, in double: every term is computed
    /// to a few ulps relative, so G Delta (<= ~40 where the mass is) to ~1e-14.
    double delta(double v) const {
        using namespace light_tail_series;
        const double sv = std::sin(v), cv = std::cos(v);
        const double a = alpha_, ad = std::abs(double(d_));
        // (alpha / d) [ls(v) - ls(alpha v)]
        const double t1 = a * divided_log_sinc(v, double(d_), sv, cv);
        // ls(|d| v) - ls(v): direct where ls(v) dominates, else as a divided difference
        const double t2 = ad < 0.5 ? log_sinc(ad * v) - log_sinc(v)
                                   : (1 - ad) * divided_log_sinc(v, ad - 1, sv, cv);
        return t1 + t2;
    }

    double alpha_ = 1;
    ld d_ = 0, c_ = 0, log_s_ = 0;
    double vmax_ = 0;
};

} // namespace levysgd::detail
