// Mohammadi tail-index estimator (Simsekli et al. 2019 eq. 15): the
// paper's accuracy experiment (Fig. 3b), scale invariance, streaming ==
// one-shot, SIMD == a plain long-double evaluation, threads, K1 rule, bad input.
#include <levysgd/levysgd.hpp>
#include <levysgd/tail/mohammadi.hpp>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
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

TEMPLATE_TEST_CASE("issue 17: the result is bitwise the same for threads 1, 2, 3 and 0 (all)",
                   "[tail][threads]", float, double) {
    using levysgd::tail_index_options;
    const auto x = sas<TestType>(1.3, 400003, 5);
    auto same = [](const levysgd::tail_index_result &a, const levysgd::tail_index_result &b) {
        return std::memcmp(&a.inv_alpha, &b.inv_alpha, sizeof(double)) == 0 &&
               std::memcmp(&a.alpha, &b.alpha, sizeof(double)) == 0 && a.k1 == b.k1 &&
               a.k2 == b.k2 && a.n_used == b.n_used && a.n_dropped == b.n_dropped &&
               a.n_bad == b.n_bad;
    };
    // k1 = 0 (the paper's rule), 500, and 2 (2 * 10^5 blocks: several windows of 2^16)
    for (std::size_t k1 : {std::size_t(0), std::size_t(500), std::size_t(2)}) {
        CAPTURE(k1);
        const auto one = levysgd::mohammadi_tail_index(x, tail_index_options{.k1 = k1, .threads = 1});
        for (unsigned t : {2u, 3u, 0u})
            CHECK(same(levysgd::mohammadi_tail_index(x, tail_index_options{.k1 = k1, .threads = t}),
                       one));
        CHECK(same(levysgd::mohammadi_tail_index(x, k1), one)); // the default is threads = 0
    }
    // a block summing to 0 under skip (the streaming fallback) and bad values
    auto z = x;
    z[1000] = TestType(1);
    z[1001] = TestType(-1);
    z[70000] = std::numeric_limits<TestType>::quiet_NaN();
    for (auto pol : {bad_value_policy::skip}) {
        const auto one = levysgd::mohammadi_tail_index(
            z, tail_index_options{.k1 = 2, .bad_values = pol, .threads = 1});
        for (unsigned t : {2u, 0u})
            CHECK(same(levysgd::mohammadi_tail_index(
                           z, tail_index_options{.k1 = 2, .bad_values = pol, .threads = t}),
                       one));
    }
    // the first failing block is the one reported, whatever the thread count
    z[70000] = TestType(2);
    for (unsigned t : {1u, 2u, 0u})
        CHECK_THAT(message_of([&] {
                       levysgd::mohammadi_tail_index(z, tail_index_options{.k1 = 2, .threads = t});
                   }),
                   Catch::Contains("indices 1000 to 1001"));
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

TEST_CASE("Fig. 3b of Simsekli et al. 2019: K1 = 100, K2 = 1000, 100 repetitions",
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
               Catch::Matchers::Contains("number of usable blocks"));
    // a block whose sum is exactly 0
    std::vector<double> z{1, -1, 2, 3, 4, 5, 6, 7};
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(z, 2); }),
               Catch::Matchers::Contains("block summing to 0"));
    const auto rz = levysgd::mohammadi_tail_index(
        z, levysgd::tail_index_options{.k1 = 2, .bad_values = bad_value_policy::skip});
    CHECK(rz.k2 == 3);
    CHECK(rz.n_bad == 2);
    // constant data: log|Y| - log|X| = log K1 exactly, so alpha-hat = 1
    CHECK(levysgd::mohammadi_tail_index(ok, 10).alpha == Approx(1.0).epsilon(1e-12));
}

// ---------------------------------------------------------------------------
// Hardening (issue 16)

namespace {
// the accumulator's estimate, or its error message
template <class T> std::string state_of(const levysgd::mohammadi_accumulator<T> &acc) {
    try {
        const auto r = acc.result();
        return std::to_string(r.k2) + " blocks, n_dropped " + std::to_string(r.n_dropped) +
               ", inv_alpha " + levysgd::detail::to_text(r.inv_alpha);
    } catch (const std::invalid_argument &e) {
        return e.what();
    }
}
} // namespace

