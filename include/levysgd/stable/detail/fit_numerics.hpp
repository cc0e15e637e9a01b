#pragma once
// Small numerical tools for the stable fits: data checks, sample quantiles,
// a box-constrained Newton minimiser and a
// symmetric positive definite inverse. Nothing here is part of the public API.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../../detail/validate.hpp"

namespace levysgd::detail {

/// Copies x to double after checking its size and that every value is finite.
template <class Real>
std::vector<double> checked_fit_data(std::string_view where, std::span<const Real> x,
                                     std::size_t min_n) {
    if (x.size() < min_n)
        throw_invalid(where, "x", std::to_string(x.size()) + " value(s)",
                      "needs at least " + std::to_string(min_n) + " samples");
    std::size_t bad = 0, first = 0;
    std::vector<double> v(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        v[i] = double(x[i]);
        if (!std::isfinite(v[i]) && bad++ == 0)
            first = i;
    }
    if (bad > 0)
        throw_invalid(where, "x",
                      std::to_string(bad) + " NaN/inf value(s), the first at index " +
                          std::to_string(first),
                      "must be finite");
    return v;
}

/// Quantile of sorted data with McCulloch's (1986) convention: the i-th order
/// statistic (1-based) estimates the (i - 1/2)/n quantile, linear in between,
/// clamped to the extremes.
inline double sorted_quantile(std::span<const double> s, double p) noexcept {
    const double n = double(s.size());
    const double pos = n * p + 0.5; // 1-based
    if (pos <= 1)
        return s.front();
    if (pos >= n)
        return s.back();
    const auto i = static_cast<std::size_t>(pos);
    const double f = pos - double(i);
    const double d = s[i] - s[i - 1]; // overflows only for neighbours near -+1e308
    return std::isfinite(d) ? s[i - 1] + f * d : (1 - f) * s[i - 1] + f * s[i];
}

/// Data in a standard unit: z = (x - centre) / unit, centre the median and
/// unit the interquartile range (half of it if that overflows), so that the
/// fits run on O(1) numbers and are equivariant under x -> a x + b for any
/// scale from 1e-300 to 1e300 and subnormal data.
struct standardised_data {
    std::vector<double> z;
    double centre = 0, unit = 1;
};

inline standardised_data standardise(std::string_view where, const std::vector<double> &v) {
    std::vector<double> s(v);
    std::sort(s.begin(), s.end());
    const std::span<const double> ss(s);
    standardised_data r;
    const double x25 = sorted_quantile(ss, 0.25), x75 = sorted_quantile(ss, 0.75);
    r.centre = sorted_quantile(ss, 0.5);
    if (!(x75 > x25))
        throw_invalid(where, "x", "x25 = x75 = " + to_text(x25),
                      "must have a positive interquartile range");
    const double iqr = x75 - x25;
    r.unit = std::isfinite(iqr) ? iqr : x75 / 2 - x25 / 2;
    r.z.resize(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double d = v[i] - r.centre; // halves where the difference overflows
        r.z[i] = std::isfinite(d) ? d / r.unit : 2 * ((v[i] / 2 - r.centre / 2) / r.unit);
        if (!std::isfinite(r.z[i]))
            throw_invalid(where, "x[" + std::to_string(i) + "]", v[i],
                          "must lie within about 1.8e308 interquartile ranges (" + to_text(r.unit) +
                              ") of the median " + to_text(r.centre));
    }
    return r;
}

/// Minimises a smooth f over the box [lo, hi] (D = 1 or 2) by projected
/// Newton steps with a finite-difference gradient and Hessian (steps h; the
/// stencil's centre is moved inside the box by h), the Hessian shifted to
/// positive definite if needed, the step projected onto the box and halved
/// until f decreases. Stops when the accepted move is below xtol in every
/// coordinate (converged) or no halving decreases f (converged only if the
/// predicted decrease g' H^-1 g / 2 is at most ftol). Cost: 2D + 1 + (D - 1) evaluations
/// of f per iteration plus the halvings.
template <std::size_t D> struct box_newton_result {
    std::array<double, D> x{};
    double f = 0;
    int iterations = 0;
    bool converged = false;
};

template <std::size_t D, class F>
box_newton_result<D> box_newton(F &&f, std::array<double, D> x, const std::array<double, D> &lo,
                                const std::array<double, D> &hi, const std::array<double, D> &h,
                                double xtol, int max_iter, double ftol = 1e-3) {
    static_assert(D == 1 || D == 2);
    for (std::size_t j = 0; j < D; ++j)
        x[j] = std::clamp(x[j], lo[j], hi[j]);
    box_newton_result<D> r;
    double fx = f(x);
    for (r.iterations = 0; r.iterations < max_iter; ++r.iterations) {
        std::array<double, D> c = x;
        for (std::size_t j = 0; j < D; ++j)
            c[j] = std::clamp(c[j], lo[j] + h[j], hi[j] - h[j]);
        const double fc = (c == x) ? fx : f(c);
        std::array<double, D> g{}, fp{}, fm{};
        std::array<double, D * D> H{};
        for (std::size_t j = 0; j < D; ++j) {
            auto p = c;
            p[j] = c[j] + h[j];
            fp[j] = f(p);
            p[j] = c[j] - h[j];
            fm[j] = f(p);
            g[j] = (fp[j] - fm[j]) / (2 * h[j]);
            H[j * D + j] = (fp[j] - 2 * fc + fm[j]) / (h[j] * h[j]);
        }
        if constexpr (D == 2) {
            const double fpp = f({c[0] + h[0], c[1] + h[1]});
            const double fmm = f({c[0] - h[0], c[1] - h[1]});
            H[1] = H[2] = (fpp + fmm - fp[0] - fm[0] - fp[1] - fm[1] + 2 * fc) / (2 * h[0] * h[1]);
        }
        bool finite = std::isfinite(fc);
        for (std::size_t j = 0; j < D * D; ++j)
            finite = finite && std::isfinite(H[j]);
        if (!finite) // e.g. data outside a one-sided support: give up here
            break;
        // Projected Newton (Bertsekas 1982): a coordinate at its bound whose
        // gradient points out stays there; Newton on the others, from c, on
        // H + lambda I made positive definite.
        std::array<bool, D> active{};
        std::array<double, D> base = c;
        for (std::size_t j = 0; j < D; ++j)
            if ((x[j] <= lo[j] + h[j] && g[j] > 0) || (x[j] >= hi[j] - h[j] && g[j] < 0)) {
                active[j] = true;
                base[j] = g[j] > 0 ? lo[j] : hi[j];
            }
        std::array<double, D> d{};
        double lam = 0;
        const double hscale = std::fabs(H[0]) + std::fabs(H[D * D - 1]) + 1e-300;
        for (int k = 0; k < 80; ++k) {
            if constexpr (D == 2) {
                if (!active[0] && !active[1]) {
                    const double a11 = H[0] + lam, a22 = H[3] + lam, a12 = H[1];
                    const double det = a11 * a22 - a12 * a12;
                    if (a11 > 0 && det > 0) {
                        d[0] = -(a22 * g[0] - a12 * g[1]) / det;
                        d[1] = -(a11 * g[1] - a12 * g[0]) / det;
                        break;
                    }
                    lam = lam == 0 ? 1e-6 * hscale : 4 * lam;
                    continue;
                }
            }
            bool done = true;
            for (std::size_t j = 0; j < D; ++j)
                if (!active[j]) {
                    if (H[j * D + j] + lam > 0)
                        d[j] = -g[j] / (H[j * D + j] + lam);
                    else
                        done = false;
                }
            if (done)
                break;
            lam = lam == 0 ? 1e-6 * hscale : 4 * lam;
        }
        // candidates base + t d projected onto the box, t = 1, 1/2, ...; the
        // best of x and c is the point to beat
        std::array<double, D> best = fc < fx ? c : x;
        double fbest = std::min(fc, fx);
        bool moved = false;
        for (int k = 0; k < 30 && std::isfinite(d[0]) && std::isfinite(d[D - 1]); ++k) {
            const double t = std::ldexp(1.0, -k);
            std::array<double, D> y{};
            for (std::size_t j = 0; j < D; ++j)
                y[j] = std::clamp(base[j] + t * d[j], lo[j], hi[j]);
            const double fy = f(y);
            if (fy < fbest) {
                best = y;
                fbest = fy;
                moved = true;
                break;
            }
        }
        double move = 0, decrement = 0; // g' (H + lambda I)^-1 g over the free coordinates
        for (std::size_t j = 0; j < D; ++j) {
            move = std::max(move, std::fabs(best[j] - x[j]));
            if (!active[j])
                decrement -= g[j] * d[j];
        }
        x = best;
        fx = fbest;
        // Converged: a step below xtol, or no decrease found where the model
        // predicts none worth having (decrement / 2 <= ftol); a failed line
        // search with a large predicted decrease is not convergence.
        if ((moved && move <= xtol) || !moved) {
            r.converged = moved || (std::isfinite(decrement) && 0.5 * decrement <= ftol);
            ++r.iterations;
            break;
        }
    }
    r.x = x;
    r.f = fx;
    return r;
}

/// Inverse of the symmetric k x k matrix a (row-major, k <= 4) by Cholesky.
/// False if a is not positive definite.
inline bool spd_inverse(std::array<double, 16> &a, std::size_t k) noexcept {
    std::array<double, 16> l{};
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j <= i; ++j) {
            double s = a[i * 4 + j];
            for (std::size_t m = 0; m < j; ++m)
                s -= l[i * 4 + m] * l[j * 4 + m];
            if (i == j) {
                if (!(s > 0) || !std::isfinite(s))
                    return false;
                l[i * 4 + i] = std::sqrt(s);
            } else
                l[i * 4 + j] = s / l[j * 4 + j];
        }
    // inverse of L (lower), then A^-1 = L^-T L^-1
    std::array<double, 16> li{};
    for (std::size_t i = 0; i < k; ++i) {
        li[i * 4 + i] = 1 / l[i * 4 + i];
        for (std::size_t j = 0; j < i; ++j) {
            double s = 0;
            for (std::size_t m = j; m < i; ++m)
                s -= l[i * 4 + m] * li[m * 4 + j];
            li[i * 4 + j] = s / l[i * 4 + i];
        }
    }
    for (std::size_t i = 0; i < k; ++i)
        for (std::size_t j = 0; j < k; ++j) {
            double s = 0;
            for (std::size_t m = std::max(i, j); m < k; ++m)
                s += li[m * 4 + i] * li[m * 4 + j];
            a[i * 4 + j] = s;
        }
    return true;
}

} // namespace levysgd::detail
