// Bulk uniform / exponential / normal fills: SIMD == scalar transforms at the
// same stream index, open interval, determinism, and distribution checks.
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "levysgd_catch.hpp"

namespace {
// Scalar uniform i of (seed, stream) under the index rule of fill.hpp.
template <class T> T scalar_uniform(std::uint64_t seed, std::uint64_t stream, std::uint64_t i) {
    if constexpr (std::is_same_v<T, float>) {
        return levysgd::uniform_float(levysgd::philox_bits(seed, stream, i / 4)[i % 4]);
    } else {
        const auto b = levysgd::philox_bits(seed, stream, i / 2);
        const unsigned w = 2 * unsigned(i % 2);
        return levysgd::uniform_double(b[w], b[w + 1]);
    }
}
} // namespace

TEST_CASE("uniform grid: extreme words map strictly inside (0, 1)", "[random]") {
    CHECK(levysgd::uniform_float(0u) == 0x1p-24f);
    CHECK(levysgd::uniform_float(0xFFFFFFFFu) == 1.0f - 0x1p-24f);
    CHECK(levysgd::uniform_double(0u, 0u) == 0x1p-53);
    CHECK(levysgd::uniform_double(0xFFFFFFFFu, 0xFFFFFFFFu) == 1.0 - 0x1p-53);
    // symmetric about 1/2: u(w) + u(~w) == 1 exactly
    for (std::uint32_t w : {0u, 1u, 12345u, 0x80000000u, 0xDEADBEEFu})
        CHECK(levysgd::uniform_float(w) + levysgd::uniform_float(~w) == 1.0f);
    CHECK(std::isfinite(levysgd::exponential_from_uniform(levysgd::uniform_float(0xFFFFFFFFu))));
    CHECK(levysgd::exponential_from_uniform(levysgd::uniform_double(~0u, ~0u)) > 0.0);
}

TEMPLATE_TEST_CASE("fill_uniform gives the scalar bits at every index", "[random][simd]", float,
                   double) {
    const std::size_t n = 5001;
    std::vector<TestType> u(n);
    levysgd::fill_uniform(std::span<TestType>(u), 17, 3, {.first_index = 9});
    for (std::size_t i = 0; i < n; ++i)
        REQUIRE(u[i] == scalar_uniform<TestType>(17, 3, 9 + i));
    CHECK(*std::min_element(u.begin(), u.end()) > 0);
    CHECK(*std::max_element(u.begin(), u.end()) < 1);
}

TEMPLATE_TEST_CASE("fill_exponential and fill_normal match the scalar transforms", "[random][simd]",
                   float, double) {
    const double tol = std::is_same_v<TestType, float> ? 1e-5 : 1e-13;
    const std::size_t n = 4099;
    std::vector<TestType> e(n), z(n);
    levysgd::fill_exponential(std::span<TestType>(e), 5, 6);
    levysgd::fill_normal(std::span<TestType>(z), 5, 6);
    for (std::size_t i = 0; i < n; ++i) {
        const TestType u = scalar_uniform<TestType>(5, 6, i);
        REQUIRE(std::fabs(e[i] - levysgd::exponential_from_uniform(u)) <= tol * (1 + e[i]));
    }
    for (std::size_t j = 0; j + 1 < n; j += 2) {
        TestType z1, z2;
        levysgd::normal_pair_from_uniforms(scalar_uniform<TestType>(5, 6, j),
                                           scalar_uniform<TestType>(5, 6, j + 1), z1, z2);
        REQUIRE(std::fabs(z[j] - z1) <= tol * (1 + std::fabs(z1)));
        REQUIRE(std::fabs(z[j + 1] - z2) <= tol * (1 + std::fabs(z2)));
    }
}

TEMPLATE_TEST_CASE("fills are deterministic across threads and splits, with the right moments",
                   "[random]", float, double) {
    const std::size_t n = 1 << 20;
    std::vector<TestType> a(n), b(n);
    levysgd::fill_normal(std::span<TestType>(a), 1, 1, {.threads = 1});
    levysgd::fill_normal(std::span<TestType>(b).first(n / 3), 1, 1, {.threads = 2});
    levysgd::fill_normal(std::span<TestType>(b).subspan(n / 3), 1, 1,
                         {.first_index = n / 3, .threads = 0});
    CHECK(a == b);
    double m1 = 0, m2 = 0, m4 = 0;
    for (TestType v : a) {
        m1 += v;
        m2 += double(v) * v;
        m4 += double(v) * v * v * v;
    }
    m1 /= n;
    m2 /= n;
    m4 /= n;
    // standard errors: 1/sqrt(n), sqrt(2/n), sqrt(96/n); 6 sigma
    CHECK(std::fabs(m1) <= 6 / std::sqrt(double(n)));
    CHECK(std::fabs(m2 - 1) <= 6 * std::sqrt(2.0 / n));
    CHECK(std::fabs(m4 - 3) <= 6 * std::sqrt(96.0 / n));
    levysgd::fill_exponential(std::span<TestType>(a), 2, 2, {.threads = 0});
    double s = 0;
    for (TestType v : a)
        s += v;
    CHECK(std::fabs(s / n - 1) <= 6 / std::sqrt(double(n)));
}