TEST_CASE("issue 16 item 6: a throwing add() leaves the accumulator as it was",
          "[tail][validation]") {
    const std::vector<double> good{1, 2, 3, 4, 5, 6, 7, 8};
    // a block summing to 0 as the whole chunk: later blocks still complete
    levysgd::mohammadi_accumulator<double> acc(2);
    CHECK_THAT(message_of([&] {
                   acc.add(std::vector<double>{1, -1});
               }),
               Catch::Matchers::Contains("mohammadi_accumulator::add") &&
                   Catch::Matchers::Contains("indices 0 to 1"));
    acc.add(good);
    levysgd::mohammadi_accumulator<double> fresh(2);
    fresh.add(good);
    CHECK(state_of(acc) == state_of(fresh));
    // blocks completed earlier in the failing chunk are not kept
    levysgd::mohammadi_accumulator<double> acc2(2);
    CHECK_THAT(message_of([&] {
                   acc2.add(std::vector<double>{1, 2, 3, 4, 1, -1});
               }),
               Catch::Matchers::Contains("indices 4 to 5"));
    CHECK_THAT(state_of(acc2), Catch::Matchers::Contains("got 0"));
    acc2.add(good);
    CHECK(state_of(acc2) == state_of(fresh));
    // an open block carried over from an earlier chunk is restored too
    levysgd::mohammadi_accumulator<double> acc3(2), fresh3(2);
    acc3.add(std::vector<double>{1});
    CHECK_THAT(message_of([&] {
                   acc3.add(std::vector<double>{-1, 5, 6});
               }),
               Catch::Matchers::Contains("indices 0 to 1"));
    acc3.add(std::vector<double>{2, 3, 4, 5, 6});
    fresh3.add(std::vector<double>{1, 2, 3, 4, 5, 6});
    CHECK(state_of(acc3) == state_of(fresh3));
    // the same through the SIMD block path (K1 = 100, several batches): the
    // failing chunk's first six blocks complete before [600, 700) sums to 0
    const auto x = sas<float>(1.5, 4000, 21);
    std::vector<float> bad(x.begin(), x.begin() + 1000);
    for (std::size_t i = 600; i < 700; ++i)
        bad[i] = i % 2 == 0 ? 0.5f : -0.5f;
    levysgd::mohammadi_accumulator<float> a4(100), f4(100);
    a4.add(std::span<const float>(x).first(200));
    f4.add(std::span<const float>(x).first(200));
    CHECK_THAT(message_of([&] { a4.add(bad); }), Catch::Matchers::Contains("indices 800 to 899"));
    a4.add(std::span<const float>(x).subspan(200));
    f4.add(std::span<const float>(x).subspan(200));
    CHECK(state_of(a4) == state_of(f4));
}

TEMPLATE_TEST_CASE("issue 16 item 13: block sums cannot overflow, whatever the code path",
                   "[tail][validation]", float, double) {
    using T = TestType;
    const T big = std::numeric_limits<T>::max() / 2;
    // constant data: every block sum is K1 x, so alpha-hat = 1 up to the
    // rounding of log means near log(DBL_MAX) = 709 (1e-11 for double)
    const std::vector<T> x(1600, big);
    for (std::size_t k1 : {2u, 4u, 40u, 400u}) {
        INFO("k1 " << k1);
        CHECK(levysgd::mohammadi_tail_index(x, k1).alpha == Approx(1.0).epsilon(1e-9));
        levysgd::mohammadi_accumulator<T> acc(k1);
        acc.add(std::span<const T>(x).first(3));
        acc.add(std::span<const T>(x).subspan(3));
        CHECK(acc.result().alpha == Approx(1.0).epsilon(1e-9));
    }
    // stable data scaled to the top of the range: the same estimate as unscaled
    auto s = sas<T>(1.3, 8000, 22);
    T m = 0;
    for (T v : s)
        m = std::max(m, std::fabs(v));
    for (auto &v : s)
        v /= m; // max |x| = 1
    auto top = s;
    for (auto &v : top)
        v *= big;
    const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
    for (std::size_t k1 : {4u, 80u}) {
        const double ref = levysgd::mohammadi_tail_index(s, k1).inv_alpha;
        CHECK(levysgd::mohammadi_tail_index(top, k1).inv_alpha == Approx(ref).margin(tol));
    }
}

