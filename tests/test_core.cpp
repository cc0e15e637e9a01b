// core/: builds without Eigen/xsimd (core_standalone.cpp), the index rule
// (stable_variate_at = sample i), the accurate zeta, the engine's state,
// support/median and the distribution's stream input.
#include <levysgd/core/core.hpp>
#include <levysgd/core/gauss_kronrod.hpp>
#include <levysgd/random/fill.hpp>
#include <levysgd/random/philox.hpp>
#include <levysgd/random/philox_simd.hpp>
#include <levysgd/stable/density.hpp>
#include <levysgd/stable/sample.hpp>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <sstream>
#include <type_traits>
#include <vector>

#include "levysgd_catch.hpp"

namespace core_standalone {
bool saw_eigen_or_xsimd();
double variate_at(double a, double b, double s, double l, bool s1, std::uint64_t seed,
                  std::uint64_t stream, std::uint64_t i);
float variate_at_f(double a, double b, double s, double l, bool s1, std::uint64_t seed,
                   std::uint64_t stream, std::uint64_t i);
} // namespace core_standalone

using levysgd::parameterization;
using levysgd::philox4x32;
using levysgd::stable_distribution;

TEST_CASE("core/ compiles without Eigen or xsimd", "[core]") {
    CHECK_FALSE(core_standalone::saw_eigen_or_xsimd());
}

TEMPLATE_TEST_CASE("stable_variate_at is sample i: d(philox4x32) bitwise, sample() to rounding",
                   "[core][stable]", float, double) {
    using R = TestType;
    const double tol = std::is_same_v<R, float> ? 2e-4 : 1e-11;
    const double laws[][4] = {{1.5, 0, 1, 0}, {0.6, 1, 2, -1}, {1, 0.4, 3, 0.5},
                              {0.9999, -1, 1, 0}, {2, 0, 1, 0}, {1.2, -0.4, 0.5, 2}};
    for (const auto &l : laws)
        for (auto p : {parameterization::S0, parameterization::S1}) {
            const stable_distribution<R> d{R(l[0]), R(l[1]), R(l[2]), R(l[3]), p};
            const std::uint64_t seed = 42, stream = 3;
            std::vector<R> bulk(517);
            levysgd::sample(d, std::span<R>(bulk), seed, stream);
            philox4x32 eng(seed, stream);
            for (std::size_t i = 0; i < bulk.size(); ++i) {
                const R at = levysgd::core::stable_variate_at(d.sampling_plan(), seed, stream, i);
                const R standalone =
                    std::is_same_v<R, float>
                        ? R(core_standalone::variate_at_f(l[0], l[1], l[2], l[3],
                                                          p == parameterization::S1, seed,
                                                          stream, i))
                        : R(core_standalone::variate_at(l[0], l[1], l[2], l[3],
                                                        p == parameterization::S1, seed,
                                                        stream, i));
                const R x = d(eng);
                INFO("alpha " << l[0] << " beta " << l[1] << " i " << i);
                REQUIRE(((at == x) || (std::isnan(at) && std::isnan(x))));
                if constexpr (std::is_same_v<R, double>)
                    REQUIRE(standalone == at); // same plan from the same doubles
                const double rel = std::fabs(double(at) - double(bulk[i])) /
                                   (std::fabs(double(at) - double(d.location_s0())) + 1);
                REQUIRE(rel <= tol);
            }
        }
}

