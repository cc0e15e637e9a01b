#pragma once
// transition_study: paths run to the horizon and the transitions between the
// basins of a BasinClassifier are counted (transition_observer on run_paths,
// sde/paths.hpp). A path's label is the last basin it was in; each change of
// label is one transition i -> j. Occupation times per label estimate the
// equilibrium weights and, with the counts, the jump rates q_ij = n_ij / T_i
// of the metastable Markov chain (Simsekli et al. 2019 Theorem 2).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "concepts.hpp"
#include "paths.hpp"
#include "serialize.hpp"

namespace levysgd {

/// The most basins transition_study accepts (counts is a dense K x K matrix: 128 MiB).
inline constexpr int max_transition_basins = 4096;

/// Settings of transition_study (opt.horizon: the time each path runs).
template <class Real> using transition_options = run_options<Real>;

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

namespace detail {
/// classifier.basin(x), checked: a label outside [-1, K) would index past the
/// per-path tables.
template <class C, class V>
int checked_basin(std::string_view where, const C &classifier, int basins, const V &x,
                  std::string_view what) {
    const int b = classifier.basin(x);
    if (b < -1 || b >= basins)
        throw_invalid(where, what, b,
                      "must be -1 (no basin) or in [0, basins() = " + std::to_string(basins) +
                          ")");
    return b;
}
} // namespace detail

/// The observer of transition_study (see the header comment). Per path: the
/// current label and the steps spent under each label (K: unlabelled).
template <class C, class Real> class transition_observer {
  public:
    struct state_type {
        int label = -1;
        std::vector<std::uint64_t> steps_in;         // K + 1
        std::map<std::size_t, std::uint64_t> counts; // i K + j (transitions are rare)
    };
    struct result_type {
        std::map<std::size_t, std::uint64_t> counts; // i K + j: sparse, K may be large
        std::vector<double> occupation;              // K + 1: last = unlabelled
        std::size_t non_finite = 0;
    };

    transition_observer(const C &classifier, int label0, Real dt, std::string_view where)
        : c_(&classifier), k_(classifier.basins()), label0_(label0), dt_(dt), where_(where) {}

    template <class V> state_type start(std::uint64_t, const V &) const {
        return {label0_, std::vector<std::uint64_t>(static_cast<std::size_t>(k_) + 1, 0), {}};
    }
    template <class V> bool step(state_type &s, const V &x) const {
        ++s.steps_in[slot(s.label)]; // the step counts for the label held at its start
        const int b = detail::checked_basin(where_, *c_, k_, x, "classifier.basin(x)");
        if (b >= 0 && b != s.label) {
            if (s.label >= 0)
                ++s.counts[static_cast<std::size_t>(s.label) * static_cast<std::size_t>(k_) +
                           static_cast<std::size_t>(b)];
            s.label = b;
        }
        return false;
    }
    template <class V>
    void finish(result_type &r, state_type &s, const path_end<Real> &e, const V &) const {
        const auto Ku = static_cast<std::size_t>(k_);
        if (e.status == path_status::non_finite) {
            ++s.steps_in[slot(s.label)]; // the step that failed counts too
            ++r.non_finite;
        }
        for (std::size_t j = 0; j <= Ku; ++j)
            r.occupation[j] += static_cast<double>(s.steps_in[j]) * dt_;
        for (const auto &[ij, c] : s.counts)
            r.counts[ij] += c;
    }
    result_type make_result() const {
        result_type r;
        r.occupation.assign(static_cast<std::size_t>(k_) + 1, 0.0);
        return r;
    }
    void merge(result_type &into, result_type &&b) const {
        into.non_finite += b.non_finite;
        for (std::size_t i = 0; i < into.occupation.size(); ++i)
            into.occupation[i] += b.occupation[i];
        for (const auto &[ij, c] : b.counts)
            into.counts[ij] += c;
    }
    void save(byte_writer &w, const result_type &r) const {
        w.put_size(r.counts.size());
        for (const auto &[ij, c] : r.counts) {
            w.put_size(ij);
            w.put(c);
        }
        w.put_vector(r.occupation);
        w.put_size(r.non_finite);
    }
    result_type load(byte_reader &rd) const {
        result_type r;
        const auto K = static_cast<std::size_t>(k_);
        const std::size_t n = rd.get_size(K * K);
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t ij = rd.get_size(K * K - 1);
            r.counts[ij] = rd.get<std::uint64_t>();
        }
        r.occupation = rd.get_vector<double>();
        if (r.occupation.size() != K + 1)
            throw study_file_error("transition occupation of size " +
                                   std::to_string(r.occupation.size()) + ", expected " +
                                   std::to_string(K + 1) + " (corrupted)");
        r.non_finite = rd.get_size();
        return r;
    }

