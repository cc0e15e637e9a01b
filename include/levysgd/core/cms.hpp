#pragma once
// Chambers-Mallows-Stuck (CMS) alpha-stable generator in a form that is
// continuous in alpha and returns Nolan's S0 variate directly.
//
// Chambers, Mallows & Stuck (1976), JASA 71, eq. (4.1) and routine RSTAB, give
// S0 without the shift by zeta = -beta tan(pi alpha / 2) that destroys S1->S0
// conversion near alpha = 1 (|zeta| = 6366 at alpha = 0.9999, beta = 1). The
// algebra below is our own rearrangement of that idea. With
//   phi = sgn (pi/2 - pi m)  ~ U(-pi/2, pi/2),   W ~ Exp(1),   eps = 1 - alpha,
//   ce = cos(eps pi/2), se = sin(eps pi/2), zeta = -beta ce/se, tau = zeta eps,
//   d = eps pi m, sd = sin d, cd = cos d, rho = sd/se,
// the S1 formula X1 = G z^(eps/alpha) (Weron 1996, with the (1+zeta^2) powers
// cancelled), G = (sin a.phi - zeta cos a.phi)/cos phi,
// z = (cos eps.phi - zeta sin eps.phi)/(W cos phi), gives
//   X0 = X1 + zeta = (G + zeta) e^y - zeta expm1(y),   y = (eps/alpha) log z,
// where every piece is bounded as eps -> 0 and free of cancellation:
//   cos phi                     = sin(pi m)                     (never rounds to <= 0)
//   cos eps.phi                 = ce cd + se sd                 (both terms >= 0)
//   cos eps.phi - zeta sin eps.phi
//                               = (1 + beta sgn) ce cd + se sd - beta sgn ce^2 rho
//                                 (all terms >= 0 at the boundary beta sgn = -1,
//                                  where the value itself goes to 0)
//   sin eps.phi                 = sgn (se cd - ce sd)
//   zeta (1 - cos eps.phi)      = -beta ce (se/(1+ce) + ce sd rho/(1+cd) - sd)
//   zeta expm1(y)               = tau (log z / alpha) expm1(y)/y.
// At alpha = 1 this is exactly the alpha = 1 CMS formula; at alpha = 2 it is
// 2 sqrt(W) sin(phi) ~ N(0, 2). Where |y| is large (alpha < ~0.6 only, where
// |zeta| < 1.4) X0 = G e^y + zeta is used instead, so that a variate beyond
// the largest Real is +-inf (true overflow) rather than inf - inf.
//
// A sampler's output is an affine map of X0 (scale s, location). Applied
// after the fact, s X0 overflows wherever X0 does (alpha = 0.05, s = 1e-30 in
// float: 1.1 % of draws inf where 0.04 % are beyond FLT_MAX), so the kernel
// takes the map and, in the large-|y| branch, folds log s into the exponent:
// s G e^y = G e^(y + log s), +-inf only where the scaled value is. The map
// (cms_output) gives near(X0) for the other branch, log s, and the constant
// added to G e^(y + log s) (s zeta + location in S0, the location in S1).
//
// Transcendentals come from core/fast_math.hpp (arguments kept in its
// domains: |pi m|, |eps pi m| <= pi/2, log of positive normals).
// Host/device core: templates over T = float/double or an xsimd::batch; no
// xsimd, Eigen, iostreams, exceptions or allocation.

#include <cmath>
#include <numbers>

#include "../config.hpp"
#include "fast_math.hpp"
#include "scalar_math.hpp"

