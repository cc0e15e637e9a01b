#pragma once
// Domains (basins) for escape-time studies; each satisfies Domain
// (sde/concepts.hpp): contains(x) is the per-step test, exit(x) says where a
// point outside left (coordinate and side).
//
//   interval<Real>            (lo, hi) in 1-D; side -1 (left) / +1 (right)
//   box<Real, Dim>            product of intervals; the coordinate that is
//                             furthest outside, relative to the box width
//   ball<Real, Dim>           |x - c| < r; the coordinate with the largest
//                             |x_i - c_i| and its sign (Battash & Lindenbaum 2023
//                             Fig. 3: "we check which axis is larger")
//   loss_threshold<P>         {L(w) < L(w*) + dL} (the basin used for neural
//                             networks), optionally intersected with a ball
//                             around w* so that only w*'s component counts

#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../core/well.hpp"
#include "../detail/validate.hpp"
#include "concepts.hpp"

namespace levysgd {

/// The open interval (lo, hi) of a 1-D state.
template <class Real = double> struct interval {
    Real lo, hi;
    interval(Real lo_, Real hi_) : lo(lo_), hi(hi_) {
        constexpr std::string_view where = "levysgd::interval";
        if (std::isnan(lo_))
            detail::throw_invalid(where, "lo", lo_, "must not be NaN");
        if (!(lo_ < hi_))
            detail::throw_invalid(where, "hi", hi_, "must be > lo = " + detail::to_text(lo_));
    }
    Eigen::Index dimension() const noexcept { return 1; }
    template <class V> LEVYSGD_HOST_DEVICE bool contains(const V &x) const noexcept {
        return x[0] > lo && x[0] < hi;
    }
    /// contains() of several states at once (B an xsimd batch).
    template <class B> auto contains_batch(const std::array<B, 1> &x) const noexcept {
        return (x[0] > B(lo)) && (x[0] < B(hi));
    }
    template <class V> LEVYSGD_HOST_DEVICE exit_info exit(const V &x) const noexcept {
        return {0, x[0] <= lo ? -1 : (x[0] >= hi ? 1 : 0)};
    }
};

/// The open box prod_i (lo_i, hi_i).
template <class Real = double, int Dim = Eigen::Dynamic> struct box {
    using vector = Eigen::Matrix<Real, Dim, 1>;
    vector lo, hi;
    box(const vector &lo_, const vector &hi_) : lo(lo_), hi(hi_) {
        constexpr std::string_view where = "levysgd::box";
        if (lo.size() != hi.size() || lo.size() == 0)
            detail::throw_invalid(where, "hi.size()", hi.size(),
                                  "must equal lo.size() = " + std::to_string(lo.size()) +
                                      " and be >= 1");
        for (Eigen::Index i = 0; i < lo.size(); ++i) {
            if (std::isnan(lo[i]))
                detail::throw_invalid(where, "lo[" + std::to_string(i) + "]", lo[i],
                                      "must not be NaN");
            if (!(lo[i] < hi[i]))
                detail::throw_invalid(where, "hi[" + std::to_string(i) + "]", hi[i],
                                      "must be > lo[i] = " + detail::to_text(lo[i]));
        }
    }
    Eigen::Index dimension() const noexcept { return lo.size(); }
    template <class V> bool contains(const V &x) const noexcept {
        for (Eigen::Index i = 0; i < lo.size(); ++i)
            if (!(x[i] > lo[i] && x[i] < hi[i]))
                return false;
        return true;
    }
    /// contains() of several states at once (B an xsimd batch; fixed Dim only).
    template <class B, std::size_t N>
    requires(Dim != Eigen::Dynamic &&
             N == std::size_t(Dim)) auto contains_batch(const std::array<B, N> &x) const noexcept {
        auto in = (x[0] > B(lo[0])) && (x[0] < B(hi[0]));
        for (std::size_t i = 1; i < N; ++i)
            in = in && (x[i] > B(lo[Eigen::Index(i)])) && (x[i] < B(hi[Eigen::Index(i)]));
        return in;
    }
    template <class V> exit_info exit(const V &x) const noexcept {
        // Among the coordinates that are outside, the one furthest out relative
        // to the box width (raw distance where a side is unbounded).
        exit_info e;
        Real worst = -1;
        for (Eigen::Index i = 0; i < lo.size(); ++i) {
            const Real w = hi[i] - lo[i];
            const Real scale = std::isfinite(w) ? w : Real(1);
            if (x[i] <= lo[i] && (lo[i] - x[i]) / scale > worst) {
                worst = (lo[i] - x[i]) / scale;
                e = {static_cast<int>(i), -1};
            } else if (x[i] >= hi[i] && (x[i] - hi[i]) / scale > worst) {
                worst = (x[i] - hi[i]) / scale;
                e = {static_cast<int>(i), 1};
            }
        }
        return e;
    }
};

namespace detail {
/// The coordinate i with the largest |x_i - c_i| and the sign of x_i - c_i
/// (exit() of ball and loss_threshold).
template <class Real, class V, class C>
exit_info largest_axis(const V &x, const C &c) noexcept {
    exit_info e{0, 0};
    Real best = -1;
    for (Eigen::Index i = 0; i < c.size(); ++i) {
        const Real d = x[i] - c[i];
        if (std::abs(d) > best) {
            best = std::abs(d);
            e = {static_cast<int>(i), d < Real(0) ? -1 : 1};
        }
    }
    return e;
}
} // namespace detail

/// The open ball |x - center| < radius (Euclidean).
template <class Real = double, int Dim = Eigen::Dynamic> struct ball {
    using vector = Eigen::Matrix<Real, Dim, 1>;
    vector center;
    Real radius;
    ball(const vector &center_, Real radius_) : center(center_), radius(radius_) {
        constexpr std::string_view where = "levysgd::ball";
        if (center.size() == 0)
            detail::throw_invalid(where, "center.size()", 0, "must be >= 1");
        if (!(radius_ > Real(0) && std::isfinite(radius_)))
            detail::throw_invalid(where, "radius", radius_, "must be finite and > 0");
        if (!center.allFinite())
            detail::throw_invalid(where, "center", "non-finite", "must be finite");
    }
    Eigen::Index dimension() const noexcept { return center.size(); }
    template <class V> bool contains(const V &x) const noexcept {
        return (x - center).squaredNorm() < radius * radius;
    }
    /// contains() of several states at once (B an xsimd batch; fixed Dim only).
    template <class B, std::size_t N>
    requires(Dim != Eigen::Dynamic &&
             N == std::size_t(Dim)) auto contains_batch(const std::array<B, N> &x) const noexcept {
        const B d0 = x[0] - B(center[0]);
        B ss = d0 * d0;
        for (std::size_t i = 1; i < N; ++i) {
            const B d = x[i] - B(center[Eigen::Index(i)]);
            ss = ss + d * d;
        }
        return ss < B(radius * radius);
    }
    template <class V> exit_info exit(const V &x) const noexcept {
        return detail::largest_axis<Real>(x, center);
    }
};

/// The sublevel set {w : L(w) < L(w*) + delta} of a potential around the
/// minimum w*, optionally only the part within `radius` of w* (infinity: the
/// whole set, which may have several components). exit(x) reports the
/// coordinate of the largest displacement from w* and its sign.
template <Potential P> class loss_threshold {
  public:
    using Real = typename P::scalar_type;
    using vector = state_vector<P>;
    loss_threshold(const P &potential, const vector &w_star, Real delta,
                   Real radius = std::numeric_limits<Real>::infinity())
        : p_(potential), w_(w_star), level_(checked_level(potential, w_star, delta, radius)),
          r2_(radius * radius) {}
    Eigen::Index dimension() const noexcept { return w_.size(); }
    Real level() const noexcept { return level_; }
    template <class V> bool contains(const V &x) const {
        if (r2_ != std::numeric_limits<Real>::infinity() && !((x - w_).squaredNorm() < r2_))
            return false;
        return p_.value(x) < level_;
    }
    template <class V> exit_info exit(const V &x) const noexcept {
        return detail::largest_axis<Real>(x, w_);
    }

  private:
    // Every argument is checked before the potential sees w_star (a w_star of
    // the wrong size would be read out of bounds).
    static Real checked_level(const P &potential, const vector &w_star, Real delta, Real radius) {
        constexpr std::string_view where = "levysgd::loss_threshold";
        if (w_star.size() != potential.dimension())
            detail::throw_invalid(where, "w_star.size()", w_star.size(),
                                  "must equal the potential's dimension " +
                                      std::to_string(potential.dimension()));
        if (!w_star.allFinite())
            detail::throw_invalid(where, "w_star", "non-finite entries", "must be finite");
        if (!(delta > Real(0) && std::isfinite(delta)))
            detail::throw_invalid(where, "delta", delta, "must be finite and > 0");
        if (!(radius > Real(0)))
            detail::throw_invalid(where, "radius", radius, "must be > 0");
        const Real f = potential.value(w_star);
        if (!std::isfinite(f))
            detail::throw_invalid(where, "potential.value(w_star)", f, "must be finite");
        const Real level = f + delta;
        if (!std::isfinite(level))
            detail::throw_invalid(where, "delta", delta,
                                  "must keep potential.value(w_star) + delta finite");
        return level;
    }

    P p_;
    vector w_;
    Real level_, r2_;
};

/// Basins of a 1-D problem as open intervals (lo_i, hi_i), sorted and
/// non-overlapping (e.g. neighbourhoods of the minima of a multi-well);
/// basin(x) = -1 between them. Satisfies BasinClassifier.
template <class Real = double> class interval_basins {
  public:
    interval_basins(std::vector<Real> lo, std::vector<Real> hi)
        : lo_(std::move(lo)), hi_(std::move(hi)) {
        constexpr std::string_view where = "levysgd::interval_basins";
        if (lo_.empty() || lo_.size() != hi_.size())
            detail::throw_invalid(where, "hi.size()", hi_.size(),
                                  "must equal lo.size() = " + std::to_string(lo_.size()) +
                                      " and be >= 1");
        for (std::size_t i = 0; i < lo_.size(); ++i) {
            if (std::isnan(lo_[i]))
                detail::throw_invalid(where, "lo[" + std::to_string(i) + "]", lo_[i],
                                      "must not be NaN");
            if (!(lo_[i] < hi_[i]))
                detail::throw_invalid(where, "hi[" + std::to_string(i) + "]", hi_[i],
                                      "must be > lo[i] = " + detail::to_text(lo_[i]));
            if (i > 0 && !(lo_[i] >= hi_[i - 1]))
                detail::throw_invalid(where, "lo[" + std::to_string(i) + "]", lo_[i],
                                      "must be >= hi[i-1] (sorted, non-overlapping)");
        }
    }
    int basins() const noexcept { return static_cast<int>(lo_.size()); }
    template <class V> int basin(const V &x) const noexcept {
        return core::interval_basin(Real(x[0]), lo_.data(), hi_.data(), lo_.size());
    }
    const std::vector<Real> &lo() const noexcept { return lo_; }
    const std::vector<Real> &hi() const noexcept { return hi_; }

  private:
    std::vector<Real> lo_, hi_;
};

} // namespace levysgd