TEMPLATE_TEST_CASE("the SIMD sampler reads the index rule's uniforms bitwise", "[core][simd]",
                   float, double) {
    using R = TestType;
    using A = levysgd::detail::simd_arch;
    constexpr std::size_t K = levysgd::detail::stable_chunk<R>;
    constexpr std::size_t H = levysgd::detail::stable_halves<R>; // batches per chunk
    constexpr std::size_t W = K / H;                             // lanes per batch
    const levysgd::detail::philox_batch_stream<A> bits(9, 4);
    for (std::uint64_t chunk : {0ull, 1ull, 77ull}) {
        const auto in = levysgd::detail::stable_chunk_prepare<R>(bits, chunk);
        alignas(64) R u1[H][W], w[H][W];
        for (std::size_t h = 0; h < H; ++h) {
            in.u1[h].store_unaligned(u1[h]);
            in.w[h].store_unaligned(w[h]);
        }
        for (std::size_t j = 0; j < K; ++j) {
            const std::uint64_t i = chunk * K + j;
            const auto b = levysgd::philox_bits(9, 4, levysgd::core::stable_block_of<R>(i));
            R e1, e2;
            levysgd::core::stable_uniforms_of<R>(b[0], b[1], b[2], b[3],
                                                  levysgd::core::stable_slot_of<R>(i), e1, e2);
            // double: batch j / W, lane j % W; float (two batches): batch = slot, lane = block
            const std::size_t h = std::is_same_v<R, double> ? j / W : j % 2;
            const std::size_t lane = std::is_same_v<R, double> ? j % W : j / 2;
            REQUIRE(u1[h][lane] == e1);
            REQUIRE(w[h][lane] == -levysgd::core::fast_log(e2));
        }
    }
}

TEST_CASE("Patterson's 31-point extension of Kronrod (7-15): nodes, degree 47", "[core]") {
    using namespace levysgd::core;
    double x[15], y[16], f[15], g[16];
    const double hw = gk15_abscissae(-1, 1, x);
    CHECK(gk31_abscissae(-1, 1, y) == hw);
    // 31 distinct nodes, the added ones interlacing the Kronrod ones
    CHECK(y[0] < x[0]);
    for (int j = 0; j < 15; ++j)
        CHECK((y[j] < x[j] && x[j] < y[j + 1]));
    // x^d on [-1, 1] (odd d are 0 by symmetry): exact for d <= 47 (K15 only
    // to 23); at d = 80 the error is 1.1e-10 (mpmath)
    for (int d : {0, 2, 22, 24, 30, 46, 80}) {
        for (int j = 0; j < 15; ++j)
            f[j] = std::pow(x[j], d);
        for (int j = 0; j < 16; ++j)
            g[j] = std::pow(y[j], d);
        const double exact = 2.0 / (d + 1);
        const gk15_estimate e = gk31_combine(f, g, hw);
        INFO("degree " << d);
        if (d < 48)
            CHECK(std::abs(e.value - exact) < 1e-15);
        else
            CHECK(std::abs(e.value - exact - 1.1333e-10) < 1e-13);
        // the estimate is |P31 - K15|: K15 is exact to degree 23
        CHECK((d <= 23 ? e.error < 1e-15 : e.error > 1e-12));
    }
}

