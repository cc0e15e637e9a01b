// optim/: minibatch sampling, noise-enhanced SGD (Mori & Ueda 2020
// eq. 6, 10, 11), SGLD and SaS-noise steps, bad input.
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "levysgd_catch.hpp"

using Catch::Matchers::Contains;
using levysgd_test::message_of;

namespace {

using Vec = Eigen::VectorXd;

// Least squares: per-sample loss (x_i' w - y_i)^2 / 2, gradient x_i (x_i' w - y_i).
struct least_squares {
    Eigen::MatrixXd x; // N x d
    Vec y;
    std::size_t samples() const { return std::size_t(x.rows()); }
    Eigen::Index dimension() const { return x.cols(); }
    Vec per_sample(Eigen::Ref<const Vec> w, std::size_t i) const {
        const Eigen::Index r = Eigen::Index(i);
        return x.row(r).transpose() * (x.row(r).dot(w) - y[r]);
    }
    void gradient(Eigen::Ref<const Vec> w, std::span<const std::size_t> idx,
                  Eigen::Ref<Vec> g) const {
        g.setZero();
        for (std::size_t i : idx)
            g += per_sample(w, i);
        g /= double(idx.size());
    }
};

least_squares make_problem(std::size_t n, Eigen::Index d, std::uint64_t seed) {
    std::vector<double> z(n * std::size_t(d + 1));
    levysgd::fill_normal(std::span<double>(z), seed);
    least_squares p{Eigen::MatrixXd(Eigen::Index(n), d), Vec(Eigen::Index(n))};
    for (std::size_t i = 0; i < n; ++i) {
        for (Eigen::Index j = 0; j < d; ++j)
            p.x(Eigen::Index(i), j) =
                z[i * std::size_t(d + 1) + std::size_t(j)] * (1.0 + double(j));
        p.y[Eigen::Index(i)] =
            p.x.row(Eigen::Index(i)).sum() + z[i * std::size_t(d + 1) + std::size_t(d)];
    }
    return p;
}

// Records the index sets it is asked for.
struct recording {
    least_squares p;
    mutable std::vector<std::vector<std::size_t>> seen;
    std::size_t samples() const { return p.samples(); }
    Eigen::Index dimension() const { return p.dimension(); }
    void gradient(Eigen::Ref<const Vec> w, std::span<const std::size_t> idx,
                  Eigen::Ref<Vec> g) const {
        seen.emplace_back(idx.begin(), idx.end());
        p.gradient(w, idx, g);
    }
};

// Returns NaN gradients for sample 3.
struct faulty {
    least_squares p;
    std::size_t samples() const { return p.samples(); }
    Eigen::Index dimension() const { return p.dimension(); }
    void gradient(Eigen::Ref<const Vec> w, std::span<const std::size_t> idx,
                  Eigen::Ref<Vec> g) const {
        p.gradient(w, idx, g);
        for (std::size_t i : idx)
            if (i == 3)
                g[1] = std::nan("");
    }
};

struct no_gradient {
    std::size_t samples() const { return 1; }
    Eigen::Index dimension() const { return 1; }
};

} // namespace

// issue 17: seed and stream follow the required inputs, then the optional
// mode and scheduler. A call in the old order (mode before seed) must fail to
// compile, never reach a constructor with another meaning.
using levysgd::sampling;
using u64 = std::uint64_t;
using sz = std::size_t;
static_assert(!std::is_constructible_v<levysgd::sgd<double>, sz, sz, double, sampling, u64>);
static_assert(!std::is_constructible_v<levysgd::sgd<double>, sz, sz, double, sampling, u64, u64>);
static_assert(!std::is_constructible_v<levysgd::sgd<double>, sz, sz, double, sampling, int, int,
                                       levysgd::constant_scheduler<double>>);
static_assert(!std::is_constructible_v<levysgd::noise_enhanced_sgd<double>, sz, sz, double, double,
                                       sampling, u64>);
static_assert(!std::is_constructible_v<levysgd::noise_enhanced_sgd<double>, sz, sz, double, double,
                                       sampling, u64, u64>);
static_assert(
    !std::is_constructible_v<levysgd::sgld<double>, sz, sz, double, double, sampling, u64>);
static_assert(
    !std::is_constructible_v<levysgd::sgld<double>, sz, sz, double, double, sampling, u64, u64>);