TEST_CASE("issue 16: the scalar estimator is scale-invariant from 1e-300 to 1e300",
          "[tail][validation]") {
    auto s = sas<double>(1.6, 10000, 23);
    double m = 0;
    for (double v : s)
        m = std::max(m, std::fabs(v));
    for (auto &v : s)
        v /= m;
    const double ref = levysgd::mohammadi_tail_index(s, 100).inv_alpha;
    for (double c : {1e-300, 1e-200, 1e-100, 1e100, 1e200, 1e300}) {
        auto y = s;
        for (auto &v : y)
            v *= c;
        INFO("scale " << c);
        // 1e-300 makes the smallest values subnormal: rounding, not a bias
        CHECK(levysgd::mohammadi_tail_index(y, 100).inv_alpha == Approx(ref).margin(1e-10));
    }
}

TEST_CASE("issue 16: mohammadi_tail_index's errors name mohammadi_tail_index",
          "[tail][validation]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const levysgd::tail_index_options skip{.k1 = 2, .bad_values = bad_value_policy::skip};
    // skip with bad values (streaming path): every block sums to 0
    const std::vector<double> a{1, -1, nan, 2, -2, 3, -3};
    // skip without bad values (the blocks' fallback): every block sums to 0
    const std::vector<double> b{1, -1, 2, -2, 3, -3, 4, -4};
    for (const auto *x : {&a, &b}) {
        const std::string msg = message_of([&] { levysgd::mohammadi_tail_index(*x, skip); });
        CHECK_THAT(msg, Catch::Matchers::StartsWith("levysgd::mohammadi_tail_index:") &&
                            Catch::Matchers::Contains("number of usable blocks"));
        CHECK_THAT(msg, !Catch::Matchers::Contains("accumulator"));
    }
    // throw_error: the zero block is located
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(b, 2); }),
               Catch::Matchers::StartsWith("levysgd::mohammadi_tail_index:") &&
                   Catch::Matchers::Contains("indices 0 to 1"));
}

TEMPLATE_TEST_CASE("issue 16: a bad value is found in every SIMD lane and in the dropped tail",
                   "[tail][validation]", float, double) {
    using T = TestType;
    const auto x = sas<T>(1.5, 1030, 24); // k1 = 64: 16 blocks, 6 values dropped
    const T specials[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                          -std::numeric_limits<T>::infinity(), T(0), T(-0.0)};
    std::size_t case_index = 0;
    for (std::size_t pos : {0u, 1u, 3u, 7u, 15u, 63u, 64u + 5u, 64u * 15u + 62u, 1027u}) {
        for (T v : specials) {
            if (!levysgd_test::in_subset(case_index++, 3))
                continue;
            auto y = x;
            y[pos] = v;
            INFO("position " << pos << " value " << v);
            CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index(y, 64); }),
                       Catch::Matchers::Contains("x must contain no 0, NaN or infinite") &&
                           Catch::Matchers::Contains("index " + std::to_string(pos)));
            const auto r = levysgd::mohammadi_tail_index(
                y, levysgd::tail_index_options{.k1 = 64, .bad_values = bad_value_policy::skip});
            CHECK(r.n_bad == 1);
        }
    }
    // subnormals are fine (log is defined): the block goes the scalar way
    auto y = x;
    y[5] = std::numeric_limits<T>::denorm_min();
    y[900] = -std::numeric_limits<T>::min() / 4;
    CHECK(std::isfinite(levysgd::mohammadi_tail_index(y, 64).inv_alpha));
}

