#pragma once
// One-step schemes for dX = -grad f(X) dt + dN_t (N from a noise model,
// sde/noise.hpp) and the discrete SGD recursion. Each is an Integrator
// (sde/concepts.hpp); time_step() is the time one step advances.
//
//   euler          X_{k+1} = X_k - dt grad f(X_k) + (N_{t+dt} - N_t). For
//                  Brownian N this is Euler-Maruyama (weak order 1); for
//                  alpha-stable N the Euler scheme of the Levy-driven SDE
//                  (Simsekli et al. 2019 eq. 9-10), increments scaling as
//                  dt^(1/alpha).
//   tamed_euler    X_{k+1} = X_k - dt grad f / (1 + dt |grad f|) + dN: the
//                  tamed Euler scheme (Hutzenthaler, Jentzen & Kloeden 2012,
//                  Ann. Appl. Probab. 22(4)). Same order as euler where the
//                  drift is moderate, but the drift step is bounded by 1, so a
//                  large Levy jump into a steep (super-linear) wall cannot make
//                  the state explode as plain Euler does once dt |f''| > 2.
//   implicit_euler X_{k+1} = X_k - dt grad f(X_{k+1}) + dN: the drift-implicit
//                  (backward) Euler scheme, solved by Newton's method with the
//                  Hessian (HessianPotential). Where tamed_euler crawls back
//                  from a far jump (its drift step is at most 1 per step: a jump
//                  to 1e4 costs 1e4 steps, which biases exit times when
//                  alpha < 1 makes such jumps common), the implicit step
//                  lands where the true flow would within one step. Needs
//                  I + dt H positive definite near the path (dt < 1 / |most
//                  negative curvature|); a Newton failure makes the state NaN,
//                  which studies flag as non-finite.
//   sgd_recursion  w_{k+1} = w_k - eta (grad f(w_k) + U_k), U_k the noise
//                  model's increment over unit time taken as gradient noise.
//                  With stable_noise(alpha, sigma) this is
//                  Simsekli et al. 2019 eq. 8: w - eta grad f + eta^(1/alpha)
//                  (eta^((alpha-1)/alpha) sigma) S_k. Time t = eta k; its
//                  continuous limit is eq. 9, i.e. euler on
//                  stable_noise(alpha, sgd_limit_scale(eta, sigma, alpha)).

#include <cmath>
#include <limits>
#include <type_traits>
#include <utility>
#include <string_view>

#include <Eigen/Core>
#include <Eigen/LU>

#include "concepts.hpp"

#include "../config.hpp"
#include "../detail/validate.hpp"

// One definition per scheme: the explicit schemes write their update once,
// x <- update(x, g = grad f(x), dn = noise over noise_step()), over a state
// V that is an Eigen vector (scalar path, T = Real) or a std::array of xsimd
// batches (SIMD path, T = a batch: one lane per path). step() composes it
// with the gradient and the noise source; the SIMD path calls update()
// itself (sde/detail/batch_paths.hpp), and the CUDA escape studies call it on
// a std::array state in device code (cuda/study_body.hpp).

