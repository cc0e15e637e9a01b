// Escape-study throughput (path-steps per second) for 1-D, 2-D and 100-D
// problems with Gaussian and alpha-stable noise, one thread and all threads,
// next to the bulk samplers drawing the same noise (the irreducible work) in
// the same run. The summary prints the cost of one step relative to drawing
// its noise (d values) with levysgd::sample / fill_normal on one thread.
//
//   build/release/benchmarks/bench_sde
//   build/release/benchmarks/bench_sde --benchmark_repetitions=5   # medians
//
// Problems: 1d: double well f' = 2 (x + 1) x (x - 1) in (-3, 0) from -1;
// 2dq: quadratic with H = [[2, .5], [.5, 1]] in the disc of radius 3 from 0;
// 2d: Ackley in the same disc (its gradient costs 2 sincos, 2 exp, 1 sqrt);
// 100d: Styblinski-Tang (k = 1) in the box |x_i - m| < 2 around its minimum
// m. Euler with dt = 1e-3, horizon 2 (2000 steps unless a path exits).
// Noise: Gaussian sigma = 0.05, or SaS alpha = 1.5 with scale 0.01 per
// coordinate. The noise-only rows draw the same values with the bulk
// samplers, 256 steps per call (what a path's noise source does).
#include <levysgd/levysgd.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "../examples/custom_study.hpp"

