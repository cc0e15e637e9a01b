#pragma once
// What the Mohammadi estimator's CPU (tail/mohammadi.hpp) and CUDA
// (cuda/tail.hpp) paths share, without xsimd: options and result, the K1
// rule of Simsekli et al. 2019, the overflow-free block sum, the running sums
// and eq. (15) from them. The sums are host/device (LEVYSGD_HOST_DEVICE).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <string>
#include <string_view>
#include <utility>

#include "../config.hpp"
#include "../detail/validate.hpp"

namespace levysgd {

/// What to do with values whose log|x| is undefined (0, NaN, +-inf).
enum class bad_value_policy {
    throw_error, ///< std::invalid_argument with the count and the first index (default)
    skip         ///< leave them out; the rest forms the blocks in order, counts reported
};

struct tail_index_options {
    /// Block length K1. 0 = the rule of Simsekli et al. 2019: the divisor
    /// of K closest to sqrt(K), if it lies in [sqrt(K)/2, 2 sqrt(K)]; otherwise
    /// (K prime, or with no divisor near sqrt(K)) K1 = floor(sqrt(K)) and the
    /// last K mod K1 values are dropped (reported in n_dropped).
    std::size_t k1 = 0;
    bad_value_policy bad_values = bad_value_policy::throw_error;
    /// Worker threads for the one-shot call: 0 (the default) = all hardware
    /// threads. The result is bitwise the same for every thread count.
    unsigned threads = 0;
};

struct tail_index_result {
    double alpha = 0;     ///< 1 / inv_alpha; +inf when inv_alpha <= 0 (lighter than any stable law)
    double inv_alpha = 0; ///< the estimate of 1/alpha, eq. (15)
    std::size_t k1 = 0;   ///< block length K1
    std::size_t k2 = 0;   ///< number of blocks K2
    std::size_t n_used = 0;    ///< K = K1 K2 values used
    std::size_t n_dropped = 0; ///< good values left over after the last full block
    std::size_t n_bad = 0;     ///< values skipped as 0 / NaN / inf (policy skip)
};


namespace detail {

/// Whether log|v| is defined: v finite and nonzero (v - v is 0 exactly for
/// finite v; a host/device test without <cmath>'s isfinite).
LEVYSGD_HOST_DEVICE inline bool usable_for_log(double v) noexcept { return v != 0 && v - v == 0; }

inline void check_policy(std::string_view where, bad_value_policy p) {
    if (p != bad_value_policy::throw_error && p != bad_value_policy::skip)
        throw_invalid(where, "bad_values", static_cast<int>(p),
                      "must be bad_value_policy::throw_error or ::skip");
}

/// K1 by the rule documented at tail_index_options::k1; returns {k1, k2}.
inline std::pair<std::size_t, std::size_t> mohammadi_blocks(std::size_t k) noexcept {
    const auto r = static_cast<std::size_t>(std::sqrt(double(k)));
    std::size_t lo = 1;
    for (std::size_t d = std::max<std::size_t>(r, 1); d >= 1; --d)
        if (k % d == 0) {
            lo = d;
            break;
        }
    const std::size_t hi = k / lo; // smallest divisor >= sqrt(K)
    const double s = std::sqrt(double(k));
    std::size_t best = (s - double(lo) <= double(hi) - s) ? lo : hi;
    if (double(best) < s / 2 || double(best) > 2 * s)
        best = std::max<std::size_t>(r, 1);
    return {best, k / best};
}

/// K1 for n usable values (or rows): opt_k1, or the rule above when 0;
/// refused unless 2 <= K1 <= n/2 ("n_name" names n in the message).
inline std::size_t checked_k1(std::string_view where, std::size_t opt_k1, std::size_t n,
                              std::string_view n_name) {
    const std::size_t k1 = opt_k1 == 0 ? mohammadi_blocks(n).first : opt_k1;
    if (k1 < 2 || k1 > n / 2)
        throw_invalid(where, "k1", k1,
                      "must be in [2, " + std::string(n_name) + "/2] with " +
                          std::string(n_name) + " = " + std::to_string(n));
    return k1;
}

/// A block sum Y of finite doubles that cannot overflow: the plain sum, and
/// beside it the sum of x 2^-64, which stands in once the plain one is not
/// finite (|Y| <= k1 DBL_MAX needs log2 k1 < 64 more exponent bits). x 2^-64
/// is exact for |x| >= 2^-958, and the scaled sum is only used when |Y| is
/// near DBL_MAX, so what it rounds away is below 2^-1000 |Y|.
struct block_sum {
    double plain = 0, scaled = 0;
    block_sum() = default;
    LEVYSGD_HOST_DEVICE explicit block_sum(double y) noexcept : plain(y), scaled(y * 0x1p-64) {}
    LEVYSGD_HOST_DEVICE void add(double v) noexcept {
        plain += v;
        scaled += v * 0x1p-64;
    }
    /// The sum of two runs' sums (the device's tree reduction).
    LEVYSGD_HOST_DEVICE void merge(const block_sum &o) noexcept {
        plain += o.plain;
        scaled += o.scaled;
    }
    /// log|Y|, or NaN when Y = 0.
    LEVYSGD_HOST_DEVICE double log_abs() const noexcept {
        using std::fabs;
        using std::log;
        if (plain - plain == 0) // finite
            return plain != 0 ? log(fabs(plain)) : __builtin_nan("");
        return scaled != 0 ? log(fabs(scaled)) + 64 * std::numbers::ln2 : __builtin_nan("");
    }
};

/// Sums for a run of values: sum log|x| and the block bookkeeping.
struct mohammadi_sums {
    double sum_log_x = 0; // over values in completed blocks
    double sum_log_y = 0; // over completed blocks
    std::size_t blocks = 0;
    LEVYSGD_HOST_DEVICE void merge(const mohammadi_sums &o) noexcept {
        sum_log_x += o.sum_log_x;
        sum_log_y += o.sum_log_y;
        blocks += o.blocks;
    }
};

/// The error for `count` values whose log|x| is undefined, the first one,
/// `value`, at index `first`.
template <class Real>
[[noreturn]] void throw_bad_values(std::string_view where, std::size_t count, std::size_t first,
                                   Real value) {
    throw_invalid(where, "x",
                  std::to_string(count) + " value(s), the first at index " +
                      std::to_string(first) + ": " + to_text(value),
                  "must contain no 0, NaN or infinite values (log|x| undefined; "
                  "bad_value_policy::skip leaves them out)");
}

[[noreturn]] inline void throw_zero_block(std::string_view where, std::size_t first,
                                          std::size_t last) {
    throw_invalid(where, "x",
                  "the block of values at indices " + std::to_string(first) + " to " +
                      std::to_string(last),
                  "must have no block summing to 0 (log|Y| undefined; bad_value_policy::skip "
                  "drops such blocks)");
}

/// Eq. (15) from the sums; throws (naming `where`) for fewer than two blocks.
inline tail_index_result mohammadi_finish(std::string_view where, const mohammadi_sums &s,
                                          std::size_t k1, std::size_t dropped, std::size_t bad) {
    if (s.blocks < 2)
        throw_invalid(where, "number of usable blocks", s.blocks,
                      "must be >= 2 (k1 = " + std::to_string(k1) +
                          "; blocks summing to 0 are dropped under bad_value_policy::skip)");
    tail_index_result r;
    r.k1 = k1;
    r.k2 = s.blocks;
    r.n_used = k1 * s.blocks;
    r.n_dropped = dropped;
    r.n_bad = bad;
    r.inv_alpha =
        (s.sum_log_y / double(s.blocks) - s.sum_log_x / double(r.n_used)) / std::log(double(k1));
    r.alpha = r.inv_alpha > 0 ? 1.0 / r.inv_alpha : std::numeric_limits<double>::infinity();
    return r;
}

} // namespace detail
} // namespace levysgd
