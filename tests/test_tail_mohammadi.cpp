// Mohammadi tail-index estimator (003_612c5dc84b231738.txt eq. 15): the
// paper's accuracy experiment (Fig. 3b), scale invariance, streaming ==
// one-shot, SIMD == a plain long-double evaluation, threads, K1 rule, bad input.
#include <levysgd/levysgd.hpp>
#include <levysgd/tail/mohammadi.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

using levysgd_test::message_of;

using levysgd::bad_value_policy;
using levysgd::parameterization;

namespace {

template <class T>
std::vector<T> sas(double alpha, std::size_t n, std::uint64_t stream, double scale = 1) {
    std::vector<T> x(n);
    levysgd::sample(levysgd::stable_distribution<T>(T(alpha), 0, T(scale), 0, parameterization::S1),
                    std::span<T>(x), 1234, stream, {.threads = 0});
    return x;
}

// eq. (15) evaluated directly in long double
template <class T> long double reference_inv_alpha(const std::vector<T> &x, std::size_t k1) {
    const std::size_t k2 = x.size() / k1, k = k1 * k2;
    long double sx = 0, sy = 0;
    for (std::size_t i = 0; i < k2; ++i) {
        long double y = 0;
        for (std::size_t j = 0; j < k1; ++j) {
            y += x[i * k1 + j];
            sx += std::log(std::fabs((long double)x[i * k1 + j]));
        }
        sy += std::log(std::fabs(y));
    }
    return (sy / k2 - sx / k) / std::log((long double)k1);
}

} // namespace

TEST_CASE("K1 follows the paper's divisor rule, with a documented fallback", "[tail]") {
    CHECK(levysgd::detail::mohammadi_blocks(100000) ==
          std::pair<std::size_t, std::size_t>{250, 400});
    CHECK(levysgd::detail::mohammadi_blocks(100 * 1000) ==
          std::pair<std::size_t, std::size_t>{250, 400});
    CHECK(levysgd::detail::mohammadi_blocks(10000) ==
          std::pair<std::size_t, std::size_t>{100, 100});
    // 10007 is prime: K1 = floor(sqrt K) = 100, 100 blocks, 7 values dropped
    CHECK(levysgd::detail::mohammadi_blocks(10007) ==
          std::pair<std::size_t, std::size_t>{100, 100});
    const auto x = sas<double>(1.5, 10007, 1);
    const auto r = levysgd::mohammadi_tail_index(x);
    CHECK(r.k1 == 100);
    CHECK(r.k2 == 100);
    CHECK(r.n_used == 10000);
    CHECK(r.n_dropped == 7);
}

TEMPLATE_TEST_CASE("the SIMD estimator equals a direct long-double evaluation of eq. (15)",
                   "[tail]", float, double) {
    const double tol = std::is_same_v<TestType, float> ? 2e-5 : 1e-12;
    for (double a : {0.7, 1.3, 1.9}) {
        for (std::size_t k1 : {2u, 7u, 100u, 333u}) {
            const auto x = sas<TestType>(a, 50000, 2);
            const auto r = levysgd::mohammadi_tail_index(x, k1);
            CHECK(r.k1 == k1);
            CHECK(r.k2 == 50000 / k1);
            INFO("alpha " << a << " k1 " << k1);
            CHECK(std::fabs(r.inv_alpha - double(reference_inv_alpha(x, k1))) <= tol);
            CHECK(r.alpha == Approx(1 / r.inv_alpha));
        }
    }
}

TEMPLATE_TEST_CASE("scale invariance, threads and streaming agree", "[tail]", float, double) {
    const double tol = std::is_same_v<TestType, float> ? 2e-5 : 1e-12;
    auto x = sas<TestType>(1.2, 300000, 3);
    const auto one = levysgd::mohammadi_tail_index(x, 500);
    // x -> c x leaves alpha-hat unchanged
    auto y = x;
    for (auto &v : y)
        v *= TestType(37.5);
    CHECK(std::fabs(levysgd::mohammadi_tail_index(y, 500).inv_alpha - one.inv_alpha) <= tol);
    // threads
    const auto many =
        levysgd::mohammadi_tail_index(x, levysgd::tail_index_options{.k1 = 500, .threads = 3});
    CHECK(std::fabs(many.inv_alpha - one.inv_alpha) <= tol);
    CHECK(many.k2 == one.k2);
    // streaming in uneven chunks, the last block unfinished
    levysgd::mohammadi_accumulator<TestType> acc(500);
    std::size_t p = 0, len = 1;
    while (p < x.size()) {
        const std::size_t m = std::min(len, x.size() - p);
        acc.add(std::span<const TestType>(x).subspan(p, m));
        p += m;
        len = len * 2 + 3;
    }
    const auto st = acc.result();
    CHECK(st.k2 == one.k2);
    CHECK(st.n_used == one.n_used);
    CHECK(std::fabs(st.inv_alpha - one.inv_alpha) <= tol);
}

