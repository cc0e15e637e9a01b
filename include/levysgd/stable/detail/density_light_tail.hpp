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
// log G and the constants in long double, Delta in double (its terms are
// accurate to a few ulps relative, so G Delta to ~1e-14 where the mass is),
// the nodes of each Gauss-Kronrod panel evaluated as xsimd batches; used only
// where G >= light_min_G (f < ~1e-4). The integrands fall monotonically in
// v, so the panels past 8-20 sigma that hold < 1e-17 of the value are left
// out: ~100 integrand evaluations per value. Where the nodes of a call lie
// within 0.6 vmax, Delta is its power series in (v / vmax)^2
// (delta_series: positive terms, <= 9e-16 relative against mpmath), a Horner
// sum of 40 terms or fewer instead of ~7 sines and logs per node: the cdf
// at alpha = 1, beta = 1, x = -100 took 2.4 us instead of 11.6 us, at
// alpha = 1.5, beta = 1, y = -6 4.1 us instead of 7.5 us (AVX2 EPYC).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <numbers>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "../../core/gauss_kronrod.hpp"
#include "../../detail/fast_math.hpp"
#include "../../detail/simd_bits.hpp"

namespace levysgd::detail {

namespace light_tail_series {

// Written over T = double or an xsimd batch of doubles (the eval below runs
// the nodes of a panel as batches): the branches are select (core's for
// scalars, xsimd's for batches), the series
// run a fixed number of terms for batches. Unqualified math calls find
// xsimd's functions for batches by argument-dependent lookup.
using std::abs;
using std::cos;
using std::fma;
using std::log;
using std::log1p;
using std::sin;

/// The alternating series sum_{n >= 1} term_n with term_1 = first and
/// term_(n+1) = -x2 term_n / den(n), for x2 < 1 and den(n) >= 20: summed
/// until a term is below 1e-21 of the sum (scalar, at most 29 terms), or 12
/// terms for batches (term_12 < x2^11 / 20^11 < 1e-14 of term_1, and each
/// later ratio is smaller: far below 1e-21 of the sum).
template <class T, class Den> T alternating_series(T first, T x2, const Den &den) {
    T term = first, sum(0.0);
    if constexpr (std::is_floating_point_v<T>) {
        for (int n = 1; n < 30 && std::abs(term) > 1e-21 * std::abs(sum); ++n) {
            sum += term;
            term *= -x2 / den(n);
        }
    } else {
        for (int n = 1; n <= 12; ++n) {
            sum += term;
            term *= x2 * T(-1 / den(n)); // a scalar reciprocal: no batch division
        }
    }
    return sum;
}

/// sin x - x cos x (x >= 0), without cancellation for small x.
template <class T> T sin_minus_xcos(T x, T sx, T cx) {
    // x < 1: sum_{n >= 1} (-1)^(n+1) 2n x^(2n+1) / (2n+1)!: n = 1 is 2 x^3 / 3!,
    // and term_(n+1) / term_n = -x^2 (2n + 2) / ((2n) (2n + 2) (2n + 3))
    const T x2 = x * x;
    return select(x >= T(1.0), T(sx - x * cx), alternating_series(T(x * x2 / 3), x2, [](int n) {
                      return double(2 * n) * double(2 * n + 3);
                  }));
}

/// x - sin x, without cancellation for small |x|.
template <class T> T x_minus_sin(T x) {
    const T x2 = x * x;
    return select(abs(x) >= T(1.0), T(x - sin(x)), alternating_series(T(x * x2 / 6), x2, [](int n) {
                      return double(2 * n + 2) * double(2 * n + 3);
                  }));
}

/// ls(x) = log(sin x / x), x in [0, pi).
template <class T> T log_sinc(T x) {
    // x < 1: sin x / x - 1 = sum_{n >= 1} (-1)^n x^(2n) / (2n+1)!
    const T x2 = x * x;
    const T small = log1p(alternating_series(
        T(-x2 / 6), x2, [](int n) { return double(2 * n + 2) * double(2 * n + 3); }));
    return select(x >= T(1.0), T(log(sin(x) / x)), small);
}

/// (ls(v) - ls(k v)) / delta, k = 1 + delta > 0, k v < pi, given sin v, cos v:
/// sin(k v) / (k sin v) - 1 = -delta M / (k sin v) with
/// M = (sin v - v cos v) + cos v (delta v - sin(delta v)) / delta
///     + 2 sin v sin^2(delta v / 2) / delta, each term accurate (delta -> 0: 1 - v cot v).
template <class T> T divided_log_sinc(T v, double delta, T sv, T cv) {
    T m = sin_minus_xcos(v, sv, cv);
    if (delta != 0) {
        const T h = sin(T(delta / 2) * v);
        m += cv * x_minus_sin(T(delta) * v) / T(delta) + T(2.0) * sv * h * h / T(delta);
    }
    const double k = 1 + delta;
    const T base = m / (T(k) * sv);
    const T r = T(-delta) * base;
    // log1p(r) / r -> 1 as r -> 0 (r = 0 exactly only if delta = 0 or M = 0)
    return select(r == T(0.0), base, T(base * (log1p(r) / r)));
}

/// zeta(2n) for n = 1..40 (mpmath, 20 digits; 1 to double from n = 28 on).
// clang-format off
inline constexpr double zeta_even[40] = {
    1.6449340668482264365, 1.0823232337111381915, 1.0173430619844491397,
    1.0040773561979443394, 1.0009945751278180853, 1.0002460865533080483,
    1.0000612481350587048, 1.0000152822594086519, 1.0000038172932649998,
    1.0000009539620338728, 1.0000002384505027277, 1.0000000596081890513,
    1.0000000149015548284, 1.0000000037253340248, 1.0000000009313274324,
    1.0000000002328311834, 1.0000000000582077209, 1.0000000000145519219,
    1.0000000000036379795, 1.0000000000009094948, 1.0000000000002273737,
    1.0000000000000568434, 1.0000000000000142109, 1.0000000000000035527,
    1.0000000000000008882, 1.000000000000000222,  1.0000000000000000555,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
// clang-format on

/// The power series of Delta (stable_light_tail) in t = (v / vmax)^2:
/// with -ls(x) = sum_{n >= 1} zeta(2n) / (n pi^2n) x^2n (radius pi),
///   Delta(v) = sum_n zeta(2n) / (n pi^2n) [alpha S_2n(alpha) + 1 - |d|^2n] v^2n,
///   S_m(x) = sum_{k < m} x^k = (x^m - 1) / (x - 1),
/// every coefficient positive (alpha (alpha^2n - 1) / d and 1 - |d|^2n = (1 - |d|)
/// S_2n(|d|) are sums of positive terms; no cancellation, also as d -> 0),
/// radius vmax = pi / max(1, alpha). In t the coefficients b_n stay below
/// a few (alpha > 1 scales by alpha^-2n: alpha S_2n(alpha) alpha^-2n =
/// alpha sum_{j=1..2n} alpha^-j), and n terms leave at most
/// (max b / b_1) t^n / (1 - t) of the sum (its first term is b_1 t): a sum
/// of positive terms, accurate to a few ulps relative.
struct delta_series {
    static constexpr int max_terms = 40;
    double b[max_terms];
    double ratio = 1; // max b_n / b_1
    explicit delta_series(double alpha) {
        const double d = std::abs(alpha - 1), c = 1 - d; // c = 1 - |d|: alpha or 2 - alpha
        const double rho = alpha > 1 ? 1 / alpha : 1.0;  // t-scaling per power of v
        // sa: alpha S_2n(alpha) alpha^-2n (alpha > 1) or alpha S_2n(alpha);
        // sd: S_2n(|d|); pd = |d|^k; pr = rho^2n
        double sa = 0, sd = 0, pa = 1, pd = 1, pr = 1, bmax = 0;
        for (int n = 1; n <= max_terms; ++n) {
            for (int k = 0; k < 2; ++k) {
                if (alpha > 1) {
                    pa *= rho; // rho^j, j = 2n - 1, 2n
                    sa += alpha * pa;
                } else {
                    sa += alpha * pa; // alpha^k, k = 2n - 2, 2n - 1
                    pa *= alpha;
                }
                sd += pd;
                pd *= d;
                pr *= rho;
            }
            b[n - 1] = zeta_even[n - 1] / n * (sa + c * sd * pr);
            bmax = std::max(bmax, b[n - 1]);
        }
        ratio = bmax / b[0];
    }
    /// Terms for t <= t_max: the rest below 1e-17 of the sum; 0 where
    /// max_terms do not reach that (t_max too close to 1).
    int terms(double t_max) const {
        if (!(t_max < 1))
            return 0;
        if (!(t_max > 0))
            return 1;
        double p = t_max; // t^n
        for (int n = 1; n <= max_terms; ++n, p *= t_max)
            if (ratio * p <= 1e-17 * (1 - t_max))
                return n;
        return 0;
    }
    /// Delta at t (Horner, n terms).
    template <class T> T operator()(const T &t, int n) const {
        T acc(b[n - 1]);
        for (int k = n - 2; k >= 0; --k)
            acc = fma(acc, t, T(b[k]));
        return acc * t;
    }
};

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
        const light_tail_series::delta_series ser(alpha_);
        // the nodes of two panels as batches (padded)
        using batch = xsimd::batch<double>;
        constexpr std::size_t lanes = batch::size, nodes = ((30 + lanes - 1) / lanes) * lanes;
        // the integrand (e^Delta for the density) e^(-G expm1(Delta)) at the
        // m (<= nodes) points x; Delta of every batch first, then the rest
        // (their dependency chains interleave)
        auto values = [&](const double *x, int m, double *out, bool dens) {
            alignas(64) double xs[nodes], ys[nodes];
            const int nb = int((m + lanes - 1) / lanes);
            for (int i = 0; i < nb * int(lanes); ++i)
                xs[i] = x[i < m ? i : 0];
            batch dls[nodes / lanes];
            // the series where it converges within its terms (all of a
            // point's panels where G is large), else the closed form
            double x_max = 0;
            for (int i = 0; i < m; ++i)
                x_max = std::max(x_max, x[i]);
            const double inv_vmax = 1 / vmax_;
            const int terms = ser.terms(x_max * inv_vmax * (x_max * inv_vmax));
            for (int k = 0; k < nb; ++k) {
                const batch v = batch::load_aligned(xs + k * lanes);
                if (terms > 0) {
                    const batch r = v * batch(inv_vmax);
                    dls[k] = ser(r * r, terms);
                } else {
                    dls[k] = delta(v);
                }
            }
            for (int k = 0; k < nb; ++k) {
                const batch dl = dls[k];
                const batch e = batch(-g) * fast_expm1(dl) + (dens ? dl : batch(0.0));
                // e < -800: below any double; dl NaN or huge (v at the far end): 0
                const auto zero = (e < batch(-800.0)) || !(dl < batch(800.0));
                xsimd::select(zero, batch(0.0), fast_exp(e)).store_aligned(ys + k * lanes);
            }
            for (int i = 0; i < m; ++i)
                out[i] = ys[i];
        };
        // Both integrands decrease in v (Delta increases from 0, and G >= 10
        // > e^-Delta): beyond a breakpoint b the rest is at most f(b) (vmax - b).
        // The panels beyond the first breakpoint of {8, 12, 20, 40} sigma where
        // that is below 1e-17 of the first panel's part (>= sigma f(sigma))
        // are left out (3 or 4 of the 10 where G is large).
        auto last_break = [&](bool dens) {
            double at[5] = {sig, 8 * sig, 12 * sig, 20 * sig, 40 * sig}, f[5];
            values(at, 5, f, dens);
            for (int j = 1; j < 5; ++j)
                if (at[j] < vmax_ && f[j] * (vmax_ - at[j]) <= 1e-17 * sig * f[0])
                    for (int i = 1; i < n; ++i)
                        if (br[i] == at[j])
                            return i + 1;
            return n;
        };
        auto integral = [&](bool dens) {
            return core::gk15_adaptive_panels<64, 2, true>(
                [&](const double *x, double *y, int k) { values(x, 15 * k, y, dens); }, br,
                last_break(dens), 1e-14);
        };
        if (want_dens) {
            const double j1 = integral(true);
            log_dens = double(log_s_ - std::log(pi * p.p1) + p.log_g - G + std::log(ld(j1)));
        }
        if (want_tail) {
            const double j0 = integral(false);
            log_tail = double(std::log(ld(j0) / pi) - G);
        }
    }

  private:
    /// Delta(v) = log g(v) - log G >= 0, in double: every term is computed
    /// to a few ulps relative, so G Delta (<= ~40 where the mass is) to ~1e-14.
    template <class T> T delta(const T &v) const {
        using namespace light_tail_series;
        const T sv = sin(v), cv = cos(v);
        const double a = alpha_, ad = std::abs(double(d_));
        // (alpha / d) [ls(v) - ls(alpha v)]
        const T t1 = T(a) * divided_log_sinc(v, double(d_), sv, cv);
        // ls(|d| v) - ls(v): direct where ls(v) dominates, else as a divided difference
        const T t2 = ad < 0.5 ? T(log_sinc(T(ad) * v) - log_sinc(v))
                              : T(T(1 - ad) * divided_log_sinc(v, ad - 1, sv, cv));
        return t1 + t2;
    }

    double alpha_ = 1;
    ld d_ = 0, c_ = 0, log_s_ = 0;
    double vmax_ = 0;
};

} // namespace levysgd::detail
