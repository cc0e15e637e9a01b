#pragma once
// Escape-time and transition Monte Carlo studies (Simsekli et al. 2019
// Sec. 3, Battash & Lindenbaum 2023 Sec. 4, Xie et al. 2021 Sec. 4).
//
// simulate_paths runs N paths for a fixed time and returns the final states.
//
// escape_study runs N independent paths from x0 with a potential, a noise
// model and an integrator until each leaves a domain or reaches the horizon.
// Path i uses Philox stream first_stream + i of the seed, so every per-path
// result, and every aggregate, is identical for any thread count (aggregates
// are merged over fixed blocks of paths in a fixed order).
//
// Per path: exit time (time of the first step that ends outside), exit point,
// the coordinate and side it left through; or censored at the horizon; or
// flagged non-finite (the state or the step became inf/NaN; never counted as
// an exit). Aggregates:
//   mean_exit_time  over the exited paths, with a normal-approximation CI;
//                   biased low when paths are censored (then compare
//                   restricted_mean, a lower bound, and escape_rate)
//   escape_rate     exits / total time at risk (exited + censored paths):
//                   the maximum-likelihood rate of an exponential exit time
//                   with right censoring; CI rate exp(+-z/sqrt(exits)); with
//                   no exit, value 0 and the one-sided upper bound
//                   -log(1 - confidence) / time at risk. Non-finite paths are
//                   left out of the time at risk (their count is reported;
//                   if it is not 0 the rate describes the finite paths only)
//   channels        exit probability per (coordinate, side), Wilson CI
//
// transition_study runs paths to the horizon and counts transitions between
// the basins of a BasinClassifier: a path's label is the last basin it was
// in; each change of label is one transition i -> j. Occupation times per
// label estimate the equilibrium weights and, with the counts, the jump
// rates q_ij = n_ij / T_i of the metastable Markov chain (Simsekli et al. 2019 Theorem 2).

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "../detail/parallel.hpp"
#include "../detail/progress.hpp"
#include "../detail/validate.hpp"
#include "concepts.hpp"
#include "detail/batch_paths.hpp"

