#pragma once
// Tabulated log-density of the standard S0 stable law for maximum likelihood,
// the device of Nolan's STABLE program (Nolan 2001, "Maximum likelihood
// estimation and diagnostics for stable distributions"): the exact
// levysgd::logpdf is evaluated once per (alpha, beta) on nodes equally spaced
// in t = asinh((z - c) / w), c near the mode, and interpolated by cubic
// Hermite polynomials in t whose node slopes are fourth-order central
// differences. In t the stable tails are straight lines
// (log f ~ -(1 + alpha) t), so a few hundred nodes reach |z| = 1e8.
// Beyond the grid: the power tail f ~ c (1 +- beta) |z|^(-1-alpha) matched to
// the edge value (alpha < 2, heavy side), the Gaussian log f = -z^2/4
// (alpha = 2), or the edge slope in t if steeper (light side of |beta| = 1).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "../density.hpp"
#include "../stable_distribution.hpp"

namespace levysgd::detail {

/// log f and its first two derivatives in z.
struct log_density_derivs {
    double v, d1, d2;
};

class stable_logpdf_grid {
  public:
    /// Nodes z = c + w sinh(t_lo + i h), i < n (n >= 5), for the standard S0
    /// law (alpha, beta).
    void build(double alpha, double beta, double c, double w, double t_lo, double t_hi,
               std::size_t n) {
        alpha_ = alpha;
        beta_ = beta;
        c_ = c;
        w_ = w;
        inv_w_ = 1 / w;
        t0_ = t_lo;
        h_ = (t_hi - t_lo) / double(n - 1);
        inv_h_ = 1 / h_;
        z_.resize(n);
        v_.resize(n);
        d_.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            z_[i] = c_ + w_ * std::sinh(t0_ + h_ * double(i));
        const stable_distribution<double> law(alpha, beta, 1, 0, parameterization::S0);
        levysgd::logpdf(law, std::span<const double>(z_), std::span<double>(v_));
        for (auto &v : v_)
            if (std::isnan(v))
                v = -std::numeric_limits<double>::infinity();
        for (std::size_t i = 0; i < n; ++i)
            d_[i] = slope(i);
        // slopes in t of log f beyond each edge, pointing outwards
        gauss_ = alpha >= 2;
        lo_slope_ = (!gauss_ && beta > -1) ? -(1 + alpha) : std::min(-d_.front(), -(1 + alpha));
        hi_slope_ = (!gauss_ && beta < 1) ? -(1 + alpha) : std::min(d_.back(), -(1 + alpha));
    }

    double alpha() const noexcept { return alpha_; }
    double beta() const noexcept { return beta_; }
    std::span<const double> nodes() const noexcept { return z_; }
    std::span<const double> values() const noexcept { return v_; }

    /// Interpolated log f(z) of the standard law.
    double operator()(double z) const noexcept {
        const double t = std::asinh((z - c_) * inv_w_);
        const double u = (t - t0_) * inv_h_;
        const std::size_t last = v_.size() - 1;
        if (!(u >= 0))
            return beyond(z, 0, lo_slope_, t0_ - t);
        if (u >= double(last))
            return beyond(z, last, hi_slope_, t - (t0_ + h_ * double(last)));
        const auto i = static_cast<std::size_t>(u);
        const double s = u - double(i);
        const double a = v_[i], b = v_[i + 1];
        if (!std::isfinite(a) || !std::isfinite(b))
            return -std::numeric_limits<double>::infinity();
        const double s2 = s * s, s3 = s2 * s;
        return (2 * s3 - 3 * s2 + 1) * a + (s3 - 2 * s2 + s) * h_ * d_[i] + (-2 * s3 + 3 * s2) * b +
               (s3 - s2) * h_ * d_[i + 1];
    }

