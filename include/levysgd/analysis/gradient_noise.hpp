#pragma once
// Stochastic-gradient-noise analysis on Eigen matrices (analysis/; before
// issue 17 this header was noise/gradient_noise.hpp, a name that clashed
// with the SDE noise models of sde/noise.hpp).
//
// G holds minibatch gradients, one minibatch per row and one parameter per
// column; the noise is U = G - 1 grad_L^T (Simsekli et al. 2019, Sec. 4:
// U_k^i = grad f_{Omega_k^i} - grad f). Its tail index can be estimated
//   - per parameter, down each column, across minibatches (the objection of
//     Xie et al. 2021 and the per-parameter alpha_i of
//     Battash & Lindenbaum 2023),
//   - pooled over all entries, rows concatenated as in Simsekli et al. 2019 (Simsekli et al.),
//   - for the noise vectors as a whole, with the multivariate form of the
//     Mohammadi estimator (norms of block sums over norms of rows).
// Also the noise covariance of Battash & Lindenbaum 2023 eq. (2) from per-sample gradients, its row
// sums 1^T lambda_l, and the C ~ H/B comparison of Xie et al. 2021 (Fig. 2) in the
// Hessian eigenbasis.

#include <cmath>
#include <cstddef>
#include <limits>
#include <numbers>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
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

/// Throws unless m has at least one row and one column, naming the empty one.
template <class M>
void check_nonempty(std::string_view where, std::string_view param, const Eigen::MatrixBase<M> &m) {
    if (m.rows() < 1)
        throw_invalid(where, std::string(param) + ".rows()", m.rows(), "must be >= 1");
    if (m.cols() < 1)
        throw_invalid(where, std::string(param) + ".cols()", m.cols(), "must be >= 1");
}

/// Throws unless every entry of m is finite, naming the first bad one.
template <class M>
void check_finite(std::string_view where, std::string_view param, const Eigen::MatrixBase<M> &m) {
    if (m.allFinite())
        return;
    for (Eigen::Index c = 0; c < m.cols(); ++c)
        for (Eigen::Index r = 0; r < m.rows(); ++r)
            if (!std::isfinite(double(m(r, c))))
                throw_invalid(where, param,
                              "entry (" + std::to_string(r) + ", " + std::to_string(c) +
                                  ") = " + to_text(m(r, c)),
                              "must be finite");
}

/// m 2^k, exact unless an entry leaves the normal range (two factors, as
/// 2^k alone need not be a double: 2^1074 is not).
template <class M> void scale_by_pow2(M &m, int k) {
    m *= std::ldexp(1.0, k / 2);
    m *= std::ldexp(1.0, k - k / 2);
}

/// Binary exponent of max|m| (m = 0: 0): m 2^-e has max|entry| in [1, 2).
/// Dividing by it is exact, and what it rounds off is below 2^-1074 of the
/// largest entry, so norms and sums of the scaled values neither overflow
/// nor underflow: results stay invariant under m -> c m from 1e-300 to 1e300.
template <class M> int max_exponent(const M &m) {
    const double a = m.size() == 0 ? 0.0 : double(m.cwiseAbs().maxCoeff());
    return a > 0 ? std::ilogb(a) : 0;
}

/// log ||v|| by a scaled sum of squares; NaN for v = 0. Overwrites v.
inline double log_norm(Eigen::Matrix<double, 1, Eigen::Dynamic> &v) {
    const double a = v.cwiseAbs().maxCoeff();
    if (!(a > 0))
        return std::numeric_limits<double>::quiet_NaN();
    const int e = std::ilogb(a);
    scale_by_pow2(v, -e);
    return e * std::numbers::ln2 + 0.5 * std::log(v.squaredNorm());
}

