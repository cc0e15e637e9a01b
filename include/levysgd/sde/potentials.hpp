#pragma once
// Built-in potentials (losses) for the literature's escape experiments; each
// satisfies Potential (sde/concepts.hpp), all but Ackley HessianPotential.
//
//   quadratic<Real, Dim>        f = f0 + (x - m)' H (x - m) / 2
//   polynomial_well<Real>       1-D multi-well with given minima and maxima
//                               (double_well(): two minima, one saddle;
//                               Simsekli et al. 2019 Sec. 3 uses such wells)
//   ackley<Real>                2-D Ackley (Battash & Lindenbaum 2023 Fig. 3)
//   styblinski_tang<Real, Dim>  n-D Styblinski-Tang, L(x) = f(sqrt(k) x): the
//                               Hessian scales by k (Xie et al. 2021
//                               Sec. 4, "rescaling factor sqrt(k)")

#include <algorithm>
#include <array>
#include <cmath>
#include <concepts>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include "../core/well.hpp"
#include "../detail/validate.hpp"

namespace levysgd {

/// f(x) = f0 + (x - m)' H (x - m) / 2 with a symmetric H (any signature:
/// a positive-definite H is a minimum, one negative eigenvalue a saddle).
template <class Real = double, int Dim = Eigen::Dynamic> class quadratic {
  public:
    using scalar_type = Real;
    static constexpr int dim = Dim;
    using vector = Eigen::Matrix<Real, Dim, 1>;
    using matrix = Eigen::Matrix<Real, Dim, Dim>;

    quadratic(const matrix &hessian, const vector &minimum, Real f0 = 0)
        : h_(hessian), m_(minimum), f0_(f0) {
        constexpr std::string_view where = "levysgd::quadratic";
        if (h_.rows() != h_.cols())
            detail::throw_invalid(where, "hessian.cols()", h_.cols(),
                                  "must equal hessian.rows() = " + std::to_string(h_.rows()));
        if (m_.size() != h_.rows())
            detail::throw_invalid(where, "minimum.size()", m_.size(),
                                  "must equal hessian.rows() = " + std::to_string(h_.rows()));
        if (h_.rows() == 0)
            detail::throw_invalid(where, "hessian.rows()", 0, "must be >= 1");
        if (!h_.allFinite() || !m_.allFinite() || !std::isfinite(f0))
            detail::throw_invalid(where, "hessian/minimum/f0", "non-finite", "must be finite");
        for (Eigen::Index i = 0; i < h_.rows(); ++i)
            for (Eigen::Index j = 0; j < i; ++j)
                if (std::abs(h_(i, j) - h_(j, i)) >
                    Real(1e-12) * (std::abs(h_(i, j)) + std::abs(h_(j, i))))
                    detail::throw_invalid(
                        where, "hessian(" + std::to_string(i) + ", " + std::to_string(j) + ")",
                        h_(i, j), "must equal hessian(j, i) (symmetric)");
    }

    Eigen::Index dimension() const noexcept { return h_.rows(); }
    template <class V> Real value(const V &x) const {
        const vector d = x - m_;
        return f0_ + Real(0.5) * d.dot(h_ * d);
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        g.noalias() = h_ * (x - m_);
    }
    template <class V, class H> void hessian(const V &, H &h) const { h = h_; }
    /// Gradient of several states at once (B an xsimd batch; fixed Dim only).
    template <class B, std::size_t N>
    requires(Dim != Eigen::Dynamic &&
             N == std::size_t(Dim)) void gradient_batch(const std::array<B, N> &x,
                                                        std::array<B, N> &g) const noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            B acc = B(h_(Eigen::Index(i), 0)) * (x[0] - B(m_[0]));
            for (std::size_t k = 1; k < N; ++k)
                acc =
                    acc + B(h_(Eigen::Index(i), Eigen::Index(k))) * (x[k] - B(m_[Eigen::Index(k)]));
            g[i] = acc;
        }
    }
    const matrix &hessian_matrix() const noexcept { return h_; }
    const vector &minimum() const noexcept { return m_; }

  private:
    matrix h_;
    vector m_;
    Real f0_;
};

