#pragma once
// Gaussian-noise escape-time formulas (small-noise asymptotics).
//
// Time convention (Xie et al. 2021 Sec. 2): the dynamics is
//   d theta = -grad L(theta) dt + sqrt(2 D(theta)) dW,
// SGD with learning rate eta runs it with dt = eta, so t = eta x iterations.
// With levysgd's noise models: gaussian_noise(n, sigma) has D = sigma^2 / 2
// (gaussian_noise::from_diffusion(n, D) takes D directly); hessian_noise(P, c)
// has D = c H / 2, so c = eta / B is Xie et al. 2021's D = eta H / (2B).
//
//   kramers_escape_time   Xie et al. 2021 Theorem 3.1 (Eyring-Kramers, isotropic D):
//                         tau = 2 pi sqrt(-det H_b / det H_a) / |H_be| exp(dL / D);
//                         1-D: tau = 2 pi / sqrt(H_a |H_b|) exp(dL / D)
//   sgd_escape_time       Xie et al. 2021 Theorem 3.2 (D = eta H / (2B)):
//                         tau = 2 pi / |H_be| exp[(2 B dL / eta)(s / H_ae + (1 - s) / |H_be|)]
//   total_escape_rate     Xie et al. 2021 Rule 1: parallel escape paths add rates
//   minima_selection      Xie et al. 2021 Proposition 1: P(theta in V_a) = tau_a / sum_v tau_v
//
// tau is the mean time to go from the minimum a to well past the saddle b
// (into the next valley); the first passage to b itself takes tau / 2 in the
// limit. Both formulas are leading order in D / dL: relative corrections are
// O(D / dL) (see first_passage.hpp for the exact 1-D value). H_a, H_b are the
// Hessians at the minimum and the saddle; dL = L(b) - L(a) > 0. Every
// formula is evaluated in logs (log h_a + log |h_b|, never log(h_a |h_b|), so
// curvatures from 1e-308 to 1e308 are fine) and exponentiated once; a time
// beyond the double range is refused with std::invalid_argument naming the
// parameters that make it so, never returned as +inf.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <span>
#include <vector>

#include <Eigen/Core>

#include "detail/safe_math.hpp"
#include "detail/spectrum.hpp"

