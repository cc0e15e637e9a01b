#pragma once
// Levy-noise escape theory for the noise levysgd samples.
//
// Normalisation. levysgd's symmetric alpha-stable noise eps L has
// L_1 ~ S(alpha, 0, 1) (characteristic function exp(-|t|^alpha); the law of
// stable_distribution and of stable_noise in sde/noise.hpp). Its Levy measure
// is nu(dy) = c_alpha eps^alpha |y|^(-1-alpha) dy with
//   c_alpha = Gamma(1 + alpha) sin(pi alpha / 2) / pi          (Sato, Thm 14.3)
// (c_1 = 1/pi: Cauchy). The papers write the measure as |y|^(-1-alpha) dy
// (Simsekli et al. 2019 eq. 11-13, Battash & Lindenbaum 2023 eq. 12-13):
// their rates are ours divided by c_alpha eps^alpha. Every rate below is in
// the SDE's own time t and includes c_alpha, so it is the rate of the noise
// the library actually samples.
//
//   stable_levy_constant     c_alpha
//   levy_jump_rate           rate of jumps of eps L beyond r on one side
//   levy_metastability       Imkeller-Pavlyukevich (Simsekli et al. 2019 Thms 1-2) for a 1-D
//                            multi-well: q_ij, generator Q, stationary law pi
//                            (Q' pi = 0), jump probabilities q_ij / q_i, mean
//                            exit times 1 / q_i ~ eps^-alpha
//   levy_exit_model          Battash & Lindenbaum 2023's per-coordinate framework: coordinate l has
//                            its own alpha_l and scale eps_l, the scheduler
//                            factor s^((alpha_l - 1)/alpha_l) (Battash & Lindenbaum 2023 eq. 3), and
//                            a basin edge at distances d_l^- < 0 < d_l^+ along
//                            its axis; jump intensity (eq. 12), first-jump
//                            escape probability (eq. 13), mean transition time
//                            (Cor. 4.2, no cooling) and exit-direction
//                            probabilities (Cor. 4.4).
//
// All are small-noise (first-jump) laws: the process sits at the minimum
// between jumps and leaves on the first jump that lands outside the basin.
// They hold to leading order as eps -> 0 (corrections from small jumps and the
// relaxation after a jump vanish like powers of eps).
//
// On Battash & Lindenbaum 2023's printed corollaries: Cor. 4.2 is an upper bound carrying factors
// A_{l,nu} = (1 - m_nu Phi_nu / beta_nu)(1 - beta_l / beta_S) that vanish for a
// single coordinate (beta_l = beta_S), and Cor. 4.4 drops the 1/alpha and
// c_alpha factors of the jump rates it compares. levy_exit_model implements
// the first-jump law these results approximate (Thm. 4.1's derivation with
// gamma = 1): exits through (l, side) arrive as independent Poisson streams
// of rate c_l eps_l^alpha_l s^(alpha_l - 1) |d_l^side|^-alpha_l / alpha_l, so the
// transition time is exponential with the summed rate and the exit direction
// is chosen in proportion to the rates. The tests check it against simulation.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <initializer_list>
#include <limits>
#include <numbers>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>
#include <Eigen/LU>

#include "../detail/validate.hpp"
#include "detail/safe_math.hpp"

