#pragma once
// Per-thread body of the CUDA escape study (host/device; no CUDA runtime):
// one thread per path, path i on Philox stream first_stream + i of the seed,
// as the CPU's escape_study (sde/escape.hpp, sde/paths.hpp). A step is the
// CPU's: g = grad f(x) (the potential's gradient on a std::array state),
// the noise increment dn_l = factor_l z_l with z_l the standard SaS
// innovation k m + l of the path's stream (sde/noise.hpp: stable_noise;
// the factor from its source), and the CPU integrator's own update(x, g, dn)
// (euler, tamed_euler, sgd_recursion: sde/integrators.hpp). A path stops
// when its state is not finite, when it leaves the domain, or at the horizon.
// host_escape_paths runs the body on the CPU; escape_result_of turns the
// paths' records into the CPU's escape_result.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "../config.hpp"
#include "../core/stable_plan.hpp"
#include "../core/well.hpp"
#include "../sde/domains.hpp"
#include "../sde/escape.hpp"
#include "../sde/integrators.hpp"
#include "../sde/noise.hpp"
#include "../sde/potentials.hpp"
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

/// The study's arguments (everything by value: the kernel's parameter).
template <class Real, int Dim, class P, class I, class D> struct escape_args {
    P potential;
    I integrator;
    D domain;
    Real x0[Dim] = {};
    Real factor[Dim] = {};               // stable_noise's increment scale per coordinate
    core::stable_plan<Real> plan[Dim] = {}; // standard S(alpha_l, 0, 1, 0; S0)
    std::uint64_t seed = 0, first_stream = 0, max_steps = 0;
    std::size_t paths = 0;
    device_path_record<Real, Dim> *out = nullptr;
};

/// Thread t's paths (grid-stride loop over path indices).
template <class Real, int Dim, class P, class I, class D>
LEVYSGD_HOST_DEVICE void escape_path_body(const escape_args<Real, Dim, P, I, D> &a,
                                          thread_index t) noexcept {
    using S = std::array<Real, std::size_t(Dim)>;
    for (std::uint64_t i = t.global(); i < a.paths; i += t.stride()) {
        const std::uint64_t stream = a.first_stream + i;
        S x, g, dn;
        for (int l = 0; l < Dim; ++l)
            x[l] = a.x0[l];
        std::uint64_t k = 0;
        std::uint8_t status = status_censored;
        while (true) {
            a.potential.gradient(x, g);
            for (int l = 0; l < Dim; ++l) // innovation k m + l of the path's stream
                dn[l] = a.factor[l] * core::stable_variate_at(a.plan[l], a.seed, stream,
                                                              k * std::uint64_t(Dim) + l);
            a.integrator.update(x, g, dn);
            ++k;
            bool finite = true;
            for (int l = 0; l < Dim; ++l)
                finite = finite && x[l] - x[l] == 0;
            if (!finite) {
                status = status_non_finite;
                break;
            }
            if (!a.domain.contains(x)) {
                status = status_exited;
                break;
            }
            if (k >= a.max_steps)
                break;
        }
        auto &r = a.out[i];
        r.steps = k;
        r.status = status;
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

/// escape_study's checks (the CPU's, same messages under `where`) and the
/// kernel's arguments; returns max_steps through `a`.
template <class P, class Sched, class I, class D>
escape_args<typename P::scalar_type, P::dim, P, I, D>
make_escape_args(std::string_view where, const P &potential,
                 const stable_noise<typename P::scalar_type, Sched> &noise, const I &integrator,
                 const D &domain, const state_vector<P> &x0,
                 const escape_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    constexpr int Dim = P::dim;
    static_assert(levysgd::detail::is_constant_scheduler<Sched>,
                  "levysgd::cuda::escape_study: the noise's scheduler must be constant");
    static_assert(explicit_integrator<I>,
                  "levysgd::cuda::escape_study: the integrator must be an explicit scheme "
                  "(euler, tamed_euler, sgd_recursion or one with noise_step() and a "
                  "LEVYSGD_HOST_DEVICE update(x, g, dn))");
    escape_args<Real, Dim, P, I, D> a{potential, integrator, domain, {}, {}, {}};
    a.max_steps =
        levysgd::detail::check_escape_study<Real>(where, potential, noise, integrator, domain, x0,
                                                  opt);
    auto src = noise.make_source(opt.seed);
    src.update(Real(0), integrator.noise_step());
    for (int l = 0; l < Dim; ++l) {
        a.x0[l] = x0[l];
        a.factor[l] = src.factors()[l];
        a.plan[l] = core::make_stable_plan<Real>(noise.alpha()[std::size_t(l)], 0.0, 1.0, 0.0,
                                                 parameterization::S0);
    }
    a.seed = opt.seed;
    a.first_stream = opt.first_stream;
    a.paths = opt.paths;
    return a;
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
    auto total = obs.make_result();
    Eigen::Matrix<Real, Dim, 1> x;
    for (std::size_t lo = 0; lo < rec.size(); lo += levysgd::detail::study_block) {
        const std::size_t hi = std::min(rec.size(), lo + levysgd::detail::study_block);
        auto r = obs.make_result();
        for (std::size_t i = lo; i < hi; ++i) {
            for (int l = 0; l < Dim; ++l)
                x[l] = rec[i].point[l];
            const auto st = static_cast<path_status>(rec[i].status);
            obs.finish(r, {}, path_end<Real>{i, rec[i].steps, Real(rec[i].steps) * dt, st}, x);
        }
        obs.merge(total, std::move(r));
    }
    auto res = levysgd::detail::finish_escape<Real, Dim>(total, opt.paths, opt.confidence, dt,
                                                         max_steps);
    res.path_records = std::move(records);
    return res;
}

} // namespace levysgd::cuda
