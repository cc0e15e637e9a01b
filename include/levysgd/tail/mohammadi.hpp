#pragma once
// The tail-index estimator of Mohammadi, Mohammadpour & Ogata (2015) as used
// by Simsekli et al. 2019, eq. (15): for X_1..X_K with K = K1 K2 and block
// sums Y_i = X_{(i-1)K1+1} + ... + X_{i K1},
//     1/alpha = ( mean_i log|Y_i| - mean_j log|X_j| ) / log K1.
// It needs no scale (alpha-hat is invariant to X -> c X) and is a single pass:
// the block sums and both log means are accumulated as the data streams by.
//
// Provides mohammadi_tail_index() (one shot, SIMD, optionally threaded) and
// mohammadi_accumulator (streaming, O(1) state, never copies the data); both
// give the same estimate to rounding. The one-shot result does not depend
// on the thread count, bit for bit.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
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
#include "mohammadi_sums.hpp"

namespace levysgd {


namespace detail {





/// Finishes a block in scalar double code from value j on, given the block
/// sum y and log sum ls of values [0, j), and commits it to s. False, adding
/// nothing, if a value is 0/NaN/inf or the block sums to 0. std::log handles
/// subnormals, so j = 0 is the scalar path for a whole block.
template <class Real>
bool mohammadi_block_finish(const Real *p, std::size_t j, std::size_t k1, block_sum y, double ls,
                            mohammadi_sums &s) noexcept {
    for (; j < k1; ++j) {
        const double v = double(p[j]);
        if (!usable_for_log(v))
            return false;
        y.add(v);
        ls += std::log(std::fabs(v));
    }
    const double ly = y.log_abs();
    if (std::isnan(ly))
        return false;
    s.sum_log_x += ls;
    s.sum_log_y += ly;
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
/// (inf, NaN) send the block to the scalar path, and so does a SIMD block sum
/// (summed in Real) that is 0 or not finite: float overflows there long
/// before the scalar path's double sum, and a sum that cancels to 0 in one
/// order need not in another; the scalar path is the reference for both.
template <class Real>
bool mohammadi_block(const Real *p, std::size_t k1, mohammadi_sums &s) noexcept {
    using B = xsimd::batch<Real>;
    using C = fast_math_constants<Real>;
    using uint = typename C::uint;
    using U = xsimd::batch<uint>;
    constexpr std::size_t W = B::size;
    constexpr std::size_t renorm = std::is_same_v<Real, float> ? 64 : 512;
    // float's 32-bit lane sums of exponent fields (<= 255 per value, plus
    // prod's exponent <= 63 per renormalisation) are flushed to e_total every
    // 2^23 iterations, far below 2^32; unflushed, a block of 2^27 floats on
    // AVX-512 (2^25 on SSE2) wrapped them
    constexpr std::size_t flush = std::size_t(1) << 23;
    constexpr uint exp_field = std::is_same_v<Real, float> ? 0xFFu : 0x7FFu;
    const U mant_mask(C::mant_mask), one_bits(C::exp_mask_one), field(exp_field), zero_u(uint(0));
    B sum(Real(0)), prod(Real(1));
    U esum(uint(0));
    xsimd::batch_bool<uint> special(false);
    std::size_t j = 0, it = 0;
    double e_total = 0;
    alignas(64) uint e_lanes[W];
    auto flush_esum = [&] {
        esum.store_aligned(e_lanes);
        for (std::size_t l = 0; l < W; ++l)
            e_total += double(e_lanes[l]);
        esum = U(uint(0));
    };
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
            if constexpr (std::is_same_v<Real, float>)
                if (it % flush == 0)
                    flush_esum();
        }
    }
    if (xsimd::any(special))
        return mohammadi_block_finish(p, 0, k1, block_sum(), 0.0, s);
    const double y = double(xsimd::hadd(sum));
    if (!usable_for_log(y))
        return mohammadi_block_finish(p, 0, k1, block_sum(), 0.0, s);
    flush_esum();
    const double ls = std::numbers::ln2 * (e_total - double(C::bias) * double(j)) +
                      double(xsimd::hadd(xsimd::log(xsimd::batch<Real>(prod))));
    return mohammadi_block_finish(p, j, k1, block_sum(y), ls, s);
}

/// Throws for the first bad value of x (index reported from offset on), if any.
template <class Real>
void check_values(std::string_view where, std::span<const Real> x, std::size_t offset) {
    std::size_t count = 0, first = 0;
    for (std::size_t i = 0; i < x.size(); ++i)
        if (!usable_for_log(double(x[i])) && count++ == 0)
            first = i;
    if (count > 0)
        throw_bad_values(where, count, offset + first, x[first]);
}



} // namespace detail