TEST_CASE("the estimate tracks alpha (a quick version of Fig. 3b)", "[tail]") {
    // 20 repetitions of K1 = 100, K2 = 1000 SaS(1) draws per alpha (the
    // sanitizer build runs alpha = 0.5 and 1.5 only).
    std::size_t case_index = 0;
    for (double a : {0.5, 1.0, 1.5, 2.0}) {
        if (!levysgd_test::in_subset(case_index++, 2))
            continue;
        double mean = 0;
        for (int rep = 0; rep < 20; ++rep)
            mean +=
                levysgd::mohammadi_tail_index(sas<double>(a, 100000, 100 + rep), 100).alpha / 20;
        INFO("alpha " << a << " mean estimate " << mean);
        CHECK(std::fabs(mean - a) <= 0.05);
    }
}

TEST_CASE("Fig. 3b of 003_612c5dc84b231738.txt: K1 = 100, K2 = 1000, 100 repetitions",
          "[tail][slow]") {
    std::printf("\nalpha  mean(alpha-hat)  sd(alpha-hat)   [Fig. 3b, 100 reps, K1=100, K2=1000]\n");
    for (int i = 1; i <= 20; ++i) {
        const double a = 0.1 * i;
        double s = 0, s2 = 0;
        for (int rep = 0; rep < 100; ++rep) {
            const double e =
                levysgd::mohammadi_tail_index(sas<double>(a, 100000, 1000 * i + rep), 100).alpha;
            s += e;
            s2 += e * e;
        }
        const double mean = s / 100, sd = std::sqrt(std::max(0.0, s2 / 100 - mean * mean));
        std::printf("%4.1f  %15.4f  %13.4f\n", a, mean, sd);
        if (a >= 0.5 - 1e-9) {
            INFO("alpha " << a << " mean " << mean << " sd " << sd);
            CHECK(std::fabs(mean - a) <= 0.05);
        }
    }
}

TEST_CASE("bad values: counted and located, thrown by default, skipped on request",
          "[tail][validation]") {
    auto x = sas<double>(1.5, 1000, 4);
    x[5] = 0;
    x[17] = std::numeric_limits<double>::quiet_NaN();
    x[900] = -std::numeric_limits<double>::infinity();
    const std::string m = message_of([&] { levysgd::mohammadi_tail_index(x, 10); });
    CHECK_THAT(m, Catch::Matchers::Contains("3 value(s)") && Catch::Matchers::Contains("index 5"));
    const auto r = levysgd::mohammadi_tail_index(
        x, levysgd::tail_index_options{.k1 = 10, .bad_values = bad_value_policy::skip});
    CHECK(r.n_bad == 3);
    CHECK(r.n_used == 990);
    CHECK(r.k2 == 99);
    CHECK(r.n_dropped == 7);
    // the same through the accumulator
    levysgd::mohammadi_accumulator<double> acc(10, bad_value_policy::skip);
    acc.add(x);
    CHECK(acc.result().inv_alpha == Approx(r.inv_alpha).epsilon(1e-12));
    levysgd::mohammadi_accumulator<double> strict(10);
    CHECK_THAT(message_of([&] { strict.add(x); }),
               Catch::Matchers::Contains("index 5") && Catch::Matchers::Contains("3 value(s)"));
    // sizes and k1
    std::vector<double> three{1, 2, 3};
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(three); }),
               Catch::Matchers::Contains("must be >= 4"));
    std::vector<double> ok(100, 1.5);
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(ok, 1); }),
               Catch::Matchers::Contains("k1"));
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(ok, 51); }),
               Catch::Matchers::Contains("k1"));
    CHECK_THAT(message_of([] { levysgd::mohammadi_accumulator<float> a(1); }),
               Catch::Matchers::Contains("k1"));
    levysgd::mohammadi_accumulator<double> few(10);
    few.add(std::span<const double>(ok).first(15));
    CHECK_THAT(message_of([&] { (void)few.result(); }),
               Catch::Matchers::Contains("completed blocks"));
    // a block whose sum is exactly 0
    std::vector<double> z{1, -1, 2, 3, 4, 5, 6, 7};
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(z, 2); }),
               Catch::Matchers::Contains("block sum"));
    const auto rz = levysgd::mohammadi_tail_index(
        z, levysgd::tail_index_options{.k1 = 2, .bad_values = bad_value_policy::skip});
    CHECK(rz.k2 == 3);
    CHECK(rz.n_bad == 2);
    // constant data: log|Y| - log|X| = log K1 exactly, so alpha-hat = 1
    CHECK(levysgd::mohammadi_tail_index(ok, 10).alpha == Approx(1.0).epsilon(1e-12));
}
