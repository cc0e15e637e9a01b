#pragma once
// Validated spectra of the Hessians the escape formulas take: a minimum must
// be positive definite, a saddle (index-1 critical point) must have exactly
// one negative eigenvalue and no zero one. Messages name the function, the
// argument and the offending eigenvalue.

#include <cmath>
#include <string>
#include <string_view>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "../../detail/validate.hpp"

namespace levysgd::detail {

/// Eigen-decomposition of a symmetric, finite, square matrix (throws otherwise).
template <class Derived>
Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>
symmetric_spectrum(std::string_view where, std::string_view name,
                   const Eigen::MatrixBase<Derived> &h) {
    const Eigen::MatrixXd m = h.template cast<double>();
    if (m.rows() != m.cols() || m.rows() == 0)
        throw_invalid(where, name, std::to_string(m.rows()) + "x" + std::to_string(m.cols()),
                      "must be a non-empty square matrix");
    if (!m.allFinite())
        throw_invalid(where, name, "a non-finite entry", "must be finite");
    // symmetry relative to max |H| on H / max |H| (H - H' overflows for entries near 1e308)
    const double scale = m.cwiseAbs().maxCoeff();
    if (scale > 0) {
        const Eigen::MatrixXd u = m / scale;
        const double asym = (u - u.transpose()).cwiseAbs().maxCoeff();
        if (asym > 1e-12)
            throw_invalid(where, name, asym, "must be symmetric; max |H - H'| / max |H|");
    }
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(m);
    if (!es.eigenvalues().allFinite())
        throw_invalid(where, name, "an eigenvalue beyond the double range",
                      "must have eigenvalues within the double range (about 1.8e308)");
    return es;
}

/// Eigenvalues of a minimum's Hessian (ascending), all checked > 0.
template <class Derived>
Eigen::VectorXd minimum_spectrum(std::string_view where, std::string_view name,
                                 const Eigen::MatrixBase<Derived> &h) {
    const auto es = symmetric_spectrum(where, name, h);
    const Eigen::VectorXd ev = es.eigenvalues();
    if (!(ev(0) > 0))
        throw_invalid(where, name, ev(0),
                      "must be positive definite (a minimum); smallest eigenvalue");
    return ev;
}

/// A saddle's eigenvalues (ascending) and the unit eigenvector of its one
/// negative eigenvalue (the escape direction e).
struct saddle_spectrum {
    Eigen::VectorXd eigenvalues;
    Eigen::VectorXd escape_direction;
};

template <class Derived>
saddle_spectrum saddle_spectrum_of(std::string_view where, std::string_view name,
                                   const Eigen::MatrixBase<Derived> &h) {
    const auto es = symmetric_spectrum(where, name, h);
    const Eigen::VectorXd ev = es.eigenvalues();
    if (!(ev(0) < 0))
        throw_invalid(where, name, ev(0),
                      "must have exactly one negative eigenvalue (a saddle); smallest eigenvalue");
    if (ev.size() > 1 && !(ev(1) > 0))
        throw_invalid(where, name, ev(1),
                      "must have exactly one negative eigenvalue and no zero one (a "
                      "non-degenerate saddle); second eigenvalue");
    return {ev, es.eigenvectors().col(0)};
}

} // namespace levysgd::detail
