// levysgd's CUDA backend, built by nvcc (ctest: cuda_build_device_tests).
//   --host-only   checks that need no GPU: parameters refused on the host
//                 with the CPU's messages before any CUDA call, and CUDA
//                 failures (here: no device) as levysgd::cuda::error (ctest
//                 cuda_host_checks, label cuda);
//   (no option)   the kernels on a GPU against their host launches: uniforms
//                 bitwise, samples to a few ulp, nothing written past the
//                 output; exit 77 (ctest: skipped) when no CUDA device is found
//                 (ctest cuda_device, label gpu).
#include <levysgd/cuda.hpp>
#include <levysgd/cuda/escape.hpp>

#include "ulps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

int failures = 0;

void expect(bool ok, const std::string &what) {
    if (!ok) {
        ++failures;
        std::printf("FAILED: %s\n", what.c_str());
    }
}

template <class F> std::string invalid_message(F &&f) {
    try {
        f();
    } catch (const std::invalid_argument &e) {
        return e.what();
    }
    return "no exception";
}

bool starts_with(const std::string &s, const std::string &p) { return s.rfind(p, 0) == 0; }

int device_count() {
    int n = 0;
    return cudaGetDeviceCount(&n) == cudaSuccess ? n : 0;
}

void host_only_checks(bool has_device) {
    namespace lc = levysgd::cuda;
    using levysgd::parameterization;
    const std::vector<float> bad_alpha{1.5f, 2.5f}, scale{1.0f};
    const std::string m = invalid_message(
        [&] { lc::coordinate_law<float> law(bad_alpha, scale, 0.0f, parameterization::S0); });
    expect(starts_with(m, "levysgd::cuda::coordinate_law: alpha[1] must be in (0, 2]"),
           "coordinate_law names alpha[1]: " + m);
    const std::vector<float> two_scales{1.0f, -1.0f, 1.0f};
    const std::string ms = invalid_message([&] {
        lc::coordinate_law<float> law(std::vector<float>{1.5f, 1.5f, 1.5f}, two_scales, 0.0f,
                                      parameterization::S0);
    });
    expect(starts_with(ms, "levysgd::cuda::coordinate_law: scale[1]"), "scale[1]: " + ms);
    const levysgd::stable_distribution<double> d(1.5, 0.0, 1.0, 0.0, parameterization::S1);
    const std::string mi = invalid_message([&] {
        lc::sample(d, std::span<double>(static_cast<double *>(nullptr), 10), 1, 0,
                   {.first_index = ~std::uint64_t{0} - 3});
    });
    expect(starts_with(mi, "levysgd::cuda::sample: first_index"), "first_index: " + mi);
    const std::string mt = invalid_message([&] {
        lc::mohammadi_tail_index(std::span<const float>(static_cast<const float *>(nullptr), 3));
    });
    expect(starts_with(mt, "levysgd::cuda::mohammadi_tail_index: number of usable values"),
           "tail n: " + mt);
    const std::string mk = invalid_message([&] {
        lc::mohammadi_tail_index(std::span<const float>(static_cast<const float *>(nullptr), 100),
                                 {.k1 = 51});
    });
    expect(starts_with(mk, "levysgd::cuda::mohammadi_tail_index: k1 must be in [2, K/2]"),
           "tail k1: " + mk);
    const std::string hk = invalid_message([&] {
        lc::hill_tail_index(std::span<const double>(static_cast<const double *>(nullptr), 10), 10);
    });
    expect(hk == "levysgd::cuda::hill_tail_index: k must be in [1, n - 1] with n = 10, got 10",
           "hill k: " + hk);
    const std::string hp = invalid_message([&] {
        lc::hill_tail_index_columns(static_cast<const float *>(nullptr), 10, 2, 10, 0,
                                    levysgd::bad_value_policy::skip);
    });
    expect(starts_with(hp, "levysgd::cuda::hill_tail_index_columns: bad_values"),
           "hill policy: " + hp);
    const std::string hw = invalid_message([&] {
        lc::hill_tail_index(std::span<const float>(static_cast<const float *>(nullptr), 100), 0,
                            levysgd::bad_value_policy::throw_error, nullptr,
                            lc::workspace{nullptr, lc::hill_workspace_size(100) - 1});
    });
    expect(starts_with(hw, "levysgd::cuda::hill_tail_index: workspace.bytes"),
           "hill workspace: " + hw);
    const std::string mw = invalid_message([&] {
        lc::mohammadi_tail_index(std::span<const float>(static_cast<const float *>(nullptr), 100),
                                 {}, nullptr, lc::workspace{});
    });
    expect(starts_with(mw, "levysgd::cuda::mohammadi_tail_index: workspace.bytes"),
           "mohammadi workspace: " + mw);
    if (!has_device) { // a launch without a device: levysgd::cuda::error
        std::string what = "no exception";
        try {
            lc::fill_uniform(std::span<float>(static_cast<float *>(nullptr), 10), 1);
        } catch (const lc::error &e) {
            what = e.what();
        }
        expect(starts_with(what, "levysgd::cuda::fill: CUDA error "), "no device: " + what);
        std::printf("without a device: %s\n", what.c_str());
    }
}

