// Gradient-noise tools: per-parameter / pooled / multivariate tail indices,
// the covariance of Battash & Lindenbaum 2023 eq. (2), and the C ~ H/B comparison.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "levysgd_catch.hpp"

using levysgd_test::message_of;

TEST_CASE("per-parameter alphas of a synthetic gradient matrix are recovered column by column",
          "[noise]") {
    // rows = minibatches: row r is one draw of per-coordinate SaS noise
    // (Battash & Lindenbaum 2023 eq. 3) with alpha_i per column, around a known full gradient
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
               Catch::Matchers::Contains("zero row"));
}

TEST_CASE("noise covariance of Battash & Lindenbaum 2023 eq. (2), its row sums, and C = H/B in the eigenbasis",
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

// ---------------------------------------------------------------------------
// Hardening (issue 16)

namespace {
Eigen::MatrixXd stable_matrix(Eigen::Index rows, Eigen::Index cols, double alpha,
                              std::uint64_t stream) {
    Eigen::MatrixXd m(rows, cols);
    levysgd::sample(
        levysgd::stable_distribution<double>(alpha, 0, 1, 0, levysgd::parameterization::S0), m, 5,
        stream);
    return m / m.cwiseAbs().maxCoeff(); // max |entry| = 1
}
const double qnan = std::numeric_limits<double>::quiet_NaN();
const double qinf = std::numeric_limits<double>::infinity();
} // namespace

TEST_CASE("issue 16 item 7: the multivariate estimator is scale-invariant from 1e-300 to 1e300",
          "[noise][validation]") {
    const Eigen::MatrixXd x = stable_matrix(Eigen::Index(levysgd_test::sized(4000)), 5, 1.4, 31);
    const auto ref = levysgd::mohammadi_tail_index_rows(x);
    CHECK(std::isfinite(ref.inv_alpha));
    for (double c : {1e-300, 1e-200, 1e200, 1e300, 1.7e308}) {
        INFO("scale " << c);
        const Eigen::MatrixXd y = x * c;
        CHECK(levysgd::mohammadi_tail_index_rows(y).inv_alpha ==
              Approx(ref.inv_alpha).margin(1e-10));
    }
    // rows of subnormals (2^-1040: 34 bits left of the largest entries)
    const Eigen::MatrixXd z = x * std::ldexp(1.0, -1040);
    CHECK(levysgd::mohammadi_tail_index_rows(z).inv_alpha == Approx(ref.inv_alpha).margin(1e-6));
    // float rows at the top of float's range (2^126: exact)
    const Eigen::MatrixXf xf = x.cast<float>();
    const Eigen::MatrixXf yf = xf * std::ldexp(1.0f, 126);
    CHECK(levysgd::mohammadi_tail_index_rows(yf).inv_alpha ==
          Approx(levysgd::mohammadi_tail_index_rows(xf).inv_alpha).margin(1e-12));
}

TEST_CASE("issue 16 item 8: analyse_noise_tails honours bad_value_policy in all three parts",
          "[noise][validation]") {
    Eigen::MatrixXd u = stable_matrix(Eigen::Index(levysgd_test::sized(2000)), 4, 1.5, 32);
    u(17, 2) = qnan;
    const auto t = levysgd::analyse_noise_tails(u, levysgd::bad_value_policy::skip);
    CHECK(t.multivariate.n_bad == 1); // the row with the NaN
    CHECK(t.pooled.n_bad == 1);
    CHECK(std::isfinite(t.multivariate.alpha));
    CHECK(t.per_parameter.allFinite());
    // throw_error names the function called, the argument and the entry
    CHECK_THAT(message_of([&] { levysgd::analyse_noise_tails(u); }),
               Catch::Matchers::StartsWith("levysgd::analyse_noise_tails: u ") &&
                   Catch::Matchers::Contains("(17, 2) = nan"));
    // an inner error (a column whose blocks all sum to 0) names the part
    Eigen::MatrixXd v = Eigen::MatrixXd::Ones(8, 2);
    v.col(1) << 1, -1, 1, -1, 1, -1, 1, -1;
    CHECK_THAT(message_of([&] { levysgd::analyse_noise_tails(v); }),
               Catch::Matchers::StartsWith("levysgd::analyse_noise_tails: column 1: "));
}

TEST_CASE("issue 16 item 20: NaN, asymmetric and zero inputs to the noise tools are refused",
          "[noise][validation]") {
    Eigen::MatrixXd g = stable_matrix(50, 3, 1.8, 33);
    Eigen::VectorXd full(3);
    full << 0.1, 0.2, 0.3;
    full(1) = qnan;
    CHECK_THAT(message_of([&] { levysgd::gradient_noise(g, full); }),
               Catch::Matchers::Contains("full_grad") && Catch::Matchers::Contains("nan"));
    Eigen::MatrixXd gn = g;
    gn(4, 2) = qnan;
    CHECK_THAT(message_of([&] { levysgd::noise_covariance(gn, 4); }),
               Catch::Matchers::Contains("per_sample_grads") &&
                   Catch::Matchers::Contains("(4, 2) = nan"));
    const Eigen::Matrix3d h = Eigen::Vector3d(1, 2, 3).asDiagonal();
    Eigen::Matrix3d c = h / 4;
    c(0, 1) = qnan;
    CHECK_THAT(message_of([&] { levysgd::compare_covariance_with_hessian(c, h, 4); }),
               Catch::Matchers::Contains("covariance") && Catch::Matchers::Contains("nan"));
    // only one triangle used to be read: an asymmetric H is refused ...
    Eigen::Matrix3d ha = h;
    ha(0, 1) = 5;
    CHECK_THAT(message_of([&] { levysgd::compare_covariance_with_hessian(h / 4, ha, 4); }),
               Catch::Matchers::Contains("hessian must be symmetric"));
    ha(0, 1) = 0;
    ha(1, 0) = 5;
    CHECK_THAT(message_of([&] { levysgd::compare_covariance_with_hessian(h / 4, ha, 4); }),
               Catch::Matchers::Contains("hessian must be symmetric"));
    // ... while rounding-level asymmetry is accepted, and (H + H^T)/2 used
    Eigen::Matrix3d hr = h;
    hr(0, 1) = 1e-10;
    const auto near = levysgd::compare_covariance_with_hessian(h / 4, hr, 4);
    CHECK(near.slope == Approx(1.0).epsilon(1e-9));
    // H = 0: a clear error, not NaN
    CHECK_THAT(message_of([&] {
                   levysgd::compare_covariance_with_hessian(h, Eigen::Matrix3d::Zero(), 4);
               }),
               Catch::Matchers::Contains("hessian must be nonzero"));
    // C = 0 is well defined: slope 0, Pearson NaN (one side constant)
    const auto zc = levysgd::compare_covariance_with_hessian(Eigen::Matrix3d::Zero(), h, 4);
    CHECK(zc.slope == 0);
    CHECK(std::isnan(zc.pearson));
}

TEST_CASE("issue 16: the covariance tools do not depend on the data's scale",
          "[noise][validation]") {
    const Eigen::MatrixXd g = stable_matrix(200, 4, 1.9, 34);
    const Eigen::MatrixXd lambda = levysgd::noise_covariance(g, 8);
    for (int k : {-500, -100, 100, 500}) {
        INFO("2^" << k);
        const Eigen::MatrixXd s = levysgd::noise_covariance(g * std::ldexp(1.0, k), 8);
        CHECK((s * std::ldexp(1.0, -k) * std::ldexp(1.0, -k) - lambda).norm() <=
              1e-14 * lambda.norm());
    }
    // gradient_noise without g: the mean of huge columns does not overflow
    Eigen::MatrixXd big(2, 1);
    big << 1.5e308, 1.0e308;
    const Eigen::MatrixXd ub = levysgd::gradient_noise(big);
    CHECK(ub(0, 0) == Approx(0.25e308));
    // compare_covariance_with_hessian: C -> a C, H -> b H scales the slope by a / b
    Eigen::MatrixXd a = Eigen::MatrixXd::Random(4, 4);
    const Eigen::MatrixXd h = a * a.transpose() + Eigen::MatrixXd::Identity(4, 4);
    const Eigen::MatrixXd c = h / 16 + 0.01 * Eigen::MatrixXd::Identity(4, 4);
    const auto ref = levysgd::compare_covariance_with_hessian(c, h, 16);
    // (C x 1e-300 against H x 1e300 would put the slope itself out of range)
    const std::pair<double, double> scales[] = {{1e-300, 1e-300}, {1e300, 1e300}, {1e-150, 1e150},
                                                {1e150, 1e-150},  {1e300, 1.0},   {1.0, 1e-300}};
    for (const auto &[sc, sh] : scales) {
        INFO("C x " << sc << ", H x " << sh);
        const auto r = levysgd::compare_covariance_with_hessian(c * sc, h * sh, 16);
        CHECK(r.slope / (ref.slope * (sc / sh)) == Approx(1.0).epsilon(1e-12));
        CHECK(r.pearson == Approx(ref.pearson).epsilon(1e-12));
    }
}

TEST_CASE("issue 16: bad-input table of the gradient-noise entry points", "[noise][validation]") {
    const Eigen::MatrixXd g = stable_matrix(40, 3, 1.5, 35);
    const Eigen::Vector3d full(0.1, -0.2, 0.3);
    const Eigen::Matrix3d h = Eigen::Vector3d(1, 2, 3).asDiagonal();
    auto with = [](Eigen::MatrixXd m, Eigen::Index r, Eigen::Index c, double v) {
        m(r, c) = v;
        return m;
    };
    const std::size_t huge = std::numeric_limits<std::size_t>::max();
    const auto bad_policy = static_cast<levysgd::bad_value_policy>(7);
    const Eigen::MatrixXd empty(0, 3), no_cols(5, 0);
    struct row {
        const char *what;
        std::function<void()> call;
        const char *names;
    };
    const std::vector<row> refused{
        // gradient_noise(G, g)
        {"G NaN", [&] { levysgd::gradient_noise(with(g, 1, 1, qnan), full); }, "minibatch_grads"},
        {"G inf", [&] { levysgd::gradient_noise(with(g, 1, 1, qinf), full); }, "minibatch_grads"},
        {"g -inf", [&] { levysgd::gradient_noise(g, Eigen::Vector3d(0, -qinf, 0)); }, "full_grad"},
        {"g too big for float G",
         [&] { levysgd::gradient_noise(g.cast<float>(), Eigen::Vector3d(0, 1e300, 0)); },
         "full_grad"},
        {"G - g overflows",
         [&] { levysgd::gradient_noise(with(g, 0, 0, 1.7e308), Eigen::Vector3d(-1.7e308, 0, 0)); },
         "overflow"},
        {"g of the wrong size", [&] { levysgd::gradient_noise(g, Eigen::Vector2d(1, 2)); },
         "full_grad"},
        {"G empty", [&] { levysgd::gradient_noise(empty, full); }, "minibatch_grads"},
        // gradient_noise(G)
        {"mean: G NaN", [&] { levysgd::gradient_noise(with(g, 2, 0, qnan)); }, "minibatch_grads"},
        {"mean: G empty", [&] { levysgd::gradient_noise(empty); }, "minibatch_grads.rows()"},
        {"mean: no columns", [&] { levysgd::gradient_noise(no_cols); }, "minibatch_grads.cols()"},
        // mohammadi_tail_index_rows
        {"rows NaN", [&] { levysgd::mohammadi_tail_index_rows(with(g, 3, 2, qnan)); }, "x must be"},
        {"rows inf", [&] { levysgd::mohammadi_tail_index_rows(with(g, 3, 2, -qinf)); },
         "x must be"},
        {"rows zero row",
         [&] {
             Eigen::MatrixXd z = g;
             z.row(6).setZero();
             levysgd::mohammadi_tail_index_rows(z);
         },
         "zero row"},
        {"rows block summing to 0",
         [&] {
             Eigen::MatrixXd z = g;
             z.row(1) = -z.row(0);
             levysgd::mohammadi_tail_index_rows(z, 2);
         },
         "rows 0 to 1"},
        {"rows empty", [&] { levysgd::mohammadi_tail_index_rows(empty); }, "number of usable rows"},
        {"rows no columns", [&] { levysgd::mohammadi_tail_index_rows(no_cols); }, "x.cols()"},
        {"rows k1 = 1", [&] { levysgd::mohammadi_tail_index_rows(g, 1); }, "k1"},
        {"rows k1 = 2^64 - 1", [&] { levysgd::mohammadi_tail_index_rows(g, huge); }, "k1"},
        {"rows policy",
         [&] {
             levysgd::mohammadi_tail_index_rows(
                 g, levysgd::tail_index_options{.bad_values = bad_policy});
         },
         "bad_values"},
        // analyse_noise_tails
        {"analyse NaN", [&] { levysgd::analyse_noise_tails(with(g, 0, 0, qnan)); }, "u must"},
        {"analyse zero", [&] { levysgd::analyse_noise_tails(with(g, 0, 0, 0.0)); }, "u must"},
        {"analyse empty", [&] { levysgd::analyse_noise_tails(empty); }, "u.rows()"},
        {"analyse no columns", [&] { levysgd::analyse_noise_tails(no_cols); }, "u.cols()"},
        {"analyse policy", [&] { levysgd::analyse_noise_tails(g, bad_policy); }, "bad_values"},
        // noise_covariance
        {"cov NaN", [&] { levysgd::noise_covariance(with(g, 0, 1, qnan), 4); }, "per_sample_grads"},
        {"cov inf", [&] { levysgd::noise_covariance(with(g, 0, 1, qinf), 4); }, "per_sample_grads"},
        {"cov empty", [&] { levysgd::noise_covariance(empty, 4); }, "per_sample_grads.rows()"},
        {"cov no columns", [&] { levysgd::noise_covariance(no_cols, 4); },
         "per_sample_grads.cols()"},
        {"cov overflows",
         [&] { levysgd::noise_covariance(with(with(g, 0, 0, 1e300), 1, 0, -1e300), 1); },
         "double range"},
        {"cov B NaN", [&] { levysgd::noise_covariance(g, qnan); }, "batch_size"},
        {"cov B inf", [&] { levysgd::noise_covariance(g, qinf); }, "batch_size"},
        {"cov B 0", [&] { levysgd::noise_covariance(g, 0); }, "batch_size"},
        {"cov B negative", [&] { levysgd::noise_covariance(g, -4); }, "batch_size"},
        {"cov B subnormal", [&] { levysgd::noise_covariance(g, 5e-324); }, "batch_size"},
        // covariance_row_sums
        {"row sums NaN",
         [&] { levysgd::covariance_row_sums(with(Eigen::MatrixXd(h), 0, 0, qnan)); }, "lambda"},
        {"row sums not square", [&] { levysgd::covariance_row_sums(g); }, "lambda must be square"},
        {"row sums overflow",
         [&] { levysgd::covariance_row_sums(Eigen::Matrix2d::Constant(1.7e308).eval()); },
         "overflow"},
        // compare_covariance_with_hessian
        {"cmp H NaN",
         [&] {
             levysgd::compare_covariance_with_hessian(h, with(Eigen::MatrixXd(h), 2, 2, qnan), 4);
         },
         "hessian must be finite"},
        {"cmp C inf",
         [&] {
             levysgd::compare_covariance_with_hessian(with(Eigen::MatrixXd(h), 1, 0, qinf), h, 4);
         },
         "covariance must be finite"},
        {"cmp shapes",
         [&] { levysgd::compare_covariance_with_hessian(Eigen::Matrix2d::Identity(), h, 4); },
         "2 x 2"},
        {"cmp empty",
         [&] { levysgd::compare_covariance_with_hessian(Eigen::MatrixXd(), Eigen::MatrixXd(), 4); },
         "dimension"},
        {"cmp B NaN", [&] { levysgd::compare_covariance_with_hessian(h, h, qnan); }, "batch_size"},
        {"cmp B 0", [&] { levysgd::compare_covariance_with_hessian(h, h, 0); }, "batch_size"},
        {"cmp B -inf", [&] { levysgd::compare_covariance_with_hessian(h, h, -qinf); },
         "batch_size"},
    };
    for (const auto &r : refused) {
        INFO(r.what);
        CHECK_THAT(message_of(r.call), Catch::Matchers::Contains(r.names));
    }
    // accepted: negative, subnormal and huge finite entries, a huge batch size
    for (double v : {-2.5, 5e-324, 1e300}) {
        INFO("value " << v);
        CHECK(levysgd::gradient_noise(with(g, 0, 0, v), full).allFinite());
        CHECK(std::isfinite(levysgd::mohammadi_tail_index_rows(with(g, 0, 0, v)).inv_alpha));
        CHECK(levysgd::analyse_noise_tails(with(g, 0, 0, v)).per_parameter.allFinite());
        CHECK(levysgd::noise_covariance(with(g, 0, 0, v) / 1e160, 4).allFinite());
    }
    CHECK(levysgd::noise_covariance(g, 1e308).allFinite());
    CHECK(levysgd::compare_covariance_with_hessian(h, h, 1e308).slope == Approx(1e308));
    CHECK(levysgd::covariance_row_sums(Eigen::MatrixXd(0, 0)).size() == 0);
}