static_assert(!std::is_constructible_v<levysgd::stable_noise_sgd<double>, sz, sz, double,
                                       std::vector<double>, std::vector<double>, sampling, u64>);
static_assert(
    !std::is_constructible_v<levysgd::stable_noise_sgd<double>, sz, sz, double, std::vector<double>,
                             std::vector<double>, sampling, u64, u64>);
// the new order
static_assert(std::is_constructible_v<levysgd::sgd<double>, sz, sz, double, u64>);
static_assert(std::is_constructible_v<levysgd::sgd<double>, sz, sz, double, int, int, sampling,
                                      levysgd::constant_scheduler<double>>);
static_assert(std::is_constructible_v<levysgd::noise_enhanced_sgd<double>, sz, sz, double, double,
                                      u64, u64, sampling>);
static_assert(std::is_constructible_v<levysgd::sgld<double>, sz, sz, double, double, u64>);
static_assert(
    std::is_constructible_v<levysgd::stable_noise_sgd<double>, sz, sz, double, std::vector<double>,
                            std::vector<double>, u64, u64, sampling>);

TEST_CASE("issue 17: the sampling mode defaults to with_replacement", "[optim]") {
    const auto p = make_problem(50, 3, 2);
    levysgd::sgd<double> a(50, 5, 0.05, 3, 1), b(50, 5, 0.05, 3, 1, sampling::with_replacement);
    levysgd::sgld<double> c(50, 5, 0.05, 0.1, 3),
        d(50, 5, 0.05, 0.1, 3, 0, sampling::with_replacement);
    Vec wa = Vec::Zero(3), wb = wa, wc = wa, wd = wa;
    for (int k = 0; k < 20; ++k) {
        a.step(wa, p);
        b.step(wb, p);
        c.step(wc, p);
        d.step(wd, p);
    }
    CHECK(wa == wb);
    CHECK(wc == wd);
}

TEST_CASE("Concepts: gradient oracles", "[optim]") {
    STATIC_REQUIRE(levysgd::GradientOracle<least_squares>);
    STATIC_REQUIRE(levysgd::GradientOracle<recording>);
    STATIC_REQUIRE(!levysgd::GradientOracle<no_gradient>);
    STATIC_REQUIRE(levysgd::Scheduler<levysgd::multistep_scheduler<double>, double>);
    STATIC_REQUIRE(levysgd::OptimizerStep<levysgd::sgd<double>, least_squares>);
    STATIC_REQUIRE(levysgd::OptimizerStep<levysgd::noise_enhanced_sgd<double>, least_squares>);
    STATIC_REQUIRE(levysgd::OptimizerStep<levysgd::sgld<double>, least_squares>);
    STATIC_REQUIRE(levysgd::OptimizerStep<levysgd::stable_noise_sgd<double>, least_squares>);
    STATIC_REQUIRE(!levysgd::OptimizerStep<levysgd::minibatch_sampler, least_squares>);
}

TEST_CASE("Minibatch sampler without replacement covers every index once per epoch", "[optim]") {
    for (std::size_t batch : {7u, 10u, 100u}) {
        levysgd::minibatch_sampler s(100, batch, levysgd::sampling::without_replacement, 5, 2);
        std::vector<std::size_t> all;
        while (all.size() < 300) {
            const auto b = s.next();
            all.insert(all.end(), b.begin(), b.end());
        }
        for (int e = 0; e < 3; ++e) {
            std::vector<std::size_t> ep(all.begin() + 100 * e, all.begin() + 100 * (e + 1));
            std::sort(ep.begin(), ep.end());
            for (std::size_t i = 0; i < 100; ++i)
                REQUIRE(ep[i] == i);
        }
        // Epochs are different permutations.
        CHECK(!std::equal(all.begin(), all.begin() + 100, all.begin() + 100));
        CHECK(s.epoch() >= 3);
    }
    // With B dividing N every minibatch lies inside one epoch: distinct indices.
    levysgd::minibatch_sampler s(100, 20, levysgd::sampling::without_replacement, 1);
    for (int k = 0; k < 20; ++k) {
        const auto b = s.next();
        CHECK(std::set<std::size_t>(b.begin(), b.end()).size() == 20);
    }
}

