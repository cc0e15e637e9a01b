#pragma once
// The per-law constants of the alpha-stable sampler, computed once, and the
// sample-index rule: which Philox words feed sample i of (seed, stream).
//
//   stable_zeta(alpha, beta)   zeta = -beta tan(pi alpha / 2), accurate near
//                              alpha = 1 (as -beta cos(eps pi/2)/sin(eps pi/2),
//                              eps = 1 - alpha; tan of the rounded pi alpha/2
//                              loses all digits there); 0 at alpha = 1
//   stable_frame_of(...)       S0 location (the S0<->S1 shift) and the image
//                              of the standard variate's point zeta, which is
//                              the support edge for alpha < 1, |beta| = 1
//                              (Nolan 2020, Samorodnitsky & Taqqu 1994)
//   stable_plan<Real>          CMS coefficients, output map and support,
//                              plain data, made by make_stable_plan
//   stable_variate(plan, u1, u2)          one draw from two open uniforms
//   stable_variate_at(plan, seed, stream, i)   sample i of (seed, stream)
//
// Index rule (the one definition; the SIMD sampler uses stable_block_of and
// stable_uniforms_of on batches, the scalar engine path reads the same words
// in the same order):
//   double sample i: u1 = words 0,1 and u2 = words 2,3 of Philox block i;
//   float  sample i: u1, u2 = words 2(i%2), 2(i%2)+1 of block i/2.
//
// Host/device core: no xsimd, Eigen, iostreams, exceptions or allocation.

#include <cmath>
#include <cstdint>
#include <numbers>
#include <type_traits>

#include "../config.hpp"
#include "../stable/parameterization.hpp"
#include "cms.hpp"
#include "philox.hpp"
#include "scalar_math.hpp"
#include "transforms.hpp"

