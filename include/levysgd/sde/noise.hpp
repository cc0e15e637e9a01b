#pragma once
// Noise models for the SDEs and recursions of sde/integrators.hpp. Each is a
// NoiseModel (sde/concepts.hpp): make_source(seed) gives a per-thread source;
// source.start(path) selects Philox stream `path` of `seed`, and
// source.increment(x, t, h, dn) writes the noise increment over [t, t + h].
//
// Conventions (time t; s_t the scheduler, Battash & Lindenbaum 2023 eq. 3):
//   gaussian_noise   dN = s_t^(1/2) Sigma^(1/2) dW: increment ~ N(0, s_t Sigma h).
//                    isotropic(n, sigma): Sigma = sigma^2 I;
//                    from_diffusion(n, D): dN = sqrt(2D) dW (Xie et al. 2021
//                    eq. 2, Kramers' convention), Sigma = 2D I.
//   hessian_noise    state-dependent Sigma(x) = c H_+(x) (H_+: the Hessian with
//                    negative eigenvalues set to 0; with hessian_part::absolute
//                    c |H(x)|, eigenvalues replaced by their absolute values,
//                    the temperature T_b = eta |H_b| / (2B) that the proof of
//                    Xie et al. 2021 Thm 3.2 uses at the saddle). As SGD gradient noise
//                    c = 1/B (C = H/B, Xie et al. 2021 Fig. 2); as the SDE of SGD,
//                    c = eta/B, i.e. D = eta H/(2B) (Xie et al. 2021 eq. 4).
//   stable_noise     dN_l = scale_l s_t^((alpha_l-1)/alpha_l) dL^(alpha_l), with L^alpha
//                    the symmetric alpha-stable Levy process whose L_1 ~
//                    S(alpha, 0, 1, 0): increment over h = h^(1/alpha) S, the
//                    law levysgd::stable_distribution samples (alpha = 2:
//                    L = sqrt(2) W). Per-coordinate alpha_l as in Battash & Lindenbaum 2023 eq. 3.
//   mixture_noise    the sum of two independent models.
//
// A source refers to its model: the model must outlive the sources made from
// it (studies create and destroy the sources inside the call).
//
// Random numbers: step k of a path uses innovations k m ... k m + m - 1 of
// the path's stream (m = values per step), so the noise of a path does not
// depend on threads or on how the source buffers it. The source draws them
// with the bulk SIMD samplers in blocks that grow from 16 to 256 steps
// (short paths waste little, long ones run at the sampler's speed).

#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "../detail/validate.hpp"
#include "../random/fill.hpp"
#include "../random/philox.hpp"
#include "../stable/sample.hpp"
#include "concepts.hpp"
#include "noise_source.hpp"
#include "scheduler.hpp"

namespace levysgd {

namespace detail {

/// factor[l] = scale[l] s^((alpha[l]-1)/alpha[l]) h^(1/alpha[l]): the scale
/// of coordinate l's SaS increment over a step h at schedule value s
/// (Battash & Lindenbaum 2023 eq. 3). Shared by sde::stable_noise and
/// optim::stable_noise_sgd (h = eta there).
template <class Real>
void stable_increment_factors(std::span<const Real> alpha, std::span<const Real> scale, Real s,
                              Real h, Real *factor) noexcept {
    for (std::size_t l = 0; l < alpha.size(); ++l) {
        const Real a = alpha[l];
        factor[l] = scale[l] * std::pow(s, (a - Real(1)) / a) * std::pow(h, Real(1) / a);
    }
}

inline void check_dimension(std::string_view where, Eigen::Index n) {
    if (n < 1)
        throw_invalid(where, "dimension", n, "must be >= 1");
}

} // namespace detail

/// Gaussian noise with constant covariance (see the header comment).
template <class Real = double, class Sched = constant_scheduler<Real>>
requires Scheduler<Sched, Real>
class gaussian_noise {
  public:
    using scalar_type = Real;
    using matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;