/// Runs `device(span)` into device memory with a guard after the output and
/// compares with `host(vector)`: worst ulp, and the guard untouched.
template <class Real, class Dev, class Host>
double compare(const char *what, std::size_t n, Dev &&device, Host &&host) {
    constexpr std::size_t guard = 64;
    Real *p = nullptr;
    levysgd::cuda::check(cudaMalloc(reinterpret_cast<void **>(&p), (n + guard) * sizeof(Real)),
                         "test");
    std::vector<Real> sentinel(n + guard, Real(-12345));
    levysgd::cuda::check(cudaMemcpy(p, sentinel.data(), sentinel.size() * sizeof(Real),
                                    cudaMemcpyHostToDevice),
                         "test");
    device(std::span<Real>(p, n));
    std::vector<Real> got(n + guard), want(n);
    levysgd::cuda::check(cudaMemcpy(got.data(), p, got.size() * sizeof(Real),
                                    cudaMemcpyDeviceToHost),
                         "test");
    cudaFree(p);
    host(want);
    double worst = 0;
    for (std::size_t j = 0; j < n; ++j)
        worst = std::fmax(worst, levysgd_test::ulps(got[j], want[j]));
    for (std::size_t j = n; j < n + guard; ++j)
        expect(got[j] == Real(-12345), std::string(what) + ": wrote past the output");
    std::printf("%-40s n = %zu: worst %.0f ulp against the host launch\n", what, n, worst);
    return worst;
}

