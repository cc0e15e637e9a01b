#pragma once
// run_paths: the public path runner. It runs N independent paths of
// dX = -grad f(X) dt + dN (or a recursion) from x0 with a potential, a noise
// model and an integrator, for at most ceil(horizon / time_step) steps, and
// lets an observer (PathObserver, sde/concepts.hpp) decide what is recorded
// and when a path stops:
//
//   auto r = levysgd::run_paths(potential, noise, integrator, x0,
//                               {.paths = 10000, .horizon = 50, .seed = 1}, observer);
//
// Path i uses Philox stream first_stream + i of the seed. Paths run in fixed
// blocks of 64; inside a block a path's end is reported to observer.finish()
// in path order, and the blocks' results are merged in block order, so the
// result is the same for any thread count (bitwise within a build).
//
// After each step the runner checks, in this order: the state became
// non-finite (status non_finite; observer.step is not called), the observer
// stops the path (status exited, alias stopped), the horizon is reached
// (censored). Low fixed dimensions (1 to 4) take the SIMD path, one xsimd
// lane per path, when every piece has its batch members
// (takes_simd_path<P, N, I, O>); otherwise up to 4 paths advance in lock
// step on the scalar path. The two agree to rounding (the compiler may fuse
// multiply-adds differently), and a given configuration always takes the
// same path.
//
// escape_study, transition_study and simulate_paths are observers on
// run_paths (sde/escape.hpp, sde/transition.hpp, sde/simulate.hpp).

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../detail/parallel.hpp"
#include "../detail/progress.hpp"
#include "../detail/validate.hpp"
#include "concepts.hpp"
#include "detail/batch_paths.hpp"

namespace levysgd {

/// Settings of run_paths and of the studies built on it.
template <class Real> struct run_options {
    std::size_t paths = 1000;
    Real horizon = 0; // time limit per path (> 0, finite): at most ceil(horizon / dt) steps
    std::uint64_t seed = 0;
    std::uint64_t first_stream = 0; // path i uses stream first_stream + i
    unsigned threads = 0;           // 0 = all hardware threads; results do not depend on it
    progress_mode progress = progress_mode::automatic;
    progress_callback on_progress = {}; // also called with (paths done, paths), see progress_callback
};

/// The noise source type of a noise model.
template <class N> using noise_source_t = decltype(std::declval<const N &>().make_source(0));

namespace detail {
template <class P, class N, class I, class O> consteval bool simd_path_impl() {
    // The dimension first: with Dim = Eigen::Dynamic the batch concepts'
    // std::array<B, Dim> would be a hard error, not a failed constraint.
    if constexpr (P::dim >= 1 && P::dim <= 4)
        return BatchPotential<P> && BatchNoiseSource<noise_source_t<N>, P> &&
               BatchIntegrator<I, P> && BatchPathObserver<O, P>;
    else
        return false;
}
} // namespace detail

/// Whether run_paths takes the SIMD path for this potential, noise model,
/// integrator and observer (see sde/concepts.hpp for the batch members).
template <class P, class N, class I, class O>
inline constexpr bool takes_simd_path = detail::simd_path_impl<P, N, I, O>();

namespace detail {

/// Fixed blocks of paths (independent of the thread count).
inline constexpr std::size_t study_block = 64;
/// The most paths one call runs (a study of more is sharded with first_stream).
inline constexpr std::size_t max_study_paths = std::size_t(1) << 40;

/// ceil(paths / study_block), without the wrap-around of (paths + 63) / 64.
constexpr std::size_t path_blocks(std::size_t paths) noexcept {
    return paths / study_block + (paths % study_block != 0 ? 1 : 0);
}

/// Runs fn(b, lo, hi) for the blocks b in [block_lo, block_hi) that skip(b)
/// does not exclude (paths [lo, hi) of block b), on up to `threads` threads.
template <class Fn, class Skip>
void for_each_path_block(std::size_t paths, std::size_t block_lo, std::size_t block_hi,
                         unsigned threads, progress_bar &bar, Skip &&skip, Fn &&fn) {
    std::exception_ptr error;
    std::mutex error_m;
    std::atomic<bool> failed{false};
    parallel_ranges(block_hi - block_lo, threads, 1, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = block_lo + b0; b < block_lo + b1 && !failed.load(std::memory_order_relaxed);
             ++b) {
            if (skip(b))
                continue;
            try {
                const std::size_t lo = b * study_block, hi = std::min(paths, lo + study_block);
                fn(b, lo, hi);
                bar.add(hi - lo);
            } catch (...) {
                std::lock_guard<std::mutex> lk(error_m);
                if (!error)
                    error = std::current_exception();
                failed = true;
            }
        }
    });
    if (error)
        std::rethrow_exception(error);
}

