// Structural properties of levysgd::pdf / logpdf / cdf / ccdf / quantile over
// the whole valid parameter space, for float and double: seeded random laws
// (alpha down to 0.001 and within 1e-6 of 1, |beta| = 1 exactly, scale from
// 1e-300 to 1e300 (float: 1e-30 to 1e30), varied location, S0 and S1),
// each checked at many x (bulk, far tails, both sides of the support edge,
// +-huge, +-inf). Accuracy against references is test_stable_density.cpp's job.
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

namespace {

using levysgd::parameterization;

template <class Real> struct law_draw {
    double alpha, beta, scale, location;
    parameterization p;
};

// One random law; the mixture puts weight on the hard corners.
template <class Real> law_draw<Real> draw_law(std::mt19937_64 &rng) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    law_draw<Real> d{};
    switch (rng() % 7) {
    case 0: d.alpha = 0.001; break;
    case 1: d.alpha = 0.001 + 0.05 * u(rng); break;
    case 2: d.alpha = 1 + (2 * u(rng) - 1) * 1e-6; break;
    case 3: d.alpha = 1; break;
    case 4: d.alpha = std::array<double, 4>{0.5, 2.0, 1.5, 0.999999}[rng() % 4]; break;
    default: d.alpha = std::max(0.001, 2 * u(rng)); break;
    }
    switch (rng() % 4) {
    case 0: d.beta = 1; break;
    case 1: d.beta = -1; break;
    case 2: d.beta = 0; break;
    default: d.beta = 2 * u(rng) - 1; break;
    }
    const double decades = std::is_same_v<Real, float> ? 30 : 300;
    d.scale = std::pow(10.0, (2 * u(rng) - 1) * decades);
    switch (rng() % 3) {
    case 0: d.location = 0; break;
    case 1: d.location = (2 * u(rng) - 1) * d.scale * std::pow(10.0, 4 * u(rng) - 2); break;
    default: d.location = (2 * u(rng) - 1) * std::pow(10.0, (2 * u(rng) - 1) * decades / 2); break;
    }
    d.p = rng() % 2 ? parameterization::S0 : parameterization::S1;
    // the parameters as Real holds them (float rounds alpha = 1 - 1e-7 to 1)
    d.alpha = double(Real(d.alpha));
    d.scale = double(Real(d.scale));
    d.location = double(Real(d.location));
    return d;
}

template <class Real> std::string describe(const levysgd::stable_distribution<Real> &d) {
    std::ostringstream os;
    os.precision(17);
    os << "alpha " << d.alpha() << " beta " << d.beta() << " scale " << d.scale() << " location "
       << d.location() << (d.param_kind() == parameterization::S0 ? " S0" : " S1");
    return os.str();
}

// x to check: around the S0 location in units of scale (bulk to far tails),
// both sides of finite support ends, +-huge, +-inf; sorted, Real values.
template <class Real> std::vector<Real> test_points(const levysgd::stable_distribution<Real> &d) {
    constexpr double inf = std::numeric_limits<double>::infinity();
    const double top = double(std::numeric_limits<Real>::max());
    const double c = d.location_s0(), s = d.scale();
    std::vector<double> xs{-inf, inf, -top, top, 0.0, double(d.location()), c};
    for (double z : {1e-3, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 1e3, 1e4, 1e6, 1e10, 1e20, 1e100})
        for (double sg : {-1.0, 1.0})
            xs.push_back(c + sg * z * s);
    for (double e : {double(d.min()), double(d.max())})
        if (std::isfinite(e))
            for (double z : {0.0, 1e-12, 1e-6, 1e-3, 0.1, 1.0, 10.0})
                for (double sg : {-1.0, 1.0})
                    xs.push_back(e + sg * z * s);
    std::vector<Real> out;
    for (double x : xs)
        if (!std::isnan(x))
            out.push_back(x > top ? std::numeric_limits<Real>::infinity()
                                  : (x < -top ? -std::numeric_limits<Real>::infinity() : Real(x)));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

} // namespace