namespace levysgd {

/// One path of an escape study.
template <class Real, int Dim> struct escape_path {
    path_status status = path_status::censored;
    Real time = 0;                     // exit time, or the time reached (censored / non-finite)
    std::uint64_t steps = 0;           // steps taken
    exit_info where;                   // exited paths only
    Eigen::Matrix<Real, Dim, 1> point; // state at the end
};

/// A point estimate with a confidence interval.
template <class Real> struct estimate {
    Real value = std::numeric_limits<Real>::quiet_NaN();
    Real low = std::numeric_limits<Real>::quiet_NaN();
    Real high = std::numeric_limits<Real>::quiet_NaN();
};

/// Exits through one (coordinate, side).
template <class Real> struct exit_channel {
    int coordinate = 0;
    int side = 0;
    std::size_t count = 0;
    estimate<Real> probability; // count / exited, Wilson interval
};

template <class Real> struct escape_options {
    std::size_t paths = 1000;
    Real horizon = 0; // time limit per path (> 0, finite): censoring time
    std::uint64_t seed = 0;
    std::uint64_t first_stream = 0; // path i uses stream first_stream + i
    unsigned threads = 0;           // 0 = all hardware threads; results do not depend on it
    progress_mode progress = progress_mode::automatic;
    bool keep_paths = true;       // store every path's record in the result
    Real confidence = Real(0.95); // level of the confidence intervals
};

namespace detail {
/// Wilson score interval for k successes in n trials (normal quantile z).
template <class Real> estimate<Real> wilson(std::size_t k, std::size_t n, double z) {
    if (n == 0)
        return {};
    const double p = static_cast<double>(k) / n, z2n = z * z / n;
    const double c = (p + z2n / 2) / (1 + z2n);
    const double h = z * std::sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
    return {Real(p), Real(std::max(0.0, c - h)), Real(std::min(1.0, c + h))};
}

} // namespace detail

template <class Real, int Dim> struct escape_result {
    std::size_t paths = 0, exited = 0, censored = 0, non_finite = 0;
    Real time_step = 0, horizon = 0;
    estimate<Real> mean_exit_time; // exited paths only
    Real exit_time_sd = std::numeric_limits<Real>::quiet_NaN();
    Real restricted_mean = std::numeric_limits<Real>::quiet_NaN(); // E min(tau, horizon)
    estimate<Real> escape_rate;                                    // exits per unit time at risk
    std::vector<exit_channel<Real>> channels;                      // by coordinate, then side
    std::vector<escape_path<Real, Dim>> path_records;              // if keep_paths

    /// Probability of leaving through (coordinate, side); 0 if never seen.
    Real channel_probability(int coordinate, int side) const noexcept {
        for (const auto &c : channels)
            if (c.coordinate == coordinate && c.side == side)
                return c.probability.value;
        return exited == 0 ? std::numeric_limits<Real>::quiet_NaN() : Real(0);
    }
    /// Probability of leaving through coordinate, either side.
    Real axis_probability(int coordinate) const noexcept { return axis(coordinate).value; }
    /// The same with its Wilson interval at the study's confidence level.
    estimate<Real> axis(int coordinate) const {
        std::size_t k = 0;
        for (const auto &c : channels)
            if (c.coordinate == coordinate)
                k += c.count;
        return detail::wilson<Real>(k, exited, z);
    }
    double z = 1.959963984540054; // normal quantile of the confidence level
};

namespace detail {

/// Standard normal quantile (Newton on erfc from a logistic start; |error| < 1e-14).
inline double normal_quantile(double p) noexcept {
    double x = std::log(p / (1.0 - p)) / 1.702;
    for (int it = 0; it < 60; ++it) {
        const double cdf = 0.5 * std::erfc(-x / std::sqrt(2.0));
        const double pdf = std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846);
        const double dx = (cdf - p) / std::max(pdf, 1e-300);
        x -= dx;
        if (std::abs(dx) < 1e-15 * std::max(1.0, std::abs(x)))
            break;
    }
    return x;
}

/// Running count / mean / M2 (Chan et al. merge), merged in a fixed order.
struct moments {
    double n = 0, mean = 0, m2 = 0;
    void add(double x) noexcept {
        n += 1;
        const double d = x - mean;
        mean += d / n;
        m2 += d * (x - mean);
    }
    void merge(const moments &o) noexcept {
        if (o.n == 0)
            return;
        const double nn = n + o.n, d = o.mean - mean;
        mean += d * o.n / nn;
        m2 += o.m2 + d * d * n * o.n / nn;
        n = nn;
    }
};

/// Fixed blocks of paths (independent of the thread count).
inline constexpr std::size_t study_block = 64;
/// The most paths one study call runs (a study of more is sharded with first_stream).
inline constexpr std::size_t max_study_paths = std::size_t(1) << 40;

/// ceil(paths / study_block), without the wrap-around of (paths + 63) / 64.
constexpr std::size_t path_blocks(std::size_t paths) noexcept {
    return paths / study_block + (paths % study_block != 0 ? 1 : 0);
}

template <class Fn>
void for_each_path_block(std::size_t paths, unsigned threads, progress_bar &bar, Fn &&fn) {
    const std::size_t blocks = path_blocks(paths);
    std::exception_ptr error;
    std::mutex error_m;
    std::atomic<bool> failed{false};
    parallel_ranges(blocks, threads, 1, [&](std::size_t b0, std::size_t b1) {
        for (std::size_t b = b0; b < b1 && !failed.load(std::memory_order_relaxed); ++b) {
            try {
                const std::size_t lo = b * study_block, hi = std::min(paths, lo + study_block);
                fn(b, lo, hi);
                bar.add(hi - lo);
            } catch (...) {
                std::lock_guard<std::mutex> lk(error_m);
                if (!error)
                    error = std::current_exception();
                failed = true;
            }
        }
    });
    if (error)
        std::rethrow_exception(error);
}

/// Paths advanced in lock step by one thread: the dependency chain of one
/// step (gradient -> update -> next gradient) is latency-bound in low
/// dimension, so several independent paths in flight fill the pipeline.
template <int Dim>
inline constexpr std::size_t lanes_for = (Dim != Eigen::Dynamic && Dim <= 4) ? 4 : 1;

/// One path in flight: its noise source, state, scratch and step count.
template <class Src, class V> struct path_lane {
    Src src;
    V x, g, dn;
    std::uint64_t k = 0;
    std::size_t path = 0;
    int label = -1; // transition_study: current basin; escape_study: path_status

    /// Start path i on stream `stream` at x0.
    void begin(std::size_t i, std::uint64_t stream, const V &x0) {
        src.start(stream);
        x = x0;
        k = 0;
        path = i;
    }
    /// One step at time k dt; false if the state became non-finite.
    template <class P, class I, class Real> bool advance(const P &p, const I &integ, Real dt) {
        integ.step(p, src, x, Real(k) * dt, g, dn);
        ++k;
        return x.allFinite();
    }
};

/// Runs paths [lo, hi) on `lanes` (up to 4 in flight): start(lane, i) begins
/// path i, step(lane) advances it one step and returns true when it has
/// ended, finish(lane) records it. A path's result depends only on its own
/// stream, not on which lane ran it.
template <class Lane, class Start, class Step, class Finish>
void run_lanes(std::vector<Lane> &lanes, std::size_t lo, std::size_t hi, Start &&start, Step &&step,
               Finish &&finish) {
    constexpr std::size_t max_lanes = 4;
    const std::size_t L = std::min(lanes.size(), max_lanes);
    bool on[max_lanes] = {};
    std::size_t next = lo, active = 0;
    for (std::size_t j = 0; j < L && next < hi; ++j, ++active) {
        start(lanes[j], next++);
        on[j] = true;
    }
    while (active > 0)
        for (std::size_t j = 0; j < L; ++j)
            if (on[j] && step(lanes[j])) {
                finish(lanes[j]);
                if (next < hi) {
                    start(lanes[j], next++);
                } else {
                    on[j] = false;
                    --active;
                }
            }
}

/// n lanes with sources from noise.make_source(seed).
template <class V, class N>
auto make_lanes(const N &noise, std::uint64_t seed, const V &x0, std::size_t n) {
    using Src = decltype(noise.make_source(seed));
    std::vector<path_lane<Src, V>> lanes;
    lanes.reserve(n);
    for (std::size_t j = 0; j < n; ++j)
        lanes.push_back(path_lane<Src, V>{noise.make_source(seed), x0, x0, x0});
    return lanes;
}

template <class T>
concept has_dimension = requires(const T &t) {
    { t.dimension() } -> std::convertible_to<Eigen::Index>;
};

template <class Obj>
void check_same_dimension(std::string_view where, std::string_view what, const Obj &o,
                          Eigen::Index n) {
    if constexpr (has_dimension<Obj>)
        if (o.dimension() != n)
            throw_invalid(where, std::string(what) + ".dimension()", o.dimension(),
                          "must equal the potential's dimension " + std::to_string(n));
}

template <class Real, class P, class N, class I, class X>
std::uint64_t check_study_common(std::string_view where, const P &potential, const N &noise,
                                 const I &integrator, const X &x0, std::size_t paths,
                                 std::uint64_t first_stream, Real horizon) {
    const Eigen::Index n = potential.dimension();
    if (paths == 0 || paths > max_study_paths)
        throw_invalid(where, "paths", paths, "must be in [1, 2^40]");
    // Path i uses stream first_stream + i: the last one must exist.
    if (first_stream > std::numeric_limits<std::uint64_t>::max() - (paths - 1))
        throw_invalid(where, "first_stream", first_stream,
                      "must keep first_stream + paths - 1 below 2^64 (paths = " +
                          std::to_string(paths) + ")");
    if (x0.size() != n)
        throw_invalid(where, "x0.size()", x0.size(),
                      "must equal the potential's dimension " + std::to_string(n));
    if (!x0.allFinite())
        throw_invalid(where, "x0", "non-finite entries", "must be finite");
    check_same_dimension(where, "noise", noise, n);
    const Real dt = integrator.time_step();
    if (!(dt > Real(0) && std::isfinite(dt)))
        throw_invalid(where, "integrator.time_step()", dt, "must be finite and > 0");
    if (!(horizon > Real(0) && std::isfinite(horizon)))
        throw_invalid(where, "horizon", horizon, "must be finite and > 0");
    // ceil(horizon / dt), forgiving the rounding of a ratio that is an integer.
    const double ratio = static_cast<double>(horizon) / static_cast<double>(dt);
    const double steps = std::ceil(ratio * (1 - 1e-12));
    if (!(steps < 4e18))
        throw_invalid(where, "horizon / time_step", steps, "must be < 4e18 steps");
    return static_cast<std::uint64_t>(std::max(1.0, steps));
}

} // namespace detail