  private:
    std::size_t slot(int label) const noexcept {
        return static_cast<std::size_t>(label < 0 ? k_ : label);
    }
    const C *c_;
    int k_, label0_;
    Real dt_;
    std::string_view where_;
};

namespace detail {
/// transition_study's checks; returns the label of x0 and sets max_steps.
template <class Real, class P, class N, class I, class C>
int check_transition_study(std::string_view where, const P &potential, const N &noise,
                           const I &integrator, const C &classifier, const state_vector<P> &x0,
                           const transition_options<Real> &opt, std::uint64_t &max_steps) {
    max_steps = detail::check_study_common<Real>(where, potential, noise, integrator, x0,
                                                 opt.paths, opt.first_stream, opt.horizon);
    const int K = classifier.basins();
    if (K < 1 || K > max_transition_basins)
        detail::throw_invalid(where, "classifier.basins()", K,
                              "must be in [1, " + std::to_string(max_transition_basins) +
                                  "] (counts is a dense K x K matrix)");
    return detail::checked_basin(where, classifier, K, x0, "classifier.basin(x0)");
}

/// The transition_result of the merged observer result `tot`.
template <class Real, class Tot>
transition_result<Real> finish_transition(const Tot &tot, int K, std::size_t paths, Real dt) {
    const auto Ku = static_cast<std::size_t>(K);
    transition_result<Real> res;
    res.basins = K;
    res.paths = paths;
    res.time_step = dt;
    res.non_finite = tot.non_finite;
    res.counts.setZero(K, K);
    res.occupation.setZero(K);
    for (const auto &[ij, c] : tot.counts)
        res.counts(static_cast<Eigen::Index>(ij / Ku), static_cast<Eigen::Index>(ij % Ku)) += c;
    for (int i = 0; i < K; ++i)
        res.occupation(i) = Real(tot.occupation[static_cast<std::size_t>(i)]);
    res.unlabelled_time = Real(tot.occupation[Ku]);
    return res;
}
} // namespace detail

/// Runs paths to the horizon and counts basin transitions (see the header
/// comment). Throws std::invalid_argument like run_paths, and for a
/// classifier with basins() outside [1, max_transition_basins] or a label
/// outside [-1, basins()).
template <Potential P, class N, class I, class C>
requires NoiseModel<N, state_vector<P>> && BasinClassifier<C, state_vector<P>> &&
    Integrator<I, P, noise_source_t<N>>
        transition_result<typename P::scalar_type>
        transition_study(const P &potential, const N &noise, const I &integrator,
                         const C &classifier, const state_vector<P> &x0,
                         const transition_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    constexpr std::string_view where = "levysgd::transition_study";
    std::uint64_t max_steps = 0;
    const int label0 = detail::check_transition_study<Real>(where, potential, noise, integrator,
                                                            classifier, x0, opt, max_steps);
    const Real dt = integrator.time_step();
    const transition_observer<C, Real> obs(classifier, label0, dt, where);
    const auto tot = detail::run_observed(potential, noise, integrator, x0, opt, max_steps, obs);
    auto res = detail::finish_transition<Real>(tot, classifier.basins(), opt.paths, dt);
    return res;
}

} // namespace levysgd
