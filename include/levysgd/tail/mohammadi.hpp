#pragma once
// The tail-index estimator of Mohammadi, Mohammadpour & Ogata (2015) as used
// by 003_612c5dc84b231738.txt, eq. (15): for X_1..X_K with K = K1 K2 and block
// sums Y_i = X_{(i-1)K1+1} + ... + X_{i K1},
//     1/alpha = ( mean_i log|Y_i| - mean_j log|X_j| ) / log K1.
// It needs no scale (alpha-hat is invariant to X -> c X) and is a single pass:
// the block sums and both log means are accumulated as the data streams by.
//
// Provides mohammadi_tail_index() (one shot, SIMD, optionally threaded) and
// mohammadi_accumulator (streaming, O(1) state, never copies the data); both
// give the same estimate to rounding.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <numbers>
#include <ranges>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../detail/fast_math.hpp"
#include "../detail/parallel.hpp"
#include "../detail/simd_bits.hpp"
#include "../detail/validate.hpp"

namespace levysgd {

/// What to do with values whose log|x| is undefined (0, NaN, +-inf).
enum class bad_value_policy {
    throw_error, ///< std::invalid_argument with the count and the first index (default)
    skip         ///< leave them out; the rest forms the blocks in order, counts reported
};

struct tail_index_options {
    /// Block length K1. 0 = the rule of 003_612c5dc84b231738.txt: the divisor
    /// of K closest to sqrt(K), if it lies in [sqrt(K)/2, 2 sqrt(K)]; otherwise
    /// (K prime, or with no divisor near sqrt(K)) K1 = floor(sqrt(K)) and the
    /// last K mod K1 values are dropped (reported in n_dropped).
    std::size_t k1 = 0;
    bad_value_policy bad_values = bad_value_policy::throw_error;
    /// Worker threads for the one-shot call (0 = all). Results agree to rounding.
    unsigned threads = 1;
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

inline bool usable_for_log(double v) noexcept { return v != 0 && std::isfinite(v); }

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

/// Sums for a run of values: sum log|x| and the block bookkeeping.
struct mohammadi_sums {
    double sum_log_x = 0; // over values in completed blocks and the open block
    double sum_log_y = 0; // over completed blocks
    std::size_t blocks = 0;
    void merge(const mohammadi_sums &o) noexcept {
        sum_log_x += o.sum_log_x;
        sum_log_y += o.sum_log_y;
        blocks += o.blocks;
    }
};

/// Finishes a block in scalar code from value j on, given the partial block
/// sum y and log sum ls of values [0, j), and commits it to s. False, adding
/// nothing, if a value is 0/NaN/inf or the block sum is 0 or not finite.
/// std::log handles subnormals, so j = 0 is the scalar path for a whole block.
template <class Real>
bool mohammadi_block_finish(const Real *p, std::size_t j, std::size_t k1, double y, double ls,
                            mohammadi_sums &s) noexcept {
    for (; j < k1; ++j) {
        const double v = double(p[j]);
        if (!usable_for_log(v))
            return false;
        y += v;
        ls += std::log(std::fabs(v));
    }
    if (!usable_for_log(y))
        return false;
    s.sum_log_x += ls;
    s.sum_log_y += std::log(std::fabs(y));
    ++s.blocks;
    return true;
}

/// One full block of k1 values starting at p: adds log|Y| and the log|X|
/// sum; false (adding nothing) as mohammadi_block_finish.
///
/// sum log|x| is computed without a log per value: with x = 2^e m, m in
/// [1, 2), it is ln2 (sum e - bias n) + log(prod m), where the mantissa
/// product is renormalised every R factors (R = 512 for double, 64 for float,
/// so it stays below 2^R) and only those renormalised products need a log.
/// That makes the pass a few integer and one multiply per value, i.e. close
/// to memory speed. Lanes with exponent field 0 (zero, subnormal) or all ones
/// (inf, NaN) send the block to the scalar path.
template <class Real>
bool mohammadi_block(const Real *p, std::size_t k1, mohammadi_sums &s) noexcept {
    using B = xsimd::batch<Real>;
    using C = fast_math_constants<Real>;
    using uint = typename C::uint;
    using U = xsimd::batch<uint>;
    constexpr std::size_t W = B::size;
    constexpr std::size_t renorm = std::is_same_v<Real, float> ? 64 : 512;
    constexpr uint exp_field = std::is_same_v<Real, float> ? 0xFFu : 0x7FFu;
    const U mant_mask(C::mant_mask), one_bits(C::exp_mask_one), field(exp_field), zero_u(uint(0));
    B sum(Real(0)), prod(Real(1));
    U esum(uint(0));
    auto special = zero_u != zero_u; // all false
    std::size_t j = 0, it = 0;
    double ls = 0;
    for (; j + W <= k1; j += W) {
        const B x = B::load_unaligned(p + j);
        sum += x;
        const U bits = xsimd::bitwise_cast<U>(x);
        const U e = (bits >> C::mant_bits) & field;
        special = special | (e == zero_u) | (e == field);
        esum += e;
        prod *= xsimd::bitwise_cast<B>((bits & mant_mask) | one_bits);
        if (++it % renorm == 0) {
            const U pb = xsimd::bitwise_cast<U>(prod);
            esum += ((pb >> C::mant_bits) & field) - U(static_cast<uint>(C::bias));
            prod = xsimd::bitwise_cast<B>((pb & mant_mask) | one_bits);
        }
    }
    if (xsimd::any(special))
        return mohammadi_block_finish(p, 0, k1, 0.0, 0.0, s);
    alignas(64) uint e_lanes[W];
    esum.store_aligned(e_lanes);
    double e_total = 0;
    for (std::size_t l = 0; l < W; ++l)
        e_total += double(e_lanes[l]);
    ls = std::numbers::ln2 * (e_total - double(C::bias) * double(j)) +
         double(xsimd::hadd(xsimd::log(xsimd::batch<Real>(prod))));
    return mohammadi_block_finish(p, j, k1, double(xsimd::hadd(sum)), ls, s);
}

template <class Real>
[[noreturn]] void throw_bad_values(std::string_view where, std::span<const Real> x,
                                   std::size_t offset) {
    std::size_t count = 0, first = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!usable_for_log(double(x[i])) && count++ == 0)
            first = i;
    std::ostringstream os;
    if (count == 0) {
        os << where
           << ": a block sum is 0 or not finite (log|Y| undefined); use "
              "bad_value_policy::skip to drop such blocks";
    } else {
        os << where << ": " << count << " value(s) are 0, NaN or infinite (log|x| undefined), "
           << "the first at index " << (offset + first) << " (value " << x[first]
           << "); use bad_value_policy::skip to leave them out";
    }
    throw std::invalid_argument(os.str());
}

} // namespace detail

