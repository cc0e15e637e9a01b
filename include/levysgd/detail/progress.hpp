#pragma once
// A progress bar on stderr for long Monte Carlo runs, drawn only when stderr
// is a terminal (or when forced), at most every 0.2 s, from any thread; and/or
// a caller's callback(done, total) at the same moments (progress_callback).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <mutex>

#if __has_include(<unistd.h>)
#include <unistd.h>
#define LEVYSGD_HAVE_ISATTY 1
#endif

namespace levysgd {

/// When a long study draws a progress bar on stderr.
enum class progress_mode { automatic, never, always };

/// Called with (items done, total) from whichever worker thread finished
/// items, at most every 0.2 s (one call at a time) and once at the end.
/// Exceptions it throws are ignored: record them and act after the run.
using progress_callback = std::function<void(std::size_t done, std::size_t total)>;

namespace detail {

inline bool stderr_is_terminal() noexcept {
#ifdef LEVYSGD_HAVE_ISATTY
    return ::isatty(2) != 0;
#else
    return false;
#endif
}

class progress_bar {
  public:
    progress_bar(std::size_t total, progress_mode mode, const char *what,
                 progress_callback callback = {})
        : total_(total), what_(what),
          on_(mode == progress_mode::always ||
              (mode == progress_mode::automatic && stderr_is_terminal())),
          cb_(std::move(callback)), start_(clock::now()), last_(start_) {}
    ~progress_bar() {
        // the final state, even if add() skipped it
        if (cb_) {
            std::lock_guard<std::mutex> lk(m_);
            call(done_.load());
        }
        if (!on_)
            return;
        draw(done_.load(), clock::now());
        std::fputc('\n', stderr);
    }
    progress_bar(const progress_bar &) = delete;
    progress_bar &operator=(const progress_bar &) = delete;

    /// Record n more items done; redraw if due. Never throws.
    void add(std::size_t n) noexcept {
        const std::size_t done = done_.fetch_add(n, std::memory_order_relaxed) + n;
        if (!on_ && !cb_)
            return;
        std::unique_lock<std::mutex> lk(m_, std::try_to_lock);
        if (!lk.owns_lock())
            return;
        const auto now = clock::now();
        if (done < total_ && now - last_ < std::chrono::milliseconds(200))
            return;
        last_ = now;
        // The count now, not this thread's: calls under m_ then never go back.
        const std::size_t latest = std::max(done, done_.load(std::memory_order_relaxed));
        if (on_)
            draw(latest, now);
        call(latest);
    }

  private:
    void call(std::size_t done) noexcept {
        if (!cb_ || done == reported_)
            return; // the end, reported by add() already
        reported_ = done;
        try {
            cb_(done, total_);
        } catch (...) { // documented: ignored (add() runs on worker threads)
        }
    }
    void draw(std::size_t done, std::chrono::steady_clock::time_point now) noexcept {
        const double frac = total_ == 0 ? 1.0 : static_cast<double>(done) / total_;
        const int width = 30, filled = static_cast<int>(frac * width);
        char bar[width + 1];
        for (int i = 0; i < width; ++i)
            bar[i] = i < filled ? '#' : '.';
        bar[width] = '\0';
        const double secs = std::chrono::duration<double>(now - start_).count();
        std::fprintf(stderr, "\r[%s] %5.1f%% %zu/%zu %s  %.1f s", bar, 100.0 * frac, done, total_,
                     what_, secs);
        std::fflush(stderr);
    }
    using clock = std::chrono::steady_clock;
    std::size_t total_;
    const char *what_;
    bool on_;
    progress_callback cb_;
    std::size_t reported_ = std::size_t(-1); // last done passed to cb_ (under m_)
    std::atomic<std::size_t> done_{0};
    std::mutex m_;
    clock::time_point start_, last_;
};

} // namespace detail
} // namespace levysgd