namespace levysgd::core {

/// tan(pi alpha / 2) for alpha != 1 to about an ulp: near alpha = 1 as
/// cot(pi (1 - alpha) / 2) and near alpha = 2 as -tan(pi (2 - alpha) / 2),
/// with 1 - alpha and 2 - alpha exact (Sterbenz). A direct tan of the rounded
/// pi alpha / 2 loses all digits next to alpha = 1 (|zeta| = 6.4e6 at
/// alpha = 0.9999999) and relative digits next to alpha = 2.
LEVYSGD_HOST_DEVICE inline double tan_pi_alpha_half(double a) noexcept {
    constexpr double pi = std::numbers::pi;
    if (a < 0.5)
        return std::tan(pi * a / 2);
    if (a < 1.5)
        return 1 / std::tan(pi * (1 - a) / 2);
    return -std::tan(pi * (2 - a) / 2);
}

/// zeta = -beta tan(pi alpha / 2) for alpha in (0, 2], beta in [-1, 1]; 0 at
/// alpha = 1 (Nolan 2020, eq. 1.3). The one definition used by the S0<->S1
/// shift, the support edge, the density and the fits. (The CMS kernel keeps
/// its own -beta cos(eps pi/2) / sin(eps pi/2), consistent with its other
/// coefficients, cms.hpp.)
LEVYSGD_HOST_DEVICE inline double stable_zeta(double alpha, double beta) noexcept {
    return alpha == 1.0 ? 0.0 : -beta * tan_pi_alpha_half(alpha);
}

/// d0 - d1: the S0 location minus the S1 location of the same law, the one
/// definition of the S0<->S1 shift (Nolan 2020 eq. 1.3):
/// -scale zeta for alpha != 1, beta (2/pi) scale log scale at alpha = 1.
LEVYSGD_HOST_DEVICE inline double stable_s0_shift(double a, double b, double s) noexcept {
    if (a == 1.0)
        return b * (2.0 / std::numbers::pi) * s * std::log(s);
    return -(s * stable_zeta(a, b));
}

/// S0 location of S(alpha, beta, scale, location; p) and the image of the
/// standard variate's point zeta, which is the support edge where alpha < 1
/// and |beta| = 1; in double.
struct stable_frame {
    double loc0;
    double edge;
};
LEVYSGD_HOST_DEVICE inline stable_frame stable_frame_of(double a, double b, double s, double l,
                                                        parameterization p) noexcept {
    const double loc0 = p == parameterization::S1 ? l + stable_s0_shift(a, b, s) : l;
    if (a == 1.0) // zeta = 0
        return {loc0, loc0};
    // The edge is the S1 location exactly, or l + s zeta in S0 (not
    // loc0 + s zeta, whose rounding, FMA-contracted or not, leaves S1's edge
    // a few 1e-17 off).
    return p == parameterization::S1 ? stable_frame{loc0, l}
                                     : stable_frame{l, l + s * stable_zeta(a, b)};
}

/// What a sampler needs for one law: CMS coefficients (zeta = k.zeta), the
/// map from the standard S0 variate to the law (scale folded into the CMS
/// exponent where the variate is huge, see cms.hpp), and the support
/// [lower, upper] that rounding must not leave.
template <class Real> struct stable_plan {
    cms_coefficients<Real> k;
    cms_output<Real> out; // mul = scale, add = S0 location
    Real lower;           // support
    Real upper;
};

/// The plan of S(alpha, beta, scale, location; p), parameters valid and the
/// S0 location and edge within Real's range (not checked here). Constants
/// are computed in double and rounded once.
template <class Real>
LEVYSGD_HOST_DEVICE stable_plan<Real> make_stable_plan(double a, double b, double s, double l,
                                                       parameterization p) noexcept {
    const auto kd = make_cms_coefficients<double>(a, b);
    const auto f = stable_frame_of(a, b, s, l, p);
    stable_plan<Real> plan{};
    plan.k = {Real(kd.eps),          Real(kd.eps_over_alpha),
              Real(kd.inv_alpha),    Real(kd.beta),
              Real(kd.ce),           Real(kd.se),
              Real(kd.eps_pi),       Real(kd.eps_over_se),
              Real(kd.se_over_1pce), Real(kd.tau),
              Real(kd.zeta),         Real(kd.pi_alpha),
              Real(kd.pi_half_gamma), Real(kd.pi_1m_half_alpha)};
    // far_add = the edge image, clamped: beyond Real's range only for
    // |beta| < 1 (a law with no edge), where +-max keeps inf + far_add from NaN.
    constexpr double top = double(real_max<Real>);
    const double far = f.edge < -top ? -top : (f.edge > top ? top : f.edge);
    plan.out = {Real(s), Real(std::log(s)), Real(f.loc0), Real(far), Real(f.loc0 / s)};
    constexpr Real inf = Real(__builtin_huge_val());
    plan.lower = -inf;
    plan.upper = inf;
    // alpha < 1, |beta| = 1: a half line from the edge.
    if (a < 1.0 && b == 1.0)
        plan.lower = Real(f.edge);
    if (a < 1.0 && b == -1.0)
        plan.upper = Real(f.edge);
    return plan;
}

/// x clamped to the plan's support.
template <class Real>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE Real stable_clamp(const stable_plan<Real> &plan,
                                                     Real x) noexcept {
    return x < plan.lower ? plan.lower : (x > plan.upper ? plan.upper : x);
}

/// One draw of the plan's law from two open uniforms (u1 -> phi, u2 -> W =
/// -log u2), clamped to the support.
template <class Real>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE Real stable_variate(const stable_plan<Real> &plan, Real u1,
                                                       Real u2) noexcept {
    const auto draw = [&](const auto &out) {
        return plan.k.beta == Real(0) ? cms_s0_from_uniforms<true>(u1, u2, plan.k, out)
                                      : cms_s0_from_uniforms<false>(u1, u2, plan.k, out);
    };
    const Real x = plan.out.mul == Real(1)
                       ? draw(cms_unit_output<Real>{plan.out.add, plan.out.far_add})
                       : draw(plan.out);
    return stable_clamp(plan, x);
}

/// Index rule: the Philox block that feeds sample i.
template <class Real>
LEVYSGD_HOST_DEVICE constexpr std::uint64_t stable_block_of(std::uint64_t i) noexcept {
    return std::is_same_v<Real, float> ? i / 2 : i;
}

/// Index rule: which half of its block sample i reads (float: words 2 slot,
/// 2 slot + 1; double always reads all four words, slot 0).
template <class Real>
LEVYSGD_HOST_DEVICE constexpr unsigned stable_slot_of(std::uint64_t i) noexcept {
    return std::is_same_v<Real, float> ? static_cast<unsigned>(i % 2) : 0u;
}

/// Index rule: the two uniforms of the sample in `slot` of a block with words
/// x0..x3. T = float/double with W = uint32_t, or batches (one block per
/// lane; for double, W holds each word in the low half of a 64-bit lane).
template <class T, class W>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void stable_uniforms_of(const W &x0, const W &x1, const W &x2,
                                                           const W &x3, unsigned slot, T &u1,
                                                           T &u2) noexcept {
    if constexpr (std::is_same_v<scalar_of_t<T>, float>) {
        u1 = uniform_float_of<T>(slot == 0 ? x0 : x2);
        u2 = uniform_float_of<T>(slot == 0 ? x1 : x3);
    } else {
        u1 = uniform_double_of<T>(x0, x1);
        u2 = uniform_double_of<T>(x2, x3);
    }
}

/// Sample i of (seed, stream) for the plan's law: what element i of
/// levysgd::sample() holds and d(philox4x32(seed, stream)) returns as its
/// (i+1)-th draw (the bulk SIMD path agrees to rounding: it uses SIMD hooks
/// and fused multiply-adds where this uses scalar arithmetic).
template <class Real>
LEVYSGD_HOST_DEVICE Real stable_variate_at(const stable_plan<Real> &plan, std::uint64_t seed,
                                           std::uint64_t stream, std::uint64_t i) noexcept {
    const philox_block b = philox_bits(seed, stream, stable_block_of<Real>(i));
    Real u1, u2;
    stable_uniforms_of<Real>(b[0], b[1], b[2], b[3], stable_slot_of<Real>(i), u1, u2);
    return stable_variate(plan, u1, u2);
}

} // namespace levysgd::core

namespace levysgd::detail { // the names the rest of levysgd uses
using core::stable_frame;
using core::stable_frame_of;
template <class Real> using stable_sampling_plan = core::stable_plan<Real>;
} // namespace levysgd::detail
