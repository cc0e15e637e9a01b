#pragma once
// levysgd::stable_distribution<Real>: the alpha-stable law S(alpha, beta,
// scale, location) in the S0 or S1 parameterization (parameterization.hpp),
// a validated value type that is also a <random> distribution: d(engine)
// draws one variate by Chambers-Mallows-Stuck (stable/detail/cms.hpp).
// Bulk SIMD sampling is levysgd::sample() in stable/sample.hpp.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <istream>
#include <limits>
#include <numbers>
#include <ostream>
#include <random>
#include <string>
#include <string_view>

#include "../detail/validate.hpp"
#include "../random/urbg_bits.hpp"
#include "detail/cms.hpp"
#include "parameterization.hpp"

namespace levysgd {

template <std::floating_point Real> class stable_distribution;

namespace detail {

/// What a sampler needs from a distribution: CMS coefficients, the map from
/// the standard S0 variate to the requested law (scale folded into the CMS
/// exponent where the variate is huge, see detail/cms.hpp), and the support
/// that rounding must not leave.
template <class Real> struct stable_sampling_plan {
    cms_coefficients<Real> k;
    cms_output<Real> out; // mul = scale, add = S0 location
    Real lower;           // support
    Real upper;
};

/// S0 location of S(alpha, beta, scale, location; p) and the image of the
/// standard variate's point zeta, which is the support edge where alpha < 1
/// and |beta| = 1; in double. The one definition of both, for the
/// distribution and sample_coordinates.
struct stable_frame {
    double loc0;
    double edge;
};
inline stable_frame stable_frame_of(double a, double b, double s, double l, parameterization p) {
    if (a == 1.0) { // zeta = 0: d0 = d1 + beta (2/pi) g log g
        const double loc0 =
            p == parameterization::S1 ? l + b * (2.0 / std::numbers::pi) * s * std::log(s) : l;
        return {loc0, loc0};
    }
    // d0 = d1 + beta g tan(pi a/2) = d1 - g zeta. The edge is the S1 location
    // exactly, or l + s zeta in S0 (not loc0 + s zeta, whose rounding,
    // FMA-contracted or not, leaves S1's edge a few 1e-17 off).
    const double zeta = make_cms_coefficients<double>(a, b).zeta;
    return p == parameterization::S1 ? stable_frame{l - s * zeta, l}
                                     : stable_frame{l, l + s * zeta};
}

/// A sufficient condition for stable_frame_in_range, cheap and branch-free
/// (so a loop over many laws vectorizes): |zeta| = |beta| cos(eps pi/2) /
/// |sin(eps pi/2)| <= |beta| / |eps| for |eps| = |1 - a| <= 1, so |loc0| and
/// |edge| are at most |l| + s |beta| / |eps|.
template <class Real>
inline bool stable_frame_surely_in_range(double a, double b, double s, double l) noexcept {
    constexpr double half_top = double(std::numeric_limits<Real>::max()) / 2;
    return s * std::fabs(b) <= (half_top - std::fabs(l)) * std::fabs(1.0 - a);
}

/// Whether the law's S0 location and support edge lie within Real's range
/// (parameters otherwise valid). Near alpha = 1 |zeta| is large (6366 at
/// alpha = 0.9999), so a large scale takes them beyond it.
template <class Real>
inline bool stable_frame_in_range(double a, double b, double s, double l,
                                  parameterization p) noexcept {
    constexpr double top = double(std::numeric_limits<Real>::max());
    if (stable_frame_surely_in_range<Real>(a, b, s, l))
        return true;
    const auto f = stable_frame_of(a, b, s, l, p);
    const bool one_sided = a < 1.0 && (b == 1.0 || b == -1.0);
    return std::fabs(f.loc0) <= top && (!one_sided || std::fabs(f.edge) <= top);
}

/// Throws std::invalid_argument naming `scale_name` for a law that
/// stable_frame_in_range refuses; `law` describes the other parameters.
template <class Real>
[[noreturn]] inline void throw_stable_frame(std::string_view where, std::string_view scale_name,
                                            std::string_view law, Real scale, double a, double b,
                                            double l, parameterization p) {
    constexpr double top = double(std::numeric_limits<Real>::max());
    const auto f = stable_frame_of(a, b, double(scale), l, p);
    const bool loc = !(std::fabs(f.loc0) <= top);
    std::string req = loc ? "must keep the S0 location (" : "must keep the support edge (";
    req.append(to_text(loc ? f.loc0 : f.edge)).append(" for ").append(law);
    req.append(") within the range of ").append(std::same_as<Real, float> ? "float" : "double");
    throw_invalid(where, scale_name, scale, req);
}

/// All parameter checks of stable_distribution (and its param_type).
template <class Real>
inline void check_stable_law(std::string_view where, Real alpha, Real beta, Real scale,
                             Real location, parameterization p) {
    check_stable_parameters(where, alpha, beta, scale, location);
    if (!stable_frame_in_range<Real>(alpha, beta, scale, location, p))
        throw_stable_frame<Real>(where, "scale", "these alpha, beta, scale and location", scale,
                                 alpha, beta, location, p);
}

} // namespace detail

/// The alpha-stable distribution, alpha in (0, 2], beta in [-1, 1],
/// scale > 0, finite location, for Real = float or double.
///
/// Special cases: alpha = 2 is N(location', 2 scale^2) (beta has no effect);
/// alpha = 1, beta = 0 is Cauchy; alpha = 1/2, beta = 1 is Levy (S1).
/// Invalid parameters (including NaN) throw std::invalid_argument naming the
/// parameter and value.
template <std::floating_point Real> class stable_distribution {
    static_assert(std::same_as<Real, float> || std::same_as<Real, double>,
                  "levysgd::stable_distribution supports float and double");

  public:
    using result_type = Real;

    class param_type {
      public:
        using distribution_type = stable_distribution;
        param_type() = default;
        param_type(Real alpha, Real beta, Real scale, Real location, parameterization p)
            : alpha_(alpha), beta_(beta), scale_(scale), location_(location), p_(p) {
            detail::check_stable_law("levysgd::stable_distribution", alpha, beta, scale, location,
                                     p);
        }
        Real alpha() const noexcept { return alpha_; }
        Real beta() const noexcept { return beta_; }
        Real scale() const noexcept { return scale_; }
        Real location() const noexcept { return location_; }
        parameterization param() const noexcept { return p_; }
        friend bool operator==(const param_type &, const param_type &) = default;

      private:
        Real alpha_ = 2, beta_ = 0, scale_ = 1, location_ = 0;
        parameterization p_ = parameterization::S0;
    };

    /// Standard Gaussian-limit law: alpha = 2, i.e. N(0, 2).
    stable_distribution() : stable_distribution(param_type{}) {}

    /// The parameterization has no default: S0 and S1 differ unless
    /// beta = 0 or alpha = 2, so callers must say which one they mean.
    stable_distribution(Real alpha, Real beta, Real scale, Real location, parameterization p)
        : stable_distribution(param_type(alpha, beta, scale, location, p)) {}

    explicit stable_distribution(const param_type &p) : p_(p), plan_(make_plan(p)) {}

    Real alpha() const noexcept { return p_.alpha(); }
    Real beta() const noexcept { return p_.beta(); }
    Real scale() const noexcept { return p_.scale(); }
    Real location() const noexcept { return p_.location(); }
    parameterization param_kind() const noexcept { return p_.param(); }

    param_type param() const noexcept { return p_; }
    void param(const param_type &p) {
        plan_ = make_plan(p); // cannot throw for a constructed param_type
        p_ = p;
    }
    void reset() noexcept {}

    /// Support: a half line when alpha < 1 and |beta| = 1, else the real line.
    Real min() const noexcept { return plan_.lower; }
    Real max() const noexcept { return plan_.upper; }

    /// Location of the same law in the S0 parameterization.
    Real location_s0() const noexcept { return plan_.out.add; }

    /// One variate from any standard engine: two open uniforms (one 32-bit
    /// word each for float, two for double), then CMS.
    template <std::uniform_random_bit_generator G> Real operator()(G &g) const {
        const Real u1 = detail::next_uniform<Real>(g);
        const Real u2 = detail::next_uniform<Real>(g);
        const auto draw = [&](const auto &out) {
            return plan_.k.beta == Real(0)
                       ? detail::cms_s0_from_uniforms<true>(u1, u2, plan_.k, out)
                       : detail::cms_s0_from_uniforms<false>(u1, u2, plan_.k, out);
        };
        const Real x =
            plan_.out.mul == Real(1)
                ? draw(detail::cms_unit_output<Real>{plan_.out.add, plan_.out.far_add})
                : draw(plan_.out);
        return x < plan_.lower ? plan_.lower : (x > plan_.upper ? plan_.upper : x);
    }
    template <std::uniform_random_bit_generator G>
    Real operator()(G &g, const param_type &p) const {
        return stable_distribution(p)(g);
    }

    friend bool operator==(const stable_distribution &a, const stable_distribution &b) {
        return a.p_ == b.p_;
    }

    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits> &operator<<(std::basic_ostream<CharT, Traits> &os,
                                                         const stable_distribution &d) {
        const auto flags = os.flags();
        const auto prec = os.precision(std::numeric_limits<Real>::max_digits10);
        os << d.alpha() << ' ' << d.beta() << ' ' << d.scale() << ' ' << d.location() << ' '
           << (d.param_kind() == parameterization::S0 ? 0 : 1);
        os.flags(flags);
        os.precision(prec);
        return os;
    }
    template <class CharT, class Traits>
    friend std::basic_istream<CharT, Traits> &operator>>(std::basic_istream<CharT, Traits> &is,
                                                         stable_distribution &d) {
        Real a, b, s, l;
        int k;
        if (is >> a >> b >> s >> l >> k) {
            if (k != 0 && k != 1) {
                is.setstate(std::ios::failbit);
                return is;
            }
            d.param(param_type(a, b, s, l, k == 0 ? parameterization::S0 : parameterization::S1));
        }
        return is;
    }

    /// Internal: coefficients and output map shared with the bulk samplers.
    const detail::stable_sampling_plan<Real> &sampling_plan() const noexcept { return plan_; }

  private:
    static detail::stable_sampling_plan<Real> make_plan(const param_type &p) noexcept {
        // Constants are computed in double and rounded once; the param_type
        // has checked that the S0 location and support edge fit in Real.
        const double a = p.alpha(), b = p.beta(), s = p.scale(), l = p.location();
        const auto kd = detail::make_cms_coefficients<double>(a, b);
        const auto f = detail::stable_frame_of(a, b, s, l, p.param());
        detail::stable_sampling_plan<Real> plan{};
        plan.k = {Real(kd.eps),          Real(kd.eps_over_alpha),
                  Real(kd.inv_alpha),    Real(kd.beta),
                  Real(kd.ce),           Real(kd.se),
                  Real(kd.eps_pi),       Real(kd.eps_over_se),
                  Real(kd.se_over_1pce), Real(kd.tau),
                  Real(kd.zeta)};
        // far_add = the edge image, clamped: beyond Real's range only for
        // |beta| < 1 (a law with no edge), where +-max keeps inf + far_add from NaN.
        constexpr double top = double(std::numeric_limits<Real>::max());
        plan.out = {p.scale(), Real(std::log(s)), Real(f.loc0), Real(std::clamp(f.edge, -top, top)),
                    Real(f.loc0 / s)};
        constexpr Real inf = std::numeric_limits<Real>::infinity();
        plan.lower = -inf;
        plan.upper = inf;
        // alpha < 1, |beta| = 1: a half line from the edge.
        if (a < 1.0 && b == 1.0)
            plan.lower = Real(f.edge);
        if (a < 1.0 && b == -1.0)
            plan.upper = Real(f.edge);
        return plan;
    }

    param_type p_;
    detail::stable_sampling_plan<Real> plan_;
};

} // namespace levysgd