/// Whether row r of x can enter the multivariate estimator; throws under throw_error.
template <class D>
bool usable_row(std::string_view where, const Eigen::MatrixBase<D> &x, Eigen::Index r,
                bad_value_policy policy) {
    const bool finite = x.row(r).allFinite();
    if (finite && (x.row(r).array() != 0).any())
        return true;
    if (policy == bad_value_policy::skip)
        return false;
    if (!finite)
        for (Eigen::Index c = 0; c < x.cols(); ++c)
            if (!std::isfinite(double(x(r, c))))
                throw_invalid(where, "x",
                              "entry (" + std::to_string(r) + ", " + std::to_string(c) +
                                  ") = " + to_text(x(r, c)),
                              "must be finite (bad_value_policy::skip leaves such rows out)");
    throw_invalid(where, "x", "row " + std::to_string(r) + " = 0",
                  "must have no zero row (log||x|| undefined; bad_value_policy::skip leaves "
                  "such rows out)");
}

} // namespace detail

/// U = G - 1 g^T: minibatch gradients (rows) minus the full gradient g
/// (a vector with G.cols() entries), in G's scalar type. Throws on
/// mismatched or empty shapes, non-finite entries, g beyond G's scalar type,
/// or a difference that overflows it.
template <class DG, class DV>
Eigen::Matrix<typename DG::Scalar, Eigen::Dynamic, Eigen::Dynamic>
gradient_noise(const Eigen::MatrixBase<DG> &minibatch_grads,
               const Eigen::MatrixBase<DV> &full_grad) {
    constexpr std::string_view where = "levysgd::gradient_noise";
    using S = typename DG::Scalar;
    static_assert(std::is_floating_point_v<S>);
    if (full_grad.size() != minibatch_grads.cols() ||
        (full_grad.rows() != 1 && full_grad.cols() != 1))
        detail::throw_shapes(
            where, "full_grad must be a vector with one entry per column of minibatch_grads",
            minibatch_grads, full_grad);
    if (minibatch_grads.rows() < 1 || minibatch_grads.cols() < 1)
        detail::throw_shapes(where, "minibatch_grads must have at least one row and one column",
                             minibatch_grads, full_grad);
    detail::check_finite(where, "minibatch_grads", minibatch_grads);
    detail::check_finite(where, "full_grad", full_grad);
    for (Eigen::Index i = 0; i < full_grad.size(); ++i)
        if (!(std::fabs(double(full_grad.reshaped()(i))) <= double(std::numeric_limits<S>::max())))
            detail::throw_invalid(where, "full_grad",
                                  "entry " + std::to_string(i) + " = " +
                                      detail::to_text(full_grad.reshaped()(i)),
                                  "must lie in the range of minibatch_grads' scalar type");
    Eigen::Matrix<S, Eigen::Dynamic, 1> g = full_grad.template cast<S>().reshaped();
    Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic> u = minibatch_grads.rowwise() - g.transpose();
    detail::check_finite(where, "minibatch_grads - full_grad (overflow)", u);
    return u;
}

/// U = G - 1 mean(G)^T when the full gradient is not at hand: the mean of
/// the minibatch gradients stands in for it (exact when the minibatches
/// partition the data set, as in Simsekli et al. 2019 Sec. 4). The mean
/// is taken in double and cannot overflow. Throws on an empty or non-finite
/// G, or a difference that overflows G's scalar type.
template <class DG>
Eigen::Matrix<typename DG::Scalar, Eigen::Dynamic, Eigen::Dynamic>
gradient_noise(const Eigen::MatrixBase<DG> &minibatch_grads) {
    constexpr std::string_view where = "levysgd::gradient_noise";
    using S = typename DG::Scalar;
    static_assert(std::is_floating_point_v<S>);
    detail::check_nonempty(where, "minibatch_grads", minibatch_grads);
    detail::check_finite(where, "minibatch_grads", minibatch_grads);
    const Eigen::MatrixXd gd = minibatch_grads.template cast<double>();
    Eigen::RowVectorXd mean = gd.colwise().mean();
    if (!mean.allFinite()) // a column sum overflowed: sum x / n instead
        mean = (gd / double(gd.rows())).colwise().sum();
    Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic> u =
        minibatch_grads.rowwise() - mean.template cast<S>();
    detail::check_finite(where, "minibatch_grads - mean (overflow)", u);
    return u;
}

