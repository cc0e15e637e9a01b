#pragma once
// Studies over MPI ranks (Open MPI or any MPI-3 library; C API only). Rank r
// of n runs shard r of n of a study plan (sde/study.hpp: a contiguous range
// of the study's 64-path blocks) on its threads; the ranks' states are
// gathered to rank 0 as study-file bytes (identity and checksum checked),
// merged there in block order exactly as merge_shards does, and the merged
// block result is broadcast, so every rank returns the same result, bitwise
// that of run_study(plan) in one process, for any number of ranks and
// threads. Include <levysgd/mpi.hpp> and link MPI; nothing else in levysgd
// includes this header.
//
//   MPI_Init(&argc, &argv);
//   const auto plan = levysgd::plan_escape_study(f, noise, integ, domain, x0, opt);
//   const auto r = levysgd::mpi::run_study(plan, MPI_COMM_WORLD);

#include <climits>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

// The C API only: keep the deprecated C++ bindings out (they warn).
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include "../sde/study.hpp"

namespace levysgd::mpi {

namespace detail {
inline void check(int rc, const char *what) {
    if (rc != MPI_SUCCESS)
        throw std::runtime_error(std::string("levysgd::mpi::run_study: ") + what + " failed (" +
                                 std::to_string(rc) + ")");
}
inline int checked_int(std::size_t n, const char *what) {
    if (n > static_cast<std::size_t>(INT_MAX))
        throw std::runtime_error(std::string("levysgd::mpi::run_study: ") + what + " of " +
                                 std::to_string(n) +
                                 " bytes exceeds one MPI message (2^31 - 1): use more ranks "
                                 "or keep_paths = false");
    return static_cast<int>(n);
}
/// Broadcasts bytes from rank 0 (size first).
inline void broadcast(std::vector<unsigned char> &bytes, int rank, MPI_Comm comm) {
    std::uint64_t n = bytes.size();
    check(MPI_Bcast(&n, 1, MPI_UINT64_T, 0, comm), "MPI_Bcast");
    if (rank != 0)
        bytes.resize(static_cast<std::size_t>(n));
    check(MPI_Bcast(bytes.data(), checked_int(bytes.size(), "the merged result"), MPI_UNSIGNED_CHAR,
                    0, comm),
          "MPI_Bcast");
}
} // namespace detail

/// Runs the study over the ranks of comm (collective: every rank calls it
/// with the same plan) and returns its result on every rank. With
/// ck.path set, rank r keeps its own checkpoint "<path>.<r>-of-<n>"
/// (resumed when it exists, as levysgd::run_study does). A rank whose plan
/// differs from rank 0's (another seed, potential, ...) makes every rank
/// throw levysgd::study_file_error naming the field.
template <class Plan>
typename Plan::result_type run_study(const Plan &plan, MPI_Comm comm = MPI_COMM_WORLD,
                                     const checkpoint_options &ck = {}) {
    constexpr std::string_view where = "levysgd::mpi::run_study";
    levysgd::detail::check_interval(where, ck.interval);
    int rank = 0, size = 1;
    detail::check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank");
    detail::check(MPI_Comm_size(comm, &size), "MPI_Comm_size");
    const shard_options shard{static_cast<std::size_t>(rank), static_cast<std::size_t>(size)};
    const std::string path =
        ck.path.empty() ? std::string()
                        : ck.path + "." + std::to_string(rank) + "-of-" + std::to_string(size);
    auto st = levysgd::detail::start_state(plan, shard, path, where, "checkpoint");
    levysgd::detail::advance(plan, st, path, ck.interval, where);
    const std::vector<unsigned char> mine = levysgd::detail::encode_state(plan, st);

    // Gather every rank's state to rank 0.
    const int n = detail::checked_int(mine.size(), "a rank's state");
    std::vector<int> counts(rank == 0 ? static_cast<std::size_t>(size) : 0);
    detail::check(MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, comm), "MPI_Gather");
    std::vector<int> displs(counts.size());
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
        displs[r] = detail::checked_int(total, "the gathered states");
        total += static_cast<std::size_t>(counts[r]);
    }
    detail::checked_int(total, "the gathered states");
    std::vector<unsigned char> all(total);
    detail::check(MPI_Gatherv(mine.data(), n, MPI_UNSIGNED_CHAR, all.data(), counts.data(),
                              displs.data(), MPI_UNSIGNED_CHAR, 0, comm),
                  "MPI_Gatherv");

    // Rank 0 merges in block order; an error travels to every rank.
    std::vector<unsigned char> merged, error;
    if (rank == 0) {
        try {
            std::vector<levysgd::detail::study_state<typename Plan::block_result>> sts;
            std::vector<std::string> names;
            for (int r = 0; r < size; ++r) {
                names.push_back("rank " + std::to_string(r));
                const std::string pre =
                    levysgd::detail::file_prefix(where, "the state of", names.back());
                const auto first = all.begin() + displs[static_cast<std::size_t>(r)];
                sts.push_back(levysgd::detail::decode_state(
                    plan,
                    std::vector<unsigned char>(first, first + counts[static_cast<std::size_t>(r)]),
                    pre));
            }
            byte_writer w;
            plan.observer().save(w, levysgd::detail::merge_states(plan, std::move(sts), names,
                                                                  where));
            merged = std::move(w.bytes());
        } catch (const std::exception &e) {
            const std::string m = e.what();
            error.assign(m.begin(), m.end());
        }
    }
    detail::broadcast(error, rank, comm);
    if (!error.empty())
        throw study_file_error(std::string(error.begin(), error.end()));
    detail::broadcast(merged, rank, comm);
    byte_reader rd(merged.data(), merged.size());
    return plan.finish(plan.observer().load(rd));
}

} // namespace levysgd::mpi