    /// Sigma = sigma^2 I in n dimensions.
    static gaussian_noise isotropic(Eigen::Index n, Real sigma, Sched s = Sched{}) {
        constexpr std::string_view where = "levysgd::gaussian_noise::isotropic";
        detail::check_dimension(where, n);
        if (!(sigma >= Real(0) && std::isfinite(sigma)))
            detail::throw_invalid(where, "sigma", sigma, "must be finite and >= 0");
        return gaussian_noise(n, sigma, matrix(), std::move(s));
    }
    /// dN = sqrt(2 D) dW (Kramers / Langevin convention), D >= 0.
    static gaussian_noise from_diffusion(Eigen::Index n, Real D, Sched s = Sched{}) {
        if (!(D >= Real(0) && std::isfinite(D)))
            detail::throw_invalid("levysgd::gaussian_noise::from_diffusion", "D", D,
                                  "must be finite and >= 0");
        return isotropic(n, std::sqrt(Real(2) * D), std::move(s));
    }
    /// Increments ~ N(0, s_t Sigma h); Sigma symmetric positive semi-definite.
    static gaussian_noise with_covariance(const matrix &sigma, Sched s = Sched{}) {
        constexpr std::string_view where = "levysgd::gaussian_noise::with_covariance";
        if (sigma.rows() != sigma.cols() || sigma.rows() < 1)
            detail::throw_invalid(where, "covariance.cols()", sigma.cols(),
                                  "must equal covariance.rows() = " + std::to_string(sigma.rows()) +
                                      " and be >= 1");
        if (!sigma.allFinite())
            detail::throw_invalid(where, "covariance", "non-finite entries", "must be finite");
        if (!sigma.isApprox(sigma.transpose(), Real(1e-12)))
            detail::throw_invalid(where, "covariance", "asymmetric matrix", "must be symmetric");
        Eigen::SelfAdjointEigenSolver<matrix> es(sigma);
        // Rounding of the decomposition leaves eigenvalues of an exactly PSD
        // matrix within a few n eps ||Sigma|| of 0; the tolerance is relative
        // to ||Sigma|| (an absolute one accepted -1e-13 I as PSD).
        const Real tol = std::max(Real(1e-12), Real(16) * Real(sigma.rows()) *
                                                   std::numeric_limits<Real>::epsilon()) *
                         es.eigenvalues().cwiseAbs().maxCoeff();
        if (es.eigenvalues().minCoeff() < -tol)
            detail::throw_invalid(where, "covariance smallest eigenvalue",
                                  es.eigenvalues().minCoeff(), "must be >= 0 (PSD)");
        // Symmetric square root: works for singular covariances too.
        const matrix root = es.eigenvectors() *
                            es.eigenvalues().cwiseMax(Real(0)).cwiseSqrt().asDiagonal() *
                            es.eigenvectors().transpose();
        return gaussian_noise(sigma.rows(), Real(0), root, std::move(s));
    }

    Eigen::Index dimension() const noexcept { return n_; }
    const Sched &scheduler() const noexcept { return sched_; }
    /// Sigma^(1/2) (symmetric root; empty for isotropic noise, where it is sigma I).
    const matrix &covariance_root() const noexcept { return root_; }
    Real sigma() const noexcept { return sigma_; }

