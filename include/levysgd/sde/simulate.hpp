#pragma once
// simulate_paths: N paths for a fixed time, returning their final states (the
// law of X_t: moments, empirical characteristic functions, ...). The
// final_state_observer on run_paths (sde/paths.hpp): same streams and
// determinism as every other study.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "concepts.hpp"
#include "paths.hpp"
#include "serialize.hpp"

namespace levysgd {

namespace detail {
/// "Do not stop": false for a scalar state, all lanes false for a batch state.
template <class V> constexpr auto never_stop(const V &) noexcept {
    if constexpr (is_std_array<V>)
        return typename V::value_type::batch_bool_type(false);
    else
        return false;
}
} // namespace detail

/// Settings of simulate_paths (opt.horizon: the time each path runs).
template <class Real> using path_options = run_options<Real>;

/// The states of N paths after a fixed time.
template <class Real, int Dim> struct terminal_states {
    /// Column i: path i at time steps * time_step (inf/NaN if it became non-finite).
    Eigen::Matrix<Real, Dim, Eigen::Dynamic> states;
    std::size_t non_finite = 0; // paths stopped because the state became inf/NaN
    std::uint64_t steps = 0;
    Real time_step = 0;
};

/// The observer of simulate_paths: never stops a path; writes path i's end
/// state into column i of `states` (distinct columns: safe from several
/// threads) and counts the non-finite paths.
template <class Real, int Dim> class final_state_observer {
  public:
    using state_type = std::array<Real, 0>;
    using result_type = std::size_t; // non-finite paths

    explicit final_state_observer(Eigen::Matrix<Real, Dim, Eigen::Dynamic> &states)
        : states_(&states) {}
    template <class V> state_type start(std::uint64_t, const V &) const noexcept { return {}; }
    template <class S, class V> auto step(S &, const V &x) const noexcept {
        return detail::never_stop(x);
    }
    template <class V>
    void finish(result_type &bad, const state_type &, const path_end<Real> &e, const V &x) const {
        bad += e.status == path_status::non_finite;
        states_->col(static_cast<Eigen::Index>(e.path)) = x;
    }
    result_type make_result() const noexcept { return 0; }
    void merge(result_type &into, result_type &&b) const noexcept { into += b; }
    void save(byte_writer &w, const result_type &r) const { w.put_size(r); }
    result_type load(byte_reader &rd) const { return rd.get_size(); }

  private:
    Eigen::Matrix<Real, Dim, Eigen::Dynamic> *states_;
};

namespace detail {
/// final_state_observer with the states in its result (path order, merged in
/// block order): what simulate_paths' study files and MPI ranks carry.
template <class Real, int Dim> class final_states_in_result {
  public:
    using state_type = std::array<Real, 0>;
    struct result_type {
        std::size_t non_finite = 0;
        std::vector<Real> states; // dimension values per path, path order
    };
    explicit final_states_in_result(Eigen::Index n) : n_(n) {}
    template <class V> state_type start(std::uint64_t, const V &) const noexcept { return {}; }
    template <class S, class V> auto step(S &, const V &x) const noexcept {
        return detail::never_stop(x);
    }
    template <class V>
    void finish(result_type &r, const state_type &, const path_end<Real> &e, const V &x) const {
        r.non_finite += e.status == path_status::non_finite;
        for (Eigen::Index i = 0; i < n_; ++i)
            r.states.push_back(x[i]);
    }
    result_type make_result() const { return {}; }
    void merge(result_type &into, result_type &&b) const {
        into.non_finite += b.non_finite;
        into.states.insert(into.states.end(), b.states.begin(), b.states.end());
    }
    void save(byte_writer &w, const result_type &r) const {
        w.put_size(r.non_finite);
        w.put_vector(r.states);
    }
    result_type load(byte_reader &rd) const {
        result_type r;
        r.non_finite = rd.get_size();
        r.states = rd.get_vector<Real>();
        if (r.states.size() % static_cast<std::size_t>(n_) != 0)
            throw study_file_error("final states: " + std::to_string(r.states.size()) +
                                   " values, not a multiple of the dimension " +
                                   std::to_string(n_) + " (corrupted)");
        return r;
    }

  private:
    Eigen::Index n_;
};
} // namespace detail

/// Runs opt.paths paths from x0 for ceil(opt.horizon / time_step) steps
/// with no domain and returns their final states. Throws
/// std::invalid_argument like run_paths.
template <Potential P, class N, class I>
requires NoiseModel<N, state_vector<P>> && Integrator<I, P, noise_source_t<N>>
    terminal_states<typename P::scalar_type, P::dim>
    simulate_paths(const P &potential, const N &noise, const I &integrator,
                   const state_vector<P> &x0, const path_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    const std::uint64_t steps = detail::check_study_common<Real>(
        "levysgd::simulate_paths", potential, noise, integrator, x0, opt.paths, opt.first_stream,
        opt.horizon);
    terminal_states<Real, P::dim> res;
    res.states.resize(potential.dimension(), static_cast<Eigen::Index>(opt.paths));
    res.steps = steps;
    res.time_step = integrator.time_step();
    res.non_finite = detail::run_observed(potential, noise, integrator, x0, opt, steps,
                                          final_state_observer<Real, P::dim>(res.states));
    return res;
}

} // namespace levysgd
