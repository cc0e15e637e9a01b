#pragma once
// Philox4x32-10 counter-based generator (Salmon, Moraes, Dror & Shaw,
// "Parallel random numbers: as easy as 1, 2, 3", SC'11), bit-compatible with
// Random123's philox4x32 (10 rounds).
//
// Stream layout used everywhere in levysgd (CPU and the later CUDA headers):
//   key     = (seed & 0xffffffff, seed >> 32)
//   counter = (block & 0xffffffff, block >> 32, stream & 0xffffffff, stream >> 32)
// so (seed, stream, block) names 128 random bits and nothing else does; the
// values never depend on threads, SIMD width or how a range is chunked.
//
// Host/device core: no xsimd, Eigen, iostreams, exceptions or allocation. The
// standard engine over it, philox4x32, is in random/philox.hpp.

#include <cstddef>
#include <cstdint>

#include "../config.hpp"

namespace levysgd::core {

/// N 32-bit words; an aggregate usable in host and device code (std::array's
/// members are not __device__ without nvcc's --expt-relaxed-constexpr).
template <std::size_t N> struct u32_words {
    std::uint32_t v[N];
    LEVYSGD_HOST_DEVICE constexpr std::uint32_t &operator[](std::size_t i) noexcept { return v[i]; }
    LEVYSGD_HOST_DEVICE constexpr const std::uint32_t &operator[](std::size_t i) const noexcept {
        return v[i];
    }
    static constexpr std::size_t size() noexcept { return N; }
    friend constexpr bool operator==(const u32_words &a, const u32_words &b) noexcept {
        for (std::size_t i = 0; i < N; ++i)
            if (a.v[i] != b.v[i])
                return false;
        return true;
    }
};

/// Four 32-bit words: one Philox counter, or one output block.
using philox_block = u32_words<4>;
/// The 64-bit Philox4x32 key.
using philox_key = u32_words<2>;

inline constexpr std::uint32_t philox_m0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w0 = 0x9E3779B9u; // golden ratio
inline constexpr std::uint32_t philox_w1 = 0xBB67AE85u; // sqrt(3) - 1

LEVYSGD_HOST_DEVICE LEVYSGD_INLINE constexpr void
mulhilo32(std::uint32_t a, std::uint32_t b, std::uint32_t &hi, std::uint32_t &lo) noexcept {
    const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
    hi = static_cast<std::uint32_t>(p >> 32);
    lo = static_cast<std::uint32_t>(p);
}

/// The stateless Philox4x32-10 bijection: (counter, key) -> 128 random bits.
LEVYSGD_HOST_DEVICE constexpr philox_block philox4x32_10(philox_block ctr,
                                                         philox_key key) noexcept {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            key[0] += philox_w0;
            key[1] += philox_w1;
        }
        std::uint32_t hi0 = 0, lo0 = 0, hi1 = 0, lo1 = 0;
        mulhilo32(philox_m0, ctr[0], hi0, lo0);
        mulhilo32(philox_m1, ctr[2], hi1, lo1);
        ctr = {hi1 ^ ctr[1] ^ key[0], lo1, hi0 ^ ctr[3] ^ key[1], lo0};
    }
    return ctr;
}

/// levysgd's key for a 64-bit seed.
LEVYSGD_HOST_DEVICE constexpr philox_key philox_seed_key(std::uint64_t seed) noexcept {
    return {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)};
}

/// levysgd's counter for (stream, block).
LEVYSGD_HOST_DEVICE constexpr philox_block philox_counter(std::uint64_t stream,
                                                          std::uint64_t block) noexcept {
    return {static_cast<std::uint32_t>(block), static_cast<std::uint32_t>(block >> 32),
            static_cast<std::uint32_t>(stream), static_cast<std::uint32_t>(stream >> 32)};
}

/// The 128 bits of block `block` of stream (seed, stream).
LEVYSGD_HOST_DEVICE constexpr philox_block philox_bits(std::uint64_t seed, std::uint64_t stream,
                                                       std::uint64_t block) noexcept {
    return philox4x32_10(philox_counter(stream, block), philox_seed_key(seed));
}

/// A 64-bit seed derived from `seed` for independent component k of a
/// compound random source (noise mixtures, second minibatches, injected
/// noise, epoch permutations): block k of stream 2^64 - 1 of `seed`, a stream
/// that levysgd reserves for this purpose.
LEVYSGD_HOST_DEVICE constexpr std::uint64_t derived_seed(std::uint64_t seed,
                                                         std::uint64_t k) noexcept {
    const philox_block b = philox_bits(seed, ~std::uint64_t{0}, k);
    return (std::uint64_t{b[1]} << 32) | b[0];
}

} // namespace levysgd::core

namespace levysgd { // the public names
using core::philox4x32_10;
using core::philox_bits;
using core::philox_block;
using core::philox_counter;
using core::philox_key;
using core::philox_seed_key;
using core::u32_words;
} // namespace levysgd

namespace levysgd::detail { // the names the rest of levysgd uses
using core::derived_seed;
using core::mulhilo32;
using core::philox_m0;
using core::philox_m1;
using core::philox_w0;
using core::philox_w1;
} // namespace levysgd::detail

