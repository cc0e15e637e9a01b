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

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <exception>
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
/// throw levysgd::study_file_error naming the field. A rank that fails on
/// its own shard (e.g. its checkpoint is damaged) rethrows its exception
/// and every other rank throws std::runtime_error "... rank r of n failed:
/// <its message>": no rank is left waiting in a collective.
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
    // This rank's shard. A failure here (a damaged checkpoint, a refused
    // step, an oversized state) must not leave the other ranks waiting in
    // the gather: it is sent in place of the state, every rank learns of it,
    // this rank rethrows its own exception and the others throw one naming
    // the rank and its message.
    std::vector<unsigned char> mine;
    std::exception_ptr failure;
    int ok = 1;
    try {
        auto st = levysgd::detail::start_state(plan, shard, path, where, "checkpoint");
        levysgd::detail::advance(plan, st, path, ck.interval, where);
        mine = levysgd::detail::encode_state(plan, st);
        (void)detail::checked_int(mine.size(), "a rank's state");
    } catch (const std::exception &e) {
        failure = std::current_exception();
        const std::string m = e.what();
        mine.assign(m.begin(), m.end());
        ok = 0;
    }

    // Gather every rank's (ok, size) and then its state or message to rank 0.
    const int n = static_cast<int>(mine.size());
    const int head[2] = {ok, n};
    std::vector<int> heads(rank == 0 ? 2 * static_cast<std::size_t>(size) : 0);
    detail::check(MPI_Gather(head, 2, MPI_INT, heads.data(), 2, MPI_INT, 0, comm), "MPI_Gather");
    std::vector<int> counts(heads.size() / 2), displs(counts.size());
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
        counts[r] = heads[2 * r + 1];
        displs[r] = static_cast<int>(std::min<std::size_t>(total, INT_MAX));
        total += static_cast<std::size_t>(counts[r]);
    }
    // Rank 0 only: a total beyond one message is an error every rank learns
    // of (the gather of the bytes is skipped, on every rank alike).
    int gather = rank != 0 || total <= static_cast<std::size_t>(INT_MAX);
    detail::check(MPI_Bcast(&gather, 1, MPI_INT, 0, comm), "MPI_Bcast");
    std::vector<unsigned char> all(gather ? total : 0);
    if (gather)
        detail::check(MPI_Gatherv(mine.data(), n, MPI_UNSIGNED_CHAR, all.data(), counts.data(),
                                  displs.data(), MPI_UNSIGNED_CHAR, 0, comm),
                      "MPI_Gatherv");

    // Rank 0 merges in block order; an error travels to every rank.
    std::vector<unsigned char> merged, error;
    if (rank == 0) {
        try {
            if (!gather)
                (void)detail::checked_int(total, "the gathered states");
            for (int r = 0; r < size; ++r)
                if (heads[2 * static_cast<std::size_t>(r)] == 0) {
                    const auto first = all.begin() + displs[static_cast<std::size_t>(r)];
                    throw std::runtime_error(
                        std::string(where) + ": rank " + std::to_string(r) + " of " +
                        std::to_string(size) + " failed: " +
                        std::string(first, first + counts[static_cast<std::size_t>(r)]));
                }
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
            error.assign(1, dynamic_cast<const study_file_error *>(&e) != nullptr ? 0 : 1);
            error.insert(error.end(), m.begin(), m.end());
        }
    }
    // first byte: 1 a rank failed (runtime_error), 0 the merge refused the
    // states (study_file_error)
    detail::broadcast(error, rank, comm);
    if (failure)
        std::rethrow_exception(failure);
    if (!error.empty()) {
        const std::string m(error.begin() + 1, error.end());
        if (error[0] == 1)
            throw std::runtime_error(m);
        throw study_file_error(m);
    }
    detail::broadcast(merged, rank, comm);
    byte_reader rd(merged.data(), merged.size());
    return plan.finish(plan.observer().load(rd));
}

} // namespace levysgd::mpi
