#pragma once
// Parallel loops over [0, n) for the bulk samplers. The work items are
// index-addressed, so results never depend on which thread runs which item.
//
// Workers live in one process-wide pool, created on first use with
// hardware_concurrency() - 1 threads that wait idle between jobs: starting a
// thread cost ~0.2 ms on the development VMs we measured, as much as drawing
// 10^4 samples. A call never allocates or starts threads: it uses at most
// hardware_concurrency() threads, and a call made while the pool is busy
// (another user thread is sampling) or from inside a pool job (a nested
// call) runs its pieces on the calling thread alone, so concurrent callers
// never wait on each other and a nested call never re-enters the pool.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "../parallel.hpp"

namespace levysgd::detail {

using levysgd::hardware_threads; // the public one, include/levysgd/parallel.hpp

/// Number of threads for a request: 0 means hardware_threads().
inline unsigned resolve_threads(unsigned requested) noexcept {
    return requested != 0 ? requested : hardware_threads();
}

/// True on a thread while it runs pieces of a pool job (caller or worker).
inline thread_local bool in_pool_job = false;

/// One job: `pieces` work items taken through an atomic counter by the caller
/// and up to `helpers` pool workers.
struct pool_job {
    void (*run_piece)(void *ctx, std::size_t piece) = nullptr;
    void *ctx = nullptr;
    std::size_t pieces = 0;
    std::atomic<std::size_t> next{0};
    unsigned helpers = 0;

    void work() noexcept {
        const bool outer = in_pool_job;
        in_pool_job = true;
        for (std::size_t p; (p = next.fetch_add(1, std::memory_order_relaxed)) < pieces;)
            run_piece(ctx, p);
        in_pool_job = outer;
    }
};

class worker_pool {
  public:
    /// The process-wide pool. It is never destroyed (its idle workers end with
    /// the process), so sampling from static destructors stays valid.
    static worker_pool &instance() {
        static worker_pool *pool = new worker_pool(hardware_threads() - 1);
        return *pool;
    }

    unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()); }

    /// Runs job on the caller plus min(job.helpers, size()) workers and
    /// returns when every piece is done. False (nothing run) if the pool is
    /// busy with another caller's job.
    bool try_run(pool_job &job) {
        std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
        if (!busy.owns_lock())
            return false;
        const unsigned helpers = std::min(job.helpers, size());
        {
            std::lock_guard<std::mutex> lk(m_);
            job_ = &job;
            wanted_ = helpers;
            joined_ = 0;
            finished_ = 0;
            ++generation_;
        }
        cv_.notify_all();
        job.work();
        std::unique_lock<std::mutex> lk(m_);
        // Every piece is claimed once job.work() returns; wait for the workers
        // still running theirs. Workers that wake later see job_ == nullptr.
        done_cv_.wait(lk, [&] { return finished_ == joined_; });
        wanted_ = 0;
        job_ = nullptr;
        return true;
    }

    worker_pool(const worker_pool &) = delete;
    worker_pool &operator=(const worker_pool &) = delete;

  private:
    explicit worker_pool(unsigned n) {
        workers_.reserve(n);
        for (unsigned i = 0; i < n; ++i)
            workers_.emplace_back([this] { loop(); });
    }
    [[noreturn]] void loop() {
        std::uint64_t seen = 0;
        std::unique_lock<std::mutex> lk(m_);
        while (true) {
            cv_.wait(lk, [&] { return generation_ != seen; });
            seen = generation_;
            if (job_ == nullptr || joined_ >= wanted_)
                continue;
            ++joined_;
            pool_job *job = job_;
            lk.unlock();
            job->work();
            lk.lock();
            ++finished_;
            done_cv_.notify_all();
        }
    }

    std::mutex busy_; // one job at a time
    std::mutex m_;
    std::condition_variable cv_;
    std::condition_variable done_cv_;
    pool_job *job_ = nullptr;
    unsigned wanted_ = 0, joined_ = 0, finished_ = 0;
    std::uint64_t generation_ = 0;
    std::vector<std::thread> workers_; // never joined: the pool lives as long as the process
};

/// Calls fn(begin, end) on disjoint ranges covering [0, n), with no thread
/// given fewer than `min_per_thread` items (so small n runs inline). The
/// range is cut into 16 t pieces, t = min(threads, n / min_per_thread),
/// handed out through an atomic counter, so a worker that joins late only
/// takes fewer pieces; the pieces depend only on n, `threads` and
/// min_per_thread, never on the machine. They run on the calling thread and
/// at most min(t, hardware threads) - 1 pool workers; the calling thread
/// runs them all when the pool is busy or the call comes from inside a pool
/// job. fn must not throw.
template <class Fn>
void parallel_ranges(std::size_t n, unsigned threads, std::size_t min_per_thread, Fn &&fn) {
    const std::size_t by_size =
        std::max<std::size_t>(1, n / std::max<std::size_t>(1, min_per_thread));
    const std::size_t t =
        threads == 1 ? 1 : std::min(std::size_t{resolve_threads(threads)}, by_size);
    if (t <= 1) {
        fn(std::size_t{0}, n);
        return;
    }
    struct ctx_t {
        Fn *fn;
        std::size_t n, pieces;
    } ctx{&fn, n, std::min<std::size_t>(n, 16 * t)};
    pool_job job;
    job.ctx = &ctx;
    job.pieces = ctx.pieces;
    job.helpers = static_cast<unsigned>(std::min<std::size_t>(t, hardware_threads()) - 1);
    job.run_piece = [](void *c, std::size_t p) {
        auto *x = static_cast<ctx_t *>(c);
        (*x->fn)(x->n * p / x->pieces, x->n * (p + 1) / x->pieces);
    };
    if (job.helpers == 0 || in_pool_job || !worker_pool::instance().try_run(job))
        job.work(); // one hardware thread, a nested call, or the pool is busy
}

} // namespace levysgd::detail
