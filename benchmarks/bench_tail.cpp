// Mohammadi tail-index estimator throughput (Simsekli et al. 2019 eq. 15)
// on 10^8 values, float and double, one thread and all threads, next to a
// plain SIMD sum over the same array (the machine's read bandwidth) in the
// same run; the summary prints values/s and the fraction of that bandwidth;
// and the per-column estimator on the same values as 1000 rows (issue 21).
//
//   build/release/benchmarks/bench_tail                 # 10^8 values
//   LEVYSGD_BENCH_N=10000000 build/release/benchmarks/bench_tail
//   LEVYSGD_BENCH_DUMP=/tmp/x.f64 build/release/benchmarks/bench_tail   # also write the
//       double data for benchmarks/bench_tail_numpy.py (the numpy peer)
#include <levysgd/levysgd.hpp>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace {

std::size_t bench_n() {
    const char *e = std::getenv("LEVYSGD_BENCH_N");
    return e ? std::stoull(e) : std::size_t(100'000'000);
}

template <class Real> const std::vector<Real> &data() {
    static const std::vector<Real> x = [] {
        std::vector<Real> v(bench_n());
        levysgd::sample(
            levysgd::stable_distribution<Real>(1.5, 0, 1, 0, levysgd::parameterization::S1),
            std::span<Real>(v), 2026, 0, {.threads = 0});
        return v;
    }();
    return x;
}

template <class Real> double simd_sum(const Real *p, std::size_t n) {
    using B = xsimd::batch<Real>;
    constexpr std::size_t W = B::size;
    B a(Real(0)), b(Real(0)), c(Real(0)), d(Real(0));
    std::size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W) {
        a += B::load_unaligned(p + i);
        b += B::load_unaligned(p + i + W);
        c += B::load_unaligned(p + i + 2 * W);
        d += B::load_unaligned(p + i + 3 * W);
    }
    double s = double(xsimd::hadd((a + b) + (c + d)));
    for (; i < n; ++i)
        s += double(p[i]);
    return s;
}

template <class Real> void bm_sum(benchmark::State &st, unsigned threads) {
    const auto &x = data<Real>();
    for (auto _ : st) {
        std::vector<double> part(levysgd::detail::resolve_threads(threads), 0.0);
        std::atomic<std::size_t> slot{0};
        levysgd::detail::parallel_ranges(
            x.size(), threads, 1 << 20, [&](std::size_t b, std::size_t e) {
                part[slot++ % part.size()] += simd_sum(x.data() + b, e - b);
            });
        benchmark::DoNotOptimize(part.data());
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(x.size()));
    st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(x.size() * sizeof(Real)));
}

template <class Real> void bm_mohammadi(benchmark::State &st, unsigned threads) {
    const auto &x = data<Real>();
    levysgd::tail_index_result r{};
    for (auto _ : st) {
        r = levysgd::mohammadi_tail_index(std::span<const Real>(x),
                                          levysgd::tail_index_options{.threads = threads});
        // Through memory: benchmark 1.7.1's DoNotOptimize(double&) ("+m,r")
        // left the double rows' alpha_hat counter at a garbage 6.95e-310.
        benchmark::DoNotOptimize(&r);
        benchmark::ClobberMemory();
    }
    st.counters["alpha_hat"] = r.alpha;
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(x.size()));
    st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(x.size() * sizeof(Real)));
}

// The same values as a row-major 1000 x (N / 1000) matrix, one alpha per
// column (mohammadi_tail_index_columns, k1 = 40: the Python axis=0 case of
// benchmarks/bench_python.py)
template <class Real> void bm_columns(benchmark::State &st, unsigned threads) {
    const auto &x = data<Real>();
    const std::size_t rows = 1000, cols = x.size() / rows;
    std::vector<levysgd::tail_index_result> r;
    for (auto _ : st) {
        r = levysgd::mohammadi_tail_index_columns(
            Eigen::Map<const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
                x.data(), Eigen::Index(rows), Eigen::Index(cols)),
            levysgd::tail_index_options{.k1 = 40, .threads = threads});
        benchmark::DoNotOptimize(r.data());
        benchmark::ClobberMemory();
    }
    st.counters["alpha_hat_col0"] = r.at(0).alpha;
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(rows * cols));
    st.SetBytesProcessed(std::int64_t(st.iterations()) * std::int64_t(rows * cols * sizeof(Real)));
}

class summary_reporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override {
        for (const auto &r : runs)
            if (r.run_type == Run::RT_Iteration && !r.error_occurred) {
                auto it = r.counters.find("items_per_second");
                if (it != r.counters.end())
                    rate_[r.run_name.str()] = double(it->second);
            }
        ConsoleReporter::ReportRuns(runs);
    }
    void print() const {
        std::printf(
            "\nMohammadi estimator on %zu values (Gvalues/s; fraction of the plain-sum rate)\n",
            bench_n());
        for (const char *type : {"double", "float"})
            for (const char *th : {"threads:1", "threads:all"}) {
                const std::string m = std::string("mohammadi/") + type + "/" + th + "/real_time";
                const std::string s = std::string("plain_sum/") + type + "/" + th + "/real_time";
                if (!rate_.count(m) || !rate_.count(s))
                    continue;
                std::printf("%-7s %-12s estimator %6.3f  sum %6.3f  -> %5.1f %%\n", type, th,
                            rate_.at(m) / 1e9, rate_.at(s) / 1e9, 100 * rate_.at(m) / rate_.at(s));
                const std::string c = std::string("columns/") + type + "/" + th + "/real_time";
                if (rate_.count(c))
                    std::printf("%-7s %-12s columns   %6.3f  (1000 rows, k1 = 40) -> %5.1f %%\n",
                                type, th, rate_.at(c) / 1e9, 100 * rate_.at(c) / rate_.at(s));
            }
    }

  private:
    std::map<std::string, double> rate_;
};

} // namespace

int main(int argc, char **argv) {
    if (const char *dump = std::getenv("LEVYSGD_BENCH_DUMP")) {
        const auto &x = data<double>();
        std::ofstream f(dump, std::ios::binary);
        f.write(reinterpret_cast<const char *>(x.data()),
                std::streamsize(x.size() * sizeof(double)));
        std::printf("wrote %zu doubles to %s; levysgd alpha-hat %.6f\n", x.size(), dump,
                    levysgd::mohammadi_tail_index(std::span<const double>(x)).alpha);
    }
    for (unsigned t : {1u, 0u}) {
        const std::string th = t == 1 ? "threads:1" : "threads:all";
        benchmark::RegisterBenchmark(("plain_sum/double/" + th).c_str(), bm_sum<double>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("mohammadi/double/" + th).c_str(), bm_mohammadi<double>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("plain_sum/float/" + th).c_str(), bm_sum<float>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("mohammadi/float/" + th).c_str(), bm_mohammadi<float>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("columns/double/" + th).c_str(), bm_columns<double>, t)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("columns/float/" + th).c_str(), bm_columns<float>, t)
            ->UseRealTime();
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    summary_reporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    rep.print();
    benchmark::Shutdown();
    return 0;
}
