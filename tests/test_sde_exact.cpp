// sde/: Euler-Maruyama against exact results (Ornstein-Uhlenbeck moments,
// the mean exit time of Brownian motion with drift, weak order 1),
// determinism across thread counts, censoring and non-finite paths.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <limits>
#include <vector>

#include "levysgd_catch.hpp"

namespace {

using V1 = Eigen::Matrix<double, 1, 1>;

// f(x) = -mu x: constant drift mu.
struct linear_drift {
    using scalar_type = double;
    static constexpr int dim = 1;
    double mu;
    Eigen::Index dimension() const { return 1; }
    template <class V> double value(const V &x) const { return -mu * x[0]; }
    template <class V, class G> void gradient(const V &, G &g) const { g[0] = -mu; }
};

// f = 0 in n dimensions (free motion).
template <int Dim> struct flat {
    using scalar_type = double;
    static constexpr int dim = Dim;
    Eigen::Index n = Dim;
    Eigen::Index dimension() const { return n; }
    template <class V> double value(const V &) const { return 0; }
    template <class V, class G> void gradient(const V &, G &g) const { g.setZero(); }
};

// Gradient NaN beyond x = 0.5 (a model that breaks down).
struct breaks_down {
    using scalar_type = double;
    static constexpr int dim = 1;
    Eigen::Index dimension() const { return 1; }
    template <class V> double value(const V &x) const { return x[0] > 0.5 ? std::nan("") : 0.0; }
    template <class V, class G> void gradient(const V &x, G &g) const {
        g[0] = x[0] > 0.5 ? std::nan("") : 0.0;
    }
};

struct mean_var {
    double mean, var;
};
mean_var moments(const Eigen::RowVectorXd &x) {
    const double m = x.mean();
    return {m, (x.array() - m).square().sum() / double(x.size() - 1)};
}

} // namespace

TEST_CASE("Euler-Maruyama: Ornstein-Uhlenbeck moments after time t", "[sde][slow]") {
    // dX = -theta X dt + sigma dW, X_0 = 2. Euler: X_k mean x0 r^k and variance
    // sigma^2 dt (1 - r^(2k)) / (1 - r^2), r = 1 - theta dt (exact for the scheme);
    // the SDE: x0 e^(-theta t) and sigma^2 (1 - e^(-2 theta t)) / (2 theta).
    const double theta = 1.5, sigma = 0.8, dt = 0.01, t = 1.0, x0 = 2.0;
    const levysgd::quadratic<double, 1> ou((Eigen::Matrix<double, 1, 1>() << theta).finished(),
                                           V1(0.0));
    const auto noise = levysgd::gaussian_noise<double>::isotropic(1, sigma);
    levysgd::path_options<double> opt;
    opt.paths = 200000;
    opt.seed = 11;
    const auto res = levysgd::simulate_paths(ou, noise, levysgd::euler<double>(dt), V1(x0), levysgd_test::with_horizon(opt, t));
    REQUIRE(res.steps == 100);
    REQUIRE(res.non_finite == 0);
    const auto mv = moments(res.states.row(0));
    const double r = 1 - theta * dt, k = 100;
    const double mean_d = x0 * std::pow(r, k);
    const double var_d = sigma * sigma * dt * (1 - std::pow(r, 2 * k)) / (1 - r * r);
    const double mean_c = x0 * std::exp(-theta * t);
    const double var_c = sigma * sigma * (1 - std::exp(-2 * theta * t)) / (2 * theta);
    const double n = double(opt.paths);
    INFO("mean " << mv.mean << " (scheme " << mean_d << ", SDE " << mean_c << "), var " << mv.var
                 << " (scheme " << var_d << ", SDE " << var_c << ")");
    CHECK(std::abs(mv.mean - mean_d) < 4 * std::sqrt(var_d / n));
    CHECK(std::abs(mv.var - var_d) < 4 * var_d * std::sqrt(2 / n));
    // The scheme's bias is O(dt): within 2% of the SDE here.
    CHECK(std::abs(mv.mean - mean_c) < 0.02 * mean_c);
    CHECK(std::abs(mv.var - var_c) < 0.02 * var_c);
}

