// levysgd::mlp (models/mlp.hpp): gradients against central finite
// differences, per-sample gradients, the exact last-layer Hessian, bad input,
// determinism, training with sgd; and a reduced end-to-end run of the
// pipeline of examples/real_gradient_noise.cpp on synthetic data.

#include "levysgd_catch.hpp"

#include <levysgd/levysgd.hpp>

#include <cmath>
#include <span>
#include <vector>

#include "../examples/real_gradient_noise.hpp"

namespace {

static_assert(levysgd::GradientOracle<levysgd::mlp<double>, double>);
static_assert(levysgd::GradientOracle<levysgd::mlp<float>, float>);
static_assert(levysgd::OptimizerStep<levysgd::sgd<double>, levysgd::mlp<double>, double>);

/// n samples of `classes` Gaussian blobs in d dimensions (labels j % classes).
struct blobs {
    Eigen::MatrixXd x;
    std::vector<int> y;
};
blobs make_blobs(Eigen::Index n, Eigen::Index d, int classes, std::uint64_t seed) {
    blobs b{Eigen::MatrixXd(n, d), std::vector<int>(std::size_t(n))};
    levysgd::fill_normal(std::span<double>(b.x.data(), std::size_t(n * d)), seed, 0);
    Eigen::MatrixXd centres(classes, d);
    levysgd::fill_normal(std::span<double>(centres.data(), std::size_t(classes * d)), seed, 1);
    for (Eigen::Index j = 0; j < n; ++j) {
        b.y[std::size_t(j)] = int(j % classes);
        b.x.row(j) += 2 * centres.row(j % classes);
    }
    return b;
}

template <class Real>
double max_rel_fd_error(const levysgd::mlp<Real> &m, const levysgd::param_vector<Real> &w,
                        const std::vector<std::size_t> &idx, double h) {
    levysgd::param_vector<Real> g(m.dimension());
    m.gradient(w, idx, g);
    double worst = 0, scale = g.cwiseAbs().maxCoeff();
    for (Eigen::Index k = 0; k < m.dimension(); ++k) {
        levysgd::param_vector<Real> wp = w, wm = w;
        wp[k] += Real(h);
        wm[k] -= Real(h);
        const double hh = double(wp[k]) - double(wm[k]); // the step actually taken
        const double fd = (m.loss(wp, idx) - m.loss(wm, idx)) / hh;
        worst = std::max(worst, std::abs(fd - double(g[k])) / scale);
    }
    return worst;
}

} // namespace

TEMPLATE_TEST_CASE("mlp gradient matches central finite differences", "[mlp]", float, double) {
    using Real = TestType;
    const auto b = make_blobs(20, 5, 3, 11);
    const std::vector<std::size_t> idx{0, 3, 3, 7, 12, 19, 5};
    const double h = std::is_same_v<Real, float> ? 3e-3 : 1e-6;
    const double tol = std::is_same_v<Real, float> ? 2e-2 : 1e-6;
    SECTION("tanh, two hidden layers") {
        levysgd::mlp<Real> m(b.x, b.y, {4, 3}, 3, levysgd::activation::tanh);
        const auto w = m.initial_parameters(5);
        CHECK(max_rel_fd_error(m, w, idx, h) < tol);
    }
    SECTION("relu, one hidden layer, biases away from 0") {
        levysgd::mlp<Real> m(b.x, b.y, {6}, 3, levysgd::activation::relu);
        auto w = m.initial_parameters(6);
        w.array() += Real(0.05); // no pre-activation sits on the kink at 0
        CHECK(max_rel_fd_error(m, w, idx, h) < tol);
    }
    SECTION("softmax regression (no hidden layer)") {
        levysgd::mlp<Real> m(b.x, b.y, {}, 3);
        const auto w = m.initial_parameters(7);
        CHECK(m.dimension() == 3 * 6);
        CHECK(max_rel_fd_error(m, w, idx, h) < tol);
    }
}

TEMPLATE_TEST_CASE("mlp per-sample gradient rows average to the minibatch gradient", "[mlp]",
                   float, double) {
    using Real = TestType;
    const auto b = make_blobs(30, 4, 3, 12);
    levysgd::mlp<Real> m(b.x, b.y, {5, 5}, 3);
    const auto w = m.initial_parameters(1);
    const std::vector<std::size_t> idx{2, 9, 9, 17, 28};
    const auto g1 = m.per_sample_gradients(w, idx);
    REQUIRE(g1.rows() == 5);
    REQUIRE(g1.cols() == m.dimension());
    levysgd::param_vector<Real> g(m.dimension());
    m.gradient(w, idx, g);
    const double eps = std::is_same_v<Real, float> ? 1e-5 : 1e-13;
    CHECK((g1.colwise().mean().transpose() - g).cwiseAbs().maxCoeff() <=
          eps * g.cwiseAbs().maxCoeff());
    // row 1 and row 2 are the same sample
    CHECK(g1.row(1) == g1.row(2));
    // each row is the gradient of its one sample
    for (std::size_t j = 0; j < idx.size(); ++j) {
        const std::size_t one[1] = {idx[j]};
        m.gradient(w, one, g);
        CHECK((g1.row(Eigen::Index(j)).transpose() - g).cwiseAbs().maxCoeff() <=
              eps * g.cwiseAbs().maxCoeff());
    }
}

