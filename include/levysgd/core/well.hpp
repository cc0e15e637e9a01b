#pragma once
// 1-D wells on the host and the device: the derivative of the multi-well
// polynomial f'(x) = a (x - c_0) ... (x - c_{m-1}) (sde::polynomial_well,
// scalar and SIMD, and cuda::well_potential) and the basin of x among
// intervals (sde::interval_basins and cuda::device_interval_basins).
// Host/device core: no xsimd, Eigen, iostreams, exceptions or allocation.

#include <cstddef>

#include "../config.hpp"

namespace levysgd::core {

/// a (x - c[0]) ... (x - c[m-1]) for T = Real or an xsimd::batch of Real
/// (m = 3, the double well, unrolled).
template <class T, class Real>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE T polynomial_well_derivative(const T &x, Real a,
                                                                const Real *c,
                                                                std::size_t m) noexcept {
    if (m == 3)
        return T(a) * (x - T(c[0])) * (x - T(c[1])) * (x - T(c[2]));
    T d(a);
    for (std::size_t j = 0; j < m; ++j)
        d = d * (x - T(c[j]));
    return d;
}

/// The basin of x among the sorted open intervals (lo[i], hi[i]), i < k, or
/// -1: one definition for sde::interval_basins and the CUDA transition
/// studies' cuda::device_interval_basins.
template <class Real>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE int interval_basin(Real x, const Real *lo, const Real *hi,
                                                      std::size_t k) noexcept {
    for (std::size_t i = 0; i < k; ++i)
        if (x > lo[i] && x < hi[i])
            return static_cast<int>(i);
    return -1;
}

} // namespace levysgd::core