/// Runs an escape study (see the header comment). Throws
/// std::invalid_argument for paths = 0, a non-positive or non-finite
/// horizon, x0 outside the domain or non-finite, mismatched dimensions.
template <Potential P, class N, class I, class D>
requires NoiseModel<N, state_vector<P>> && Domain<D, state_vector<P>> &&
    Integrator<I, P, decltype(std::declval<const N &>().make_source(0))>
        escape_result<typename P::scalar_type, P::dim>
        escape_study(const P &potential, const N &noise, const I &integrator, const D &domain,
                     const state_vector<P> &x0,
                     const escape_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    constexpr std::string_view where = "levysgd::escape_study";
    const std::uint64_t max_steps = detail::check_study_common<Real>(
        where, potential, noise, integrator, x0, opt.paths, opt.first_stream, opt.horizon);
    detail::check_same_dimension(where, "domain", domain, potential.dimension());
    if (!domain.contains(x0))
        detail::throw_invalid(where, "x0", "a point outside the domain", "must lie in the domain");
    if (!(opt.confidence > Real(0) && opt.confidence < Real(1)))
        detail::throw_invalid(where, "confidence", opt.confidence, "must be in (0, 1)");

    const Eigen::Index n = potential.dimension();
    const Real dt = integrator.time_step();
    const std::size_t nblocks = detail::path_blocks(opt.paths);
    const std::size_t nchan = 3 * static_cast<std::size_t>(n);

    struct block_stats {
        detail::moments exit_times, restricted;
        std::size_t exited = 0, censored = 0, non_finite = 0;
        double exposure = 0;
        std::vector<std::size_t> channel; // (coordinate, side + 1)
    };
    std::vector<block_stats> blocks(nblocks);
    escape_result<Real, P::dim> res;
    if (opt.keep_paths)
        res.path_records.resize(opt.paths);

    detail::progress_bar bar(opt.paths, opt.progress, "paths");
    detail::for_each_path_block(
        opt.paths, opt.threads, bar, [&](std::size_t b, std::size_t lo, std::size_t hi) {
            std::vector<double> exit_time(hi - lo);
            std::vector<path_status> status(hi - lo);
            block_stats &st = blocks[b];
            st.channel.assign(nchan, 0);
            auto record = [&](std::size_t path, std::uint64_t k, const auto &x, path_status ps) {
                status[path - lo] = ps;
                const Real t = Real(k) * dt;
                exit_info e{};
                if (ps == path_status::exited) {
                    e = domain.exit(x);
                    if (e.coordinate >= 0 && e.coordinate < n)
                        ++st.channel[3 * static_cast<std::size_t>(e.coordinate) +
                                     static_cast<std::size_t>(std::clamp(e.side, -1, 1) + 1)];
                }
                if (opt.keep_paths) {
                    auto &r = res.path_records[path];
                    r.status = ps;
                    r.time = t;
                    r.steps = k;
                    r.where = e;
                    r.point = x;
                }
                exit_time[path - lo] = t;
            };
            if constexpr (detail::batch_capable<P, N, I, D>) {
                detail::run_batch_paths(potential, noise, integrator, domain, x0, lo, hi, opt.seed,
                                        opt.first_stream, max_steps, record);
            } else {
                auto lanes = detail::make_lanes(noise, opt.seed, x0, detail::lanes_for<P::dim>);
                detail::run_lanes(
                    lanes, lo, hi,
                    [&](auto &l, std::size_t i) {
                        l.begin(i, opt.first_stream + i, x0);
                        l.label = int(path_status::censored);
                    },
                    [&](auto &l) {
                        if (!l.advance(potential, integrator, dt)) {
                            l.label = int(path_status::non_finite);
                            return true;
                        }
                        if (!domain.contains(l.x)) {
                            l.label = int(path_status::exited);
                            return true;
                        }
                        return l.k >= max_steps;
                    },
                    [&](auto &l) { record(l.path, l.k, l.x, static_cast<path_status>(l.label)); });
            }
            // Moments in path order, so that they do not depend on lane scheduling.
            for (std::size_t i = 0; i < hi - lo; ++i) {
                const double t = exit_time[i];
                if (status[i] == path_status::exited) {
                    ++st.exited;
                    st.exit_times.add(t);
                    st.restricted.add(t);
                    st.exposure += t;
                } else if (status[i] == path_status::censored) {
                    ++st.censored;
                    st.restricted.add(t);
                    st.exposure += t;
                } else {
                    ++st.non_finite;
                }
            }
        });

    detail::moments et, rm;
    double exposure = 0;
    std::vector<std::size_t> channel(nchan, 0);
    for (const auto &st : blocks) {
        et.merge(st.exit_times);
        rm.merge(st.restricted);
        exposure += st.exposure;
        res.exited += st.exited;
        res.censored += st.censored;
        res.non_finite += st.non_finite;
        for (std::size_t c = 0; c < nchan; ++c)
            channel[c] += st.channel[c];
    }
    const double z = detail::normal_quantile(0.5 + 0.5 * static_cast<double>(opt.confidence));
    res.paths = opt.paths;
    res.z = z;
    res.time_step = dt;
    res.horizon = Real(static_cast<double>(max_steps) * dt);
    if (res.exited > 0) {
        const double sd = res.exited > 1 ? std::sqrt(et.m2 / (et.n - 1)) : 0.0;
        const double se = sd / std::sqrt(et.n);
        res.mean_exit_time = {Real(et.mean), Real(et.mean - z * se), Real(et.mean + z * se)};
        res.exit_time_sd = Real(sd);
        const double rate = res.exited / exposure;
        const double f = std::exp(z / std::sqrt(static_cast<double>(res.exited)));
        res.escape_rate = {Real(rate), Real(rate / f), Real(rate * f)};
    } else if (exposure > 0) {
        res.escape_rate = {Real(0), Real(0), Real(-std::log(1 - opt.confidence) / exposure)};
    }
    if (rm.n > 0)
        res.restricted_mean = Real(rm.mean);
    for (std::size_t c = 0; c < nchan; ++c)
        if (channel[c] > 0) {
            exit_channel<Real> ch;
            ch.coordinate = static_cast<int>(c / 3);
            ch.side = static_cast<int>(c % 3) - 1;
            ch.count = channel[c];
            ch.probability = detail::wilson<Real>(channel[c], res.exited, z);
            res.channels.push_back(ch);
        }
    return res;
}