namespace levysgd {

namespace detail {
inline void check_levy_alpha(std::string_view where, std::string_view name, double alpha) {
    if (!(valid_stable_alpha(alpha) && alpha < 2))
        throw_invalid(where, name, alpha,
                      "must be in (0, 2) and not subnormal (alpha = 2 has no jumps)");
}

/// log(c_alpha / alpha), c_alpha = Gamma(1 + alpha) sin(pi alpha / 2) / pi.
inline double log_levy_constant_over_alpha(double alpha) noexcept {
    return std::lgamma(alpha) + std::log(std::sin(std::numbers::pi * alpha / 2) / std::numbers::pi);
}

/// log of the one-sided rate c_alpha eps^alpha r^-alpha / alpha, for eps and r
/// anywhere in the double range (eps / r and pow overflow there).
inline double log_levy_rate(double alpha, double log_eps, double log_r) noexcept {
    return log_levy_constant_over_alpha(alpha) + alpha * (log_eps - log_r);
}
} // namespace detail

/// c_alpha = Gamma(1 + alpha) sin(pi alpha / 2) / pi: the Levy density of
/// S(alpha, 0, 1) is c_alpha |y|^(-1-alpha). alpha in (0, 2).
inline double stable_levy_constant(double alpha) {
    detail::check_levy_alpha("levysgd::stable_levy_constant", "alpha", alpha);
    return std::tgamma(1 + alpha) * std::sin(std::numbers::pi * alpha / 2) / std::numbers::pi;
}

/// Rate of jumps of eps L (L_1 ~ S(alpha, 0, 1)) larger than r > 0 on one
/// side: c_alpha eps^alpha r^-alpha / alpha.
inline double levy_jump_rate(double alpha, double eps, double r) {
    constexpr const char *where = "levysgd::levy_jump_rate";
    detail::check_levy_alpha(where, "alpha", alpha);
    detail::check_positive(where, "eps", eps);
    detail::check_positive(where, "r", r);
    const double lg = detail::log_levy_rate(alpha, std::log(eps), std::log(r));
    const double rate =
        detail::exp_or_refuse(where, "eps / r", eps / r, "the jump rate", lg);
    if (!(rate > 0))
        detail::throw_invalid(where, "eps / r", eps / r,
                              "must leave the jump rate above the double range's least value "
                              "(it underflows to 0); log of the rate " +
                                  detail::to_text(lg) + ",");
    return rate;
}

/// Imkeller-Pavlyukevich metastability of dX = -f'(X) dt + eps dL in 1-D
/// (Simsekli et al. 2019 Thms 1-2), for the minima m_1 < ... < m_r
/// separated by the maxima s_1 < ... < s_{r-1} (m_i < s_i < m_{i+1}).
class levy_metastability {
  public:
    levy_metastability(std::span<const double> minima, std::span<const double> maxima, double alpha,
                       double eps)
        : m_(minima.begin(), minima.end()), s_(maxima.begin(), maxima.end()), alpha_(alpha),
          eps_(eps) {
        constexpr const char *where = "levysgd::levy_metastability";
        detail::check_levy_alpha(where, "alpha", alpha);
        detail::check_positive(where, "eps", eps);
        if (m_.size() < 2)
            detail::throw_invalid(where, "minima", m_.size(), "must hold at least 2 minima; size");
        if (s_.size() + 1 != m_.size())
            detail::throw_invalid(where, "maxima", s_.size(),
                                  "must hold one fewer entry than minima; size");
        for (std::size_t i = 0; i < m_.size(); ++i) {
            if (!std::isfinite(m_[i]))
                detail::throw_invalid(where, "minima[" + std::to_string(i) + "]", m_[i],
                                      "must be finite");
            if (i + 1 < m_.size() && !(m_[i] < s_[i] && s_[i] < m_[i + 1]))
                detail::throw_invalid(where, "maxima[" + std::to_string(i) + "]", s_[i],
                                      "must lie strictly between minima[i] and minima[i+1]");
        }
        const auto r = static_cast<Eigen::Index>(m_.size());
        unit_.setZero(r, r);
        // unit measure |y|^(-1-alpha): mass of the jumps from m_i into (s_{j-1}, s_j)
        // is |d(s_{j-1})^-alpha - d(s_j)^-alpha| / alpha, d(+-inf)^-alpha = 0 (Simsekli et al. 2019 eq. 11/13);
        // |s - m| in logs (overflows for points near +-1e308)
        auto tail = [&](std::size_t i, long k) { // |s_k - m_i|^-alpha, k in [0, r]
            if (k <= 0 || k >= r)
                return 0.0;
            return std::exp(-alpha * detail::log_abs_diff(s_[static_cast<std::size_t>(k - 1)], m_[i]));
        };
        for (Eigen::Index i = 0; i < r; ++i)
            for (Eigen::Index j = 0; j < r; ++j)
                if (i != j)
                    unit_(i, j) = std::abs(tail(static_cast<std::size_t>(i), j) -
                                           tail(static_cast<std::size_t>(i), j + 1)) /
                                  alpha;
        for (Eigen::Index i = 0; i < r; ++i) {
            unit_(i, i) = -unit_.row(i).sum();
            // every later result (stationary law, jump probabilities) rests on these
            bool under = false; // a jump rate to another well that rounds to 0
            for (Eigen::Index j = 0; j < r; ++j)
                under = under || (j != i && !(unit_(i, j) > 0));
            if (under)
                detail::throw_invalid(where, "minima[" + std::to_string(i) + "]",
                                      m_[static_cast<std::size_t>(i)],
                                      "must be close enough to the other wells' maxima that every "
                                      "jump rate |s - m|^-alpha / alpha is above 0 in double "
                                      "(one underflows)");
            if (!std::isfinite(unit_(i, i)))
                detail::throw_invalid(where, "minima[" + std::to_string(i) + "]",
                                      m_[static_cast<std::size_t>(i)],
                                      "must be far enough from the neighbouring maxima that the "
                                      "jump rate |s - m|^-alpha / alpha stays within the double "
                                      "range");
        }
        // q = c_alpha eps^alpha unit, the scale in logs (eps^alpha under/overflows);
        // generator() and the rates refuse when q is not representable
        log_scale_ = std::log(stable_levy_constant(alpha)) + alpha * std::log(eps);
        q_ = std::exp(log_scale_) * unit_;
        q_ok_ = q_.allFinite();
        for (Eigen::Index i = 0; i < r && q_ok_; ++i)
            for (Eigen::Index j = 0; j < r; ++j)
                if (unit_(i, j) != 0 && q_(i, j) == 0)
                    q_ok_ = false;
    }

