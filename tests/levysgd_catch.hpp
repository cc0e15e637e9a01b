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

#include <stdexcept>
#include <string>

namespace levysgd_test {
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
