// levysgd::mpi::run_study when one rank fails on its own shard: with 2 or
// more ranks, rank 1's checkpoint file is damaged, so rank 1 refuses it
// (study_file_error) before the gather. Every rank must return from
// run_study with an exception (none left waiting in a collective: ctest's
// timeout catches a hang): rank 1 its own, the others a runtime_error naming
// rank 1 and its message. Then a run without the damaged file succeeds.
#include <levysgd/levysgd.hpp>
#include <levysgd/mpi.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank = 0, size = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    const std::string dir = argc > 1 ? argv[1] : ".";
    const std::string ck = dir + "/mpi_rank_failure_ck";
    const int bad = size > 1 ? 1 : 0;

    const auto well = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> levy(1, 1.5, 0.4);
    const levysgd::tamed_euler<double> integ(0.01);
    const levysgd::interval<double> left(-3.0, 0.0);
    const Eigen::Matrix<double, 1, 1> x0(-1.0);
    const levysgd::escape_options<double> opt{.paths = 640, .horizon = 5, .seed = 7,
                                              .threads = 1,
                                              .progress = levysgd::progress_mode::never};
    const auto plan = levysgd::plan_escape_study(well, levy, integ, left, x0, opt);

    const std::string bad_file =
        ck + "." + std::to_string(bad) + "-of-" + std::to_string(size);
    if (rank == bad)
        std::ofstream(bad_file, std::ios::binary) << "not a levysgd study file";
    MPI_Barrier(MPI_COMM_WORLD);

    int ok = 1;
    std::string what = "(no exception)";
    try {
        (void)levysgd::mpi::run_study(plan, MPI_COMM_WORLD, {.path = ck, .interval = 0});
        ok = 0;
    } catch (const levysgd::study_file_error &e) {
        what = e.what();
        ok = rank == bad; // the failing rank: its own exception
    } catch (const std::runtime_error &e) {
        what = e.what();
        const std::string want = "levysgd::mpi::run_study: rank " + std::to_string(bad) + " of " +
                                 std::to_string(size) + " failed: ";
        ok = rank != bad && what.rfind(want, 0) == 0 &&
             what.find(bad_file) != std::string::npos; // rank bad's message names its file
    }
    std::printf("rank %d: %s\n", rank, what.c_str());

    // without the damaged file every rank gets the same, finished result
    if (rank == bad)
        std::filesystem::remove(bad_file);
    MPI_Barrier(MPI_COMM_WORLD);
    const auto r = levysgd::mpi::run_study(plan, MPI_COMM_WORLD);
    ok = ok && r.paths == opt.paths;
    for (int k = 0; k < size; ++k)
        std::filesystem::remove(ck + "." + std::to_string(k) + "-of-" + std::to_string(size));

    int all = 0;
    MPI_Allreduce(&ok, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (rank == 0)
        std::printf("%s\n", all ? "a failing rank is reported on every rank"
                                : "FAILED: see the ranks' lines above");
    MPI_Finalize();
    return all ? 0 : 1;
}