TEST_CASE("Kronrod (7-15) null-rule error estimate: a bound, and sharper than |K15 - G7|",
          "[core]") {
    using namespace levysgd::core;
    double x[15], f[15];
    const double hw = gk15_abscissae(-1, 1, x);
    // twelve families of smooth functions on [-1, 1] with closed-form
    // integrals, k = 0.25 * 1.25^i up to 40: from resolved (K15 right to
    // rounding, G7 not) to unresolved (K15 off by 1e-1)
    struct fn {
        const char *name;
        double (*f)(double, double);
        double (*integral)(double);
    };
    const fn fns[] = {
        {"exp(k x)", [](double t, double k) { return std::exp(k * t); },
         [](double k) { return 2 * std::sinh(k) / k; }},
        {"cos(k x)", [](double t, double k) { return std::cos(k * t); },
         [](double k) { return 2 * std::sin(k) / k; }},
        {"1/(1 + k^2 x^2)", [](double t, double k) { return 1 / (1 + k * k * t * t); },
         [](double k) { return 2 * std::atan(k) / k; }},
        {"1/(1 + k^2 (x - 0.3)^2)",
         [](double t, double k) { return 1 / (1 + k * k * (t - 0.3) * (t - 0.3)); },
         [](double k) { return (std::atan(0.7 * k) + std::atan(1.3 * k)) / k; }},
        {"exp(-e^(k x))", [](double t, double k) { return std::exp(-std::exp(k * t)); },
         // (E1(e^-k) - E1(e^k)) / k, E1(z) = -Ei(-z)
         [](double k) { return (std::expint(-std::exp(k)) - std::expint(-std::exp(-k))) / k; }},
        {"exp(k x - e^(k x))", [](double t, double k) { return std::exp(k * t - std::exp(k * t)); },
         [](double k) { return (std::exp(-std::exp(-k)) - std::exp(-std::exp(k))) / k; }},
        {"exp(k u - e^(k u)), u = x - 0.4",
         [](double t, double k) { return std::exp(k * (t - 0.4) - std::exp(k * (t - 0.4))); },
         [](double k) {
             return (std::exp(-std::exp(-1.4 * k)) - std::exp(-std::exp(0.6 * k))) / k;
         }},
        {"e^(k x) cos(3 k x)",
         [](double t, double k) { return std::exp(k * t) * std::cos(3 * k * t); },
         [](double k) {
             auto F = [k](double t) {
                 return std::exp(k * t) * (k * std::cos(3 * k * t) + 3 * k * std::sin(3 * k * t)) /
                        (10 * k * k);
             };
             return F(1) - F(-1);
         }},
        {"sqrt(x + 1 + 1/k)", [](double t, double k) { return std::sqrt(t + 1 + 1 / k); },
         [](double k) { return 2.0 / 3 * (std::pow(2 + 1 / k, 1.5) - std::pow(1 / k, 1.5)); }},
        {"log(x + 1 + 1/k)", [](double t, double k) { return std::log(t + 1 + 1 / k); },
         [](double k) {
             const double c = 1 + 1 / k;
             return (c + 1) * std::log(c + 1) - (c - 1) * std::log(c - 1) - 2;
         }},
        {"exp(-k^2 (x - 0.2)^2)",
         [](double t, double k) { return std::exp(-k * k * (t - 0.2) * (t - 0.2)); },
         [](double k) {
             return std::sqrt(std::numbers::pi) / (2 * k) * (std::erf(0.8 * k) + std::erf(1.2 * k));
         }},
        {"tanh(k (x + 0.1))", [](double t, double k) { return std::tanh(k * (t + 0.1)); },
         [](double k) {
             return (std::log(std::cosh(1.1 * k)) - std::log(std::cosh(0.9 * k))) / k;
         }},
    };
    int cases = 0, reduced = 0, sharper = 0;
    double margin = INFINITY;
    for (const fn &g : fns)
        for (double k = 0.25; k <= 40; k *= 1.25) {
            for (int j = 0; j < 15; ++j)
                f[j] = g.f(x[j], k);
            const gk15_estimate e = gk15_combine(f, hw), s = gk15_combine_sharp(f, hw);
            const double ref = g.integral(k), err = std::abs(e.value - ref);
            double fa[15]; // rounding is relative to the integral of |f|
            for (int j = 0; j < 15; ++j)
                fa[j] = std::abs(f[j]);
            const double scale = gk15_combine(fa, hw).value;
            INFO(g.name << ", k = " << k << ": |K15 - I| = " << err << ", |K15 - G7| = " << e.error
                        << ", sharp " << s.error);
            CHECK(s.value == e.value);
            CHECK(s.error <= e.error);
            ++cases;
            reduced += s.error < e.error;
            sharper += s.error < 1e-3 * e.error;
            // a bound with a margin wherever K15's error is above rounding
            // and |K15 - G7| is one (it is not at some unresolved ones,
            // e.g. exp(-e^(8 x)): 7.4e-4 against 9.0e-4)
            if (err > 2e-15 * scale && e.error >= err && s.error < e.error) {
                CHECK(s.error >= 10 * err);
                margin = std::min(margin, s.error / err);
            }
        }
    // measured (AVX2 with FMA / x86-64): 276 cases, 144 / 142 with a
    // smaller estimate, 77 / 75 of them by 1e3 or more; the smallest margin
    // over K15's true error 761
    CHECK(cases == 276);
    CHECK(reduced >= 130);
    CHECK(sharper >= 65);
    CHECK(margin >= 100);
    // polynomials of degree < 9 leave c_9 .. c_14 at 0 up to rounding: no
    // decay to read, the factor stays 1
    for (int j = 0; j < 15; ++j)
        f[j] = 1 + x[j] * x[j] * (2 - x[j] * x[j]);
    CHECK(gk15_sharp_factor(f) == 1.0);
    f[3] = NAN;
    CHECK(gk15_sharp_factor(f) == 1.0);
}