namespace {

constexpr double dt = 1e-3, horizon = 2.0;

template <class N> N make_noise(Eigen::Index d, bool stable) {
    if constexpr (std::is_same_v<N, levysgd::stable_noise<double>>)
        return N(d, 1.5, 0.01);
    else
        return N::isotropic(d, 0.05);
    (void)stable;
}

template <class P, class N, class D>
void run_study(benchmark::State &st, const P &p, const N &noise, const D &dom,
               const levysgd::state_vector<P> &x0, std::size_t paths, unsigned threads) {
    levysgd::escape_options<double> opt;
    opt.paths = paths;
    opt.horizon = horizon;
    opt.threads = threads;
    opt.progress = levysgd::progress_mode::never;
    std::uint64_t steps = 0, exits = 0;
    for (auto _ : st) {
        const auto r = levysgd::escape_study(p, noise, levysgd::euler<double>(dt), dom, x0, opt);
        for (const auto &rec : r.path_records)
            steps += rec.steps;
        exits += r.exited;
        if (r.non_finite > 0)
            st.SkipWithError("non-finite paths");
        ++opt.seed;
    }
    st.SetItemsProcessed(std::int64_t(steps));
    st.counters["exit_fraction"] =
        double(exits) / double(st.iterations() * static_cast<std::int64_t>(paths));
}

template <class N> void bm_1d(benchmark::State &st, unsigned threads) {
    const auto p = levysgd::double_well(-1.0, 0.0, 1.0, 2.0);
    run_study(st, p, make_noise<N>(1, true), levysgd::interval<double>(-3.0, 0.0),
              Eigen::Matrix<double, 1, 1>(-1.0), 256, threads);
}
template <class N> void bm_2d(benchmark::State &st, unsigned threads) {
    run_study(st, levysgd::ackley<double>(), make_noise<N>(2, true),
              levysgd::ball<double, 2>(Eigen::Vector2d::Zero(), 3.0), Eigen::Vector2d::Zero(), 256,
              threads);
}
template <class N> void bm_2dq(benchmark::State &st, unsigned threads) {
    Eigen::Matrix2d h;
    h << 2.0, 0.5, 0.5, 1.0;
    run_study(st, levysgd::quadratic<double, 2>(h, Eigen::Vector2d::Zero()), make_noise<N>(2, true),
              levysgd::ball<double, 2>(Eigen::Vector2d::Zero(), 3.0), Eigen::Vector2d::Zero(), 256,
              threads);
}
template <class N> void bm_100d(benchmark::State &st, unsigned threads) {
    const Eigen::Index n = 100;
    const levysgd::styblinski_tang<double> p(n, 1.0);
    const double m = levysgd::styblinski_tang<double>::critical_points()[0];
    const Eigen::VectorXd x0 = Eigen::VectorXd::Constant(n, m);
    run_study(st, p, make_noise<N>(n, true),
              levysgd::box<double>(x0.array() - 2.0, x0.array() + 2.0), x0, 128, threads);
}

// A user's own study against the built-in equivalent (examples/custom_study.hpp):
// the user's tilted_well (tilt 0: x^3 - x), SaS(1.5) noise without clipping
// and the time-above observer on run_paths, versus double_well(-1, 0, 1),
// stable_noise and escape_study with an interval domain: the same law, the
// same paths (one thread, 256 paths of at most 2000 steps).
void bm_custom(benchmark::State &st) {
    const tilted_well f{0.0};
    const clipped_stable_noise noise{1.5, 0.3};
    const time_above_before_exit obs{-0.5, -3.0, 0.0};
    levysgd::run_options<double> opt{.paths = 256, .horizon = horizon, .threads = 1,
                                     .progress = levysgd::progress_mode::never};
    std::uint64_t steps = 0;
    for (auto _ : st) {
        const auto r = levysgd::run_paths(f, noise, levysgd::euler<double>(dt),
                                          Eigen::Matrix<double, 1, 1>(-1.0), opt, obs);
        steps += r.steps;
        ++opt.seed;
    }
    st.SetItemsProcessed(std::int64_t(steps));
}
void bm_custom_builtin(benchmark::State &st) {
    const auto p = levysgd::double_well(-1.0, 0.0, 1.0, 1.0);
    levysgd::escape_options<double> opt;
    opt.paths = 256;
    opt.horizon = horizon;
    opt.threads = 1;
    opt.progress = levysgd::progress_mode::never;
    std::uint64_t steps = 0;
    for (auto _ : st) {
        const auto r = levysgd::escape_study(p, levysgd::stable_noise<double>(1, 1.5, 0.3),
                                             levysgd::euler<double>(dt),
                                             levysgd::interval<double>(-3.0, 0.0),
                                             Eigen::Matrix<double, 1, 1>(-1.0), opt);
        for (const auto &rec : r.path_records)
            steps += rec.steps;
        ++opt.seed;
    }
    st.SetItemsProcessed(std::int64_t(steps));
}

// The noise alone: one thread draws the values of 256 steps at a time (what
// a noise source does) and reports "steps" of d values.
void bm_noise_stable(benchmark::State &st, int d) {
    const levysgd::stable_distribution<double> dist(1.5, 0, 1, 0, levysgd::parameterization::S0);
    std::vector<double> buf(256 * static_cast<std::size_t>(d));
    std::uint64_t first = 0;
    for (auto _ : st) {
        levysgd::sample(dist, std::span<double>(buf), 1, 0, {first, 1});
        first += buf.size();
        benchmark::DoNotOptimize(buf.data());
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * 256);
}
void bm_noise_normal(benchmark::State &st, int d) {
    std::vector<double> buf(256 * static_cast<std::size_t>(d));
    std::uint64_t first = 0;
    for (auto _ : st) {
        levysgd::fill_normal(std::span<double>(buf), 1, 0, {first, 1});
        first += buf.size();
        benchmark::DoNotOptimize(buf.data());
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * 256);
}

class summary_reporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override {
        for (const auto &r : runs) {
            const bool keep = r.run_type == Run::RT_Iteration
                                  ? !r.error_occurred && r.repetitions <= 1
                                  : r.aggregate_name == "median";
            if (!keep)
                continue;
            auto it = r.counters.find("items_per_second");
            if (it != r.counters.end())
                rate_[r.run_name.str()] = double(it->second);
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void print() const {
        std::printf("\nPath-steps per second (millions); cost of a step relative to drawing its "
                    "noise with the bulk sampler (1 thread)\n");
        std::printf("%-5s %-9s %12s %12s %12s %10s %9s\n", "dim", "noise", "1 thread",
                    "all threads", "noise only", "step/noise", "speedup");
        for (const char *dim : {"1d", "2dq", "2d", "100d"})
            for (const char *noise : {"gaussian", "stable"}) {
                const std::string base = std::string("study/") + dim + "/" + noise;
                const std::string n1 = base + "/threads:1/real_time";
                const std::string na = base + "/threads:all/real_time";
                const std::string nz = std::string("noise/") + dim + "/" + noise + "/real_time";
                if (!rate_.count(n1) || !rate_.count(nz))
                    continue;
                const double all = rate_.count(na) ? rate_.at(na) : 0;
                std::printf("%-5s %-9s %12.2f %12.2f %12.2f %10.2f %9.2f\n", dim, noise,
                            rate_.at(n1) / 1e6, all / 1e6, rate_.at(nz) / 1e6,
                            rate_.at(nz) / rate_.at(n1), all / rate_.at(n1));
            }
        const std::string cu = "custom/1d/stable/user/real_time",
                          cb = "custom/1d/stable/builtin/real_time";
        if (rate_.count(cu) && rate_.count(cb))
            std::printf("\nUser-written study vs built-in equivalent (1 thread): %.2f vs %.2f "
                        "M steps/s, ratio %.3f\n",
                        rate_.at(cu) / 1e6, rate_.at(cb) / 1e6, rate_.at(cu) / rate_.at(cb));
    }

  private:
    std::map<std::string, double> rate_;
};

} // namespace

int main(int argc, char **argv) {
    using G = levysgd::gaussian_noise<double>;
    using S = levysgd::stable_noise<double>;
    const std::map<std::string, int> dims{{"1d", 1}, {"2d", 2}, {"2dq", 2}, {"100d", 100}};
    for (const auto &[name, d] : dims) {
        benchmark::RegisterBenchmark(("noise/" + name + "/gaussian").c_str(), bm_noise_normal, d)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("noise/" + name + "/stable").c_str(), bm_noise_stable, d)
            ->UseRealTime();
    }
    for (unsigned t : {1u, 0u}) {
        const std::string th = t == 1 ? "threads:1" : "threads:all";
        benchmark::RegisterBenchmark(("study/1d/gaussian/" + th).c_str(), bm_1d<G>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("study/1d/stable/" + th).c_str(), bm_1d<S>, t)->UseRealTime();
        benchmark::RegisterBenchmark(("study/2d/gaussian/" + th).c_str(), bm_2d<G>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("study/2d/stable/" + th).c_str(), bm_2d<S>, t)->UseRealTime();
        benchmark::RegisterBenchmark(("study/2dq/gaussian/" + th).c_str(), bm_2dq<G>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("study/2dq/stable/" + th).c_str(), bm_2dq<S>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("study/100d/gaussian/" + th).c_str(), bm_100d<G>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("study/100d/stable/" + th).c_str(), bm_100d<S>, t)
            ->UseRealTime();
    }
    // Side by side in one run (the ratio is what counts on a noisy machine).
    benchmark::RegisterBenchmark("custom/1d/stable/user", bm_custom)->UseRealTime();
    benchmark::RegisterBenchmark("custom/1d/stable/builtin", bm_custom_builtin)->UseRealTime();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    summary_reporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    rep.print();
    benchmark::Shutdown();
    return 0;
}