TEST_CASE("issue 16: bad-input table of mohammadi_tail_index and mohammadi_accumulator",
          "[tail][validation]") {
    using levysgd::tail_index_options;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const auto x = sas<double>(1.5, 400, 25);
    auto with = [&](std::size_t i, double v) {
        auto y = x;
        y[i] = v;
        return y;
    };
    const std::size_t huge = std::numeric_limits<std::size_t>::max();
    const auto bad_policy = static_cast<bad_value_policy>(7);
    struct row {
        const char *what;
        std::function<void()> call;
        const char *names; // the parameter the message must name
    };
    const std::vector<row> refused{
        {"NaN", [&] { levysgd::mohammadi_tail_index(with(3, nan), 20); }, "x must contain"},
        {"+inf", [&] { levysgd::mohammadi_tail_index(with(3, inf), 20); }, "x must contain"},
        {"-inf", [&] { levysgd::mohammadi_tail_index(with(3, -inf), 20); }, "x must contain"},
        {"zero", [&] { levysgd::mohammadi_tail_index(with(3, 0.0), 20); }, "x must contain"},
        {"empty", [&] { levysgd::mohammadi_tail_index(std::vector<double>{}); },
         "number of usable values"},
        {"all NaN, skip",
         [&] {
             levysgd::mohammadi_tail_index(
                 std::vector<double>(50, nan),
                 tail_index_options{.bad_values = bad_value_policy::skip});
         },
         "number of usable values"},
        {"k1 = 1", [&] { levysgd::mohammadi_tail_index(x, 1); }, "k1"},
        {"k1 = K/2 + 1", [&] { levysgd::mohammadi_tail_index(x, 201); }, "k1"},
        {"k1 = 2^64 - 1", [&] { levysgd::mohammadi_tail_index(x, huge); }, "k1"},
        {"bad_values out of range",
         [&] { levysgd::mohammadi_tail_index(x, tail_index_options{.bad_values = bad_policy}); },
         "bad_values"},
        {"accumulator k1 = 0", [&] { levysgd::mohammadi_accumulator<double> a(0); }, "k1"},
        {"accumulator policy out of range",
         [&] { levysgd::mohammadi_accumulator<double> a(2, bad_policy); }, "bad_values"},
        {"accumulator NaN",
         [&] {
             levysgd::mohammadi_accumulator<double> a(2);
             a.add(with(9, nan));
         },
         "x must contain"},
        {"accumulator, too few blocks",
         [&] {
             levysgd::mohammadi_accumulator<double> a(huge);
             a.add(x);
             (void)a.result();
         },
         "number of usable blocks"},
    };
    for (const auto &r : refused) {
        INFO(r.what);
        CHECK_THAT(message_of(r.call), Catch::Matchers::Contains(r.names));
    }
    // accepted: negative, subnormal, huge values, all threads
    for (double v : {-3.0, 5e-324, -2.2e-308, 1.7e308, -1.7e308}) {
        INFO("value " << v);
        CHECK(std::isfinite(levysgd::mohammadi_tail_index(with(3, v), 20).inv_alpha));
    }
    CHECK(levysgd::mohammadi_tail_index(x, tail_index_options{.k1 = 20, .threads = ~0u}).k2 == 20);
}

namespace {
bool same_result(const levysgd::tail_index_result &a, const levysgd::tail_index_result &b) {
    return std::memcmp(&a.inv_alpha, &b.inv_alpha, sizeof(double)) == 0 && a.k1 == b.k1 &&
           a.k2 == b.k2 && a.n_used == b.n_used && a.n_dropped == b.n_dropped &&
           a.n_bad == b.n_bad;
}

// the row-major rows x cols array x as an Eigen matrix (read in place)
template <class T> auto rowmajor(const std::vector<T> &x, std::size_t rows, std::size_t cols) {
    return Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        x.data(), Eigen::Index(rows), Eigen::Index(cols));
}

// column c of the row-major rows x cols array x
template <class T>
std::vector<T> column_of(const std::vector<T> &x, std::size_t cols, std::size_t c) {
    std::vector<T> v(x.size() / cols);
    for (std::size_t r = 0; r < v.size(); ++r)
        v[r] = x[r * cols + c];
    return v;
}
} // namespace