    class source : public noise_source_base<Real> {
      public:
        source(const gaussian_noise &model, std::uint64_t seed)
            : noise_source_base<Real>(seed, static_cast<std::size_t>(model.n_)), model_(&model) {}
        template <class V, class D> void increment(const V &, Real t, Real h, D &dn) {
            const Real *z = innovations();
            update(t, h);
            constexpr int N = D::RowsAtCompileTime;
            const Eigen::Index n = N > 0 ? Eigen::Index(N) : model_->n_;
            if (model_->root_.size() == 0) {
                for (Eigen::Index i = 0; i < n; ++i)
                    dn[i] = c_ * z[i];
            } else {
                dn.noalias() =
                    f_ * (model_->root_ * Eigen::Map<const Eigen::Matrix<Real, N, 1>>(z, n));
            }
        }
        /// The next step's n standard normals (increment() = factors applied to them).
        const Real *innovations() { return this->next_normals(); }
        /// Refresh the cached factors for time t and step h: root_factor() =
        /// sqrt(s_t h), iso_factor() = sigma sqrt(s_t h).
        void update(Real t, Real h) {
            if (this->rescale(model_->sched_, t, h)) {
                f_ = std::sqrt(this->schedule_value() * h);
                c_ = f_ * model_->sigma_;
            }
        }
        Real root_factor() const noexcept { return f_; }
        Real iso_factor() const noexcept { return c_; }
        /// The SIMD path's increment from the lanes' innovations z (a
        /// constant scheduler only: lanes are at different times). The same
        /// products as increment(): Eigen's fixed-size product sums
        /// root(i, k) z_k with k ascending.
        template <class B, std::size_t N>
        requires detail::is_constant_scheduler<Sched>
        void batch_increment(const std::array<B, N> &z, std::array<B, N> &dn) const noexcept {
            const auto &root = model_->root_;
            if (root.size() == 0) {
                const B c(c_);
                for (std::size_t i = 0; i < N; ++i)
                    dn[i] = c * z[i];
            } else {
                const B f(f_);
                for (std::size_t i = 0; i < N; ++i) {
                    B acc = B(Real(root(Eigen::Index(i), 0))) * z[0];
                    for (std::size_t k = 1; k < N; ++k)
                        acc = acc + B(Real(root(Eigen::Index(i), Eigen::Index(k)))) * z[k];
                    dn[i] = f * acc;
                }
            }
        }

      private:
        const gaussian_noise *model_;
        Real f_ = 0, c_ = 0;
    };
    source make_source(std::uint64_t seed) const { return source(*this, seed); }

  private:
    gaussian_noise(Eigen::Index n, Real sigma, matrix root, Sched s)
        : n_(n), sigma_(sigma), root_(std::move(root)), sched_(std::move(s)) {}
    Eigen::Index n_;
    Real sigma_;
    matrix root_; // empty: isotropic
    Sched sched_;
};

/// Which part of the Hessian's spectrum hessian_noise uses.
enum class hessian_part {
    positive, // H_+: negative eigenvalues set to 0 (a covariance like the Fisher matrix)
    absolute  // |H|: negative eigenvalues replaced by their absolute values
};

/// Gaussian noise with state-dependent covariance c H_+(x) or c |H(x)| (see
/// the header comment); P must provide its Hessian.
template <HessianPotential P, class Sched = constant_scheduler<typename P::scalar_type>>
requires Scheduler<Sched, typename P::scalar_type>
class hessian_noise {
  public:
    using Real = typename P::scalar_type;
    using scalar_type = Real;

    hessian_noise(const P &potential, Real c, Sched s = Sched{})
        : hessian_noise(potential, c, hessian_part::positive, std::move(s)) {}
    hessian_noise(const P &potential, Real c, hessian_part part, Sched s = Sched{})
        : p_(potential), c_(c), part_(part), sched_(std::move(s)) {
        if (!(c > Real(0) && std::isfinite(c)))
            detail::throw_invalid("levysgd::hessian_noise", "c", c, "must be finite and > 0");
        if (part != hessian_part::positive && part != hessian_part::absolute)
            detail::throw_invalid("levysgd::hessian_noise", "part", static_cast<int>(part),
                                  "must be hessian_part::positive or ::absolute");
    }
    hessian_part part() const noexcept { return part_; }
    Eigen::Index dimension() const noexcept { return p_.dimension(); }

    class source : public noise_source_base<Real> {
      public:
        source(const hessian_noise &model, std::uint64_t seed)
            : noise_source_base<Real>(seed, static_cast<std::size_t>(model.dimension())),
              model_(&model) {
            h_.resize(model.dimension(), model.dimension());
        }
        template <class V, class D> void increment(const V &x, Real t, Real h, D &dn) {
            const Real *z = this->next_normals();
            this->rescale(model_->sched_, t, h);
            const Real s = h * model_->c_ * this->schedule_value();
            model_->p_.hessian(x, h_);
            const auto n = model_->dimension();
            const bool absolute = model_->part_ == hessian_part::absolute;
            if (n == 1) {
                const Real h0 = absolute ? std::abs(h_(0, 0)) : std::max(h_(0, 0), Real(0));
                dn[0] = std::sqrt(s * h0) * z[0];
                return;
            }
            if constexpr (P::dim == 2 || P::dim == 3)
                es_.computeDirect(h_); // closed form: no iterations
            else
                es_.compute(h_);
            const auto zv = Eigen::Map<const Eigen::Matrix<Real, P::dim, 1>>(z, n);
            // dn = sqrt(s) Q diag(sqrt(max(lambda, 0) or |lambda|)) Q' z
            const auto lam = absolute ? es_.eigenvalues().cwiseAbs().eval()
                                      : es_.eigenvalues().cwiseMax(Real(0)).eval();
            dn.noalias() =
                es_.eigenvectors() *
                (lam.cwiseSqrt().cwiseProduct(es_.eigenvectors().transpose() * zv) * std::sqrt(s));
        }