TEST_CASE("mlp last-layer Hessian is exact", "[mlp]") {
    const auto b = make_blobs(25, 4, 3, 13);
    levysgd::mlp<double> m(b.x, b.y, {5}, 3, levysgd::activation::tanh);
    const auto w = m.initial_parameters(2);
    const Eigen::MatrixXd h = m.last_layer_hessian(w);
    const Eigen::Index off = m.layer_offset(1), p = m.layer_size(1);
    REQUIRE(h.rows() == p);
    REQUIRE(p == 3 * 6);
    CHECK(h == h.transpose());
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(h);
    CHECK(es.eigenvalues().minCoeff() > -1e-12 * es.eigenvalues().maxCoeff());
    // central differences of the gradient, column by column
    Eigen::VectorXd gp(m.dimension()), gm(m.dimension());
    const std::vector<std::size_t> all = [&] {
        std::vector<std::size_t> v(m.samples());
        for (std::size_t j = 0; j < v.size(); ++j)
            v[j] = j;
        return v;
    }();
    const double step = 1e-5;
    double worst = 0;
    for (Eigen::Index k = 0; k < p; ++k) {
        Eigen::VectorXd wp = w, wm = w;
        wp[off + k] += step;
        wm[off + k] -= step;
        m.gradient(wp, all, gp);
        m.gradient(wm, all, gm);
        const Eigen::VectorXd col = (gp - gm).segment(off, p) / (2 * step);
        worst = std::max(worst, (col - h.col(k)).cwiseAbs().maxCoeff());
    }
    CHECK(worst < 1e-8 * h.cwiseAbs().maxCoeff());
    // compare_covariance_with_hessian accepts it as it is
    const std::vector<std::size_t> idx = all;
    const Eigen::MatrixXd c =
        levysgd::noise_covariance(m.per_sample_gradients(w, idx).middleCols(off, p), 4.0);
    CHECK_NOTHROW(levysgd::compare_covariance_with_hessian(c, h, 4.0));
}

TEST_CASE("mlp rejects bad input with the parameter and the value", "[mlp]") {
    using levysgd_test::message_of;
    const auto b = make_blobs(10, 3, 2, 14);
    CHECK(message_of([&] { levysgd::mlp<double>(Eigen::MatrixXd(0, 3), {}, {4}, 2); }) ==
          "levysgd::mlp: inputs.rows() must be >= 1, got 0");
    CHECK(message_of([&] { levysgd::mlp<double>(b.x, std::span<const int>(b.y).first(9), {4}, 2); })
              .find("labels.size() must equal inputs.rows() = 10, got 9") != std::string::npos);
    CHECK(message_of([&] { levysgd::mlp<double>(b.x, b.y, {4}, 1); }) ==
          "levysgd::mlp: classes must be >= 2, got 1");
    CHECK(message_of([&] { levysgd::mlp<double>(b.x, b.y, {4, 0}, 2); }) ==
          "levysgd::mlp: hidden[1] must be >= 1, got 0");
    std::vector<int> bad = b.y;
    bad[4] = 2;
    CHECK(message_of([&] { levysgd::mlp<double>(b.x, bad, {4}, 2); }) ==
          "levysgd::mlp: labels[4] must be in [0, classes = 2), got 2");
    Eigen::MatrixXd nan = b.x;
    nan(3, 1) = std::nan("");
    CHECK(message_of([&] { levysgd::mlp<double>(nan, b.y, {4}, 2); }).find("inputs") !=
          std::string::npos);

    levysgd::mlp<double> m(b.x, b.y, {4}, 2);
    Eigen::VectorXd w = m.initial_parameters(1), g(m.dimension()), short_w(3);
    const std::size_t ok[2] = {0, 1}, out_of_range[2] = {0, 10};
    CHECK(message_of([&] { m.gradient(short_w, ok, g); }) ==
          "levysgd::mlp::gradient: w.size() must equal dimension() = 26, got 3");
    CHECK(message_of([&] { m.gradient(w, out_of_range, g); }) ==
          "levysgd::mlp::gradient: indices[1] must be < samples() = 10, got 10");
    CHECK(message_of([&] { m.gradient(w, {}, g); }) ==
          "levysgd::mlp::gradient: indices.size() must be >= 1, got 0");
    CHECK(message_of([&] { m.per_sample_gradients(w, out_of_range); })
              .starts_with("levysgd::mlp::per_sample_gradients: indices[1]"));
}

