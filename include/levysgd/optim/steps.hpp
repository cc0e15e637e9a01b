#pragma once
// Optimizer steps that users drop into their own training loops, all of one
// shape so a study can swap them: `step(w, oracle)` draws the minibatch(es),
// asks the oracle for minibatch gradients and updates the parameters w
// (an Eigen vector, or a contiguous span through Eigen::Map).
//
//   sgd                  w <- w - eta_k g_B
//   noise_enhanced_sgd   w <- w - eta_k [a g_B + (1 - a) g_B'] with B' an
//                        independent minibatch of the same size
//                        (Mori & Ueda 2020 eq. 6): the SGD-noise
//                        covariance times a^2 + (1 - a)^2 (eq. 10), i.e. an
//                        effective batch B / (a^2 + (1 - a)^2) (eq. 11)
//   sgld                 w <- w - eta_k g_B + sqrt(2 eta_k T) xi, xi ~ N(0, I)
//                        (Welling & Teh 2011; the SGLD of Xie et al. 2021 and Jastrzębski et al.
//                        2017)
//   stable_noise_sgd     w <- w - eta_k g_B + scale_l s_t^((alpha_l-1)/alpha_l)
//                        eta^(1/alpha_l) S_l, S_l ~ SaS(alpha_l): Euler step of
//                        Battash & Lindenbaum 2023 eq. 3 with dt = eta
//                        (B = N, without replacement, is gradient descent)
//
// eta_k = eta s(t_k) with the scheduler s (sde/scheduler.hpp; the same
// Scheduler concept as the SDE noise models) at time t_k = eta k.
//
// Enhancement factor: a >= 1 enhances the noise (a = 1 is plain SGD, bit
// for bit, from the same streams); a in [0.5, 1) is accepted and documented
// as noise *reduction* (a = 0.5 averages two minibatches, the noise of one
// batch of 2B); a < 0.5 is rejected (it would only mirror 1 - a).
//
// Constructor arguments (docs/conventions.md): the required inputs (n, batch,
// learning rate, and a / temperature / alpha and scale), then seed and
// stream, then the optional settings: the sampling mode (default
// with_replacement) and the scheduler. Before issue 17 the mode came before
// the seed; such a call no longer compiles (sampling does not convert to
// std::uint64_t).
//
// Random numbers: the first minibatch sampler uses (seed, stream), the
// second (B') and the injected noise use seeds derived from seed
// (detail::derived_seed), so no two sources share state and every run is
// reproducible. Bad gradients: if the oracle returns inf/NaN, step() throws
// std::runtime_error with the count, the first index and the iteration, and
// w is left unchanged (the update is formed in a buffer and committed only
// when finite). The minibatch samplers have advanced by then: a retried step
// sees the next minibatches (the iteration count, and so the injected noise's
// stream position, is unchanged).

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>

#include "../detail/validate.hpp"
#include "../random/fill.hpp"
#include "../sde/noise.hpp"
#include "../sde/scheduler.hpp"
#include "../stable/sample.hpp"
#include "minibatch.hpp"