template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, tail_index_options opt);

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
        constexpr std::string_view where = "levysgd::mohammadi_accumulator";
        if (k1 < 2)
            detail::throw_invalid(where, "k1", k1, "must be >= 2");
        detail::check_policy(where, policy);
    }

    /// Adds values in order. All or nothing: if it throws (under throw_error,
    /// for a 0/NaN/inf value or a block summing to 0), the accumulator is as
    /// it was before the call.
    void add(std::span<const Real> x) {
        constexpr std::string_view where = "levysgd::mohammadi_accumulator::add";
        if (policy_ == bad_value_policy::throw_error)
            detail::check_values(where, x, seen_);
        state st = st_; // updated on the side, committed at the end
        std::size_t p = 0;
        while (p < x.size()) {
            if (st.open_count == 0 && x.size() - p >= k1_ &&
                detail::mohammadi_block(x.data() + p, k1_, st.sums)) {
                p += k1_;
                continue;
            }
            add_one(st, x[p], seen_ + p);
            ++p;
        }
        st_ = st;
        seen_ += x.size();
    }

    /// The estimate from the completed blocks (values of an unfinished last
    /// block are reported as n_dropped). Throws if fewer than two blocks.
    tail_index_result result() const {
        return result_for("levysgd::mohammadi_accumulator::result", 0);
    }

    std::size_t k1() const noexcept { return k1_; }

  private:
    template <class R>
    friend tail_index_result mohammadi_tail_index(std::span<const R>, tail_index_options);

    tail_index_result result_for(std::string_view where, std::size_t more_dropped) const {
        return detail::mohammadi_finish(where, st_.sums, k1_, st_.open_count + more_dropped,
                                        st_.n_bad);
    }

    struct state {
        detail::mohammadi_sums sums;
        detail::block_sum open_sum;
        double open_log = 0;
        std::size_t open_count = 0, n_bad = 0;
    };

    void add_one(state &st, Real v, std::size_t index) const {
        const double d = double(v);
        if (!detail::usable_for_log(d)) {
            ++st.n_bad; // only reached under skip
            return;
        }
        st.open_sum.add(d);
        st.open_log += std::log(std::fabs(d));
        if (++st.open_count == k1_) {
            const double ly = st.open_sum.log_abs();
            if (!std::isnan(ly)) {
                st.sums.sum_log_x += st.open_log;
                st.sums.sum_log_y += ly;
                ++st.sums.blocks;
            } else if (policy_ == bad_value_policy::throw_error) {
                // no value was skipped, so the block is the k1 values ending here
                detail::throw_zero_block("levysgd::mohammadi_accumulator::add", index + 1 - k1_,
                                         index);
            } else {
                st.n_bad += k1_;
            }
            st.open_count = 0;
            st.open_sum = detail::block_sum();
            st.open_log = 0;
        }
    }

    std::size_t k1_;
    bad_value_policy policy_;
    state st_;
    std::size_t seen_ = 0;
};

/// 1/alpha and alpha of eq. (15) of Simsekli et al. 2019 for the values x
/// (pooled in the given order). See tail_index_options for k1, the treatment
/// of 0/NaN/inf and threads. Throws std::invalid_argument for fewer than two
/// blocks of two values, k1 < 2 or k1 > K/2, or (under throw_error) a 0, NaN
/// or inf anywhere in x or a block summing to 0.
template <class Real>
tail_index_result mohammadi_tail_index(std::span<const Real> x, tail_index_options opt) {
    constexpr std::string_view where = "levysgd::mohammadi_tail_index";
    detail::check_policy(where, opt.bad_values);
    // Under skip with bad values present, the streaming path handles the gaps.
    std::size_t n_good = x.size();
    if (opt.bad_values == bad_value_policy::skip)
        n_good = static_cast<std::size_t>(std::count_if(
            x.begin(), x.end(), [](Real v) { return detail::usable_for_log(double(v)); }));
    if (n_good < 4)
        detail::throw_invalid(where, "number of usable values", n_good,
                              "must be >= 4 (two blocks of two)");
    const std::size_t k1 = detail::checked_k1(where, opt.k1, n_good, "K");
    auto streamed = [&](std::span<const Real> v, std::size_t more_dropped) {
        // skip policy: the accumulator leaves bad values and zero-sum blocks out
        mohammadi_accumulator<Real> acc(k1, bad_value_policy::skip);
        acc.add(v);
        return acc.result_for(where, more_dropped);
    };
    if (n_good != x.size())
        return streamed(x, 0);
    const std::size_t k2 = x.size() / k1;
    const std::size_t dropped = x.size() - k1 * k2;
    // the dropped tail is data too: a bad value there is as bad as anywhere
    if (opt.bad_values == bad_value_policy::throw_error)
        detail::check_values(where, x.subspan(k1 * k2), k1 * k2);
    // Blocks are estimated in parallel, each on its own, and their log sums
    // added in block order, exactly as one thread adds them: the result is
    // bitwise the same for every thread count. The per-block values go
    // through a window of at most 2^16 blocks, so memory stays bounded.
    constexpr std::size_t none = std::numeric_limits<std::size_t>::max();
    constexpr std::size_t window = std::size_t(1) << 16;
    struct block_value {
        detail::mohammadi_sums s; // this block alone
        bool ok = false;
    };
    std::vector<block_value> vals(std::min(k2, window));
    std::size_t failed = none;
    detail::mohammadi_sums total;
    for (std::size_t w0 = 0; w0 < k2 && failed == none; w0 += window) {
        const std::size_t nw = std::min(window, k2 - w0);
        detail::parallel_ranges(nw, opt.threads, std::max<std::size_t>(1, (1u << 16) / k1),
                                [&](std::size_t b0, std::size_t b1) {
                                    for (std::size_t b = b0; b < b1; ++b) {
                                        vals[b] = block_value{};
                                        vals[b].ok = detail::mohammadi_block(
                                            x.data() + (w0 + b) * k1, k1, vals[b].s);
                                        if (!vals[b].ok)
                                            break; // later blocks of this range are not needed
                                    }
                                });
        for (std::size_t b = 0; b < nw; ++b) {
            if (!vals[b].ok) {
                failed = w0 + b;
                break;
            }
            total.merge(vals[b].s);
        }
    }
    if (failed != none) {
        if (opt.bad_values == bad_value_policy::throw_error) {
            // the blocks before it were fine: a bad value, if any, is from here on
            detail::check_values(where, x.subspan(failed * k1), failed * k1);
            detail::throw_zero_block(where, failed * k1, failed * k1 + k1 - 1);
        }
        // skip, no bad values: blocks summing to 0 are dropped
        return streamed(x.first(k1 * k2), dropped);
    }
    return detail::mohammadi_finish(where, total, k1, dropped, 0);
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