TEMPLATE_TEST_CASE("issue 21: mohammadi_tail_index_columns equals the estimator per column",
                   "[tail][columns]", float, double) {
    using T = TestType;
    using levysgd::tail_index_options;
    // 1003 rows (k1 = 40: 25 blocks, 3 rows dropped); 37 columns: SIMD tiles
    // of 2 W columns (4 to 32), the last one overlapping; 5 columns: one
    // padded tile on every ISA but SSE2 double (W = 2, 2 tiles, overlapping)
    const std::size_t rows = 1003;
    const double tol = std::is_same_v<T, float> ? 2e-5 : 1e-12; // as the 1-D tests
    for (std::size_t cols : {std::size_t(37), std::size_t(5)}) {
        CAPTURE(cols);
        const auto x = sas<T>(1.4, rows * cols, 40 + cols);
        const auto all = levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols),
                                                               tail_index_options{.k1 = 40});
        REQUIRE(all.size() == cols);
        for (std::size_t c = 0; c < cols; ++c) {
            CAPTURE(c);
            const auto col = column_of(x, cols, c);
            const auto one = levysgd::mohammadi_tail_index(col, 40);
            // the same eq. (15); sums in another order (down the rows, one
            // column per lane, vs W lanes along the column): equal to rounding
            CHECK(std::fabs(all[c].inv_alpha - one.inv_alpha) <= tol);
            CHECK(std::fabs(all[c].inv_alpha -
                            double(reference_inv_alpha(
                                std::vector<T>(col.begin(), col.begin() + 1000), 40))) <= tol);
            CHECK((all[c].k1 == 40 && all[c].k2 == 25 && all[c].n_used == 1000 &&
                   all[c].n_dropped == 3 && all[c].n_bad == 0));
            // a column alone (a padded tile, another lane) gives the same bits
            const auto alone = levysgd::mohammadi_tail_index_columns(rowmajor(col, rows, 1), {.k1 = 40});
            CHECK(same_result(alone[0], all[c]));
        }
        // any Eigen layout: a column-major copy, a row block of a wider
        // row-major matrix (rows further apart than cols) give the same bits
        using RM = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> cm = rowmajor(x, rows, cols);
        RM wide = RM::Zero(Eigen::Index(rows), Eigen::Index(cols + 3));
        wide.leftCols(Eigen::Index(cols)) = rowmajor(x, rows, cols);
        const auto from_cm = levysgd::mohammadi_tail_index_columns(cm, {.k1 = 40});
        const auto from_block =
            levysgd::mohammadi_tail_index_columns(wide.leftCols(Eigen::Index(cols)), {.k1 = 40});
        for (std::size_t c = 0; c < cols; ++c)
            CHECK((same_result(from_cm[c], all[c]) && same_result(from_block[c], all[c])));
        // bitwise the same for every thread count; k1 = 0 is the paper's rule
        for (std::size_t k1 : {std::size_t(0), std::size_t(40)}) {
            const auto one = levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols), tail_index_options{.k1 = k1, .threads = 1});
            CHECK(one[0].k1 == (k1 ? k1 : levysgd::detail::mohammadi_blocks(rows).first));
            for (unsigned t : {2u, 3u, 0u}) {
                const auto many = levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols), tail_index_options{.k1 = k1, .threads = t});
                for (std::size_t c = 0; c < cols; ++c)
                    CHECK(same_result(many[c], one[c]));
            }
        }
    }
}

TEMPLATE_TEST_CASE("issue 21: mohammadi_tail_index_columns splits columns between threads "
                   "without changing a bit",
                   "[tail][columns][threads]", float, double) {
    using T = TestType;
    // a thread gets at least 2^20 values: 65539 rows x 37 columns is split
    // into column strips on every ISA
    const std::size_t rows = 65539, cols = 37;
    const auto x = sas<T>(1.7, rows * cols, 99);
    const auto one = levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols),
                                                           {.k1 = 250, .threads = 1});
    for (unsigned t : {2u, 3u, 0u}) {
        const auto many = levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols),
                                                                {.k1 = 250, .threads = t});
        for (std::size_t c = 0; c < cols; ++c)
            CHECK(same_result(many[c], one[c]));
    }
    CHECK(std::fabs(one[36].alpha - 1.7) < 0.1);
}

