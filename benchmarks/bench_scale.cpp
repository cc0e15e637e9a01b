// Scale-out costs (docs/scale-out.md): the overhead of checkpoints at
// several intervals against the same study without one, and the scaling of
// an escape study over MPI ranks (examples/mpi/mpi_escape.cpp launched with
// mpirun; built when LEVYSGD_MPI finds MPI), all in one run.
//
// The checkpoint rows run a 128000-path escape study (keep_paths = false) on
// all threads, each iteration once without and once with checkpoints (from
// no file), back to back. "every_block" writes after each of its 2000
// blocks, which gives the cost of one write; the summary projects the
// overhead at a 10 s interval from it (a study of ~2 s writes no checkpoint
// at 10 s but the final one).

#include <levysgd/levysgd.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

const auto well = levysgd::double_well(-1.0, 0.0, 1.0);
const levysgd::stable_noise<double> levy(1, 1.5, 0.4);
const levysgd::tamed_euler<double> integ(0.01);
const levysgd::interval<double> left(-3.0, 0.0);
const Eigen::Matrix<double, 1, 1> x0(-1.0);
constexpr std::size_t bench_paths = 128000;
const levysgd::escape_options<double> opt{.paths = bench_paths, .horizon = 20, .seed = 23,
                                          .progress = levysgd::progress_mode::never,
                                          .keep_paths = false};

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Each iteration runs the study without and with checkpoints back to back
/// (alternating which goes first): on a machine shared with other jobs only
/// paired runs compare. Counters: the median of the paired ratios as an
/// overhead in %, and the mean time without checkpoints.
void bm_checkpoint(benchmark::State &st, double interval) {
    const auto plan = levysgd::plan_escape_study(well, levy, integ, left, x0, opt);
    const std::string path =
        (std::filesystem::temp_directory_path() / "levysgd_bench_scale.ck").string();
    auto plain = [&] {
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(levysgd::run_study(plan).exited);
        return seconds_since(t0);
    };
    auto checkpointed = [&] {
        std::filesystem::remove(path);
        const auto t0 = std::chrono::steady_clock::now();
        benchmark::DoNotOptimize(
            levysgd::run_study(plan, {.path = path, .interval = interval}).exited);
        return seconds_since(t0);
    };
    std::vector<double> ratio;
    double none = 0;
    for (auto _ : st) {
        double tn = 0, tc = 0;
        if (ratio.size() % 2 == 0) {
            tn = plain();
            tc = checkpointed();
        } else {
            tc = checkpointed();
            tn = plain();
        }
        ratio.push_back(tc / tn);
        none += tn;
        st.SetIterationTime(tc);
    }
    std::filesystem::remove(path);
    std::sort(ratio.begin(), ratio.end());
    const std::size_t n = ratio.size();
    const double median = n % 2 ? ratio[n / 2] : (ratio[n / 2 - 1] + ratio[n / 2]) / 2;
    st.counters["overhead_pct"] = 100 * (median - 1);
    st.counters["plain_s"] = none / double(n);
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(bench_paths));
}

#ifdef LEVYSGD_MPI_ESCAPE
/// mpirun -np ranks mpi_escape paths threads; the study's own time (MPI_Wtime).
void bm_ranks(benchmark::State &st, int ranks, int threads) {
    const std::string cmd = std::string("OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 ") +
                            LEVYSGD_MPIEXEC + " -np " + std::to_string(ranks) +
                            " --oversubscribe --bind-to none " + LEVYSGD_MPI_ESCAPE + " " +
                            std::to_string(bench_paths) + " " + std::to_string(threads) +
                            " 2>&1";
    for (auto _ : st) {
        std::unique_ptr<FILE, int (*)(FILE *)> p(popen(cmd.c_str(), "r"), pclose);
        char line[512];
        double t = -1;
        while (p && std::fgets(line, sizeof line, p.get())) {
            const char *at = std::strstr(line, " paths in ");
            if (at)
                t = std::atof(at + 10);
        }
        if (t < 0) {
            st.SkipWithError("mpirun failed");
            break;
        }
        st.SetIterationTime(t);
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(bench_paths));
}
#endif

class summary_reporter : public benchmark::ConsoleReporter {
  public:
    void ReportRuns(const std::vector<Run> &runs) override {
        for (const auto &r : runs)
            if (r.run_type == Run::RT_Iteration && !r.error_occurred) {
                const std::string n = r.run_name.function_name;
                t_[n] = r.GetAdjustedRealTime() / 1e3; // ms -> s
                for (const char *c : {"overhead_pct", "plain_s"})
                    if (r.counters.count(c))
                        c_[n + "#" + c] = double(r.counters.at(c));
            }
        ConsoleReporter::ReportRuns(runs);
    }
    void print() const {
        auto t = [&](const std::string &n) { return t_.count(n) ? t_.at(n) : -1.0; };
        auto c = [&](const std::string &n, const char *k) {
            return c_.count(n + "#" + k) ? c_.at(n + "#" + k) : 0.0;
        };
        const std::size_t blocks = (bench_paths + 63) / 64;
        std::printf("\nCheckpoint overhead (%zu paths, %zu blocks, all threads; median of paired "
                    "runs)\n",
                    bench_paths, blocks);
        for (const char *n : {"checkpoint/interval:10s", "checkpoint/interval:1s",
                              "checkpoint/interval:0.1s", "checkpoint/interval:0.01s",
                              "checkpoint/every_block"})
            if (t(n) > 0)
                std::printf("  %-28s %7.3f s vs %7.3f s without  %+6.2f %%\n", n, t(n),
                            c(n, "plain_s"), c(n, "overhead_pct"));
        const std::string eb = "checkpoint/every_block";
        if (t(eb) > 0) {
            const double per_write = c(eb, "overhead_pct") / 100 * c(eb, "plain_s") / double(blocks);
            std::printf("  one write: %.3f ms; projected at a 10 s interval: %.4f %%\n",
                        1e3 * per_write, 100 * per_write / 10);
        }
        const double r1 = t("ranks:1/threads:1");
        if (r1 > 0) {
            std::printf("\nMPI ranks (mpirun --oversubscribe --bind-to none)\n");
            for (const char *n : {"ranks:1/threads:1", "ranks:2/threads:1", "ranks:3/threads:1",
                                  "ranks:1/threads:2"})
                if (t(n) > 0)
                    std::printf("  %-20s %7.3f s  speed-up %.2f\n", n, t(n), r1 / t(n));
        }
    }

  private:
    std::map<std::string, double> t_, c_;
};

} // namespace

int main(int argc, char **argv) {
    auto reg = [](const char *name, double interval) {
        benchmark::RegisterBenchmark(name, bm_checkpoint, interval)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond)
            ->Iterations(interval == 0 ? 2 : 4); // every_block: 2000 synced writes
    };
    reg("checkpoint/interval:10s", 10);
    reg("checkpoint/interval:1s", 1);
    reg("checkpoint/interval:0.1s", 0.1);
    reg("checkpoint/interval:0.01s", 0.01);
    reg("checkpoint/every_block", 0);
#ifdef LEVYSGD_MPI_ESCAPE
    for (auto [ranks, threads] : {std::pair{1, 1}, {2, 1}, {3, 1}, {1, 2}})
        benchmark::RegisterBenchmark(("ranks:" + std::to_string(ranks) + "/threads:" +
                                      std::to_string(threads))
                                         .c_str(),
                                     bm_ranks, ranks, threads)
            ->UseManualTime()
            ->Unit(benchmark::kMillisecond)
            ->Iterations(3);
#endif
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    summary_reporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    rep.print();
    benchmark::Shutdown();
    return 0;
}