TEST_CASE("Gaussian noise with a covariance matrix: free motion has covariance Sigma t", "[sde]") {
    Eigen::Matrix2d cov;
    cov << 2.0, -0.6, -0.6, 0.5;
    const auto noise = levysgd::gaussian_noise<double>::with_covariance(cov);
    levysgd::path_options<double> opt;
    opt.paths = levysgd_test::sized(100000);
    opt.seed = 5;
    const double t = 3.0;
    const auto res = levysgd::simulate_paths(flat<2>{}, noise, levysgd::euler<double>(0.05),
                                             Eigen::Vector2d(1.0, -1.0), levysgd_test::with_horizon(opt, t));
    const Eigen::Vector2d mean = res.states.rowwise().mean();
    const Eigen::Matrix2Xd c = res.states.colwise() - mean;
    const Eigen::Matrix2d emp = c * c.transpose() / double(opt.paths - 1);
    INFO("empirical covariance\n" << emp);
    // sd of a covariance entry: sqrt((S_ii S_jj + S_ij^2) / n), S = Sigma t
    const Eigen::Matrix2d s = cov * t;
    for (int i = 0; i < 2; ++i)
        for (int j = 0; j < 2; ++j)
            CHECK(std::abs(emp(i, j) - s(i, j)) <
                  4 * std::sqrt((s(i, i) * s(j, j) + s(i, j) * s(i, j)) / opt.paths));
    CHECK(std::abs(mean[0] - 1.0) < 4 * std::sqrt(s(0, 0) / opt.paths));
}

TEST_CASE("Mean exit time of Brownian motion with drift from an interval", "[sde][slow]") {
    // dX = mu dt + sigma dW on (a, b): T(x) = [(b - a) p(x) - (x - a)] / mu with
    // p(x) = (1 - e^(-g (x - a))) / (1 - e^(-g (b - a))), g = 2 mu / sigma^2
    // (solution of mu T' + sigma^2 T''/2 = -1, T(a) = T(b) = 0). Monitoring the
    // boundary only at the steps delays the exit; to first order this is the
    // exact formula on the interval widened by 0.5826 sigma sqrt(dt) on each side
    // (Broadie, Glasserman & Kou 1997), which is what the test compares with.
    const double mu = 0.5, sigma = 1.0, a = 0.0, b = 1.0, x0 = 0.4, dt = 1e-4;
    auto exact = [&](double lo, double hi) {
        const double g = 2 * mu / (sigma * sigma);
        const double p = (1 - std::exp(-g * (x0 - lo))) / (1 - std::exp(-g * (hi - lo)));
        return ((hi - lo) * p - (x0 - lo)) / mu;
    };
    const double shift = 0.5826 * sigma * std::sqrt(dt);
    const double expected = exact(a - shift, b + shift);
    levysgd::escape_options<double> opt;
    opt.paths = 20000;
    opt.horizon = 50;
    opt.seed = 3;
    const auto res = levysgd::escape_study(
        linear_drift{mu}, levysgd::gaussian_noise<double>::isotropic(1, sigma),
        levysgd::euler_maruyama<double>(dt), levysgd::interval<double>(a, b), V1(x0), opt);
    REQUIRE(res.exited == opt.paths);
    const double se = res.exit_time_sd / std::sqrt(double(res.exited));
    INFO("simulated " << res.mean_exit_time.value << " +- " << se << ", exact " << exact(a, b)
                      << ", with the discrete-monitoring shift " << expected);
    CHECK(std::abs(res.mean_exit_time.value - expected) < 4 * se + 0.003 * expected);
    CHECK(res.mean_exit_time.low < res.mean_exit_time.value);
    CHECK(res.mean_exit_time.high - res.mean_exit_time.value ==
          Approx(1.959964 * se).epsilon(1e-5));
    // Exit probability through b: p(x0) (drift up: more than the driftless 0.4)
    const double p_b = (1 - std::exp(-2 * mu * (x0 - a - 0 * shift))) / (1 - std::exp(-2 * mu));
    CHECK(std::abs(res.channel_probability(0, 1) - p_b) < 0.02);
    CHECK(res.channel_probability(0, -1) + res.channel_probability(0, 1) == Approx(1.0));
    // With no censoring the rate estimate is 1 / mean.
    CHECK(res.escape_rate.value == Approx(1 / res.mean_exit_time.value).epsilon(1e-9));
}

