// One escape study run as shards of a batch scheduler's array job, merged
// afterwards (levysgd/sde/study.hpp):
//
//   shard_study --shard k/K --out FILE [--interval SECONDS]   run shard k of K
//   shard_study --merge FILE...                                the whole result
//   shard_study --whole                                        one process
//   shard_study --checkpoint FILE [--interval SECONDS]         one process, resumable
//
// e.g. as a Slurm array job `shard_study --shard $SLURM_ARRAY_TASK_ID/16 --out s$SLURM_ARRAY_TASK_ID`,
// then `shard_study --merge s*`. A shard started again with the same --out
// resumes from its file. Every mode prints the result with its numbers in
// hexadecimal floating point and a hash of the path records, so equal
// output means bitwise equal results (ctest compares them).

#include <levysgd/levysgd.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

namespace {

int usage() {
    std::fprintf(stderr, "usage: shard_study --shard k/K --out FILE [--interval SECONDS]\n"
                         "       shard_study --merge FILE...\n"
                         "       shard_study --whole\n"
                         "       shard_study --checkpoint FILE [--interval SECONDS]\n");
    return 2;
}

template <class R> void print(const R &r) {
    std::printf("paths %zu exited %zu censored %zu non_finite %zu\n", r.paths, r.exited,
                r.censored, r.non_finite);
    std::printf("mean_exit_time %.6f [%.6f, %.6f] = %a %a %a\n", r.mean_exit_time.value,
                r.mean_exit_time.low, r.mean_exit_time.high, r.mean_exit_time.value,
                r.mean_exit_time.low, r.mean_exit_time.high);
    std::printf("escape_rate %.6f [%.6f, %.6f] = %a %a %a\n", r.escape_rate.value,
                r.escape_rate.low, r.escape_rate.high, r.escape_rate.value, r.escape_rate.low,
                r.escape_rate.high);
    std::printf("exit_time_sd %a restricted_mean %a horizon %a\n", r.exit_time_sd,
                r.restricted_mean, r.horizon);
    for (const auto &c : r.channels)
        std::printf("channel (%d, %+d): %zu, p = %a [%a, %a]\n", c.coordinate, c.side, c.count,
                    c.probability.value, c.probability.low, c.probability.high);
    levysgd::byte_writer w;
    for (const auto &p : r.path_records) {
        w.put(p.status);
        w.put(p.time);
        w.put(p.steps);
        w.put(p.where.side);
        w.put(p.point[0]);
    }
    std::printf("path records %zu, FNV-1a 64 %016llx\n", r.path_records.size(),
                static_cast<unsigned long long>(levysgd::fnv1a64(w.bytes().data(), w.size())));
}

} // namespace

int main(int argc, char **argv) try {
    // The study: Levy flights (alpha = 1.5) out of the left well of a double well.
    const auto well = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> levy(1, 1.5, 0.4);
    const levysgd::tamed_euler<double> integ(0.01);
    const levysgd::interval<double> left(-3.0, 0.0);
    const Eigen::Matrix<double, 1, 1> x0(-1.0);
    const levysgd::escape_options<double> opt{.paths = 6400, .horizon = 20, .seed = 23,
                                              .progress = levysgd::progress_mode::never};
    const auto plan = levysgd::plan_escape_study(well, levy, integ, left, x0, opt);

    const std::vector<std::string> args(argv + 1, argv + argc);
    auto interval = [&](std::size_t at) {
        return args.size() > at + 1 && args[at] == "--interval" ? std::atof(args[at + 1].c_str())
                                                                : 10.0;
    };
    if (args.size() >= 3 && args[0] == "--shard" && args[2] == "--out" && args.size() >= 4) {
        std::size_t k = 0, K = 0;
        if (std::sscanf(args[1].c_str(), "%zu/%zu", &k, &K) != 2)
            return usage();
        levysgd::run_shard(plan, {.index = k, .count = K}, args[3], interval(4));
        const auto info = levysgd::read_study_file_info(args[3]);
        std::printf("shard %zu of %zu: blocks [%zu, %zu) of %zu written to %s\n", k, K,
                    info.block_lo, info.block_hi, info.blocks, args[3].c_str());
    } else if (args.size() >= 2 && args[0] == "--merge") {
        print(levysgd::merge_shards(plan, std::vector<std::string>(args.begin() + 1, args.end())));
    } else if (args.size() == 1 && args[0] == "--whole") {
        print(levysgd::escape_study(well, levy, integ, left, x0, opt));
    } else if (args.size() >= 2 && args[0] == "--checkpoint") {
        print(levysgd::run_study(plan, {.path = args[1], .interval = interval(2)}));
    } else {
        return usage();
    }
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "shard_study: %s\n", e.what());
    return 1;
}
