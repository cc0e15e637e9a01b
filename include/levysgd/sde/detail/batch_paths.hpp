#pragma once
// The SIMD path of run_paths for low, fixed dimensions: one xsimd batch lane
// per path, so a thread advances B::size paths with one instruction stream
// (the scalar step of a 1-D problem costs ~70 instructions, more than
// drawing its Gaussian noise). Taken when every piece has its batch members
// (takes_simd_path, sde/paths.hpp; the concepts in sde/concepts.hpp): the
// potential's gradient_batch(), the noise source's innovations() and
// batch_increment(), the integrator's update() over batches and the
// observer's step() over batches. Each path still draws its noise from its
// own stream (per-lane sources, gathered), so results do not depend on which
// lane or thread ran a path. Each lane performs the scalar path's operations
// in the same order; the two agree to rounding (the compiler may fuse
// multiply-adds differently).

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../../detail/nan.hpp"
#include "../concepts.hpp"

namespace levysgd::detail {

/// Runs paths [lo, hi) in SIMD lanes until each is stopped by the observer,
/// becomes non-finite or reaches max_steps; on_end(path, steps, x, status,
/// state) receives each path's end (x an Eigen vector, state the
/// observer's std::array<Real, K>).
template <class P, class N, class I, class O, class End>
void run_batch_paths(const P &potential, const N &noise, const I &integ, const O &obs,
                     const state_vector<P> &x0, std::size_t lo, std::size_t hi,
                     std::uint64_t seed, std::uint64_t first_stream, std::uint64_t max_steps,
                     End &&on_end) {
    using R = typename P::scalar_type;
    using B = path_batch<R>;
    using S = typename O::state_type;
    constexpr std::size_t W = B::size;
    constexpr std::size_t Dim = static_cast<std::size_t>(P::dim);
    constexpr std::size_t K = std::tuple_size_v<S>;
    using Src = decltype(noise.make_source(seed));
    std::vector<Src> src;
    src.reserve(W);
    for (std::size_t j = 0; j < W; ++j)
        src.push_back(noise.make_source(seed));
    // Time-homogeneous increments (BatchNoiseSource): factors for step h, once.
    src[0].update(R(0), integ.noise_step());
    static const std::array<R, Dim> zeros{};

    alignas(B::arch_type::alignment()) std::array<std::array<R, W>, Dim> xs;
    alignas(B::arch_type::alignment()) std::array<std::array<R, W>, K> ss;
    std::array<B, Dim> x, g, dn, zb;
    std::array<B, K> sb, sb_old;
    std::array<std::uint64_t, W> k{};
    std::array<std::size_t, W> path{};
    std::array<bool, W> active{};
    std::array<const R *, W> z{};
    std::size_t next = lo, n_active = 0;

    auto start_lane = [&](std::size_t j) {
        if (next < hi) {
            path[j] = next++;
            src[j].start(first_stream + path[j]);
            k[j] = 0;
            active[j] = true;
            ++n_active;
            const S s0 = obs.start(path[j], x0);
            for (std::size_t q = 0; q < K; ++q)
                ss[q][j] = s0[q];
        } else {
            active[j] = false;
            for (std::size_t q = 0; q < K; ++q)
                ss[q][j] = R(0);
        }
        for (std::size_t i = 0; i < Dim; ++i)
            xs[i][j] = x0[Eigen::Index(i)];
    };
    auto load_lanes = [&] {
        for (std::size_t i = 0; i < Dim; ++i)
            x[i] = B::load_aligned(xs[i].data());
        for (std::size_t q = 0; q < K; ++q)
            sb[q] = B::load_aligned(ss[q].data());
    };
    for (std::size_t j = 0; j < W; ++j)
        start_lane(j);
    load_lanes();
    // Steps until the earliest active lane reaches max_steps.
    auto countdown_of = [&] {
        std::uint64_t c = max_steps;
        for (std::size_t j = 0; j < W; ++j)
            if (active[j])
                c = std::min(c, max_steps - k[j]);
        return c;
    };
    std::uint64_t countdown = countdown_of();
    // Lanes that carry a path: idle lanes (end of the block) never end a step.
    using BB = typename B::batch_bool_type;
    auto active_mask = [&] {
        alignas(B::arch_type::alignment()) std::array<R, W> a;
        for (std::size_t j = 0; j < W; ++j)
            a[j] = active[j] ? R(1) : R(0);
        return B::load_aligned(a.data()) > B(R(0.5));
    };
    BB live = active_mask();
    std::uint64_t since = 0; // steps since k[] was last brought up to date
    while (n_active > 0) {
        for (std::size_t j = 0; j < W; ++j)
            z[j] = active[j] ? src[j].innovations() : zeros.data();
        potential.gradient_batch(x, g);
        // Gather lane j's innovation i into lane j of zb[i].
        for (std::size_t i = 0; i < Dim; ++i) {
            alignas(B::arch_type::alignment()) std::array<R, W> t;
            for (std::size_t j = 0; j < W; ++j)
                t[j] = z[j][i];
            zb[i] = B::load_aligned(t.data());
        }
        src[0].batch_increment(zb, dn);
        integ.update(x, g, dn);
        ++since;
        // One predicate for scalars and batches (detail/nan.hpp): x != x is
        // an ordered compare on AVX and never flagged NaN there.
        auto bad = is_non_finite(x[0]);
        for (std::size_t i = 1; i < Dim; ++i)
            bad = bad || is_non_finite(x[i]);
        // The observer sees finite steps only, as on the scalar path.
        if constexpr (K > 0)
            sb_old = sb;
        const BB stop = obs.step(sb, x);
        if constexpr (K > 0)
            for (std::size_t q = 0; q < K; ++q)
                sb[q] = xsimd::select(bad, sb_old[q], sb[q]);
        const bool some_end = xsimd::any((bad || stop) && live);
        if (--countdown > 0 && !some_end)
            continue;
        // Some lane ended: bring its bookkeeping up to date and restart it.
        for (std::size_t i = 0; i < Dim; ++i)
            x[i].store_aligned(xs[i].data());
        for (std::size_t q = 0; q < K; ++q)
            sb[q].store_aligned(ss[q].data());
        alignas(B::arch_type::alignment()) std::array<R, W> badv, stopv;
        xsimd::select(bad, B(R(1)), B(R(0))).store_aligned(badv.data());
        xsimd::select(stop, B(R(1)), B(R(0))).store_aligned(stopv.data());
        for (std::size_t j = 0; j < W; ++j) {
            if (!active[j]) { // idle lanes (end of the block) stay at x0
                for (std::size_t i = 0; i < Dim; ++i)
                    xs[i][j] = x0[Eigen::Index(i)];
                continue;
            }
            k[j] += since;
            path_status st;
            if (badv[j] != R(0))
                st = path_status::non_finite;
            else if (stopv[j] != R(0))
                st = path_status::stopped;
            else if (k[j] >= max_steps)
                st = path_status::censored;
            else
                continue;
            state_vector<P> xe(x0);
            for (std::size_t i = 0; i < Dim; ++i)
                xe[Eigen::Index(i)] = xs[i][j];
            S se{};
            for (std::size_t q = 0; q < K; ++q)
                se[q] = ss[q][j];
            on_end(path[j], k[j], xe, st, se);
            --n_active;
            start_lane(j);
        }
        since = 0;
        load_lanes();
        countdown = countdown_of();
        live = active_mask();
    }
}

} // namespace levysgd::detail
