// sde/: Levy-driven dynamics. Pure-jump free motion has the stable marginal
// law (empirical characteristic function at time t), per-coordinate alpha and
// the scheduler factor s_t^((alpha-1)/alpha) of Battash & Lindenbaum 2023 eq. 3,
// and the discrete SGD recursion (Simsekli et al. 2019 eq. 8) agrees in
// law with the Euler scheme of its continuous limit (eq. 9) for small eta.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <vector>

#include "levysgd_catch.hpp"

namespace {

template <int Dim> struct flat {
    using scalar_type = double;
    static constexpr int dim = Dim;
    Eigen::Index dimension() const { return Dim; }
    template <class V> double value(const V &) const { return 0; }
    template <class V, class G> void gradient(const V &, G &g) const { g.setZero(); }
};

/// Empirical E cos(t (X - shift)) and its standard error.
struct ecf {
    double value, se;
};
ecf cos_mean(const Eigen::RowVectorXd &x, double t, double shift = 0) {
    const Eigen::ArrayXd c = ((x.array() - shift) * t).cos();
    const double m = c.mean();
    return {m, std::sqrt((c - m).square().sum() / double(c.size() - 1) / double(c.size()))};
}

} // namespace

TEST_CASE("Pure-jump free motion: X_t ~ S(alpha, 0, eps t^(1/alpha))", "[sde][levy][slow]") {
    const double eps = 0.5, t_end = 2.0;
    levysgd::path_options<double> opt;
    opt.paths = 50000;
    for (double alpha : {0.7, 1.0, 1.2, 1.8}) {
        opt.seed = static_cast<std::uint64_t>(alpha * 10);
        const auto res = levysgd::simulate_paths(
            flat<1>{}, levysgd::stable_noise<double>(1, alpha, eps), levysgd::euler<double>(0.01),
            Eigen::Matrix<double, 1, 1>(0.0), levysgd_test::with_horizon(opt, t_end));
        REQUIRE(res.non_finite == 0);
        for (double u : {0.5, 1.0, 2.0}) {
            const auto e = cos_mean(res.states.row(0), u);
            const double expected = std::exp(-std::pow(eps * u, alpha) * t_end);
            INFO("alpha " << alpha << " u " << u << ": " << e.value << " +- " << e.se
                          << " expected " << expected);
            CHECK(std::abs(e.value - expected) < 5 * e.se + 1e-3);
        }
    }
}

TEST_CASE("Per-coordinate alpha and scale with a constant scheduler factor", "[sde][levy]") {
    // Coordinate l: scale eps_l s^((alpha_l - 1)/alpha_l), so X_t,l has
    // characteristic function exp(-|eps_l u|^alpha_l s^(alpha_l - 1) t).
    const std::vector<double> alpha{0.8, 1.6}, eps{0.3, 1.0};
    const double s = 0.25, t_end = 1.5;
    const levysgd::stable_noise<double, levysgd::constant_scheduler<double>> noise(
        alpha, eps, levysgd::constant_scheduler<double>(s));
    levysgd::path_options<double> opt;
    opt.paths = levysgd_test::sized(50000);
    opt.seed = 77;
    const auto res = levysgd::simulate_paths(flat<2>{}, noise, levysgd::euler<double>(0.02),
                                             Eigen::Vector2d(0.0, 0.0), levysgd_test::with_horizon(opt, t_end));
    for (int l = 0; l < 2; ++l)
        for (double u : {0.7, 1.5}) {
            const auto e = cos_mean(res.states.row(l), u);
            const double expected =
                std::exp(-std::pow(eps[l] * u, alpha[l]) * std::pow(s, alpha[l] - 1) * t_end);
            INFO("coordinate " << l << " u " << u << ": " << e.value << " +- " << e.se
                               << " expected " << expected);
            CHECK(std::abs(e.value - expected) < 5 * e.se + 1e-3);
        }
    // The two coordinates are independent: E cos(u x0 + v x1) factorises
    // into E cos(u x0) E cos(v x1) (both laws symmetric). The bound is about
    // 3 standard errors of the joint mean (each cos term has variance <= 1/2).
    const Eigen::ArrayXd joint =
        (0.7 * res.states.row(0).array() + 1.5 * res.states.row(1).array()).cos();
    const double prod =
        cos_mean(res.states.row(0), 0.7).value * cos_mean(res.states.row(1), 1.5).value;
    CHECK(std::abs(joint.mean() - prod) < 0.01 * std::sqrt(50000.0 / double(opt.paths)));
}