/// A 1-D multi-well polynomial: f'(x) = a (x - c_0)(x - c_1) ... (x - c_2m)
/// with the critical points c sorted and alternating minimum, maximum,
/// minimum, ..., minimum (so f -> +inf on both sides). The additive constant
/// makes f = 0 at the mean of the critical points (f(0) = 0 for wells
/// symmetric about 0); only differences of f carry meaning.
template <class Real = double> class polynomial_well {
  public:
    using scalar_type = Real;
    static constexpr int dim = 1;
    using vector = Eigen::Matrix<Real, 1, 1>;

    /// minima m_0 < ... < m_k and maxima M_1 ... M_k with m_{i-1} < M_i < m_i.
    polynomial_well(std::span<const Real> minima, std::span<const Real> maxima, Real a = 1)
        : a_(a) {
        constexpr std::string_view where = "levysgd::polynomial_well";
        if (minima.empty())
            detail::throw_invalid(where, "minima.size()", 0, "must be >= 1");
        if (maxima.size() + 1 != minima.size())
            detail::throw_invalid(where, "maxima.size()", maxima.size(),
                                  "must be minima.size() - 1 = " +
                                      std::to_string(minima.size() - 1));
        if (!(a > Real(0) && std::isfinite(a)))
            detail::throw_invalid(where, "a", a, "must be finite and > 0");
        for (std::size_t i = 0; i < minima.size(); ++i) {
            if (!std::isfinite(minima[i]))
                detail::throw_invalid(where, "minima[" + std::to_string(i) + "]", minima[i],
                                      "must be finite");
            crit_.push_back(minima[i]);
            if (i < maxima.size()) {
                if (!(maxima[i] > minima[i] && maxima[i] < minima[i + 1]))
                    detail::throw_invalid(where, "maxima[" + std::to_string(i) + "]", maxima[i],
                                          "must lie strictly between minima[i] and minima[i+1]");
                crit_.push_back(maxima[i]);
            }
        }
        // f' = a sum_j p_j u^j in u = x - centre (expanded product about the
        // centre of the critical points, which keeps the coefficients and the
        // cancellation small), f = a sum_j p_j u^(j+1)/(j+1).
        Real sum = 0;
        for (Real c : crit_)
            sum += c;
        centre_ = sum / Real(crit_.size());
        std::vector<Real> p{Real(1)};
        for (Real c0 : crit_) {
            const Real c = c0 - centre_;
            std::vector<Real> q(p.size() + 1, Real(0));
            for (std::size_t j = 0; j < p.size(); ++j) {
                q[j + 1] += p[j];
                q[j] -= c * p[j];
            }
            p = std::move(q);
        }
        f_.assign(p.size() + 1, Real(0));
        for (std::size_t j = 0; j < p.size(); ++j)
            f_[j + 1] = a * p[j] / Real(j + 1);
        // Products of the centred critical points (~ span^degree) that
        // overflow would make value() NaN: refuse rather than answer wrong.
        for (std::size_t j = 0; j < f_.size(); ++j)
            if (!std::isfinite(f_[j]))
                detail::throw_invalid(where, "minima/maxima span", crit_.back() - crit_.front(),
                                      "must keep the polynomial's coefficients finite (a = " +
                                          detail::to_text(a) + ")");
    }
    polynomial_well(std::initializer_list<Real> minima, std::initializer_list<Real> maxima,
                    Real a = 1)
        : polynomial_well(std::span<const Real>(minima.begin(), minima.size()),
                          std::span<const Real>(maxima.begin(), maxima.size()), a) {}

    Eigen::Index dimension() const noexcept { return 1; }
    Real value(Real x) const noexcept { return horner(f_, x - centre_); }
    Real derivative(Real x) const noexcept {
        return core::polynomial_well_derivative(x, a_, crit_.data(), crit_.size());
    }
    /// f'' by the product rule, a sum_i prod_{j != i} (x - c_j): no cancellation
    /// from expanded coefficients.
    Real second_derivative(Real x) const noexcept {
        Real sum = 0;
        for (std::size_t i = 0; i < crit_.size(); ++i) {
            Real p = a_;
            for (std::size_t j = 0; j < crit_.size(); ++j)
                if (j != i)
                    p *= x - crit_[j];
            sum += p;
        }
        return sum;
    }
    template <class V>
    requires(!std::is_arithmetic_v<V>) Real value(const V &x)
    const noexcept { return value(Real(x[0])); }
    template <class V, class G> void gradient(const V &x, G &g) const noexcept {
        g[0] = derivative(x[0]);
    }
    template <class V, class H> void hessian(const V &x, H &h) const noexcept {
        h(0, 0) = second_derivative(x[0]);
    }
    /// derivative() of several states at once (B an xsimd batch), same operations.
    template <class B> void gradient_batch(const std::array<B, 1> &x, std::array<B, 1> &g) const {
        g[0] = core::polynomial_well_derivative(x[0], a_, crit_.data(), crit_.size());
    }

    /// The factor a of f'.
    Real a() const noexcept { return a_; }

    /// Sorted critical points: minimum, maximum, minimum, ...
    const std::vector<Real> &critical_points() const noexcept { return crit_; }
    std::vector<Real> minima() const { return every_other(0); }
    std::vector<Real> maxima() const { return every_other(1); }
    /// Barrier height of minimum i towards its left (side -1) or right (+1)
    /// neighbour maximum; +inf where there is none.
    Real barrier(std::size_t i, int side) const {
        constexpr std::string_view where = "levysgd::polynomial_well::barrier";
        if (2 * i >= crit_.size())
            detail::throw_invalid(where, "i", i,
                                  "must be < the number of minima " +
                                      std::to_string((crit_.size() + 1) / 2));
        if (side != -1 && side != 1)
            detail::throw_invalid(where, "side", side, "must be -1 or +1");
        const std::size_t c = 2 * i;
        if (side < 0)
            return c == 0 ? std::numeric_limits<Real>::infinity()
                          : value(crit_[c - 1]) - value(crit_[c]);
        return c + 1 >= crit_.size() ? std::numeric_limits<Real>::infinity()
                                     : value(crit_[c + 1]) - value(crit_[c]);
    }

  private:
    static Real horner(const std::vector<Real> &c, Real x) noexcept {
        Real r = 0;
        for (std::size_t j = c.size(); j-- > 0;)
            r = r * x + c[j];
        return r;
    }
    std::vector<Real> every_other(std::size_t start) const {
        std::vector<Real> r;
        for (std::size_t i = start; i < crit_.size(); i += 2)
            r.push_back(crit_[i]);
        return r;
    }
    Real a_;
    std::vector<Real> crit_;
    std::vector<Real> f_; // coefficients of f in x - centre_
    Real centre_ = 0;
};