namespace levysgd {

template <class Real> using param_vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

/// The user's model: gradient(w, indices, g) writes into g the mean of the
/// per-sample loss gradients over `indices` at parameters w.
template <class O, class Real = double>
concept GradientOracle = std::floating_point<Real> &&
    requires(const O &o, Eigen::Ref<const param_vector<Real>> w, std::span<const std::size_t> idx,
             Eigen::Ref<param_vector<Real>> g) {
    { o.samples() } -> std::convertible_to<std::size_t>;
    { o.dimension() } -> std::convertible_to<Eigen::Index>;
    o.gradient(w, idx, g);
};

/// What every optimizer step offers, so a study can swap one for another.
template <class S, class O, class Real = double>
concept OptimizerStep = GradientOracle<O, Real> &&
    requires(S &s, Eigen::Ref<param_vector<Real>> w, std::span<Real> ws, const O &o) {
    s.step(w, o);
    s.step(ws, o);
    { s.iteration() } -> std::convertible_to<std::uint64_t>;
    { s.time() } -> std::convertible_to<Real>;
};

/// Effective batch size of noise-enhanced SGD, B / (a^2 + (1 - a)^2)
/// (Mori & Ueda 2020 eq. 11).
inline double effective_batch_size(double batch, double a) {
    if (!(batch > 0 && std::isfinite(batch)))
        detail::throw_invalid("levysgd::effective_batch_size", "batch", batch, "must be > 0");
    if (!(a >= 0.5 && std::isfinite(a)))
        detail::throw_invalid("levysgd::effective_batch_size", "a", a, "must be finite and >= 0.5");
    return batch / (a * a + (1 - a) * (1 - a));
}

namespace detail {

template <class Real> void check_a(std::string_view where, Real a) {
    if (!(a >= Real(0.5) && std::isfinite(a)))
        throw_invalid(where, "a", a,
                      "must be finite and >= 0.5 (a >= 1 enhances the noise, a in [0.5, 1) "
                      "reduces it)");
}

/// Throws std::runtime_error if v has non-finite entries (w is not touched).
template <class V>
void check_finite_gradient(std::string_view where, const V &v, std::uint64_t iteration,
                           std::string_view what) {
    std::size_t bad = 0;
    Eigen::Index first = -1;
    for (Eigen::Index i = 0; i < v.size(); ++i)
        if (!std::isfinite(v[i])) {
            if (bad++ == 0)
                first = i;
        }
    if (bad > 0) {
        std::ostringstream os;
        os << where << ": " << what << " has " << bad << " non-finite entries (first at index "
           << first << ", value " << v[first] << ") at iteration " << iteration
           << "; parameters not updated";
        throw std::runtime_error(os.str());
    }
}

/// State and step() shared by every step type (CRTP): the primary minibatch
/// sampler, learning rate and scheduler, iteration counter and buffers.
/// Derived::update(w, oracle, eta) turns the minibatch gradient g_ into the
/// update delta_; an optional Derived::check_dimension(d) runs first.
template <class Derived, class Real, class Sched> class step_core {
  public:
    step_core(std::string_view where, std::size_t n, std::size_t batch, Real lr, std::uint64_t seed,
              std::uint64_t stream, sampling mode, Sched s)
        : where_(where), sampler_(n, batch, mode, seed, stream), lr_(lr), sched_(std::move(s)),
          seed_(seed), stream_(stream) {
        if (!(lr > Real(0) && std::isfinite(lr)))
            throw_invalid(where, "learning_rate", lr, "must be finite and > 0");
    }
    std::uint64_t iteration() const noexcept { return k_; }
    /// t = eta k.
    Real time() const noexcept { return lr_ * Real(k_); }
    Real learning_rate() const noexcept { return lr_; }
    /// eta s(t) of the next step.
    Real current_learning_rate() const { return lr_ * Real(sched_(time())); }
    const Sched &scheduler() const noexcept { return sched_; }
    std::size_t batch_size() const noexcept { return sampler_.batch_size(); }

    /// One step on parameters held in an Eigen vector (see the header comment).
    template <GradientOracle<Real> O> void step(Eigen::Ref<param_vector<Real>> w, const O &o) {
        Derived &self = static_cast<Derived &>(*this);
        if (o.dimension() != w.size())
            throw_invalid(where_, "w.size()", w.size(),
                          "must equal the oracle's dimension " + std::to_string(o.dimension()));
        if (o.samples() != sampler_.samples())
            throw_invalid(where_, "oracle.samples()", o.samples(),
                          "must equal the sampler's n = " + std::to_string(sampler_.samples()));
        if constexpr (requires { self.check_dimension(w.size()); })
            self.check_dimension(w.size());
        // The schedule is checked like the SDE noise models check theirs: a
        // value <= 0 would turn the step into gradient ascent (or a no-op).
        const Real t = time();
        s_ = Real(sched_(t));
        check_scheduler_value(where_, s_, t, "; parameters not updated");
        const Real eta = lr_ * s_;
        if (!(eta > Real(0) && std::isfinite(eta)))
            throw_invalid(where_, "learning_rate * scheduler(t)", eta,
                          "must be finite and > 0 (scheduler(t) = " + to_text(s_) +
                              "); parameters not updated");
        minibatch_gradient(o, sampler_, w, g_, "the minibatch gradient on B");
        self.update(w, o, eta);
        // Commit only a finite update: w is never left half-updated.
        check_finite_gradient(where_, delta_, k_, "the update");
        w += delta_;
        ++k_;
    }
    /// The same on a contiguous span.
    template <GradientOracle<Real> O> void step(std::span<Real> w, const O &o) {
        Eigen::Map<param_vector<Real>> m(w.data(), static_cast<Eigen::Index>(w.size()));
        step(Eigen::Ref<param_vector<Real>>(m), o);
    }

  protected:
    /// g <- mean gradient over the sampler's next minibatch; throws if non-finite.
    template <class O>
    void minibatch_gradient(const O &o, minibatch_sampler &s,
                            Eigen::Ref<const param_vector<Real>> w, param_vector<Real> &g,
                            std::string_view what) {
        g.setZero(w.size());
        o.gradient(w, s.next(), Eigen::Ref<param_vector<Real>>(g));
        check_finite_gradient(where_, g, k_, what);
    }

    std::string_view where_;
    minibatch_sampler sampler_;
    Real lr_;
    Sched sched_;
    std::uint64_t seed_, stream_;
    std::uint64_t k_ = 0;
    Real s_ = 1; // scheduler value of the current step (checked)
    param_vector<Real> g_, delta_;
};

} // namespace detail

/// Plain minibatch SGD.
template <class Real = double, class Sched = constant_scheduler<Real>>
requires Scheduler<Sched, Real>
class sgd : public detail::step_core<sgd<Real, Sched>, Real, Sched> {
    using core = detail::step_core<sgd, Real, Sched>;
    friend core;