    /// From a 1-D potential's sorted critical points (minimum, maximum, ...,
    /// minimum), e.g. polynomial_well::critical_points().
    template <class W>
    requires requires(const W &w) { w.critical_points(); }
    levy_metastability(const W &well, double alpha, double eps)
        : levy_metastability(split(well.critical_points()), alpha, eps) {}

    /// Generator Q in the SDE's time t (rates of the noise levysgd samples):
    /// q_ij = c_alpha eps^alpha x Simsekli et al. 2019's q_ij, q_ii = -sum_j q_ij.
    /// Throws std::invalid_argument (naming eps) when an entry of Q is beyond
    /// the double range (overflow, or underflow of a nonzero rate to 0).
    const Eigen::MatrixXd &generator() const {
        check_q();
        return q_;
    }
    /// Simsekli et al. 2019's Q (Levy measure |y|^(-1-alpha) dy, time t eps^-alpha).
    const Eigen::MatrixXd &unit_generator() const noexcept { return unit_; }
    /// q_i = -q_ii: total exit rate of well i.
    double exit_rate(std::size_t i) const {
        const Eigen::Index k = idx(i);
        check_q();
        return -q_(k, k);
    }
    /// Mean exit time of well i, 1 / q_i (scales as eps^-alpha); formed in
    /// logs, refused when beyond the double range.
    double mean_exit_time(std::size_t i) const {
        const Eigen::Index k = idx(i);
        return detail::exp_or_refuse("levysgd::levy_metastability", "eps", eps_,
                                     "the mean exit time", -log_scale_ - std::log(-unit_(k, k)));
    }
    /// P(the transition out of well i goes to well j) = q_ij / q_i (i != j),
    /// from the unit generator (the factor c_alpha eps^alpha cancels).
    double transition_probability(std::size_t i, std::size_t j) const {
        const Eigen::Index a = idx(i), b = idx(j);
        if (a == b)
            return 0.0;
        return unit_(a, b) / -unit_(a, a);
    }
    /// Stationary law pi of the reduced chain: Q' pi = 0, sum pi = 1 (Simsekli et al. 2019 Thm 2).
    /// Solver is any Eigen decomposition of a MatrixXd with solve(). The
    /// template defers its instantiation to the TUs that call stationary():
    /// as a plain inline function, FullPivLU cost every TU that includes
    /// levysgd.hpp 0.5 s of its 2.4 s parse.
    template <class Solver = Eigen::FullPivLU<Eigen::MatrixXd>> Eigen::VectorXd stationary() const {
        const Eigen::Index r = q_.rows();
        Eigen::MatrixXd a = unit_.transpose(); // same null space as Q'
        a.row(r - 1).setOnes();                // replace one equation by sum pi = 1
        Eigen::VectorXd rhs = Eigen::VectorXd::Zero(r);
        rhs(r - 1) = 1;
        return Solver(a).solve(rhs);
    }
    std::size_t wells() const noexcept { return m_.size(); }
    double alpha() const noexcept { return alpha_; }
    double eps() const noexcept { return eps_; }

  private:
    using min_max = std::pair<std::vector<double>, std::vector<double>>;
    template <class C> static min_max split(const C &crit) {
        min_max mm;
        std::size_t k = 0;
        for (const auto &c : crit)
            (k++ % 2 == 0 ? mm.first : mm.second).push_back(static_cast<double>(c));
        return mm;
    }
    levy_metastability(const min_max &mm, double alpha, double eps)
        : levy_metastability(mm.first, mm.second, alpha, eps) {}

