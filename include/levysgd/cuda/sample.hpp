#pragma once
// Sampling and fills into device memory: asynchronous on a caller-given
// cudaStream_t, no allocation per call. Element j of out is sample (value)
// first_index + j of the Philox stream (seed, stream) under the CPU's index
// rule, so uniforms are bit-identical to levysgd::fill_uniform and samples
// agree with levysgd::sample to rounding. Kernels: __global__ wrappers of
// sample_body.hpp, whose host launches the CPU tests run.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "../stable/stable_distribution.hpp"
#include "error.hpp"
#include "sample_body.hpp"

namespace levysgd::cuda {

namespace detail {
template <class Real> __global__ void stable_sample_kernel(stable_sample_args<Real> a) {
    stable_sample_body(a, this_thread());
}
template <class Real> __global__ void coordinate_sample_kernel(coordinate_sample_args<Real> a) {
    coordinate_sample_body(a, this_thread());
}
template <core::variate V, class Real> __global__ void fill_kernel(fill_args<Real> a) {
    fill_body<V>(a, this_thread());
}
} // namespace detail

/// Fills device memory `out` with draws from d: out[j] is sample
/// opt.first_index + j of (seed, stream), as levysgd::sample(d, ...) on the
/// CPU. Asynchronous on opt.cuda_stream. Throws std::invalid_argument (the
/// CPU's message) if the indices pass 2^64, levysgd::cuda::error if the
/// launch fails.
template <class Real>
void sample(const stable_distribution<Real> &d, std::span<Real> out, std::uint64_t seed,
            std::uint64_t stream = 0, launch_options opt = {}) {
    constexpr std::string_view where = "levysgd::cuda::sample";
    levysgd::detail::check_stream_range(where, opt.first_index, out.size());
    if (out.empty())
        return;
    const stable_sample_args<Real> a{d.sampling_plan(), seed, stream, opt.first_index, out.data(),
                                     out.size()};
    const auto items = work_items<detail::stable_per_block<Real>>(opt.first_index, out.size());
    detail::launch(where, &detail::stable_sample_kernel<Real>, shape_for(items), opt.cuda_stream,
                   a);
}

/// Per-coordinate alpha-stable laws held in device memory: coordinate i is
/// S(alpha[i], beta, scale[i], 0; p) (scale shared when it has one entry).
/// Validated on the host with the checks and messages of
/// levysgd::sample_coordinates; the two arrays are copied to the device once
/// (cudaMalloc here, cudaFree in the destructor), so sampling allocates nothing.
template <class Real> class coordinate_law {
  public:
    coordinate_law(std::span<const Real> alpha, std::span<const Real> scale, Real beta,
                   parameterization p)
        : n_(alpha.size()), shared_(scale.size() == 1), beta_(beta), p_(p) {
        constexpr std::string_view where = "levysgd::cuda::coordinate_law";
        levysgd::detail::check_coordinate_laws(where, alpha, scale, beta, p, alpha.size());
        Real *a = nullptr, *s = nullptr;
        check(cudaMalloc(reinterpret_cast<void **>(&a), n_ * sizeof(Real)), where);
        alpha_ = a;
        check(cudaMalloc(reinterpret_cast<void **>(&s), scale.size() * sizeof(Real)), where);
        scale_ = s;
        check(cudaMemcpy(a, alpha.data(), n_ * sizeof(Real), cudaMemcpyHostToDevice), where);
        check(cudaMemcpy(s, scale.data(), scale.size() * sizeof(Real), cudaMemcpyHostToDevice),
              where);
    }
    coordinate_law(const coordinate_law &) = delete;
    coordinate_law &operator=(const coordinate_law &) = delete;
    coordinate_law(coordinate_law &&o) noexcept { swap(o); }
    coordinate_law &operator=(coordinate_law &&o) noexcept {
        coordinate_law t(std::move(o));
        swap(t);
        return *this;
    }
    ~coordinate_law() {
        cudaFree(alpha_); // null-safe; errors cannot be reported from a destructor
        cudaFree(scale_);
    }
    std::size_t size() const noexcept { return n_; }
    /// The kernel's arguments for out (device memory, size() values).
    coordinate_sample_args<Real> args(Real *out, std::uint64_t seed, std::uint64_t stream,
                                      std::uint64_t first_index) const noexcept {
        return {alpha_, scale_, shared_, beta_, p_, seed, stream, first_index, out, n_};
    }

  private:
    void swap(coordinate_law &o) noexcept {
        std::swap(n_, o.n_);
        std::swap(shared_, o.shared_);
        std::swap(beta_, o.beta_);
        std::swap(p_, o.p_);
        std::swap(alpha_, o.alpha_);
        std::swap(scale_, o.scale_);
    }
    std::size_t n_ = 0;
    bool shared_ = false;
    Real beta_ = 0;
    parameterization p_ = parameterization::S0;
    Real *alpha_ = nullptr;
    Real *scale_ = nullptr;
};

/// Per-coordinate noise: out[i] ~ law's coordinate i, sample opt.first_index
/// + i of (seed, stream), as levysgd::sample_coordinates on the CPU.
template <class Real>
void sample_coordinates(const coordinate_law<Real> &law, std::span<Real> out, std::uint64_t seed,
                        std::uint64_t stream = 0, launch_options opt = {}) {
    constexpr std::string_view where = "levysgd::cuda::sample_coordinates";
    if (out.size() != law.size())
        levysgd::detail::throw_invalid(where, "out.size()", out.size(),
                                       "must equal law.size() = " + std::to_string(law.size()));
    levysgd::detail::check_stream_range(where, opt.first_index, out.size());
    if (out.empty())
        return;
    const auto items = work_items<detail::stable_per_block<Real>>(opt.first_index, out.size());
    detail::launch(where, &detail::coordinate_sample_kernel<Real>, shape_for(items),
                   opt.cuda_stream, law.args(out.data(), seed, stream, opt.first_index));
}

/// Fills device memory with values of kind V: out[j] is value
/// opt.first_index + j of (seed, stream), as levysgd::fill<V> on the CPU.
template <variate V, class Real>
requires std::is_same_v<Real, float> || std::is_same_v<Real, double>
void fill(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
          launch_options opt = {}) {
    constexpr std::string_view where = "levysgd::cuda::fill";
    levysgd::detail::check_stream_range(where, opt.first_index, out.size());
    if (out.empty())
        return;
    const fill_args<Real> a{seed, stream, opt.first_index, out.data(), out.size()};
    const auto items = work_items<core::fill_values_per_block<Real>>(opt.first_index, out.size());
    detail::launch(where, &detail::fill_kernel<V, Real>, shape_for(items), opt.cuda_stream, a);
}
template <class Real>
void fill_uniform(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
                  launch_options opt = {}) {
    fill<variate::uniform>(out, seed, stream, opt);
}
template <class Real>
void fill_exponential(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
                      launch_options opt = {}) {
    fill<variate::exponential>(out, seed, stream, opt);
}
template <class Real>
void fill_normal(std::span<Real> out, std::uint64_t seed, std::uint64_t stream = 0,
                 launch_options opt = {}) {
    fill<variate::normal>(out, seed, stream, opt);
}

} // namespace levysgd::cuda