/// Paths advanced in lock step by one thread on the scalar path: the
/// dependency chain of one step (gradient -> update -> next gradient) is
/// latency-bound in low dimension, so several independent paths in flight
/// fill the pipeline.
template <int Dim>
inline constexpr std::size_t lanes_for = (Dim != Eigen::Dynamic && Dim <= 4) ? 4 : 1;

/// One path in flight on the scalar path.
template <class Src, class V, class S> struct path_lane {
    Src src;
    V x, g, dn;
    S state{};
    std::uint64_t k = 0;
    std::size_t path = 0;
    path_status status = path_status::censored;
};

/// Runs paths [lo, hi) of the scalar path (up to 4 in flight); on_end(path,
/// steps, x, status, state) receives each path's end. A path's result
/// depends only on its own stream, not on which lane ran it.
template <class P, class N, class I, class O, class End>
void run_scalar_paths(const P &potential, const N &noise, const I &integ, const O &obs,
                      const state_vector<P> &x0, std::size_t lo, std::size_t hi,
                      std::uint64_t seed, std::uint64_t first_stream, std::uint64_t max_steps,
                      End &&on_end) {
    using Real = typename P::scalar_type;
    using V = state_vector<P>;
    using Lane = path_lane<noise_source_t<N>, V, typename O::state_type>;
    constexpr std::size_t max_lanes = lanes_for<P::dim>;
    std::vector<Lane> lanes;
    lanes.reserve(max_lanes);
    for (std::size_t j = 0; j < max_lanes; ++j)
        lanes.push_back(Lane{noise.make_source(seed), x0, x0, x0});
    const Real dt = integ.time_step();
    bool on[max_lanes] = {};
    std::size_t next = lo, active = 0;
    auto start = [&](Lane &l, std::size_t i) {
        l.src.start(first_stream + i);
        l.x = x0;
        l.k = 0;
        l.path = i;
        l.status = path_status::censored;
        l.state = obs.start(i, x0);
    };
    for (std::size_t j = 0; j < max_lanes && next < hi; ++j, ++active) {
        start(lanes[j], next++);
        on[j] = true;
    }
    while (active > 0)
        for (std::size_t j = 0; j < max_lanes; ++j) {
            if (!on[j])
                continue;
            Lane &l = lanes[j];
            integ.step(potential, l.src, l.x, Real(l.k) * dt, l.g, l.dn);
            ++l.k;
            bool ended = true;
            if (!l.x.allFinite())
                l.status = path_status::non_finite;
            else if (obs.step(l.state, l.x))
                l.status = path_status::stopped;
            else
                ended = l.k >= max_steps;
            if (!ended)
                continue;
            on_end(l.path, l.k, l.x, l.status, l.state);
            if (next < hi) {
                start(l, next++);
            } else {
                on[j] = false;
                --active;
            }
        }
}

template <class T>
concept has_dimension = requires(const T &t) {
    { t.dimension() } -> std::convertible_to<Eigen::Index>;
};

template <class Obj>
void check_same_dimension(std::string_view where, std::string_view what, const Obj &o,
                          Eigen::Index n) {
    if constexpr (has_dimension<Obj>)
        if (o.dimension() != n)
            throw_invalid(where, std::string(what) + ".dimension()", o.dimension(),
                          "must equal the potential's dimension " + std::to_string(n));
}

/// The checks every path runner shares; returns the step count
/// ceil(horizon / time_step).
template <class Real, class P, class N, class I, class X>
std::uint64_t check_study_common(std::string_view where, const P &potential, const N &noise,
                                 const I &integrator, const X &x0, std::size_t paths,
                                 std::uint64_t first_stream, Real horizon) {
    const Eigen::Index n = potential.dimension();
    if (paths == 0 || paths > max_study_paths)
        throw_invalid(where, "paths", paths, "must be in [1, 2^40]");
    // Path i uses stream first_stream + i: the last one must exist.
    if (first_stream > std::numeric_limits<std::uint64_t>::max() - (paths - 1))
        throw_invalid(where, "first_stream", first_stream,
                      "must keep first_stream + paths - 1 below 2^64 (paths = " +
                          std::to_string(paths) + ")");
    if (x0.size() != n)
        throw_invalid(where, "x0.size()", x0.size(),
                      "must equal the potential's dimension " + std::to_string(n));
    if (!x0.allFinite())
        throw_invalid(where, "x0", "non-finite entries", "must be finite");
    check_same_dimension(where, "noise", noise, n);
    const Real dt = integrator.time_step();
    if (!(dt > Real(0) && std::isfinite(dt)))
        throw_invalid(where, "integrator.time_step()", dt, "must be finite and > 0");
    if (!(horizon > Real(0) && std::isfinite(horizon)))
        throw_invalid(where, "horizon", horizon, "must be finite and > 0");
    // ceil(horizon / dt), forgiving the rounding of a ratio that is an integer.
    const double ratio = static_cast<double>(horizon) / static_cast<double>(dt);
    const double steps = std::ceil(ratio * (1 - 1e-12));
    if (!(steps < 4e18))
        throw_invalid(where, "horizon / time_step", steps, "must be < 4e18 steps");
    return static_cast<std::uint64_t>(std::max(1.0, steps));
}

