#pragma once

// Include this instead of a Catch2 header: works with Catch2 v2 and v3.
// LEVYSGD_CATCH2_V3 is defined by the build (tests/CMakeLists.txt) when v3 is used.
#if defined(LEVYSGD_CATCH2_V3)
#include <catch2/catch_all.hpp>
#else
#include <catch2/catch.hpp>
#endif

#if defined(LEVYSGD_CATCH2_V3)
using Catch::Approx;
#endif

#include <cstddef>
#include <stdexcept>
#include <string>

namespace levysgd_test {

/// A copy of run options with the horizon set (simulate_paths takes it there).
template <class Opt, class T> Opt with_horizon(Opt o, T horizon) {
    o.horizon = horizon;
    return o;
}


/// True in the sanitizer build (LEVYSGD_SANITIZE; tests/CMakeLists.txt defines
/// LEVYSGD_TEST_SANITIZED). ASan+UBSan check every executed code path for
/// memory errors and undefined behaviour; they do not need the full sample
/// sizes of the statistical tests, which they make 3-10x slower.
#if defined(LEVYSGD_TEST_SANITIZED)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif

/// n, or n / divisor in the sanitizer build. Only for sample sizes that the
/// test's tolerance is computed from (a k-standard-error bound), or for
/// strides through reference tables, so the test means the same thing at
/// either size.
constexpr std::size_t sized(std::size_t n, std::size_t divisor = 5) {
    return sanitized ? n / divisor : n;
}

/// Whether case i of a parameter grid runs: every case normally, every
/// stride-th (0, stride, 2 stride, ...) in the sanitizer build.
constexpr bool in_subset(std::size_t i, std::size_t stride = 3) {
    return !sanitized || i % stride == 0;
}

/// The what() of the std::invalid_argument that f throws, or "no exception".
template <class F> std::string message_of(F &&f) {
    try {
        f();
    } catch (const std::invalid_argument &e) {
        return e.what();
    }
    return "no exception";
}
} // namespace levysgd_test
