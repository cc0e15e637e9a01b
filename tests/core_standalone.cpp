// A translation unit of test_core that includes only core/ headers (and is
// compiled without the tests' shared precompiled header): the host/device
// core must build without Eigen and xsimd. It evaluates the index rule with
// nothing but core/, for test_core.cpp to compare with sample().
#include <levysgd/core/core.hpp>

#include <cstdint>

#if defined(EIGEN_WORLD_VERSION) || defined(XSIMD_VERSION_MAJOR)
#error "levysgd/core/ must not include Eigen or xsimd"
#endif

namespace core_standalone {

bool saw_eigen_or_xsimd() {
#if defined(EIGEN_WORLD_VERSION) || defined(XSIMD_VERSION_MAJOR) || defined(EIGEN_CORE_H)
    return true;
#else
    return false;
#endif
}

double variate_at(double a, double b, double s, double l, bool s1, std::uint64_t seed,
                  std::uint64_t stream, std::uint64_t i) {
    const auto plan = levysgd::core::make_stable_plan<double>(
        a, b, s, l, s1 ? levysgd::parameterization::S1 : levysgd::parameterization::S0);
    return levysgd::core::stable_variate_at(plan, seed, stream, i);
}

float variate_at_f(double a, double b, double s, double l, bool s1, std::uint64_t seed,
                   std::uint64_t stream, std::uint64_t i) {
    const auto plan = levysgd::core::make_stable_plan<float>(
        a, b, s, l, s1 ? levysgd::parameterization::S1 : levysgd::parameterization::S0);
    return levysgd::core::stable_variate_at(plan, seed, stream, i);
}

} // namespace core_standalone
