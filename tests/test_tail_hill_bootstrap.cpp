// Hill estimator and the percentile bootstrap.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

using levysgd_test::message_of;

namespace {
// Pareto(alpha) with P(X > x) = x^-alpha, x >= 1, from levysgd uniforms, random signs
std::vector<double> pareto(double alpha, std::size_t n, std::uint64_t stream) {
    std::vector<double> u(2 * n), x(n);
    levysgd::fill_uniform(std::span<double>(u), 77, stream);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = (u[2 * i + 1] < 0.5 ? -1 : 1) * std::pow(u[2 * i], -1 / alpha);
    return x;
}
} // namespace

TEST_CASE("mulhi64 is the high half of the 128-bit product", "[tail]") {
    STATIC_REQUIRE(levysgd::detail::mulhi64(~0ull, ~0ull) == ~0ull - 1);
    STATIC_REQUIRE(levysgd::detail::mulhi64(1ull << 63, 4) == 2);
    // expected value from Python: (0x123456789abcdef * 0xfedcba987654321) >> 64
    STATIC_REQUIRE(levysgd::detail::mulhi64(0x123456789abcdefull, 0xfedcba987654321ull) ==
                   0x121fa00ad77d74ull);
}

TEST_CASE("Hill recovers a Pareto tail index; its error is about alpha/sqrt(k)", "[tail]") {
    for (double a : {0.8, 1.5, 3.0}) {
        const auto x = pareto(a, 200000, 1);
        const auto r = levysgd::hill_tail_index(x, 20000);
        CHECK(r.k == 20000);
        CHECK(r.n == 200000);
        // exact Pareto: Hill is the MLE, sd = alpha / sqrt(k) ~ 0.007 alpha; allow 5 sd
        INFO("alpha " << a << " hill " << r.alpha);
        CHECK(std::fabs(r.alpha - a) <= 5 * a / std::sqrt(20000.0));
    }
    // SaS(1.5): the top 0.5 % is in the power-law regime
    std::vector<double> s(400000);
    levysgd::sample(
        levysgd::stable_distribution<double>(1.5, 0, 1, 0, levysgd::parameterization::S1),
        std::span<double>(s), 5, 5);
    CHECK(levysgd::hill_tail_index(s, 2000).alpha == Approx(1.5).margin(0.15));
    CHECK(levysgd::hill_tail_index(s).k == 632); // default k = floor(sqrt(n))
}

TEST_CASE("Hill validates k and bad values", "[tail][validation]") {
    auto x = pareto(1.0, 100, 2);
    CHECK_THAT(message_of([&] { levysgd::hill_tail_index(x, 100); }),
               Catch::Matchers::Contains("k"));
    x[7] = std::numeric_limits<double>::quiet_NaN();
    CHECK_THAT(message_of([&] { levysgd::hill_tail_index(x, 10); }),
               Catch::Matchers::Contains("1 NaN/inf") && Catch::Matchers::Contains("index 7"));
    const auto r = levysgd::hill_tail_index(x, 10, levysgd::bad_value_policy::skip);
    CHECK(r.n == 99);
    CHECK(r.n_bad == 1);
    std::vector<double> zeros(50, 0.0);
    zeros[0] = 1;
    CHECK_THAT(message_of([&] { levysgd::hill_tail_index(zeros, 5); }),
               Catch::Matchers::Contains("threshold"));
}

TEST_CASE("bootstrap interval covers alpha and is reproducible", "[tail][bootstrap]") {
    std::vector<double> x(20000);
    levysgd::sample(
        levysgd::stable_distribution<double>(1.3, 0, 1, 0, levysgd::parameterization::S1),
        std::span<double>(x), 9, 1);
    auto stat = [](std::span<const double> s) { return levysgd::mohammadi_tail_index(s).alpha; };
    const auto ci = levysgd::bootstrap_ci(std::span<const double>(x), stat, {.reps = 200, .level = 0.95, .seed = 3});
    INFO("estimate " << ci.estimate << " [" << ci.lower << ", " << ci.upper << "]");
    CHECK(ci.lower < ci.estimate);
    CHECK(ci.estimate < ci.upper);
    CHECK(ci.lower < 1.3);
    CHECK(ci.upper > 1.3);
    CHECK(ci.upper - ci.lower < 0.5);
    CHECK(ci.reps == 200);
    const auto again = levysgd::bootstrap_ci(std::span<const double>(x), stat, {.reps = 200, .level = 0.95, .seed = 3});
    CHECK(again.lower == ci.lower);
    CHECK(again.upper == ci.upper);
    const auto other = levysgd::bootstrap_ci(std::span<const double>(x), stat, {.reps = 200, .level = 0.95, .seed = 4});
    CHECK(other.lower != ci.lower);
    CHECK_THAT(message_of([&] { levysgd::bootstrap_ci(std::span<const double>(x), stat, {.reps = 5}); }),
               Catch::Matchers::Contains("reps"));
    CHECK_THAT(
        message_of([&] { levysgd::bootstrap_ci(std::span<const double>(x), stat, {.reps = 100, .level = 1.0}); }),
        Catch::Matchers::Contains("level"));
}