template <class Real> void device_checks() {
    namespace lc = levysgd::cuda;
    using levysgd::parameterization;
    const std::size_t n = 1000003; // odd: a half-used last block
    const std::uint64_t seed = 42, stream = 3, first = 5;
    const lc::launch_options opt{.first_index = first};
    const char *name = sizeof(Real) == 4 ? "float" : "double";
    auto fill_host = [&](auto v) {
        return [=](std::vector<Real> &out) {
            const lc::fill_args<Real> a{seed, stream, first, out.data(), out.size()};
            lc::host_launch(lc::shape_for(out.size()), [&](lc::thread_index t) {
                lc::fill_body<decltype(v)::value>(a, t);
            });
        };
    };
    using levysgd::variate;
    expect(compare<Real>((std::string("fill_uniform ") + name).c_str(), n,
                         [&](std::span<Real> o) { lc::fill_uniform(o, seed, stream, opt); },
                         fill_host(std::integral_constant<variate, variate::uniform>{})) == 0,
           "uniforms bitwise");
    expect(compare<Real>((std::string("fill_exponential ") + name).c_str(), n,
                         [&](std::span<Real> o) { lc::fill_exponential(o, seed, stream, opt); },
                         fill_host(std::integral_constant<variate, variate::exponential>{})) <= 4,
           "exponentials to 4 ulp");
    compare<Real>((std::string("fill_normal ") + name).c_str(), n,
                  [&](std::span<Real> o) { lc::fill_normal(o, seed, stream, opt); },
                  fill_host(std::integral_constant<variate, variate::normal>{}));
    const double laws[][2] = {{1.5, 0}, {1.5, 0.5}, {1, 0}, {0.6, 1}, {2, 0}, {0.3, 0.2}};
    for (const auto &l : laws) {
        const levysgd::stable_distribution<Real> d(Real(l[0]), Real(l[1]), Real(2), Real(0.5),
                                                   parameterization::S1);
        char what[80];
        std::snprintf(what, sizeof what, "sample %s alpha %.2g beta %.2g", name, l[0], l[1]);
        compare<Real>(what, n, [&](std::span<Real> o) { lc::sample(d, o, seed, stream, opt); },
                      [&](std::vector<Real> &out) {
                          const lc::stable_sample_args<Real> a{d.sampling_plan(), seed, stream,
                                                               first, out.data(), out.size()};
                          lc::host_launch(lc::shape_for(out.size()), [&](lc::thread_index t) {
                              lc::stable_sample_body(a, t);
                          });
                      });
    }
    std::vector<Real> alpha(n), scale(1, Real(1));
    for (std::size_t i = 0; i < n; ++i)
        alpha[i] = Real(0.5 + 1.5 * double(i % 97) / 96);
    const lc::coordinate_law<Real> law(alpha, scale, Real(0), parameterization::S0);
    compare<Real>((std::string("sample_coordinates ") + name).c_str(), n,
                  [&](std::span<Real> o) { lc::sample_coordinates(law, o, seed, stream, opt); },
                  [&](std::vector<Real> &out) {
                      const lc::coordinate_sample_args<Real> a{alpha.data(), scale.data(), true,
                                                               Real(0), parameterization::S0,
                                                               seed, stream, first, out.data(),
                                                               out.size()};
                      lc::host_launch(lc::shape_for(out.size()), [&](lc::thread_index t) {
                          lc::coordinate_sample_body(a, t);
                      });
                  });
    // tail index of the stable samples: device against the host launch
    Real *x = nullptr;
    lc::check(cudaMalloc(reinterpret_cast<void **>(&x), n * sizeof(Real)), "test");
    const levysgd::stable_distribution<Real> d(Real(1.5), Real(0), Real(1), Real(0),
                                               parameterization::S1);
    lc::sample(d, std::span<Real>(x, n), seed, stream);
    const auto dev = lc::mohammadi_tail_index(std::span<const Real>(x, n));
    std::vector<Real> hx(n);
    lc::check(cudaMemcpy(hx.data(), x, n * sizeof(Real), cudaMemcpyDeviceToHost), "test");
    const std::size_t k1 = levysgd::detail::checked_k1("test", 0, n, "K"), k2 = n / k1;
    std::vector<lc::tail_block_result> blocks(k2);
    lc::host_tail_launch(lc::tail_args<Real>{hx.data(), k1, k2, 1, n, blocks.data()},
                         {256, lc::default_block});
    const auto host = lc::finish_tail_blocks<Real>(
        "test", std::span<const lc::tail_block_result>(blocks), k1, n - k1 * k2, 0,
        ~std::uint64_t{0}, [&](std::uint64_t i) { return hx[i]; });
    std::printf("mohammadi_tail_index %s: device 1/alpha %.15g, host launch %.15g\n", name,
                dev.inv_alpha, host.inv_alpha);
    expect(std::fabs(dev.inv_alpha - host.inv_alpha) <= 1e-12, "tail index to rounding");
    const auto cols = lc::mohammadi_tail_index_columns(x, n / 4, 4, n / 4);
    expect(cols.size() == 4 && cols[0].k1 == levysgd::detail::checked_k1("test", 0, n / 4, "K"),
           "columns");
    // the workspace overloads on a stream: the same results, no allocation
    cudaStream_t cs = nullptr;
    lc::check(cudaStreamCreate(&cs), "test");
    const std::size_t bytes = std::max(lc::mohammadi_workspace_size(n / 4, 4),
                                       lc::hill_workspace_size(n / 4, 4));
    void *ws = nullptr;
    lc::check(cudaMalloc(&ws, bytes), "test");
    const auto wcols = lc::mohammadi_tail_index_columns(x, n / 4, 4, n / 4, {}, cs,
                                                        lc::workspace{ws, bytes});
    for (std::size_t c = 0; c < 4; ++c)
        expect(wcols[c].inv_alpha == cols[c].inv_alpha, "mohammadi workspace overload");
    // Hill: device against the host launch (the same threshold exactly)
    const auto hdev = lc::hill_tail_index(std::span<const Real>(x, n), 500);
    const std::size_t hk = 500;
    std::vector<double> hws(lc::hill_workspace_bytes(n, 1) / sizeof(double) + 1);
    const auto ha = lc::make_hill_args(hx.data(), n, 1, n, hk, hws.data());
    lc::host_hill_launch(ha, lc::default_block);
    const auto hhost =
        lc::finish_hill<Real>("test", ha.state[0], hk, n, [&](std::uint64_t i) { return hx[i]; });
    std::printf(
        "hill_tail_index %s: device 1/alpha %.15g, host launch %.15g, threshold %.9g %.9g\n", name,
        hdev.inv_alpha, hhost.inv_alpha, hdev.threshold, hhost.threshold);
    expect(hdev.threshold == hhost.threshold && hdev.k == hk, "hill threshold exact");
    expect(std::fabs(hdev.inv_alpha - hhost.inv_alpha) <= 1e-12 * hhost.inv_alpha,
           "hill to rounding");
    const auto hcols = lc::hill_tail_index_columns(x, n / 4, 4, n / 4);
    for (int rep = 0; rep < 2; ++rep) { // repeated calls in one workspace
        const auto w = lc::hill_tail_index_columns(x, n / 4, 4, n / 4, 0,
                                                   levysgd::bad_value_policy::throw_error, cs,
                                                   lc::workspace{ws, bytes});
        for (std::size_t c = 0; c < 4; ++c)
            expect(w[c].inv_alpha == hcols[c].inv_alpha && w[c].threshold == hcols[c].threshold,
                   "hill workspace overload");
    }
    // a NaN: the CPU's message, with the column
    const Real nan = std::numeric_limits<Real>::quiet_NaN();
    lc::check(cudaMemcpy(x + n / 4 + 7, &nan, sizeof nan, cudaMemcpyHostToDevice), "test");
    const std::string hn =
        invalid_message([&] { lc::hill_tail_index_columns(x, n / 4, 4, n / 4); });
    expect(starts_with(hn, "levysgd::cuda::hill_tail_index_columns (column 1): x") &&
               hn.find("1 NaN/inf value(s), the first at index 7: nan") != std::string::npos,
           "hill NaN: " + hn);
    cudaFree(ws);
    cudaStreamDestroy(cs);
    cudaFree(x);
    lc::check(cudaDeviceSynchronize(), "test");
}