/// Multivariate Mohammadi estimator on the rows of X (Mohammadi, Mohammadpour
/// & Ogata 2015): 1/alpha = (mean_i log||Y_i|| - mean_j log||X_j||) / log K1,
/// Y_i the sums of K1 consecutive rows. k1 = 0: the divisor rule of
/// tail_index_options; opt.threads is not used. Bad rows (a non-finite entry
/// or all entries 0) and blocks summing to the zero vector follow
/// opt.bad_values; under skip, n_bad and n_dropped count rows. Norms and
/// block sums are taken on rows scaled by powers of two, so the estimate is
/// invariant under X -> c X for any c that keeps X finite and nonzero.
template <class D>
tail_index_result mohammadi_tail_index_rows(const Eigen::MatrixBase<D> &x, tail_index_options opt) {
    constexpr std::string_view where = "levysgd::mohammadi_tail_index_rows";
    static_assert(std::is_floating_point_v<typename D::Scalar>);
    detail::check_policy(where, opt.bad_values);
    if (x.cols() < 1)
        detail::throw_invalid(where, "x.cols()", x.cols(), "must be >= 1");
    std::vector<Eigen::Index> good;
    good.reserve(std::size_t(x.rows()));
    for (Eigen::Index r = 0; r < x.rows(); ++r)
        if (detail::usable_row(where, x, r, opt.bad_values))
            good.push_back(r);
    const std::size_t n = good.size();
    if (n < 4)
        detail::throw_invalid(where, "number of usable rows", n,
                              "must be >= 4 (two blocks of two)");
    const std::size_t k1 = detail::checked_k1(where, opt.k1, n, "rows");
    const std::size_t k2 = n / k1;
    std::size_t n_bad = std::size_t(x.rows()) - n;
    detail::mohammadi_sums s;
    Eigen::Matrix<double, 1, Eigen::Dynamic> t(x.cols()), y(x.cols());
    for (std::size_t b = 0; b < k2; ++b) {
        // log||X_j|| each on its own scale; the block sum on the block's largest
        int block_e = std::numeric_limits<int>::min();
        double sx = 0;
        for (std::size_t j = 0; j < k1; ++j) {
            t = x.row(good[b * k1 + j]).template cast<double>();
            block_e = std::max(block_e, detail::max_exponent(t));
            sx += detail::log_norm(t);
        }
        y.setZero();
        for (std::size_t j = 0; j < k1; ++j) {
            t = x.row(good[b * k1 + j]).template cast<double>();
            detail::scale_by_pow2(t, -block_e);
            y += t;
        }
        const double ly = detail::log_norm(y);
        if (std::isnan(ly)) {
            if (opt.bad_values == bad_value_policy::throw_error)
                detail::throw_invalid(where, "x",
                                      "rows " + std::to_string(good[b * k1]) + " to " +
                                          std::to_string(good[b * k1 + k1 - 1]),
                                      "must have no block of rows summing to 0 (log||Y|| "
                                      "undefined; bad_value_policy::skip drops such blocks)");
            n_bad += k1;
            continue;
        }
        s.sum_log_x += sx;
        s.sum_log_y += ly + block_e * std::numbers::ln2;
        ++s.blocks;
    }
    return detail::mohammadi_finish(where, s, k1, n - k1 * k2, n_bad);
}

/// mohammadi_tail_index_rows(x, {.k1 = k1}).
template <class D>
tail_index_result mohammadi_tail_index_rows(const Eigen::MatrixBase<D> &x, std::size_t k1 = 0) {
    return mohammadi_tail_index_rows(x, tail_index_options{.k1 = k1});
}