/// Runs the blocks b in [block_lo, block_hi) with !skip(b) and hands each
/// block's result to on_block(b, result&&), from the worker thread that ran
/// it (blocks finish in any order). The shards, checkpoints and MPI ranks of
/// sde/study.hpp are this call over block ranges.
template <class P, class N, class I, class O, class Skip, class OnBlock>
void run_observed_blocks(const P &potential, const N &noise, const I &integ,
                         const state_vector<P> &x0,
                         const run_options<typename P::scalar_type> &opt,
                         std::uint64_t max_steps, const O &obs, std::size_t block_lo,
                         std::size_t block_hi, progress_bar &bar, Skip &&skip,
                         OnBlock &&on_block) {
    using Real = typename P::scalar_type;
    using V = state_vector<P>;
    using S = typename O::state_type;
    using R = typename O::result_type;
    struct ended {
        S state;
        path_end<Real> end;
        V x;
    };
    const Real dt = integ.time_step();
    for_each_path_block(opt.paths, block_lo, block_hi, opt.threads, bar, skip,
                        [&](std::size_t b, std::size_t lo, std::size_t hi) {
                            std::vector<std::optional<ended>> ends(hi - lo);
                            auto on_end = [&](std::size_t path, std::uint64_t k, const V &x,
                                              path_status st, const S &s) {
                                ends[path - lo].emplace(
                                    ended{s, path_end<Real>{path, k, Real(k) * dt, st}, x});
                            };
                            if constexpr (takes_simd_path<P, N, I, O>)
                                run_batch_paths(potential, noise, integ, obs, x0, lo, hi, opt.seed,
                                                opt.first_stream, max_steps, on_end);
                            else
                                run_scalar_paths(potential, noise, integ, obs, x0, lo, hi,
                                                 opt.seed, opt.first_stream, max_steps, on_end);
                            // Ends in path order, whatever lane finished first.
                            R r = obs.make_result();
                            for (auto &e : ends)
                                obs.finish(r, e->state, e->end, e->x);
                            on_block(b, std::move(r));
                        });
}

/// run_paths after the checks: max_steps steps at most per path.
template <class P, class N, class I, class O>
typename O::result_type run_observed(const P &potential, const N &noise, const I &integ,
                                     const state_vector<P> &x0,
                                     const run_options<typename P::scalar_type> &opt,
                                     std::uint64_t max_steps, const O &obs) {
    using R = typename O::result_type;
    std::vector<std::optional<R>> blocks(path_blocks(opt.paths));
    progress_bar bar(opt.paths, opt.progress, "paths", opt.on_progress);
    run_observed_blocks(potential, noise, integ, x0, opt, max_steps, obs, 0, blocks.size(), bar,
                        [](std::size_t) { return false; },
                        [&](std::size_t b, R &&r) { blocks[b].emplace(std::move(r)); });
    R total = obs.make_result();
    for (auto &r : blocks)
        obs.merge(total, std::move(*r));
    return total;
}

} // namespace detail

/// Runs opt.paths paths and returns the observer's merged result (see the
/// header comment). Throws std::invalid_argument naming the parameter for
/// paths outside [1, 2^40], first_stream + paths - 1 beyond 2^64, a
/// non-finite or mismatched x0, a noise model of another dimension, a
/// non-positive or non-finite time step or horizon.
template <Potential P, class N, class I, class O>
requires NoiseModel<N, state_vector<P>> && Integrator<I, P, noise_source_t<N>> &&
    PathObserver<O, state_vector<P>>
        typename O::result_type run_paths(const P &potential, const N &noise, const I &integrator,
                                          const state_vector<P> &x0,
                                          const run_options<typename P::scalar_type> &opt,
                                          const O &observer) {
    using Real = typename P::scalar_type;
    const std::uint64_t max_steps = detail::check_study_common<Real>(
        "levysgd::run_paths", potential, noise, integrator, x0, opt.paths, opt.first_stream,
        opt.horizon);
    return detail::run_observed(potential, noise, integrator, x0, opt, max_steps, observer);
}

} // namespace levysgd