TEST_CASE("Minibatch sampler: reproducible, streams differ, with replacement is uniform",
          "[optim]") {
    for (auto mode :
         {levysgd::sampling::with_replacement, levysgd::sampling::without_replacement}) {
        levysgd::minibatch_sampler a(50, 8, mode, 11, 3), b(50, 8, mode, 11, 3),
            c(50, 8, mode, 11, 4);
        bool differ = false;
        for (int k = 0; k < 30; ++k) {
            const auto x = a.next();
            const std::vector<std::size_t> xv(x.begin(), x.end());
            const auto y = b.next();
            CHECK(std::equal(xv.begin(), xv.end(), y.begin()));
            const auto z = c.next();
            differ = differ || !std::equal(xv.begin(), xv.end(), z.begin());
        }
        CHECK(differ);
    }
    // Uniform: chi-square over 10 cells, 10^5 draws (df 9; 99.9% quantile 27.9).
    levysgd::minibatch_sampler s(10, 10, levysgd::sampling::with_replacement, 99);
    std::vector<double> count(10, 0);
    for (int k = 0; k < 10000; ++k)
        for (std::size_t i : s.next())
            count[i] += 1;
    double chi2 = 0;
    for (double c : count)
        chi2 += (c - 1e4) * (c - 1e4) / 1e4;
    CHECK(chi2 < 27.9);
    // Unbiased bounded integers for a non-power-of-two bound near 2^63.
    std::uint64_t blk = 0, big = (std::uint64_t{1} << 63) + 12345, above = 0;
    for (int k = 0; k < 4000; ++k)
        above += levysgd::detail::bounded_index(1, 1, blk, big) >= big / 2;
    CHECK(std::abs(double(above) - 2000) < 4 * std::sqrt(1000.0)); // binomial(4000, 1/2)
}

TEST_CASE("NE-SGD: unbiased, covariance (a^2 + (1-a)^2) times SGD's (eq. 10)", "[optim]") {
    const auto p = make_problem(200, 3, 17);
    const Vec w0 = Vec::Constant(3, 0.3);
    // Population mean and covariance C of the per-sample gradients at w0.
    Eigen::MatrixXd gs(200, 3);
    for (std::size_t i = 0; i < 200; ++i)
        gs.row(Eigen::Index(i)) = p.per_sample(w0, i).transpose();
    const Vec full = gs.colwise().mean().transpose();
    const Eigen::MatrixXd cen = gs.rowwise() - full.transpose();
    const Eigen::MatrixXd c = cen.transpose() * cen / 200.0;
    const std::size_t B = 10;
    const double eta = 0.01;
    const int steps = 40000;
    auto noise_of = [&](auto &&opt) {
        Eigen::MatrixXd d(steps, 3);
        Vec w = w0;
        for (int k = 0; k < steps; ++k) {
            w = w0;
            opt.step(w, p);
            d.row(k) = (-(w - w0) / eta).transpose(); // the update direction
        }
        return d;
    };
    for (double a : {1.0, 2.0, 4.0}) {
        const auto d = noise_of(levysgd::noise_enhanced_sgd<double>(
            200, B, eta, a, 23, 0, levysgd::sampling::with_replacement));
        const Vec mean = d.colwise().mean().transpose();
        const Eigen::MatrixXd dc = d.rowwise() - mean.transpose();
        const Eigen::MatrixXd cov = dc.transpose() * dc / double(steps - 1);
        const double factor = a * a + (1 - a) * (1 - a);
        const Eigen::MatrixXd expect = factor * c / double(B);
        INFO("a " << a << "\nmean " << mean.transpose() << " full " << full.transpose() << "\ncov\n"
                  << cov << "\nexpected\n"
                  << expect);
        for (int j = 0; j < 3; ++j) {
            CHECK(std::abs(mean[j] - full[j]) < 4 * std::sqrt(expect(j, j) / steps));
            // Relative sd of a variance estimate ~ sqrt((kurtosis - 1) / steps) < 3%
            CHECK(cov(j, j) == Approx(expect(j, j)).epsilon(0.05));
        }
        CHECK(cov.trace() == Approx(expect.trace()).epsilon(0.04));
        CHECK(levysgd::effective_batch_size(double(B), a) == Approx(B / factor));
    }
}

