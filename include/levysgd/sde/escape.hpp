#pragma once
// Escape-time studies (Simsekli et al. 2019 Sec. 3, Battash & Lindenbaum
// 2023 Sec. 4, Xie et al. 2021 Sec. 4): escape_observer on run_paths
// (sde/paths.hpp).
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

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "concepts.hpp"
#include "paths.hpp"
#include "statistics.hpp"

namespace levysgd {

/// One path of an escape study.
template <class Real, int Dim> struct escape_path {
    path_status status = path_status::censored;
    Real time = 0;                     // exit time, or the time reached (censored / non-finite)
    std::uint64_t steps = 0;           // steps taken
    exit_info where;                   // exited paths only
    Eigen::Matrix<Real, Dim, 1> point; // state at the end
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

/// The observer of escape_study: a path stops when it leaves the domain;
/// the result holds the moments of the exit times, the time at risk and the
/// exits per (coordinate, side). With a records vector (paths long) it also
/// writes every path's record there (distinct paths, distinct slots: safe
/// from several threads).
template <class D, class Real, int Dim> class escape_observer {
  public:
    using state_type = std::array<Real, 0>;
    struct result_type {
        detail::moments exit_times, restricted;
        std::size_t exited = 0, censored = 0, non_finite = 0;
        double exposure = 0;
        std::vector<std::size_t> channel; // 3 coordinate + side + 1
    };

    escape_observer(const D &domain, Eigen::Index dimension,
                    std::vector<escape_path<Real, Dim>> *records = nullptr)
        : domain_(&domain), n_(dimension), records_(records) {}

    template <class V> state_type start(std::uint64_t, const V &) const noexcept { return {}; }
    /// Stop when the state has left the domain (scalar path).
    template <class V>
    requires(!detail::is_std_array<V>) bool step(state_type &, const V &x) const {
        return !domain_->contains(x);
    }
    /// The same over SIMD lanes (a domain with contains_batch).
    template <class S, class B, std::size_t N, class DD = D> // DD: keeps the test dependent
    auto step(S &, const std::array<B, N> &x) const
        -> decltype(!std::declval<const DD &>().contains_batch(x)) {
        return !domain_->contains_batch(x);
    }
    template <class V>
    void finish(result_type &r, const state_type &, const path_end<Real> &e, const V &x) const {
        exit_info where{};
        const double t = static_cast<double>(e.time);
        if (e.status == path_status::exited) {
            where = domain_->exit(x);
            if (where.coordinate >= 0 && where.coordinate < n_)
                ++r.channel[3 * static_cast<std::size_t>(where.coordinate) +
                            static_cast<std::size_t>(std::clamp(where.side, -1, 1) + 1)];
            ++r.exited;
            r.exit_times.add(t);
            r.restricted.add(t);
            r.exposure += t;
        } else if (e.status == path_status::censored) {
            ++r.censored;
            r.restricted.add(t);
            r.exposure += t;
        } else {
            ++r.non_finite;
        }
        if (records_) {
            auto &rec = (*records_)[e.path];
            rec.status = e.status;
            rec.time = e.time;
            rec.steps = e.steps;
            rec.where = where;
            rec.point = x;
        }
    }
    result_type make_result() const {
        result_type r;
        r.channel.assign(3 * static_cast<std::size_t>(n_), 0);
        return r;
    }
    void merge(result_type &into, result_type &&b) const {
        into.exit_times.merge(b.exit_times);
        into.restricted.merge(b.restricted);
        into.exposure += b.exposure;
        into.exited += b.exited;
        into.censored += b.censored;
        into.non_finite += b.non_finite;
        for (std::size_t c = 0; c < into.channel.size(); ++c)
            into.channel[c] += b.channel[c];
    }

  private:
    const D *domain_;
    Eigen::Index n_;
    std::vector<escape_path<Real, Dim>> *records_;
};

namespace detail {
/// Whether escape_study takes the SIMD path (kept for tests and users that
/// ask about a domain rather than an observer).
template <class P, class N, class I, class D>
inline constexpr bool batch_capable =
    takes_simd_path<P, N, I, escape_observer<D, typename P::scalar_type, P::dim>>;
} // namespace detail

/// Runs an escape study (see the header comment). Throws
/// std::invalid_argument for paths = 0, a non-positive or non-finite
/// horizon, x0 outside the domain or non-finite, mismatched dimensions.
template <Potential P, class N, class I, class D>
requires NoiseModel<N, state_vector<P>> && Domain<D, state_vector<P>> &&
    Integrator<I, P, noise_source_t<N>>
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

    const Real dt = integrator.time_step();
    escape_result<Real, P::dim> res;
    if (opt.keep_paths)
        res.path_records.resize(opt.paths);
    const escape_observer<D, Real, P::dim> obs(domain, potential.dimension(),
                                               opt.keep_paths ? &res.path_records : nullptr);
    const run_options<Real> ro{opt.paths,        opt.horizon, opt.seed,
                               opt.first_stream, opt.threads, opt.progress};
    const auto tot = detail::run_observed(potential, noise, integrator, x0, ro, max_steps, obs);

    const detail::moments &et = tot.exit_times, &rm = tot.restricted;
    const double exposure = tot.exposure;
    res.exited = tot.exited;
    res.censored = tot.censored;
    res.non_finite = tot.non_finite;
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
    for (std::size_t c = 0; c < tot.channel.size(); ++c)
        if (tot.channel[c] > 0) {
            exit_channel<Real> ch;
            ch.coordinate = static_cast<int>(c / 3);
            ch.side = static_cast<int>(c % 3) - 1;
            ch.count = tot.channel[c];
            ch.probability = detail::wilson<Real>(tot.channel[c], res.exited, z);
            res.channels.push_back(ch);
        }
    return res;
}

} // namespace levysgd