TEST_CASE("Euler-Maruyama has weak order 1 on a linear SDE", "[sde][slow]") {
    // dX = -X dt + dW, X_0 = 1, t = 1; f(X) = X^2. E X_t^2 = e^-2 + (1 - e^-2)/2.
    // The error of the scheme, mean^2 + var of the recursion minus the SDE's,
    // halves with dt; the Monte Carlo estimates must match the scheme's exact
    // moments and show the halving.
    const double exact = std::exp(-2.0) + (1 - std::exp(-2.0)) / 2;
    const levysgd::quadratic<double, 1> ou((Eigen::Matrix<double, 1, 1>() << 1.0).finished(),
                                           V1(0.0));
    const auto noise = levysgd::gaussian_noise<double>::isotropic(1, 1.0);
    levysgd::path_options<double> opt;
    opt.paths = 1000000;
    std::vector<double> err;
    for (double dt : {0.2, 0.1, 0.05}) {
        opt.seed = 100 + err.size();
        const auto res =
            levysgd::simulate_paths(ou, noise, levysgd::euler<double>(dt), V1(1.0), levysgd_test::with_horizon(opt, 1.0));
        const Eigen::ArrayXd x2 = res.states.row(0).array().square();
        const double est = x2.mean();
        const double se = std::sqrt((x2 - est).square().sum() / (opt.paths - 1) / opt.paths);
        const double r = 1 - dt, k = std::round(1 / dt);
        const double scheme = std::pow(r, 2 * k) + dt * (1 - std::pow(r, 2 * k)) / (1 - r * r);
        INFO("dt " << dt << ": E X^2 = " << est << " +- " << se << ", scheme " << scheme << ", SDE "
                   << exact);
        CHECK(std::abs(est - scheme) < 4 * se);
        err.push_back(est - exact);
    }
    INFO("errors " << err[0] << " " << err[1] << " " << err[2]);
    CHECK(err[0] / err[1] > 1.6);
    CHECK(err[0] / err[1] < 2.7);
    CHECK(err[1] / err[2] > 1.5);
    CHECK(err[1] / err[2] < 2.9);
}

TEST_CASE("Escape studies are identical for any thread count", "[sde]") {
    const auto dw = levysgd::double_well(-1.0, 0.2, 1.0, 2.0);
    const auto noise = levysgd::mixture_noise(levysgd::gaussian_noise<double>::isotropic(1, 0.3),
                                              levysgd::stable_noise<double>(1, 1.2, 0.2));
    levysgd::escape_options<double> opt;
    opt.paths = 333;
    opt.horizon = 20;
    opt.seed = 9;
    opt.first_stream = 1000;
    std::vector<levysgd::escape_result<double, 1>> runs;
    for (unsigned th : {1u, 2u, 3u}) {
        opt.threads = th;
        runs.push_back(levysgd::escape_study(dw, noise, levysgd::euler<double>(1e-2),
                                             levysgd::interval<double>(-3.0, 0.2), V1(-1.0), opt));
    }
    REQUIRE(runs[0].exited > 0);
    for (const auto &r : runs) {
        CHECK(r.exited == runs[0].exited);
        CHECK(r.censored == runs[0].censored);
        CHECK(r.mean_exit_time.value == runs[0].mean_exit_time.value);
        CHECK(r.escape_rate.value == runs[0].escape_rate.value);
        for (std::size_t i = 0; i < opt.paths; ++i) {
            CHECK(r.path_records[i].time == runs[0].path_records[i].time);
            CHECK(r.path_records[i].point[0] == runs[0].path_records[i].point[0]);
        }
    }
    // A path's result depends only on its stream: a study of paths 1100..1149
    // reproduces paths 100..149 of the big one.
    opt.first_stream = 1100;
    opt.paths = 50;
    const auto part = levysgd::escape_study(dw, noise, levysgd::euler<double>(1e-2),
                                            levysgd::interval<double>(-3.0, 0.2), V1(-1.0), opt);
    for (std::size_t i = 0; i < 50; ++i)
        CHECK(part.path_records[i].time == runs[0].path_records[100 + i].time);
    // simulate_paths too.
    levysgd::path_options<double> po;
    po.paths = 200;
    po.threads = 1;
    const auto s1 =
        levysgd::simulate_paths(dw, noise, levysgd::euler<double>(1e-2), V1(-1.0), levysgd_test::with_horizon(po, 5.0));
    po.threads = 2;
    const auto s2 =
        levysgd::simulate_paths(dw, noise, levysgd::euler<double>(1e-2), V1(-1.0), levysgd_test::with_horizon(po, 5.0));
    CHECK((s1.states.array() == s2.states.array()).all());
}

