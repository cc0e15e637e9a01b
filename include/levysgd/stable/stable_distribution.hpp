#pragma once
// levysgd::stable_distribution<Real>: the alpha-stable law S(alpha, beta,
// scale, location) in the S0 or S1 parameterization (parameterization.hpp),
// a validated value type that is also a <random> distribution: d(engine)
// draws one variate by Chambers-Mallows-Stuck (stable/detail/cms.hpp).
// Bulk SIMD sampling is levysgd::sample() in stable/sample.hpp.

#include <cmath>
#include <concepts>
#include <istream>
#include <limits>
#include <numbers>
#include <ostream>
#include <random>
#include <sstream>

#include "../detail/validate.hpp"
#include "../random/urbg_bits.hpp"
#include "detail/cms.hpp"
#include "parameterization.hpp"

namespace levysgd {

template <std::floating_point Real> class stable_distribution;

namespace detail {

/// What a sampler needs from a distribution: CMS coefficients and the affine
/// map from the standard S0 variate to the requested law, clamped to the
/// support (rounding never leaves a one-sided support).
template <class Real> struct stable_sampling_plan {
    cms_coefficients<Real> k;
    Real mul;   // scale
    Real add;   // S0 location of the law
    Real lower; // support
    Real upper;
};

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
            detail::check_stable_parameters("levysgd::stable_distribution", alpha, beta, scale,
                                            location);
            (void)make_plan(*this); // throws if the S0 location leaves Real's range
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
    Real location_s0() const noexcept { return plan_.add; }

    /// One variate from any standard engine: two open uniforms (one 32-bit
    /// word each for float, two for double), then CMS.
    template <std::uniform_random_bit_generator G> Real operator()(G &g) const {
        const Real u1 = detail::next_uniform<Real>(g);
        const Real u2 = detail::next_uniform<Real>(g);
        const Real z = plan_.k.beta == Real(0)
                           ? detail::cms_s0_from_uniforms<true>(u1, u2, plan_.k)
                           : detail::cms_s0_from_uniforms<false>(u1, u2, plan_.k);
        return finish(z, plan_);
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

    /// Affine map from a standard S0 variate to this law, clamped to the support.
    static Real finish(Real z0, const detail::stable_sampling_plan<Real> &plan) noexcept {
        const Real x = plan.mul * z0 + plan.add;
        return x < plan.lower ? plan.lower : (x > plan.upper ? plan.upper : x);
    }

  private:
    static detail::stable_sampling_plan<Real> make_plan(const param_type &p) {
        // Constants are computed in double and rounded once.
        const double a = p.alpha(), b = p.beta(), s = p.scale(), l = p.location();
        const auto kd = detail::make_cms_coefficients<double>(a, b);
        detail::stable_sampling_plan<Real> plan{};
        plan.k = {Real(kd.eps),          Real(kd.eps_over_alpha),
                  Real(kd.inv_alpha),    Real(kd.beta),
                  Real(kd.ce),           Real(kd.se),
                  Real(kd.eps_pi),       Real(kd.eps_over_se),
                  Real(kd.se_over_1pce), Real(kd.tau),
                  Real(kd.zeta)};
        // S1 -> S0 location: d0 = d1 + beta g tan(pi a/2) = d1 - g zeta  (a != 1),
        //                    d0 = d1 + beta (2/pi) g log g               (a == 1).
        double loc0 = l;
        if (p.param() == parameterization::S1)
            loc0 =
                (a == 1.0) ? l + b * (2.0 / std::numbers::pi) * s * std::log(s) : l - s * kd.zeta;
        // The S0 location must be representable in Real: near alpha = 1
        // |zeta| is large (6366 at alpha = 0.9999), and a scale near the top
        // of float's range takes scale zeta beyond it.
        constexpr double top = double(std::numeric_limits<Real>::max());
        if (!(std::fabs(loc0) <= top)) {
            std::ostringstream os;
            os.precision(17);
            os << "must keep the S0 location (" << loc0
               << " for these alpha, beta, scale and location) within the range of "
               << (std::same_as<Real, float> ? "float" : "double");
            detail::throw_invalid("levysgd::stable_distribution", "scale", s, os.str());
        }
        plan.mul = p.scale();
        plan.add = Real(loc0);
        constexpr Real inf = std::numeric_limits<Real>::infinity();
        plan.lower = -inf;
        plan.upper = inf;
        // alpha < 1, |beta| = 1: standard S0 support starts at zeta = -beta tan(pi a/2),
        // so the edge is the S1 location exactly, or l + s zeta in S0 (not
        // loc0 + s zeta, whose rounding, FMA-contracted or not, leaves S1's
        // edge a few 1e-17 off). An edge beyond Real's range rounds to the
        // infinity of its sign.
        const auto edge = [&] {
            const double e = p.param() == parameterization::S1 ? l : l + s * kd.zeta;
            return e > top ? inf : (e < -top ? -inf : Real(e));
        };
        if (a < 1.0 && b == 1.0)
            plan.lower = edge();
        if (a < 1.0 && b == -1.0)
            plan.upper = edge();
        return plan;
    }

    param_type p_;
    detail::stable_sampling_plan<Real> plan_;
};

} // namespace levysgd
