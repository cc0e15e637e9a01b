// Compile check: the host/device core (core/: Philox, uniform/exponential/normal
// transforms, fast math, CMS kernel, stable plan and index rule) must build for the device unchanged, so
// the later CUDA headers wrap the very formulas the CPU uses. Built by ctest
// with nvcc when it is installed; there is no GPU here, so nothing runs.
#include <levysgd/core/core.hpp>
#include <levysgd/core/gauss_kronrod.hpp>
#include <levysgd/core/roots.hpp>

__global__ void stable_kernel(levysgd::detail::cms_coefficients<double> k, std::uint64_t seed,
                              std::uint64_t stream, double* out, unsigned n) {
    const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const auto b = levysgd::philox_bits(seed, stream, i);
    const double u1 = levysgd::uniform_double(b[0], b[1]);
    const double u2 = levysgd::uniform_double(b[2], b[3]);
    out[i] = levysgd::detail::cms_s0_from_uniforms(u1, u2, k);
}

__global__ void stable_kernel_f(levysgd::detail::cms_coefficients<float> k, std::uint64_t seed,
                                float* out, unsigned n) {
    const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const auto b = levysgd::philox_bits(seed, 0, i / 2);
    const unsigned w = 2 * (i % 2);
    float z1, z2;
    levysgd::normal_pair_from_uniforms(levysgd::uniform_float(b[w]), levysgd::uniform_float(b[w + 1]), z1, z2);
    out[i] = levysgd::detail::cms_s0_from_uniforms(levysgd::uniform_float(b[w]),
                                                   levysgd::uniform_float(b[w + 1]), k) + 0.0f * z1;
}

__global__ void stable_plan_kernel(levysgd::core::stable_plan<float> plan, std::uint64_t seed,
                                   std::uint64_t stream, float* out, unsigned n) {
    const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    out[i] = levysgd::core::stable_variate_at(plan, seed, stream, i);
}

__global__ void stable_plan_make(double a, double b, double* out) {
    const auto plan = levysgd::core::make_stable_plan<double>(a, b, 2.0, 1.0,
                                                              levysgd::parameterization::S1);
    out[0] = levysgd::core::stable_variate_at(plan, 1, 2, 3) + levysgd::core::stable_zeta(a, b);
}

// the shared quadrature and root finder: one integral and one root per thread
__global__ void numerics_kernel(double* out, unsigned n) {
    const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    const double c = 1.0 + i;
    const double breaks[] = {0.0, 0.5, 1.0};
    const double q = levysgd::core::gk15_adaptive<8>([c](double x) { return exp(-c * x); },
                                                     breaks, 3, 1e-12);
    levysgd::core::root_options o;
    o.xtol_abs = 1e-14;
    const auto r = levysgd::core::bracket_root([c](double x) { return x * x - c; }, 0.0, c + 1,
                                               -c, (c + 1) * (c + 1) - c, o);
    out[i] = q + r.x;
}

int main() {
    const auto k = levysgd::detail::make_cms_coefficients<double>(1.5, 0.25);
    (void)k;
    return 0;
}