TEST_CASE("mlp is deterministic and trains with sgd", "[mlp]") {
    const auto b = make_blobs(200, 4, 3, 15);
    levysgd::mlp<double> m(b.x, b.y, {16}, 3);
    CHECK(m.initial_parameters(3) == m.initial_parameters(3));
    CHECK(m.initial_parameters(3) != m.initial_parameters(3, 1));
    auto train = [&] {
        Eigen::VectorXd w = m.initial_parameters(3);
        levysgd::sgd<double> step(m.samples(), 16, 0.1, /*seed*/ 9);
        for (int k = 0; k < 300; ++k)
            step.step(w, m);
        return w;
    };
    const Eigen::VectorXd w1 = train(), w2 = train();
    CHECK(w1 == w2);
    CHECK(m.loss(w1) < 0.5 * m.loss(m.initial_parameters(3)));
    CHECK(m.accuracy(w1) > 0.9);
}

TEST_CASE("real_gradient_noise measurement on synthetic data", "[mlp]") {
    // one measurement without the stable fits: what the sanitizer build runs
    const auto b = make_blobs(300, 16, 4, 17);
    levysgd::mlp<double> m(b.x, b.y, {8}, 4);
    const Eigen::VectorXd w = m.initial_parameters(4);
    rgn::config c = rgn::config::reduced();
    c.bootstrap_reps = 10;
    Eigen::MatrixXd kept;
    const auto r = rgn::measure(m, w, 16, c, 0, {.per_parameter_ci = true}, &kept);
    REQUIRE(r.layers.size() == 2);
    CHECK(kept.rows() == Eigen::Index(c.noise_batches));
    CHECK(kept.cols() == m.layer_size(1));
    for (const auto &l : r.layers) {
        CHECK(l.alpha.size() == l.alpha_low.size());
        CHECK(l.gof_params == 0);
        // column j of the kept output layer gives the estimate reported for
        // it, to rounding: the per-layer estimates come from
        // mohammadi_tail_index_columns, which sums the blocks in another
        // order than the 1-D estimator (equal bit for bit on the AVX-512
        // build, 1 ulp apart on the portable SSE2 one)
        if (l.name == "output" && !l.live.empty()) {
            const Eigen::VectorXd col = kept.col(l.live[0]);
            const auto a = levysgd::mohammadi_tail_index(
                std::span<const double>(col.data(), std::size_t(col.size())),
                {.bad_values = levysgd::bad_value_policy::skip});
            CHECK(std::abs(a.alpha / l.alpha[0] - 1) <= 1e-13);
        }
    }
    CHECK(r.multivariate.alpha > 0);
}

// [slow]: 1.5 s in Release, but the stable fits take minutes under ASan.
TEST_CASE("real_gradient_noise pipeline, reduced, on synthetic data", "[mlp][slow]") {
    // 8x8 "images" of 10 blobs: the shape of the digits data, made here.
    const auto b = make_blobs(600, 64, 10, 16);
    rgn::data_set train{b.x.topRows(500), std::vector<int>(b.y.begin(), b.y.begin() + 500)};
    rgn::data_set test{b.x.bottomRows(100), std::vector<int>(b.y.begin() + 500, b.y.end())};
    rgn::config c = rgn::config::reduced(); // smaller still: the sanitizer build runs it
    c.hidden = {12, 12};
    c.gof_params = 1;
    c.bootstrap_reps = 10;
    c.batch_sizes = {8, 32};
    c.widths = {8};
    c.depths = {1};
    const auto r = rgn::run(train, test, c, nullptr);
    REQUIRE(r.checkpoints.size() == c.checkpoints.size());
    const auto &last = r.checkpoints.back().m;
    REQUIRE(last.layers.size() == c.hidden.size() + 1);
    for (const auto &l : last.layers) {
        CHECK(l.alpha.size() + std::size_t(l.dead) == std::size_t(l.parameters));
        CHECK(l.alpha_low.size() == l.alpha.size()); // per-parameter intervals
        CHECK(l.median_alpha > 0.5);
        CHECK(l.median_alpha < 2.5);
        CHECK(l.gof_params > 0);
        CHECK(l.gauss_sse > 0);
        CHECK(l.sas_sse > 0);
    }
    CHECK(last.pooled.alpha > 0);
    CHECK(last.multivariate.alpha > 0);
    CHECK(r.batch_sweep.size() == c.batch_sizes.size());
    CHECK(r.width_sweep.size() == c.widths.size());
    for (const auto &s : r.batch_sweep) {
        CHECK(s.m.s.low <= s.m.s.median);
        CHECK(s.m.s.median <= s.m.s.high);
    }
    CHECK(r.covariance.trained.h_over_b.size() == r.covariance.parameters);
    CHECK(std::isfinite(r.covariance.trained.slope));
    CHECK(r.train_accuracy > 0.8);
    // the same seed gives the same numbers
    const auto r2 = rgn::run(train, test, c, nullptr);
    CHECK(r2.checkpoints.back().m.pooled.alpha == last.pooled.alpha);
    CHECK(r2.covariance.trained.slope == r.covariance.trained.slope);
}
