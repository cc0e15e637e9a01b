#pragma once
// Per-thread body of the CUDA escape study (host/device; no CUDA runtime):
// one thread per path, path i on Philox stream first_stream + i of the seed,
// as the CPU's escape_study (sde/escape.hpp, sde/paths.hpp). A step is the
// CPU's: g = grad f(x) (the potential's gradient on a std::array state),
// the noise increment dn_l = factor_l z_l with z_l innovation k m + l of the
// path's stream: the standard SaS value for stable_noise, the standard
// normal of the CPU's fill_normal rule (core::fill_variate_at) for isotropic
// gaussian_noise (sde/noise.hpp; the factor from the noise's own source),
// and the CPU integrator's own update(x, g, dn)
// (euler, tamed_euler, sgd_recursion: sde/integrators.hpp). A path stops
// when its state is not finite, when it leaves the domain, or at the horizon.
// host_escape_paths runs the body on the CPU; escape_result_of turns the
// paths' records into the CPU's escape_result. simulate_paths is the same
// body in the whole space (whole_space: no exit), its records turned into
// the CPU's terminal_states (terminal_states_of).

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../config.hpp"
#include "../core/fill_rule.hpp"
#include "../core/stable_plan.hpp"
#include "../core/well.hpp"
#include "../sde/domains.hpp"
#include "../sde/escape.hpp"
#include "../sde/integrators.hpp"
#include "../sde/transition.hpp"
#include "../sde/noise.hpp"
#include "../sde/potentials.hpp"
#include "../sde/simulate.hpp"
#include "grid.hpp"

