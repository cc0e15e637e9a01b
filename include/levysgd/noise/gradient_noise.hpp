#pragma once
// Stochastic-gradient-noise analysis on Eigen matrices.
//
// G holds minibatch gradients, one minibatch per row and one parameter per
// column; the noise is U = G - 1 grad_L^T (003_612c5dc84b231738.txt, Sec. 4:
// U_k^i = grad f_{Omega_k^i} - grad f). Its tail index can be estimated
//   - per parameter, down each column, across minibatches (the objection of
//     001_d813b85497575571.txt and the per-parameter alpha_i of
//     000_be844f6cfe6384be.txt),
//   - pooled over all entries, rows concatenated as in 003 (Simsekli et al.),
//   - for the noise vectors as a whole, with the multivariate form of the
//     Mohammadi estimator (norms of block sums over norms of rows).
// Also the noise covariance of 000 eq. (2) from per-sample gradients, its row
// sums 1^T lambda_l, and the C ~ H/B comparison of 001 (Fig. 2) in the
// Hessian eigenbasis.

#include <cmath>
#include <cstddef>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "../detail/validate.hpp"
#include "../tail/mohammadi.hpp"

namespace levysgd {

namespace detail {
template <class A, class B>
[[noreturn]] void throw_shapes(std::string_view where, std::string_view what, const A &a,
                               const B &b) {
    std::ostringstream os;
    os << where << ": " << what << " (" << a.rows() << " x " << a.cols() << " and " << b.rows()
       << " x " << b.cols() << ")";
    throw std::invalid_argument(os.str());
}
} // namespace detail

/// U = G - 1 g^T: minibatch gradients (rows) minus the full gradient g
/// (a vector with G.cols() entries). Throws on mismatched shapes.
template <class DG, class DV>
Eigen::Matrix<typename DG::Scalar, Eigen::Dynamic, Eigen::Dynamic>
gradient_noise(const Eigen::MatrixBase<DG> &minibatch_grads,
               const Eigen::MatrixBase<DV> &full_grad) {
    if (full_grad.size() != minibatch_grads.cols() ||
        (full_grad.rows() != 1 && full_grad.cols() != 1))
        detail::throw_shapes(
            "levysgd::gradient_noise",
            "full_grad must be a vector with one entry per column of minibatch_grads",
            minibatch_grads, full_grad);
    using S = typename DG::Scalar;
    Eigen::Matrix<S, Eigen::Dynamic, 1> g = full_grad.template cast<S>().reshaped();
    return minibatch_grads.rowwise() - g.transpose();
}

/// U = G - 1 mean(G)^T when the full gradient is not at hand: the mean of
/// the minibatch gradients stands in for it (exact when the minibatches
/// partition the data set, as in 003_612c5dc84b231738.txt Sec. 4).
template <class DG>
Eigen::Matrix<typename DG::Scalar, Eigen::Dynamic, Eigen::Dynamic>
gradient_noise(const Eigen::MatrixBase<DG> &minibatch_grads) {
    if (minibatch_grads.rows() < 1)
        detail::throw_invalid("levysgd::gradient_noise", "minibatch_grads.rows()",
                              minibatch_grads.rows(), "must be >= 1");
    return minibatch_grads.rowwise() - minibatch_grads.colwise().mean();
}

/// Multivariate Mohammadi estimator on the rows of X (Mohammadi, Mohammadpour
/// & Ogata 2015): 1/alpha = (mean_i log||Y_i|| - mean_j log||X_j||) / log K1,
/// Y_i the sums of K1 consecutive rows. k1 = 0: the divisor rule of
/// tail_index_options. Rows with norm 0 or non-finite entries throw.
template <class D>
tail_index_result mohammadi_tail_index_rows(const Eigen::MatrixBase<D> &x, std::size_t k1 = 0) {
    constexpr std::string_view where = "levysgd::mohammadi_tail_index_rows";
    const auto n = static_cast<std::size_t>(x.rows());
    if (n < 4)
        detail::throw_invalid(where, "x.rows()", n, "must be >= 4 (two blocks of two)");
    if (!x.allFinite())
        detail::throw_invalid(where, "x", "non-finite entries", "must be finite");
    if (k1 == 0)
        k1 = detail::mohammadi_blocks(n).first;
    if (k1 < 2 || k1 > n / 2)
        detail::throw_invalid(where, "k1", k1,
                              "must be in [2, rows/2] with rows = " + std::to_string(n));
    const std::size_t k2 = n / k1;
    double sx = 0, sy = 0;
    Eigen::Matrix<double, 1, Eigen::Dynamic> y(x.cols());
    for (std::size_t b = 0; b < k2; ++b) {
        y.setZero();
        for (std::size_t j = 0; j < k1; ++j) {
            const auto row = x.row(Eigen::Index(b * k1 + j)).template cast<double>();
            const double nr = row.norm();
            if (!(nr > 0))
                detail::throw_invalid(where, "row " + std::to_string(b * k1 + j), "norm 0",
                                      "must have a nonzero norm");
            sx += std::log(nr);
            y += row;
        }
        const double ny = y.norm();
        if (!(ny > 0))
            detail::throw_invalid(where, "block " + std::to_string(b), "sum of norm 0",
                                  "must have a nonzero norm");
        sy += std::log(ny);
    }
    detail::mohammadi_sums s;
    s.sum_log_x = sx;
    s.sum_log_y = sy;
    s.blocks = k2;
    return mohammadi_accumulator<double>::finish(s, k1, n - k1 * k2, 0);
}

/// Tail indices of a noise matrix U (rows = minibatches, columns = parameters).
struct noise_tail_indices {
    Eigen::VectorXd per_parameter;  ///< alpha-hat of each column (across minibatches)
    tail_index_result pooled;       ///< all entries, rows concatenated (Simsekli's way)
    tail_index_result multivariate; ///< mohammadi_tail_index_rows(U)
};

/// Per-parameter, pooled and multivariate alpha-hat of U. Columns need at
/// least 4 rows; bad values follow `policy` (per column and pooled).
template <class D>
noise_tail_indices analyse_noise_tails(const Eigen::MatrixBase<D> &u,
                                       bad_value_policy policy = bad_value_policy::throw_error) {
    using S = typename D::Scalar;
    static_assert(std::is_same_v<S, float> || std::is_same_v<S, double>);
    noise_tail_indices out;
    const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic> cm = u; // column-major copy
    out.per_parameter.resize(cm.cols());
    for (Eigen::Index c = 0; c < cm.cols(); ++c)
        out.per_parameter[c] =
            mohammadi_tail_index(std::span<const S>(cm.col(c).data(), std::size_t(cm.rows())),
                                 tail_index_options{.bad_values = policy})
                .alpha;
    const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = cm;
    out.pooled = mohammadi_tail_index(std::span<const S>(rm.data(), std::size_t(rm.size())),
                                      tail_index_options{.bad_values = policy});
    out.multivariate = mohammadi_tail_index_rows(cm);
    return out;
}

/// Noise covariance of 000_be844f6cfe6384be.txt eq. (2) from per-sample
/// gradients (rows, D of them) and the batch size B:
///     lambda = (1/B) [ (1/D) sum_j g_j g_j^T - g g^T ],   g = (1/D) sum_j g_j.
template <class D>
Eigen::MatrixXd noise_covariance(const Eigen::MatrixBase<D> &per_sample_grads, double batch_size) {
    constexpr std::string_view where = "levysgd::noise_covariance";
    if (per_sample_grads.rows() < 1)
        detail::throw_invalid(where, "per_sample_grads.rows()", per_sample_grads.rows(),
                              "must be >= 1");
    if (!(batch_size >= 1) || !std::isfinite(batch_size))
        detail::throw_invalid(where, "batch_size", batch_size, "must be >= 1");
    const Eigen::MatrixXd g = per_sample_grads.template cast<double>();
    const double d = double(g.rows());
    const Eigen::RowVectorXd mean = g.colwise().mean();
    Eigen::MatrixXd second = (g.transpose() * g) / d;
    return (second - mean.transpose() * mean) / batch_size;
}

/// Row sums 1^T lambda_l of a covariance matrix (000 eq. 3 drives parameter l
/// with this scale).
template <class D> Eigen::VectorXd covariance_row_sums(const Eigen::EigenBase<D> &lambda) {
    const Eigen::MatrixXd l = lambda.derived();
    return l.rowwise().sum();
}

/// How well the noise covariance C matches H/B (001_d813b85497575571.txt,
/// Fig. 2): in the eigenbasis of H, the diagonal of Q^T C Q against the
/// eigenvalues of H divided by B.
struct hessian_comparison {
    double slope = 0;   ///< least-squares slope through the origin of diag(Q^T C Q) on eig(H)/B
    double pearson = 0; ///< Pearson correlation of those pairs (NaN if either side is constant)
    Eigen::VectorXd h_over_b; ///< eig(H)/B, ascending
    Eigen::VectorXd c_diag;   ///< matching diagonal of Q^T C Q
};

/// Any Eigen matrix-like C and H (dense, diagonal, views, expressions). A
/// template, so that the eigen-solver and the matrix products are compiled
/// only where it is called: as a plain inline function they were instantiated
/// in every translation unit including levysgd.hpp (5.5 of its 14.8 s of
/// parsing).
template <class DC, class DH>
hessian_comparison compare_covariance_with_hessian(const Eigen::EigenBase<DC> &c_in,
                                                   const Eigen::EigenBase<DH> &h_in,
                                                   double batch_size) {
    constexpr std::string_view where = "levysgd::compare_covariance_with_hessian";
    const Eigen::MatrixXd c = c_in.derived(), h = h_in.derived();
    if (c.rows() != c.cols() || h.rows() != h.cols() || c.rows() != h.rows())
        detail::throw_shapes(where, "covariance and Hessian must be square and of one size", c, h);
    if (!(batch_size >= 1) || !std::isfinite(batch_size))
        detail::throw_invalid(where, "batch_size", batch_size, "must be >= 1");
    if (c.rows() < 2)
        detail::throw_invalid(where, "dimension", c.rows(), "must be >= 2");
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(h);
    if (es.info() != Eigen::Success)
        throw std::invalid_argument(std::string(where) + ": eigen-decomposition of H failed");
    hessian_comparison r;
    r.h_over_b = es.eigenvalues() / batch_size;
    r.c_diag = (es.eigenvectors().transpose() * c * es.eigenvectors()).diagonal();
    const Eigen::VectorXd &x = r.h_over_b, &y = r.c_diag;
    r.slope = x.dot(y) / x.squaredNorm();
    const double n = double(x.size());
    const double mx = x.sum() / n, my = y.sum() / n;
    const double sxy = (x.array() - mx).matrix().dot((y.array() - my).matrix());
    const double sxx = (x.array() - mx).square().sum(), syy = (y.array() - my).square().sum();
    r.pearson = sxy / std::sqrt(sxx * syy);
    return r;
}

} // namespace levysgd
