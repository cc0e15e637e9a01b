#pragma once
// levysgd::stable_distribution<Real>: the alpha-stable law S(alpha, beta,
// scale, location) in the S0 or S1 parameterization (parameterization.hpp),
// a validated value type that is also a <random> distribution: d(engine)
// draws one variate by Chambers-Mallows-Stuck (core/cms.hpp, core/stable_plan.hpp).
// Bulk SIMD sampling is levysgd::sample() in stable/sample.hpp; support(d)
// is here, median(d) with the quantile in stable/density.hpp.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <istream>
#include <limits>
#include <numbers>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>

#include "../detail/validate.hpp"
#include "../random/urbg_bits.hpp"
#include "../core/cms.hpp"
#include "../core/stable_plan.hpp"
#include "parameterization.hpp"

namespace levysgd {

template <std::floating_point Real> class stable_distribution;

namespace detail {

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

/// The checks of sample_coordinates (and the CUDA per-coordinate law): out
/// has n values, alpha n entries, scale n or 1; each law S(alpha[i], beta,
/// scale[i], 0; p) is one stable_distribution accepts. Names the first bad one.
template <class Real>
void check_coordinate_laws(std::string_view where, std::span<const Real> alpha,
                           std::span<const Real> scale, Real beta, parameterization p,
                           std::size_t n) {
    if (alpha.size() != n)
        detail::throw_invalid(where, "alpha.size()", alpha.size(),
                              "must equal out.size() = " + std::to_string(n));
    if (scale.size() != n && scale.size() != 1)
        detail::throw_invalid(where, "scale.size()", scale.size(),
                              "must be 1 or out.size() = " + std::to_string(n));
    if (!(beta >= Real(-1) && beta <= Real(1)))
        detail::throw_invalid(where, "beta", beta, "must be in [-1, 1]");
    // Every law's checks, branch-free so that the pass vectorizes; only if
    // one fails are they repeated one by one to name the first bad value.
    constexpr Real top = std::numeric_limits<Real>::max();
    const auto law_ok = [&](Real a, Real s) {
        // int operands: & on purpose (no branches), not && (clang's
        // -Wbitwise-instead-of-logical)
        return bool(int(detail::valid_stable_alpha(a)) & int(s > Real(0)) & int(s <= top) &
                    int(detail::stable_frame_surely_in_range<Real>(a, beta, s, 0)));
    };
    bool all_ok = true;
    if (scale.size() == 1)
        for (std::size_t i = 0; i < n; ++i)
            all_ok &= law_ok(alpha[i], scale[0]);
    else
        for (std::size_t i = 0; i < n; ++i)
            all_ok &= law_ok(alpha[i], scale[i]);
    if (!all_ok || n == 0) {
        for (std::size_t i = 0; i < n; ++i)
            if (!detail::valid_stable_alpha(alpha[i]))
                detail::throw_invalid(where, "alpha[" + std::to_string(i) + "]", alpha[i],
                                      detail::stable_alpha_requirement);
        for (std::size_t i = 0; i < scale.size(); ++i)
            if (!(scale[i] > Real(0) && std::isfinite(scale[i])))
                detail::throw_invalid(where, "scale[" + std::to_string(i) + "]", scale[i],
                                      "must be finite and > 0");
        // what stable_distribution(alpha[i], beta, scale, 0, p) refuses
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t j = scale.size() == 1 ? 0 : i;
            if (!detail::stable_frame_in_range<Real>(alpha[i], beta, scale[j], 0, p))
                detail::throw_stable_frame<Real>(
                    where, "scale[" + std::to_string(j) + "]",
                    "alpha[" + std::to_string(i) + "] = " + detail::to_text(alpha[i]) +
                        ", beta = " + detail::to_text(beta) + " and location 0",
                    scale[j], alpha[i], beta, 0, p);
        }
    }
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
        parameterization param_kind() const noexcept { return p_; }
        friend bool operator==(const param_type &, const param_type &) = default;

