// alpha-stable sampling throughput: levysgd bulk SIMD sampler (one thread and
// all threads) side by side with GSL's gsl_ran_levy / gsl_ran_levy_skew and
// std::normal_distribution, in one run. At the end a table prints every
// levysgd rate as a multiple of GSL at the same (alpha, beta).
//
//   build/release/benchmarks/bench_stable --benchmark_min_time=0.5          # full table
//   build/release/benchmarks/bench_stable --benchmark_filter='alpha:1.5/beta:0'
//       --benchmark_repetitions=5    (the targets' row, with medians)
// With repetitions the ratio table uses the median of each benchmark. The
// paired/ rows time levysgd and GSL alternately within each iteration and
// report the ratio directly (counter x_gsl), the figure least disturbed by a
// machine whose speed changes from second to second; paired_threads/ rows do
// the same for all threads against one (counter x_one_thread), and
// paired_threads/reference/ gives a reference speed-up: register-only work
// on the same thread pool.
#include <levysgd/levysgd.hpp>

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#if defined(LEVYSGD_HAVE_GSL)
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#endif

namespace {

constexpr std::size_t batch = 1 << 16; // samples per iteration

// The output starts on a 64-byte boundary (as Eigen's AVX-512 arrays and
// xsimd::aligned_allocator give); `misalign` shifts it by one element, so
// that every full-width SIMD store straddles two cache lines (as it does for
// half of them in a malloc'd std::vector, which is only 16-byte aligned), to
// show that cost separately.
template <class Real>
void bm_levysgd(benchmark::State &st, double alpha, double beta, unsigned threads, bool misalign) {
    levysgd::stable_distribution<Real> d(Real(alpha), Real(beta), 1, 0,
                                         levysgd::parameterization::S1);
    // 2^20 draws per call for one and for all threads alike, so the speed-up
    // compares equal work and waking the pool's workers (60-140 us on the README machine) is
    // amortised.
    const std::size_t n = 16 * batch;
    std::vector<Real, xsimd::aligned_allocator<Real, 64>> storage(n + 1);
    const std::span<Real> buf(storage.data() + (misalign ? 1 : 0), n);
    std::uint64_t first = 0;
    for (auto _ : st) {
        levysgd::sample(d, buf, 42, 0, {.first_index = first, .threads = threads});
        benchmark::DoNotOptimize(buf.data());
        benchmark::ClobberMemory();
        first += n;
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}

// Times a() and b() alternately over the benchmark's iterations, the order
// swapping every iteration, so that a change in the machine's speed (on the
// VM of README "Performance" such phases last seconds) slows both alike.
// Returns the summed seconds of a and of b.
template <class A, class B>
std::array<double, 2> time_alternately(benchmark::State &st, A &&a, B &&b) {
    using clock = std::chrono::steady_clock;
    std::array<double, 2> t{0, 0};
    const auto timed = [](auto &f, double &acc) {
        const auto t0 = clock::now();
        f();
        acc += std::chrono::duration<double>(clock::now() - t0).count();
    };
    bool a_first = true;
    for (auto _ : st) {
        if (a_first) {
            timed(a, t[0]);
            timed(b, t[1]);
        } else {
            timed(b, t[1]);
            timed(a, t[0]);
        }
        a_first = !a_first;
    }
    return t;
}

// One and all threads timed alternately on the same 2^20 draws per call.
// Counter: x_one_thread = one-thread time / all-threads time.
template <class Real> void bm_paired_threads(benchmark::State &st, double alpha, double beta) {
    levysgd::stable_distribution<Real> d(Real(alpha), Real(beta), 1, 0,
                                         levysgd::parameterization::S1);
    std::vector<Real, xsimd::aligned_allocator<Real, 64>> buf(16 * (std::size_t(1) << 16));
    std::uint64_t first = 0;
    const auto run = [&](unsigned threads) {
        levysgd::sample(d, std::span<Real>(buf), 42, 0, {.first_index = first, .threads = threads});
        benchmark::DoNotOptimize(buf.data());
        benchmark::ClobberMemory();
        first += buf.size();
    };
    const auto t = time_alternately(
        st, [&] { run(1); }, [&] { run(0); });
    st.counters["x_one_thread"] = t[0] / t[1];
}

// A reference for the thread speed-up, timed like bm_paired_threads:
// register-only work (eight independent multiply-add chains per item on
// SIMD batches, fused by GCC; no memory traffic) over 2^15 items, split by
// the same pool and piece rule as sample() (detail::parallel_ranges). It
// includes the pool's cost but not the sampler's memory traffic, and on a VM
// whose host does not give the second vCPU a full core it falls below 2 as
// well, so the sampler's x_one_thread can be read against it.
void bm_paired_threads_reference(benchmark::State &st) {
    using B = xsimd::batch<double>;
    constexpr std::size_t items = std::size_t(1) << 15;
    constexpr int steps = 256; // ~10 ms per one-thread call on the README machine
    std::vector<double> sink(items);
    alignas(64) std::array<double, B::size> iota{};
    for (std::size_t j = 0; j < iota.size(); ++j)
        iota[j] = double(j);
    const B lane = B::load_aligned(iota.data());
    const auto run = [&](unsigned threads) {
        levysgd::detail::parallel_ranges(items, threads, 4096, [&](std::size_t b, std::size_t e) {
            for (std::size_t i = b; i < e; ++i) {
                std::array<B, 8> acc{};
                for (std::size_t j = 0; j < acc.size(); ++j) // distinct lanes: no scalarising
                    acc[j] = B(1.0 + 1e-9 * double(i + j)) + B(1e-12) * lane;
                const B m(0.999999999), c(1e-9);
                for (int k = 0; k < steps; ++k)
                    for (auto &a : acc)
                        a = xsimd::fma(a, m, c);
                B sum(0.0);
                for (const auto &a : acc)
                    sum += a;
                sink[i] = xsimd::hadd(sum);
            }
        });
        benchmark::DoNotOptimize(sink.data());
        benchmark::ClobberMemory();
    };
    const auto t = time_alternately(
        st, [&] { run(1); }, [&] { run(0); });
    st.counters["x_one_thread"] = t[0] / t[1];
}

#if defined(LEVYSGD_HAVE_GSL)
// GSL's symmetric generator for beta = 0, the skewed one otherwise.
void gsl_fill(gsl_rng *r, std::vector<double> &buf, double alpha, double beta) {
    if (beta == 0)
        for (auto &x : buf)
            x = gsl_ran_levy(r, 1.0, alpha);
    else
        for (auto &x : buf)
            x = gsl_ran_levy_skew(r, 1.0, alpha, beta);
}

void bm_gsl(benchmark::State &st, double alpha, double beta) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    std::vector<double> buf(batch);
    for (auto _ : st) {
        gsl_fill(r, buf, alpha, beta);
        benchmark::DoNotOptimize(buf.data());
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(batch));
    gsl_rng_free(r);
}

// levysgd and GSL timed alternately (time_alternately) on equal work: each
// iteration draws `batch` samples with each, into an L2-sized buffer each.
// Counters: x_gsl = GSL time / levysgd time over the whole run,
// and both rates in Msa/s.
template <class Real> void bm_paired(benchmark::State &st, double alpha, double beta) {
    levysgd::stable_distribution<Real> d(Real(alpha), Real(beta), 1, 0,
                                         levysgd::parameterization::S1);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    std::vector<double> gbuf(batch);
    std::vector<Real, xsimd::aligned_allocator<Real, 64>> lbuf(batch);
    std::uint64_t first = 0;
    const auto t = time_alternately(
        st,
        [&] {
            gsl_fill(r, gbuf, alpha, beta);
            benchmark::DoNotOptimize(gbuf.data());
            benchmark::ClobberMemory();
        },
        [&] {
            levysgd::sample(d, std::span<Real>(lbuf), 42, 0, {.first_index = first, .threads = 1});
            benchmark::DoNotOptimize(lbuf.data());
            benchmark::ClobberMemory();
            first += batch;
        });
    const double t_gsl = t[0], t_lev = t[1];
    const double n = double(st.iterations()) * double(batch);
    st.counters["x_gsl"] = t_gsl / t_lev;
    st.counters["gsl_Msa/s"] = n / t_gsl / 1e6;
    st.counters["levysgd_Msa/s"] = n / t_lev / 1e6;
    gsl_rng_free(r);
}
#endif

void bm_std_normal(benchmark::State &st) {
    std::mt19937_64 eng(42);
    std::normal_distribution<double> nd;
    std::vector<double> buf(batch);
    for (auto _ : st) {
        for (auto &x : buf)
            x = nd(eng);
        benchmark::DoNotOptimize(buf.data());
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(batch));
}

void bm_levysgd_normal(benchmark::State &st) {
    std::vector<double> buf(batch);
    std::uint64_t first = 0;
    for (auto _ : st) {
        levysgd::fill_normal(std::span<double>(buf), 42, 0, {.first_index = first, .threads = 1});
        benchmark::DoNotOptimize(buf.data());
        benchmark::ClobberMemory();
        first += batch;
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(batch));
}

void bm_scalar_engine(benchmark::State &st) {
    levysgd::stable_distribution<double> d(1.5, 0, 1, 0, levysgd::parameterization::S1);
    levysgd::philox4x32 eng(42, 0);
    std::vector<double> buf(batch);
    for (auto _ : st) {
        for (auto &x : buf)
            x = d(eng);
        benchmark::DoNotOptimize(buf.data());
        benchmark::ClobberMemory();
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(batch));
}

// Collects items/s per benchmark name and prints the ratio table at the end.
class ratio_reporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override {
        for (const auto &r : runs) {
            if (r.error_occurred)
                continue;
            const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            if (r.run_type == Run::RT_Aggregate && !median)
                continue;
            // name of the run without the _median suffix; medians win over single runs
            const std::string name = r.run_name.str();
            for (const char *c : {"x_gsl", "x_one_thread"})
                if (const auto px = r.counters.find(c); px != r.counters.end())
                    if (median || !medians_.count(name))
                        paired_[name] = double(px->second);
            auto it = r.counters.find("items_per_second");
            if (it == r.counters.end()) {
                if (median)
                    medians_.insert(name);
                continue;
            }
            if (median || !medians_.count(name))
                rate_[name] = double(it->second);
            if (median)
                medians_.insert(name);
        }
        ConsoleReporter::ReportRuns(runs);
    }
    void print_ratios() const {
        std::printf("\nlevysgd throughput relative to peers (same run; higher is better)\n");
        std::printf("%-18s | %12s | %10s %10s %10s %10s | %8s\n", "(alpha, beta)", "GSL Msa/s",
                    "dbl/GSL", "flt/GSL", "dbl all/1", "flt all/1", "cores");
        const unsigned hw = levysgd::hardware_threads();
        for (const auto &[key, gsl] : gsl_keys()) {
            const double g = rate(gsl);
            const double d1 = rate("levysgd/double/" + key + "/threads:1");
            const double f1 = rate("levysgd/float/" + key + "/threads:1");
            const double dn = rate("levysgd/double/" + key + "/threads:all/real_time");
            const double fn = rate("levysgd/float/" + key + "/threads:all/real_time");
            if (g == 0 && d1 == 0 && f1 == 0)
                continue; // filtered out
            std::printf("%-18s | %12.2f | %10.1f %10.1f %10.2f %10.2f | %8u\n", key.c_str(),
                        g / 1e6, g > 0 ? d1 / g : 0.0, g > 0 ? f1 / g : 0.0, d1 > 0 ? dn / d1 : 0.0,
                        f1 > 0 ? fn / f1 : 0.0, hw);
        }
        for (const auto &[name, x] : paired_)
            std::printf("%s (timed alternately): %.2fx\n", name.c_str(), x);
        const double mis = rate("levysgd/double/alpha:1.5/beta:0/threads:1/misaligned");
        const double al = rate("levysgd/double/alpha:1.5/beta:0/threads:1");
        if (mis > 0 && al > 0)
            std::printf("double, alpha 1.5, beta 0, output one element off a 64-byte boundary: "
                        "%.1f Msa/s (%.2fx the aligned rate)\n",
                        mis / 1e6, mis / al);
        const double sn = rate("std::normal_distribution<double>/mt19937_64");
        const double ln = rate("levysgd::fill_normal<double>");
        if (sn > 0)
            std::printf(
                "std::normal_distribution: %.1f Msa/s; levysgd::fill_normal: %.1f Msa/s (%.1fx)\n",
                sn / 1e6, ln / 1e6, ln / sn);
    }
    /// items/s of the named benchmark (median where repeated), 0 if it did not run.
    double rate(const std::string &name) const {
        const auto it = rate_.find(name);
        return it == rate_.end() ? 0.0 : it->second;
    }
    static std::vector<std::pair<std::string, std::string>> gsl_keys() {
        std::vector<std::pair<std::string, std::string>> k;
        for (double a : alphas)
            for (double b : betas) {
                const std::string key = "alpha:" + fmt(a) + "/beta:" + fmt(b);
                k.emplace_back(key, "gsl/" + key);
            }
        return k;
    }
    static std::string fmt(double v) {
        char s[32];
        std::snprintf(s, sizeof s, "%g", v);
        return s;
    }
    static constexpr double alphas[] = {0.5, 1.0, 1.5, 1.9};
    static constexpr double betas[] = {0.0, 0.5};