/// Streaming form of eq. (15) with a fixed block length k1 >= 2: feed the
/// values in order, in chunks of any size (e.g. gradient noise as training
/// runs); the state is a running block sum and three totals, never a copy.
/// result() equals mohammadi_tail_index(all values, {.k1 = k1}) to rounding.
template <class Real> class mohammadi_accumulator {
    static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>);

  public:
    explicit mohammadi_accumulator(std::size_t k1,
                                   bad_value_policy policy = bad_value_policy::throw_error)
        : k1_(k1), policy_(policy) {
        if (k1 < 2)
            detail::throw_invalid("levysgd::mohammadi_accumulator", "k1", k1, "must be >= 2");
    }

    /// Adds values in order. Under throw_error a bad value throws (the
    /// accumulator keeps everything before the chunk).
    void add(std::span<const Real> x) {
        if (policy_ == bad_value_policy::throw_error)
            for (std::size_t i = 0; i < x.size(); ++i)
                if (!detail::usable_for_log(double(x[i])))
                    detail::throw_bad_values("levysgd::mohammadi_accumulator::add", x, seen_);
        std::size_t p = 0;
        while (p < x.size()) {
            if (open_count_ == 0 && x.size() - p >= k1_) {
                detail::mohammadi_sums s;
                if (detail::mohammadi_block(x.data() + p, k1_, s)) {
                    sums_.merge(s);
                    p += k1_;
                    continue;
                }
            }
            add_one(x[p++]);
        }
        seen_ += x.size();
    }

    /// The estimate from the completed blocks (values of an unfinished last
    /// block are reported as n_dropped). Throws if fewer than two blocks.
    tail_index_result result() const {
        if (sums_.blocks < 2)
            detail::throw_invalid("levysgd::mohammadi_accumulator::result", "completed blocks",
                                  sums_.blocks, "must be >= 2 (feed at least 2 k1 values)");
        return finish(sums_, k1_, open_count_, n_bad_);
    }

    std::size_t k1() const noexcept { return k1_; }

    /// Internal: turn sums into the result (shared with the one-shot call).
    static tail_index_result finish(const detail::mohammadi_sums &s, std::size_t k1,
                                    std::size_t dropped, std::size_t bad) {
        tail_index_result r;
        r.k1 = k1;
        r.k2 = s.blocks;
        r.n_used = k1 * s.blocks;
        r.n_dropped = dropped;
        r.n_bad = bad;
        r.inv_alpha = (s.sum_log_y / double(s.blocks) - s.sum_log_x / double(r.n_used)) /
                      std::log(double(k1));
        r.alpha = r.inv_alpha > 0 ? 1.0 / r.inv_alpha : std::numeric_limits<double>::infinity();
        return r;
    }

  private:
    void add_one(Real v) {
        const double d = double(v);
        if (!detail::usable_for_log(d)) {
            ++n_bad_; // only reached under skip
            return;
        }
        open_sum_ += d;
        open_log_ += std::log(std::fabs(d));
        if (++open_count_ == k1_) {
            if (detail::usable_for_log(open_sum_)) {
                sums_.sum_log_x += open_log_;
                sums_.sum_log_y += std::log(std::fabs(open_sum_));
                ++sums_.blocks;
            } else if (policy_ == bad_value_policy::throw_error) {
                throw std::invalid_argument(
                    "levysgd::mohammadi_accumulator::add: a block sum is 0 or not finite "
                    "(log|Y| undefined); use bad_value_policy::skip to drop such blocks");
            } else {
                n_bad_ += k1_;
            }
            open_count_ = 0;
            open_sum_ = open_log_ = 0;
        }
    }

    std::size_t k1_;
    bad_value_policy policy_;
    detail::mohammadi_sums sums_;
    double open_sum_ = 0, open_log_ = 0;
    std::size_t open_count_ = 0, n_bad_ = 0, seen_ = 0;
};