TEST_CASE("A time-dependent scheduler: X_t scale^alpha = eps^alpha sum s_tk^(alpha-1) dt",
          "[sde][levy][slow]") {
    const double alpha = 1.4, eps = 0.8, dt = 0.01, t_end = 2.0;
    const levysgd::exponential_scheduler<double> sched(0.5, 0.1);
    const levysgd::stable_noise<double, levysgd::exponential_scheduler<double>> noise(1, alpha, eps,
                                                                                      sched);
    levysgd::path_options<double> opt;
    opt.paths = 50000;
    opt.seed = 4;
    const auto res = levysgd::simulate_paths(flat<1>{}, noise, levysgd::euler<double>(dt),
                                             Eigen::Matrix<double, 1, 1>(0.0), levysgd_test::with_horizon(opt, t_end));
    double sum = 0;
    for (std::uint64_t k = 0; k < res.steps; ++k)
        sum += std::pow(sched(double(k) * dt), alpha - 1) * dt;
    const double scale = eps * std::pow(sum, 1 / alpha);
    // Without the scheduler the scale would be eps t^(1/alpha) = 1.31 eps; here 0.73 eps.
    for (double u : {0.8, 1.6}) {
        const auto e = cos_mean(res.states.row(0), u);
        const double expected = std::exp(-std::pow(scale * u, alpha));
        INFO("u " << u << ": " << e.value << " +- " << e.se << " expected " << expected);
        CHECK(std::abs(e.value - expected) < 5 * e.se + 1e-3);
    }
}

TEST_CASE("The SGD recursion and the Euler scheme of its limit SDE agree in law",
          "[sde][levy][slow]") {
    // f = x^2/2, SaS gradient noise of scale sigma, learning rate eta:
    // SGD (eq. 8) for K = T/eta steps vs Euler of eq. 9 with dt = eta/10.
    // The SDE's exact law at T: x0 e^-T + S(alpha, 0, eps ((1 - e^(-alpha T))/alpha)^(1/alpha)),
    // eps = eta^((alpha-1)/alpha) sigma.
    const double alpha = 1.5, sigma = 1.0, eta = 0.01, t_end = 1.0, x0 = 1.0;
    const levysgd::quadratic<double, 1> f((Eigen::Matrix<double, 1, 1>() << 1.0).finished(),
                                          Eigen::Matrix<double, 1, 1>(0.0));
    const double eps = levysgd::sgd_limit_scale(eta, sigma, alpha);
    CHECK(eps == Approx(std::pow(eta, 1.0 / 3.0)));
    const double scale = eps * std::pow((1 - std::exp(-alpha * t_end)) / alpha, 1 / alpha);
    const double shift = x0 * std::exp(-t_end);
    levysgd::path_options<double> opt;
    opt.paths = 100000;
    opt.seed = 21;
    const auto sgd = levysgd::simulate_paths(f, levysgd::stable_noise<double>(1, alpha, sigma),
                                             levysgd::sgd_recursion<double>(eta),
                                             Eigen::Matrix<double, 1, 1>(x0), levysgd_test::with_horizon(opt, t_end));
    REQUIRE(sgd.steps == 100);
    opt.seed = 22;
    const auto sde = levysgd::simulate_paths(f, levysgd::stable_noise<double>(1, alpha, eps),
                                             levysgd::euler<double>(eta / 10),
                                             Eigen::Matrix<double, 1, 1>(x0), levysgd_test::with_horizon(opt, t_end));
    REQUIRE(sde.steps == 1000);
    for (double u : {2.0, 5.0, 10.0}) {
        const auto a = cos_mean(sgd.states.row(0), u, shift);
        const auto b = cos_mean(sde.states.row(0), u, shift);
        const double expected = std::exp(-std::pow(scale * u, alpha));
        INFO("u " << u << ": SGD " << a.value << " +- " << a.se << ", Euler " << b.value << " +- "
                  << b.se << ", exact " << expected);
        // O(eta) discretisation error in the scale: |d cf| <= alpha |log cf| cf * 1.5 eta
        const double bias = alpha * std::abs(std::log(expected)) * expected * 1.5 * eta;
        CHECK(std::abs(a.value - expected) < 5 * a.se + bias);
        CHECK(std::abs(b.value - expected) < 5 * b.se + bias / 10);
        CHECK(std::abs(a.value - b.value) < 5 * std::hypot(a.se, b.se) + bias);
    }
}

