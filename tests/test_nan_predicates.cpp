// detail::is_nan / is_non_finite on scalars and on xsimd batches of the
// build's ISA. CI runs this file native (-march=native), portable (SSE2, the
// sanitizer build) and AVX2 (test_nan_predicates_avx2), because xsimd's
// batch operators are ISA-specific: on AVX/AVX-512, x != x is an ordered
// compare and is false for NaN.

#include "levysgd_catch.hpp"

#include <array>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>

#include <xsimd/xsimd.hpp>

#include <levysgd/detail/nan.hpp>

using levysgd::detail::is_nan;
using levysgd::detail::is_non_finite;

TEMPLATE_TEST_CASE("NaN and non-finite predicates agree between scalars and batches", "[nan]",
                   float, double) {
    using T = TestType;
    using B = xsimd::batch<T>;
    constexpr std::size_t W = B::size;
    const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
    const T values[] = {T(0),
                        T(-0.0),
                        T(1),
                        -T(1),
                        std::numeric_limits<T>::max(),
                        std::numeric_limits<T>::lowest(),
                        std::numeric_limits<T>::min(),
                        std::numeric_limits<T>::denorm_min(),
                        inf,
                        -inf,
                        nan,
                        -nan,
                        std::numeric_limits<T>::signaling_NaN()};
    constexpr std::size_t nv = sizeof values / sizeof values[0];
    // Every value in every lane, the other lanes holding the next values.
    for (std::size_t v = 0; v < nv; ++v)
        for (std::size_t lane = 0; lane < W; ++lane) {
            alignas(B::arch_type::alignment()) std::array<T, W> a;
            for (std::size_t j = 0; j < W; ++j)
                a[j] = values[(v + (j + W - lane)) % nv];
            const B x = B::load_aligned(a.data());
            const auto n = is_nan(x), nf = is_non_finite(x);
            for (std::size_t j = 0; j < W; ++j) {
                INFO("value " << a[j] << " lane " << j << " of " << W);
                CHECK(n.get(j) == std::isnan(a[j]));
                CHECK(nf.get(j) == !std::isfinite(a[j]));
                CHECK(is_nan(a[j]) == std::isnan(a[j]));
                CHECK(is_non_finite(a[j]) == !std::isfinite(a[j]));
            }
        }
}

TEMPLATE_TEST_CASE("the ordered batch != that hid NaN on AVX is what this guards against",
                   "[nan]", float, double) {
    // Documents the trap: on SSE2 builds x != x is true for NaN, on AVX and
    // AVX-512 builds (xsimd 8: _CMP_NEQ_OQ) it is false. Either way is_nan is right.
    using B = xsimd::batch<TestType>;
    const B x(std::numeric_limits<TestType>::quiet_NaN());
    CHECK(xsimd::all(is_nan(x)));
    CHECK(xsimd::all(is_non_finite(x)));
    CHECK_FALSE(xsimd::any(is_nan(B(TestType(1)))));
}

TEST_CASE("the build's SIMD instruction set", "[nan]") {
    const std::string arch = xsimd::default_arch::name();
    INFO("xsimd::default_arch: " << arch);
#if defined(LEVYSGD_TEST_ISA_VARIANT)
    // The AVX2 variant really runs AVX2 batches (tests/CMakeLists.txt).
    CHECK(arch.find(LEVYSGD_TEST_ISA_VARIANT) != std::string::npos);
#endif
    CHECK(!arch.empty());
}