      private:
        const hessian_noise *model_;
        hessian_matrix<P> h_;
        Eigen::SelfAdjointEigenSolver<hessian_matrix<P>> es_;
    };
    source make_source(std::uint64_t seed) const { return source(*this, seed); }

  private:
    P p_;
    Real c_;
    hessian_part part_;
    Sched sched_;
};

/// Symmetric alpha-stable noise with a tail index and a scale per coordinate
/// (Battash & Lindenbaum 2023 eq. 3; see the header comment).
template <class Real = double, class Sched = constant_scheduler<Real>>
requires Scheduler<Sched, Real>
class stable_noise {
  public:
    using scalar_type = Real;

    /// The same alpha and scale on all n coordinates.
    stable_noise(Eigen::Index n, Real alpha, Real scale, Sched s = Sched{})
        : stable_noise(
              std::vector<Real>(static_cast<std::size_t>(std::max<Eigen::Index>(n, 0)), alpha),
              std::vector<Real>(static_cast<std::size_t>(std::max<Eigen::Index>(n, 0)), scale),
              std::move(s)) {
        detail::check_dimension("levysgd::stable_noise", n);
    }
    /// alpha[l] and scale[l] for coordinate l.
    stable_noise(std::vector<Real> alpha, std::vector<Real> scale, Sched s = Sched{})
        : alpha_(std::move(alpha)), scale_(std::move(scale)), sched_(std::move(s)) {
        constexpr std::string_view where = "levysgd::stable_noise";
        detail::check_dimension(where, static_cast<Eigen::Index>(alpha_.size()));
        if (scale_.size() != alpha_.size())
            detail::throw_invalid(where, "scale.size()", scale_.size(),
                                  "must equal alpha.size() = " + std::to_string(alpha_.size()));
        for (std::size_t l = 0; l < alpha_.size(); ++l) {
            if (!detail::valid_stable_alpha(alpha_[l]))
                detail::throw_invalid(where, "alpha[" + std::to_string(l) + "]", alpha_[l],
                                      detail::stable_alpha_requirement);
            if (!(scale_[l] >= Real(0) && std::isfinite(scale_[l])))
                detail::throw_invalid(where, "scale[" + std::to_string(l) + "]", scale_[l],
                                      "must be finite and >= 0");
        }
        common_ = std::all_of(alpha_.begin(), alpha_.end(), [&](Real a) { return a == alpha_[0]; });
    }

    Eigen::Index dimension() const noexcept { return static_cast<Eigen::Index>(alpha_.size()); }
    const std::vector<Real> &alpha() const noexcept { return alpha_; }
    const std::vector<Real> &scale() const noexcept { return scale_; }
    const Sched &scheduler() const noexcept { return sched_; }