  public:
    sgd(std::size_t n, std::size_t batch, Real learning_rate, std::uint64_t seed,
        std::uint64_t stream = 0, sampling mode = sampling::with_replacement, Sched s = Sched{})
        : core("levysgd::sgd", n, batch, learning_rate, seed, stream, mode, std::move(s)) {}

  private:
    template <class O> void update(Eigen::Ref<const param_vector<Real>>, const O &, Real eta) {
        this->delta_ = -eta * this->g_;
    }
};

/// Noise-enhanced SGD (Mori & Ueda 2020 eq. 6; see the header comment).
template <class Real = double, class Sched = constant_scheduler<Real>>
requires Scheduler<Sched, Real>
class noise_enhanced_sgd : public detail::step_core<noise_enhanced_sgd<Real, Sched>, Real, Sched> {
    using core = detail::step_core<noise_enhanced_sgd, Real, Sched>;
    friend core;

  public:
    noise_enhanced_sgd(std::size_t n, std::size_t batch, Real learning_rate, Real a,
                       std::uint64_t seed, std::uint64_t stream = 0,
                       sampling mode = sampling::with_replacement, Sched s = Sched{})
        : core("levysgd::noise_enhanced_sgd", n, batch, learning_rate, seed, stream, mode,
               std::move(s)),
          second_(n, batch, mode, detail::derived_seed(seed, 2), stream), a_(a) {
        detail::check_a(this->where_, a);
    }
    Real enhancement() const noexcept { return a_; }
    /// B / (a^2 + (1 - a)^2).
    double effective_batch() const {
        return effective_batch_size(double(this->sampler_.batch_size()), double(a_));
    }

  private:
    template <class O> void update(Eigen::Ref<const param_vector<Real>> w, const O &o, Real eta) {
        if (a_ == Real(1)) { // plain SGD, bit for bit; B' is not drawn
            this->delta_ = -eta * this->g_;
            return;
        }
        this->minibatch_gradient(o, second_, w, g2_, "the minibatch gradient on B'");
        this->delta_ = -eta * (a_ * this->g_ + (Real(1) - a_) * g2_);
    }
    minibatch_sampler second_;
    Real a_;
    param_vector<Real> g2_;
};

/// SGLD: SGD plus Gaussian noise of temperature T >= 0.
template <class Real = double, class Sched = constant_scheduler<Real>>
requires Scheduler<Sched, Real>
class sgld : public detail::step_core<sgld<Real, Sched>, Real, Sched> {
    using core = detail::step_core<sgld, Real, Sched>;
    friend core;

  public:
    sgld(std::size_t n, std::size_t batch, Real learning_rate, Real temperature, std::uint64_t seed,
         std::uint64_t stream = 0, sampling mode = sampling::with_replacement, Sched s = Sched{})
        : core("levysgd::sgld", n, batch, learning_rate, seed, stream, mode, std::move(s)),
          temp_(temperature) {
        if (!(temperature >= Real(0) && std::isfinite(temperature)))
            detail::throw_invalid(this->where_, "temperature", temperature,
                                  "must be finite and >= 0");
    }
    Real temperature() const noexcept { return temp_; }

  private:
    template <class O> void update(Eigen::Ref<const param_vector<Real>> w, const O &, Real eta) {
        // xi: normals k d ... k d + d - 1 of the noise stream.
        xi_.resize(w.size());
        const auto d = static_cast<std::uint64_t>(w.size());
        fill_normal(std::span<Real>(xi_.data(), static_cast<std::size_t>(d)),
                    detail::derived_seed(this->seed_, 3), this->stream_,
                    fill_options{this->k_ * d, 1});
        this->delta_ = -eta * this->g_ + std::sqrt(Real(2) * eta * temp_) * xi_;
    }
    Real temp_;
    param_vector<Real> xi_;
};

/// SGD (or GD with B = N) plus per-coordinate SaS noise (Battash & Lindenbaum 2023 eq. 3).
template <class Real = double, class Sched = constant_scheduler<Real>>
requires Scheduler<Sched, Real>
class stable_noise_sgd : public detail::step_core<stable_noise_sgd<Real, Sched>, Real, Sched> {
    using core = detail::step_core<stable_noise_sgd, Real, Sched>;
    friend core;

