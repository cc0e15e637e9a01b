#pragma once
// Draw 32 random bits, and open-interval uniforms, from any standard engine.
// philox4x32 and other full-range 32/64-bit engines are used directly, so
// d(philox4x32(seed, stream)) reproduces the bulk streams of sample().

#include <concepts>
#include <cstdint>
#include <limits>
#include <random>

#include "transforms.hpp"

namespace levysgd::detail {

template <std::uniform_random_bit_generator G> inline std::uint32_t next_u32(G &g) {
    using U = typename G::result_type;
    constexpr auto lo = G::min(), hi = G::max();
    if constexpr (lo == 0 && hi == U(0xFFFFFFFFu)) {
        return static_cast<std::uint32_t>(g());
    } else if constexpr (lo == 0 && std::numeric_limits<U>::digits == 64 &&
                         hi == std::numeric_limits<U>::max()) {
        return static_cast<std::uint32_t>(static_cast<std::uint64_t>(g()) >> 32);
    } else {
        // Any other range: the standard's unbiased mapping.
        return std::uniform_int_distribution<std::uint32_t>(0, 0xFFFFFFFFu)(g);
    }
}

/// Open-interval uniform from g on levysgd's grid (see transforms.hpp):
/// float takes one 32-bit word, double two (high word first).
template <class Real, std::uniform_random_bit_generator G> inline Real next_uniform(G &g) {
    if constexpr (std::same_as<Real, float>) {
        return uniform_float(next_u32(g));
    } else {
        const std::uint32_t hi = next_u32(g);
        const std::uint32_t lo = next_u32(g);
        return uniform_double(hi, lo);
    }
}

} // namespace levysgd::detail