TEST_CASE("stable_zeta is accurate next to alpha = 1", "[core]") {
    using levysgd::core::stable_zeta;
    CHECK(stable_zeta(1.0, 1.0) == 0.0);
    CHECK(stable_zeta(1.5, 0.0) == 0.0);
    // zeta = -beta tan(pi alpha/2) = beta cot(pi eps/2): long double reference
    // zeta = -beta cot(pi eps/2) with eps = 1 - alpha (exact for alpha in [1/2, 2])
    for (double e : {1e-3, 1e-6, 1e-9, -1e-7, 0.25, -0.5}) {
        const double alpha = 1.0 - e, eps = 1.0 - alpha;
        const long double ref =
            -0.5L * std::cos(std::numbers::pi_v<long double> * eps / 2) /
            std::sin(std::numbers::pi_v<long double> * eps / 2);
        const double z = stable_zeta(alpha, 0.5);
        INFO("eps " << eps);
        CHECK(std::fabs(double((z - ref) / ref)) < 1e-14);
    }
}

TEST_CASE("philox4x32 is a full engine: seed, stream, equality, stream round trip",
          "[core][philox]") {
    philox4x32 a(123, 4);
    a.discard(7);
    philox4x32 b(123, 4);
    for (int i = 0; i < 7; ++i)
        b();
    CHECK(a == b);
    CHECK(a() == b());
    b();
    CHECK(a != b);
    CHECK(a.key() == 123);
    CHECK(a.stream() == 4);

    std::stringstream ss;
    ss << std::hex << a; // the engine writes decimal whatever the flags
    philox4x32 c;
    ss >> std::dec >> c;
    REQUIRE(ss);
    CHECK(c == a);
    for (int i = 0; i < 9; ++i)
        CHECK(c() == a());

    philox4x32 bad(5, 5);
    std::istringstream junk("12 x 3");
    junk >> bad;
    CHECK(junk.fail());
    CHECK(bad == philox4x32(5, 5));

    a.seed(99);
    CHECK(a == philox4x32(99));
    a.seed();
    CHECK(a == philox4x32());
    a.seed(7, 8);
    CHECK(a == philox4x32(7, 8));
    a();
    a.stream(11);
    CHECK(a == philox4x32(7, 11));
    CHECK(a() == philox4x32(7, 11)());
}

TEMPLATE_TEST_CASE("stable_distribution >> sets failbit on bad input, leaving it unchanged",
                   "[core][stable]", float, double) {
    using R = TestType;
    const stable_distribution<R> orig(R(1.3), R(0.2), R(2), R(1), parameterization::S1);
    for (const char *text : {"3 0 1 0 0", "1.5 2 1 0 0", "1.5 0 -1 0 0", "1.5 0 0 0 0",
                             "1.5 0 1 inf 1", "1.5 0 1 0 2", "abc", "nan 0 1 0 0",
                             "0.9999999 1 1e303 0 0"}) {
        stable_distribution<R> d = orig;
        typename stable_distribution<R>::param_type p = orig.param();
        std::istringstream in(text), in2(text);
        INFO(text);
        CHECK_NOTHROW(in >> d);
        CHECK(in.fail());
        CHECK(d == orig);
        CHECK_NOTHROW(in2 >> p);
        CHECK(in2.fail());
        CHECK(p == orig.param());
    }
    std::stringstream ss;
    ss << orig;
    stable_distribution<R> d;
    ss >> d;
    CHECK(ss);
    CHECK(d == orig);
    CHECK(d.param().param_kind() == parameterization::S1);
}