TEMPLATE_TEST_CASE("issue 21: mohammadi_tail_index_columns: bad values as documented",
                   "[tail][columns][validation]", float, double) {
    using T = TestType;
    using levysgd::tail_index_options;
    const std::size_t rows = 203, cols = 37; // k1 = 20: 10 blocks, 3 rows dropped
    const auto x = sas<T>(1.6, rows * cols, 77);
    const double tol = std::is_same_v<T, float> ? 2e-5 : 1e-12;
    const auto clean = levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols),
                                                             {.k1 = 20});
    const T specials[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                          -std::numeric_limits<T>::infinity(), T(0), T(-0.0)};
    std::size_t case_index = 0;
    // rows in the first, a middle and the last block, and in the dropped tail;
    // columns in every tile position
    for (std::size_t r : {0u, 57u, 199u, 201u})
        for (std::size_t c : {0u, 3u, 17u, 36u})
            for (T v : specials) {
                if (!levysgd_test::in_subset(case_index++, 3))
                    continue;
                auto y = x;
                y[r * cols + c] = v;
                INFO("row " << r << " column " << c << " value " << v);
                CHECK_THAT(message_of([&] {
                               levysgd::mohammadi_tail_index_columns(rowmajor(y, rows, cols), {.k1 = 20});
                           }),
                           Catch::Matchers::StartsWith(
                               "levysgd::mohammadi_tail_index_columns: column " +
                               std::to_string(c) + ": levysgd::mohammadi_tail_index: x must "
                                                   "contain no 0, NaN or infinite") &&
                               Catch::Matchers::Contains("index " + std::to_string(r)));
                const tail_index_options skip{.k1 = 20, .bad_values = bad_value_policy::skip};
                const auto s =
                    levysgd::mohammadi_tail_index_columns(rowmajor(y, rows, cols), skip);
                // the bad column is mohammadi_tail_index's, bit for bit; the others unchanged
                CHECK(same_result(s[c], levysgd::mohammadi_tail_index(column_of(y, cols, c), skip)));
                CHECK(s[c].n_bad == 1);
                for (std::size_t o = 0; o < cols; ++o)
                    if (o != c)
                        CHECK(same_result(s[o], clean[o]));
            }
    // subnormals are fine (log is defined): that block of that column goes the scalar way
    auto y = x;
    y[5 * cols + 3] = std::numeric_limits<T>::denorm_min();
    y[100 * cols + 36] = -std::numeric_limits<T>::min() / 4;
    const auto sub = levysgd::mohammadi_tail_index_columns(rowmajor(y, rows, cols),
                                                           {.k1 = 20});
    for (std::size_t c : {3u, 36u})
        CHECK(std::fabs(sub[c].inv_alpha -
                        levysgd::mohammadi_tail_index(column_of(y, cols, c), 20).inv_alpha) <=
              tol);
    // a block summing to 0: thrown for the lowest such column, dropped under skip
    y = x;
    for (std::size_t c : {30u, 9u})
        for (std::size_t r = 20; r < 40; ++r)
            y[r * cols + c] = T(r % 2 ? 1 : -1);
    for (unsigned t : {1u, 0u})
        CHECK_THAT(message_of([&] {
                       levysgd::mohammadi_tail_index_columns(rowmajor(y, rows, cols),
                                                             {.k1 = 20, .threads = t});
                   }),
                   Catch::Matchers::StartsWith("levysgd::mohammadi_tail_index_columns: column 9: ") &&
                       Catch::Matchers::Contains("indices 20 to 39"));
    const auto z = levysgd::mohammadi_tail_index_columns(rowmajor(y, rows, cols), {.k1 = 20, .bad_values = bad_value_policy::skip});
    CHECK((z[9].k2 == 9 && z[9].n_bad == 20 && z[30].k2 == 9));
    // float block sums overflow in float at FLT_MAX / 2: the scalar path (double sums) takes them
    y = x;
    for (std::size_t r = 0; r < 20; ++r)
        y[r * cols + 11] = std::numeric_limits<T>::max() / T(2);
    const auto big = levysgd::mohammadi_tail_index_columns(rowmajor(y, rows, cols),
                                                           {.k1 = 20});
    CHECK(std::fabs(big[11].inv_alpha -
                    levysgd::mohammadi_tail_index(column_of(y, cols, 11), 20).inv_alpha) <= tol);
    // options: a k1 no column can take is mohammadi_tail_index's error, for column 0
    CHECK_THAT(message_of([&] {
                   levysgd::mohammadi_tail_index_columns(rowmajor(x, rows, cols),
                                                         {.k1 = 150});
               }),
               Catch::Matchers::Contains("column 0: levysgd::mohammadi_tail_index: k1 must be"));
    CHECK(levysgd::mohammadi_tail_index_columns(rowmajor(x, 0, 0)).empty());
}