namespace {
using tail_stat = double (*)(std::span<const double>);
template <class... A>
concept bootstrap_callable = requires(std::span<const double> x, tail_stat f, A... a) {
    levysgd::bootstrap_ci(x, f, a...);
};
} // namespace
// issue 17: settings go in bootstrap_options; the old trailing (reps, level,
// seed, stream) arguments must fail to compile rather than change meaning
static_assert(bootstrap_callable<>);
static_assert(bootstrap_callable<levysgd::bootstrap_options>);
static_assert(!bootstrap_callable<std::size_t>);
static_assert(!bootstrap_callable<int>);
static_assert(!bootstrap_callable<std::size_t, double>);
static_assert(!bootstrap_callable<std::size_t, double, std::uint64_t>);
static_assert(!bootstrap_callable<std::size_t, double, std::uint64_t, std::uint64_t>);

TEST_CASE("issue 17: bootstrap_options gives the interval of the old positional call",
          "[tail][bootstrap]") {
    // bootstrap_ci(x, stat, 50, 0.9, 11, 2) before issue 17 gave these values
    // (bit for bit the same under the same compiler flags; the last bit of
    // the interpolated bounds depends on FMA contraction, hence the epsilon)
    std::vector<double> x(300);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = std::pow(double((i * 7919) % 1000 + 1) / 1001.0, -1 / 1.5);
    auto stat = [](std::span<const double> s) { return levysgd::hill_tail_index(s).alpha; };
    const auto a = levysgd::bootstrap_ci(std::span<const double>(x), stat,
                                         {.reps = 50, .level = 0.9, .seed = 11, .stream = 2});
    CHECK(a.estimate == Approx(0x1.53a8a5b0d4a59p+0).epsilon(1e-14));
    CHECK(a.lower == Approx(0x1.0849356b82d1cp+0).epsilon(1e-14));
    CHECK(a.upper == Approx(0x1.312eea976d3b1p+1).epsilon(1e-14));
    CHECK(a.reps == 50);
    CHECK(a.level == 0.9);
    const auto d = levysgd::bootstrap_ci(std::span<const double>(x), stat);
    CHECK(d.reps == 1000);
    CHECK(d.level == 0.95);
}

TEST_CASE("bootstrap_ci: +-inf values of the statistic are kept, NaN counted as failed",
          "[tail][bootstrap]") {
    const auto x = pareto(1.5, 200, 3);
    const double inf = std::numeric_limits<double>::infinity();
    // +inf on resamples whose mean is above the sample's: about half of them
    double m = 0;
    for (double v : x)
        m += v;
    m /= double(x.size());
    auto mean = [](std::span<const double> s) {
        double t = 0;
        for (double v : s)
            t += v;
        return t / double(s.size());
    };
    auto capped = [&](std::span<const double> s) { return mean(s) > m ? inf : mean(s); };
    const levysgd::bootstrap_options o{.reps = 200, .level = 0.9, .seed = 5};
    const auto plain = levysgd::bootstrap_ci(std::span<const double>(x), mean, o);
    const auto a = levysgd::bootstrap_ci(std::span<const double>(x), capped, o);
    CHECK(a.reps == 200); // inf is a value, not a failure
    CHECK(a.reps_failed == 0);
    CHECK(a.upper == inf);
    CHECK(a.lower == plain.lower); // below the mean the statistics are the same
    // -inf likewise at the bottom
    auto low = [&](std::span<const double> s) { return mean(s) < m ? -inf : mean(s); };
    const auto b = levysgd::bootstrap_ci(std::span<const double>(x), low, o);
    CHECK(b.lower == -inf);
    CHECK(b.upper == plain.upper);
    CHECK(b.reps_failed == 0);
    // NaN is a failure
    auto nan_above = [&](std::span<const double> s) {
        return mean(s) > m ? std::numeric_limits<double>::quiet_NaN() : mean(s);
    };
    const auto c = levysgd::bootstrap_ci(std::span<const double>(x), nan_above, o);
    CHECK(c.reps_failed > 50);
    CHECK(c.reps + c.reps_failed == 200);
    CHECK(std::isfinite(c.upper));
}

