// The studies' generic path (docs/python-api.md, "Studies"): one wrapper type
// per piece, each a std::variant of the built-in pieces, at Eigen::Dynamic
// dimension. They satisfy the concepts of sde/concepts.hpp, so ONE
// instantiation of each study takes every combination of built-in pieces in
// any dimension, on the scalar path (four paths in flight per thread, no
// SIMD lanes). The fixed combinations of sde.cpp stay the fast path.
#pragma once

#include <levysgd/sde/sde.hpp>

#include <Eigen/Core>

#include <stdexcept>
#include <string>
#include <variant>

namespace levysgd_py {

/// A built-in potential at dynamic dimension. hessian() of a potential
/// without one (ackley) throws: callers check has_hessian() first.
class any_potential {
  public:
    using scalar_type = double;
    static constexpr int dim = Eigen::Dynamic;
    using piece = std::variant<levysgd::polynomial_well<double>, levysgd::quadratic<double>,
                               levysgd::ackley<double>, levysgd::styblinski_tang<double>>;

    explicit any_potential(piece p) : p_(std::move(p)) {}
    Eigen::Index dimension() const {
        return std::visit([](const auto &p) { return Eigen::Index(p.dimension()); }, p_);
    }
    bool has_hessian() const { return !std::holds_alternative<levysgd::ackley<double>>(p_); }
    template <class V> double value(const V &x) const {
        return std::visit([&](const auto &p) -> double { return p.value(x); }, p_);
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        std::visit([&](const auto &p) { p.gradient(x, g); }, p_);
    }
    template <class V, class H> void hessian(const V &x, H &h) const {
        // implicit_euler passes a default-constructed (0 x 0) dynamic matrix;
        // polynomial_well (fixed 1-D) writes h(0, 0) without resizing.
        if constexpr (H::RowsAtCompileTime == Eigen::Dynamic)
            h.resize(dimension(), dimension());
        std::visit([&](const auto &p) {
            if constexpr (requires { p.hessian(x, h); })
                p.hessian(x, h);
            else
                throw std::invalid_argument("levysgd: this potential has no Hessian (ackley)");
        }, p_);
    }

  private:
    piece p_;
};

/// A built-in scheduler s_t (sde/scheduler.hpp; Battash & Lindenbaum 2023
/// eq. 3): constant, exponential or multi-step. The Sched of the generic
/// path's scheduled noise models, so one instantiation covers all three. A
/// Python callable is not one: the studies call s(t) from worker threads
/// that do not hold the GIL.
class any_scheduler {
  public:
    using piece = std::variant<levysgd::constant_scheduler<double>, levysgd::exponential_scheduler<double>,
                               levysgd::multistep_scheduler<double>>;
    any_scheduler() = default;
    explicit any_scheduler(piece s) : s_(std::move(s)) {}
    double operator()(double t) const {
        return std::visit([t](const auto &s) { return double(s(t)); }, s_);
    }

