#pragma once
// Escape and transition studies on the device: one thread per path, each on its own Philox
// stream as on the CPU (cuda/study_body.hpp), results in the CPU's
// escape_result. Needs the sde/ headers (Eigen) in an nvcc translation unit:
// compile with --expt-relaxed-constexpr (levysgd::cuda adds it to CUDA
// sources); -diag-suppress 20012 silences Eigen's warnings about its own
// host/device annotations.
//
// Supported: stable_noise with a constant scheduler (any alpha_l per
// coordinate; alpha = 2 is Brownian motion as sqrt(2) W) and isotropic
// gaussian_noise (isotropic, from_diffusion) with a constant scheduler
// (DeviceNoise), the explicit
// schemes (euler, tamed_euler, sgd_recursion: their own update()), device
// potentials (DevicePotential: cuda::well_potential or a user's type) and
// device domains (DeviceDomain: levysgd::interval or a user's type).
// simulate_paths: the same paths with no domain, in terminal_states.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "error.hpp"
#include "study_body.hpp"

namespace levysgd::cuda {

namespace detail {
template <class Real, int Dim, class P, class I, class D>
__global__ void escape_kernel(escape_args<Real, Dim, P, I, D> a) {
    escape_path_body(a, this_thread());
}

/// Runs the escape body over a's paths on stream s; the paths' records.
template <class Real, int Dim, class P, class I, class D>
std::vector<device_path_record<Real, Dim>>
run_escape_kernel(std::string_view where, escape_args<Real, Dim, P, I, D> a, cudaStream_t s) {
    std::vector<device_path_record<Real, Dim>> rec(a.prob.paths);
    device_buffer<device_path_record<Real, Dim>> out(a.prob.paths, where);
    a.out = out.p;
    launch(where, &escape_kernel<Real, Dim, P, I, D>, shape_for(a.prob.paths, 128), s, a);
    check(cudaMemcpyAsync(rec.data(), out.p, rec.size() * sizeof(rec[0]), cudaMemcpyDeviceToHost,
                          s),
          where);
    check(cudaStreamSynchronize(s), where);
    return rec;
}
} // namespace detail

/// escape_study on the device: the CPU's checks and messages (named
/// levysgd::cuda::escape_study), the CPU's per-path rule and result type.
/// opt.threads and opt.progress are ignored. Synchronous (it returns the
/// result); the kernel runs on cuda_stream. Throws std::invalid_argument or
/// levysgd::cuda::error.
template <class P, class N, class I, class D>
escape_result<typename P::scalar_type, P::dim>
escape_study(const P &potential, const N &noise, const I &integrator, const D &domain,
             const state_vector<P> &x0, const escape_options<typename P::scalar_type> &opt,
             cudaStream_t cuda_stream = nullptr) {
    static_assert(DevicePotential<P>,
                  "levysgd::cuda::escape_study: " LEVYSGD_CUDA_DEVICE_POTENTIAL_REQUIREMENT);
    using Real = typename P::scalar_type;
    constexpr int Dim = P::dim;
    static_assert(DeviceDomain<D, Real, Dim>,
                  "levysgd::cuda::escape_study: the domain must be a DeviceDomain: trivially "
                  "copyable with a LEVYSGD_HOST_DEVICE contains(x) on std::array states");
    constexpr std::string_view where = "levysgd::cuda::escape_study";
    auto a = detail::make_escape_args(where, potential, noise, integrator, domain, x0, opt);
    const auto rec = detail::run_escape_kernel(where, a, cuda_stream);
    return escape_result_of<Real, Dim>(std::span<const device_path_record<Real, Dim>>(rec), domain,
                                       opt, integrator.time_step(), a.prob.max_steps);
}

/// simulate_paths on the device: opt.paths paths from x0 for
/// ceil(opt.horizon / time_step) steps, in the CPU's terminal_states (the
/// same streams, checks and messages, named levysgd::cuda::simulate_paths).
/// Synchronous; opt.threads and opt.progress are ignored.
template <class P, class N, class I>
terminal_states<typename P::scalar_type, P::dim>
simulate_paths(const P &potential, const N &noise, const I &integrator,
               const state_vector<P> &x0, const path_options<typename P::scalar_type> &opt,
               cudaStream_t cuda_stream = nullptr) {
    static_assert(DevicePotential<P>,
                  "levysgd::cuda::simulate_paths: " LEVYSGD_CUDA_DEVICE_POTENTIAL_REQUIREMENT);
    using Real = typename P::scalar_type;
    constexpr std::string_view where = "levysgd::cuda::simulate_paths";
    auto a = detail::make_simulate_args(where, potential, noise, integrator, x0, opt);
    const auto rec = detail::run_escape_kernel(where, a, cuda_stream);
    return terminal_states_of<Real, P::dim>(
        std::span<const device_path_record<Real, P::dim>>(rec), a.prob.max_steps,
        integrator.time_step());
}

namespace detail {
template <class Real, int Dim, class P, class I, class C, int MaxK>
__global__ void transition_kernel(transition_args<Real, Dim, P, I, C, MaxK> a) {
    transition_path_body(a, this_thread());
}
} // namespace detail

/// transition_study on the device (at most MaxK basins): the CPU's checks,
/// per-path rule and transition_result. Synchronous; opt.threads and
/// opt.progress are ignored.
template <int MaxK = 8, class P, class N, class I, class C>
transition_result<typename P::scalar_type>
transition_study(const P &potential, const N &noise, const I &integrator, const C &classifier,
                 const state_vector<P> &x0,
                 const transition_options<typename P::scalar_type> &opt,
                 cudaStream_t cuda_stream = nullptr) {
    static_assert(DevicePotential<P>,
                  "levysgd::cuda::transition_study: " LEVYSGD_CUDA_DEVICE_POTENTIAL_REQUIREMENT);
    using Real = typename P::scalar_type;
    constexpr int Dim = P::dim;
    static_assert(DeviceClassifier<C, Real, Dim>,
                  "levysgd::cuda::transition_study: the classifier must be a DeviceClassifier: "
                  "trivially copyable with basins() and a LEVYSGD_HOST_DEVICE basin(x) on "
                  "std::array states (for interval_basins b, pass "
                  "cuda::device_interval_basins(b))");
    constexpr std::string_view where = "levysgd::cuda::transition_study";
    auto a = detail::make_transition_args<MaxK>(where, potential, noise, integrator, classifier,
                                                x0, opt);
    using Rec = device_transition_record<Real, Dim, MaxK>;
    std::vector<Rec> rec(opt.paths);
    {
        detail::device_buffer<Rec> out(opt.paths, where);
        a.out = out.p;
        detail::launch(where, &detail::transition_kernel<Real, Dim, P, I, C, MaxK>,
                       shape_for(opt.paths, 128), cuda_stream, a);
        check(cudaMemcpyAsync(rec.data(), out.p, rec.size() * sizeof(Rec),
                              cudaMemcpyDeviceToHost, cuda_stream),
              where);
        check(cudaStreamSynchronize(cuda_stream), where);
    }
    return transition_result_of<Real, Dim, MaxK>(where, std::span<const Rec>(rec), classifier,
                                                 a.label0, opt.paths, integrator.time_step());
}

} // namespace levysgd::cuda