TEST_CASE("NE-SGD with a = 1 is plain SGD bit for bit; the second minibatch is independent",
          "[optim]") {
    const auto p = make_problem(120, 4, 3);
    for (auto mode :
         {levysgd::sampling::with_replacement, levysgd::sampling::without_replacement}) {
        levysgd::sgd<double> plain(120, 12, 0.05, 7, 1, mode);
        levysgd::noise_enhanced_sgd<double> ne1(120, 12, 0.05, 1.0, 7, 1, mode);
        Vec w1 = Vec::Zero(4), w2 = Vec::Zero(4);
        for (int k = 0; k < 200; ++k) {
            plain.step(w1, p);
            ne1.step(w2, p);
        }
        CHECK((w1.array() == w2.array()).all());
        CHECK(plain.iteration() == 200);
        CHECK(plain.time() == Approx(200 * 0.05));
    }
    // With a != 1 the first minibatch sequence is still SGD's, and B' is a
    // different, reproducible sequence.
    recording r1{make_problem(60, 2, 4), {}}, r2{make_problem(60, 2, 4), {}},
        r3{make_problem(60, 2, 4), {}};
    levysgd::sgd<double> plain(60, 6, 0.01, 9, 0, levysgd::sampling::without_replacement);
    levysgd::noise_enhanced_sgd<double> ne(60, 6, 0.01, 3.0, 9, 0,
                                           levysgd::sampling::without_replacement);
    levysgd::noise_enhanced_sgd<double> ne_again(60, 6, 0.01, 3.0, 9, 0,
                                                 levysgd::sampling::without_replacement);
    Vec w = Vec::Zero(2), w_b = Vec::Zero(2), w_c = Vec::Zero(2);
    for (int k = 0; k < 25; ++k) {
        plain.step(w, r1);
        ne.step(w_b, r2);
        ne_again.step(w_c, r3);
    }
    REQUIRE(r2.seen.size() == 50);
    std::size_t same_second = 0;
    for (int k = 0; k < 25; ++k) {
        CHECK(r2.seen[std::size_t(2 * k)] == r1.seen[std::size_t(k)]);
        same_second += r2.seen[std::size_t(2 * k + 1)] == r2.seen[std::size_t(2 * k)];
    }
    CHECK(same_second == 0);
    CHECK(r2.seen == r3.seen);
    CHECK((w_b.array() == w_c.array()).all());
}

TEST_CASE("SGLD reaches the Gibbs variance; SaS-noise steps have the SaS law", "[optim]") {
    // Every sample has loss h w^2 / 2: SGLD is the AR(1) w <- (1 - eta h) w + sqrt(2 eta T) xi
    // with stationary variance 2 eta T / (1 - (1 - eta h)^2).
    struct bowl {
        double h;
        std::size_t samples() const { return 4; }
        Eigen::Index dimension() const { return 1; }
        void gradient(Eigen::Ref<const Vec> w, std::span<const std::size_t>,
                      Eigen::Ref<Vec> g) const {
            g[0] = h * w[0];
        }
    };
    const double h = 2.0, eta = 0.05, T = 0.3;
    levysgd::sgld<double> step(4, 4, eta, T, 31, 0, levysgd::sampling::without_replacement);
    Vec w = Vec::Zero(1);
    double s = 0, s2 = 0;
    const int n = 200000;
    for (int k = 0; k < n + 1000; ++k) {
        step.step(w, bowl{h});
        if (k >= 1000) {
            s += w[0];
            s2 += w[0] * w[0];
        }
    }
    const double var = s2 / n - (s / n) * (s / n);
    const double expect = 2 * eta * T / (1 - (1 - eta * h) * (1 - eta * h));
    // Autocorrelation time (1 + r)/(1 - r) = 19 steps: ~10^4 effective samples.
    CHECK(var == Approx(expect).epsilon(0.05));

    // Zero gradient: every SaS step adds scale_l eta^(1/alpha_l) S_l.
    struct zero {
        std::size_t samples() const { return 1; }
        Eigen::Index dimension() const { return 2; }
        void gradient(Eigen::Ref<const Vec>, std::span<const std::size_t>,
                      Eigen::Ref<Vec> g) const {
            g.setZero();
        }
    };
    const std::vector<double> alpha{1.2, 1.8}, scale{0.5, 2.0};
    levysgd::stable_noise_sgd<double> sn(1, 1, 0.01, alpha, scale, 8, 0,
                                         levysgd::sampling::with_replacement);
    Vec v = Vec::Zero(2), prev = v;
    const int m = 40000;
    Eigen::MatrixXd inc(m, 2);
    for (int k = 0; k < m; ++k) {
        sn.step(v, zero{});
        inc.row(k) = (v - prev).transpose();
        prev = v;
    }
    for (int l = 0; l < 2; ++l) {
        const double f = scale[std::size_t(l)] * std::pow(0.01, 1 / alpha[std::size_t(l)]);
        for (double t : {0.5, 1.0, 2.0}) {
            const double ecf = (inc.col(l).array() * (t / f)).cos().mean();
            const double exact = std::exp(-std::pow(t, alpha[std::size_t(l)]));
            CHECK(std::abs(ecf - exact) < 4 / std::sqrt(2.0 * m));
        }
    }
}