/// Eq. (15) down each column of u (rows = minibatches, columns =
/// parameters): one tail_index_result per column, column c's equal to
/// mohammadi_tail_index(u.col(c), opt) to rounding and bitwise the same for
/// every opt.threads (detail::mohammadi_columns: one pass over the rows,
/// columns side by side on the SIMD lanes). A row-major u whose entries in a
/// row are contiguous (RowMajor matrices, their Maps and row blocks; NumPy's
/// C order) is read in place; any other u is copied to a row-major matrix
/// first. Bad values follow opt.bad_values exactly as in
/// mohammadi_tail_index; errors name the column. The CUDA version
/// (cuda/tail.hpp) takes a column-major device matrix.
template <class D>
std::vector<tail_index_result> mohammadi_tail_index_columns(const Eigen::MatrixBase<D> &u,
                                                            tail_index_options opt = {}) {
    constexpr std::string_view where = "levysgd::mohammadi_tail_index_columns";
    using S = typename D::Scalar;
    static_assert(std::is_same_v<S, float> || std::is_same_v<S, double>);
    const auto rows = std::size_t(u.rows()), cols = std::size_t(u.cols());
    if constexpr (bool(D::Flags & Eigen::RowMajorBit) && bool(D::Flags & Eigen::DirectAccessBit))
        if (u.innerStride() == 1)
            return detail::mohammadi_columns(where, u.derived().data(), rows, cols,
                                             std::size_t(u.outerStride()), opt);
    const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = u;
    return detail::mohammadi_columns(where, rm.data(), rows, cols, cols, opt);
}

/// Tail indices of a noise matrix U (rows = minibatches, columns = parameters).
struct noise_tail_indices {
    Eigen::VectorXd per_parameter;  ///< alpha-hat of each column (across minibatches)
    tail_index_result pooled;       ///< all entries, rows concatenated (Simsekli's way)
    tail_index_result multivariate; ///< mohammadi_tail_index_rows(U)
};

/// Per-parameter, pooled and multivariate alpha-hat of U (at least 4 rows
/// and 1 column). Bad values follow `policy` in all three: under
/// throw_error any 0, NaN or inf entry throws (the scalar estimators need
/// log|u|); under skip each part leaves out what it cannot use (entries for
/// the per-parameter and pooled parts, rows with a non-finite entry or all
/// zero for the multivariate part). Errors name analyse_noise_tails and the part.
template <class D>
noise_tail_indices analyse_noise_tails(const Eigen::MatrixBase<D> &u,
                                       bad_value_policy policy = bad_value_policy::throw_error) {
    constexpr std::string_view where = "levysgd::analyse_noise_tails";
    using S = typename D::Scalar;
    static_assert(std::is_same_v<S, float> || std::is_same_v<S, double>);
    detail::check_policy(where, policy);
    if (u.rows() < 4)
        detail::throw_invalid(where, "u.rows()", u.rows(), "must be >= 4 (two blocks of two)");
    if (u.cols() < 1)
        detail::throw_invalid(where, "u.cols()", u.cols(), "must be >= 1");
    if (policy == bad_value_policy::throw_error)
        for (Eigen::Index c = 0; c < u.cols(); ++c)
            for (Eigen::Index r = 0; r < u.rows(); ++r)
                if (!detail::usable_for_log(double(u(r, c))))
                    detail::throw_invalid(
                        where, "u",
                        "entry (" + std::to_string(r) + ", " + std::to_string(c) +
                            ") = " + detail::to_text(u(r, c)),
                        "must contain no 0, NaN or infinite entries (log|u| undefined; "
                        "bad_value_policy::skip leaves them out)");
    const tail_index_options opt{.bad_values = policy};
    noise_tail_indices out;
    const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rm = u;
    const std::span<const S> all(rm.data(), std::size_t(rm.size()));
    out.per_parameter.resize(rm.cols());
    const auto per = detail::mohammadi_columns(where, rm.data(), std::size_t(rm.rows()),
                                               std::size_t(rm.cols()), std::size_t(rm.cols()), opt);
    for (Eigen::Index c = 0; c < rm.cols(); ++c)
        out.per_parameter[c] = per[std::size_t(c)].alpha;
    out.pooled = detail::in_context(where, "pooled entries",
                                    [&] { return mohammadi_tail_index(all, opt); });
    out.multivariate = detail::in_context(where, "rows (multivariate)",
                                          [&] { return mohammadi_tail_index_rows(rm, opt); });
    return out;
}

