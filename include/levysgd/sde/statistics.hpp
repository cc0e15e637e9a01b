#pragma once
// Small statistics shared by the path observers: a point estimate with its
// confidence interval, the Wilson score interval, the standard normal
// quantile and running moments with Chan et al.'s merge (merged in a fixed
// order, so results do not depend on the thread count).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace levysgd {

/// A point estimate with a confidence interval.
template <class Real> struct estimate {
    Real value = std::numeric_limits<Real>::quiet_NaN();
    Real low = std::numeric_limits<Real>::quiet_NaN();
    Real high = std::numeric_limits<Real>::quiet_NaN();
};

namespace detail {
/// Wilson score interval for k successes in n trials (normal quantile z).
template <class Real> estimate<Real> wilson(std::size_t k, std::size_t n, double z) {
    if (n == 0)
        return {};
    const double p = static_cast<double>(k) / n, z2n = z * z / n;
    const double c = (p + z2n / 2) / (1 + z2n);
    const double h = z * std::sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
    return {Real(p), Real(std::max(0.0, c - h)), Real(std::min(1.0, c + h))};
}

/// Standard normal quantile (Newton on erfc from a logistic start; |error| < 1e-14).
inline double normal_quantile(double p) noexcept {
    double x = std::log(p / (1.0 - p)) / 1.702;
    for (int it = 0; it < 60; ++it) {
        const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
        const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846);
        const double dx = (cdf - p) / std::max(pdf, 1e-300);
        x -= dx;
        if (std::abs(dx) < 1e-15 * std::max(1.0, std::abs(x)))
            break;
    }
    return x;
}

/// Running count / mean / M2 (Chan et al. merge), merged in a fixed order.
struct moments {
    double n = 0, mean = 0, m2 = 0;
    void add(double x) noexcept {
        n += 1;
        const double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
    }
    void merge(const moments &o) noexcept {
        if (o.n == 0)
            return;
        const double nn = n + o.n, d = o.mean - mean;
        mean += d * o.n / nn;
        m2 += o.m2 + d * d * n * o.n / nn;
        n = nn;
    }
};

} // namespace detail

} // namespace levysgd
