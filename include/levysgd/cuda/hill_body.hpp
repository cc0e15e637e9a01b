#pragma once
// Per-thread bodies of the CUDA Hill tail-index kernels (host/device, no CUDA
// runtime): Hill 1975 on |x| as the CPU's hill_tail_index (tail/hill.hpp),
// over one array or each column of a column-major matrix. The threshold
// t = |x|_(k+1) is found by a most-significant-digit radix select on the
// bits of |x| (for finite |x| >= 0 the IEEE bit pattern, read as an unsigned
// integer, orders as the value): per pass, a 256-bin histogram of the next
// 8 bits of the values whose higher bits equal the prefix found so far, then
// one thread per column picks the digit holding rank k + 1 (4 passes for
// float, 8 for double). Every value above t then adds its term
// hill_log_excess(|x|, log t) (values equal to t add log t - log t = 0, so
// ties at the threshold need no care); the partial sums of fixed chunks are
// added by a fixed tree, then in chunk order. The sum's order differs from
// the CPU's nth_element order: the estimate agrees to rounding.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

#include "../config.hpp"
#include "../tail/hill.hpp"
#include "grid.hpp"

namespace levysgd::cuda {

/// Bits of the radix select's digit, and its bins.
inline constexpr unsigned hill_digit_bits = 8, hill_bins = 1u << hill_digit_bits;
/// Values per chunk (one CUDA block's share of a column in each pass).
inline constexpr std::size_t hill_chunk = std::size_t{default_block} * 16;

/// The ordered key of a finite |v|: its bit pattern without the sign.
template <class Real> struct hill_key_of {
    using type = std::conditional_t<sizeof(Real) == 4, std::uint32_t, std::uint64_t>;
    static constexpr unsigned bits = sizeof(Real) * 8;
    static constexpr unsigned passes = bits / hill_digit_bits;
    LEVYSGD_HOST_DEVICE static type key(Real v) noexcept {
        type k;
        memcpy(&k, &v, sizeof k);
        return k & ~(type{1} << (bits - 1));
    }
    LEVYSGD_HOST_DEVICE static Real value(type k) noexcept {
        Real v;
        memcpy(&v, &k, sizeof v);
        return v;
    }
};

/// One column's selection state. After the last pass, prefix is the key of
/// t = |x|_(k+1); bad counts the NaN/inf values (first_bad: the first's row).
struct hill_state {
    std::uint64_t prefix = 0, mask = 0;
    std::uint64_t rank = 0; ///< rank of t among the values matching prefix (1 = largest)
    unsigned long long bad = 0, first_bad = ~0ull;
    double threshold = 0, log_t = 0, sum = 0;
};

/// Device memory of one call: cols states, cols x hill_bins counters,
/// cols x chunks partial sums, carved from one workspace.
template <class Real> struct hill_args {
    const Real *x = nullptr;
    std::size_t rows = 0, cols = 1, ld = 0, k = 0;
    std::size_t chunks = 1; ///< chunks per column: ceil(rows / hill_chunk)
    hill_state *state = nullptr;
    unsigned long long *hist = nullptr;
    double *partial = nullptr;
};

/// Workspace bytes of hill_args over rows x cols (each part 8-byte aligned).
constexpr std::size_t hill_workspace_bytes(std::size_t rows, std::size_t cols) noexcept {
    const std::size_t chunks = rows == 0 ? 1 : (rows + hill_chunk - 1) / hill_chunk;
    return cols *
           (sizeof(hill_state) + hill_bins * sizeof(unsigned long long) + chunks * sizeof(double));
}

/// hill_args over a workspace of hill_workspace_bytes(rows, cols) bytes.
template <class Real>
hill_args<Real> make_hill_args(const Real *x, std::size_t rows, std::size_t cols, std::size_t ld,
                               std::size_t k, void *workspace) noexcept {
    hill_args<Real> a{x, rows, cols, ld, k, (rows + hill_chunk - 1) / hill_chunk};
    auto *p = static_cast<unsigned char *>(workspace);
    a.state = reinterpret_cast<hill_state *>(p);
    p += cols * sizeof(hill_state);
    a.hist = reinterpret_cast<unsigned long long *>(p);
    p += cols * hill_bins * sizeof(unsigned long long);
    a.partial = reinterpret_cast<double *>(p);
    return a;
}

/// Column c's start: rank k + 1, nothing selected, histogram cleared.
template <class Real>
LEVYSGD_HOST_DEVICE void hill_init_column(const hill_args<Real> &a, std::size_t c) noexcept {
    hill_state s;
    s.rank = a.k + 1;
    a.state[c] = s;
    for (unsigned d = 0; d < hill_bins; ++d)
        a.hist[c * hill_bins + d] = 0;
}

/// Thread t's values of chunk g (= c chunks + b) in pass `pass`:
/// count.bin(d) for each finite value matching column c's prefix (d: its
/// digit), count.bad(row) for each NaN/inf in pass 0.
template <class Real, class Count>
LEVYSGD_HOST_DEVICE void hill_count_thread(const hill_args<Real> &a, std::uint64_t g, unsigned t,
                                           unsigned block_dim, unsigned pass,
                                           Count &count) noexcept {
    using K = hill_key_of<Real>;
    using std::isfinite;
    const std::uint64_t c = g / a.chunks, b = g % a.chunks;
    const hill_state &s = a.state[c];
    const unsigned shift = K::bits - hill_digit_bits * (pass + 1);
    const std::uint64_t end = (b + 1) * hill_chunk < a.rows ? (b + 1) * hill_chunk : a.rows;
    for (std::uint64_t j = b * hill_chunk + t; j < end; j += block_dim) {
        const Real v = a.x[c * a.ld + j];
        if (!isfinite(v)) {
            if (pass == 0)
                count.bad(j);
            continue;
        }
        const std::uint64_t key = K::key(v);
        if ((key & s.mask) == s.prefix)
            count.bin(static_cast<unsigned>(key >> shift) & (hill_bins - 1));
    }
}

/// After pass `pass`: column c's digit holding its rank, the histogram
/// cleared for the next pass; after the last, t and log t.
template <class Real>
LEVYSGD_HOST_DEVICE void hill_select_column(const hill_args<Real> &a, std::size_t c,
                                            unsigned pass) noexcept {
    using K = hill_key_of<Real>;
    hill_state &s = a.state[c];
    unsigned long long *h = a.hist + c * hill_bins;
    const unsigned shift = K::bits - hill_digit_bits * (pass + 1);
    std::uint64_t above = 0;
    for (unsigned d = hill_bins; d-- > 0;) {
        if (above + h[d] >= s.rank) {
            s.prefix |= std::uint64_t{d} << shift;
            s.mask |= std::uint64_t{hill_bins - 1} << shift;
            s.rank -= above;
            break;
        }
        above += h[d];
    }
    for (unsigned d = 0; d < hill_bins; ++d)
        h[d] = 0;
    if (pass + 1 == K::passes) {
        using std::log;
        s.threshold = double(K::value(static_cast<typename K::type>(s.prefix)));
        s.log_t = s.threshold > 0 ? log(s.threshold) : 0;
    }
}

/// Thread t's sum of the terms of chunk g's values above the threshold.
template <class Real>
LEVYSGD_HOST_DEVICE double hill_sum_thread(const hill_args<Real> &a, std::uint64_t g, unsigned t,
                                           unsigned block_dim) noexcept {
    using K = hill_key_of<Real>;
    using std::fabs;
    using std::isfinite;
    const std::uint64_t c = g / a.chunks, b = g % a.chunks;
    const hill_state &s = a.state[c];
    const std::uint64_t end = (b + 1) * hill_chunk < a.rows ? (b + 1) * hill_chunk : a.rows;
    double sum = 0;
    for (std::uint64_t j = b * hill_chunk + t; j < end; j += block_dim) {
        const Real v = a.x[c * a.ld + j];
        if (isfinite(v) && K::key(v) > s.prefix)
            sum += levysgd::detail::hill_log_excess(fabs(double(v)), s.log_t);
    }
    return sum;
}

/// Column c's sum: its chunks' partial sums in chunk order.
template <class Real>
LEVYSGD_HOST_DEVICE void hill_finish_column(const hill_args<Real> &a, std::size_t c) noexcept {
    double sum = 0;
    for (std::size_t b = 0; b < a.chunks; ++b)
        sum += a.partial[c * a.chunks + b];
    a.state[c].sum = sum;
}

/// The kernels on the CPU: the same bodies in the same order, chunks' trees
/// of shape.block threads (a power of two) as on the device.
template <class Real> void host_hill_launch(const hill_args<Real> &a, unsigned block) {
    struct counter {
        const hill_args<Real> &a;
        std::uint64_t c;
        // host/device only for nvcc's check of hill_count_thread's call
        LEVYSGD_HOST_DEVICE void bin(unsigned d) { ++a.hist[c * hill_bins + d]; }
        LEVYSGD_HOST_DEVICE void bad(std::uint64_t j) {
            ++a.state[c].bad;
            a.state[c].first_bad = j < a.state[c].first_bad ? j : a.state[c].first_bad;
        }
    };
    const std::uint64_t total = std::uint64_t{a.cols} * a.chunks;
    for (std::size_t c = 0; c < a.cols; ++c)
        hill_init_column(a, c);
    for (unsigned pass = 0; pass < hill_key_of<Real>::passes; ++pass) {
        for (std::uint64_t g = 0; g < total; ++g) {
            counter n{a, g / a.chunks};
            for (unsigned t = 0; t < block; ++t)
                hill_count_thread(a, g, t, block, pass, n);
        }
        for (std::size_t c = 0; c < a.cols; ++c)
            hill_select_column(a, c, pass);
    }
    std::vector<double> parts(block);
    for (std::uint64_t g = 0; g < total; ++g) {
        for (unsigned t = 0; t < block; ++t)
            parts[t] = hill_sum_thread(a, g, t, block);
        for (unsigned half = block / 2; half > 0; half /= 2)
            for (unsigned t = 0; t < half; ++t)
                parts[t] += parts[t + half];
        a.partial[g] = parts[0];
    }
    for (std::size_t c = 0; c < a.cols; ++c)
        hill_finish_column(a, c);
}

/// The estimate from column state s (copied to the host), with the CPU's
/// errors: NaN/inf values (value_at(i) reads row i for the message), then a
/// zero threshold. n = rows: the device takes bad_value_policy::throw_error.
template <class Real, class ValueAt>
hill_result finish_hill(std::string_view where, const hill_state &s, std::size_t k, std::size_t n,
                        ValueAt &&value_at) {
    if (s.bad > 0)
        levysgd::detail::hill_throw_bad(where, s.bad, s.first_bad,
                                        levysgd::detail::to_text(Real(value_at(s.first_bad))));
    levysgd::detail::hill_check_threshold(where, s.threshold);
    return levysgd::detail::hill_make_result(s.sum, k, n, 0, s.threshold);
}

} // namespace levysgd::cuda