/// Options of simulate_paths.
template <class Real> struct path_options {
    std::size_t paths = 1000;
    std::uint64_t seed = 0;
    std::uint64_t first_stream = 0; // path i uses stream first_stream + i
    unsigned threads = 0;           // 0 = all hardware threads; results do not depend on it
    progress_mode progress = progress_mode::automatic;
};

/// The states of N paths after a fixed time.
template <class Real, int Dim> struct terminal_states {
    /// Column i: path i at time steps * time_step (inf/NaN if it became non-finite).
    Eigen::Matrix<Real, Dim, Eigen::Dynamic> states;
    std::size_t non_finite = 0; // paths stopped because the state became inf/NaN
    std::uint64_t steps = 0;
    Real time_step = 0;
};

/// Runs N paths from x0 for ceil(time / time_step) steps with no domain and
/// returns their final states (for the law of X_t; e.g. moments, empirical
/// characteristic functions). Same streams and determinism as escape_study.
template <Potential P, class N, class I>
requires NoiseModel<N, state_vector<P>> &&
    Integrator<I, P, decltype(std::declval<const N &>().make_source(0))>
        terminal_states<typename P::scalar_type, P::dim>
        simulate_paths(const P &potential, const N &noise, const I &integrator,
                       const state_vector<P> &x0, typename P::scalar_type time,
                       const path_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    const std::uint64_t steps = detail::check_study_common<Real>(
        "levysgd::simulate_paths", potential, noise, integrator, x0, opt.paths, opt.first_stream,
        time);
    const Real dt = integrator.time_step();
    terminal_states<Real, P::dim> res;
    res.states.resize(potential.dimension(), static_cast<Eigen::Index>(opt.paths));
    res.steps = steps;
    res.time_step = dt;
    std::vector<std::size_t> bad(detail::path_blocks(opt.paths), 0);
    detail::progress_bar bar(opt.paths, opt.progress, "paths");
    detail::for_each_path_block(
        opt.paths, opt.threads, bar, [&](std::size_t b, std::size_t lo, std::size_t hi) {
            if constexpr (detail::batch_capable<P, N, I, detail::whole_space>) {
                detail::run_batch_paths(
                    potential, noise, integrator, detail::whole_space{}, x0, lo, hi, opt.seed,
                    opt.first_stream, steps,
                    [&](std::size_t path, std::uint64_t, const auto &x, path_status ps) {
                        bad[b] += ps == path_status::non_finite;
                        res.states.col(static_cast<Eigen::Index>(path)) = x;
                    });
            } else {
                auto lanes = detail::make_lanes(noise, opt.seed, x0, detail::lanes_for<P::dim>);
                detail::run_lanes(
                    lanes, lo, hi,
                    [&](auto &l, std::size_t i) { l.begin(i, opt.first_stream + i, x0); },
                    [&](auto &l) {
                        if (!l.advance(potential, integrator, dt)) {
                            ++bad[b];
                            return true;
                        }
                        return l.k >= steps;
                    },
                    [&](auto &l) { res.states.col(static_cast<Eigen::Index>(l.path)) = l.x; });
            }
        });
    for (std::size_t c : bad)
        res.non_finite += c;
    return res;
}

