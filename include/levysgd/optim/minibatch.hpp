#pragma once
// Reproducible minibatch sampling over N training samples from a Philox
// stream (seed, stream): with replacement (i.i.d. indices) or without
// (epochs: each epoch is a fresh uniform permutation of 0..N-1, and
// minibatches are consecutive slices of the endless sequence of epochs, so
// every index appears exactly once per epoch; with B dividing N each
// minibatch lies inside one epoch). The indices depend only on (seed, stream,
// position), never on threads or on how the caller consumes them.
//
// Random integers in [0, n): Lemire's multiply-shift with rejection (unbiased)
// on the 64-bit words of Philox blocks (word 0, and word 1 if word 0 is
// rejected, which happens with probability < n / 2^64). With replacement,
// index i uses block i of (seed, stream) (the next block on a double
// rejection); the permutation of epoch e is Fisher-Yates driven by blocks
// 0, 1, ... of (derived_seed(seed, e + 1), stream), so epochs never share
// random numbers.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "../detail/scalar_math.hpp"
#include "../detail/validate.hpp"
#include "../random/philox.hpp"

namespace levysgd {

enum class sampling { with_replacement, without_replacement };

namespace detail {
/// Uniform integer in [0, n), n >= 1, from the 64-bit words of Philox blocks
/// (block, block + 1, ... of the stream as needed; `block` is advanced).
inline std::uint64_t bounded_index(std::uint64_t seed, std::uint64_t stream, std::uint64_t &block,
                                   std::uint64_t n) noexcept {
    while (true) {
        const philox_block b = philox_bits(seed, stream, block++);
        for (int h = 0; h < 2; ++h) {
            const std::uint64_t x = (std::uint64_t{b[2 * h + 1]} << 32) | b[2 * h];
            // x * n = hi * 2^64 + lo; reject lo < 2^64 mod n (Lemire 2019).
            const std::uint64_t lo = x * n;
            if (lo >= n || lo >= (0 - n) % n)
                return mulhi64(x, n);
        }
    }
}
} // namespace detail

/// Minibatches of size B over N samples (see the header comment).
class minibatch_sampler {
  public:
    minibatch_sampler(std::size_t n, std::size_t batch, sampling mode, std::uint64_t seed,
                      std::uint64_t stream = 0)
        : n_(n), b_(checked_batch(n, batch, mode)), mode_(mode), seed_(seed), stream_(stream),
          out_(batch) {}

    /// The next minibatch (valid until the next call).
    std::span<const std::size_t> next() {
        for (std::size_t j = 0; j < b_; ++j)
            out_[j] = next_index();
        ++batches_;
        return out_;
    }
    std::size_t samples() const noexcept { return n_; }
    std::size_t batch_size() const noexcept { return b_; }
    sampling mode() const noexcept { return mode_; }
    /// Minibatches drawn so far.
    std::uint64_t batches() const noexcept { return batches_; }
    /// Completed epochs (without replacement; with replacement: indices drawn / N).
    std::uint64_t epoch() const noexcept { return drawn_ / n_; }

  private:
    // Runs before out_(batch) allocates (a batch of 2^64 - 1 was a length_error).
    static std::size_t checked_batch(std::size_t n, std::size_t batch, sampling mode) {
        constexpr std::string_view where = "levysgd::minibatch_sampler";
        if (n == 0)
            detail::throw_invalid(where, "n", n, "must be >= 1");
        if (batch == 0 || batch > n)
            detail::throw_invalid(where, "batch", batch,
                                  "must be in [1, n] with n = " + std::to_string(n));
        if (n >= (std::size_t{1} << 32) && mode == sampling::without_replacement)
            detail::throw_invalid(where, "n", n, "must be < 2^32 without replacement");
        return batch;
    }

    std::size_t next_index() {
        const std::uint64_t i = drawn_++;
        if (mode_ == sampling::with_replacement) {
            std::uint64_t blk = block_;
            const auto r = detail::bounded_index(seed_, stream_, blk, n_);
            block_ = blk;
            return static_cast<std::size_t>(r);
        }
        const std::uint64_t e = i / n_, pos = i % n_;
        if (pos == 0 || e != perm_epoch_)
            make_permutation(e);
        return perm_[pos];
    }
    void make_permutation(std::uint64_t e) {
        perm_.resize(n_);
        for (std::size_t j = 0; j < n_; ++j)
            perm_[j] = j;
        const std::uint64_t key = detail::derived_seed(seed_, e + 1);
        std::uint64_t blk = 0;
        for (std::size_t j = n_ - 1; j > 0; --j) {
            const auto r =
                static_cast<std::size_t>(detail::bounded_index(key, stream_, blk, j + 1));
            std::swap(perm_[j], perm_[r]);
        }
        perm_epoch_ = e;
    }

    std::size_t n_, b_;
    sampling mode_;
    std::uint64_t seed_, stream_;
    std::vector<std::size_t> out_, perm_;
    std::uint64_t drawn_ = 0, block_ = 0, batches_ = 0;
    std::uint64_t perm_epoch_ = ~std::uint64_t{0};
};

} // namespace levysgd