/// Double well f'(x) = a (x - left)(x - saddle)(x - right): minima at left
/// and right, a maximum at saddle. Barrier heights
/// a (s - l)^3 (2r - l - s) / 12 (left) and a (r - s)^3 (r + s - 2l) / 12 (right):
/// the wider basin is also the deeper one.
template <class Real = double>
polynomial_well<Real> double_well(Real left, Real saddle, Real right, Real a = 1) {
    return polynomial_well<Real>({left, right}, {saddle}, a);
}

/// 2-D Ackley function with parameters (a, b, c) = (20, 0.2, 2 pi):
/// f = -a exp(-b sqrt((x1^2 + x2^2)/2)) - exp((cos c x1 + cos c x2)/2) + a + e,
/// global minimum f(0) = 0. The first term is a cone at 0, where the gradient
/// is taken as 0 (a subgradient).
template <class Real = double> class ackley {
  public:
    using scalar_type = Real;
    static constexpr int dim = 2;
    using vector = Eigen::Matrix<Real, 2, 1>;

    ackley() = default;
    ackley(Real a, Real b, Real c) : a_(a), b_(b), c_(c) {
        constexpr std::string_view where = "levysgd::ackley";
        if (!(a >= Real(0) && std::isfinite(a)))
            detail::throw_invalid(where, "a", a, "must be finite and >= 0");
        if (!(b > Real(0) && std::isfinite(b)))
            detail::throw_invalid(where, "b", b, "must be finite and > 0");
        if (!(c > Real(0) && std::isfinite(c)))
            detail::throw_invalid(where, "c", c, "must be finite and > 0");
    }
    Eigen::Index dimension() const noexcept { return 2; }
    template <class V> Real value(const V &x) const {
        using std::cos, std::exp, std::sqrt;
        const Real r = sqrt(Real(0.5) * (x[0] * x[0] + x[1] * x[1]));
        return -a_ * exp(-b_ * r) - exp(Real(0.5) * (cos(c_ * x[0]) + cos(c_ * x[1]))) + a_ +
               std::numbers::e_v<Real>;
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        using std::cos, std::exp, std::sin, std::sqrt;
        const Real r = sqrt(Real(0.5) * (x[0] * x[0] + x[1] * x[1]));
        // d/dx_i of -a exp(-b r) = a b exp(-b r) x_i / (2 r)
        const Real cone = r > Real(0) ? a_ * b_ * exp(-b_ * r) / (Real(2) * r) : Real(0);
        const Real sx = sin(c_ * x[0]), cx = cos(c_ * x[0]);
        const Real sy = sin(c_ * x[1]), cy = cos(c_ * x[1]);
        const Real e = exp(Real(0.5) * (cx + cy)) * Real(0.5) * c_;
        g[0] = cone * x[0] + e * sx;
        g[1] = cone * x[1] + e * sy;
    }
    /// gradient() of several states at once (B an xsimd batch).
    template <class B> void gradient_batch(const std::array<B, 2> &x, std::array<B, 2> &g) const {
        const B r = xsimd::sqrt(B(Real(0.5)) * (x[0] * x[0] + x[1] * x[1]));
        const B cone = xsimd::select(
            r > B(Real(0)), B(a_ * b_) * xsimd::exp(B(-b_) * r) / (B(Real(2)) * r), B(Real(0)));
        const auto [sx, cx] = xsimd::sincos(B(c_) * x[0]);
        const auto [sy, cy] = xsimd::sincos(B(c_) * x[1]);
        const B e = xsimd::exp(B(Real(0.5)) * (cx + cy)) * B(Real(0.5) * c_);
        g[0] = cone * x[0] + e * sx;
        g[1] = cone * x[1] + e * sy;
    }

  private:
    Real a_ = 20, b_ = Real(0.2), c_ = 2 * std::numbers::pi_v<Real>;
};

