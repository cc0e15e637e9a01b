#pragma once
// Density, distribution function and complement of the standard alpha-stable
// law: Nolan's integral representation of Zolotarev's formulas (Nolan 1997,
// "Numerical calculation of stable densities and distribution functions",
// Thm 1), evaluated in double precision.
//
// Coordinates. Everything here is in the standard S1 coordinate y: for
// alpha != 1 the standard S0 variate z is y + zeta, zeta = -beta tan(pi a/2)
// (so y - 0 is Nolan's x - zeta and never needs the subtraction that loses
// precision near alpha = 1); for alpha = 1 S0 and S1 coincide and y = z.
// For y < 0 the reflection f(y; a, b) = f(-y; a, -b) (cdf <-> ccdf) is used,
// so the integrals below only ever see y > 0.
//
// alpha != 1, y > 0 (Nolan Thm 1 with the power of y folded into g):
//   theta on (-theta0, pi/2), theta0 = atan(beta tan(pi a/2)) / a,
//   u = theta + theta0 (distance from the lower end), w = pi/2 - theta,
//   log g = [a log(y cos(theta) / sin(a u)) + log cos(a theta0)] / (a - 1)
//           + log(cos(a theta0 + (a - 1) theta) / cos(theta))
//   f(y)  = a / (pi |a - 1| y) * int g e^-g dtheta
//   a < 1: cdf = (pi/2 - theta0)/pi + (1/pi) int e^-g,  ccdf = (1/pi) int (1 - e^-g)
//   a > 1: cdf = (pi/2 - theta0)/pi + (1/pi) int (1 - e^-g),  ccdf = (1/pi) int e^-g
// Each form is a sum of positive terms (no cancellation): the upper tail is
// accurate to the last digits, and so is the lower tail through reflection.
// g is monotone in theta (increasing for a < 1, decreasing for a > 1), so the
// density integrand g e^-g has a single peak at g = 1; it is located by a
// root search on log g, and both sides are integrated by adaptive
// Gauss-Kronrod (7-15) in a variable measured from the nearer end (u on the
// lower half, w on the upper half), so that sin/cos near the ends keep full
// relative accuracy however close the peak gets to an end.
//
// alpha = 1, beta > 0 (Nolan Thm 1, a = 1):
//   log g = -pi y / (2 beta) + log(2/pi) + log((pi/2 + beta theta) / cos theta)
//           + (pi/2 + beta theta) tan(theta) / beta,  theta in (-pi/2, pi/2)
//   f = 1/(2 beta) int g e^-g,  cdf = (1/pi) int e^-g,  ccdf = (1/pi) int (1 - e^-g).
//
// Closed forms: alpha = 2 (N(0, 2)), alpha = 1 & beta = 0 (Cauchy),
// alpha = 1/2 & |beta| = 1 (Levy, in S1 coordinates). At y = 0 (z = zeta):
// f = Gamma(1 + 1/a) cos(theta0) / (pi (1 + zeta^2)^(1/(2a))), cdf = (pi/2 - theta0)/pi.
//
// Near alpha = 1 the bracket in log g is a difference of O(log |zeta|) terms
// divided by a - 1: the absolute error of log g is about 1e-15 log|zeta| /
// |a - 1|, i.e. ~1e-12 at |a - 1| = 1e-3 (tested at 0.999 and 1.001) and
// growing as alpha -> 1; |a - 1| < 1e-6 is evaluated with the alpha = 1
// formula's neighbour only through this bound (see README, "Accuracy").
//
// Scalar code without Eigen, xsimd, exceptions or allocation (CUDA-ready).

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <xsimd/xsimd.hpp>

#include "../../detail/fast_math.hpp"
#include "../../detail/nan.hpp"
#include "../../detail/simd_bits.hpp"

