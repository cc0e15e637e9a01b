// The SIGKILL test of checkpoints (ctest: checkpoint_kill). The driver runs
// an escape study uninterrupted (time T), then starts it again as a child
// process (fork + exec of itself) with a checkpoint every 20 ms, kills the
// child with SIGKILL at a random time (its start-up time + 20 ms + up to
// 0.04 T or two blocks' time), and starts it again from the checkpoint,
// until the checkpoint holds the finished study. After every kill the checkpoint must be readable (never a
// half-written file) and hold every block it held before (nothing finished
// is lost); at least `min_kills` kills must land mid-run; the resumed study
// must end bitwise equal to the uninterrupted run, every field and every
// path record.
//
//   checkpoint_kill [min_kills = 20] [seed = 1]
//   checkpoint_kill --child <checkpoint>     (what the driver runs)

#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

// ASan + UBSan run the scalar SSE2 build ~100x slower: a smaller study.
#if defined(LEVYSGD_TEST_SANITIZED)
constexpr std::size_t study_paths = 64 * 60;
constexpr double study_horizon = 3;
#else
constexpr std::size_t study_paths = 64 * 900;
constexpr double study_horizon = 12;
#endif

const auto well = levysgd::double_well(-1.0, 0.0, 1.0);
const levysgd::stable_noise<double> levy(1, 1.5, 0.4);
const levysgd::tamed_euler<double> integ(0.005);
const levysgd::interval<double> left(-3.0, 0.0);
const Eigen::Matrix<double, 1, 1> x0(-1.0);
const levysgd::escape_options<double> opt{.paths = study_paths, .horizon = study_horizon, .seed = 2026,
                                          .first_stream = 7, .threads = 2,
                                          .progress = levysgd::progress_mode::never};

auto plan() { return levysgd::plan_escape_study(well, levy, integ, left, x0, opt); }

template <class T> bool same(const T &a, const T &b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }
template <class R> bool same(const levysgd::estimate<R> &a, const levysgd::estimate<R> &b) {
    return same(a.value, b.value) && same(a.low, b.low) && same(a.high, b.high);
}

/// The first field in which two escape results differ, or "".
template <class R, int D>
std::string difference(const levysgd::escape_result<R, D> &a, const levysgd::escape_result<R, D> &b) {
    if (a.paths != b.paths || a.exited != b.exited || a.censored != b.censored ||
        a.non_finite != b.non_finite)
        return "counts";
    if (!same(a.time_step, b.time_step) || !same(a.horizon, b.horizon) || !same(a.z, b.z))
        return "time_step/horizon/z";
    if (!same(a.mean_exit_time, b.mean_exit_time))
        return "mean_exit_time";
    if (!same(a.exit_time_sd, b.exit_time_sd))
        return "exit_time_sd";
    if (!same(a.restricted_mean, b.restricted_mean))
        return "restricted_mean";
    if (!same(a.escape_rate, b.escape_rate))
        return "escape_rate";
    if (a.channels.size() != b.channels.size())
        return "channels";
    for (std::size_t c = 0; c < a.channels.size(); ++c)
        if (a.channels[c].coordinate != b.channels[c].coordinate ||
            a.channels[c].side != b.channels[c].side || a.channels[c].count != b.channels[c].count ||
            !same(a.channels[c].probability, b.channels[c].probability))
            return "channel " + std::to_string(c);
    if (a.path_records.size() != b.path_records.size())
        return "path_records.size()";
    for (std::size_t i = 0; i < a.path_records.size(); ++i) {
        const auto &p = a.path_records[i], &q = b.path_records[i];
        if (p.status != q.status || !same(p.time, q.time) || p.steps != q.steps ||
            p.where.coordinate != q.where.coordinate || p.where.side != q.where.side ||
            !same(p.point[0], q.point[0]))
            return "path_records[" + std::to_string(i) + "]";
    }
    return {};
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

pid_t spawn_child(const std::string &self, const std::string &ck) {
    const pid_t pid = fork();
    if (pid == 0) {
        const char *argv[] = {self.c_str(), "--child", ck.c_str(), nullptr};
        execv(self.c_str(), const_cast<char *const *>(argv));
        _exit(127);
    }
    return pid;
}

} // namespace