TEMPLATE_TEST_CASE("support and median agree with cdf and pdf", "[core][stable]", float, double) {
    using R = TestType;
    const double tol = std::is_same_v<R, float> ? 1e-6 : 1e-12;
    for (double a : {0.5, 0.8, 1.0, 1.5, 2.0})
        for (double b : {-1.0, -0.3, 0.0, 1.0})
            for (auto p : {parameterization::S0, parameterization::S1}) {
                const stable_distribution<R> d{R(a), R(b), R(1.5), R(0.5), p};
                INFO("alpha " << a << " beta " << b);
                const R m = levysgd::median(d);
                CHECK(std::fabs(double(levysgd::cdf(d, m)) - 0.5) <= tol);
                const auto s = levysgd::support(d);
                const bool one_sided = a < 1 && (b == 1 || b == -1);
                CHECK(std::isinf(s.lower) == !(one_sided && b == 1));
                CHECK(std::isinf(s.upper) == !(one_sided && b == -1));
                if (one_sided && b == 1) {
                    CHECK(levysgd::cdf(d, s.lower) == 0);
                    CHECK(levysgd::pdf(d, std::nextafter(s.lower, R(-1e30))) == 0);
                    CHECK(levysgd::pdf(d, s.lower - 1) == 0);
                }
                if (one_sided && b == -1) {
                    CHECK(levysgd::cdf(d, s.upper) == 1);
                    CHECK(levysgd::pdf(d, std::nextafter(s.upper, R(1e30))) == 0);
                    CHECK(levysgd::pdf(d, s.upper + 1) == 0);
                }
            }
}

TEMPLATE_TEST_CASE("Eigen sample() takes Map, Ref, blocks, columns and row-major storage",
                   "[core][eigen]", float, double) {
    using R = TestType;
    using M = Eigen::Matrix<R, Eigen::Dynamic, Eigen::Dynamic>;
    const stable_distribution<R> d(R(1.7), R(0.3), R(1), R(0), parameterization::S0);
    std::vector<R> ref(60);
    levysgd::sample(d, std::span<R>(ref), 5, 1);
    const auto same = [&](auto get, std::size_t n) {
        for (std::size_t k = 0; k < n; ++k)
            if (get(k) != ref[k])
                return false;
        return true;
    };
    std::vector<R> buf(60);
    levysgd::sample(d, Eigen::Map<Eigen::Array<R, Eigen::Dynamic, 1>>(buf.data(), 60), 5, 1);
    CHECK(same([&](std::size_t k) { return buf[k]; }, 60));

    M m(10, 6);
    levysgd::sample(d, m.col(2), 5, 1);
    CHECK(same([&](std::size_t k) { return m(Eigen::Index(k), 2); }, 10));
    levysgd::sample(d, m.row(3), 5, 1); // strided: through a temporary
    CHECK(same([&](std::size_t k) { return m(3, Eigen::Index(k)); }, 6));
    levysgd::sample(d, m.block(1, 1, 4, 3), 5, 1); // column-major order of the block
    CHECK(same([&](std::size_t k) { return m(1 + Eigen::Index(k % 4), 1 + Eigen::Index(k / 4)); },
               12));
    Eigen::Ref<M> r(m);
    levysgd::sample(d, r, 5, 1);
    CHECK(same([&](std::size_t k) { return m.data()[k]; }, 60));
    Eigen::Matrix<R, 5, 12, Eigen::RowMajor> rm;
    levysgd::sample(d, rm, 5, 1); // storage (row-major) order, as before
    CHECK(same([&](std::size_t k) { return rm.data()[k]; }, 60));
    levysgd::sample(d, rm.block(0, 0, 2, 12), 5, 1);
    CHECK(same([&](std::size_t k) { return rm.data()[k]; }, 24));
}

TEMPLATE_TEST_CASE("threads = 0 (the default) gives the one-thread values", "[core][threads]",
                   float, double) {
    using R = TestType;
    CHECK(levysgd::sample_options{}.threads == 0);
    CHECK(levysgd::fill_options{}.threads == 0);
    const stable_distribution<R> d(R(1.1), R(-0.6), R(2), R(0), parameterization::S1);
    const std::size_t n = 100003;
    std::vector<R> one(n), all(n), dflt(n), f1(n), f0(n);
    levysgd::sample(d, std::span<R>(one), 3, 2, {.threads = 1});
    levysgd::sample(d, std::span<R>(all), 3, 2, {.threads = 0});
    levysgd::sample(d, std::span<R>(dflt), 3, 2);
    CHECK(one == all);
    CHECK(one == dflt);
    levysgd::fill_normal(std::span<R>(f1), 3, 2, {.threads = 1});
    levysgd::fill_normal(std::span<R>(f0), 3, 2);
    CHECK(f1 == f0);
}
