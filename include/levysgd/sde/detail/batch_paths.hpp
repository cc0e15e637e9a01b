#pragma once
// SIMD fast path of the escape and path studies for low, fixed dimensions:
// one xsimd batch lane per path, so a thread advances B::size paths with one
// instruction stream (the scalar step of a 1-D problem costs ~70
// instructions, more than drawing its Gaussian noise). Taken when every
// piece provides a batch form: the potential gradient_batch(), the domain
// contains_batch(), a built-in noise model with a constant scheduler
// (gaussian_noise, stable_noise) and a built-in integrator (euler,
// tamed_euler, sgd_recursion). Each path still draws its noise from its own
// stream (per-lane sources, gathered), so results do not depend on which
// lane or thread ran a path. Each lane performs the scalar path's operations
// in the same order; the two agree to rounding (the compiler may fuse
// multiply-adds differently), and a given configuration always takes the
// same path, so a study's results never depend on the thread count.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "../../detail/nan.hpp"
#include "../integrators.hpp"
#include "../noise.hpp"
#include "../scheduler.hpp"

namespace levysgd::detail {

template <class Real> using path_batch = xsimd::batch<Real, xsimd::default_arch>;

template <class P, class B>
concept batch_potential = (P::dim >= 1 && P::dim <= 4) &&
                          requires(const P &p, const std::array<B, P::dim> &x,
                                   std::array<B, P::dim> &g) {
    p.gradient_batch(x, g);
};

template <class D, class B, int Dim>
concept batch_domain = requires(const D &d, const std::array<B, Dim> &x) {
    { d.contains_batch(x) } -> std::convertible_to<typename B::batch_bool_type>;
};

/// A domain that contains everything (simulate_paths).
struct whole_space {
    template <class V> bool contains(const V &) const noexcept { return true; }
    template <class V> exit_info exit(const V &) const noexcept { return {}; }
    template <class B, std::size_t N>
    typename B::batch_bool_type contains_batch(const std::array<B, N> &) const noexcept {
        return B(0) == B(0);
    }
};

// Noise models with a batch form: dn = factors applied to the gathered innovations.
template <class N> inline constexpr bool batch_noise = false;
template <class R>
inline constexpr bool batch_noise<gaussian_noise<R, constant_scheduler<R>>> = true;
template <class R> inline constexpr bool batch_noise<stable_noise<R, constant_scheduler<R>>> = true;

template <class I> inline constexpr bool batch_integrator = false;
template <class R> inline constexpr bool batch_integrator<euler<R>> = true;
template <class R> inline constexpr bool batch_integrator<tamed_euler<R>> = true;
template <class R> inline constexpr bool batch_integrator<sgd_recursion<R>> = true;

/// Time step of the noise increment: dt, or 1 for the SGD recursion's gradient noise.
template <class I, class R> R noise_step(const I &i) noexcept {
    if constexpr (std::is_same_v<I, sgd_recursion<R>>)
        return R(1);
    else
        return i.time_step();
}

template <class P, class N, class I, class D> consteval bool batch_capable_impl() {
    // The dimension first: with Dim = Eigen::Dynamic, batch_domain's
    // std::array<B, Dim> would be a hard error, not a failed constraint.
    if constexpr (P::dim >= 1 && P::dim <= 4)
        return batch_potential<P, path_batch<typename P::scalar_type>> &&
               batch_domain<D, path_batch<typename P::scalar_type>, P::dim> && batch_noise<N> &&
               batch_integrator<I>;
    else
        return false;
}
template <class P, class N, class I, class D>
inline constexpr bool batch_capable = batch_capable_impl<P, N, I, D>();

/// dn from the lanes' innovations z[j] (n values each).
template <class N, class Src, class B, std::size_t Dim, std::size_t W>
LEVYSGD_INLINE void batch_noise_increment(const N &noise, const Src &src0,
                                          const std::array<const typename B::value_type *, W> &z,
                                          std::array<B, Dim> &dn) noexcept {
    using R = typename B::value_type;
    std::array<B, Dim> zb;
    for (std::size_t i = 0; i < Dim; ++i) {
        alignas(B::arch_type::alignment()) std::array<R, W> t;
        for (std::size_t j = 0; j < W; ++j)
            t[j] = z[j][i];
        zb[i] = B::load_aligned(t.data());
    }
    if constexpr (std::is_same_v<N, gaussian_noise<R, constant_scheduler<R>>>) {
        const auto &root = noise.covariance_root();
        if (root.size() == 0) {
            const B c(src0.iso_factor());
            for (std::size_t i = 0; i < Dim; ++i)
                dn[i] = c * zb[i];
        } else {
            // Eigen's fixed-size product: sum_k root(i, k) z_k, k ascending.
            const B f(src0.root_factor());
            for (std::size_t i = 0; i < Dim; ++i) {
                B acc = B(R(root(Eigen::Index(i), 0))) * zb[0];
                for (std::size_t k = 1; k < Dim; ++k)
                    acc = acc + B(R(root(Eigen::Index(i), Eigen::Index(k)))) * zb[k];
                dn[i] = f * acc;
            }
        }
    } else {
        const R *f = src0.factors();
        for (std::size_t i = 0; i < Dim; ++i)
            dn[i] = B(f[i]) * zb[i];
    }
}

/// x <- one integrator step given g = grad f(x) and the noise increment dn.
template <class I, class B, std::size_t Dim>
LEVYSGD_INLINE void batch_update(const I &integ, std::array<B, Dim> &x, const std::array<B, Dim> &g,
                                 const std::array<B, Dim> &dn) noexcept {
    using R = typename B::value_type;
    if constexpr (std::is_same_v<I, euler<R>>) {
        const B dt(integ.dt);
        for (std::size_t i = 0; i < Dim; ++i)
            x[i] = x[i] + (dn[i] - dt * g[i]);
    } else if constexpr (std::is_same_v<I, tamed_euler<R>>) {
        B ss = g[0] * g[0];
        for (std::size_t i = 1; i < Dim; ++i)
            ss = ss + g[i] * g[i];
        const B dt(integ.dt);
        const B c = dt / (B(R(1)) + dt * xsimd::sqrt(ss));
        for (std::size_t i = 0; i < Dim; ++i)
            x[i] = x[i] + (dn[i] - c * g[i]);
    } else {
        const B eta(integ.eta);
        for (std::size_t i = 0; i < Dim; ++i)
            x[i] = x[i] - eta * (g[i] + dn[i]);
    }
}

/// Runs paths [lo, hi) in SIMD lanes until each leaves `domain`, becomes
/// non-finite or reaches max_steps; finish(path, steps, x, status) receives
/// each path's end (x an Eigen vector).
template <class P, class N, class I, class D, class Finish>
void run_batch_paths(const P &potential, const N &noise, const I &integ, const D &domain,
                     const state_vector<P> &x0, std::size_t lo, std::size_t hi, std::uint64_t seed,
                     std::uint64_t first_stream, std::uint64_t max_steps, Finish &&finish) {
    using R = typename P::scalar_type;
    using B = path_batch<R>;
    constexpr std::size_t W = B::size;
    constexpr std::size_t Dim = static_cast<std::size_t>(P::dim);
    using Src = decltype(noise.make_source(seed));
    std::vector<Src> src;
    src.reserve(W);
    for (std::size_t j = 0; j < W; ++j)
        src.push_back(noise.make_source(seed));
    const R h = noise_step<I, R>(integ);
    src[0].update(R(0), h);
    static const std::array<R, Dim> zeros{};

    alignas(B::arch_type::alignment()) std::array<std::array<R, W>, Dim> xs;
    std::array<B, Dim> x, g, dn;
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
        } else {
            active[j] = false;
        }
        for (std::size_t i = 0; i < Dim; ++i)
            xs[i][j] = x0[Eigen::Index(i)];
    };
    for (std::size_t j = 0; j < W; ++j)
        start_lane(j);
    for (std::size_t i = 0; i < Dim; ++i)
        x[i] = B::load_aligned(xs[i].data());
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
        batch_noise_increment(noise, src[0], z, dn);
        batch_update(integ, x, g, dn);
        ++since;
        // One predicate for scalars and batches (detail/nan.hpp): x != x is
        // an ordered compare on AVX and never flagged NaN there.
        auto bad = is_non_finite(x[0]);
        for (std::size_t i = 1; i < Dim; ++i)
            bad = bad || is_non_finite(x[i]);
        const auto out = !domain.contains_batch(x);
        const bool some_end = xsimd::any((bad || out) && live);
        if (--countdown > 0 && !some_end)
            continue;
        // Some lane ended: bring its bookkeeping up to date and restart it.
        for (std::size_t i = 0; i < Dim; ++i)
            x[i].store_aligned(xs[i].data());
        alignas(B::arch_type::alignment()) std::array<R, W> badv, outv;
        xsimd::select(bad, B(R(1)), B(R(0))).store_aligned(badv.data());
        xsimd::select(out, B(R(1)), B(R(0))).store_aligned(outv.data());
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
            else if (outv[j] != R(0))
                st = path_status::exited;
            else if (k[j] >= max_steps)
                st = path_status::censored;
            else
                continue;
            state_vector<P> xe(x0);
            for (std::size_t i = 0; i < Dim; ++i)
                xe[Eigen::Index(i)] = xs[i][j];
            finish(path[j], k[j], xe, st);
            --n_active;
            start_lane(j);
        }
        since = 0;
        for (std::size_t i = 0; i < Dim; ++i)
            x[i] = B::load_aligned(xs[i].data());
        countdown = countdown_of();
        live = active_mask();
    }
}

} // namespace levysgd::detail
