// An escape study over MPI ranks (levysgd/mpi.hpp):
//
//   mpirun -np 3 ./mpi_escape [paths = 6400] [threads = 0]
//
// Rank r runs shard r of n (a contiguous range of 64-path blocks) on its
// threads; rank 0 merges the ranks' states in block order. Rank 0 then runs
// the same study in one process, without MPI, and checks that every field
// and every path record is bitwise the same (exit status 1 if not), so ctest
// runs this with 1, 2 and 3 ranks as the bit-identity test.

#include <levysgd/mpi.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
template <class T> bool same(const T &a, const T &b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }
template <class R> bool same(const levysgd::estimate<R> &a, const levysgd::estimate<R> &b) {
    return same(a.value, b.value) && same(a.low, b.low) && same(a.high, b.high);
}
template <class R, int D>
bool identical(const levysgd::escape_result<R, D> &a, const levysgd::escape_result<R, D> &b) {
    bool ok = a.paths == b.paths && a.exited == b.exited && a.censored == b.censored &&
              a.non_finite == b.non_finite && same(a.time_step, b.time_step) &&
              same(a.horizon, b.horizon) && same(a.z, b.z) &&
              same(a.mean_exit_time, b.mean_exit_time) && same(a.exit_time_sd, b.exit_time_sd) &&
              same(a.restricted_mean, b.restricted_mean) && same(a.escape_rate, b.escape_rate) &&
              a.channels.size() == b.channels.size() &&
              a.path_records.size() == b.path_records.size();
    for (std::size_t c = 0; ok && c < a.channels.size(); ++c)
        ok = a.channels[c].coordinate == b.channels[c].coordinate &&
             a.channels[c].side == b.channels[c].side && a.channels[c].count == b.channels[c].count &&
             same(a.channels[c].probability, b.channels[c].probability);
    for (std::size_t i = 0; ok && i < a.path_records.size(); ++i) {
        const auto &p = a.path_records[i], &q = b.path_records[i];
        ok = p.status == q.status && same(p.time, q.time) && p.steps == q.steps &&
             p.where.coordinate == q.where.coordinate && p.where.side == q.where.side &&
             p.point.size() == q.point.size() &&
             std::memcmp(p.point.data(), q.point.data(), sizeof(R) * p.point.size()) == 0;
    }
    return ok;
}
} // namespace

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const std::size_t paths = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 6400;
    const unsigned threads = argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : 0u;

    // Levy flights out of the left well of a double well.
    const auto well = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> levy(1, 1.5, 0.4);
    const levysgd::tamed_euler<double> integ(0.01);
    const levysgd::interval<double> left(-3.0, 0.0);
    const Eigen::Matrix<double, 1, 1> x0(-1.0);
    const levysgd::escape_options<double> opt{.paths = paths, .horizon = 20, .seed = 23,
                                              .threads = threads,
                                              .progress = levysgd::progress_mode::never};
    const auto plan = levysgd::plan_escape_study(well, levy, integ, left, x0, opt);

    const double t0 = MPI_Wtime();
    const auto r = levysgd::mpi::run_study(plan, MPI_COMM_WORLD);
    const double t1 = MPI_Wtime();
    int status = 0;
    if (rank == 0) {
        std::printf("%d ranks: %zu paths in %.3f s: mean exit time %.4f [%.4f, %.4f], "
                    "rate %.5f, censored %zu\n",
                    size, r.paths, t1 - t0, r.mean_exit_time.value, r.mean_exit_time.low,
                    r.mean_exit_time.high, r.escape_rate.value, r.censored);
        const auto one = levysgd::escape_study(well, levy, integ, left, x0, opt);
        const bool ok = identical(r, one);
        std::printf("%s the one-process escape_study (every field and path record)\n",
                    ok ? "bitwise equal to" : "DIFFERENT from");
        status = ok ? 0 : 1;
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    MPI_Finalize();
    return status;
}