namespace levysgd::detail {

/// sin(x) for x in [0, pi/2] (detail/fast_math.hpp's polynomial, <= 4 ulp).
template <class T> inline T stable_sin(const T &x) {
    return x * fast_math_constants<double>::sin_c(x * x);
}

/// tan(pi alpha / 2) to full relative accuracy: near alpha = 1 as
/// cot(pi (1 - alpha) / 2) and near alpha = 2 as -tan(pi (2 - alpha) / 2),
/// with 1 - alpha and 2 - alpha exact (Sterbenz). A direct tan(pi a/2) errs
/// by ~1e-16 |t| relative, which the 1 / (alpha - 1) in log g amplifies.
inline double tan_pi_half(double a) {
    constexpr double pi = std::numbers::pi;
    if (a < 0.5)
        return std::tan(pi * a / 2);
    if (a < 1.5)
        return 1 / std::tan(pi * (1 - a) / 2);
    return -std::tan(pi * (2 - a) / 2);
}

/// The three integrals of one evaluation at y > 0 (scaled: see shift).
struct stable_integrals {
    double dens = 0;  // int g e^-g dtheta, times exp(-shift)
    double shift = 0; // the density integral is dens * exp(shift)
    double lower = 0; // int e^-g dtheta, times exp(g_ref)
    double g_ref = 0; // the lower integral is lower * exp(-g_ref)
    double upper = 0; // int (1 - e^-g) dtheta
};

/// One side (beta or -beta) of a standard law with alpha != 1, for y > 0.
struct stable_side {
    double alpha = 2, beta = 0;
    double theta0 = 0;      // Nolan's theta_0
    double len = 0;         // pi/2 + theta0: length of the theta interval
    double head = 0;        // pi/2 - theta0 (cdf at y = 0 is head / pi)
    double a_len = 0;       // alpha * len, in (0, pi]
    double pi_m_a_len = 0;  // pi - alpha * len, computed without cancellation
    double log_cos_at0 = 0; // log cos(alpha theta0) = -log(1 + zeta^2) / 2
    double inv_am1 = 0;     // 1 / (alpha - 1)

    stable_side() = default;
    stable_side(double a, double b) : alpha(a), beta(b) {
        constexpr double pi = std::numbers::pi;
        const double t = tan_pi_half(a); // > 0 for a < 1, <= 0 for a > 1
        // alpha theta0 = atan(beta t); the lengths from atan differences written
        // as single atan2 calls, exact when |beta| = 1 (no pi/2 - pi/2).
        const double at0 = std::atan(b * t);
        theta0 = at0 / a;
        if (a < 1) {
            // pi a/2 = atan(t): pi a/2 -+ atan(b t) = atan2(t (1 -+ b), 1 +- b t^2)
            head = std::atan2(t * (1 - b), 1 + b * t * t) / a;
            a_len = std::atan2(t * (1 + b), 1 - b * t * t);
        } else {
            // pi a/2 = pi + atan(t)
            head = (pi + std::atan2(t * (1 - b), 1 + b * t * t)) / a;
            a_len = pi + std::atan2(t * (1 + b), 1 - b * t * t);
        }
        if (a_len < 0)
            a_len = 0;
        len = a_len / a;
        // pi - a len = -(atan t + atan(b t)) for a > 1; for a < 1 it is
        // pi - pi a/2 - atan(b t) = pi (1 - a/2) - atan(bt): no cancellation.
        pi_m_a_len = a > 1 ? std::atan2(-t * (1 + b), 1 - b * t * t) : pi - a_len;
        if (pi_m_a_len < 0)
            pi_m_a_len = 0;
        log_cos_at0 = -0.5 * std::log1p(b * b * t * t);
        if (std::abs(b * t) > 1) {
            log_bt = std::log(std::abs(b * t));
            log_rest = 0.5 * std::log1p(1 / (b * b * t * t));
        }
        inv_am1 = 1 / (a - 1);
    }