/// Noise covariance of Battash & Lindenbaum 2023 eq. (2) from per-sample
/// gradients (rows, D of them) and the batch size B:
///     lambda = (1/B) [ (1/D) sum_j g_j g_j^T - g g^T ],   g = (1/D) sum_j g_j,
/// computed as (1/(B D)) sum_j (g_j - g)(g_j - g)^T (no cancellation) on the
/// gradients scaled by a power of two (no overflow or underflow on the way).
/// Throws on an empty or non-finite input, B < 1, or a covariance beyond
/// the double range.
template <class D>
Eigen::MatrixXd noise_covariance(const Eigen::MatrixBase<D> &per_sample_grads, double batch_size) {
    constexpr std::string_view where = "levysgd::noise_covariance";
    detail::check_nonempty(where, "per_sample_grads", per_sample_grads);
    detail::check_finite(where, "per_sample_grads", per_sample_grads);
    if (!(batch_size >= 1) || !std::isfinite(batch_size))
        detail::throw_invalid(where, "batch_size", batch_size, "must be finite and >= 1");
    Eigen::MatrixXd g = per_sample_grads.template cast<double>();
    const int e = detail::max_exponent(g);
    detail::scale_by_pow2(g, -e);
    const Eigen::RowVectorXd mean = g.colwise().mean();
    g.rowwise() -= mean;
    Eigen::MatrixXd cov = (g.transpose() * g) / (double(g.rows()) * batch_size);
    detail::scale_by_pow2(cov, 2 * e);
    if (!cov.allFinite())
        detail::throw_invalid(where, "per_sample_grads", "largest |entry| 2^" + std::to_string(e),
                              "must give a covariance within the double range");
    return cov;
}

/// Row sums 1^T lambda_l of a square covariance matrix (Battash & Lindenbaum 2023 eq. 3 drives
/// parameter l with this scale). Throws for a non-square or non-finite
/// lambda, or row sums beyond the double range; 0 x 0 gives an empty vector.
template <class D> Eigen::VectorXd covariance_row_sums(const Eigen::EigenBase<D> &lambda) {
    constexpr std::string_view where = "levysgd::covariance_row_sums";
    const Eigen::MatrixXd l = lambda.derived();
    if (l.rows() != l.cols())
        detail::throw_shapes(where, "lambda must be square", l, l);
    detail::check_finite(where, "lambda", l);
    Eigen::VectorXd r = l.rowwise().sum();
    detail::check_finite(where, "row sums of lambda (overflow)", r);
    return r;
}

/// How well the noise covariance C matches H/B (Xie et al. 2021,
/// Fig. 2): in the eigenbasis of H, the diagonal of Q^T C Q against the
/// eigenvalues of H divided by B.
struct hessian_comparison {
    double slope = 0;   ///< least-squares slope through the origin of diag(Q^T C Q) on eig(H)/B
    double pearson = 0; ///< Pearson correlation of those pairs (NaN if either side is constant)
    Eigen::VectorXd h_over_b; ///< eig(H)/B, ascending
    Eigen::VectorXd c_diag;   ///< matching diagonal of Q^T C Q
};

/// Largest asymmetry max|H_ij - H_ji| that compare_covariance_with_hessian
/// accepts, relative to max|H_ij|: sqrt(eps). An H assembled by any
/// symmetric formula (J^T J, autodiff, averaged finite differences) is
/// symmetric to a few eps; one off by more is not a Hessian, or not one
/// accurate enough for an eigenbasis. Pass (H + H^T)/2 to accept it anyway.
inline constexpr double hessian_symmetry_tolerance = 0x1p-26; // 1.49e-8