  private:
    std::map<std::string, double> rate_, paired_;
    std::set<std::string> medians_;
};

} // namespace

int main(int argc, char **argv) {
    for (double a : ratio_reporter::alphas) {
        for (double b : ratio_reporter::betas) {
            const std::string key =
                "alpha:" + ratio_reporter::fmt(a) + "/beta:" + ratio_reporter::fmt(b);
#if defined(LEVYSGD_HAVE_GSL)
            benchmark::RegisterBenchmark(("gsl/" + key).c_str(), bm_gsl, a, b);
#endif
            benchmark::RegisterBenchmark(("levysgd/double/" + key + "/threads:1").c_str(),
                                         bm_levysgd<double>, a, b, 1u, false);
            benchmark::RegisterBenchmark(("levysgd/float/" + key + "/threads:1").c_str(),
                                         bm_levysgd<float>, a, b, 1u, false);
            benchmark::RegisterBenchmark(("levysgd/double/" + key + "/threads:all").c_str(),
                                         bm_levysgd<double>, a, b, 0u, false)
                ->UseRealTime();
            benchmark::RegisterBenchmark(("levysgd/float/" + key + "/threads:all").c_str(),
                                         bm_levysgd<float>, a, b, 0u, false)
                ->UseRealTime();
        }
    }
#if defined(LEVYSGD_HAVE_GSL)
    benchmark::RegisterBenchmark("paired/double/alpha:1.5/beta:0", bm_paired<double>, 1.5, 0.0);
    benchmark::RegisterBenchmark("paired/float/alpha:1.5/beta:0", bm_paired<float>, 1.5, 0.0);
#endif
    benchmark::RegisterBenchmark("paired_threads/double/alpha:1.5/beta:0",
                                 bm_paired_threads<double>, 1.5, 0.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark("paired_threads/float/alpha:1.5/beta:0", bm_paired_threads<float>,
                                 1.5, 0.0)
        ->UseRealTime();
    benchmark::RegisterBenchmark("paired_threads/reference/register_fma",
                                 bm_paired_threads_reference)
        ->UseRealTime();
    benchmark::RegisterBenchmark("levysgd/double/alpha:1.5/beta:0/threads:1/misaligned",
                                 bm_levysgd<double>, 1.5, 0.0, 1u, true);
    benchmark::RegisterBenchmark("std::normal_distribution<double>/mt19937_64", bm_std_normal);
    benchmark::RegisterBenchmark("levysgd::fill_normal<double>", bm_levysgd_normal);
    benchmark::RegisterBenchmark("levysgd::stable_distribution<double>(philox4x32)/alpha:1.5",
                                 bm_scalar_engine);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    ratio_reporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    rep.print_ratios();
    benchmark::Shutdown();
    return 0;
}