/// 1/alpha and alpha of eq. (15) of 003_612c5dc84b231738.txt for the values x
/// (pooled in the given order). See tail_index_options for k1, the treatment
/// of 0/NaN/inf and threads. Throws std::invalid_argument for fewer than two
/// blocks of two values, k1 < 2 or k1 > K/2, or bad values under throw_error.
template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, tail_index_options opt) {
    constexpr std::string_view where = "levysgd::mohammadi_tail_index";
    // Under skip with bad values present, the streaming path handles the gaps.
    std::size_t n_good = x.size();
    if (opt.bad_values == bad_value_policy::skip)
        n_good = static_cast<std::size_t>(std::count_if(
            x.begin(), x.end(), [](Real v) { return detail::usable_for_log(double(v)); }));
    if (n_good < 4)
        detail::throw_invalid(where, "number of usable values", n_good,
                              "must be >= 4 (two blocks of two)");
    std::size_t k1 = opt.k1;
    if (k1 == 0)
        k1 = detail::mohammadi_blocks(n_good).first;
    if (k1 < 2 || k1 > n_good / 2)
        detail::throw_invalid(where, "k1", k1,
                              "must be in [2, K/2] with K = " + std::to_string(n_good));
    if (n_good != x.size()) {
        mohammadi_accumulator<Real> acc(k1, bad_value_policy::skip);
        acc.add(x);
        return acc.result();
    }
    const std::size_t k2 = x.size() / k1;
    const std::size_t dropped = x.size() - k1 * k2;
    // Partial sums per range, merged in range order: deterministic for a
    // given thread count, equal to rounding across thread counts.
    std::vector<std::pair<std::size_t, detail::mohammadi_sums>> parts;
    std::mutex m;
    bool failed = false;
    detail::parallel_ranges(k2, opt.threads, std::max<std::size_t>(1, (1u << 16) / k1),
                            [&](std::size_t b0, std::size_t b1) {
                                detail::mohammadi_sums s;
                                bool ok = true;
                                for (std::size_t b = b0; b < b1 && ok; ++b)
                                    ok = detail::mohammadi_block(x.data() + b * k1, k1, s);
                                std::lock_guard<std::mutex> lk(m);
                                if (!ok)
                                    failed = true;
                                parts.emplace_back(b0, s);
                            });
    std::sort(parts.begin(), parts.end(),
              [](const auto &a, const auto &b) { return a.first < b.first; });
    if (failed) {
        if (opt.bad_values == bad_value_policy::throw_error)
            detail::throw_bad_values(where, x, 0);
        mohammadi_accumulator<Real> acc(k1, bad_value_policy::skip); // zero block sums
        acc.add(x.first(k1 * k2));
        auto r = acc.result();
        r.n_dropped += dropped;
        return r;
    }
    detail::mohammadi_sums total;
    for (const auto &part : parts)
        total.merge(part.second);
    return mohammadi_accumulator<Real>::finish(total, k1, dropped, 0);
}

/// mohammadi_tail_index(x, {.k1 = k1}): k1 = 0 picks the paper's block length.
template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, std::size_t k1 = 0) {
    return mohammadi_tail_index(x, tail_index_options{.k1 = k1});
}

/// The same for any contiguous range of float or double (std::vector,
/// std::array, Eigen::VectorXd::data() spans, ...).
template <std::ranges::contiguous_range R>
requires std::is_floating_point_v<std::ranges::range_value_t<R>>
    tail_index_result mohammadi_tail_index(const R &x, tail_index_options opt) {
    using Real = std::ranges::range_value_t<R>;
    return mohammadi_tail_index(std::span<const Real>(std::ranges::data(x), std::ranges::size(x)),
                                opt);
}
template <std::ranges::contiguous_range R>
requires std::is_floating_point_v<std::ranges::range_value_t<R>>
    tail_index_result mohammadi_tail_index(const R &x, std::size_t k1 = 0) {
    return mohammadi_tail_index(x, tail_index_options{.k1 = k1});
}

} // namespace levysgd