int main(int argc, char **argv) {
    if (argc == 2 && std::string(argv[1]) == "--start-only")
        return 0;
    if (argc == 3 && std::string(argv[1]) == "--child") {
        levysgd::run_study(plan(), {.path = argv[2], .interval = 0.02});
        return 0;
    }
    const int min_kills = argc > 1 ? std::atoi(argv[1]) : 20;
    const unsigned seed = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 1u;
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const auto dir = std::filesystem::temp_directory_path() /
                     ("levysgd_checkpoint_kill_" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const std::string ck = (dir / "study.ck").string();

    const auto t0 = std::chrono::steady_clock::now();
    const auto ref = levysgd::escape_study(well, levy, integ, left, x0, opt);
    const double T = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("uninterrupted run: %.3f s, %zu paths (%zu blocks)\n", T, opt.paths,
                (opt.paths + 63) / 64);

    // The time a child takes to start (large under ASan) comes before the kill window.
    const auto s0 = std::chrono::steady_clock::now();
    if (const pid_t pid = fork(); pid == 0) {
        const char *args[] = {self.c_str(), "--start-only", nullptr};
        execv(self.c_str(), const_cast<char *const *>(args));
        _exit(127);
    } else {
        int status = 0;
        waitpid(pid, &status, 0);
    }
    const double start = seconds_since(s0);
    std::printf("a child starts in %.3f s\n", start);
    std::mt19937 rng(seed);
    // Up to 4 % of the run, and at least the time of two blocks (one per thread).
    const double block_time = T / double((opt.paths + 63) / 64) * 2;
    std::uniform_real_distribution<double> when(start + 0.02,
                                                start + 0.02 + std::max(0.04 * T, 2 * block_time));
    std::set<std::size_t> held;
    int kills = 0, mid_run = 0, mid_write = 0, finished_first = 0;
    bool complete = false;
    for (int r = 0; !complete && r < 40 * min_kills; ++r) {
        std::filesystem::remove(ck + ".tmp"); // what a killed write left
        const pid_t pid = spawn_child(self, ck);
        if (pid < 0) {
            std::perror("fork");
            return 1;
        }
        const double wait_s = when(rng);
        std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
        kill(pid, SIGKILL);
        int status = 0;
        waitpid(pid, &status, 0);
        ++kills;
        if (WIFEXITED(status)) {
            if (WEXITSTATUS(status) != 0) {
                std::printf("FAILED: the child exited with %d\n", WEXITSTATUS(status));
                return 1;
            }
            ++finished_first;
        }
        mid_write += std::filesystem::exists(ck + ".tmp");
        if (!std::filesystem::exists(ck))
            continue; // killed before its first checkpoint
        levysgd::study_file_info info;
        try {
            info = levysgd::read_study_file_info(ck);
        } catch (const std::exception &e) {
            std::printf("FAILED: after the kill at %.3f s the checkpoint is unusable: %s\n",
                        wait_s, e.what());
            return 1;
        }
        for (std::size_t b : held)
            if (std::find(info.finished.begin(), info.finished.end(), b) == info.finished.end()) {
                std::printf("FAILED: block %zu was finished before the kill and is lost\n", b);
                return 1;
            }
        held.insert(info.finished.begin(), info.finished.end());
        complete = info.complete();
        mid_run += !complete;
        std::printf("kill %3d after %.3f s: %zu of %zu blocks saved%s\n", kills, wait_s,
                    info.finished_blocks, info.block_hi, complete ? " (finished)" : "");
    }
    const auto resumed = levysgd::run_study(plan(), {.path = ck, .interval = 0.02});
    std::filesystem::remove_all(dir);
    const std::string diff = difference(resumed, ref);
    std::printf("%d kills, %d mid-run (checkpoint unfinished), %d while writing (a temporary "
                "file left), %d children finished first\n",
                kills, mid_run, mid_write, finished_first);
    if (!diff.empty()) {
        std::printf("FAILED: the resumed study differs from the uninterrupted run in %s\n",
                    diff.c_str());
        return 1;
    }
    if (mid_run < min_kills) {
        std::printf("FAILED: only %d of %d kills landed mid-run (wanted %d)\n", mid_run, kills,
                    min_kills);
        return 1;
    }
    std::printf("the resumed study equals the uninterrupted run bit for bit (%zu paths, every "
                "field and path record)\n",
                resumed.path_records.size());
    return 0;
}
