#pragma once
// The derivative of the 1-D multi-well polynomial f'(x) = a (x - c_0) ...
// (x - c_{m-1}): one definition for sde::polynomial_well (scalar and SIMD
// paths) and the CUDA escape studies' cuda::well_potential.
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

} // namespace levysgd::core