/// The escape study's paths on the device against the host launch of the
/// same body: the share of paths whose exit step differs (rounding at the
/// boundary: device sin/cos/log, FMA contraction).
template <class Real, class N, class I>
void escape_checks(const N &noise, const I &integ, const char *what) {
    namespace lc = levysgd::cuda;
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const lc::well_potential<Real> dw(w);
    const levysgd::interval<Real> left(Real(-4), Real(0));
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = -1;
    levysgd::escape_options<Real> opt;
    opt.paths = 100000;
    opt.horizon = 40;
    opt.seed = 11;
    const auto dev = lc::escape_study(dw, noise, integ, left, x0, opt);
    auto a = lc::detail::make_escape_args("test", dw, noise, integ, left, x0, opt);
    std::vector<lc::device_path_record<Real, 1>> rec(opt.paths);
    a.out = rec.data();
    lc::host_escape_paths(a, lc::shape_for(opt.paths, 128));
    const auto host = lc::escape_result_of<Real, 1>(
        std::span<const lc::device_path_record<Real, 1>>(rec), left, opt, integ.time_step(),
        a.prob.max_steps);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < opt.paths; ++i)
        differ += dev.path_records[i].steps != host.path_records[i].steps;
    std::printf("escape_study %s %s: %zu of %zu paths end at another step than the host "
                "launch; exited %zu vs %zu\n",
                sizeof(Real) == 4 ? "float" : "double", what, differ, opt.paths, dev.exited,
                host.exited);
    expect(differ <= opt.paths / 1000, "escape paths: at most 0.1 % differ");
}

/// simulate_paths on the device against its host launch: terminal states
/// to rounding (device sin/cos/log, FMA contraction).
template <class Real> void simulate_checks() {
    namespace lc = levysgd::cuda;
    const lc::well_potential<Real> dw(levysgd::double_well<Real>(-1, 0, 1));
    const auto noise = levysgd::gaussian_noise<Real>::from_diffusion(1, Real(0.2));
    const levysgd::euler<Real> integ(Real(0.01));
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = Real(-0.5);
    levysgd::path_options<Real> opt;
    opt.paths = 10000;
    opt.horizon = 5;
    opt.seed = 21;
    const auto dev = lc::simulate_paths(dw, noise, integ, x0, opt);
    auto a = lc::detail::make_simulate_args("test", dw, noise, integ, x0, opt);
    std::vector<lc::device_path_record<Real, 1>> rec(opt.paths);
    a.out = rec.data();
    lc::host_escape_paths(a, lc::shape_for(opt.paths, 128));
    const auto host = lc::terminal_states_of<Real, 1>(
        std::span<const lc::device_path_record<Real, 1>>(rec), a.prob.max_steps,
        integ.time_step());
    const double worst = double((dev.states - host.states).cwiseAbs().maxCoeff());
    std::printf("simulate_paths %s: worst |x| difference to the host launch %.3g\n",
                sizeof(Real) == 4 ? "float" : "double", worst);
    expect(dev.non_finite == host.non_finite && dev.steps == host.steps, "simulate_paths counts");
    expect(worst <= (sizeof(Real) == 4 ? 1e-3 : 1e-9), "simulate_paths states to rounding");
}

