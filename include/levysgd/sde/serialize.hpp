#pragma once
// Byte-level serialization of study results: byte_writer / byte_reader
// (little-endian, fixed-width integers, IEEE floats by bit pattern, so a
// value read back is bitwise the value written), the FNV-1a 64 checksum of
// the study files, the error they raise (study_file_error), and the
// SavableObserver concept: an observer whose block results can be written
// and read back, which is what shards, checkpoints and MPI ranks exchange
// (sde/study.hpp; the format is on docs/scale-out.md).

#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace levysgd {

/// A study file (shard, checkpoint, MPI message) that cannot be used: the
/// message names the file and what is wrong with it (truncated, checksum,
/// format or library version, which identity field differs). Derives from
/// std::invalid_argument: the file is a bad input of the call.
class study_file_error : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

/// FNV-1a 64-bit hash of bytes, continuing from h (offset basis
/// 0xcbf29ce484222325, prime 0x100000001b3).
constexpr std::uint64_t fnv1a64(const unsigned char *p, std::size_t n,
                                std::uint64_t h = 0xcbf29ce484222325ull) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/// Appends values to a byte buffer in little-endian order.
class byte_writer {
  public:
    /// An integer, enum, bool or floating-point value (floats by bit pattern).
    template <class T>
    requires(std::is_arithmetic_v<T> || std::is_enum_v<T>) void put(T v) {
        if constexpr (std::is_enum_v<T>) {
            put(static_cast<std::underlying_type_t<T>>(v));
        } else if constexpr (std::is_same_v<T, bool>) {
            put(static_cast<std::uint8_t>(v ? 1 : 0));
        } else if constexpr (std::is_floating_point_v<T>) {
            static_assert(sizeof(T) == 4 || sizeof(T) == 8, "float or double");
            using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
            put(std::bit_cast<U>(v));
        } else {
            using U = std::make_unsigned_t<T>;
            const U u = static_cast<U>(v);
            for (std::size_t i = 0; i < sizeof(T); ++i)
                bytes_.push_back(static_cast<unsigned char>((u >> (8 * i)) & 0xffu));
        }
    }
    /// A size as u64.
    void put_size(std::size_t n) { put(static_cast<std::uint64_t>(n)); }
    /// A string: u32 length, then its bytes.
    void put_string(std::string_view s) {
        put(static_cast<std::uint32_t>(s.size()));
        bytes_.insert(bytes_.end(), s.begin(), s.end());
    }
    /// A vector of numbers: u64 count, then the values.
    template <class T> void put_vector(const std::vector<T> &v) {
        put_size(v.size());
        for (const T &x : v)
            put(x);
    }
    void put_bytes(const unsigned char *p, std::size_t n) { bytes_.insert(bytes_.end(), p, p + n); }

    const std::vector<unsigned char> &bytes() const noexcept { return bytes_; }
    std::vector<unsigned char> &bytes() noexcept { return bytes_; }
    std::size_t size() const noexcept { return bytes_.size(); }

  private:
    std::vector<unsigned char> bytes_;
};

/// Reads what a byte_writer wrote; reading past the end throws
/// study_file_error ("truncated").
class byte_reader {
  public:
    byte_reader(const unsigned char *p, std::size_t n) noexcept : p_(p), n_(n) {}

    template <class T>
    requires(std::is_arithmetic_v<T> || std::is_enum_v<T>) T get() {
        if constexpr (std::is_enum_v<T>) {
            return static_cast<T>(get<std::underlying_type_t<T>>());
        } else if constexpr (std::is_same_v<T, bool>) {
            const auto b = get<std::uint8_t>();
            if (b > 1)
                throw study_file_error("a boolean byte is " + std::to_string(b) + " (corrupted)");
            return b == 1;
        } else if constexpr (std::is_floating_point_v<T>) {
            using U = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
            return std::bit_cast<T>(get<U>());
        } else {
            need(sizeof(T));
            using U = std::make_unsigned_t<T>;
            U u = 0;
            for (std::size_t i = 0; i < sizeof(T); ++i)
                u = static_cast<U>(u | (static_cast<U>(p_[pos_ + i]) << (8 * i)));
            pos_ += sizeof(T);
            return static_cast<T>(u);
        }
    }
    /// A size written by put_size; more than `limit` is refused as corrupted.
    std::size_t get_size(std::size_t limit = ~std::size_t(0)) {
        const auto v = get<std::uint64_t>();
        if (v > limit)
            throw study_file_error("a count of " + std::to_string(v) + " exceeds " +
                                   std::to_string(limit) + " (corrupted)");
        return static_cast<std::size_t>(v);
    }
    std::string get_string() {
        const auto len = get<std::uint32_t>();
        need(len);
        std::string s(reinterpret_cast<const char *>(p_ + pos_), len);
        pos_ += len;
        return s;
    }
    template <class T> std::vector<T> get_vector() {
        const std::size_t n = get_size(remaining() / sizeof(T));
        std::vector<T> v(n);
        for (auto &x : v)
            x = get<T>();
        return v;
    }
    std::size_t position() const noexcept { return pos_; }
    std::size_t remaining() const noexcept { return n_ - pos_; }
    void skip(std::size_t n) {
        need(n);
        pos_ += n;
    }

  private:
    void need(std::size_t k) const {
        if (k > n_ - pos_)
            throw study_file_error("truncated: " + std::to_string(k) + " more bytes needed at offset " +
                                   std::to_string(pos_) + " of " + std::to_string(n_));
    }
    const unsigned char *p_;
    std::size_t n_, pos_ = 0;
};

/// An observer whose block results can be saved and loaded: what crosses a
/// shard file, a checkpoint or an MPI rank. load(save(r)) must give back r
/// bitwise (merging the loaded results must give what merging the originals
/// gives). The built-in observers (escape_observer, transition_observer,
/// final_state_observer) implement it; a user observer opts in with
///   void save(levysgd::byte_writer &, const result_type &) const;
///   result_type load(levysgd::byte_reader &) const;
template <class O>
concept SavableObserver = requires(const O &o, byte_writer &w, byte_reader &r,
                                   const typename O::result_type &res) {
    o.save(w, res);
    { o.load(r) } -> std::convertible_to<typename O::result_type>;
};

} // namespace levysgd
