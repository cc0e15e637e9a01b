// Google Benchmark of levysgd's CUDA backend (docs/cuda.md), built by nvcc
// (ctest cuda_build_bench). Runs only on a GPU: without one it prints
// "no CUDA device" and exits 0. Rates are samples (or values read) per
// second, timed with CUDA events around the kernels (manual time).
// The PyTorch peer (torch's CMS on the same card) is bench_cuda_torch.py.
// Targets (issue 19, H100): float SaS alpha = 1.5 >= 300 G/s, double >= 100
// G/s, beta = 0.5 within 80 % of the symmetric rate, per-coordinate alpha_i
// within 70 %, Mohammadi on 10^9 floats >= 70 % of read bandwidth, 1-D
// double-well escape study with alpha-stable noise >= 50 G path-steps/s.
#include <levysgd/cuda.hpp>
#include <levysgd/cuda/escape.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <vector>

namespace {

namespace lc = levysgd::cuda;
using levysgd::parameterization;

template <class Real> struct device_array {
    Real *p = nullptr;
    std::size_t n = 0;
    explicit device_array(std::size_t n_) : n(n_) {
        lc::check(cudaMalloc(reinterpret_cast<void **>(&p), n * sizeof(Real)), "bench");
    }
    ~device_array() { cudaFree(p); }
    std::span<Real> span() { return {p, n}; }
};

/// Times f() with CUDA events; the rate counter is `items` per iteration.
template <class F> void timed(benchmark::State &state, double items, F &&f) {
    cudaEvent_t start, stop;
    cudaEventCreate(&start);
    cudaEventCreate(&stop);
    f(); // warm-up
    for (auto _ : state) {
        cudaEventRecord(start);
        f();
        cudaEventRecord(stop);
        cudaEventSynchronize(stop);
        float ms = 0;
        cudaEventElapsedTime(&ms, start, stop);
        state.SetIterationTime(double(ms) / 1e3);
    }
    state.counters["rate"] =
        benchmark::Counter(items * double(state.iterations()), benchmark::Counter::kIsRate);
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
}

constexpr std::size_t n_samples = std::size_t(1) << 28;

template <class Real> void bm_stable(benchmark::State &state, double alpha, double beta) {
    device_array<Real> out(n_samples);
    const levysgd::stable_distribution<Real> d(Real(alpha), Real(beta), Real(1), Real(0),
                                               parameterization::S1);
    std::uint64_t seed = 1;
    timed(state, double(n_samples), [&] { lc::sample(d, out.span(), seed++); });
}

template <class Real> void bm_coordinates(benchmark::State &state) {
    device_array<Real> out(n_samples);
    std::vector<Real> alpha(n_samples), scale(1, Real(1));
    for (std::size_t i = 0; i < n_samples; ++i)
        alpha[i] = Real(1.2 + 0.6 * double(i % 1024) / 1023);
    const lc::coordinate_law<Real> law(alpha, scale, Real(0), parameterization::S1);
    std::uint64_t seed = 1;
    timed(state, double(n_samples), [&] { lc::sample_coordinates(law, out.span(), seed++); });
}

template <class Real> void bm_fill_normal(benchmark::State &state) {
    device_array<Real> out(n_samples);
    std::uint64_t seed = 1;
    timed(state, double(n_samples), [&] { lc::fill_normal(out.span(), seed++); });
}

void bm_mohammadi(benchmark::State &state) {
    const std::size_t n = 1000000000;
    device_array<float> x(n);
    lc::sample(levysgd::stable_distribution<float>(1.5f, 0.f, 1.f, 0.f, parameterization::S1),
               x.span(), 3);
    timed(state, double(n), [&] {
        benchmark::DoNotOptimize(lc::mohammadi_tail_index(std::span<const float>(x.p, n)));
    });
    state.counters["bytes_per_s"] = benchmark::Counter(
        double(n) * sizeof(float) * double(state.iterations()), benchmark::Counter::kIsRate);
}

/// Path-steps per second of a 1-D double-well escape study (alpha = 1.5,
/// euler): the steps of all paths, summed from the path records.
template <class Real> void bm_escape(benchmark::State &state) {
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const lc::well_potential<Real> dw(w);
    const levysgd::interval<Real> left(Real(-4), Real(0));
    const levysgd::stable_noise<Real> noise(1, Real(1.5), Real(0.4));
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = -1;
    levysgd::escape_options<Real> opt;
    opt.paths = std::size_t(1) << 20;
    opt.horizon = 20;
    double steps = 0;
    timed(state, 0, [&] {
        const auto r = lc::escape_study(dw, noise, levysgd::euler<Real>(Real(0.01)), left, x0, opt);
        steps = 0;
        for (const auto &p : r.path_records)
            steps += double(p.steps);
    });
    state.counters["path_steps_per_s"] =
        benchmark::Counter(steps * double(state.iterations()), benchmark::Counter::kIsRate);
}

} // namespace

int main(int argc, char **argv) {
    int devices = 0;
    if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
        std::printf("no CUDA device: bench_cuda measures nothing here\n");
        return 0;
    }
    benchmark::RegisterBenchmark("cuda_stable<float>/alpha1.5_beta0", bm_stable<float>, 1.5, 0.0)
        ->UseManualTime();
    benchmark::RegisterBenchmark("cuda_stable<float>/alpha1.5_beta0.5", bm_stable<float>, 1.5,
                                 0.5)
        ->UseManualTime();
    benchmark::RegisterBenchmark("cuda_stable<double>/alpha1.5_beta0", bm_stable<double>, 1.5,
                                 0.0)
        ->UseManualTime();
    benchmark::RegisterBenchmark("cuda_coordinates<float>", bm_coordinates<float>)
        ->UseManualTime();
    benchmark::RegisterBenchmark("cuda_fill_normal<float>", bm_fill_normal<float>)
        ->UseManualTime();
    benchmark::RegisterBenchmark("cuda_mohammadi<float>/1e9", bm_mohammadi)->UseManualTime();
    benchmark::RegisterBenchmark("cuda_escape<float>/double_well", bm_escape<float>)
        ->UseManualTime();
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
