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
// Host/device core: no xsimd, Eigen, exceptions or allocation.

#include <cstddef>
#include <cstdint>

#include "../config.hpp"

namespace levysgd {

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

namespace detail {
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
} // namespace detail

/// The stateless Philox4x32-10 bijection: (counter, key) -> 128 random bits.
LEVYSGD_HOST_DEVICE constexpr philox_block philox4x32_10(philox_block ctr,
                                                         philox_key key) noexcept {
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            key[0] += detail::philox_w0;
            key[1] += detail::philox_w1;
        }
        std::uint32_t hi0 = 0, lo0 = 0, hi1 = 0, lo1 = 0;
        detail::mulhilo32(detail::philox_m0, ctr[0], hi0, lo0);
        detail::mulhilo32(detail::philox_m1, ctr[2], hi1, lo1);
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

namespace detail {
/// A 64-bit seed derived from `seed` for independent component k of a
/// compound random source (noise mixtures, second minibatches, injected
/// noise, epoch permutations): block k of stream 2^64 - 1 of `seed`, a stream
/// that levysgd reserves for this purpose.
LEVYSGD_HOST_DEVICE constexpr std::uint64_t derived_seed(std::uint64_t seed,
                                                         std::uint64_t k) noexcept {
    const philox_block b = philox_bits(seed, ~std::uint64_t{0}, k);
    return (std::uint64_t{b[1]} << 32) | b[0];
}
} // namespace detail

/// Philox4x32-10 as a standard engine (std::uniform_random_bit_generator).
///
/// `philox4x32 eng(seed, stream)` yields the words of blocks 0, 1, 2, ... of
/// (seed, stream), each block's four words in order: 2^64 words (the first
/// 2^62 blocks) per stream, 2^64 streams per seed; `discard` and
/// `set_position` are O(1).
class philox4x32 {
  public:
    using result_type = std::uint32_t;

    LEVYSGD_HOST_DEVICE constexpr philox4x32() noexcept : philox4x32(0, 0) {}
    LEVYSGD_HOST_DEVICE constexpr explicit philox4x32(std::uint64_t seed,
                                                      std::uint64_t stream = 0) noexcept
        : seed_(seed), stream_(stream), key_(philox_seed_key(seed)) {}

    LEVYSGD_HOST_DEVICE static constexpr result_type min() noexcept { return 0; }
    LEVYSGD_HOST_DEVICE static constexpr result_type max() noexcept { return 0xFFFFFFFFu; }

    LEVYSGD_HOST_DEVICE constexpr result_type operator()() noexcept {
        const unsigned w = static_cast<unsigned>(pos_ & 3u);
        if (w == 0 || !valid_) {
            out_ = philox4x32_10(philox_counter(stream_, pos_ >> 2), key_);
            valid_ = true;
        }
        ++pos_;
        return out_[w];
    }

    /// Skip `n` words in O(1). Positions wrap modulo 2^64 words.
    LEVYSGD_HOST_DEVICE constexpr void discard(unsigned long long n) noexcept {
        set_position(pos_ + n);
    }

    /// Jump to word `word` of the stream (block word/4, word word%4).
    LEVYSGD_HOST_DEVICE constexpr void set_position(std::uint64_t word) noexcept {
        const bool same_block = valid_ && ((word - 1) >> 2) == ((pos_ - 1) >> 2);
        pos_ = word;
        valid_ = same_block;
    }

    LEVYSGD_HOST_DEVICE constexpr std::uint64_t position() const noexcept { return pos_; }
    LEVYSGD_HOST_DEVICE constexpr std::uint64_t seed() const noexcept { return seed_; }
    LEVYSGD_HOST_DEVICE constexpr std::uint64_t stream() const noexcept { return stream_; }

    friend constexpr bool operator==(const philox4x32 &a, const philox4x32 &b) noexcept {
        return a.seed_ == b.seed_ && a.stream_ == b.stream_ && a.pos_ == b.pos_;
    }

  private:
    std::uint64_t seed_;
    std::uint64_t stream_;
    philox_key key_;
    std::uint64_t pos_ = 0; // next word index within the stream
    philox_block out_{};    // cached block pos_ / 4 when valid_
    bool valid_ = false;
};

} // namespace levysgd