    /// log f(z) with d/dz and d^2/dz^2 of the interpolant.
    log_density_derivs derivs(double z) const noexcept {
        constexpr double inf = std::numeric_limits<double>::infinity();
        const double q = (z - c_) * inv_w_;
        const double t = std::asinh(q);
        const double r = 1 / std::sqrt(1 + q * q);
        const double t1 = inv_w_ * r;                       // dt/dz
        const double t2 = -q * r * r * r * inv_w_ * inv_w_; // d2t/dz2
        const double u = (t - t0_) * inv_h_;
        const std::size_t last = v_.size() - 1;
        double g, gt, gtt;
        if (!(u >= 0) || u >= double(last)) {
            const bool lo = !(u >= 0);
            const std::size_t e = lo ? 0 : last;
            if (!std::isfinite(v_[e]))
                return {-inf, 0, 0};
            if (gauss_)
                return {v_[e] - (z * z - z_[e] * z_[e]) / 4, -z / 2, -0.5};
            const double sl = lo ? lo_slope_ : hi_slope_;
            const double dt = lo ? t0_ - t : t - (t0_ + h_ * double(last));
            g = v_[e] + sl * dt;
            gt = lo ? -sl : sl;
            gtt = 0;
        } else {
            const auto i = static_cast<std::size_t>(u);
            const double s = u - double(i);
            const double a = v_[i], b = v_[i + 1];
            if (!std::isfinite(a) || !std::isfinite(b))
                return {-inf, 0, 0};
            const double da = h_ * d_[i], db = h_ * d_[i + 1];
            const double s2 = s * s, s3 = s2 * s;
            g = (2 * s3 - 3 * s2 + 1) * a + (s3 - 2 * s2 + s) * da + (-2 * s3 + 3 * s2) * b +
                (s3 - s2) * db;
            gt = ((6 * s2 - 6 * s) * (a - b) + (3 * s2 - 4 * s + 1) * da + (3 * s2 - 2 * s) * db) *
                 inv_h_;
            gtt = ((12 * s - 6) * (a - b) + (6 * s - 4) * da + (6 * s - 2) * db) * inv_h_ * inv_h_;
        }
        return {g, gt * t1, gtt * t1 * t1 + gt * t2};
    }

  private:
    // dv/dt at node i: 5-point central difference (error O(h^4)), one-sided
    // 5-point at the ends, lower order next to -inf nodes (outside a support).
    double slope(std::size_t i) const noexcept {
        const std::size_t n = v_.size();
        auto ok = [&](std::ptrdiff_t j) {
            return j >= 0 && std::size_t(j) < n && std::isfinite(v_[std::size_t(j)]);
        };
        auto v = [&](std::ptrdiff_t j) { return v_[std::size_t(j)]; };
        const auto k = std::ptrdiff_t(i);
        if (!ok(k))
            return 0;
        if (ok(k - 2) && ok(k - 1) && ok(k + 1) && ok(k + 2))
            return (v(k - 2) - 8 * v(k - 1) + 8 * v(k + 1) - v(k + 2)) * inv_h_ / 12;
        if (!ok(k - 1) && ok(k + 1) && ok(k + 2) && ok(k + 3) && ok(k + 4))
            return (-25 * v(k) + 48 * v(k + 1) - 36 * v(k + 2) + 16 * v(k + 3) - 3 * v(k + 4)) *
                   inv_h_ / 12;
        if (!ok(k + 1) && ok(k - 1) && ok(k - 2) && ok(k - 3) && ok(k - 4))
            return (25 * v(k) - 48 * v(k - 1) + 36 * v(k - 2) - 16 * v(k - 3) + 3 * v(k - 4)) *
                   inv_h_ / 12;
        if (ok(k - 1) && ok(k + 1))
            return (v(k + 1) - v(k - 1)) * inv_h_ / 2;
        if (ok(k + 1))
            return (v(k + 1) - v(k)) * inv_h_;
        if (ok(k - 1))
            return (v(k) - v(k - 1)) * inv_h_;
        return 0;
    }

    // dt >= 0: distance in t beyond the edge node e.
    double beyond(double z, std::size_t e, double slope, double dt) const noexcept {
        const double ve = v_[e];
        if (!std::isfinite(ve))
            return -std::numeric_limits<double>::infinity();
        if (gauss_)
            return ve - (z * z - z_[e] * z_[e]) / 4; // N(0, 2)
        return ve + slope * dt;
    }

    double alpha_ = -1, beta_ = -2;
    double c_ = 0, w_ = 1, inv_w_ = 1, t0_ = 0, h_ = 1, inv_h_ = 1;
    std::vector<double> z_, v_, d_;
    bool gauss_ = true;
    double lo_slope_ = -3, hi_slope_ = -3;
};

} // namespace levysgd::detail
