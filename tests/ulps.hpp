#pragma once
// Units in the last place between two floating-point values, for tests that
// compare two computations of the same number (the CPU and the CUDA bodies,
// the device and the host). No Catch, no C++20 library headers that nvcc's
// host compiler might lack: included by .cpp and .cu tests alike.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace levysgd_test {

/// Distance in units in the last place of a and b (0 when equal); 1e30 when
/// either is not finite or they differ in sign.
template <class Real> double ulps(Real a, Real b) {
    static_assert(std::is_floating_point_v<Real> && (sizeof(Real) == 4 || sizeof(Real) == 8));
    if (a == b)
        return 0;
    if (!std::isfinite(a) || !std::isfinite(b) || (a < 0) != (b < 0))
        return 1e30;
    using U = std::conditional_t<sizeof(Real) == 4, std::int32_t, std::int64_t>;
    U ia, ib;
    const Real fa = std::fabs(a), fb = std::fabs(b);
    std::memcpy(&ia, &fa, sizeof ia);
    std::memcpy(&ib, &fb, sizeof ib);
    return std::fabs(double(ia) - double(ib));
}

} // namespace levysgd_test