/// The most basins transition_study accepts (counts is a dense K x K matrix: 128 MiB).
inline constexpr int max_transition_basins = 4096;

template <class Real> struct transition_options {
    std::size_t paths = 100;
    Real horizon = 0; // time each path runs (> 0, finite)
    std::uint64_t seed = 0;
    std::uint64_t first_stream = 0;
    unsigned threads = 0;
    progress_mode progress = progress_mode::automatic;
};

template <class Real> struct transition_result {
    int basins = 0;
    std::size_t paths = 0, non_finite = 0; // non-finite paths stop and count no further
    Real time_step = 0;
    /// counts(i, j): transitions from basin i to basin j (i != j).
    Eigen::Matrix<std::uint64_t, Eigen::Dynamic, Eigen::Dynamic> counts;
    /// Time spent with label i (last basin visited); unlabelled_time before the first basin.
    Eigen::Matrix<Real, Eigen::Dynamic, 1> occupation;
    Real unlabelled_time = 0;

    /// Fraction of labelled time in each basin (the empirical equilibrium law).
    Eigen::Matrix<Real, Eigen::Dynamic, 1> occupation_fraction() const {
        return occupation / occupation.sum();
    }
    /// Jump-rate estimates q_ij = counts(i, j) / occupation(i), q_ii = -sum_j q_ij.
    Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> rates() const {
        Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> q(basins, basins);
        for (int i = 0; i < basins; ++i) {
            Real row = 0;
            for (int j = 0; j < basins; ++j) {
                q(i, j) = i == j ? Real(0) : Real(counts(i, j)) / occupation(i);
                row += q(i, j);
            }
            q(i, i) = -row;
        }
        return q;
    }
    /// Empirical transition probabilities n_ij / sum_j n_ij.
    Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> jump_probabilities() const {
        Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> p(basins, basins);
        for (int i = 0; i < basins; ++i) {
            const Real tot = Real(counts.row(i).sum());
            for (int j = 0; j < basins; ++j)
                p(i, j) = Real(counts(i, j)) / tot;
        }
        return p;
    }
    /// Mean residence time in basin i: occupation(i) / transitions out of i.
    Real mean_residence_time(int i) const { return occupation(i) / Real(counts.row(i).sum()); }
};

