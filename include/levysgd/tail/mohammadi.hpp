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
/// sum y and log sum ls of values [0, j), and commits it to s. The block's
/// values are p[0], p[stride], ..., p[(k1 - 1) stride] (stride > 1: a column
/// of a row-major array). False, adding nothing, if a value is 0/NaN/inf or
/// the block sums to 0. std::log handles subnormals, so j = 0 is the scalar
/// path for a whole block.
template <class Real>
bool mohammadi_block_finish(const Real *p, std::size_t j, std::size_t k1, block_sum y, double ls,
                            mohammadi_sums &s, std::size_t stride = 1) noexcept {
    for (; j < k1; ++j) {
        const double v = double(p[j * stride]);
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

/// sum log|x| per SIMD lane without a log per value: with x = 2^e m, m in
/// [1, 2), it is ln2 sum e + log(prod m), where the mantissa product is
/// renormalised every R values (R = 512 for double, 64 for float, so it
/// stays below 2^R) and only the final product needs a log. That makes a
/// value a few integer operations and one multiply; on AVX-512, two
/// instructions (getexp, getmant) and an add and a multiply. The exponent
/// sums are integers, exact in any order, so both ways give the same bits
/// for normal values. A lane that saw a zero or subnormal value (integer
/// way) or a 0, inf or NaN (AVX-512: getexp is -inf, inf, NaN there; it
/// handles subnormals) is flagged in tiny(); its sums are then meaningless
/// and the caller takes the scalar path. The integer way does not flag inf
/// or NaN: the callers' block sums of the same values are then inf or NaN,
/// which sends the block to the scalar path too.
template <class Real> class lane_log_sum {
    using C = fast_math_constants<Real>;
    using uint = typename C::uint;
    using U = xsimd::batch<uint>;

  public:
    using B = xsimd::batch<Real>;
    static constexpr std::size_t W = B::size;

    /// Adds one value per lane. At most room() calls between two added().
    LEVYSGD_INLINE void add(const B &x) noexcept {
        if constexpr (avx512) {
            esum_ += getexp(x);
            prod_ *= getmant(x);
        } else {
            const U bits = xsimd::bitwise_cast<U>(x);
            const U e = (bits >> C::mant_bits) & U(exp_field);
            tiny_ = tiny_ | (e == U(uint(0)));
            esum_ += e;
            prod_ *= xsimd::bitwise_cast<B>((bits & U(C::mant_mask)) | U(C::exp_mask_one));
        }
    }
    /// How many add() calls may come before the next added().
    std::size_t room() const noexcept { return renorm - it_ % renorm; }
    /// Books n <= room() add() calls (the hot loop is a plain run of adds,
    /// its state in registers); renormalises when they fill the room.
    void added(std::size_t n) noexcept {
        it_ += n;
        if (it_ % renorm == 0) {
            if constexpr (avx512) {
                esum_ += getexp(prod_);
                prod_ = getmant(prod_);
            } else {
                const U pb = xsimd::bitwise_cast<U>(prod_);
                esum_ += ((pb >> C::mant_bits) & U(exp_field)) - U(static_cast<uint>(C::bias));
                prod_ = xsimd::bitwise_cast<B>((pb & U(C::mant_mask)) | U(C::exp_mask_one));
            }
            if constexpr (std::is_same_v<Real, float>)
                if (it_ % flush == 0)
                    flush_esum();
        }
    }

    /// Whether any lane saw a value it cannot take (see the class comment).
    bool any_tiny() const noexcept {
        if constexpr (avx512)
            return flushed_bad_ || xsimd::any(!xsimd::isfinite(esum_));
        else
            return xsimd::any(tiny_);
    }
    /// Lane l saw a value it cannot take: tiny[l] != 0.
    void tiny(uint *out) const noexcept {
        if constexpr (avx512) {
            alignas(64) Real e[W];
            esum_.store_aligned(e);
            for (std::size_t l = 0; l < W; ++l)
                out[l] = !std::isfinite(e[l]) || !std::isfinite(e_total_[l]);
        } else {
            xsimd::select(tiny_, U(uint(1)), U(uint(0))).store_unaligned(out);
        }
    }

    /// Adds, in the lanes where keep is set, blk's sums (all of its values)
    /// to this one: its mantissa product as one more value, its exponents
    /// as they are. blk is left flushed.
    void absorb(lane_log_sum &blk, const xsimd::batch_bool<Real> &keep) noexcept {
        blk.flush_esum();
        add(xsimd::select(keep, blk.prod_, B(Real(1))));
        added(1);
        alignas(64) Real k[W];
        xsimd::select(keep, B(Real(1)), B(Real(0))).store_aligned(k);
        for (std::size_t l = 0; l < W; ++l)
            if (k[l] != 0)
                e_total_[l] += blk.e_total_[l] - unbias() * double(blk.it_);
    }

    /// The sum over all lanes (the values added, W per add()).
    double total() noexcept {
        flush_esum();
        double e = 0;
        for (std::size_t l = 0; l < W; ++l)
            e += e_total_[l]; // integers below 2^53: exact in any order
        return std::numbers::ln2 * (e - unbias() * double(it_ * W)) +
               double(xsimd::hadd(xsimd::log(prod_)));
    }

    /// Each lane's sum (the values added to that lane, one per add()).
    void lanes(double *out) noexcept {
        flush_esum();
        alignas(64) Real lg[W];
        xsimd::log(prod_).store_aligned(lg);
        for (std::size_t l = 0; l < W; ++l)
            out[l] = std::numbers::ln2 * (e_total_[l] - unbias() * double(it_)) + double(lg[l]);
    }

  private:
#if XSIMD_WITH_AVX512F
    static constexpr bool avx512 = std::is_base_of_v<xsimd::avx512f, typename B::arch_type>;
    static B getexp(const B &x) noexcept {
        if constexpr (std::is_same_v<Real, double>)
            return _mm512_getexp_pd(x);
        else
            return _mm512_getexp_ps(x);
    }
    static B getmant(const B &x) noexcept {
        if constexpr (std::is_same_v<Real, double>)
            return _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
        else
            return _mm512_getmant_ps(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_zero);
    }
#else
    static constexpr bool avx512 = false;
    static B getexp(const B &x) noexcept { return x; }
    static B getmant(const B &x) noexcept { return x; }
#endif
    // the integer way sums biased exponent fields
    static constexpr double unbias() noexcept { return avx512 ? 0.0 : double(C::bias); }
    static constexpr std::size_t renorm = std::is_same_v<Real, float> ? 64 : 512;
    // Exponent lane sums are flushed to e_total_ before they lose exactness:
    // float's 32-bit integer lanes (<= 255 per value, plus prod's exponent
    // <= 63 per renormalisation) every 2^23 values per lane, far below 2^32
    // (unflushed, a block of 2^27 floats on AVX-512 (2^25 on SSE2) wrapped
    // them); AVX-512's float lanes (|getexp| <= 149) every 2^16 values, below
    // float's 2^24 integers. Double lanes hold 2^53 and need no flush.
    static constexpr std::size_t flush = std::size_t(1) << (avx512 ? 16 : 23);
    static constexpr uint exp_field = std::is_same_v<Real, float> ? 0xFFu : 0x7FFu;
    using E = std::conditional_t<avx512, B, U>; // exponent sum lanes

    void flush_esum() noexcept {
        alignas(64) typename E::value_type e_lanes[W];
        esum_.store_aligned(e_lanes);
        for (std::size_t l = 0; l < W; ++l) {
            e_total_[l] += double(e_lanes[l]);
            if constexpr (avx512)
                flushed_bad_ = flushed_bad_ || !std::isfinite(e_total_[l]);
        }
        esum_ = E(typename E::value_type(0));
    }

    B prod_ = B(Real(1));
    E esum_ = E(typename E::value_type(0));
    xsimd::batch_bool<uint> tiny_ = xsimd::batch_bool<uint>(false);
    std::size_t it_ = 0;
    double e_total_[W] = {};
    bool flushed_bad_ = false; // AVX-512: a flushed lane was not finite
};

/// One full block of k1 values starting at p: adds log|Y| and the log|X|
/// sum; false (adding nothing) as mohammadi_block_finish. sum log|x| of the
/// whole W-value steps comes from lane_log_sum, the rest from the scalar
/// finish. Blocks with a zero or subnormal value, and blocks whose SIMD sum
/// (summed in Real) is 0 or not finite (an inf or NaN value; float overflows
/// there long before the scalar path's double sum; a sum that cancels to 0
/// in one order need not in another) take the scalar path, the reference.
template <class Real>
bool mohammadi_block(const Real *p, std::size_t k1, mohammadi_sums &s) noexcept {
    using L = lane_log_sum<Real>;
    using B = typename L::B;
    constexpr std::size_t W = L::W;
    B sum(Real(0));
    L logs;
    std::size_t j = 0;
    while (j + W <= k1) {
        const std::size_t n = std::min(logs.room(), (k1 - j) / W);
        for (std::size_t i = 0; i < n; ++i, j += W) {
            const B x = B::load_unaligned(p + j);
            sum += x;
            logs.add(x);
        }
        logs.added(n);
    }
    const double y = double(xsimd::hadd(sum));
    if (logs.any_tiny() || !usable_for_log(y))
        return mohammadi_block_finish(p, 0, k1, block_sum(), 0.0, s);
    return mohammadi_block_finish(p, j, k1, block_sum(y), logs.total(), s);
}

/// Block [r0, r0 + k1) of the 2 W columns [c0, c0 + 2 W) of the row-major
/// array x with `cols` columns, rows ld >= cols apart: each column's block sum (in Real, summed
/// down the rows) and log sum, one column per SIMD lane, for the columns
/// from c0 + first on. A usable block (see mohammadi_block; and |Y| a
/// normal number) is absorbed into the tile's running sums: logs (the log
/// sums of x, one per batch) and logy (of |Y|), so that a column needs two
/// logs in all, not two per block; a block that is not usable that way is
/// finished by the scalar path into sums, and a column that fails there is
/// flagged in redo. sums[c].blocks counts both kinds. Padded: x has cols <
/// 2 W columns, each row is copied into a buffer padded with 1s. A column's
/// numbers do not depend on its lane or its neighbours: the arithmetic is
/// lane-wise.
template <class Real, bool Padded>
void mohammadi_column_block(const Real *x, std::size_t cols, std::size_t ld, std::size_t r0,
                            std::size_t k1, std::size_t c0, std::size_t first,
                            lane_log_sum<Real> *logx,
                            lane_log_sum<Real> *logy, mohammadi_sums *sums,
                            unsigned char *redo) noexcept {
    using L = lane_log_sum<Real>;
    using B = typename L::B;
    using uint = typename fast_math_constants<Real>::uint;
    constexpr std::size_t W = L::W, T = 2 * W;
    const std::size_t width = Padded ? cols : T;
    B sum0(Real(0)), sum1(Real(0));
    L log0, log1;
    const Real *p = x + r0 * ld + c0;
    constexpr std::size_t PF = 4 * T; // the same row, four tiles on: L3 latency hidden
    alignas(64) Real pad[T];
    std::fill(pad, pad + T, Real(1));
    for (std::size_t r = 0; r < k1;) {
        const std::size_t n = std::min(log0.room(), k1 - r);
        for (std::size_t i = 0; i < n; ++i, p += ld) {
            const Real *q = p;
            if constexpr (Padded) {
                std::copy(p, p + width, pad);
                q = pad;
            } else {
                __builtin_prefetch(p + PF, 0, 2);
                __builtin_prefetch(p + PF + T / 2, 0, 2);
            }
            const B a = B::load_unaligned(q), b = B::load_unaligned(q + W);
            sum0 += a;
            sum1 += b;
            log0.add(a);
            log1.add(b);
        }
        log0.added(n);
        log1.added(n);
        r += n;
    }
    alignas(64) Real y[T], keep[T];
    alignas(64) uint tiny[T];
    sum0.store_aligned(y);
    sum1.store_aligned(y + W);
    log0.tiny(tiny);
    log1.tiny(tiny + W);
    for (std::size_t l = 0; l < T; ++l) {
        const Real a = std::fabs(y[l]);
        // |Y| normal and finite (a subnormal |Y| has no implicit bit to split off)
        const bool ok = l >= first && l < width && !redo[c0 + l] && tiny[l] == 0 &&
                        a >= std::numeric_limits<Real>::min() &&
                        a <= std::numeric_limits<Real>::max();
        keep[l] = ok ? Real(1) : Real(0);
        if (ok)
            ++sums[c0 + l].blocks;
        else if (l >= first && l < width && !redo[c0 + l] &&
                 !mohammadi_block_finish(x + r0 * ld + c0 + l, 0, k1, block_sum(), 0.0,
                                         sums[c0 + l], ld))
            redo[c0 + l] = 1;
    }
    const auto k0 = B::load_aligned(keep) != B(Real(0)), k1m = B::load_aligned(keep + W) != B(Real(0));
    logx[0].absorb(log0, k0);
    logx[1].absorb(log1, k1m);
    logy[0].add(xsimd::select(k0, sum0, B(Real(1))));
    logy[0].added(1);
    logy[1].add(xsimd::select(k1m, sum1, B(Real(1))));
    logy[1].added(1);
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

namespace detail {
/// Eq. (15) for every column of the row-major rows x cols array at x, rows
/// ld >= cols apart (x[r ld + c]), errors naming `where`: the kernel of
/// mohammadi_tail_index_columns (analysis/gradient_noise.hpp, Eigen
/// matrices) and of the Python tail_index(axis=0). One pass over the rows
/// accumulates the block sums and log sums of 2 W columns at once (one per
/// SIMD lane). Column c's result equals mohammadi_tail_index(column c, opt)
/// to rounding (its sums are taken in another order); it depends neither on
/// opt.threads (columns are split between threads) nor on the other columns
/// or its place among them, bit for bit. A column with a 0/NaN/inf value or
/// a block summing to 0 goes to mohammadi_tail_index itself, so bad values
/// behave exactly as documented there; the first (lowest) column that
/// mohammadi_tail_index refuses throws, its message prefixed
/// "where: column c: ".
template <class Real>
std::vector<tail_index_result> mohammadi_columns(std::string_view where, const Real *x,
                                                 std::size_t rows, std::size_t cols,
                                                 std::size_t ld, tail_index_options opt) {
    static_assert(std::is_same_v<Real, float> || std::is_same_v<Real, double>);
    check_policy(where, opt.bad_values);
    if (rows > 0 && ld < cols)
        throw_invalid(where, "ld", ld, "must be >= cols = " + std::to_string(cols));
    std::vector<tail_index_result> out(cols);
    std::vector<unsigned char> redo(cols, 1);
    // the fast pass needs the block layout of a column without bad values;
    // otherwise every column is left to mohammadi_tail_index, which throws
    if (rows >= 4 && (opt.k1 == 0 || (opt.k1 >= 2 && opt.k1 <= rows / 2)) && cols > 0) {
        std::fill(redo.begin(), redo.end(), 0);
        const std::size_t k1 = checked_k1(where, opt.k1, rows, "rows");
        const std::size_t k2 = rows / k1;
        constexpr std::size_t T = 2 * xsimd::batch<Real>::size;
        const std::size_t tiles = (cols + T - 1) / T;
        std::vector<mohammadi_sums> sums(cols);
        // running log sums of x and |Y| of each tile, two batches each
        std::vector<lane_log_sum<Real>> logx(2 * tiles), logy(2 * tiles);
        // Threads take ranges of tiles, i.e. column strips. A strip's rows are
        // not contiguous in memory, which the hardware prefetcher streams
        // less well than whole rows (strips of 32 to 256 columns of a 1000 x
        // 1000 array ran 15-25 % slower on one thread), so a thread gets at
        // least 2^20 values; the result does not depend on the split.
        parallel_ranges(
            tiles, opt.threads, std::max<std::size_t>(1, (std::size_t(1) << 20) / (rows * T)),
            [&](std::size_t t0, std::size_t t1) {
                for (std::size_t b = 0; b < k1 * k2; b += k1)
                    for (std::size_t t = t0; t < t1; ++t) {
                        if (cols < T) // one tile, rows padded
                            mohammadi_column_block<Real, true>(x, cols, ld, b, k1, 0, 0,
                                                               &logx[2 * t], &logy[2 * t],
                                                               sums.data(), redo.data());
                        else // the last tile overlaps the one before: no padding
                            mohammadi_column_block<Real, false>(
                                x, cols, ld, b, k1, std::min(t * T, cols - T),
                                t * T - std::min(t * T, cols - T), &logx[2 * t], &logy[2 * t],
                                sums.data(), redo.data());
                    }
                // the usable blocks' log sums join the scalar path's
                alignas(64) double lx[T], ly[T];
                for (std::size_t t = t0; t < t1; ++t) {
                    const std::size_t c0 = cols < T ? 0 : std::min(t * T, cols - T);
                    for (std::size_t h = 0; h < 2; ++h) {
                        logx[2 * t + h].lanes(lx + h * (T / 2));
                        logy[2 * t + h].lanes(ly + h * (T / 2));
                    }
                    for (std::size_t c = std::max(t * T, c0); c < std::min(cols, c0 + T); ++c) {
                        sums[c].sum_log_x += lx[c - c0];
                        sums[c].sum_log_y += ly[c - c0];
                    }
                }
            });
        // a bad value in the dropped rows is data too (mohammadi_tail_index)
        for (std::size_t r = k1 * k2; r < rows; ++r)
            for (std::size_t c = 0; c < cols; ++c)
                if (!usable_for_log(double(x[r * ld + c])))
                    redo[c] = 1;
        for (std::size_t c = 0; c < cols; ++c)
            if (!redo[c])
                out[c] = mohammadi_finish(where, sums[c], k1, rows - k1 * k2, 0);
    }
    std::vector<Real> column;
    for (std::size_t c = 0; c < cols; ++c)
        if (redo[c]) {
            column.resize(rows);
            for (std::size_t r = 0; r < rows; ++r)
                column[r] = x[r * ld + c];
            out[c] = in_context(where, "column " + std::to_string(c), [&] {
                return mohammadi_tail_index(std::span<const Real>(column), opt);
            });
        }
    return out;
}
} // namespace detail

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