        template <class CharT, class Traits>
        friend std::basic_ostream<CharT, Traits> &operator<<(std::basic_ostream<CharT, Traits> &os,
                                                             const param_type &p) {
            const auto flags = os.flags();
            const auto prec = os.precision(std::numeric_limits<Real>::max_digits10);
            os << p.alpha_ << ' ' << p.beta_ << ' ' << p.scale_ << ' ' << p.location_ << ' '
               << (p.p_ == parameterization::S0 ? 0 : 1);
            os.flags(flags);
            os.precision(prec);
            return os;
        }
        /// Reads what operator<< wrote. Bad input (unreadable, an invalid
        /// parameter or law, a kind other than 0/1) sets failbit and leaves
        /// `p` unchanged; nothing throws.
        template <class CharT, class Traits>
        friend std::basic_istream<CharT, Traits> &operator>>(std::basic_istream<CharT, Traits> &is,
                                                             param_type &p) {
            Real a, b, s, l;
            int k;
            if (is >> a >> b >> s >> l >> k) {
                const auto kind = k == 0 ? parameterization::S0 : parameterization::S1;
                if ((k != 0 && k != 1) || !valid(a, b, s, l, kind))
                    is.setstate(std::ios::failbit);
                else
                    p = param_type(a, b, s, l, kind);
            }
            return is;
        }

      private:
        // What the constructor checks, without throwing.
        static bool valid(Real a, Real b, Real s, Real l, parameterization kind) noexcept {
            return detail::valid_stable_alpha(a) && b >= Real(-1) && b <= Real(1) &&
                   s > Real(0) && s <= std::numeric_limits<Real>::max() && std::isfinite(l) &&
                   detail::stable_frame_in_range<Real>(a, b, s, l, kind);
        }

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
    parameterization param_kind() const noexcept { return p_.param_kind(); }

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
    /// With g = philox4x32(seed, stream), draw i is sample i of (seed,
    /// stream) under the index rule (core::stable_variate_at).
    template <std::uniform_random_bit_generator G> Real operator()(G &g) const {
        const Real u1 = detail::next_uniform<Real>(g);
        const Real u2 = detail::next_uniform<Real>(g);
        return core::stable_variate(plan_, u1, u2);
    }
    template <std::uniform_random_bit_generator G>
    Real operator()(G &g, const param_type &p) const {
        return stable_distribution(p)(g);
    }

    friend bool operator==(const stable_distribution &a, const stable_distribution &b) {
        return a.p_ == b.p_;
    }

    /// Writes "alpha beta scale location kind" (kind 0 = S0, 1 = S1).
    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits> &operator<<(std::basic_ostream<CharT, Traits> &os,
                                                         const stable_distribution &d) {
        return os << d.p_;
    }
    /// Reads what operator<< wrote; bad input sets failbit and leaves `d`
    /// unchanged (see param_type's operator>>).
    template <class CharT, class Traits>
    friend std::basic_istream<CharT, Traits> &operator>>(std::basic_istream<CharT, Traits> &is,
                                                         stable_distribution &d) {
        param_type p = d.p_;
        if (is >> p)
            d.param(p);
        return is;
    }

    /// The per-law constants of the samplers (core::stable_plan: CMS
    /// coefficients, zeta, output map, support), computed once.
    const core::stable_plan<Real> &sampling_plan() const noexcept { return plan_; }

  private:
    static core::stable_plan<Real> make_plan(const param_type &p) noexcept {
        // The param_type has checked that the S0 location and support edge fit in Real.
        return core::make_stable_plan<Real>(p.alpha(), p.beta(), p.scale(), p.location(),
                                            p.param_kind());
    }
    param_type p_;
    core::stable_plan<Real> plan_;
};

/// Lower and upper end of a support.
template <class Real> struct support_interval {
    Real lower;
    Real upper;
};

/// The support of d: [edge, +inf) for alpha < 1, beta = 1; (-inf, edge] for
/// alpha < 1, beta = -1; the whole line (+-inf ends) otherwise. The edge is
/// d.min() / d.max(), the plan's clamp (core::stable_frame_of).
template <std::floating_point Real>
support_interval<Real> support(const stable_distribution<Real> &d) noexcept {
    return {d.min(), d.max()};
}

} // namespace levysgd