namespace levysgd {

namespace detail {
/// Coordinates of an Eigen vector or a std::array of batches.
template <class V> LEVYSGD_HOST_DEVICE constexpr Eigen::Index state_size(const V &v) noexcept {
    if constexpr (is_std_array<V>)
        return Eigen::Index(std::tuple_size_v<V>);
    else
        return v.size();
}
/// The element type: Real for Eigen vectors, the batch for std::array<B, N>.
template <class V> using state_element = std::remove_cvref_t<decltype(std::declval<V &>()[0])>;
/// Sum of squares: Eigen's squaredNorm() (its own order, kept so the scalar
/// path is unchanged) or, for batches, g_0^2 + g_1^2 + ... in order.
template <class V> LEVYSGD_HOST_DEVICE auto squared_norm(const V &g) {
    if constexpr (is_std_array<V>) {
        auto ss = g[0] * g[0];
        for (std::size_t i = 1; i < std::tuple_size_v<V>; ++i)
            ss = ss + g[i] * g[i];
        return ss;
    } else {
        return g.squaredNorm();
    }
}
} // namespace detail

/// The step of an explicit scheme x <- update(x, grad f(x), dN over
/// noise_step()): what euler, tamed_euler and sgd_recursion (and a user's
/// explicit scheme) do in step().
template <class I, class P, class Src, class V, class Real, class W>
LEVYSGD_INLINE void explicit_step(const I &integ, const P &p, Src &src, V &x, Real t, W &g, W &dn) {
    p.gradient(x, g);
    src.increment(x, t, integ.noise_step(), dn);
    integ.update(x, g, dn);
}

/// Euler(-Maruyama) scheme with step dt > 0.
template <class Real = double> struct euler {
    Real dt;
    explicit euler(Real dt_) : dt(dt_) {
        if (!(dt_ > Real(0) && std::isfinite(dt_)))
            detail::throw_invalid("levysgd::euler", "dt", dt_, "must be finite and > 0");
    }
    Real time_step() const noexcept { return dt; }
    Real noise_step() const noexcept { return dt; }
    /// x <- x + (dn - dt g), per coordinate.
    template <class V> LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void update(V &x, const V &g, const V &dn) const {
        using T = detail::state_element<V>;
        const T h(dt);
        for (Eigen::Index i = 0; i < detail::state_size(x); ++i)
            x[i] = x[i] + (dn[i] - h * g[i]);
    }
    template <class P, class Src, class V, class W>
    void step(const P &p, Src &src, V &x, Real t, W &g, W &dn) const {
        explicit_step(*this, p, src, x, t, g, dn);
    }
};

/// Tamed Euler scheme with step dt > 0 (see the header comment).
template <class Real = double> struct tamed_euler {
    Real dt;
    explicit tamed_euler(Real dt_) : dt(dt_) {
        if (!(dt_ > Real(0) && std::isfinite(dt_)))
            detail::throw_invalid("levysgd::tamed_euler", "dt", dt_, "must be finite and > 0");
    }
    Real time_step() const noexcept { return dt; }
    Real noise_step() const noexcept { return dt; }
    /// x <- x + (dn - c g), c = dt / (1 + dt |g|).
    template <class V> LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void update(V &x, const V &g, const V &dn) const {
        using T = detail::state_element<V>;
        using std::sqrt;
        using xsimd::sqrt;
        const T h(dt);
        const T c = h / (T(Real(1)) + h * sqrt(detail::squared_norm(g)));
        for (Eigen::Index i = 0; i < detail::state_size(x); ++i)
            x[i] = x[i] + (dn[i] - c * g[i]);
    }
    template <class P, class Src, class V, class W>
    void step(const P &p, Src &src, V &x, Real t, W &g, W &dn) const {
        explicit_step(*this, p, src, x, t, g, dn);
    }
};

/// Drift-implicit Euler scheme with step dt > 0 (see the header comment).
template <class Real = double> struct implicit_euler {
    Real dt;
    int max_newton = 60;
    explicit implicit_euler(Real dt_) : dt(dt_) {
        if (!(dt_ > Real(0) && std::isfinite(dt_)))
            detail::throw_invalid("levysgd::implicit_euler", "dt", dt_, "must be finite and > 0");
    }
    Real time_step() const noexcept { return dt; }
    template <HessianPotential P, class Src, class V, class W>
    void step(const P &p, Src &src, V &x, Real t, W &g, W &dn) const {
        src.increment(x, t, dt, dn);
        dn += x; // the explicit part: y solves y + dt grad f(y) = x + dN
        x = dn;  // Newton from y0 = x + dN (the jump's landing point)
        const Real tol = Real(64) * std::numeric_limits<Real>::epsilon();
        hessian_matrix<P> h;
        for (int it = 0; it < max_newton; ++it) {
            p.gradient(x, g);
            g = x + dt * g - dn; // residual F(y)
            p.hessian(x, h);
            h *= dt;
            h.diagonal().array() += Real(1);
            if constexpr (P::dim == 1) {
                if (!(h(0, 0) > Real(0))) // I + dt f'' <= 0: no unique root
                    break;
                g[0] /= h(0, 0);
            } else {
                g = h.partialPivLu().solve(g).eval();
            }
            x -= g;
            if (!(g.norm() <= tol * (Real(1) + x.norm()))) {
                if (!x.allFinite())
                    break;
                continue;
            }
            return;
        }
        x.setConstant(std::numeric_limits<Real>::quiet_NaN());
    }
};

/// Euler-Maruyama is euler with Brownian noise.
template <class Real = double> using euler_maruyama = euler<Real>;

/// The SGD recursion with learning rate eta > 0 (see the header comment).
template <class Real = double> struct sgd_recursion {
    Real eta;
    explicit sgd_recursion(Real eta_) : eta(eta_) {
        if (!(eta_ > Real(0) && std::isfinite(eta_)))
            detail::throw_invalid("levysgd::sgd_recursion", "eta", eta_, "must be finite and > 0");
    }
    Real time_step() const noexcept { return eta; }
    /// The gradient noise U_k is the model's increment over unit time.
    Real noise_step() const noexcept { return Real(1); }
    /// w <- w - eta (g + u), per coordinate.
    template <class V> LEVYSGD_HOST_DEVICE LEVYSGD_INLINE void update(V &x, const V &g, const V &u) const {
        using T = detail::state_element<V>;
        const T e(eta);
        for (Eigen::Index i = 0; i < detail::state_size(x); ++i)
            x[i] = x[i] - e * (g[i] + u[i]);
    }
    template <class P, class Src, class V, class W>
    void step(const P &p, Src &src, V &x, Real t, W &g, W &u) const {
        explicit_step(*this, p, src, x, t, g, u);
    }
};

/// Noise scale of the SDE that is the continuous-time limit of the SGD
/// recursion with SaS gradient noise of scale sigma: eta^((alpha-1)/alpha) sigma
/// (Simsekli et al. 2019 eq. 9). For alpha = 2 (Gaussian gradient noise of
/// covariance C = 2 sigma^2 I) this is sqrt(eta) sigma.
template <class Real> Real sgd_limit_scale(Real eta, Real sigma, Real alpha) {
    constexpr std::string_view where = "levysgd::sgd_limit_scale";
    if (!(eta > Real(0) && std::isfinite(eta)))
        detail::throw_invalid(where, "eta", eta, "must be finite and > 0");
    if (!(sigma >= Real(0) && std::isfinite(sigma)))
        detail::throw_invalid(where, "sigma", sigma, "must be finite and >= 0");
    if (!detail::valid_stable_alpha(alpha))
        detail::throw_invalid(where, "alpha", alpha, detail::stable_alpha_requirement);
    return std::pow(eta, (alpha - Real(1)) / alpha) * sigma;
}

} // namespace levysgd
