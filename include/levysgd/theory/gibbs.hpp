#pragma once
// Gibbs equilibrium of SGD with isotropic gradient noise
// (Jastrzębski et al. 2017 Sec. 3.2).
//
// With gradient covariance C = sigma^2 I, learning rate eta and batch size S,
// the Langevin limit (Jastrzębski et al. 2017 eq. 1) has the equilibrium density
// P ~ exp(-2 L / (n sigma^2)), n = eta / S (Jastrzębski et al. 2017 Thm 1): temperature
// D = n sigma^2 / 2 in the convention of kramers.hpp. Laplace's method around
// a minimum A (Hessian H_A, loss L_A) gives its unnormalised weight
//   p_A = det(H_A)^(-1/2) exp(-2 L_A / (n sigma^2))            (Jastrzębski et al. 2017 Thm 2, eq. 3)
// (the factor (2 pi D)^(dim/2) common to all minima of one landscape is dropped,
// so compare minima of equal dimension). Relative error O(D) from the
// quadratic approximation.
//
//   gibbs_log_weight        log p_A (no overflow for deep minima)
//   gibbs_probability_ratio p_A / p_B
//   gibbs_noise_threshold   the noise n at which p_A = p_B (Jastrzębski et al. 2017 eq. 4)
//
// Jastrzębski et al. 2017 eq. 4 as printed, n > (L_A - L_B) / (2 sigma^2 log sqrt(det H_B / det H_A)),
// is off by a factor 4: setting p_A = p_B in eq. 3 gives
//   n* = 2 (L_A - L_B) / (sigma^2 log sqrt(det H_B / det H_A)),
// which is what gibbs_noise_threshold returns (the ratio is exactly 1 there;
// the test checks it).

#include <cmath>
#include <limits>
#include <numbers>
#include <string_view>

#include <Eigen/Core>

#include "detail/safe_math.hpp"
#include "detail/spectrum.hpp"