namespace levysgd::cuda {

/// A potential the device can run: trivially copyable (it is passed to the
/// kernel by value), a fixed dimension dim >= 1 and a gradient on a
/// std::array state, marked LEVYSGD_HOST_DEVICE.
template <class P>
concept DevicePotential =
    std::is_trivially_copyable_v<P> && requires { typename P::scalar_type; } && (P::dim >= 1) &&
    requires(const P &p, const std::array<typename P::scalar_type, std::size_t(P::dim)> &x,
             std::array<typename P::scalar_type, std::size_t(P::dim)> &g) {
        p.gradient(x, g);
        { p.dimension() } -> std::convertible_to<Eigen::Index>;
    };

/// The message of the entry points' static_assert on DevicePotential (a
/// string literal: each appends it to its own name).
#define LEVYSGD_CUDA_DEVICE_POTENTIAL_REQUIREMENT                                                  \
    "the potential must be a DevicePotential: trivially copyable, a fixed dim >= 1 and a "        \
    "LEVYSGD_HOST_DEVICE gradient(x, g) on std::array states (for a polynomial_well w, pass "     \
    "cuda::well_potential(w))"

/// A domain the device can run: trivially copyable, with LEVYSGD_HOST_DEVICE
/// contains(x) on a std::array state (exit(x) runs on the host).
template <class D, class Real, int Dim>
concept DeviceDomain =
    std::is_trivially_copyable_v<D> && requires(const D &d, const std::array<Real, std::size_t(Dim)> &x) {
        { d.contains(x) } -> std::convertible_to<bool>;
    };

/// The device form of sde::polynomial_well (up to 9 critical points): the
/// same derivative (core::polynomial_well_derivative).
template <class Real = double> struct well_potential {
    using scalar_type = Real;
    static constexpr int dim = 1;
    static constexpr std::size_t max_critical = 9;
    Real a = 1;
    Real crit[max_critical] = {};
    std::size_t m = 0;

    well_potential() = default;
    explicit well_potential(const polynomial_well<Real> &w) : a(w.a()) {
        const auto &c = w.critical_points();
        if (c.size() > max_critical)
            levysgd::detail::throw_invalid("levysgd::cuda::well_potential", "critical points",
                                           c.size(), "must be at most 9 on the device");
        m = c.size();
        for (std::size_t j = 0; j < m; ++j)
            crit[j] = c[j];
    }
    Eigen::Index dimension() const noexcept { return 1; }
    template <class V, class G> LEVYSGD_HOST_DEVICE void gradient(const V &x, G &g) const noexcept {
        g[0] = core::polynomial_well_derivative(x[0], a, crit, m);
    }
};

/// One path's end, as the device writes it: path_status, steps, final state.
template <class Real, int Dim> struct device_path_record {
    std::uint64_t steps = 0;
    std::uint8_t status = 0;
    Real point[Dim] = {};
};
inline constexpr std::uint8_t status_exited = static_cast<std::uint8_t>(path_status::exited);
inline constexpr std::uint8_t status_censored = static_cast<std::uint8_t>(path_status::censored);
inline constexpr std::uint8_t status_non_finite =
    static_cast<std::uint8_t>(path_status::non_finite);

/// What every path of a study shares (by value: part of the kernel's
/// parameter): the problem, the noise's factors and laws, the streams.
template <class Real, int Dim, class P, class I> struct path_problem {
    P potential;
    I integrator;
    Real x0[Dim] = {};
    Real factor[Dim] = {};                  // the noise source's increment scale per coordinate
    core::stable_plan<Real> plan[Dim] = {}; // standard S(alpha_l, 0, 1, 0; S0)
    bool normal = false;                    // gaussian_noise: z_l standard normal
    std::uint64_t seed = 0, first_stream = 0, max_steps = 0;
    std::size_t paths = 0;
};

/// Step k of path `stream`: x <- the integrator's update with g = grad f(x)
/// and dn_l = factor_l z_l, z_l innovation k m + l of the stream (standard
/// normal: the CPU source's fill_normal value at that index).
template <class Real, int Dim, class P, class I, class S>
LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void path_step(const path_problem<Real, Dim, P, I> &pr,
                                                  std::uint64_t stream, std::uint64_t k, S &x,
                                                  S &g, S &dn) noexcept {
    pr.potential.gradient(x, g);
    for (int l = 0; l < Dim; ++l) {
        const std::uint64_t i = k * std::uint64_t(Dim) + l;
        dn[l] = pr.factor[l] *
                (pr.normal ? core::fill_variate_at<core::variate::normal, Real>(pr.seed, stream, i)
                           : core::stable_variate_at(pr.plan[l], pr.seed, stream, i));
    }
    pr.integrator.update(x, g, dn);
}

template <class Real, int Dim, class S> LEVYSGD_HOST_DEVICE bool all_finite(const S &x) noexcept {
    bool finite = true;
    for (int l = 0; l < Dim; ++l)
        finite = finite && x[l] - x[l] == 0;
    return finite;
}

/// The escape study's arguments.
template <class Real, int Dim, class P, class I, class D> struct escape_args {
    path_problem<Real, Dim, P, I> prob;
    D domain;
    device_path_record<Real, Dim> *out = nullptr;
};

/// Thread t's paths (grid-stride loop over path indices).
template <class Real, int Dim, class P, class I, class D>
LEVYSGD_HOST_DEVICE void escape_path_body(const escape_args<Real, Dim, P, I, D> &a,
                                          thread_index t) noexcept {
    using S = std::array<Real, std::size_t(Dim)>;
    const auto &pr = a.prob;
    for (std::uint64_t i = t.global(); i < pr.paths; i += t.stride()) {
        const std::uint64_t stream = pr.first_stream + i;
        S x, g, dn;
        for (int l = 0; l < Dim; ++l)
            x[l] = pr.x0[l];
        std::uint64_t k = 0;
        std::uint8_t status = status_censored;
        while (true) {
            path_step(pr, stream, k, x, g, dn);
            ++k;
            if (!all_finite<Real, Dim>(x)) {
                status = status_non_finite;
                break;
            }
            if (!a.domain.contains(x)) {
                status = status_exited;
                break;
            }
            if (k >= pr.max_steps)
                break;
        }
        auto &r = a.out[i];
        r.steps = k;
        r.status = status;
        for (int l = 0; l < Dim; ++l)
            r.point[l] = x[l];
    }
}

/// A basin classifier the device can run: trivially copyable, basins() and
/// a LEVYSGD_HOST_DEVICE basin(x) on std::array states.
template <class C, class Real, int Dim>
concept DeviceClassifier =
    std::is_trivially_copyable_v<C> && requires(const C &c, const std::array<Real, std::size_t(Dim)> &x) {
        { c.basins() } -> std::convertible_to<int>;
        { c.basin(x) } -> std::convertible_to<int>;
    };

/// The device form of sde::interval_basins (up to max_basins intervals): the
/// same rule (core::interval_basin).
template <class Real = double> struct device_interval_basins {
    static constexpr int max_basins = 8;
    Real lo[max_basins] = {}, hi[max_basins] = {};
    int k = 0;
    device_interval_basins() = default;
    explicit device_interval_basins(const interval_basins<Real> &b) : k(b.basins()) {
        if (k > max_basins)
            levysgd::detail::throw_invalid("levysgd::cuda::device_interval_basins", "basins()", k,
                                           "must be at most 8 on the device");
        for (int i = 0; i < k; ++i) {
            lo[i] = b.lo()[std::size_t(i)];
            hi[i] = b.hi()[std::size_t(i)];
        }
    }
    int basins() const noexcept { return k; }
    template <class V> LEVYSGD_HOST_DEVICE int basin(const V &x) const noexcept {
        return core::interval_basin(Real(x[0]), lo, hi, std::size_t(k));
    }
};

/// One path of a transition study, as the device writes it (K <= MaxK
/// basins): its last label, steps under each label (index K: unlabelled),
/// transitions i -> j at i K + j; bad: set when the classifier returned a
/// label outside [-1, K), with the state where it did.
template <class Real, int Dim, int MaxK> struct device_transition_record {
    std::uint8_t status = 0, bad = 0;
    int label = -1;
    std::uint64_t steps_in[MaxK + 1] = {};
    std::uint64_t counts[MaxK * MaxK] = {};
    Real point[Dim] = {};
};

/// The transition study's arguments (at most MaxK basins).
template <class Real, int Dim, class P, class I, class C, int MaxK> struct transition_args {
    path_problem<Real, Dim, P, I> prob;
    C classifier;
    int label0 = -1, basins = 0; // classifier.basins(), from the host
    device_transition_record<Real, Dim, MaxK> *out = nullptr;
};

/// Thread t's paths: each runs to the horizon (or until its state is not
/// finite) and counts its basin changes, as the CPU's transition_observer.
template <class Real, int Dim, class P, class I, class C, int MaxK>
LEVYSGD_HOST_DEVICE void transition_path_body(const transition_args<Real, Dim, P, I, C, MaxK> &a,
                                              thread_index t) noexcept {
    using S = std::array<Real, std::size_t(Dim)>;
    const auto &pr = a.prob;
    const int K = a.basins;
    for (std::uint64_t i = t.global(); i < pr.paths; i += t.stride()) {
        auto &r = a.out[i];
        for (int j = 0; j <= K; ++j)
            r.steps_in[j] = 0;
        for (int j = 0; j < K * K; ++j)
            r.counts[j] = 0;
        r.bad = 0;
        const std::uint64_t stream = pr.first_stream + i;
        S x, g, dn;
        for (int l = 0; l < Dim; ++l)
            x[l] = pr.x0[l];
        int label = a.label0;
        std::uint8_t status = status_censored;
        for (std::uint64_t k = 0; k < pr.max_steps;) {
            path_step(pr, stream, k, x, g, dn);
            ++k;
            if (!all_finite<Real, Dim>(x)) {
                status = status_non_finite; // the host's finish counts this step
                break;
            }
            ++r.steps_in[label < 0 ? K : label]; // the label held at the step's start
            const int b = a.classifier.basin(x);
            if (b < -1 || b >= K) {
                r.bad = 1; // the host repeats basin(x) and throws the CPU's error
                break;
            }
            if (b >= 0 && b != label) {
                if (label >= 0)
                    ++r.counts[label * K + b];
                label = b;
            }
        }
        r.status = status;
        r.label = label;
        for (int l = 0; l < Dim; ++l)
            r.point[l] = x[l];
    }
}

/// The kernel on the CPU.
template <class Real, int Dim, class P, class I, class D>
void host_escape_paths(const escape_args<Real, Dim, P, I, D> &a, launch_shape shape) {
    host_launch(shape, [&](thread_index t) { escape_path_body(a, t); });
}

namespace detail {
template <class I> concept explicit_integrator = requires(const I &i) {
    i.noise_step();
};

/// stable_noise's factors and laws, from its own source.
template <class Real, int Dim, class P, class I, class Sched>
void set_noise(path_problem<Real, Dim, P, I> &pr, const stable_noise<Real, Sched> &noise,
               std::string_view, Real h) {
    auto src = noise.make_source(pr.seed);
    src.update(Real(0), h);
    for (int l = 0; l < Dim; ++l) {
        pr.factor[l] = src.factors()[l];
        pr.plan[l] = core::make_stable_plan<Real>(noise.alpha()[std::size_t(l)], 0.0, 1.0, 0.0,
                                                  parameterization::S0);
    }
}

/// Isotropic gaussian_noise: every coordinate's factor is the source's
/// iso_factor() = sigma sqrt(s h); a full covariance is refused.
template <class Real, int Dim, class P, class I, class Sched>
void set_noise(path_problem<Real, Dim, P, I> &pr, const gaussian_noise<Real, Sched> &noise,
               std::string_view where, Real h) {
    if (noise.covariance_root().size() != 0)
        levysgd::detail::throw_invalid(where, "noise", "gaussian_noise::with_covariance",
                                       "must be isotropic on the device "
                                       "(gaussian_noise::isotropic or from_diffusion)");
    auto src = noise.make_source(pr.seed);
    src.update(Real(0), h);
    for (int l = 0; l < Dim; ++l)
        pr.factor[l] = src.iso_factor();
    pr.normal = true;
}

template <class N, class Real> struct is_device_noise : std::false_type {};
template <class Real, class Sched>
struct is_device_noise<stable_noise<Real, Sched>, Real>
    : std::bool_constant<levysgd::detail::is_constant_scheduler<Sched>> {};
template <class Real, class Sched>
struct is_device_noise<gaussian_noise<Real, Sched>, Real>
    : std::bool_constant<levysgd::detail::is_constant_scheduler<Sched>> {};
} // namespace detail

/// A noise model the device can run: stable_noise or gaussian_noise (isotropic,
/// checked at the call) of scalar type Real with a constant scheduler.
template <class N, class Real>
concept DeviceNoise = detail::is_device_noise<N, Real>::value;

namespace detail {
/// The shared part of a study's arguments (after the checks).
template <class P, class N, class I>
path_problem<typename P::scalar_type, P::dim, P, I>
make_path_problem(std::string_view where, const P &potential, const N &noise, const I &integrator,
                  const state_vector<P> &x0, std::uint64_t seed, std::uint64_t first_stream,
                  std::size_t paths, std::uint64_t max_steps) {
    using Real = typename P::scalar_type;
    static_assert(DeviceNoise<N, Real>,
                  "levysgd::cuda: the noise must be stable_noise or gaussian_noise of the "
                  "potential's scalar type, with a constant scheduler");
    static_assert(explicit_integrator<I>,
                  "levysgd::cuda: the integrator must be an explicit scheme (euler, tamed_euler, "
                  "sgd_recursion or one with noise_step() and a LEVYSGD_HOST_DEVICE "
                  "update(x, g, dn))");
    path_problem<Real, P::dim, P, I> pr{potential, integrator};
    for (int l = 0; l < P::dim; ++l)
        pr.x0[l] = x0[l];
    pr.seed = seed;
    set_noise(pr, noise, where, integrator.noise_step());
    pr.first_stream = first_stream;
    pr.paths = paths;
    pr.max_steps = max_steps;
    return pr;
}

/// escape_study's checks (the CPU's, same messages under `where`) and the
/// kernel's arguments.
template <class P, class N, class I, class D>
escape_args<typename P::scalar_type, P::dim, P, I, D>
make_escape_args(std::string_view where, const P &potential, const N &noise, const I &integrator,
                 const D &domain, const state_vector<P> &x0,
                 const escape_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    const std::uint64_t max_steps =
        levysgd::detail::check_escape_study<Real>(where, potential, noise, integrator, domain, x0,
                                                  opt);
    return {make_path_problem(where, potential, noise, integrator, x0, opt.seed,
                              opt.first_stream, opt.paths, max_steps),
            domain, nullptr};
}
} // namespace detail

/// The domain of simulate_paths on the device: a path never leaves it.
struct whole_space {
    template <class V> LEVYSGD_HOST_DEVICE bool contains(const V &) const noexcept { return true; }
};

namespace detail {
/// simulate_paths' checks (the CPU's, messages under `where`) and the
/// kernel's arguments: the escape body in the whole space.
template <class P, class N, class I>
escape_args<typename P::scalar_type, P::dim, P, I, whole_space>
make_simulate_args(std::string_view where, const P &potential, const N &noise,
                   const I &integrator, const state_vector<P> &x0,
                   const path_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    const std::uint64_t steps = levysgd::detail::check_study_common<Real>(
        where, potential, noise, integrator, x0, opt.paths, opt.first_stream, opt.horizon);
    return {make_path_problem(where, potential, noise, integrator, x0, opt.seed,
                              opt.first_stream, opt.paths, steps),
            whole_space{}, nullptr};
}
} // namespace detail

/// The CPU's terminal_states from the paths' records (column i: path i's
/// last state; non_finite: the paths stopped by an inf/NaN state).
template <class Real, int Dim>
terminal_states<Real, Dim> terminal_states_of(std::span<const device_path_record<Real, Dim>> rec,
                                              std::uint64_t steps, Real dt) {
    terminal_states<Real, Dim> r;
    r.states.resize(Dim, static_cast<Eigen::Index>(rec.size()));
    for (std::size_t i = 0; i < rec.size(); ++i) {
        for (int l = 0; l < Dim; ++l)
            r.states(l, static_cast<Eigen::Index>(i)) = rec[i].point[l];
        r.non_finite += rec[i].status == status_non_finite;
    }
    r.steps = steps;
    r.time_step = dt;
    return r;
}

namespace detail {
/// The CPU observer's result of n device path records, merged as the CPU's
/// run_observed merges its paths: one result per block of study_block paths,
/// blocks merged in order. finish_path(r, i) adds path i to its block's r.
template <class O, class F> auto merge_by_study_block(const O &obs, std::size_t n, F &&finish_path) {
    auto total = obs.make_result();
    for (std::size_t lo = 0; lo < n; lo += levysgd::detail::study_block) {
        const std::size_t hi = std::min(n, lo + levysgd::detail::study_block);
        auto r = obs.make_result();
        for (std::size_t i = lo; i < hi; ++i)
            finish_path(r, i);
        obs.merge(total, std::move(r));
    }
    return total;
}
} // namespace detail

/// The CPU's escape_result from the paths' records: each block of
/// study_block paths through the CPU's escape_observer, blocks merged in
/// order, then the CPU's finish_escape (exit times, censoring, non-finite
/// paths, channels, rate with CIs, path records if opt.keep_paths).
template <class Real, int Dim, class D>
escape_result<Real, Dim> escape_result_of(std::span<const device_path_record<Real, Dim>> rec,
                                          const D &domain, const escape_options<Real> &opt,
                                          Real dt, std::uint64_t max_steps) {
    std::vector<escape_path<Real, Dim>> records;
    if (opt.keep_paths)
        records.resize(rec.size());
    const escape_observer<D, Real, Dim> obs(domain, Dim, opt.keep_paths ? &records : nullptr);
    Eigen::Matrix<Real, Dim, 1> x;
    auto total = detail::merge_by_study_block(obs, rec.size(), [&](auto &r, std::size_t i) {
        for (int l = 0; l < Dim; ++l)
            x[l] = rec[i].point[l];
        const auto st = static_cast<path_status>(rec[i].status);
        obs.finish(r, {}, path_end<Real>{i, rec[i].steps, Real(rec[i].steps) * dt, st}, x);
    });
    auto res = levysgd::detail::finish_escape<Real, Dim>(total, opt.paths, opt.confidence, dt,
                                                         max_steps);
    res.path_records = std::move(records);
    return res;
}

/// The transition study's paths on the CPU.
template <class Real, int Dim, class P, class I, class C, int MaxK>
void host_transition_paths(const transition_args<Real, Dim, P, I, C, MaxK> &a,
                           launch_shape shape) {
    host_launch(shape, [&](thread_index t) { transition_path_body(a, t); });
}

namespace detail {
/// transition_study's checks (the CPU's, messages under `where`) and the
/// kernel's arguments.
template <int MaxK, class P, class N, class I, class C>
transition_args<typename P::scalar_type, P::dim, P, I, C, MaxK>
make_transition_args(std::string_view where, const P &potential, const N &noise,
                     const I &integrator, const C &classifier, const state_vector<P> &x0,
                     const transition_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    std::uint64_t max_steps = 0;
    const int label0 = levysgd::detail::check_transition_study<Real>(
        where, potential, noise, integrator, classifier, x0, opt, max_steps);
    if (classifier.basins() > MaxK)
        levysgd::detail::throw_invalid(where, "classifier.basins()", classifier.basins(),
                                       "must be at most " + std::to_string(MaxK) +
                                           " on the device");
    return {make_path_problem(where, potential, noise, integrator, x0, opt.seed,
                              opt.first_stream, opt.paths, max_steps),
            classifier, label0, classifier.basins(), nullptr};
}
} // namespace detail

/// The CPU's transition_result from the paths' records: each path's state
/// through the CPU's transition_observer (finish, merged per block of
/// study_block paths in order), then finish_transition. A record marked bad
/// makes the CPU's checked_basin throw its error for that state.
template <class Real, int Dim, int MaxK, class C>
transition_result<Real>
transition_result_of(std::string_view where,
                     std::span<const device_transition_record<Real, Dim, MaxK>> rec,
                     const C &classifier, int label0, std::size_t paths, Real dt) {
    const int K = classifier.basins();
    const auto Ku = static_cast<std::size_t>(K);
    const transition_observer<C, Real> obs(classifier, label0, dt, where);
    Eigen::Matrix<Real, Dim, 1> x;
    auto total = detail::merge_by_study_block(obs, rec.size(), [&](auto &r, std::size_t i) {
        for (int l = 0; l < Dim; ++l)
            x[l] = rec[i].point[l];
        if (rec[i].bad)
            levysgd::detail::checked_basin(where, classifier, K, x, "classifier.basin(x)");
        auto s = obs.start(i, x);
        s.label = rec[i].label;
        for (std::size_t j = 0; j <= Ku; ++j)
            s.steps_in[j] = rec[i].steps_in[j];
        for (std::size_t ij = 0; ij < Ku * Ku; ++ij)
            if (rec[i].counts[ij] > 0)
                s.counts[ij] = rec[i].counts[ij];
        const auto st = static_cast<path_status>(rec[i].status);
        obs.finish(r, s, path_end<Real>{i, 0, Real(0), st}, x);
    });
    return levysgd::detail::finish_transition<Real>(total, K, paths, dt);
}

} // namespace levysgd::cuda
