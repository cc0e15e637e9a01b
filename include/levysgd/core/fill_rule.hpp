#pragma once
// The index rule of the bulk fills (uniform, exponential, normal) on Philox
// streams, its one definition for the SIMD fills (random/fill.hpp), the scalar
// fill_variate_at and the CUDA fill kernels (cuda/sample_body.hpp):
//   uniform float i  = uniform_float(word i%4 of block i/4)
//   uniform double i = uniform_double(words 2(i%2), 2(i%2)+1 of block i/2)
//   exponential i    = -log(uniform i)
//   normal 2j, 2j+1  = Box-Muller of (uniform 2j, uniform 2j+1)
// Host/device core: no xsimd, Eigen, iostreams, exceptions or allocation.

#include <cstdint>
#include <type_traits>

#include "../config.hpp"
#include "philox.hpp"
#include "transforms.hpp"

namespace levysgd::core {

enum class variate { uniform, exponential, normal };

/// Values of one Philox block: 4 floats or 2 doubles.
template <class Real>
inline constexpr unsigned fill_values_per_block = std::is_same_v<Real, float> ? 4u : 2u;

/// Uniforms 2j, 2j+1 (a, b) -> the values 2j, 2j+1 of kind V. T = float,
/// double or an xsimd::batch of them.
template <variate V, class T>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void variate_pair_from_uniforms(T &a, T &b) noexcept {
    if constexpr (V == variate::exponential) {
        a = exponential_from_uniform(a);
        b = exponential_from_uniform(b);
    } else if constexpr (V == variate::normal) {
        T z1, z2;
        normal_pair_from_uniforms(a, b, z1, z2);
        a = z1;
        b = z2;
    }
}

/// The values of kind V that Philox block `b` holds, in stream order:
/// v[0, fill_values_per_block<Real>) are values block * per_block + j.
template <variate V, class Real>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void fill_values_of_block(const philox_block &b,
                                                             Real *v) noexcept {
    if constexpr (std::is_same_v<Real, float>) {
        for (unsigned j = 0; j < 4; ++j)
            v[j] = uniform_float(b[j]);
        variate_pair_from_uniforms<V>(v[0], v[1]);
        variate_pair_from_uniforms<V>(v[2], v[3]);
    } else {
        v[0] = uniform_double(b[0], b[1]);
        v[1] = uniform_double(b[2], b[3]);
        variate_pair_from_uniforms<V>(v[0], v[1]);
    }
}

/// Value i of kind V of the stream (seed, stream): element i of
/// levysgd::fill<V>(out, seed, stream) (to rounding: the SIMD fill uses
/// xsimd's log and sincos).
template <variate V, class Real>
LEVYSGD_HOST_DEVICE Real fill_variate_at(std::uint64_t seed, std::uint64_t stream,
                                         std::uint64_t i) noexcept {
    constexpr unsigned per = fill_values_per_block<Real>;
    Real v[per];
    fill_values_of_block<V, Real>(philox_bits(seed, stream, i / per), v);
    return v[i % per];
}

} // namespace levysgd::core

namespace levysgd { // the public names
using core::fill_variate_at;
using core::variate;
} // namespace levysgd