TEST_CASE("Censored and non-finite paths are counted, never dropped or called exits", "[sde]") {
    const auto noise = levysgd::gaussian_noise<double>::isotropic(1, 1.0);
    levysgd::escape_options<double> opt;
    opt.paths = 500;
    opt.horizon = 0.05;
    // Far boundary, short horizon: every path is censored.
    auto r = levysgd::escape_study(linear_drift{0.0}, noise, levysgd::euler<double>(1e-3),
                                   levysgd::interval<double>(-10.0, 10.0), V1(0.0), opt);
    CHECK(r.censored == 500);
    CHECK(r.exited == 0);
    CHECK(std::isnan(r.mean_exit_time.value));
    CHECK(r.escape_rate.value == 0);
    // one-sided 95% upper bound on the rate: -log(0.05) / total time at risk
    CHECK(r.escape_rate.high == Approx(-std::log(0.05) / (500 * 0.05)).epsilon(1e-9));
    CHECK(r.restricted_mean == Approx(0.05).epsilon(1e-12));
    CHECK(r.path_records[7].status == levysgd::path_status::censored);
    // The progress bar (forced on; normally only when stderr is a terminal)
    // does not change results.
    opt.progress = levysgd::progress_mode::always;
    const auto r_bar = levysgd::escape_study(linear_drift{0.0}, noise, levysgd::euler<double>(1e-3),
                                             levysgd::interval<double>(-10.0, 10.0), V1(0.0), opt);
    CHECK(r_bar.restricted_mean == r.restricted_mean);
    opt.progress = levysgd::progress_mode::automatic;
    // Mixed: near boundary, horizon 0.5.
    opt.horizon = 0.5;
    r = levysgd::escape_study(linear_drift{0.0}, noise, levysgd::euler<double>(1e-3),
                              levysgd::interval<double>(-1.0, 1.0), V1(0.0), opt);
    CHECK(r.exited > 0);
    CHECK(r.censored > 0);
    CHECK(r.exited + r.censored == 500);
    // rate = exits / (sum of exit times + censored * horizon)
    double exposure = 0;
    for (const auto &p : r.path_records)
        exposure += p.time;
    CHECK(r.escape_rate.value == Approx(r.exited / exposure).epsilon(1e-12));
    CHECK(r.restricted_mean <= 0.5);
    CHECK(r.restricted_mean > r.mean_exit_time.value);
    // The model breaks down beyond x = 0.5: flagged as non-finite, not as exits.
    opt.horizon = 1;
    r = levysgd::escape_study(breaks_down{}, noise, levysgd::euler<double>(1e-3),
                              levysgd::interval<double>(-10.0, 10.0), V1(0.0), opt);
    CHECK(r.exited == 0);
    CHECK(r.non_finite + r.censored == 500);
    // P(max of W on [0, 1] > 0.5) = 2 (1 - Phi(0.5)) = 0.617
    CHECK(r.non_finite > 250);
    std::size_t flagged = 0;
    for (const auto &p : r.path_records)
        flagged += p.status == levysgd::path_status::non_finite;
    CHECK(flagged == r.non_finite);
}

TEST_CASE("Exit channels: a symmetric box is left through each side equally often", "[sde]") {
    const auto noise = levysgd::gaussian_noise<double>::isotropic(2, 1.0);
    levysgd::escape_options<double> opt;
    opt.paths = levysgd_test::sized(8000);
    opt.horizon = 100;
    const auto r = levysgd::escape_study(
        flat<2>{}, noise, levysgd::euler<double>(1e-3),
        levysgd::box<double, 2>(Eigen::Vector2d(-1, -1), Eigen::Vector2d(1, 1)),
        Eigen::Vector2d::Zero(), opt);
    REQUIRE(r.exited == opt.paths);
    REQUIRE(r.channels.size() == 4);
    for (const auto &c : r.channels) {
        INFO("coordinate " << c.coordinate << " side " << c.side << ": " << c.probability.value);
        CHECK(std::abs(c.probability.value - 0.25) < 4 * std::sqrt(0.25 * 0.75 / opt.paths));
        CHECK(c.probability.low < c.probability.value);
        CHECK(c.probability.high > c.probability.value);
    }
    CHECK(r.axis_probability(0) + r.axis_probability(1) == Approx(1.0));
}