/// The transition study on the device against its host launch: counts and
/// occupation times.
void transition_checks() {
    namespace lc = levysgd::cuda;
    const auto w = levysgd::double_well<double>(-1, 0, 1);
    const levysgd::interval_basins<double> basins({-2.0, 0.5}, {-0.5, 2.0});
    const levysgd::stable_noise<double> noise(1, 1.5, 0.5);
    Eigen::Matrix<double, 1, 1> x0;
    x0[0] = -1;
    levysgd::transition_options<double> opt;
    opt.paths = 20000;
    opt.horizon = 30;
    opt.seed = 4;
    const levysgd::euler<double> integ(0.01);
    const lc::well_potential<double> dw(w);
    const lc::device_interval_basins<double> db(basins);
    const auto dev = lc::transition_study(dw, noise, integ, db, x0, opt);
    auto a = lc::detail::make_transition_args<8>("test", dw, noise, integ, db, x0, opt);
    std::vector<lc::device_transition_record<double, 1, 8>> rec(opt.paths);
    a.out = rec.data();
    lc::host_transition_paths(a, lc::shape_for(opt.paths, 128));
    const auto host = lc::transition_result_of<double, 1, 8>(
        "test", std::span<const lc::device_transition_record<double, 1, 8>>(rec), db, a.label0,
        opt.paths, integ.time_step());
    std::printf("transition_study double: transitions 0->1 %llu (device) vs %llu (host launch), "
                "1->0 %llu vs %llu\n",
                (unsigned long long)dev.counts(0, 1), (unsigned long long)host.counts(0, 1),
                (unsigned long long)dev.counts(1, 0), (unsigned long long)host.counts(1, 0));
    const double c = double(host.counts(0, 1) + host.counts(1, 0));
    expect(std::fabs(double(dev.counts(0, 1) + dev.counts(1, 0)) - c) <= 1e-3 * c + 2,
           "transition counts to 0.1 %");
}

} // namespace

int main(int argc, char **argv) {
    const bool host_only = argc > 1 && std::strcmp(argv[1], "--host-only") == 0;
    const bool has_device = device_count() > 0;
    try {
        host_only_checks(has_device);
        if (!host_only) {
            if (!has_device) {
                std::printf("no CUDA device found: the GPU checks are skipped\n");
                return failures == 0 ? 77 : 1;
            }
            device_checks<float>();
            device_checks<double>();
            const levysgd::stable_noise<float> sf(1, 1.5f, 0.4f);
            const levysgd::stable_noise<double> sd(1, 1.5, 0.4);
            escape_checks<float>(sf, levysgd::euler<float>(0.01f), "stable, euler");
            escape_checks<double>(sd, levysgd::euler<double>(0.01), "stable, euler");
            escape_checks<double>(sd, levysgd::tamed_euler<double>(0.01), "stable, tamed_euler");
            escape_checks<double>(sd, levysgd::sgd_recursion<double>(0.01),
                                  "stable, sgd_recursion");
            escape_checks<float>(levysgd::gaussian_noise<float>::from_diffusion(1, 0.08f),
                                 levysgd::euler<float>(0.01f), "Brownian, euler");
            escape_checks<double>(levysgd::gaussian_noise<double>::from_diffusion(1, 0.08),
                                  levysgd::euler<double>(0.01), "Brownian, euler");
            transition_checks();
            simulate_checks<float>();
            simulate_checks<double>();
        }
    } catch (const std::exception &e) {
        std::printf("FAILED with an exception: %s\n", e.what());
        return 1;
    }
    std::printf("%s\n", failures == 0 ? "all checks passed" : "checks FAILED");
    return failures == 0 ? 0 : 1;
}
