#pragma once
// Learning-rate schedulers s_t of Battash & Lindenbaum 2023 (Sec. 1 and eq. 3):
// constant, the "exponential" scheduler s_t = t^(gamma - 1) and the
// multi-step scheduler s_t = gamma_p on (T_p, T_{p+1}]. In eq. (3) the
// scheduler multiplies the noise of coordinate l by s_t^((alpha_l - 1)/alpha_l)
// (alpha = 2 for Gaussian noise: s_t^(1/2)); the SDE noise models apply it
// that way, and the optimizer steps (optim/) use s_t as a learning-rate factor.
// All satisfy the Scheduler concept (sde/concepts.hpp); any callable Real(Real)
// returning positive values does too.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/validate.hpp"

namespace levysgd {

namespace detail {
/// Throws std::invalid_argument (naming `where` and scheduler(t)) unless the
/// value s = s(t) a scheduler returned is finite and > 0: s <= 0 would make a
/// gradient step an ascent or a no-op and noise vanish. `after` is appended
/// to the message. The one check of the SDE noise models and optim/ steps.
template <class Real>
void check_scheduler_value(std::string_view where, Real s, Real t, std::string_view after = {}) {
    if (!(s > Real(0) && std::isfinite(s)))
        throw_invalid(where, "scheduler(t)", s,
                      "must be finite and > 0 (s(t) = " + to_text(s) + " at t = " + to_text(t) +
                          ")" + std::string(after));
}
} // namespace detail

/// s_t = value for all t (value = 1: no scheduling).
template <class Real = double> struct constant_scheduler {
    Real value = 1;
    constant_scheduler() = default;
    explicit constant_scheduler(Real v) : value(v) {
        if (!(v > Real(0) && std::isfinite(v)))
            detail::throw_invalid("levysgd::constant_scheduler", "value", v,
                                  "must be finite and > 0");
    }
    Real operator()(Real) const noexcept { return value; }
};

/// s_t = max(t, t_min)^(gamma - 1), gamma in (0, 1]: the paper's t^(gamma-1)
/// with its singularity at t = 0 cut off at t_min (default 1, so s_t <= 1).
template <class Real = double> struct exponential_scheduler {
    Real gamma = 1;
    Real t_min = 1;
    exponential_scheduler(Real gamma_, Real t_min_ = 1) : gamma(gamma_), t_min(t_min_) {
        constexpr std::string_view where = "levysgd::exponential_scheduler";
        if (!(gamma_ > Real(0) && gamma_ <= Real(1)))
            detail::throw_invalid(where, "gamma", gamma_, "must be in (0, 1]");
        if (!(t_min_ > Real(0) && std::isfinite(t_min_)))
            detail::throw_invalid(where, "t_min", t_min_, "must be finite and > 0");
    }
    Real operator()(Real t) const noexcept { return std::pow(std::max(t, t_min), gamma - Real(1)); }
};

/// Multi-step: with boundaries T_1 < T_2 < ... < T_P and factors gamma_1 ...
/// gamma_P in (0, 1], s_t = 1 for t <= T_1 and s_t = gamma_p for t in
/// (T_p, T_{p+1}] (T_{P+1} = infinity).
template <class Real = double> struct multistep_scheduler {
    std::vector<Real> boundaries;
    std::vector<Real> factors;
    multistep_scheduler(std::span<const Real> boundaries_, std::span<const Real> factors_)
        : boundaries(boundaries_.begin(), boundaries_.end()),
          factors(factors_.begin(), factors_.end()) {
        constexpr std::string_view where = "levysgd::multistep_scheduler";
        if (factors.size() != boundaries.size())
            detail::throw_invalid(where, "factors.size()", factors.size(),
                                  "must equal boundaries.size() = " +
                                      std::to_string(boundaries.size()));
        for (std::size_t p = 0; p < boundaries.size(); ++p) {
            std::string i = "[";
            i += std::to_string(p);
            i += ']';
            if (!(boundaries[p] >= Real(0) && std::isfinite(boundaries[p])) ||
                (p > 0 && !(boundaries[p] > boundaries[p - 1])))
                detail::throw_invalid(where, "boundaries" + i, boundaries[p],
                                      "must be finite, >= 0 and increasing");
            if (!(factors[p] > Real(0) && factors[p] <= Real(1)))
                detail::throw_invalid(where, "factors" + i, factors[p], "must be in (0, 1]");
        }
    }
    multistep_scheduler(std::initializer_list<Real> b, std::initializer_list<Real> f)
        : multistep_scheduler(std::span<const Real>(b.begin(), b.size()),
                              std::span<const Real>(f.begin(), f.size())) {}
    Real operator()(Real t) const noexcept {
        // Phase p starts after boundaries[p]: count the boundaries strictly below t.
        const auto n =
            std::lower_bound(boundaries.begin(), boundaries.end(), t) - boundaries.begin();
        return n == 0 ? Real(1) : factors[static_cast<std::size_t>(n - 1)];
    }
};

namespace detail {
template <class S> inline constexpr bool is_constant_scheduler = false;
template <class R> inline constexpr bool is_constant_scheduler<constant_scheduler<R>> = true;
} // namespace detail

} // namespace levysgd
