#pragma once
// Small numerical tools for stable/fit.hpp: data checks, sample quantiles,
// a bracketed root finder, Nelder-Mead and a symmetric positive definite
// inverse. Nothing here is part of the public API.

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
    return s[i - 1] + f * (s[i] - s[i - 1]);
}

/// Root of f on [a, b] given f(a), f(b) of opposite signs: Illinois
/// (modified regula falsi), to |b - a| <= tol.
template <class F> double illinois_root(F &&f, double a, double b, double fa, double fb, double tol) {
    int side = 0;
    double c = a;
    for (int it = 0; it < 100 && std::fabs(b - a) > tol; ++it) {
        c = (a * fb - b * fa) / (fb - fa);
        if (!(c > std::min(a, b) && c < std::max(a, b)))
            c = (a + b) / 2;
        const double fc = f(c);
        if (fc == 0)
            return c;
        if ((fc > 0) == (fb > 0)) {
            b = c;
            fb = fc;
            if (side == -1)
                fa /= 2;
            side = -1;
        } else {
            a = c;
            fa = fc;
            if (side == 1)
                fb /= 2;
            side = 1;
        }
    }
    return std::fabs(fa) < std::fabs(fb) ? a : b;
}

/// Nelder-Mead minimisation (Lagarias et al. 1998 coefficients 1, 2, 1/2,
/// 1/2) from x0 with initial steps `step`. Stops when the simplex spread of f
/// is <= ftol and its extent in every coordinate <= xtol, or after max_iter
/// iterations. Deterministic.
template <std::size_t D> struct nelder_mead_result {
    std::array<double, D> x{};
    double f = 0;
    int iterations = 0;
    bool converged = false;
};

template <std::size_t D, class F>
nelder_mead_result<D> nelder_mead(F &&f, const std::array<double, D> &x0,
                                  const std::array<double, D> &step, double ftol, double xtol,
                                  int max_iter) {
    using point = std::array<double, D>;
    std::array<point, D + 1> p;
    std::array<double, D + 1> fv;
    p[0] = x0;
    for (std::size_t j = 0; j < D; ++j) {
        p[j + 1] = x0;
        p[j + 1][j] += step[j];
    }
    for (std::size_t j = 0; j <= D; ++j)
        fv[j] = f(p[j]);
    auto lerp = [](const point &c, const point &w, double t) {
        point r;
        for (std::size_t j = 0; j < D; ++j)
            r[j] = c[j] + t * (w[j] - c[j]);
        return r;
    };
    nelder_mead_result<D> res;
    int it = 0;
    for (; it < max_iter; ++it) {
        std::array<std::size_t, D + 1> o;
        for (std::size_t j = 0; j <= D; ++j)
            o[j] = j;
        std::stable_sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) {
            return fv[a] < fv[b];
        });
        std::array<point, D + 1> ps;
        std::array<double, D + 1> fs;
        for (std::size_t j = 0; j <= D; ++j) {
            ps[j] = p[o[j]];
            fs[j] = fv[o[j]];
        }
        p = ps;
        fv = fs;
        double extent = 0;
        for (std::size_t j = 1; j <= D; ++j)
            for (std::size_t k = 0; k < D; ++k)
                extent = std::max(extent, std::fabs(p[j][k] - p[0][k]));
        if (fv[D] - fv[0] <= ftol && extent <= xtol) {
            res.converged = true;
            break;
        }
        point c{};
        for (std::size_t j = 0; j < D; ++j)
            for (std::size_t k = 0; k < D; ++k)
                c[k] += p[j][k] / double(D);
        const point xr = lerp(c, p[D], -1);
        const double fr = f(xr);
        if (fr < fv[0]) {
            const point xe = lerp(c, p[D], -2);
            const double fe = f(xe);
            if (fe < fr) {
                p[D] = xe;
                fv[D] = fe;
            } else {
                p[D] = xr;
                fv[D] = fr;
            }
            continue;
        }
        if (fr < fv[D - 1]) {
            p[D] = xr;
            fv[D] = fr;
            continue;
        }
        const bool outside = fr < fv[D];
        const point xc = lerp(c, outside ? xr : p[D], 0.5);
        const double fc = f(xc);
        if (fc < (outside ? fr : fv[D])) {
            p[D] = xc;
            fv[D] = fc;
            continue;
        }
        for (std::size_t j = 1; j <= D; ++j) {
            p[j] = lerp(p[0], p[j], 0.5);
            fv[j] = f(p[j]);
        }
    }
    std::size_t best = 0;
    for (std::size_t j = 1; j <= D; ++j)
        if (fv[j] < fv[best])
            best = j;
    res.x = p[best];
    res.f = fv[best];
    res.iterations = it;
    return res;
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