    void check_q() const {
        if (!q_ok_)
            detail::throw_invalid("levysgd::levy_metastability", "eps", eps_,
                                  "must leave the rates c_alpha eps^alpha q_ij within the double "
                                  "range (use unit_generator()); log(c_alpha eps^alpha) = " +
                                      detail::to_text(log_scale_) + ",");
    }
    Eigen::Index idx(std::size_t i) const {
        if (i >= m_.size())
            detail::throw_invalid("levysgd::levy_metastability", "well index", i,
                                  "must be < the number of minima");
        return static_cast<Eigen::Index>(i);
    }
    std::vector<double> m_, s_;
    double alpha_, eps_;
    double log_scale_ = 0;
    bool q_ok_ = true;
    Eigen::MatrixXd unit_, q_;
};

/// One coordinate of Battash & Lindenbaum 2023's per-parameter model: dN_l = eps s^((alpha-1)/alpha) dL^alpha
/// (Battash & Lindenbaum 2023 eq. 3; eps includes any direction factor 1' lambda_l), basin edges at
/// d_minus < 0 < d_plus from the minimum along the axis.
struct levy_axis {
    double alpha;
    double eps;
    double d_minus;
    double d_plus;
};

/// Battash & Lindenbaum 2023's first-jump exit model over several coordinates (see the header comment).
class levy_exit_model {
  public:
    /// s is the scheduler value s_t (constant: no cooling, Cor. 4.2's gamma -> 1).
    explicit levy_exit_model(std::span<const levy_axis> axes, double s = 1.0)
        : axes_(axes.begin(), axes.end()), s_(s) {
        constexpr const char *where = "levysgd::levy_exit_model";
        if (axes_.empty())
            detail::throw_invalid(where, "axes", 0, "must hold at least one axis; size");
        detail::check_positive(where, "s", s);
        for (std::size_t l = 0; l < axes_.size(); ++l) {
            const std::string p = "axes[" + std::to_string(l) + "].";
            detail::check_levy_alpha(where, p + "alpha", axes_[l].alpha);
            detail::check_positive(where, p + "eps", axes_[l].eps);
            if (!(axes_[l].d_minus < 0 && std::isfinite(axes_[l].d_minus)))
                detail::throw_invalid(where, p + "d_minus", axes_[l].d_minus,
                                      "must be finite and < 0");
            detail::check_positive(where, p + "d_plus", axes_[l].d_plus);
        }
        // Every rate in logs, checked here so that no later call can fail on
        // the parameters: eps_bar = s^((alpha-1)/alpha) eps over/underflows
        // for s far from 1 and alpha small (s = 1e-20, alpha = 0.1: 1e180 eps).
        log_eps_bar_.resize(axes_.size());
        log_rate_.resize(2 * axes_.size());
        double lmax = -std::numeric_limits<double>::infinity();
        for (std::size_t l = 0; l < axes_.size(); ++l) {
            const auto &a = axes_[l];
            const std::string p = "axes[" + std::to_string(l) + "]";
            log_eps_bar_[l] = (a.alpha - 1) / a.alpha * std::log(s) + std::log(a.eps);
            detail::exp_or_refuse(where, "s (with " + p + ")", s, "the effective eps s^((alpha-1)/alpha) eps",
                                  log_eps_bar_[l]);
            if (!(log_eps_bar_[l] >= std::log(std::numeric_limits<double>::min())))
                detail::throw_invalid(where, "s (with " + p + ")", s,
                                      "must leave the effective eps s^((alpha-1)/alpha) eps a "
                                      "normal double (it underflows)");
            for (int side : {1, -1}) {
                const double lr = detail::log_levy_rate(
                    a.alpha, log_eps_bar_[l], std::log(side > 0 ? a.d_plus : -a.d_minus));
                detail::exp_or_refuse(where, p + (side > 0 ? ".d_plus" : ".d_minus"),
                                      side > 0 ? a.d_plus : a.d_minus, "the exit rate", lr);
                log_rate_[2 * l + (side > 0 ? 0 : 1)] = lr;
                lmax = std::max(lmax, lr);
            }
        }
        // total = exp(lmax) sum exp(lr - lmax); refused only where it or its
        // inverse (the mean transition time) is beyond the double range
        double sum = 0;
        for (const double lr : log_rate_)
            sum += std::exp(lr - lmax);
        log_total_ = lmax + std::log(sum);
        detail::exp_or_refuse(where, "axes", double(axes_.size()), "the total exit rate",
                              log_total_);
        detail::exp_or_refuse(where, "axes", double(axes_.size()),
                              "the mean transition time 1 / total exit rate", -log_total_);
        if (!(log_total_ >= std::log(std::numeric_limits<double>::min())))
            detail::throw_invalid(where, "axes", axes_.size(),
                                  "must give a total exit rate that is a normal double (log " +
                                      detail::to_text(log_total_) + "); number of axes");
    }