TEST_CASE("Transition study: counts, occupation and symmetry of a symmetric double well",
          "[sde][levy][slow]") {
    using V1 = Eigen::Matrix<double, 1, 1>;
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0, 1.0);
    const levysgd::interval_basins<double> basins({-1.5, 0.5}, {-0.5, 1.5});
    const levysgd::stable_noise<double> noise(1, 1.2, 0.15);
    levysgd::transition_options<double> opt;
    opt.paths = 200;
    opt.horizon = 400;
    opt.seed = 12;
    // Plain Euler explodes after large jumps into the cubic walls (flagged,
    // not counted); the tamed scheme does not.
    const auto explicit_euler =
        levysgd::transition_study(dw, noise, levysgd::euler<double>(0.01), basins, V1(-1.0), opt);
    CHECK(explicit_euler.non_finite > 0);
    const auto r = levysgd::transition_study(dw, noise, levysgd::tamed_euler<double>(0.01), basins,
                                             V1(-1.0), opt);
    REQUIRE(r.non_finite == 0);
    // Every step is accounted for: labelled + unlabelled time = paths x horizon.
    CHECK(r.occupation.sum() + r.unlabelled_time == Approx(200 * 400.0).epsilon(1e-9));
    CHECK(r.unlabelled_time == 0); // starts inside basin 0
    CHECK(r.counts(0, 0) == 0);
    CHECK(r.counts(0, 1) > 100);
    // Transitions alternate, so per path |n01 - n10| <= 1.
    CHECK(std::abs(double(r.counts(0, 1)) - double(r.counts(1, 0))) <= 200);
    // Symmetric well: equal equilibrium weights and rates (the start in
    // basin 0 biases the weights by about one residence time per path).
    const auto pi = r.occupation_fraction();
    INFO("pi " << pi.transpose() << " counts\n" << r.counts);
    CHECK(std::abs(pi[0] - 0.5) < 0.05);
    const auto q = r.rates();
    CHECK(q(0, 1) == Approx(q(1, 0)).epsilon(0.15));
    CHECK(q(0, 0) == -q(0, 1));
    CHECK(r.mean_residence_time(0) == Approx(1 / q(0, 1)).epsilon(1e-12));
    CHECK(r.jump_probabilities()(0, 1) == 1.0);
    // Same counts on 1 and 2 threads.
    opt.threads = 1;
    const auto r1 = levysgd::transition_study(dw, noise, levysgd::tamed_euler<double>(0.01), basins,
                                              V1(-1.0), opt);
    opt.threads = 2;
    const auto r2 = levysgd::transition_study(dw, noise, levysgd::tamed_euler<double>(0.01), basins,
                                              V1(-1.0), opt);
    CHECK(r1.counts == r2.counts);
    CHECK(r1.occupation == r2.occupation);
}