  private:
    piece s_;
};

/// A noise model that is one of Pieces (each a NoiseModel at dynamic
/// dimension): a std::variant with the NoiseModel interface.
template <class... Pieces> class variant_noise {
  public:
    using scalar_type = double;
    using piece = std::variant<Pieces...>;

    explicit variant_noise(piece n) : n_(std::move(n)) {}
    Eigen::Index dimension() const {
        return std::visit([](const auto &n) { return Eigen::Index(n.dimension()); }, n_);
    }

    class source {
      public:
        using sources = std::variant<levysgd::noise_source_t<Pieces>...>;
        explicit source(sources s) : s_(std::move(s)) {}
        void start(std::uint64_t path) {
            std::visit([&](auto &s) { s.start(path); }, s_);
        }
        template <class V, class D> void increment(const V &x, double t, double h, D &dn) {
            std::visit([&](auto &s) { s.increment(x, t, h, dn); }, s_);
        }

      private:
        sources s_;
    };
    source make_source(std::uint64_t seed) const {
        return std::visit([&](const auto &n) { return source(typename source::sources(n.make_source(seed))); },
                          n_);
    }
    const piece &get() const noexcept { return n_; }

  private:
    piece n_;
};

/// The built-in noise models: Gaussian (isotropic or with a covariance) and
/// stable (per coordinate), each with the constant scheduler (the fast
/// path's types) or any built-in one; Hessian noise of a built-in potential
/// with any built-in scheduler; the mixture of any two of these (C++
/// mixture_noise<N1, N2>; one instantiation, base_noise x base_noise, takes
/// every pair; a mixture inside a mixture is not one of them).
namespace noise_pieces {
using gauss = levysgd::gaussian_noise<double>;
using levy = levysgd::stable_noise<double>;
using gauss_s = levysgd::gaussian_noise<double, any_scheduler>;
using levy_s = levysgd::stable_noise<double, any_scheduler>;
using hess = levysgd::hessian_noise<any_potential, any_scheduler>;
using base_noise = variant_noise<gauss, levy, gauss_s, levy_s, hess>;
using mix = levysgd::mixture_noise<base_noise, base_noise>;
} // namespace noise_pieces

class any_noise : public variant_noise<noise_pieces::gauss, noise_pieces::levy, noise_pieces::gauss_s,
                                       noise_pieces::levy_s, noise_pieces::hess, noise_pieces::mix> {
  public:
    using gauss = noise_pieces::gauss;
    using levy = noise_pieces::levy;
    using gauss_s = noise_pieces::gauss_s;
    using levy_s = noise_pieces::levy_s;
    using hess = noise_pieces::hess;
    using base_noise = noise_pieces::base_noise;
    using mix = noise_pieces::mix;
    using variant_noise::variant_noise;
};

/// A built-in integrator.
class any_integrator {
  public:
    using piece = std::variant<levysgd::euler<double>, levysgd::tamed_euler<double>,
                               levysgd::implicit_euler<double>, levysgd::sgd_recursion<double>>;
    explicit any_integrator(piece i) : i_(std::move(i)) {}
    double time_step() const {
        return std::visit([](const auto &i) { return double(i.time_step()); }, i_);
    }
    bool needs_hessian() const { return std::holds_alternative<levysgd::implicit_euler<double>>(i_); }
    template <class P, class Src, class V, class W>
    void step(const P &p, Src &src, V &x, double t, W &g, W &dn) const {
        std::visit([&](const auto &i) { i.step(p, src, x, t, g, dn); }, i_);
    }

  private:
    piece i_;
};

/// A built-in domain.
class any_domain {
  public:
    using piece = std::variant<levysgd::interval<double>, levysgd::box<double>, levysgd::ball<double>,
                               levysgd::loss_threshold<any_potential>>;
    explicit any_domain(piece d) : d_(std::move(d)) {}
    Eigen::Index dimension() const {
        return std::visit([](const auto &d) { return Eigen::Index(d.dimension()); }, d_);
    }
    template <class V> bool contains(const V &x) const {
        return std::visit([&](const auto &d) { return bool(d.contains(x)); }, d_);
    }
    template <class V> levysgd::exit_info exit(const V &x) const {
        return std::visit([&](const auto &d) { return levysgd::exit_info(d.exit(x)); }, d_);
    }

  private:
    piece d_;
};

static_assert(levysgd::HessianPotential<any_potential>);
static_assert(levysgd::Scheduler<any_scheduler, double>);
static_assert(levysgd::NoiseModel<any_noise::base_noise, levysgd::state_vector<any_potential>>);
static_assert(levysgd::NoiseModel<any_noise, levysgd::state_vector<any_potential>>);
static_assert(levysgd::Integrator<any_integrator, any_potential, any_noise::source>);
static_assert(levysgd::Domain<any_domain, levysgd::state_vector<any_potential>>);
static_assert(!levysgd::takes_simd_path<any_potential, any_noise, any_integrator,
                                        levysgd::detail::final_states_in_result<double, Eigen::Dynamic>>);

} // namespace levysgd_py