    /// levy_exit_model({{alpha, eps, d_minus, d_plus}, ...}).
    explicit levy_exit_model(std::initializer_list<levy_axis> axes, double s = 1.0)
        : levy_exit_model(std::span<const levy_axis>(axes.begin(), axes.size()), s) {}

    /// eps_bar_l = s^((alpha_l - 1)/alpha_l) eps_l: the effective noise scale.
    double effective_eps(std::size_t l) const {
        axis(l);
        return std::exp(log_eps_bar_[l]);
    }
    /// Battash & Lindenbaum 2023 eq. 12: intensity of the large jumps, those of eps_bar L beyond
    /// eps_bar^(1 - rho), rho in (0, 1): 2 c_alpha eps_bar^(rho alpha) / alpha.
    double jump_intensity(std::size_t l, double rho) const {
        check_rho(rho);
        const auto &a = axis(l);
        return detail::exp_or_refuse("levysgd::levy_exit_model", "rho", rho, "the jump intensity",
                                     std::numbers::ln2 + detail::log_levy_constant_over_alpha(a.alpha) +
                                         rho * a.alpha * log_eps_bar_[l]);
    }
    /// Battash & Lindenbaum 2023 eq. 13: probability that a large jump of coordinate l (as in
    /// jump_intensity) leaves [d_minus, d_plus]; exact for the symmetric measure
    /// (edges inside the jump threshold count every large jump on that side).
    double first_jump_escape_probability(std::size_t l, double rho) const {
        check_rho(rho);
        const auto &a = axis(l);
        const double log_r = (1 - rho) * log_eps_bar_[l]; // jump threshold, in logs
        const double up = std::exp(-a.alpha * std::max(std::log(a.d_plus) - log_r, 0.0));
        const double down = std::exp(-a.alpha * std::max(std::log(-a.d_minus) - log_r, 0.0));
        return 0.5 * (up + down);
    }
    /// Rate of exits through coordinate l on side +1 (d_plus) or -1 (d_minus):
    /// c_alpha eps_bar^alpha |d|^-alpha / alpha (Battash & Lindenbaum 2023's m_l Phi_l split by side).
    double exit_rate(std::size_t l, int side) const { return std::exp(log_rate(l, side)); }
    /// Total exit rate: sum over coordinates and sides.
    double total_exit_rate() const { return std::exp(log_total_); }
    /// Mean transition time (Cor. 4.2 with no cooling): 1 / total_exit_rate().
    double mean_transition_time() const { return std::exp(-log_total_); }
    /// P(exit through coordinate l, side): exit_rate(l, side) / total.
    double exit_probability(std::size_t l, int side) const {
        return std::exp(log_rate(l, side) - log_total_);
    }
    /// P(exit through coordinate l, either side).
    double axis_probability(std::size_t l) const {
        return std::exp(log_rate(l, 1) - log_total_) + std::exp(log_rate(l, -1) - log_total_);
    }
    /// Cor. 4.4: P(exit via l, +) / P(exit via j, +); refused when beyond the
    /// double range.
    double direction_ratio(std::size_t l, std::size_t j) const {
        const double lg = log_rate(l, 1) - log_rate(j, 1);
        return detail::exp_or_refuse("levysgd::levy_exit_model", "coordinate", double(l),
                                     "the direction ratio", lg);
    }
    /// The scheduler value s it was built with.
    double s() const noexcept { return s_; }
    std::size_t axes() const noexcept { return axes_.size(); }

  private:
    const levy_axis &axis(std::size_t l) const {
        if (l >= axes_.size())
            detail::throw_invalid("levysgd::levy_exit_model", "coordinate", l,
                                  "must be < the number of axes");
        return axes_[l];
    }
    double log_rate(std::size_t l, int side) const {
        if (side != 1 && side != -1)
            detail::throw_invalid("levysgd::levy_exit_model", "side", side, "must be +1 or -1");
        axis(l);
        return log_rate_[2 * l + (side > 0 ? 0 : 1)];
    }
    static void check_rho(double rho) {
        if (!(rho > 0 && rho < 1))
            detail::throw_invalid("levysgd::levy_exit_model", "rho", rho, "must be in (0, 1)");
    }
    std::vector<levy_axis> axes_;
    double s_;
    std::vector<double> log_eps_bar_, log_rate_; // log rate of (l, +1) at 2l, (l, -1) at 2l + 1
    double log_total_ = 0;
};

} // namespace levysgd