/// Any Eigen matrix-like C and H (dense, diagonal, views, expressions). A
/// template, so that the eigen-solver and the matrix products are compiled
/// only where it is called: as a plain inline function they were instantiated
/// in every translation unit including levysgd.hpp (5.5 of its 14.8 s of
/// parsing).
///
/// Throws std::invalid_argument for shapes that are not square and equal,
/// dimension < 2, non-finite entries in C or H, B < 1, an H that is not
/// symmetric to hessian_symmetry_tolerance (both triangles are read; the
/// eigen-decomposition uses (H + H^T)/2), or H = 0 (then eig(H)/B = 0 and
/// the slope is 0/0). C = 0 is allowed: slope 0, Pearson NaN (constant
/// side). Both C and H are scaled by powers of two before the arithmetic, so
/// the result does not depend on their scale from 1e-300 to 1e300.
template <class DC, class DH>
hessian_comparison compare_covariance_with_hessian(const Eigen::EigenBase<DC> &c_in,
                                                   const Eigen::EigenBase<DH> &h_in,
                                                   double batch_size) {
    constexpr std::string_view where = "levysgd::compare_covariance_with_hessian";
    Eigen::MatrixXd c = c_in.derived(), h = h_in.derived();
    if (c.rows() != c.cols() || h.rows() != h.cols() || c.rows() != h.rows())
        detail::throw_shapes(where, "covariance and Hessian must be square and of one size", c, h);
    if (!(batch_size >= 1) || !std::isfinite(batch_size))
        detail::throw_invalid(where, "batch_size", batch_size, "must be finite and >= 1");
    if (c.rows() < 2)
        detail::throw_invalid(where, "dimension", c.rows(), "must be >= 2");
    detail::check_finite(where, "covariance", c);
    detail::check_finite(where, "hessian", h);
    const int eh = detail::max_exponent(h), ec = detail::max_exponent(c);
    detail::scale_by_pow2(h, -eh); // max|h| in [1, 2), or h = 0
    detail::scale_by_pow2(c, -ec);
    const double hmax = h.cwiseAbs().maxCoeff();
    if (hmax == 0)
        detail::throw_invalid(where, "hessian", "the zero matrix",
                              "must be nonzero (eig(H)/B = 0 leaves the slope 0/0)");
    const double asym = (h - h.transpose()).cwiseAbs().maxCoeff();
    if (asym > hessian_symmetry_tolerance * hmax)
        detail::throw_invalid(
            where, "hessian", "max|H_ij - H_ji| / max|H_ij| = " + detail::to_text(asym / hmax),
            "must be symmetric to within hessian_symmetry_tolerance = " +
                detail::to_text(hessian_symmetry_tolerance) + " (pass (H + H^T)/2 to accept it)");
    const Eigen::MatrixXd hs = (h + h.transpose()) / 2;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(hs);
    if (es.info() != Eigen::Success)
        throw std::invalid_argument(std::string(where) + ": eigen-decomposition of H failed");
    // x = eig(hs) 2^eh / B and y = diag(Q^T cs Q) 2^ec; max|eig(hs)| >= max|hs| >= 1
    const Eigen::VectorXd &x = es.eigenvalues();
    const Eigen::VectorXd y = (es.eigenvectors().transpose() * c * es.eigenvectors()).diagonal();
    int eb = 0;
    const double mb = std::frexp(batch_size, &eb); // B = mb 2^eb
    hessian_comparison r;
    r.h_over_b = x.unaryExpr([&](double v) {
        const double a = std::ldexp(v, eh);
        return std::isfinite(a) ? a / batch_size : std::ldexp(v / batch_size, eh);
    });
    r.c_diag = y.unaryExpr([&](double v) { return std::ldexp(v, ec); });
    // slope = (x.y / x.x) B 2^(ec - eh), in that order so nothing overflows early
    r.slope = std::ldexp(x.dot(y) / x.squaredNorm() * mb, ec - eh + eb);
    const double n = double(x.size());
    const double mx = x.sum() / n, my = y.sum() / n;
    const double sxy = (x.array() - mx).matrix().dot((y.array() - my).matrix());
    const double sxx = (x.array() - mx).square().sum(), syy = (y.array() - my).square().sum();
    r.pearson = sxy / std::sqrt(sxx * syy);
    return r;
}

} // namespace levysgd