    /// log g at (u, w), u + w = len, for log y = ly; T = double or an
    /// xsimd batch (the Gauss-Kronrod nodes of a piece are evaluated
    /// together). Every sine argument is chosen in [0, pi/2] (the angle or
    /// its supplement, whichever keeps relative accuracy near the ends), so
    /// the restricted-range polynomials of detail/fast_math.hpp apply.
    template <class T> T log_g(const T &ly, const T &u, const T &w) const {
        const T hp(std::numbers::pi / 2);
        // cos(theta), theta = -theta0 + u = pi/2 - w
        const T c = stable_sin(select(w <= hp, w, u + T(head)));
        // sin(alpha u) = sin(pi - alpha len + alpha w)
        const T au = T(alpha) * u;
        const T s = stable_sin(select(au <= hp, au, T(pi_m_a_len) + T(alpha) * w));
        // cos(alpha theta0 + (alpha - 1) theta):
        //   alpha < 1: sin(head + (1 - alpha) u) = sin(alpha len + (1 - alpha) w)
        //   alpha > 1: sin(alpha len - (alpha - 1) w) = sin(pi - alpha len + (alpha - 1) w)
        T xt;
        if (alpha < 1) {
            const T xu = T(head) + T(1 - alpha) * u;
            xt = select(xu <= hp, xu, T(a_len) + T(1 - alpha) * w);
        } else {
            const T xw = T(a_len) - T(alpha - 1) * w;
            xt = select(xw <= hp, xw, T(pi_m_a_len) + T(alpha - 1) * w);
        }
        const T ct = stable_sin(xt);
        const T lcs = fast_log(c / s), ltc = fast_log(ct / c);
        if (log_bt > 0) {
            // |beta t| > 1: log cos(a theta0) = -log|bt| - log1p(1/(bt)^2)/2;
            // the O(log|bt|) parts cancel before the division by a - 1
            // (near alpha = 1, y ~ |bt| in the bulk of S1 and S0 alike).
            const T br = T(alpha) * (ly - T(log_bt) + lcs) - T(log_rest);
            return br * T(inv_am1) + T(log_bt) + ltc;
        }
        const T br = T(alpha) * (ly + lcs) + T(log_cos_at0);
        return br * T(inv_am1) + ltc;
    }
    double log_bt = 0;   // log|beta t| when |beta t| > 1, else 0
    double log_rest = 0; // log1p(1/(beta t)^2) / 2
};

/// Side data of alpha = 1, beta > 0.
struct stable_side1 {
    double beta = 1;
    template <class T> T log_g(const T &x, const T &u, const T &w) const {
        // theta = -pi/2 + u = pi/2 - w
        constexpr double pi = std::numbers::pi;
        const T hp(pi / 2);
        const T c = stable_sin(select(w <= hp, w, u)); // cos(theta)
        // sin(theta) = -sin(pi/2 - u) = sin(pi/2 - w)
        const T sn = select(u <= hp, -stable_sin(hp - u), stable_sin(hp - w));
        const T a = T((pi / 2) * (1 - beta)) + T(beta) * u; // pi/2 + beta theta
        return T(-pi / (2 * beta)) * x + T(std::log(2 / pi)) + fast_log(a / c) +
               a * sn / (c * T(beta));
    }
};

/// Kronrod 15 nodes (positive half) and weights; Gauss 7 weights on the odd nodes.
inline constexpr double gk15_xk[8] = {
    0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
    0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
    0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
    0.207784955007898467600689403773245, 0.0};
inline constexpr double gk15_wk[8] = {
    0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
    0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
    0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
    0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
inline constexpr double gk15_wg[4] = {
    0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
    0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

/// What an evaluation integrates.
enum stable_want : unsigned { want_density = 1, want_lower = 2, want_upper = 4 };

/// Adaptive Gauss-Kronrod (7-15) of the stable integrands of one evaluation.
/// The theta interval is split at its midpoint into two halves, each
/// integrated in the distance v from its own end (half 0: v = u from the
/// lower end, half 1: v = w from the upper end); lg(half, v) is log g there.
/// Global error control: the piece with the largest relative error estimate
/// is bisected until every wanted integral meets tol.
template <class LogG> class stable_quadrature {
  public:
    static constexpr int max_pieces = 96;

    /// The density integrand g e^-g is scaled by exp(-(l_ref - e^l_ref)):
    /// exp(dl - e^l_ref expm1(dl)), dl = log g - l_ref, which stays exact
    /// where g and e^l_ref are huge and equal to many digits (light tails).
    /// light: l_ref is the end where g is smallest (g > 1 everywhere), so
    /// dl >= 0 and the exponent is <= 0 exactly; it is capped there, since
    /// for a huge e_ref rounding noise in log g would push it far above.
    stable_quadrature(const LogG &lg, unsigned want, double l_ref, double g_ref, bool light)
        : lg_(lg), want_(want), shift_(l_ref - std::exp(l_ref)), l_ref_(l_ref),
          e_ref_(std::exp(l_ref)), e_cap_(light ? 0.0 : INFINITY), g_ref_(g_ref) {}

    /// Adds the piece [a, b] of half h.
    void add(int h, double a, double b) {
        if (b > a && n_ < max_pieces)
            p_[n_++] = rule(h, a, b);
    }

    /// Refines until the relative error estimate of each wanted integral is
    /// below tol (or the piece budget is spent); returns the integrals.
    stable_integrals run(double tol) {
        for (;;) {
            double tot[3] = {0, 0, 0}, err[3] = {0, 0, 0};
            for (int i = 0; i < n_; ++i)
                for (int k = 0; k < 3; ++k) {
                    tot[k] += p_[i].val[k];
                    err[k] += p_[i].err[k];
                }
            bool ok = true;
            for (int k = 0; k < 3; ++k)
                if ((want_ >> k) & 1u)
                    ok = ok && err[k] <= tol * std::abs(tot[k]) + 1e-300;
            if (ok || n_ + 1 >= max_pieces) {
                stable_integrals r;
                r.dens = tot[0];
                r.shift = shift_;
                r.lower = tot[1];
                r.g_ref = g_ref_;
                r.upper = tot[2];
                return r;
            }
            // worst piece by relative contribution
            int worst = 0;
            double wv = -1;
            for (int i = 0; i < n_; ++i) {
                double v = 0;
                for (int k = 0; k < 3; ++k)
                    if (((want_ >> k) & 1u) && tot[k] != 0)
                        v = std::max(v, p_[i].err[k] / std::abs(tot[k]));
                if (v > wv) {
                    wv = v;
                    worst = i;
                }
            }
            const piece old = p_[worst];
            const double mid = 0.5 * (old.a + old.b);
            p_[worst] = rule(old.h, old.a, mid);
            p_[n_++] = rule(old.h, mid, old.b);
        }
    }

  private:
    static constexpr const double *xk = gk15_xk, *wk = gk15_wk, *wg = gk15_wg;

    struct piece {
        int h;
        double a, b;
        double val[3];
        double err[3];
    };

    using batch = xsimd::batch<double>;
    static constexpr std::size_t lanes = batch::size;
    static constexpr std::size_t nodes = ((15 + lanes - 1) / lanes) * lanes;

    // The three integrands at s = log v (times the Jacobian v), for a batch
    // of nodes. NaN (an end of the range reached in rounding) counts as 0.
    void eval(int h, const batch &s, batch out[3]) const {
        const batch v = xsimd::max(fast_exp(s), batch(1e-300));
        const batch l = lg_(h, v);
        const auto bad = is_nan(l); // never l != l: ordered on AVX (detail/nan.hpp)
        const batch zero(0.0);
        out[0] = out[1] = out[2] = zero;
        if (want_ & want_density) {
            // e_ref = 0 (g < 1e-308 everywhere): e^-g = 1, and 0 * expm1 = NaN avoided
            const batch dl = l - batch(l_ref_);
            const batch e = e_ref_ > 0 ? dl - batch(e_ref_) * fast_expm1(dl) : dl;
            // NaN e: e_ref = inf times expm1(0) (log f < -DBL_MAX: contributes 0)
            const batch d = fast_exp(xsimd::min(e, batch(e_cap_)) + s);
            out[0] = select(bad || is_nan(e) || is_nan(d), zero, d);
        }
        if (!(want_ & (want_lower | want_upper)))
            return;
        const batch g = fast_exp(l);
        if (want_ & want_lower) {
            const batch lo = fast_exp(batch(g_ref_) - g + s);
            out[1] = select(bad || is_nan(lo), zero, lo);
        }
        if (want_ & want_upper) {
            const batch up = -fast_expm1(-g) * v;
            out[2] = select(bad || is_nan(up), zero, up);
        }
    }

    piece rule(int h, double a, double b) const {
        const double c = 0.5 * (a + b), hw = 0.5 * (b - a);
        // node i: c + hw * x_i, x = (-xk[0..6], 0, xk[6..0]); padding repeats c
        alignas(64) double xs[nodes];
        for (int j = 0; j < 7; ++j) {
            xs[j] = c - hw * xk[j];
            xs[14 - j] = c + hw * xk[j];
        }
        xs[7] = c;
        for (std::size_t i = 15; i < nodes; ++i)
            xs[i] = c;
        alignas(64) double f[3][nodes];
        for (std::size_t i = 0; i < nodes; i += lanes) {
            batch o[3];
            eval(h, batch::load_aligned(xs + i), o);
            for (int q = 0; q < 3; ++q)
                o[q].store_aligned(f[q] + i);
        }
        piece p{h, a, b, {}, {}};
        for (int q = 0; q < 3; ++q) {
            double k = wk[7] * f[q][7], g = wg[3] * f[q][7];
            for (int j = 0; j < 7; ++j) {
                k += wk[j] * (f[q][j] + f[q][14 - j]);
                if (j % 2 == 1)
                    g += wg[j / 2] * (f[q][j] + f[q][14 - j]);
            }
            p.val[q] = k * hw;
            p.err[q] = std::abs((k - g) * hw);
        }
        return p;
    }

    const LogG &lg_;
    unsigned want_;
    double shift_, l_ref_, e_ref_, e_cap_, g_ref_;
    piece p_[max_pieces];
    int n_ = 0;
};

/// Root of lg(h, v) = 0 for v in (0, vmax] on one half, where lg is monotone;
/// searched in log v (lg is close to linear in log v near the ends).
/// Returns 0 if lg has the same sign at the ends (no root: the peak is at an end).
template <class F> double stable_log_root(const F &f, double vmax, double &slope) {
    slope = 0;
    double hi = vmax, fhi = f(hi);
    if (fhi == 0)
        return hi;
    // walk towards 0 geometrically until the sign changes
    double lo = hi, flo = fhi;
    for (int k = 0; k < 64; ++k) {
        lo = hi * std::exp2(-16.0 * (k + 1) / 4.0);
        flo = f(lo);
        if (std::isnan(flo))
            return 0;
        if ((flo < 0) != (fhi < 0))
            break;
        hi = lo;
        fhi = flo;
        if (lo < 1e-300)
            return 0;
    }
    if ((flo < 0) == (fhi < 0))
        return 0;
    // Illinois false position on log v; the breakpoint need not be exact.
    double a = std::log(lo), b = std::log(hi), fa = flo, fb = fhi;
    int side = 0;
    double fa0 = fa, fb0 = fb; // unhalved values for the slope
    for (int it = 0; it < 60 && std::abs(b - a) > 1e-9 * (1 + std::abs(a)); ++it) {
        double c = (a * fb - b * fa) / (fb - fa);
        if (!(c > std::min(a, b) && c < std::max(a, b)))
            c = 0.5 * (a + b);
        const double fc = f(std::exp(c));
        if (std::abs(fc) < 1e-3) {
            // slope from the nearer bracket end
            const double e = std::abs(c - a) > std::abs(c - b) ? b : a;
            const double fe = e == a ? fa0 : fb0;
            slope = e != c ? (fe - fc) / (e - c) : (fb0 - fa0) / (b - a);
            return std::exp(c);
        }
        if ((fc < 0) == (fb < 0)) {
            b = c;
            fb = fb0 = fc;
            if (side == -1)
                fa *= 0.5;
            side = -1;
        } else {
            a = c;
            fa = fa0 = fc;
            if (side == 1)
                fb *= 0.5;
            side = 1;
        }
    }
    slope = (fb0 - fa0) / (b - a);
    return std::exp(0.5 * (a + b));
}

/// The integrals of one evaluation: the theta interval of length len, split
/// into halves; lg(h, v) gives log g. The density integrand is scaled by
/// exp(-shift), shift = the maximum of log g - g (found from the peak).
template <class LogG>
stable_integrals stable_integrate(const LogG &lg, double len, unsigned want, double tol) {
    const double half = 0.5 * len;
    // peak: g = 1, on whichever half lg changes sign
    const double l_mid = lg(0, half);
    double shift = 0;
    int peak_h = -1;
    double peak_v = 0;
    if (std::isnan(l_mid))
        return {};
    // lg at the ends of each half: sign tells where the root is
    auto f0 = [&](double v) { return lg(0, v); };
    auto f1 = [&](double v) { return lg(1, v); };
    double slope = 0;
    const double r0 = stable_log_root(f0, half, slope);
    if (r0 > 0 && r0 < half) {
        peak_h = 0;
        peak_v = r0;
    } else {
        const double r1 = stable_log_root(f1, half, slope);
        if (r1 > 0 && r1 < half) {
            peak_h = 1;
            peak_v = r1;
        }
    }
    double g_ref = 0; // g where the density integrand peaks (scales the e^-g integral)
    bool light = false; // g > 1 everywhere, smallest at an end
    double l_ref = 0; // log g there: the density integrand is scaled by exp(-(l_ref - e^l_ref))
    if (peak_h >= 0) {
        l_ref = lg(peak_h, peak_v);
        shift = l_ref - std::exp(l_ref);
        g_ref = std::exp(l_ref);
    } else {
        // no root: g stays on one side of 1; the maximum of l - e^l is at the
        // end where g is closest to 1. Probe both ends close in.
        const double la = lg(0, half * 1e-12), lb = lg(1, half * 1e-12);
        const double ma = std::isfinite(la) ? la - std::exp(la) : -INFINITY;
        const double mb = std::isfinite(lb) ? lb - std::exp(lb) : -INFINITY;
        const double mm = l_mid - std::exp(l_mid);
        shift = mm;
        double lr = l_mid;
        int h_end = -1;
        // l - e^l is -inf for every l > 709.8 (g > 1 everywhere, far in a
        // light tail): among those, the smaller l is the nearer to g = 1
        auto better = [](double m, double l, double m_best, double l_best) {
            return m > m_best || (m == m_best && m == -INFINITY && l > 0 && l < l_best);
        };
        if (std::isfinite(la) && better(ma, la, shift, lr)) {
            shift = ma;
            lr = la;
            h_end = 0;
        }
        if (std::isfinite(lb) && better(mb, lb, shift, lr)) {
            shift = mb;
            lr = lb;
            h_end = 1;
        }
        g_ref = std::min(std::exp(lr), 700.0);
        l_ref = lr;
        if (h_end >= 0 && lr > 0) {
            light = true;
            // g > 1 everywhere (a light tail): the density integrand decays
            // from the end where g is smallest, within g - g_end ~ 1, i.e.
            // v ~ 1 / (g_end d log g / dv), which for large g_end lies far
            // below the probe at half * 1e-12. Reference the end value itself
            // and put the peak where g_end (log g - log g_end) = 1.
            const double le = lg(h_end, 1e-300);
            if (std::isfinite(le))
                l_ref = std::min(le, lr);
            const double G = std::exp(l_ref);
            shift = l_ref - G;
            if (std::isfinite(G)) {
                auto fe = [&](double v) { return G * (lg(h_end, v) - l_ref) - 1; };
                double sl = 0;
                const double re = stable_log_root(fe, half, sl);
                if (re > 0 && re < half) {
                    peak_h = h_end;
                    peak_v = re;
                    slope = 1; // exponent ~ -e^(s - s_peak) on the far side
                }
            }
        }
    }
    // Both halves in s = log v (v the distance from the half's own end):
    // the integrands have one peak and decay exponentially (or faster) in s
    // on both sides, so a fixed window of +-40 around the peak and the
    // half's end holds everything above 1e-17 of the total. Breakpoints at
    // the peak and 2 and 8 units from it keep every piece's mass visible to
    // its Gauss-Kronrod nodes.
    stable_quadrature<LogG> q(lg, want, l_ref, g_ref, light);
    const double s_end = std::log(half);
    for (int h = 0; h < 2; ++h) {
        double bp[24];
        int n = 0;
        if (h == peak_h) {
            // log g ~ sp' (s - sp) near the peak: on the side where g > 1 the
            // integrands die like exp(-e^(|k| ds)), on the other like
            // e^(-|k| ds); breakpoints at multiples of 1/|k| resolve both
            // however steep g is (|k| ~ 1 / |alpha - 1| near alpha = 1).
            const double sp = std::log(peak_v);
            const double k = std::abs(slope) > 1e-3 ? std::abs(slope) : 1.0;
            const double lo = sp - 40;
            double cand[16];
            int m = 0;
            for (double d : {1.0, 4.0, 16.0, 48.0}) {
                cand[m++] = sp - d / k;
                cand[m++] = sp + d / k;
            }
            for (double d : {2.0, 8.0}) {
                cand[m++] = sp - d;
                cand[m++] = sp + d;
            }
            cand[m++] = sp;
            std::sort(cand, cand + m);
            bp[n++] = lo;
            for (int i = 0; i < m; ++i)
                if (cand[i] > bp[n - 1] + 1e-12 * (1 + std::abs(cand[i])) && cand[i] < s_end)
                    bp[n++] = cand[i];
        } else {
            bp[n++] = s_end - 40;
            bp[n++] = s_end - 8;
            bp[n++] = s_end - 2;
        }
        bp[n++] = s_end;
        for (int i = 0; i + 1 < n; ++i)
            q.add(h, bp[i], bp[i + 1]);
    }
    return q.run(tol);
}

} // namespace levysgd::detail

namespace levysgd::detail {

/// Adaptive Gauss-Kronrod (7-15) of a smooth scalar function on [a, b]:
/// bisects the worst piece until the summed |K - G| estimate is below
/// tol times the total (or 64 pieces).
template <class F> double gk15_adaptive(const F &f, const double *breaks, int nb, double tol) {
    const double *xk = gk15_xk, *wk = gk15_wk, *wg = gk15_wg;
    struct pc {
        double a, b, v, e;
    };
    auto rule = [&](double a, double b) {
        const double c = 0.5 * (a + b), h = 0.5 * (b - a);
        const double f0 = f(c);
        double k = wk[7] * f0, g = wg[3] * f0;
        for (int j = 0; j < 7; ++j) {
            const double s = f(c - h * xk[j]) + f(c + h * xk[j]);
            k += wk[j] * s;
            if (j % 2 == 1)
                g += wg[j / 2] * s;
        }
        return pc{a, b, k * h, std::abs((k - g) * h)};
    };
    pc p[64];
    int n = 0;
    for (int i = 0; i + 1 < nb; ++i)
        p[n++] = rule(breaks[i], breaks[i + 1]);
    for (;;) {
        double tot = 0, err = 0;
        int worst = 0;
        for (int i = 0; i < n; ++i) {
            tot += p[i].v;
            err += p[i].e;
            if (p[i].e > p[worst].e)
                worst = i;
        }
        if (err <= tol * std::abs(tot) || n + 1 >= 64)
            return tot;
        const pc old = p[worst];
        const double mid = 0.5 * (old.a + old.b);
        p[worst] = rule(old.a, mid);
        p[n++] = rule(mid, old.b);
    }
}

/// cot(x) - 1/x without cancellation for small x.
inline double cot_minus_inv(double x) {
    if (std::abs(x) < 0.1) {
        const double x2 = x * x; // -x/3 - x^3/45 - 2x^5/945 - x^7/4725 - 2x^9/93555
        return -x * (1.0 / 3 +
                     x2 * (1.0 / 45 + x2 * (2.0 / 945 + x2 * (1.0 / 4725 + x2 * 2.0 / 93555))));
    }
    return std::cos(x) / std::sin(x) - 1 / x;
}

/// alpha = 1, beta > 0, far tails: with X = -pi x / (2 beta), log g contains
/// X and a pole K / v of the same size at the end of the theta range where
/// the integrand peaks, so evaluating log g at a point loses |X| ulps. In
/// the variable r = X + K / w (x > 0: w = pi/2 - theta, K = pi (1 + beta) / (2 beta))
/// or r = X - K / u (x < 0: u = theta + pi/2, K = pi (1 - beta) / (2 beta))
/// the cancellation happens exactly and log g = r + O(1) terms that are
/// computed to full relative accuracy; the density and the near tail are
/// integrals over r in [-45, 4] (Gumbel-shaped integrand) with Jacobian
/// K / (r - X)^2. Returns false where this form does not apply.
inline bool stable_one_far(double b, double x, double &dens, double &near_tail) {
    constexpr double pi = std::numbers::pi;
    const double X = -pi * x / (2 * b);
    const bool right = x > 0;
    const double K = right ? pi * (1 + b) / (2 * b) : pi * (1 - b) / (2 * b);
    if (K <= 0)
        return false;
    const double r_lo = -45, r_hi = 4;
    // v = K / |r - X| must stay in (0, pi): |X| > 45 + 4 + K / pi
    if (std::abs(X) < 60 + K / pi * 1.01 || (right ? X > 0 : X < 0))
        return false;
    const double L2 = std::log(2 / pi);
    auto log_g = [&](double r, double &jac) {
        const double d = right ? r - X : X - r; // > 0
        const double v = K / d;                 // w (right) or u (left)
        jac = K / (d * d);
        const double a = b * (K + (right ? -v : v)); // pi/2 + beta theta
        const double sv = std::sin(v);
        // right: (K - w) cot w = K/w + K (cot w - 1/w) - w cot w
        // left: -(K + u) cot u = -K/u - K (cot u - 1/u) - u cot u
        const double vcot = v * std::cos(v) / sv;
        const double rest = right ? K * cot_minus_inv(v) - vcot : -K * cot_minus_inv(v) - vcot;
        return r + rest + L2 + std::log(a / sv);
    };
    const double breaks[] = {r_lo, -30, -20, -12, -6, -3, -1, 0.5, 2, r_hi};
    dens = gk15_adaptive(
        [&](double r) {
            double jac;
            const double l = log_g(r, jac);
            return std::exp(l - std::exp(l)) * jac;
        },
        breaks, 10, 1e-13);
    // Near tail: int (1 - e^-g) over the r window (x > 0) plus the end piece
    // beyond r_hi where g > e^4 and 1 - e^-g = 1 to double precision; for
    // x < 0 int e^-g over the window plus the end piece below r_lo where
    // g < e^-45 and e^-g = 1.
    const double end_piece = K / (right ? r_hi - X : X - r_lo);
    near_tail = end_piece + gk15_adaptive(
                                [&](double r) {
                                    double jac;
                                    const double g = std::exp(log_g(r, jac));
                                    return (right ? -std::expm1(-g) : std::exp(-g)) * jac;
                                },
                                breaks, 10, 1e-13);
    return true;
}

/// alpha = 1, |beta| = 1, the light tail x < 0 (x = y sign(beta)): with
/// u = theta + pi/2, log g = L0 + h(u), L0 = -pi x / 2 + log(2/pi) - 1 and
/// h(u) = log(u / sin u) + (1 - u cot u) >= 0 (h ~ u^2/2; both terms are
/// positive, and are computed without cancellation near u = 0). With
/// G0 = e^L0 the constant factors out of both integrals exactly,
///   int g e^-g = G0 e^-G0 J1,  J1 = int e^(h - G0 expm1(h)) du,
///   int e^-g   =    e^-G0 J0,  J0 = int e^(-G0 expm1(h)) du,
/// so log f = L0 - G0 + log(J1 / 2) stays finite (and accurate) where
/// e^-G0 underflows; the general form overflows in g and loses the tail to
/// g - g_ref cancellation there. Used for L0 >= 1 (the integrands then
/// decrease in u from u = 0, width 1/sqrt(G0)). Returns false elsewhere.
inline bool stable_one_light(double x, double &log_dens, double &log_near) {
    constexpr double pi = std::numbers::pi;
    const double L0 = -pi * x / 2 + std::log(2 / pi) - 1;
    if (!(L0 >= 1))
        return false;
    const double G0 = std::exp(L0);
    if (!std::isfinite(G0)) { // log f < -DBL_MAX
        log_dens = log_near = -INFINITY;
        return true;
    }
    auto h = [](double u) {
        if (u < 0.1) {
            const double u2 = u * u; // sin u / u - 1
            const double sm1 = -u2 / 6 * (1 - u2 / 20 * (1 - u2 / 42 * (1 - u2 / 72)));
            return -std::log1p(sm1) - u * cot_minus_inv(u);
        }
        const double sn = std::sin(u);
        return std::log(u / sn) + (1 - u * std::cos(u) / sn);
    };
    const double sig = 1 / std::sqrt(G0);
    double br[8];
    int n = 0;
    br[n++] = 0;
    for (double k : {1.0, 2.0, 4.0, 8.0, 16.0})
        if (k * sig < pi)
            br[n++] = k * sig;
    br[n++] = pi;
    auto term = [&](double u, bool dens) {
        const double hu = h(u);
        if (!(hu < 700))
            return 0.0;
        const double e = -G0 * std::expm1(hu) + (dens ? hu : 0.0);
        return std::exp(e);
    };
    const double j1 = gk15_adaptive([&](double u) { return term(u, true); }, br, n, 1e-13);
    const double j0 = gk15_adaptive([&](double u) { return term(u, false); }, br, n, 1e-13);
    log_dens = L0 - G0 + std::log(0.5 * j1);
    log_near = -G0 + std::log(j0 / pi);
    return true;
}

/// The standard alpha-stable law in the S1 coordinate y (see the top of this
/// file): pdf, log pdf, cdf and ccdf; the per-(alpha, beta) setup is done once.
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
            zeta_ = -beta * tan_pi_half(alpha);
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