    class source : public noise_source_base<Real> {
      public:
        source(const stable_noise &model, std::uint64_t seed)
            : noise_source_base<Real>(seed, model.alpha_.size()), model_(&model),
              factor_(model.alpha_.size()) {
            if (!model.common_) {
                // alpha of every buffered value: coordinate j % n.
                const std::size_t n = model.alpha_.size();
                pattern_.resize(this->max_block());
                for (std::size_t j = 0; j < pattern_.size(); ++j)
                    pattern_[j] = model.alpha_[j % n];
            }
        }
        template <class V, class D> void increment(const V &, Real t, Real h, D &dn) {
            const Real *z = innovations();
            update(t, h);
            constexpr int N = D::RowsAtCompileTime;
            const Eigen::Index n =
                N > 0 ? Eigen::Index(N) : static_cast<Eigen::Index>(factor_.size());
            const Real *f = factor_.data();
            for (Eigen::Index i = 0; i < n; ++i)
                dn[i] = f[i] * z[i];
        }
        /// The next step's n standard S(alpha_l, 0, 1) variates.
        const Real *innovations() {
            const stable_noise &m = *model_;
            // The common-alpha test sits in the refill (every 16 to 256
            // steps), not in this per-step call.
            return this->next_values([&](std::span<Real> out, std::uint64_t seed,
                                         std::uint64_t stream, std::uint64_t first) {
                // alpha of buffered value j: coordinate j % n (pattern_; alpha_ if common)
                const std::span<const Real> a =
                    m.common_ ? std::span<const Real>(m.alpha_)
                              : std::span<const Real>(pattern_.data(), out.size());
                detail::sample_standard_sas<Real>(a, m.common_, out, seed, stream, first);
            });
        }
        /// Refresh factors()[l] = scale_l s_t^((alpha_l-1)/alpha_l) h^(1/alpha_l).
        void update(Real t, Real h) {
            const stable_noise &m = *model_;
            if (this->rescale(m.sched_, t, h))
                detail::stable_increment_factors<Real>(m.alpha_, m.scale_, this->schedule_value(),
                                                       h, factor_.data());
        }
        const Real *factors() const noexcept { return factor_.data(); }
        /// The SIMD path's increment: dn_l = factor_l z_l (a constant
        /// scheduler only: lanes are at different times).
        template <class B, std::size_t N>
        requires detail::is_constant_scheduler<Sched>
        void batch_increment(const std::array<B, N> &z, std::array<B, N> &dn) const noexcept {
            for (std::size_t i = 0; i < N; ++i)
                dn[i] = B(factor_[i]) * z[i];
        }

      private:
        const stable_noise *model_;
        std::vector<Real> factor_, pattern_;
    };
    source make_source(std::uint64_t seed) const { return source(*this, seed); }

  private:
    std::vector<Real> alpha_, scale_;
    Sched sched_;
    bool common_ = true;
};

/// The sum of two independent noise models (e.g. Gaussian + alpha-stable).
/// The two draw from seeds derived from the study's (detail::derived_seed(seed,
/// 0) and (seed, 1)), so they are independent for every path, also when
/// mixtures are nested.
template <class N1, class N2> class mixture_noise {
  public:
    using scalar_type = typename N1::scalar_type;
    mixture_noise(N1 first, N2 second) : a_(std::move(first)), b_(std::move(second)) {
        if (a_.dimension() != b_.dimension())
            detail::throw_invalid("levysgd::mixture_noise", "second.dimension()", b_.dimension(),
                                  "must equal first.dimension() = " +
                                      std::to_string(a_.dimension()));
    }
    Eigen::Index dimension() const noexcept { return a_.dimension(); }
    const N1 &first() const noexcept { return a_; }
    const N2 &second() const noexcept { return b_; }

    class source {
      public:
        source(const mixture_noise &m, std::uint64_t seed)
            : a_(m.a_.make_source(detail::derived_seed(seed, 0))),
              b_(m.b_.make_source(detail::derived_seed(seed, 1))), tmp_(m.dimension()) {}
        void start(std::uint64_t path) {
            a_.start(path);
            b_.start(path);
        }
        template <class V, class D>
        void increment(const V &x, scalar_type t, scalar_type h, D &dn) {
            a_.increment(x, t, h, dn);
            b_.increment(x, t, h, tmp_);
            dn += tmp_;
        }

      private:
        decltype(std::declval<const N1 &>().make_source(0)) a_;
        decltype(std::declval<const N2 &>().make_source(0)) b_;
        Eigen::Matrix<scalar_type, Eigen::Dynamic, 1> tmp_;
    };
    source make_source(std::uint64_t seed) const { return source(*this, seed); }

  private:
    N1 a_;
    N2 b_;
};

} // namespace levysgd
