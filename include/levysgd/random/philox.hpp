#pragma once
// philox4x32: Philox4x32-10 (Salmon et al. 2011) as a standard random engine
// over the stateless (counter, key) -> bits function of core/philox.hpp,
// bit-compatible with Random123's philox4x32 (10 rounds). The stream layout
// (key = seed, counter = (block, stream)) is documented there.

#include <cstddef>
#include <cstdint>
#include <ios>
#include <istream>
#include <ostream>

#include "../config.hpp"
#include "../core/philox.hpp"

namespace levysgd {

/// Philox4x32-10 as a standard engine (std::uniform_random_bit_generator).
///
/// `philox4x32 eng(seed, stream)` yields the words of blocks 0, 1, 2, ... of
/// (seed, stream), each block's four words in order: 2^64 words (the first
/// 2^62 blocks) per stream, 2^64 streams per seed; `discard` and
/// `set_position` are O(1). The state is (key, stream, position): two
/// engines with the same state are equal and yield the same words, and
/// `os << eng` / `is >> eng` write and read it exactly.
class philox4x32 {
  public:
    using result_type = std::uint32_t;
    static constexpr std::uint64_t default_seed = 0;

    LEVYSGD_HOST_DEVICE constexpr philox4x32() noexcept : philox4x32(default_seed, 0) {}
    LEVYSGD_HOST_DEVICE constexpr explicit philox4x32(std::uint64_t seed,
                                                      std::uint64_t stream = 0) noexcept
        : seed_(seed), stream_(stream), key_(philox_seed_key(seed)) {}

    /// Re-seed: the state of philox4x32(s, stream), at word 0.
    LEVYSGD_HOST_DEVICE constexpr void seed(std::uint64_t s = default_seed,
                                            std::uint64_t stream = 0) noexcept {
        *this = philox4x32(s, stream);
    }

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

    /// Switch to stream `s` of the same key, at word 0.
    LEVYSGD_HOST_DEVICE constexpr void stream(std::uint64_t s) noexcept {
        stream_ = s;
        pos_ = 0;
        valid_ = false;
    }

    LEVYSGD_HOST_DEVICE constexpr std::uint64_t position() const noexcept { return pos_; }
    /// The 64-bit seed, i.e. the Philox key (key[0] = low word, key[1] = high).
    LEVYSGD_HOST_DEVICE constexpr std::uint64_t key() const noexcept { return seed_; }
    LEVYSGD_HOST_DEVICE constexpr std::uint64_t stream() const noexcept { return stream_; }

    friend constexpr bool operator==(const philox4x32 &a, const philox4x32 &b) noexcept {
        return a.seed_ == b.seed_ && a.stream_ == b.stream_ && a.pos_ == b.pos_;
    }

    /// Writes "key stream position" in decimal (the stream's flags are kept).
    template <class CharT, class Traits>
    friend std::basic_ostream<CharT, Traits> &operator<<(std::basic_ostream<CharT, Traits> &os,
                                                         const philox4x32 &e) {
        const auto flags = os.flags(std::ios_base::dec);
        const CharT space = os.widen(' ');
        os << e.seed_ << space << e.stream_ << space << e.pos_;
        os.flags(flags);
        return os;
    }
    /// Reads what operator<< wrote; on failure `e` is unchanged (failbit set).
    template <class CharT, class Traits>
    friend std::basic_istream<CharT, Traits> &operator>>(std::basic_istream<CharT, Traits> &is,
                                                         philox4x32 &e) {
        const auto flags = is.flags(std::ios_base::dec | std::ios_base::skipws);
        std::uint64_t k = 0, s = 0, p = 0;
        if (is >> k >> s >> p) {
            philox4x32 r(k, s);
            r.set_position(p);
            e = r;
        }
        is.flags(flags);
        return is;
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