namespace levysgd {

/// Eyring-Kramers mean escape time in 1-D: tau = 2 pi / sqrt(h_a |h_b|) exp(dL / D)
/// (Xie et al. 2021 Theorem 3.1 with n = 1). Requires h_a > 0, h_b < 0, dL > 0, D > 0.
inline double kramers_escape_time(double h_a, double h_b, double barrier, double D) {
    constexpr const char *where = "levysgd::kramers_escape_time";
    detail::check_positive(where, "h_a (curvature at the minimum)", h_a);
    if (!(h_b < 0 && std::isfinite(h_b)))
        detail::throw_invalid(where, "h_b (curvature at the saddle)", h_b,
                              "must be finite and < 0");
    detail::check_positive(where, "barrier", barrier);
    detail::check_positive(where, "D", D);
    // log h_a + log |h_b|: the product under/overflows for |h| near 1e-300 / 1e300
    return detail::exp_or_refuse(where, "barrier / D (with h_a, h_b)", barrier / D,
                                 "the escape time",
                                 std::log(2 * std::numbers::pi) -
                                     0.5 * (std::log(h_a) + std::log(-h_b)) + barrier / D);
}

/// Eyring-Kramers mean escape time in n dimensions (Xie et al. 2021 Theorem 3.1):
/// tau = 2 pi sqrt(|det H_b| / det H_a) / |H_be| exp(dL / D), H_be the negative
/// eigenvalue of H_b. Computed in logs (no overflow before the final exp).
template <class DA, class DB>
double kramers_escape_time(const Eigen::MatrixBase<DA> &h_a, const Eigen::MatrixBase<DB> &h_b,
                           double barrier, double D) {
    constexpr const char *where = "levysgd::kramers_escape_time";
    const Eigen::VectorXd ea = detail::minimum_spectrum(where, "H_a", h_a);
    const auto sb = detail::saddle_spectrum_of(where, "H_b", h_b);
    if (ea.size() != sb.eigenvalues.size())
        detail::throw_invalid(where, "H_b", sb.eigenvalues.size(),
                              "must have the dimension of H_a; dimension");
    detail::check_positive(where, "barrier", barrier);
    detail::check_positive(where, "D", D);
    const double log_det_ratio =
        sb.eigenvalues.array().abs().log().sum() - ea.array().log().sum(); // log |det Hb| / det Ha
    return detail::exp_or_refuse(where, "barrier / D (with H_a, H_b)", barrier / D, "the escape time",
                                 std::log(2 * std::numbers::pi) + 0.5 * log_det_ratio -
                                     std::log(-sb.eigenvalues(0)) + barrier / D);
}

/// Xie et al. 2021 Theorem 3.2: mean escape time of SGD (Hessian-shaped noise D = eta H / (2B))
/// along an escape direction with curvature h_ae > 0 at the minimum and
/// h_be < 0 at the saddle; s in (0, 1) is the theorem's path-dependent
/// parameter (where the temperature switches from T_a = eta h_ae / (2B) to
/// T_b = eta |h_be| / (2B)). Time in units of t = eta x iterations.
inline double sgd_escape_time(double h_ae, double h_be, double barrier, double eta, double batch,
                              double s) {
    constexpr const char *where = "levysgd::sgd_escape_time";
    detail::check_positive(where, "h_ae (curvature at the minimum along e)", h_ae);
    if (!(h_be < 0 && std::isfinite(h_be)))
        detail::throw_invalid(where, "h_be (curvature at the saddle along e)", h_be,
                              "must be finite and < 0");
    detail::check_positive(where, "barrier", barrier);
    detail::check_positive(where, "eta", eta);
    detail::check_positive(where, "batch", batch);
    if (!(s > 0 && s < 1))
        detail::throw_invalid(where, "s", s, "must be in (0, 1)");
    // exponent e = (2 B dL / eta)(s / h_ae + (1 - s) / |h_be|), formed in logs
    // (2 B dL overflows for B, dL near 1e300; s / h_ae for a subnormal h_ae)
    const double la = std::log(s) - std::log(h_ae), lb = std::log1p(-s) - std::log(-h_be);
    const double lmax = std::max(la, lb);
    const double log_e = std::numbers::ln2 + std::log(batch) + std::log(barrier) - std::log(eta) +
                         lmax + std::log1p(std::exp(std::min(la, lb) - lmax));
    const double bde = batch * (barrier / eta);
    const double direct = 2 * bde * (s / h_ae + (1 - s) / -h_be); // exact to rounding where it fits
    const double e = std::isfinite(direct) && direct >= std::numeric_limits<double>::min()
                         ? direct
                         : detail::exp_or_refuse(where, "batch barrier / eta", bde,
                                                 "the exponent of the escape time", log_e);
    return detail::exp_or_refuse(where, "batch barrier / eta", bde, "the escape time",
                                 std::log(2 * std::numbers::pi) - std::log(-h_be) + e);
}

/// Xie et al. 2021 Theorem 3.2 from the Hessians: H_be is H_b's negative eigenvalue, e its
/// eigenvector, and H_ae = e' H_a e (the minimum's curvature along e; an
/// eigenvalue of H_a when e is one of its eigenvectors, as the theorem assumes).
template <class DA, class DB>
double sgd_escape_time(const Eigen::MatrixBase<DA> &h_a, const Eigen::MatrixBase<DB> &h_b,
                       double barrier, double eta, double batch, double s) {
    constexpr const char *where = "levysgd::sgd_escape_time";
    detail::minimum_spectrum(where, "H_a", h_a);
    const auto sb = detail::saddle_spectrum_of(where, "H_b", h_b);
    if (h_a.rows() != sb.eigenvalues.size())
        detail::throw_invalid(where, "H_b", sb.eigenvalues.size(),
                              "must have the dimension of H_a; dimension");
    const Eigen::VectorXd &e = sb.escape_direction;
    // e' H_a e on H_a / max|H_a| (entries near 1e308 overflow the product)
    const Eigen::MatrixXd ha = h_a.template cast<double>();
    const double sc = ha.cwiseAbs().maxCoeff();
    const double h_ae = e.dot((ha / sc) * e) * sc;
    return sgd_escape_time(h_ae, sb.eigenvalues(0), barrier, eta, batch, s);
}

/// Xie et al. 2021 Rule 1: the escape rates of parallel escape paths add, gamma = sum_p gamma_p.
/// Each rate must be finite and >= 0.
inline double total_escape_rate(std::span<const double> rates) {
    double sum = 0;
    for (std::size_t i = 0; i < rates.size(); ++i) {
        if (!(rates[i] >= 0 && std::isfinite(rates[i])))
            detail::throw_invalid("levysgd::total_escape_rate", "rates[" + std::to_string(i) + "]",
                                  rates[i], "must be finite and >= 0");
        sum += rates[i];
    }
    if (!std::isfinite(sum))
        detail::throw_invalid("levysgd::total_escape_rate", "rates", sum,
                              "must have a sum within the double range; sum");
    return sum;
}

/// Xie et al. 2021 Proposition 1: stationary probability of each valley, tau_a / sum_v tau_v,
/// from the valleys' mean escape times (each > 0; +inf is not allowed).
inline std::vector<double> minima_selection(std::span<const double> escape_times) {
    if (escape_times.empty())
        detail::throw_invalid("levysgd::minima_selection", "escape_times", 0,
                              "must hold at least one valley; size");
    double big = 0;
    for (std::size_t i = 0; i < escape_times.size(); ++i) {
        detail::check_positive("levysgd::minima_selection",
                               "escape_times[" + std::to_string(i) + "]", escape_times[i]);
        big = std::max(big, escape_times[i]);
    }
    // tau_a / max tau <= 1: the sum cannot overflow (times near 1e308), and a
    // tiny ratio underflows only where the probability does
    std::vector<double> p(escape_times.begin(), escape_times.end());
    double sum = 0;
    for (double &v : p)
        sum += (v /= big);
    for (double &v : p)
        v /= sum;
    return p;
}

} // namespace levysgd