TEST_CASE("Hessian-shaped noise: dX = -H X dt + sqrt(c H) dW has stationary covariance c/2 I",
          "[sde][slow]") {
    // Lyapunov equation H S + S H = c H has the solution S = c/2 I for any
    // positive-definite H (the flatness-blind equilibrium of SGD noise C = H/B
    // in Xie et al. 2021 Sec. 3).
    Eigen::Matrix2d h;
    h << 2.0, 0.5, 0.5, 1.0;
    const levysgd::quadratic<double, 2> q(h, Eigen::Vector2d::Zero());
    const double c = 0.3;
    levysgd::path_options<double> opt;
    opt.paths = 20000;
    opt.seed = 8;
    const auto res =
        levysgd::simulate_paths(q, levysgd::hessian_noise(q, c), levysgd::euler<double>(0.005),
                                Eigen::Vector2d(1.0, 1.0), levysgd_test::with_horizon(opt, 8.0));
    REQUIRE(res.non_finite == 0);
    const Eigen::Vector2d mean = res.states.rowwise().mean();
    const Eigen::Matrix2Xd d = res.states.colwise() - mean;
    const Eigen::Matrix2d emp = d * d.transpose() / double(opt.paths - 1);
    INFO("stationary covariance\n" << emp);
    const double se = (c / 2) * std::sqrt(2.0 / opt.paths);
    CHECK(std::abs(emp(0, 0) - c / 2) < 4 * se + 0.01 * c);
    CHECK(std::abs(emp(1, 1) - c / 2) < 4 * se + 0.01 * c);
    CHECK(std::abs(emp(0, 1)) < 4 * se + 0.01 * c);
}

TEST_CASE("Hessian-shaped noise: clipped where f'' < 0, N(0, c f'' h) elsewhere", "[sde]") {
    // 1-D: the clipped Hessian gives no noise where f'' < 0 (at the saddle).
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::hessian_noise hn(dw, 1.0);
    auto src = hn.make_source(1); // a source refers to its model: keep the model alive
    src.start(0);
    V1 dn;
    src.increment(V1(0.0), 0.0, 0.1, dn);
    CHECK(dn[0] == 0.0);
    src.increment(V1(1.0), 0.0, 0.1, dn);
    CHECK(dn[0] != 0.0);
    // f''(1) = 2: increments over h = 0.1 have variance c f'' h = 0.2.
    double s2 = 0;
    for (int k = 0; k < 20000; ++k) {
        src.increment(V1(1.0), 0.0, 0.1, dn);
        s2 += dn[0] * dn[0];
    }
    CHECK(s2 / 20000 == Approx(0.2).epsilon(4 * std::sqrt(2.0 / 20000)));
    // 2-D source on a quadratic: covariance c H h.
    Eigen::Matrix2d h2;
    h2 << 2.0, 0.5, 0.5, 1.0;
    const levysgd::quadratic<double, 2> q(h2, Eigen::Vector2d::Zero());
    const levysgd::hessian_noise hq(q, 0.5);
    auto s2d = hq.make_source(2);
    s2d.start(0);
    Eigen::Matrix2d acc = Eigen::Matrix2d::Zero();
    Eigen::Vector2d d2;
    for (int k = 0; k < 20000; ++k) {
        s2d.increment(Eigen::Vector2d::Zero(), 0.0, 1.0, d2);
        acc += d2 * d2.transpose();
    }
    acc /= 20000;
    INFO("covariance\n" << acc);
    CHECK((acc - 0.5 * h2).cwiseAbs().maxCoeff() < 0.05);
}

namespace {
// Forwards to a built-in potential but hides its gradient_batch(): forces the
// scalar path of the studies.
template <class P> struct scalar_only {
    using scalar_type = typename P::scalar_type;
    static constexpr int dim = P::dim;
    P p;
    Eigen::Index dimension() const { return p.dimension(); }
    template <class V> scalar_type value(const V &x) const { return p.value(x); }
    template <class V, class G> void gradient(const V &x, G &g) const { p.gradient(x, g); }
};
} // namespace