  public:
    stable_noise_sgd(std::size_t n, std::size_t batch, Real learning_rate, std::vector<Real> alpha,
                     std::vector<Real> scale, std::uint64_t seed, std::uint64_t stream = 0,
                     sampling mode = sampling::with_replacement, Sched s = Sched{})
        : core("levysgd::stable_noise_sgd", n, batch, learning_rate, seed, stream, mode,
               std::move(s)),
          alpha_(std::move(alpha)), scale_(std::move(scale)) {
        // Validates alpha[l] in (0, 2], scale[l] >= 0, sizes (names the bad entry).
        const stable_noise<Real> check(alpha_, scale_);
        common_ = std::all_of(alpha_.begin(), alpha_.end(), [&](Real x) { return x == alpha_[0]; });
        factor_.resize(static_cast<Eigen::Index>(alpha_.size()));
    }
    const std::vector<Real> &alpha() const noexcept { return alpha_; }
    const std::vector<Real> &scale() const noexcept { return scale_; }

  public:
    /// w.size() must equal alpha.size() (called by step() before anything is drawn).
    void check_dimension(Eigen::Index d) const {
        if (static_cast<std::size_t>(d) != alpha_.size())
            detail::throw_invalid(this->where_, "w.size()", d,
                                  "must equal alpha.size() = " + std::to_string(alpha_.size()));
    }

  private:
    template <class O> void update(Eigen::Ref<const param_vector<Real>> w, const O &, Real) {
        const auto d = static_cast<std::size_t>(w.size());
        const Real st = this->s_; // checked by step()
        const Real eta = this->lr_ * st;
        // Standard SaS(alpha_l) values k d ... k d + d - 1 of the noise stream.
        z_.resize(w.size());
        const std::span<Real> z(z_.data(), d);
        detail::sample_standard_sas<Real>(alpha_, common_, z, detail::derived_seed(this->seed_, 4),
                                          this->stream_, this->k_ * d);
        if (st != cached_s_) { // scale_l s_t^((a-1)/a) eta^(1/a): the increment over dt = eta
            cached_s_ = st;
            detail::stable_increment_factors<Real>(alpha_, scale_, st, this->lr_, factor_.data());
        }
        this->delta_ = -eta * this->g_ + factor_.cwiseProduct(z_);
    }
    std::vector<Real> alpha_, scale_;
    bool common_ = true;
    Real cached_s_ = -1;
    param_vector<Real> factor_, z_;
};

/// One noise-enhanced update from given minibatches (stateless form):
/// w <- w - eta [a g_batch + (1 - a) g_batch2]. Same checks as the classes.
template <class Real, GradientOracle<Real> O>
void noise_enhanced_step(Eigen::Ref<param_vector<Real>> w, const O &o,
                         std::span<const std::size_t> batch, std::span<const std::size_t> batch2,
                         Real learning_rate, Real a) {
    constexpr std::string_view where = "levysgd::noise_enhanced_step";
    detail::check_a(where, a);
    if (!(learning_rate > Real(0) && std::isfinite(learning_rate)))
        detail::throw_invalid(where, "learning_rate", learning_rate, "must be finite and > 0");
    if (o.dimension() != w.size())
        detail::throw_invalid(where, "w.size()", w.size(),
                              "must equal the oracle's dimension " + std::to_string(o.dimension()));
    if (batch.empty() || batch.size() != batch2.size())
        detail::throw_invalid(where, "batch2.size()", batch2.size(),
                              "must equal batch.size() = " + std::to_string(batch.size()) +
                                  " (>= 1)");
    for (auto b : {batch, batch2})
        for (std::size_t i : b)
            if (i >= o.samples())
                detail::throw_invalid(where, "sample index", i,
                                      "must be < oracle.samples() = " +
                                          std::to_string(o.samples()));
    param_vector<Real> g1 = param_vector<Real>::Zero(w.size()), g2 = g1;
    o.gradient(w, batch, Eigen::Ref<param_vector<Real>>(g1));
    detail::check_finite_gradient(where, g1, 0, "the gradient on batch");
    param_vector<Real> delta = -learning_rate * g1;
    if (a != Real(1)) {
        o.gradient(w, batch2, Eigen::Ref<param_vector<Real>>(g2));
        detail::check_finite_gradient(where, g2, 0, "the gradient on batch2");
        delta = -learning_rate * (a * g1 + (Real(1) - a) * g2);
    }
    detail::check_finite_gradient(where, delta, 0, "the update");
    w += delta;
}

} // namespace levysgd