namespace levysgd {

namespace detail {
/// 2 loss / (n sigma2), n = eta / batch, formed in logs (eta / batch underflows
/// and 2 loss batch overflows for values near 1e-300 / 1e300); refused when
/// beyond the double range.
inline double gibbs_exponent(std::string_view where, std::string_view loss_name, double loss,
                             double eta, double batch, double sigma2) {
    if (loss == 0)
        return 0;
    const double direct = 2 * loss * batch / (eta * sigma2); // exact to rounding where it fits
    if (std::isfinite(direct) && std::fabs(direct) >= std::numeric_limits<double>::min() &&
        eta * sigma2 >= std::numeric_limits<double>::min())
        return direct;
    const double lg = std::numbers::ln2 + std::log(std::fabs(loss)) + std::log(batch) -
                      std::log(eta) - std::log(sigma2);
    return std::copysign(exp_or_refuse(where, loss_name, loss, "2 L batch / (eta sigma2)", lg),
                         loss);
}
} // namespace detail

/// log p_A = -log det(H_A) / 2 - 2 L_A / (n sigma^2), n = eta / batch (Jastrzębski et al. 2017 Thm 2).
template <class DA>
double gibbs_log_weight(const Eigen::MatrixBase<DA> &h_a, double loss_a, double eta, double batch,
                        double sigma2) {
    constexpr const char *where = "levysgd::gibbs_log_weight";
    const Eigen::VectorXd ev = detail::minimum_spectrum(where, "H_A", h_a);
    if (!std::isfinite(loss_a))
        detail::throw_invalid(where, "L_A", loss_a, "must be finite");
    detail::check_positive(where, "eta", eta);
    detail::check_positive(where, "batch", batch);
    detail::check_positive(where, "sigma2", sigma2);
    return -0.5 * ev.array().log().sum() -
           detail::gibbs_exponent(where, "L_A", loss_a, eta, batch, sigma2);
}

/// p_A / p_B (Jastrzębski et al. 2017, the ratio after Thm 2); H_A and H_B of equal dimension.
template <class DA, class DB>
double gibbs_probability_ratio(const Eigen::MatrixBase<DA> &h_a, double loss_a,
                               const Eigen::MatrixBase<DB> &h_b, double loss_b, double eta,
                               double batch, double sigma2) {
    if (h_a.rows() != h_b.rows())
        detail::throw_invalid("levysgd::gibbs_probability_ratio", "H_B", h_b.rows(),
                              "must have the dimension of H_A; dimension");
    const double d = gibbs_log_weight(h_a, loss_a, eta, batch, sigma2) -
                     gibbs_log_weight(h_b, loss_b, eta, batch, sigma2);
    // a ratio below the double range rounds to 0; one above it is refused
    return detail::exp_or_refuse("levysgd::gibbs_probability_ratio", "L_A - L_B", loss_a - loss_b,
                                 "p_A / p_B", d);
}

/// Which noise levels n = eta / S make minimum A at least as probable as B.
struct noise_threshold {
    enum class kind {
        above,  // p_A >= p_B iff n >= n_star (A higher but flatter)
        below,  // p_A >= p_B iff n <= n_star (A lower but sharper)
        always, // for every n > 0
        never   // for no n > 0
    };
    kind when;
    double n_star; // the threshold; 0 for always / never
};

/// The noise n* = 2 (L_A - L_B) / (sigma^2 log sqrt(det H_B / det H_A)) at which
/// p_A = p_B, and on which side of it A is favoured (Jastrzębski et al. 2017 eq. 4, corrected; see
/// the header comment).
template <class DA, class DB>
noise_threshold gibbs_noise_threshold(const Eigen::MatrixBase<DA> &h_a, double loss_a,
                                      const Eigen::MatrixBase<DB> &h_b, double loss_b,
                                      double sigma2) {
    constexpr const char *where = "levysgd::gibbs_noise_threshold";
    const Eigen::VectorXd ea = detail::minimum_spectrum(where, "H_A", h_a);
    const Eigen::VectorXd eb = detail::minimum_spectrum(where, "H_B", h_b);
    if (ea.size() != eb.size())
        detail::throw_invalid(where, "H_B", eb.size(), "must have the dimension of H_A; dimension");
    if (!std::isfinite(loss_a))
        detail::throw_invalid(where, "L_A", loss_a, "must be finite");
    if (!std::isfinite(loss_b))
        detail::throw_invalid(where, "L_B", loss_b, "must be finite");
    detail::check_positive(where, "sigma2", sigma2);
    // p_A >= p_B  <=>  ell >= 2 dL / (n sigma^2), ell = log sqrt(det H_B / det H_A)
    const double ell = 0.5 * (eb.array().log().sum() - ea.array().log().sum());
    using k = noise_threshold::kind;
    const double dl = loss_a == loss_b ? 0.0 : (loss_a > loss_b ? 1.0 : -1.0); // sign of L_A - L_B
    if (dl == 0)
        return {ell >= 0 ? k::always : k::never, 0.0};
    if (ell == 0)
        return {dl < 0 ? k::always : k::never, 0.0};
    // n* = 2 (L_A - L_B) / (sigma2 ell) in logs: L_A - L_B overflows for losses
    // near +-1e308, sigma2 ell under/overflows for extreme sigma2
    auto n_star = [&] {
        const double direct = 2 * (loss_a - loss_b) / (sigma2 * ell);
        if (std::isfinite(direct) && std::fabs(direct) >= std::numeric_limits<double>::min() &&
            std::fabs(sigma2 * ell) >= std::numeric_limits<double>::min())
            return direct;
        const double lg = std::numbers::ln2 + detail::log_abs_diff(loss_a, loss_b) -
                          std::log(sigma2) - std::log(std::fabs(ell));
        return detail::exp_or_refuse(where, "L_A - L_B", loss_a - loss_b, "the threshold n*", lg);
    };
    if (dl > 0)
        return ell > 0 ? noise_threshold{k::above, n_star()} : noise_threshold{k::never, 0.0};
    return ell < 0 ? noise_threshold{k::below, n_star()} : noise_threshold{k::always, 0.0};
}

} // namespace levysgd
