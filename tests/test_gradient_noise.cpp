// Gradient-noise tools: per-parameter / pooled / multivariate tail indices,
// the covariance of 000 eq. (2), and the C ~ H/B comparison.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

using levysgd_test::message_of;

TEST_CASE("per-parameter alphas of a synthetic gradient matrix are recovered column by column",
          "[noise]") {
    // rows = minibatches: row r is one draw of per-coordinate SaS noise
    // (000 eq. 3) with alpha_i per column, around a known full gradient
    const std::vector<double> alpha{0.8, 1.1, 1.4, 1.7, 2.0}, scale{1, 0.5, 2, 1, 0.1};
    const Eigen::Index m = 40000, n = Eigen::Index(alpha.size());
    Eigen::MatrixXd g(m, n);
    Eigen::VectorXd full(n);
    full << 0.3, -1, 2, 0, 5;
    std::vector<double> row(std::size_t(n), 0.0);
    for (Eigen::Index r = 0; r < m; ++r) {
        levysgd::sample_coordinates<double>(alpha, scale, 0, levysgd::parameterization::S0, row, 11,
                                            0, {.first_index = std::uint64_t(r * n)});
        for (Eigen::Index c = 0; c < n; ++c)
            g(r, c) = full[c] + row[std::size_t(c)];
    }
    const Eigen::MatrixXd u = levysgd::gradient_noise(g, full);
    // without the full gradient the column means stand in: columns of U then average to 0
    CHECK(levysgd::gradient_noise(g).colwise().mean().norm() < 1e-9);
    CHECK((u.row(3).transpose() + full - g.row(3).transpose()).norm() < 1e-12);
    const auto t = levysgd::analyse_noise_tails(u);
    for (Eigen::Index c = 0; c < n; ++c) {
        INFO("column " << c << " alpha " << alpha[std::size_t(c)] << " estimate "
                       << t.per_parameter[c]);
        CHECK(std::fabs(t.per_parameter[c] - alpha[std::size_t(c)]) < 0.15);
    }
    // pooling mixes the tails: the heaviest column dominates, far below 2
    CHECK(t.pooled.alpha < 1.4);
    CHECK(t.multivariate.k2 > 1);
    // a matrix of iid SaS(1.5) entries: all three views agree
    Eigen::MatrixXd iid(20000, 8);
    levysgd::sample(
        levysgd::stable_distribution<double>(1.5, 0, 1, 0, levysgd::parameterization::S0), iid, 3,
        3);
    const auto ti = levysgd::analyse_noise_tails(iid);
    CHECK(ti.pooled.alpha == Approx(1.5).margin(0.05));
    CHECK(ti.multivariate.alpha == Approx(1.5).margin(0.1));
    CHECK(ti.per_parameter.mean() == Approx(1.5).margin(0.1));
}

TEST_CASE("shape and value errors name both shapes", "[noise][validation]") {
    Eigen::MatrixXd g(10, 3);
    g.setOnes();
    Eigen::VectorXd v(4);
    v.setZero();
    CHECK_THAT(message_of([&] { levysgd::gradient_noise(g, v); }),
               Catch::Matchers::Contains("10 x 3") && Catch::Matchers::Contains("4 x 1"));
    CHECK_THAT(message_of([&] {
                   levysgd::compare_covariance_with_hessian(Eigen::MatrixXd::Identity(3, 3),
                                                            Eigen::MatrixXd::Identity(2, 2), 4);
               }),
               Catch::Matchers::Contains("3 x 3") && Catch::Matchers::Contains("2 x 2"));
    CHECK_THAT(message_of([&] { levysgd::noise_covariance(g, 0.5); }),
               Catch::Matchers::Contains("batch_size"));
    Eigen::MatrixXd z = Eigen::MatrixXd::Zero(8, 2);
    CHECK_THAT(message_of([&] { levysgd::mohammadi_tail_index_rows(z); }),
               Catch::Matchers::Contains("norm 0"));
}

TEST_CASE("noise covariance of 000 eq. (2), its row sums, and C = H/B in the eigenbasis",
          "[noise]") {
    Eigen::MatrixXd g(500, 4);
    std::vector<double> z(std::size_t(g.size()));
    levysgd::fill_normal(std::span<double>(z), 1, 2);
    for (Eigen::Index i = 0; i < g.size(); ++i)
        g.data()[i] = z[std::size_t(i)] * (1 + double(i % 4));
    const double b = 32;
    const Eigen::MatrixXd lambda = levysgd::noise_covariance(g, b);
    // direct: population covariance of the rows, divided by B
    const Eigen::MatrixXd centered = g.rowwise() - g.colwise().mean();
    const Eigen::MatrixXd direct = centered.transpose() * centered / double(g.rows()) / b;
    CHECK((lambda - direct).norm() < 1e-12 * direct.norm());
    CHECK((levysgd::covariance_row_sums(lambda) - lambda * Eigen::VectorXd::Ones(4)).norm() <
          1e-14);
    // C exactly H/B: slope 1, correlation 1
    Eigen::MatrixXd a = Eigen::MatrixXd::Random(5, 5);
    const Eigen::MatrixXd h = a * a.transpose() + Eigen::MatrixXd::Identity(5, 5);
    const auto cmp = levysgd::compare_covariance_with_hessian(h / b, h, b);
    CHECK(cmp.slope == Approx(1.0).epsilon(1e-10));
    CHECK(cmp.pearson == Approx(1.0).epsilon(1e-10));
    // C = 2 H/B + isotropic offset: slope reflects the factor, correlation stays 1
    const auto cmp2 = levysgd::compare_covariance_with_hessian(
        2 * h / b + 0.1 * Eigen::MatrixXd::Identity(5, 5), h, b);
    CHECK(cmp2.pearson == Approx(1.0).epsilon(1e-10));
    CHECK(cmp2.slope > 2.0);
    // Any Eigen matrix-like argument: a diagonal H given as a DiagonalWrapper
    const Eigen::VectorXd hd = (Eigen::VectorXd(4) << 0.5, 1.0, 2.0, 4.0).finished();
    const Eigen::MatrixXd hdense = hd.asDiagonal();
    const auto cmp_diag = levysgd::compare_covariance_with_hessian(hdense / b, hd.asDiagonal(), b);
    CHECK(cmp_diag.slope == Approx(1.0).epsilon(1e-12));
    CHECK((levysgd::covariance_row_sums(hd.asDiagonal()) - hd).norm() == 0);
    // an unrelated C: correlation far from 1
    Eigen::MatrixXd r = Eigen::MatrixXd::Random(5, 5);
    const auto cmp3 = levysgd::compare_covariance_with_hessian(r * r.transpose(), h, b);
    CHECK(cmp3.pearson < 0.99);
}