TEST_CASE("Optimizer steps reject bad input and never half-update", "[optim]") {
    const auto p = make_problem(30, 3, 2);
    using levysgd::sampling;
    CHECK_THAT(message_of([] { levysgd::minibatch_sampler(10, 0, sampling::with_replacement, 1); }),
               Contains("batch") && Contains("0"));
    CHECK_THAT(
        message_of([] { levysgd::minibatch_sampler(10, 11, sampling::with_replacement, 1); }),
        Contains("batch") && Contains("11"));
    CHECK_THAT(message_of([] {
                   levysgd::noise_enhanced_sgd<double>(30, 5, 0.1, 0.4, 1, 0,
                                                       sampling::with_replacement);
               }),
               Contains("a ") && Contains("0.4"));
    CHECK_THAT(
        message_of([] { levysgd::sgd<double>(30, 5, -0.1, 1, 0, sampling::with_replacement); }),
        Contains("learning_rate"));
    CHECK_THAT(message_of([] {
                   levysgd::sgld<double>(30, 5, 0.1, -1.0, 1, 0, sampling::with_replacement);
               }),
               Contains("temperature"));
    CHECK_THAT(message_of([] {
                   levysgd::stable_noise_sgd<double>(30, 5, 0.1, {1.5, 2.5}, {1.0, 1.0}, 1, 0,
                                                     sampling::with_replacement);
               }),
               Contains("alpha[1]"));
    levysgd::sgd<double> s(30, 5, 0.1, 1, 0, sampling::with_replacement);
    Vec w2 = Vec::Zero(2);
    CHECK_THAT(message_of([&] { s.step(w2, p); }), Contains("w.size()") && Contains("3"));
    levysgd::sgd<double> s40(40, 5, 0.1, 1, 0, sampling::with_replacement);
    Vec w3 = Vec::Zero(3);
    CHECK_THAT(message_of([&] { s40.step(w3, p); }), Contains("oracle.samples()"));
    levysgd::stable_noise_sgd<double> sn(30, 5, 0.1, {1.5, 1.5}, {1.0, 1.0}, 1, 0,
                                         sampling::with_replacement);
    Vec w3b = Vec::Zero(3);
    CHECK_THAT(message_of([&] { sn.step(w3b, p); }), Contains("alpha.size()") && Contains("3"));
    CHECK(sn.iteration() == 0);
    // NaN gradient: runtime_error, parameters untouched.
    levysgd::noise_enhanced_sgd<double> ne(30, 30, 0.1, 2.0, 1, 0, sampling::without_replacement);
    Vec w = Vec::Constant(3, 1.0);
    std::string what;
    try {
        ne.step(w, faulty{p});
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK_THAT(what, Contains("non-finite") && Contains("index 1") && Contains("iteration 0") &&
                         Contains("not updated"));
    CHECK((w.array() == 1.0).all());
    CHECK(ne.iteration() == 0);
    // Spans work like Eigen vectors.
    std::vector<double> buf(3, 0.0);
    levysgd::sgd<double> a(30, 5, 0.1, 4, 0, sampling::with_replacement),
        b(30, 5, 0.1, 4, 0, sampling::with_replacement);
    Vec e = Vec::Zero(3);
    a.step(std::span<double>(buf), p);
    b.step(e, p);
    CHECK(buf[0] == e[0]);
    CHECK(buf[2] == e[2]);
    // Stateless form.
    const std::vector<std::size_t> i1{0, 1, 2}, i2{3, 4, 5}, bad{0, 99, 1};
    Vec x = Vec::Zero(3);
    levysgd::noise_enhanced_step<double>(x, p, i1, i2, 0.1, 2.0);
    CHECK(x.norm() > 0);
    CHECK_THAT(message_of([&] { levysgd::noise_enhanced_step<double>(x, p, i1, bad, 0.1, 2.0); }),
               Contains("sample index") && Contains("99"));
}