/// Styblinski-Tang L(x) = f(sqrt(k) x), f(u) = sum_i (u_i^4 - 16 u_i^2 + 5 u_i) / 2,
/// in n dimensions: the sharpness factor k multiplies the Hessian, H = k f''
/// (Xie et al. 2021 Sec. 4). Each coordinate has minima at
/// u = -2.9035 (global) and 2.7468 and a maximum at 0.1567 (critical_points()).
template <class Real = double, int Dim = Eigen::Dynamic> class styblinski_tang {
  public:
    using scalar_type = Real;
    static constexpr int dim = Dim;
    using vector = Eigen::Matrix<Real, Dim, 1>;

    /// A lone floating-point argument would silently become the dimension.
    template <std::floating_point F> explicit styblinski_tang(F) = delete;
    explicit styblinski_tang(Eigen::Index n = Dim == Eigen::Dynamic ? 1 : Dim, Real k = 1)
        : n_(n), k_(k), sk_(std::sqrt(k)) {
        constexpr std::string_view where = "levysgd::styblinski_tang";
        if (n < 1 || (Dim != Eigen::Dynamic && n != Dim))
            detail::throw_invalid(where, "n", n,
                                  Dim == Eigen::Dynamic ? "must be >= 1"
                                                        : "must equal the fixed dimension");
        if (!(k > Real(0) && std::isfinite(k)))
            detail::throw_invalid(where, "k", k, "must be finite and > 0");
    }
    Eigen::Index dimension() const noexcept { return n_; }
    Real sharpness() const noexcept { return k_; }
    template <class V> Real value(const V &x) const {
        Real s = 0;
        for (Eigen::Index i = 0; i < n_; ++i) {
            const Real u = sk_ * x[i], u2 = u * u;
            s += u2 * u2 - Real(16) * u2 + Real(5) * u;
        }
        return Real(0.5) * s;
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        for (Eigen::Index i = 0; i < n_; ++i) {
            const Real u = sk_ * x[i];
            g[i] = sk_ * (Real(2) * u * u * u - Real(16) * u + Real(2.5));
        }
    }
    /// gradient() of several states at once (B an xsimd batch; fixed Dim only).
    template <class B, std::size_t N>
    requires(Dim != Eigen::Dynamic &&
             N == std::size_t(Dim)) void gradient_batch(const std::array<B, N> &x,
                                                        std::array<B, N> &g) const noexcept {
        const B sk(sk_);
        for (std::size_t i = 0; i < N; ++i) {
            const B u = sk * x[i];
            g[i] = sk * (B(Real(2)) * u * u * u - B(Real(16)) * u + B(Real(2.5)));
        }
    }
    template <class V, class H> void hessian(const V &x, H &h) const {
        h.setZero(n_, n_);
        for (Eigen::Index i = 0; i < n_; ++i) {
            const Real u = sk_ * x[i];
            h(i, i) = k_ * (Real(6) * u * u - Real(16));
        }
    }
    /// The three critical points of the 1-D f in the unscaled variable u
    /// (roots of 2u^3 - 16u + 2.5): global minimum, maximum, local minimum.
    static std::array<Real, 3> critical_points() noexcept {
        // Depressed cubic u^3 + p u + q, p = -8, q = 1.25: trigonometric roots.
        const double p = -8.0, q = 1.25;
        const double r = 2.0 * std::sqrt(-p / 3.0);
        const double th = std::acos(3.0 * q / (2.0 * p) * std::sqrt(-3.0 / p)) / 3.0;
        const double two_pi_3 = 2.0 * std::numbers::pi / 3.0;
        std::array<double, 3> u{r * std::cos(th), r * std::cos(th - two_pi_3),
                                r * std::cos(th - 2.0 * two_pi_3)};
        std::sort(u.begin(), u.end());
        return {Real(u[0]), Real(u[1]), Real(u[2])};
    }

  private:
    Eigen::Index n_;
    Real k_, sk_;
};

} // namespace levysgd