namespace levysgd::core {

/// Per-(alpha, beta) constants of the CMS formula (scalars or batches).
template <class T> struct cms_coefficients {
    T eps;            // 1 - alpha
    T eps_over_alpha; // (1 - alpha) / alpha
    T inv_alpha;      // 1 / alpha
    T beta;           // skewness
    T ce;             // cos(eps pi / 2) >= 0
    T se;             // sin(eps pi / 2), exactly 0 at alpha = 1
    T eps_pi;         // eps * pi
    T eps_over_se;    // eps / se, continuous: 2/pi at alpha = 1
    T se_over_1pce;   // se / (1 + ce)
    T tau;            // zeta * eps = -beta eps cot(eps pi/2), bounded
    T zeta;           // -beta tan(pi alpha / 2); 0 at alpha = 1 (unused there)
    T pi_alpha;       // pi alpha
    T pi_half_gamma;  // pi min(alpha, 2 - alpha) / 2 = pi (1 - |eps|) / 2
    T pi_1m_half_alpha; // pi (1 - alpha / 2)
};

/// Beyond this |y| the G e^y + zeta branch is used (see the header comment).
inline constexpr double cms_big_exponent = 50.0;

/// Output map x = mul X0 + add of the standard S0 variate X0, as the kernel
/// needs it: near(X0) where |y| <= cms_big_exponent, and mul G e^y + far_add
/// = G e^(y + log_mul) + far_add beyond (far_add = mul zeta + add, finite).
/// A sampler may pass any type with these members (e.g. an FMA near()).
/// near() is mul X0 + add, or mul (X0 + add/mul) where mul X0 alone
/// overflows (scale and location near the type's max: the sum may fit).
template <class T> struct cms_output {
    T mul, log_mul, add, far_add, add_over_mul;
    LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T near(const T &x0) const noexcept {
        using std::abs;
        using real = scalar_of_t<T>;
        const T p = mul * x0;
        return select(abs(p) > T(real_max<real>), mul * (x0 + add_over_mul),
                      p + add);
    }
};

/// mul = 1: x = X0 + add, far_add = zeta + add. unit_scale = true lets the
/// kernel skip the log-scale fold (and, at beta = 0, the branch select), so
/// the scale-1 path costs what it did before the fold; values are the same.
template <class T> struct cms_unit_output {
    static constexpr bool unit_scale = true;
    T add, far_add;
    LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T near(const T &x0) const noexcept { return x0 + add; }
};

/// The identity map: the kernel returns X0 itself.
template <class T> struct cms_standard_output {
    static constexpr bool unit_scale = true;
    T far_add; // zeta
    LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T near(const T &x0) const noexcept { return x0; }
};

template <class Out>
inline constexpr bool cms_unit_scale = requires { requires Out::unit_scale; };

/// e^x (as fast_exp: +inf above the overflow threshold, 0 below exp_low) and
/// expm1(x) for |x| <= 40 (as fast_expm1) from one range reduction. The
/// large-|y| branch needs e^x itself: expm1(x) + 1 loses e^x's digits for
/// x < -1 and is 0 below -40, where a folded log scale puts the exponent.
template <class T> struct exp_and_expm1 { T exp, expm1; };
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE exp_and_expm1<T> fast_exp_and_expm1(const T &x) noexcept {
    using real = scalar_of_t<T>;
    using C = fast_math_constants<real>;
    const auto e = exp_reduce(x, T(C::exp_low));
    const T ex = scale_pow2(e.p + T(real(1)), e.k, e.t, bits_tag{});
    return {select(x > T(C::expm1_high), T(C::infinity), select(x < T(C::exp_low), T(real(0)), ex)),
            select(e.k == T(real(0)), e.p, ex - T(real(1)))}; // no cancellation for |x| < ln2/2
}

/// Coefficients for alpha in (0, 2], beta in [-1, 1] (not validated here).
/// Works per lane when T is a batch.
template <class T>
LEVYSGD_HOST_DEVICE cms_coefficients<T> make_cms_coefficients(const T &alpha,
                                                              const T &beta) noexcept {
    using real = scalar_of_t<T>;
    constexpr real pi = std::numbers::pi_v<real>;
    const T zero(real(0)), one(real(1));
    cms_coefficients<T> k;
    k.eps = one - alpha;
    k.eps_over_alpha = k.eps / alpha;
    k.inv_alpha = one / alpha;
    k.beta = beta;
    // ce = cos(eps pi/2) = sin(pi gamma/2), gamma = 1 - |eps| = min(alpha, 2 - alpha)
    // (exact), is relatively accurate near alpha = 0 and 2 and exactly 0 at
    // alpha = 2; se = sin(eps pi/2) taken directly is relatively accurate near
    // alpha = 1, where zeta = -beta ce/se is large.
    const T two_minus = T(real(2)) - alpha;
    const T gamma = select(alpha < two_minus, alpha, two_minus);
    const T is_one = select(k.eps == zero, one, zero);
    k.ce = fast_sincos(T(pi / 2) * gamma).sin;
    k.se = fast_sincos(T(pi / 2) * k.eps).sin;
    k.eps_pi = k.eps * T(pi);
    k.eps_over_se = select(k.eps == zero, T(real(2) / pi), k.eps / (k.se + is_one));
    k.se_over_1pce = k.se / (one + k.ce);
    k.tau = -beta * k.ce * k.eps_over_se;
    k.zeta = select(k.eps == zero, zero, -beta * k.ce / (k.se + is_one));
    k.pi_alpha = T(pi) * alpha;
    k.pi_half_gamma = T(pi / 2) * gamma;
    k.pi_1m_half_alpha = T(pi) * (one - T(real(0.5)) * alpha); // exact product for alpha >= 1
    return k;
}

/// The CMS kernel in four stages, so that a caller holding several
/// independent batches can run each stage on all of them before the next
/// (see stable_chunk_s0): the kernel is one long dependency chain (sin/cos
/// -> reciprocal -> log -> exp), and GCC does not interleave two consecutive
/// whole-kernel calls (docs/development.md, sampler history). cms_s0 runs the
/// stages in turn; the values are the same either way.
///   cms_s0_angles: from phi and W to g (G, or G + zeta where
///                  !Symmetric) and z (see the header comment);
///   cms_s0_log:    log_z = log z and y = (eps/alpha) log z;
///   cms_s0_exp:    eh = e^t and h = expm1(t), t = y/2 (or with log s);
///   cms_s0_finish: out(X0) from g, log_z, y, eh and h.
template <class T> struct cms_stage {
    T g, z, log_z, y, eh, h;
};

/// Stage 1 from phi = sgn (pi/2 - pi m), m in (0, 1/2], sgn = +-1, and W > 0.
/// Symmetric = true is the beta = 0 specialisation (zeta = tau = 0, so
/// X = G z^(eps/alpha) with G = sin(alpha phi)/cos phi); it gives the general
/// formula's value at beta = 0 (to rounding) with fewer operations.
template <bool Symmetric, class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE cms_stage<T> cms_s0_angles(const T &m, const T &sgn, const T &w,
                                                              const cms_coefficients<T> &k) noexcept {
    using std::abs;
    using real = scalar_of_t<T>;
    constexpr real pi = std::numbers::pi_v<real>;
    const T zero(real(0)), one(real(1)), half(real(0.5));
    cms_stage<T> st; // log_z, y, eh, h: set by the later stages
    if constexpr (Symmetric) {
        // G = sin(alpha phi)/cos phi and z = cos(eps phi)/(W cos phi) from
        // three sines of arguments in [0, pi/2], each a product or a sum of
        // two terms >= 0, so relatively accurate (|phi| = pi a, a = 1/2 - m
        // exact):
        //   cos phi          = sin(pi m),
        //   cos(eps phi)     = sin(pi/2 - |eps| pi a) = sin(pi gamma/2 + |eps| pi m),
        //   sin(alpha |phi|) = sin(pi alpha a), or, where pi - pi alpha a is
        //                      the smaller (alpha > 1), sin(pi - pi alpha a)
        //                      = sin(pi (1 - alpha/2) + pi alpha m).
        // Fewer operations than the general branch's two sin/cos pairs and
        // tan phi, and no cancellation where alpha phi is small (there G =
        // tan(phi) cos(eps phi) - sin(eps phi) loses 1/alpha of its digits).
        const T a = half - m;
        const T x_near = k.pi_alpha * a;
        const T x_far = madd(k.pi_alpha, m, k.pi_1m_half_alpha);
        const T cos_phi = fast_sincos(T(pi) * m).sin;
        const T cos_ephi = fast_sincos(madd(abs(k.eps_pi), m, k.pi_half_gamma)).sin;
        const T sin_aphi = fast_sincos(select(x_far < x_near, x_far, x_near)).sin;
        const T inv_wc = recip(w * cos_phi, bits_tag{}); // w cos_phi > 0 normal
        st.g = sgn * sin_aphi * (w * inv_wc);
        st.z = cos_ephi * inv_wc;
    } else {
        const T pm = T(pi) * m;                              // in (0, pi/2]
        const auto [cos_phi, abs_sin_phi] = fast_sincos(pm); // sin(pi m), cos(pi m)
        const T em = k.eps_pi * m;                           // |em| <= pi/2
        const auto [sd, cd] = fast_sincos(em);
        const T inv_wc = recip(w * cos_phi, bits_tag{}); // w cos_phi > 0 normal
        const T tan_phi = sgn * abs_sin_phi * (w * inv_wc);
        const T sin_ephi = sgn * (k.se * cd - k.ce * sd);
        const T sinc = select(em == zero, one, sd / em);
        const T rho = sinc * pm * k.eps_over_se; // sd / se, continuous at alpha = 1
        const T bs = k.beta * sgn;
        const T num = (one + bs) * (k.ce * cd) + k.se * sd - bs * k.ce * k.ce * rho;
        const T zeta_1mcos = -k.beta * k.ce * (k.se_over_1pce + k.ce * sd * rho / (one + cd) - sd);
        st.g = tan_phi * num - sin_ephi + zeta_1mcos; // G + zeta
        st.z = num * inv_wc;
    }
    return st;
}

/// Stage 2: log_z and y.
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void cms_s0_log(cms_stage<T> &st,
                                                   const cms_coefficients<T> &k) noexcept {
    st.log_z = fast_log(st.z);
    st.y = k.eps_over_alpha * st.log_z;
}

/// Stage 3: eh = e^t and (where !Symmetric) h = expm1(t), with t = y/2, or
/// (y + log s)/2 where |y| > cms_big_exponent and `out` folds a log scale s.
/// The halving: G e^y = (G e^t) e^t overflows only when the product does (e^y
/// alone overflows for y > 88.7 in float), and expm1(y) = h (h + 2).
template <bool Symmetric, class T, class Out>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void cms_s0_exp(cms_stage<T> &st, const Out &out) noexcept {
    using std::abs;
    using real = scalar_of_t<T>;
    T t = T(real(0.5)) * st.y;
    if constexpr (!cms_unit_scale<Out>)
        t = T(real(0.5)) *
            (st.y + select(abs(st.y) > T(real(cms_big_exponent)), out.log_mul, T(real(0))));
    if constexpr (Symmetric) {
        st.eh = fast_exp(t);
    } else { // one range reduction gives both
        const auto ee = fast_exp_and_expm1(t);
        st.eh = ee.exp;
        st.h = ee.expm1;
    }
}

/// Stage 4: out(X0), with `out` a cms_output-like map (see the header comment).
template <bool Symmetric, class T, class Out>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T cms_s0_finish(const cms_stage<T> &st,
                                                   const cms_coefficients<T> &k,
                                                   const Out &out) noexcept {
    using std::abs;
    using real = scalar_of_t<T>;
    const T zero(real(0)), one(real(1));
    const T &y = st.y, &eh = st.eh;
    if constexpr (Symmetric) {
        const T v = select(st.g == zero, zero, (st.g * eh) * eh);
        if constexpr (cms_unit_scale<Out>) { // zeta = 0: far_add = add
            return out.near(v);
        } else {
            return select(abs(y) > T(real(cms_big_exponent)), v + out.far_add, out.near(v));
        }
    } else {
        const T &gpz = st.g, &h = st.h;
        const T em1 = h * (h + T(real(2)));
        const T em1_over_y = select(y == zero, one, em1 / y);
        const T near_one = gpz * (em1 + one) - k.tau * k.inv_alpha * st.log_z * em1_over_y;
        const T g = gpz - k.zeta;
        const T far_from_one = select(g == zero, out.far_add, (g * eh) * eh + out.far_add);
        return select(abs(y) > T(real(cms_big_exponent)), far_from_one, out.near(near_one));
    }
}

/// out(X0) for the standard S0 variate X0 ~ S(alpha, beta, 1, 0; 0) from
/// phi = sgn (pi/2 - pi m), m in (0, 1/2], sgn = +-1, and W > 0, with `out`
/// a cms_output-like map: the four stages above in turn.
template <bool Symmetric, class T, class Out>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T cms_s0(const T &m, const T &sgn, const T &w,
                                            const cms_coefficients<T> &k, const Out &out) noexcept {
    auto st = cms_s0_angles<Symmetric>(m, sgn, w, k);
    cms_s0_log(st, k);
    cms_s0_exp<Symmetric>(st, out);
    return cms_s0_finish<Symmetric>(st, k, out);
}

/// phi = sgn (pi/2 - pi m) from an open uniform u1: m in (0, 1/2), sgn = +-1.
template <class T> struct cms_phi { T m, sgn; };
template <class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE cms_phi<T> cms_phi_from_u1(const T &u1) noexcept {
    using std::abs;
    using std::copysign;
    using real = scalar_of_t<T>;
    const T half(real(0.5));
    const T v = u1 - half; // exact on levysgd's uniform grid, never 0
    return {half - abs(v), copysign(T(real(1)), v)}; // m exact
}

/// out(X0) from an open uniform u1 (-> phi) and W > 0.
template <bool Symmetric = false, class T, class Out>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T cms_s0_from_u1_w(const T &u1, const T &w,
                                                      const cms_coefficients<T> &k,
                                                      const Out &out) noexcept {
    const auto phi = cms_phi_from_u1(u1);
    return cms_s0<Symmetric>(phi.m, phi.sgn, w, k, out);
}

/// Standard S0 variate from an open uniform u1 (-> phi) and W > 0.
template <bool Symmetric = false, class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T cms_s0_from_u1_w(const T &u1, const T &w,
                                                      const cms_coefficients<T> &k) noexcept {
    return cms_s0_from_u1_w<Symmetric>(u1, w, k, cms_standard_output<T>{k.zeta});
}

/// out(X0) from two open uniforms (u1 -> phi, u2 -> W = -log u2).
template <bool Symmetric = false, class T, class Out>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T cms_s0_from_uniforms(const T &u1, const T &u2,
                                                          const cms_coefficients<T> &k,
                                                          const Out &out) noexcept {
    return cms_s0_from_u1_w<Symmetric>(u1, -fast_log(u2), k, out);
}

/// Standard S0 variate from two open uniforms (u1 -> phi, u2 -> W = -log u2).
template <bool Symmetric = false, class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T cms_s0_from_uniforms(const T &u1, const T &u2,
                                                          const cms_coefficients<T> &k) noexcept {
    return cms_s0_from_u1_w<Symmetric>(u1, -fast_log(u2), k);
}

} // namespace levysgd::core

namespace levysgd::detail { // the names the rest of levysgd uses
using core::cms_big_exponent;
using core::cms_coefficients;
using core::cms_output;
using core::cms_phi_from_u1;
using core::cms_s0;
using core::cms_s0_angles;
using core::cms_s0_exp;
using core::cms_s0_finish;
using core::cms_s0_log;
using core::cms_s0_from_u1_w;
using core::cms_s0_from_uniforms;
using core::cms_stage;
using core::cms_standard_output;
using core::cms_unit_output;
using core::cms_unit_scale;
using core::exp_and_expm1;
using core::fast_exp_and_expm1;
using core::make_cms_coefficients;
} // namespace levysgd::detail