TEMPLATE_TEST_CASE("stable properties: random laws over the whole parameter space",
                   "[stable][density][properties]", float, double) {
    using Real = TestType;
    constexpr Real eps = std::numeric_limits<Real>::epsilon();
    constexpr Real inf = std::numeric_limits<Real>::infinity();
    // quantile round trip: x within rtol (relative to max(|x|, scale)) or the
    // smaller tail probability of the result within ptol of the target
    const double rtol = std::is_same_v<Real, float> ? 1e-5 : 1e-9;
    const double ptol = std::is_same_v<Real, float> ? 1e-4 : 1e-9;
    std::mt19937_64 rng(std::is_same_v<Real, float> ? 1606u : 1616u);
    const std::size_t n_laws = levysgd_test::sized(150, 6);
    std::size_t laws = 0, points = 0, roundtrips = 0;
    for (std::size_t k = 0; k < n_laws; ++k) {
        const auto p = draw_law<Real>(rng);
        std::unique_ptr<levysgd::stable_distribution<Real>> dp;
        try {
            dp = std::make_unique<levysgd::stable_distribution<Real>>(
                Real(p.alpha), Real(p.beta), Real(p.scale), Real(p.location), p.p);
        } catch (const std::invalid_argument &) {
            continue; // S0 location beyond Real's range (refused by design)
        }
        const auto &d = *dp;
        ++laws;
        const levysgd::stable_evaluator<Real> e(d);
        INFO(describe(d));
        // support ends are quantile(0) and quantile(1)
        CHECK(e.quantile(Real(0)) == d.min());
        CHECK(e.quantile(Real(1)) == d.max());
        CHECK(e.quantile_complement(Real(0)) == d.max());
        CHECK(e.quantile_complement(Real(1)) == d.min());
        Real prev_cdf = 0, prev_ccdf = 1;
        std::size_t i = 0;
        for (const Real x : test_points(d)) {
            ++points;
            const Real f = e.pdf(x), lf = e.logpdf(x), c = e.cdf(x), q = e.ccdf(x);
            INFO("x " << double(x) << " pdf " << double(f) << " logpdf " << double(lf) << " cdf "
                      << double(c) << " ccdf " << double(q));
            CHECK(f >= 0); // false for NaN
            CHECK(!std::isnan(lf));
            CHECK(c >= 0);
            CHECK(c <= 1);
            CHECK(q >= 0);
            CHECK(q <= 1);
            CHECK(c >= prev_cdf);
            CHECK(q <= prev_ccdf);
            prev_cdf = c;
            prev_ccdf = q;
            CHECK(std::abs(double(c) + double(q) - 1) <= 4 * double(eps));
            if (std::isnormal(f) && std::isfinite(f)) {
                // both come from the standard log density l0: logpdf = l0 - log(scale)
                // and pdf = exp(l0) / scale round differently, by ~eps (|l0| + |log scale|)
                const double ls = std::abs(std::log(double(d.scale())));
                CHECK(std::abs(double(lf) - std::log(double(f))) <=
                      4 * double(eps) * (1 + 2 * ls + std::abs(double(lf))));
            }
            if (x < d.min() || x > d.max() || std::isinf(x)) {
                CHECK(f == 0);
                CHECK(lf == -inf);
                CHECK(c == (x > d.max() || x == inf ? Real(1) : Real(0)));
            }
            // quantile round trip on the better-conditioned side, where the
            // tail is representable and not below Real's normal range
            const bool low = c <= Real(0.5);
            const Real t = low ? c : q;
            if (i++ % 2 == 0 && t >= std::numeric_limits<Real>::min() * Real(1e6) && f > 0) {
                ++roundtrips;
                const Real back = low ? e.quantile(t) : e.quantile_complement(t);
                // an ill-conditioned quantile next to the overflow (small alpha:
                // the cdf moves with alpha log|x|) may round to +-inf: its tail is
                // then compared at +-max
                const Real bc = std::clamp(back, std::numeric_limits<Real>::lowest(),
                                           std::numeric_limits<Real>::max());
                const Real tb = low ? e.cdf(bc) : e.ccdf(bc);
                INFO("quantile " << double(back) << " its tail " << double(tb) << " target "
                                 << double(t));
                CHECK(!std::isnan(back));
                const double dx = std::abs(double(back) - double(x));
                const bool near_x =
                    dx <= rtol * std::max(std::abs(double(x)), double(d.scale()));
                const bool near_p = std::abs(double(tb) - double(t)) <= ptol * double(t);
                CHECK((near_x || near_p));
            }
        }
    }
    INFO("laws " << laws << " points " << points << " quantile round trips " << roundtrips);
    CHECK(laws >= n_laws / 2);
}