TEST_CASE("The SIMD lane path gives the scalar path's results", "[sde]") {
    // Same operations per lane; the compiler may fuse multiply-adds differently
    // in the two code shapes (-march=native enables FMA), so states agree to
    // rounding and the exit decisions (steps) agree exactly here.
    STATIC_REQUIRE(
        levysgd::detail::batch_capable<levysgd::polynomial_well<double>,
                                       levysgd::stable_noise<double>, levysgd::euler<double>,
                                       levysgd::interval<double>>);
    STATIC_REQUIRE(
        !levysgd::detail::batch_capable<scalar_only<levysgd::polynomial_well<double>>,
                                        levysgd::stable_noise<double>, levysgd::euler<double>,
                                        levysgd::interval<double>>);
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.5, 2.0);
    const scalar_only<levysgd::polynomial_well<double>> dw_scalar{dw};
    levysgd::escape_options<double> opt;
    opt.paths = 301;
    opt.horizon = 30;
    opt.seed = 41;
    const levysgd::interval<double> dom(-4.0, 0.0);
    auto same = [&](const auto &a, const auto &b) {
        REQUIRE(a.exited == b.exited);
        REQUIRE(a.exited > 0);
        CHECK(a.censored == b.censored);
        CHECK(a.non_finite == b.non_finite);
        for (std::size_t i = 0; i < opt.paths; ++i) {
            CHECK(a.path_records[i].steps == b.path_records[i].steps);
            CHECK(a.path_records[i].point[0] ==
                  Approx(b.path_records[i].point[0]).epsilon(1e-9).margin(1e-12));
        }
        CHECK(a.mean_exit_time.value == Approx(b.mean_exit_time.value).epsilon(1e-12));
    };
    {
        const levysgd::stable_noise<double> noise(1, 1.3, 0.3);
        same(levysgd::escape_study(dw, noise, levysgd::euler<double>(1e-2), dom, V1(-1.0), opt),
             levysgd::escape_study(dw_scalar, noise, levysgd::euler<double>(1e-2), dom, V1(-1.0),
                                   opt));
        same(levysgd::escape_study(dw, noise, levysgd::tamed_euler<double>(1e-2), dom, V1(-1.0),
                                   opt),
             levysgd::escape_study(dw_scalar, noise, levysgd::tamed_euler<double>(1e-2), dom,
                                   V1(-1.0), opt));
        same(levysgd::escape_study(dw, noise, levysgd::sgd_recursion<double>(1e-2), dom, V1(-1.0),
                                   opt),
             levysgd::escape_study(dw_scalar, noise, levysgd::sgd_recursion<double>(1e-2), dom,
                                   V1(-1.0), opt));
    }
    {
        const auto noise = levysgd::gaussian_noise<double>::isotropic(1, 0.5);
        same(levysgd::escape_study(dw, noise, levysgd::euler<double>(1e-2), dom, V1(-1.0), opt),
             levysgd::escape_study(dw_scalar, noise, levysgd::euler<double>(1e-2), dom, V1(-1.0),
                                   opt));
    }
    // 2-D quadratic, correlated Gaussian noise, ball; and simulate_paths.
    Eigen::Matrix2d h, cov;
    h << 2.0, 0.5, 0.5, 1.0;
    cov << 1.0, 0.3, 0.3, 0.5;
    const levysgd::quadratic<double, 2> q(h, Eigen::Vector2d::Zero());
    const scalar_only<levysgd::quadratic<double, 2>> q_scalar{q};
    const auto noise = levysgd::gaussian_noise<double>::with_covariance(cov);
    const levysgd::ball<double, 2> bl(Eigen::Vector2d::Zero(), 1.5);
    const auto a = levysgd::escape_study(q, noise, levysgd::euler<double>(1e-2), bl,
                                         Eigen::Vector2d::Zero(), opt);
    const auto b = levysgd::escape_study(q_scalar, noise, levysgd::euler<double>(1e-2), bl,
                                         Eigen::Vector2d::Zero(), opt);
    REQUIRE(a.exited == b.exited);
    for (std::size_t i = 0; i < opt.paths; ++i) {
        CHECK(a.path_records[i].steps == b.path_records[i].steps);
        CHECK((a.path_records[i].point - b.path_records[i].point).norm() < 1e-9);
    }
    levysgd::path_options<double> po;
    po.paths = 101;
    const auto s1 = levysgd::simulate_paths(q, noise, levysgd::euler<double>(1e-2),
                                            Eigen::Vector2d(1, 1), levysgd_test::with_horizon(po, 2.0));
    const auto s2 = levysgd::simulate_paths(q_scalar, noise, levysgd::euler<double>(1e-2),
                                            Eigen::Vector2d(1, 1), levysgd_test::with_horizon(po, 2.0));
    CHECK((s1.states - s2.states).cwiseAbs().maxCoeff() < 1e-12);
    // Thread count does not matter on the SIMD path either.
    opt.threads = 1;
    const auto c1 = levysgd::escape_study(q, noise, levysgd::euler<double>(1e-2), bl,
                                          Eigen::Vector2d::Zero(), opt);
    opt.threads = 3;
    const auto c3 = levysgd::escape_study(q, noise, levysgd::euler<double>(1e-2), bl,
                                          Eigen::Vector2d::Zero(), opt);
    for (std::size_t i = 0; i < opt.paths; ++i)
        CHECK(c1.path_records[i].time == c3.path_records[i].time);
}
