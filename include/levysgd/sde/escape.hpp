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
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "concepts.hpp"
#include "paths.hpp"
#include "serialize.hpp"
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
    progress_callback on_progress = {}; // also called with (paths done, paths)
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

/// Tag: escape_observer keeps the path records in its result (appended in
/// path order, merged in block order) instead of a vector of the caller's.
struct records_in_result_t {};
inline constexpr records_in_result_t records_in_result{};

/// The observer of escape_study: a path stops when it leaves the domain;
/// the result holds the moments of the exit times, the time at risk and the
/// exits per (coordinate, side). With a records vector (paths long) it also
/// writes every path's record there (distinct paths, distinct slots: safe
/// from several threads); with records_in_result the records travel in the
/// result (what study files and MPI ranks carry). It is a SavableObserver.
template <class D, class Real, int Dim> class escape_observer {
  public:
    using state_type = std::array<Real, 0>;
    struct result_type {
        detail::moments exit_times, restricted;
        std::size_t exited = 0, censored = 0, non_finite = 0;
        double exposure = 0;
        std::vector<std::size_t> channel;               // 3 coordinate + side + 1
        std::vector<escape_path<Real, Dim>> records;    // records_in_result only
    };

    escape_observer(const D &domain, Eigen::Index dimension,
                    std::vector<escape_path<Real, Dim>> *records = nullptr)
        : domain_(&domain), n_(dimension), records_(records) {}
    escape_observer(const D &domain, Eigen::Index dimension, records_in_result_t)
        : domain_(&domain), n_(dimension), records_(nullptr), in_result_(true) {}

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
        if (records_ || in_result_) {
            auto &rec = records_ ? (*records_)[e.path] : r.records.emplace_back();
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
        if (into.records.empty())
            into.records = std::move(b.records);
        else
            into.records.insert(into.records.end(), std::make_move_iterator(b.records.begin()),
                                std::make_move_iterator(b.records.end()));
    }
    void save(byte_writer &w, const result_type &r) const {
        for (const detail::moments *m : {&r.exit_times, &r.restricted}) {
            w.put(m->n);
            w.put(m->mean);
            w.put(m->m2);
        }
        w.put_size(r.exited);
        w.put_size(r.censored);
        w.put_size(r.non_finite);
        w.put(r.exposure);
        w.put_size(r.channel.size());
        for (std::size_t c : r.channel)
            w.put_size(c);
        w.put_size(r.records.size());
        for (const auto &p : r.records) {
            w.put(p.status);
            w.put(p.time);
            w.put(p.steps);
            w.put(p.where.coordinate);
            w.put(p.where.side);
            w.put_size(static_cast<std::size_t>(p.point.size()));
            for (Eigen::Index i = 0; i < p.point.size(); ++i)
                w.put(p.point[i]);
        }
    }
    result_type load(byte_reader &rd) const {
        result_type r;
        for (detail::moments *m : {&r.exit_times, &r.restricted}) {
            m->n = rd.get<double>();
            m->mean = rd.get<double>();
            m->m2 = rd.get<double>();
        }
        r.exited = rd.get_size();
        r.censored = rd.get_size();
        r.non_finite = rd.get_size();
        r.exposure = rd.get<double>();
        const std::size_t nc = rd.get_size();
        if (nc != 3 * static_cast<std::size_t>(n_))
            throw study_file_error("escape channels: " + std::to_string(nc) + " stored, " +
                                   std::to_string(3 * n_) + " expected (corrupted)");
        r.channel.resize(nc);
        for (auto &c : r.channel)
            c = rd.get_size();
        const std::size_t np = rd.get_size(rd.remaining() / 8);
        r.records.resize(np);
        for (auto &p : r.records) {
            p.status = rd.get<path_status>();
            p.time = rd.get<Real>();
            p.steps = rd.get<std::uint64_t>();
            p.where.coordinate = rd.get<int>();
            p.where.side = rd.get<int>();
            const std::size_t d = rd.get_size();
            if (d != static_cast<std::size_t>(n_))
                throw study_file_error("escape record of dimension " + std::to_string(d) +
                                       ", expected " + std::to_string(n_) + " (corrupted)");
            p.point.resize(n_);
            for (Eigen::Index i = 0; i < n_; ++i)
                p.point[i] = rd.get<Real>();
        }
        return r;
    }

  private:
    const D *domain_;
    Eigen::Index n_;
    std::vector<escape_path<Real, Dim>> *records_;
    bool in_result_ = false;
};

namespace detail {
/// The escape_result of the merged observer result `tot` (all but the path
/// records): one definition for escape_study and the study files.
template <class Real, int Dim, class Tot>
escape_result<Real, Dim> finish_escape(const Tot &tot, std::size_t paths, Real confidence,
                                       Real dt, std::uint64_t max_steps) {
    escape_result<Real, Dim> res;
    const detail::moments &et = tot.exit_times, &rm = tot.restricted;
    const double exposure = tot.exposure;
    res.exited = tot.exited;
    res.censored = tot.censored;
    res.non_finite = tot.non_finite;
    const double z = detail::normal_quantile(0.5 + 0.5 * static_cast<double>(confidence));
    res.paths = paths;
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
        res.escape_rate = {Real(0), Real(0), Real(-std::log(1 - confidence) / exposure)};
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

/// escape_study's argument checks.
template <class Real, class P, class N, class I, class D>
std::uint64_t check_escape_study(std::string_view where, const P &potential, const N &noise,
                                 const I &integrator, const D &domain,
                                 const state_vector<P> &x0, const escape_options<Real> &opt) {
    const std::uint64_t max_steps = detail::check_study_common<Real>(
        where, potential, noise, integrator, x0, opt.paths, opt.first_stream, opt.horizon);
    detail::check_same_dimension(where, "domain", domain, potential.dimension());
    if (!domain.contains(x0))
        detail::throw_invalid(where, "x0", "a point outside the domain", "must lie in the domain");
    if (!(opt.confidence > Real(0) && opt.confidence < Real(1)))
        detail::throw_invalid(where, "confidence", opt.confidence, "must be in (0, 1)");
    return max_steps;
}
} // namespace detail

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
    const std::uint64_t max_steps = detail::check_escape_study<Real>(
        "levysgd::escape_study", potential, noise, integrator, domain, x0, opt);
    std::vector<escape_path<Real, P::dim>> records;
    if (opt.keep_paths)
        records.resize(opt.paths);
    const escape_observer<D, Real, P::dim> obs(domain, potential.dimension(),
                                               opt.keep_paths ? &records : nullptr);
    const run_options<Real> ro{opt.paths,        opt.horizon, opt.seed,
                               opt.first_stream, opt.threads, opt.progress, opt.on_progress};
    const auto tot = detail::run_observed(potential, noise, integrator, x0, ro, max_steps, obs);
    auto res = detail::finish_escape<Real, P::dim>(tot, opt.paths, opt.confidence,
                                                   integrator.time_step(), max_steps);
    res.path_records = std::move(records);
    return res;
}

} // namespace levysgd