TEST_CASE("issue 16: bad-input table of hill_tail_index and bootstrap_ci", "[tail][validation]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    const auto x = pareto(1.5, 200, 3);
    auto with = [&](std::size_t i, double v) {
        auto y = x;
        y[i] = v;
        return y;
    };
    const std::size_t huge = std::numeric_limits<std::size_t>::max();
    const auto bad_policy = static_cast<levysgd::bad_value_policy>(7);
    auto stat = [](std::span<const double> s) { return levysgd::hill_tail_index(s).alpha; };
    const std::span<const double> xs(x);
    struct row {
        const char *what;
        std::function<void()> call;
        const char *names;
    };
    const std::vector<row> refused{
        {"hill NaN", [&] { levysgd::hill_tail_index(with(4, nan), 10); }, "x must be finite"},
        {"hill +inf", [&] { levysgd::hill_tail_index(with(4, inf), 10); }, "x must be finite"},
        {"hill -inf", [&] { levysgd::hill_tail_index(with(4, -inf), 10); }, "x must be finite"},
        {"hill empty", [&] { levysgd::hill_tail_index(std::vector<double>{}); },
         "number of finite values"},
        {"hill one value", [&] { levysgd::hill_tail_index(std::vector<double>{2.0}); },
         "number of finite values"},
        {"hill all NaN, skip",
         [&] {
             levysgd::hill_tail_index(std::vector<double>(9, nan), 0,
                                      levysgd::bad_value_policy::skip);
         },
         "number of finite values"},
        {"hill k = n", [&] { levysgd::hill_tail_index(x, 200); }, "k must"},
        {"hill k = 2^64 - 1", [&] { levysgd::hill_tail_index(x, huge); }, "k must"},
        {"hill zero threshold",
         [&] {
             levysgd::hill_tail_index(std::vector<double>{3, 0, 0, 0}, 1);
         },
         "threshold"},
        {"hill policy", [&] { levysgd::hill_tail_index(x, 10, bad_policy); }, "bad_values"},
        {"bootstrap empty", [&] { levysgd::bootstrap_ci(std::span<const double>(), stat, {.reps = 100}); },
         "x.size()"},
        {"bootstrap reps 9", [&] { levysgd::bootstrap_ci(xs, stat, {.reps = 9}); }, "reps"},
        {"bootstrap reps 2^64 - 1", [&] { levysgd::bootstrap_ci(xs, stat, {.reps = huge}); }, "reps"},
        {"bootstrap level NaN", [&] { levysgd::bootstrap_ci(xs, stat, {.reps = 20, .level = nan}); }, "level"},
        {"bootstrap level 0", [&] { levysgd::bootstrap_ci(xs, stat, {.reps = 20, .level = 0.0}); }, "level"},
        {"bootstrap level -inf", [&] { levysgd::bootstrap_ci(xs, stat, {.reps = 20, .level = -inf}); }, "level"},
        {"bootstrap statistic always fails",
         [&] {
             levysgd::bootstrap_ci(
                 xs,
                 [](std::span<const double>) { return std::numeric_limits<double>::quiet_NaN(); },
                 {.reps = 20});
         },
         "successful resamples"},
    };
    for (const auto &r : refused) {
        INFO(r.what);
        CHECK_THAT(message_of(r.call), Catch::Matchers::Contains(r.names));
    }
    // accepted: negative, zero, subnormal and huge magnitudes (Hill is scale-free)
    const double ref = levysgd::hill_tail_index(x, 20).inv_alpha;
    for (double c : {-1.0, 1e-300, 1e300}) {
        auto y = x;
        for (auto &v : y)
            v *= c;
        INFO("scale " << c);
        CHECK(levysgd::hill_tail_index(y, 20).inv_alpha == Approx(ref).epsilon(1e-12));
    }
    CHECK(std::isfinite(levysgd::hill_tail_index(with(4, 5e-324), 20).alpha));
    CHECK(std::isfinite(levysgd::hill_tail_index(with(4, 0.0), 20).alpha));
    CHECK(levysgd::bootstrap_ci(xs, stat, {.reps = 20, .level = 0.5, .seed = ~0ull, .stream = ~0ull}).reps == 20);
}