/// Runs paths to the horizon and counts basin transitions (see the header
/// comment). Throws std::invalid_argument like escape_study.
template <Potential P, class N, class I, class C>
requires NoiseModel<N, state_vector<P>> && BasinClassifier<C, state_vector<P>> &&
    Integrator<I, P, decltype(std::declval<const N &>().make_source(0))>
        transition_result<typename P::scalar_type>
        transition_study(const P &potential, const N &noise, const I &integrator,
                         const C &classifier, const state_vector<P> &x0,
                         const transition_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    constexpr std::string_view where = "levysgd::transition_study";
    const std::uint64_t max_steps = detail::check_study_common<Real>(
        where, potential, noise, integrator, x0, opt.paths, opt.first_stream, opt.horizon);
    const int K = classifier.basins();
    if (K < 1 || K > max_transition_basins)
        detail::throw_invalid(where, "classifier.basins()", K,
                              "must be in [1, " + std::to_string(max_transition_basins) +
                                  "] (counts is a dense K x K matrix)");
    // A label outside [-1, K) would index past the per-path tables.
    auto checked_basin = [&](const auto &x, std::string_view what) {
        const int b = classifier.basin(x);
        if (b < -1 || b >= K)
            detail::throw_invalid(where, what, b,
                                  "must be -1 (no basin) or in [0, basins() = " +
                                      std::to_string(K) + ")");
        return b;
    };
    const int label0 = checked_basin(x0, "classifier.basin(x0)");
    const Real dt = integrator.time_step();
    const std::size_t nblocks = detail::path_blocks(opt.paths);
    const auto Ku = static_cast<std::size_t>(K);
    struct block_stats {
        std::map<std::size_t, std::uint64_t> counts; // i K + j: sparse, K may be large
        std::vector<double> occupation;              // K + 1: last = unlabelled
        std::size_t non_finite = 0;
    };
    std::vector<block_stats> blocks(nblocks);
    detail::progress_bar bar(opt.paths, opt.progress, "paths");
    detail::for_each_path_block(
        opt.paths, opt.threads, bar, [&](std::size_t b, std::size_t lo, std::size_t hi) {
            block_stats &st = blocks[b];
            st.occupation.assign(Ku + 1, 0.0);
            // Steps spent under each label (K: unlabelled) per path, summed
            // into the block in path order.
            const std::size_t np = hi - lo, K1 = Ku + 1;
            std::vector<std::uint64_t> steps_in(np * K1, 0);
            auto lanes = detail::make_lanes(noise, opt.seed, x0, detail::lanes_for<P::dim>);
            detail::run_lanes(
                lanes, lo, hi,
                [&](auto &l, std::size_t i) {
                    l.begin(i, opt.first_stream + i, x0);
                    l.label = label0;
                },
                [&](auto &l) {
                    // The step's time counts for the label held at its start.
                    ++steps_in[(l.path - lo) * K1 +
                               static_cast<std::size_t>(l.label < 0 ? K : l.label)];
                    if (!l.advance(potential, integrator, dt)) {
                        ++st.non_finite;
                        return true;
                    }
                    const int bsn = checked_basin(l.x, "classifier.basin(x)");
                    if (bsn >= 0 && bsn != l.label) {
                        if (l.label >= 0)
                            ++st.counts[static_cast<std::size_t>(l.label) * Ku +
                                        static_cast<std::size_t>(bsn)];
                        l.label = bsn;
                    }
                    return l.k >= max_steps;
                },
                [](auto &) {});
            for (std::size_t i = 0; i < np; ++i)
                for (std::size_t j = 0; j < K1; ++j)
                    st.occupation[j] += static_cast<double>(steps_in[i * K1 + j]) * dt;
        });
    transition_result<Real> res;
    res.basins = K;
    res.paths = opt.paths;
    res.time_step = dt;
    res.counts.setZero(K, K);
    res.occupation.setZero(K);
    double unl = 0;
    std::vector<double> occ(Ku, 0.0);
    for (const auto &st : blocks) {
        res.non_finite += st.non_finite;
        for (std::size_t i = 0; i < Ku; ++i)
            occ[i] += st.occupation[i];
        for (const auto &[ij, c] : st.counts)
            res.counts(static_cast<Eigen::Index>(ij / Ku), static_cast<Eigen::Index>(ij % Ku)) += c;
        unl += st.occupation[Ku];
    }
    for (int i = 0; i < K; ++i)
        res.occupation(i) = Real(occ[static_cast<std::size_t>(i)]);
    res.unlabelled_time = Real(unl);
    return res;
}

} // namespace levysgd
