#pragma once
// Bulk alpha-stable sampling: SIMD (xsimd) Chambers-Mallows-Stuck on Philox
// streams, optionally multi-threaded, deterministic per (seed, stream, index).
//
// Index rule: core/stable_plan.hpp (stable_block_of, stable_uniforms_of,
// applied here to batches of blocks):
//   double sample i of (seed, stream): u1 = words 0,1 and u2 = words 2,3 of
//                                      Philox block i;
//   float  sample i:                   u1, u2 = words 2(i%2), 2(i%2)+1 of block i/2.
// So `d(philox4x32(seed, stream))` called repeatedly, and
// core::stable_variate_at(plan, seed, stream, i), give samples 0, 1, 2, ...
// of `sample(d, out, seed, stream)` (equal to rounding: the scalar path uses
// the same core/fast_math.hpp functions, but scalar arithmetic where the bulk
// path uses SIMD hooks and FMAs). Within one build the bulk output is
// bit-identical for any thread count, chunking and `first_index` split.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include "../detail/chunked.hpp"
#include "../detail/interleave.hpp"
#include "../detail/simd_bits.hpp"
#include "../detail/validate.hpp"
#include "../random/philox_simd.hpp"
#include "stable_distribution.hpp"

namespace levysgd {

/// Options of the bulk samplers.
struct sample_options {
    /// Index of out[0] in the stream: sampling [0, n) in one call or as
    /// [0, k) and then [k, n) with first_index = k gives the same values.
    std::uint64_t first_index = 0;
    /// Threads (0, the default, = all hardware threads; at most that many are
    /// used). Results do not depend on it. The first threaded call creates a
    /// worker pool; no call after it allocates or starts a thread (a call
    /// made while another one uses the pool runs on the calling thread alone).
    unsigned threads = 0;
};

namespace detail {

using simd_arch = xsimd::default_arch;

template <class Real> using real_batch = xsimd::batch<Real, simd_arch>;

/// Kernel batches per SIMD chunk: double 8 (64 draws on AVX-512), whose
/// independent dependency chains the out-of-order core overlaps (1.3x the
/// rate of 2 batches), but 6 on 4-lane batches (AVX2: eight chains of Philox
/// state spill its 16 registers; 6 draws 7-20 % more than 8 on a Zen 3,
/// docs/development.md); float 2 (one Philox batch, two draws per block).
/// The draws do not depend on it (the index rule is per sample).
template <class Real>
inline constexpr std::size_t stable_halves = std::is_same_v<Real, float>
                                                 ? 2
                                                 : (real_batch<Real>::size == 4 ? 6 : 8);

/// Samples per SIMD chunk: stable_halves batches of real_batch<Real>::size.
template <class Real>
inline constexpr std::size_t stable_chunk = stable_halves<Real> * real_batch<Real>::size;

/// Broadcast scalar coefficients to batches.
template <class Real>
cms_coefficients<real_batch<Real>> broadcast(const cms_coefficients<Real> &k) {
    using B = real_batch<Real>;
    return {B(k.eps),    B(k.eps_over_alpha), B(k.inv_alpha),    B(k.beta), B(k.ce),  B(k.se),
            B(k.eps_pi), B(k.eps_over_se),    B(k.se_over_1pce), B(k.tau),  B(k.zeta),
            B(k.pi_alpha), B(k.pi_half_gamma), B(k.pi_1m_half_alpha)};
}

/// Per-chunk CMS inputs: the uniform u1 (-> phi) and W = -log(u2) of every
/// lane, for the stable_halves<Real> batches of the chunk (double: batch h
/// holds blocks first + h W + lane; float: samples 2j and 2j+1 of block j).
template <class Real> struct stable_chunk_inputs {
    real_batch<Real> u1[stable_halves<Real>], w[stable_halves<Real>];
};

/// Philox blocks, uniforms and exponentials of chunk `chunk`. Computed one
/// chunk ahead (see for_each_chunk), so this work overlaps the previous
/// chunk's CMS.
template <class Real>
LEVYSGD_INLINE stable_chunk_inputs<Real>
stable_chunk_prepare(const philox_batch_stream<simd_arch> &bits, std::uint64_t chunk) noexcept {
    // The chunk's first block by the index rule: stable_block_of is linear
    // over whole chunks (stable_chunk is even), blocks per chunk times chunk.
    const std::uint64_t first = chunk * core::stable_block_of<Real>(stable_chunk<Real>);
    constexpr std::size_t H = stable_halves<Real>;
    stable_chunk_inputs<Real> in;
    real_batch<Real> u2[H];
    if constexpr (std::is_same_v<Real, double>) {
        const auto blk = bits.template wide<H>(first); // half h: blocks first + h W + lane
        for (unsigned h = 0; h < H; ++h)
            core::stable_uniforms_of(blk.x0[h], blk.x1[h], blk.x2[h], blk.x3[h], 0, in.u1[h],
                                     u2[h]);
    } else {
        const auto blk = bits(first); // slot h of block first + lane: sample 2 lane + h
        for (unsigned h = 0; h < 2; ++h)
            core::stable_uniforms_of(blk.x0, blk.x1, blk.x2, blk.x3, h, in.u1[h], u2[h]);
    }
    for (std::size_t h = 0; h < H; ++h)
        in.w[h] = -fast_log(u2[h]);
    return in;
}

/// The affine output map of cms_s0 on batches, near() as one FMA (or, where
/// the FMA is emulated and mul X0 alone overflows, as cms_output::near).
template <class B> struct cms_fma_output {
    B mul, log_mul, add, far_add, add_over_mul;
    LEVYSGD_INLINE B near(const B &x0) const noexcept {
        const B x = xsimd::fma(mul, x0, add);
        const auto over = xsimd::abs(x) > B(std::numeric_limits<typename B::value_type>::max());
        return xsimd::any(over) ? xsimd::select(over, mul * (x0 + add_over_mul), x) : x;
    }
};

/// The per-coordinate map: mul (X0 - shift), shift = zeta in S1 (then
/// far_add = 0: s (G e^y + zeta - zeta) needs no addition) or 0 in S0.
template <class B> struct cms_shift_scale_output {
    B mul, log_mul, shift, far_add;
    LEVYSGD_INLINE B near(const B &x0) const noexcept { return mul * (x0 - shift); }
};

/// out(h)(X0) for the standard S0 variates X0 of one chunk into
/// z[0, stable_chunk<Real>) in stream order, with coefficients coef(h) and
/// output map out(h) for batch h of the inputs.
template <class Real, bool Symmetric, class Coef, class Out>
LEVYSGD_INLINE void stable_chunk_s0(const stable_chunk_inputs<Real> &in, Coef &&coef, Out &&out,
                                    real_batch<Real> *z) noexcept {
    // The kernel's stages on all batches in turn (see cms_s0_angles): the
    // independent dependency chains overlap. Values as cms_s0_from_u1_w's.
    constexpr int H = static_cast<int>(stable_halves<Real>);
    cms_stage<real_batch<Real>> st[H];
    for (int h = 0; h < H; ++h) {
        const auto phi = cms_phi_from_u1(in.u1[h]);
        st[h] = cms_s0_angles<Symmetric>(phi.m, phi.sgn, in.w[h], coef(h));
    }
    for (int h = 0; h < H; ++h)
        cms_s0_log(st[h], coef(h));
    for (int h = 0; h < H; ++h)
        cms_s0_exp<Symmetric>(st[h], out(h));
    if constexpr (std::is_same_v<Real, double>) {
        for (int h = 0; h < H; ++h)
            z[h] = cms_s0_finish<Symmetric>(st[h], coef(h), out(h));
    } else {
        const auto a = cms_s0_finish<Symmetric>(st[0], coef(0), out(0));
        const auto b = cms_s0_finish<Symmetric>(st[1], coef(1), out(1));
        interleave(a, b, z[0], z[1]); // even and odd samples back into order
    }
}

/// Lanes 0, 2, 4, ... (even) or 1, 3, 5, ... (odd) of the 2W values a0:a1.
template <class B> B even_or_odd_lanes(const B &a0, const B &a1, std::size_t parity) noexcept {
    using R = typename B::value_type;
    constexpr std::size_t W = B::size;
    alignas(simd_arch::alignment()) std::array<R, 2 * W> in;
    alignas(simd_arch::alignment()) std::array<R, W> outv;
    a0.store_aligned(in.data());
    a1.store_aligned(in.data() + W);
    for (std::size_t j = 0; j < W; ++j)
        outv[j] = in[2 * j + parity];
    return B::load_aligned(outv.data());
}

/// The a == 1 lanes of a per-coordinate S1 variate s X0 (the coefficients
/// hold zeta = 0 there) get the S1 shift beta (2/pi) s log s; other lanes,
/// s (X0 - zeta) with zeta = -beta ce/se from the CMS coefficients (accurate
/// next to a = 1, where tan(pi a/2) of a rounded argument is not), are kept.
template <class B> B s1_alpha_one_shift(const B &x, const B &a, const B &beta, const B &s) {
    using R = typename B::value_type;
    const auto one = a == B(R(1));
    if (xsimd::any(one))
        return xsimd::select(
            one, xsimd::fma(beta * B(R(2) / std::numbers::pi_v<R>) * s, xsimd::log(s), x), x);
    return x;
}

/// The chunk loop shared by sample() and sample_coordinates(): Philox blocks
/// and the parameter-free CMS inputs are prepared one chunk ahead, and
/// fn(sym, chunk, inputs, dst, lo, hi, partial) runs with sym a
/// std::bool_constant selecting the beta = 0 kernel.
template <class Real, class Fn>
void for_each_stable_chunk(std::string_view where, std::span<Real> out, std::uint64_t seed,
                           std::uint64_t stream, const sample_options &opt, bool symmetric,
                           Fn &&fn) {
    const philox_batch_stream<simd_arch> bits(seed, stream);
    const auto prepare = [&](std::uint64_t chunk) {
        return stable_chunk_prepare<Real>(bits, chunk);
    };
    auto run = [&](auto sym) {
        // A thread gets at least 8192 batches (as 4096 chunks did when a
        // double chunk held two), whatever stable_halves is.
        for_each_chunk<stable_chunk<Real>, 8192 / stable_halves<Real>>(
            where, out, opt.first_index, opt.threads, prepare,
            [&](std::uint64_t chunk, const auto &in, Real *dst, std::size_t lo, std::size_t hi,
                bool partial) { fn(sym, chunk, in, dst, lo, hi, partial); });
    };
    if (symmetric)
        run(std::true_type{});
    else
        run(std::false_type{});
}

} // namespace detail

/// Fills `out` with independent draws from `d`: out[i] is sample
/// opt.first_index + i of the stream (seed, stream). SIMD, deterministic (see
/// the header comment). No call allocates; the first threaded call creates
/// the worker pool (sample_options::threads). Throws std::invalid_argument if
/// [first_index, first_index + out.size()) passes index 2^64 - 1, before
/// anything is written.
template <class Real>
void sample(const stable_distribution<Real> &d, std::span<Real> out, std::uint64_t seed,
            std::uint64_t stream = 0, sample_options opt = {}) {
    using B = detail::real_batch<Real>;
    constexpr std::size_t W = B::size;
    const auto &plan = d.sampling_plan();
    const auto kb = detail::broadcast(plan.k);
    const B lower(plan.lower), upper(plan.upper);
    // Only alpha < 1, |beta| = 1 has a half-line support to clamp to.
    const bool bounded = plan.lower > -std::numeric_limits<Real>::infinity() ||
                         plan.upper < std::numeric_limits<Real>::infinity();
    const auto run = [&](const auto &ob) {
        detail::for_each_stable_chunk(
            "levysgd::sample", out, seed, stream, opt, plan.k.beta == Real(0),
            [&](auto sym, std::uint64_t, const auto &in, Real *dst, std::size_t, std::size_t,
                bool) {
                constexpr std::size_t H = detail::stable_halves<Real>;
                B x[H];
                detail::stable_chunk_s0<Real, decltype(sym)::value>(
                    in, [&](auto...) -> const auto & { return kb; },
                    [&](auto...) -> const auto & { return ob; }, x);
                for (std::size_t h = 0; h < H; ++h)
                    (bounded ? xsimd::clip(x[h], lower, upper) : x[h]).store_unaligned(dst + h * W);
            });
    };
    if (plan.out.mul == Real(1)) // the same values, without the log-scale fold
        run(detail::cms_unit_output<B>{B(plan.out.add), B(plan.out.far_add)});
    else
        run(detail::cms_fma_output<B>{B(plan.out.mul), B(plan.out.log_mul), B(plan.out.add),
                                      B(plan.out.far_add), B(plan.out.add_over_mul)});
}

/// sample() into any writable dense Eigen expression: Matrix, Array, Map,
/// Ref, a block, column or row. Values in storage order: element k of the
/// expression's storage order (column-major unless the expression is
/// row-major) is sample opt.first_index + k. A contiguous expression is
/// written in place; any other (inner or outer stride) through a temporary,
/// which allocates.
template <class Derived>
requires std::is_floating_point_v<typename Derived::Scalar>
void sample(const stable_distribution<typename Derived::Scalar> &d, Eigen::DenseBase<Derived> &out,
            std::uint64_t seed, std::uint64_t stream = 0, sample_options opt = {}) {
    using Real = typename Derived::Scalar;
    static_assert(bool(Derived::Flags & Eigen::LvalueBit),
                  "levysgd::sample: the Eigen expression must be writable");
    const auto n = static_cast<std::size_t>(out.size());
    if constexpr (bool(Derived::Flags & Eigen::DirectAccessBit)) {
        Derived &x = out.derived();
        const bool packed = x.innerStride() == 1 && (x.outerStride() == x.innerSize() ||
                                                     x.outerSize() <= 1);
        if (packed) {
            sample(d, std::span<Real>(x.data(), n), seed, stream, opt);
            return;
        }
    }
    Eigen::Array<Real, Eigen::Dynamic, 1> tmp(static_cast<Eigen::Index>(n));
    sample(d, std::span<Real>(tmp.data(), n), seed, stream, opt);
    Derived &x = out.derived();
    Eigen::Index k = 0;
    if constexpr (bool(Derived::IsRowMajor)) {
        for (Eigen::Index r = 0; r < x.rows(); ++r)
            for (Eigen::Index c = 0; c < x.cols(); ++c)
                x.coeffRef(r, c) = tmp[k++];
    } else {
        for (Eigen::Index c = 0; c < x.cols(); ++c)
            for (Eigen::Index r = 0; r < x.rows(); ++r)
                x.coeffRef(r, c) = tmp[k++];
    }
}

/// The same for temporaries such as `m.col(0)`, `m.block(...)` or an
/// Eigen::Map constructed in the call.
template <class Derived>
requires std::is_floating_point_v<typename Derived::Scalar>
void sample(const stable_distribution<typename Derived::Scalar> &d,
            Eigen::DenseBase<Derived> &&out, std::uint64_t seed, std::uint64_t stream = 0,
            sample_options opt = {}) {
    sample(d, out, seed, stream, opt);
}

/// A new Eigen array of n draws (see sample()).
template <class Real>
Eigen::Array<Real, Eigen::Dynamic, 1>
sample_array(const stable_distribution<Real> &d, std::size_t n, std::uint64_t seed,
             std::uint64_t stream = 0, sample_options opt = {}) {
    Eigen::Array<Real, Eigen::Dynamic, 1> a(static_cast<Eigen::Index>(n));
    sample(d, a, seed, stream, opt);
    return a;
}

/// Per-coordinate alpha-stable noise (Battash & Lindenbaum 2023 eq. 3: every
/// parameter i has its own tail index alpha_i and scale): out[i] ~
/// S(alpha[i], beta, scale[i], 0; p), sample opt.first_index + i of (seed,
/// stream) under the index rule above. `scale` has out.size() entries or one
/// (shared). The CMS coefficients are computed per SIMD lane, so mixed
/// alphas run at SIMD speed. Throws std::invalid_argument naming the first
/// bad alpha[i] / scale[i] / beta, or mismatched sizes.
template <class Real>
void sample_coordinates(std::span<const Real> alpha, std::span<const Real> scale, Real beta,
                        parameterization p, std::span<Real> out, std::uint64_t seed,
                        std::uint64_t stream = 0, sample_options opt = {}) {
    constexpr std::string_view where = "levysgd::sample_coordinates";
    const std::size_t n = out.size();
    detail::check_coordinate_laws(where, alpha, scale, beta, p, n);

    constexpr Real top = std::numeric_limits<Real>::max();
    using B = detail::real_batch<Real>;
    constexpr std::size_t W = B::size;
    constexpr std::size_t K = detail::stable_chunk<Real>;
    constexpr std::size_t H = detail::stable_halves<Real>;
    const bool s1 = p == parameterization::S1;
    const bool one_sided = beta == Real(1) || beta == Real(-1);
    const B vbeta(beta);
    // log scale for the kernel's large-exponent branch (fast_log needs normals)
    const bool shared_scale = scale.size() == 1;
    const B shared_log_scale(shared_scale ? Real(std::log(double(scale[0]))) : Real(0));
    const auto log_of_scale = [](const B &s) {
        return xsimd::any(s < B(std::numeric_limits<Real>::min())) ? xsimd::log(s)
                                                                   : detail::fast_log(s);
    };
    detail::for_each_stable_chunk(
        where, out, seed, stream, opt, beta == Real(0),
        [&](auto sym, std::uint64_t chunk, const auto &in, Real *dst, std::size_t lo,
            std::size_t hi, bool partial) {
            // Parameters of the chunk's lanes; outside [lo, hi) padded with alpha = 2.
            alignas(detail::simd_arch::alignment()) std::array<Real, K> a_buf, s_buf;
            const std::size_t off = static_cast<std::size_t>(chunk * K + lo - opt.first_index);
            const Real *a_ptr;
            const Real *s_ptr;
            if (!partial && scale.size() == n) {
                a_ptr = alpha.data() + off;
                s_ptr = scale.data() + off;
            } else {
                for (std::size_t j = 0; j < K; ++j) {
                    const bool inside = j >= lo && j < hi;
                    a_buf[j] = inside ? alpha[off + j - lo] : Real(2);
                    s_buf[j] =
                        scale.size() == 1 ? scale[0] : (inside ? scale[off + j - lo] : Real(1));
                }
                a_ptr = a_buf.data();
                s_ptr = s_buf.data();
            }
            B a[H], s_out[H]; // in output order
            for (std::size_t h = 0; h < H; ++h) {
                a[h] = B::load_unaligned(a_ptr + h * W);
                s_out[h] = B::load_unaligned(s_ptr + h * W);
            }
            // Batch h of the kernel: output batch h (double); float lanes hold
            // samples 2j (even) and 2j+1 (odd) of its two batches: de-interleave.
            const auto kernel_order = [](const B *v, std::size_t h) {
                if constexpr (std::is_same_v<Real, double>)
                    return v[h];
                else
                    return detail::even_or_odd_lanes(v[0], v[1], h);
            };
            detail::cms_coefficients<B> k[H];
            detail::cms_shift_scale_output<B> o[H];
            for (std::size_t h = 0; h < H; ++h) {
                k[h] = detail::make_cms_coefficients(kernel_order(a, h), vbeta);
                const B s = shared_scale ? s_out[0] : kernel_order(s_out, h);
                o[h].mul = s;
                o[h].log_mul = shared_scale ? shared_log_scale : log_of_scale(s);
                o[h].shift = s1 ? k[h].zeta : B(Real(0));
                o[h].far_add = s1 ? B(Real(0)) : xsimd::clip(s * k[h].zeta, B(-top), B(top));
            }
            B z[H];
            detail::stable_chunk_s0<Real, decltype(sym)::value>(
                in, [&](int half) -> const auto & { return k[half]; },
                [&](int half) -> const auto & { return o[half]; }, z);
            B zeta[H]; // in output order, like z
            if constexpr (std::is_same_v<Real, double>) {
                for (std::size_t h = 0; h < H; ++h)
                    zeta[h] = k[h].zeta;
            } else {
                detail::interleave(k[0].zeta, k[1].zeta, zeta[0], zeta[1]);
            }
            for (std::size_t h = 0; h < H; ++h) {
                const B s = s_out[h];
                B x = s1 ? detail::s1_alpha_one_shift(z[h], a[h], vbeta, s) : z[h];
                // alpha < 1, |beta| = 1: a half line, which rounding must not
                // leave (as sample() clamps): x >= 0 (S1) or x >= s zeta (S0)
                // for beta = 1, mirrored for beta = -1.
                if (one_sided) {
                    const B edge = s1 ? B(Real(0)) : s * zeta[h];
                    const auto below = a[h] < B(Real(1));
                    x = xsimd::select(below, beta > 0 ? xsimd::max(x, edge) : xsimd::min(x, edge),
                                      x);
                }
                x.store_unaligned(dst + h * W);
            }
        });
}

} // namespace levysgd
