// theory/: the closed forms against values computed by hand (python3-mpmath,
// 30 digits; see the comments), their invariances, the exact 1-D exit time
// against Brownian-motion closed forms, and the input checks. The Monte
// Carlo validation against the simulator is in test_theory_validation.cpp.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <numbers>
#include <vector>

#include <Eigen/QR>

#include "levysgd_catch.hpp"

using levysgd_test::message_of;

namespace {
struct jump_source { // a fixed noise increment
    double d;
    template <class V, class D> void increment(const V &, double, double, D &dn) { dn[0] = d; }
};
Eigen::Matrix3d rotation() {
    Eigen::Matrix3d q;
    q = Eigen::AngleAxisd(0.7, Eigen::Vector3d(1, 2, 3).normalized());
    return q;
}
} // namespace

TEST_CASE("kramers_escape_time: 1-D value and the n-D form", "[theory]") {
    // mpmath: 2 pi / sqrt(2 * 1) exp(4) = 242.573189237267178...
    CHECK(levysgd::kramers_escape_time(2.0, -1.0, 1.0, 0.25) ==
          Approx(242.573189237267178).epsilon(1e-14));
    Eigen::Matrix<double, 1, 1> ha(2.0), hb(-1.0);
    CHECK(levysgd::kramers_escape_time(ha, hb, 1.0, 0.25) ==
          Approx(242.573189237267178).epsilon(1e-14));

    // n-D: diagonal H_a = diag(2, 3, 5), H_b = diag(-1, 4, 6):
    // tau = 2 pi sqrt(24 / 30) / 1 exp(dL / D), invariant under a rotation.
    const Eigen::Vector3d a(2, 3, 5), b(-1, 4, 6);
    const double expect = 2 * std::numbers::pi * std::sqrt(24.0 / 30.0) * std::exp(3.0);
    const Eigen::Matrix3d da = a.asDiagonal(), db = b.asDiagonal();
    CHECK(levysgd::kramers_escape_time(da, db, 1.5, 0.5) == Approx(expect).epsilon(1e-13));
    const Eigen::Matrix3d q = rotation();
    const Eigen::Matrix3d ra = q * da * q.transpose(), rb = q * db * q.transpose();
    CHECK(levysgd::kramers_escape_time(ra, rb, 1.5, 0.5) == Approx(expect).epsilon(1e-12));
    // A time beyond the double range is refused, naming the cause (was +inf).
    CHECK_THAT(message_of([] { levysgd::kramers_escape_time(2.0, -1.0, 1000.0, 1.0); }),
               Catch::Matchers::Contains("barrier / D") &&
                   Catch::Matchers::Contains("double range"));
}

TEST_CASE("kramers_escape_time rejects what is not a minimum / saddle", "[theory]") {
    using levysgd::kramers_escape_time;
    const Eigen::Matrix2d ok_a = Eigen::Vector2d(1, 2).asDiagonal();
    const Eigen::Matrix2d ok_b = Eigen::Vector2d(-1, 2).asDiagonal();
    CHECK_THAT(message_of([&] { kramers_escape_time(ok_b, ok_b, 1, 1); }),
               Catch::Contains("H_a") && Catch::Contains("positive definite"));
    const Eigen::Matrix2d two_neg = Eigen::Vector2d(-1, -2).asDiagonal();
    CHECK_THAT(message_of([&] { kramers_escape_time(ok_a, two_neg, 1, 1); }),
               Catch::Contains("H_b") && Catch::Contains("exactly one negative"));
    const Eigen::Matrix2d zero = Eigen::Vector2d(-1, 0).asDiagonal();
    CHECK_THAT(message_of([&] { kramers_escape_time(ok_a, zero, 1, 1); }),
               Catch::Contains("H_b") && Catch::Contains("second eigenvalue"));
    const Eigen::Matrix2d min_b = Eigen::Vector2d(1, 2).asDiagonal();
    CHECK_THAT(message_of([&] { kramers_escape_time(ok_a, min_b, 1, 1); }),
               Catch::Contains("H_b") && Catch::Contains("got 1"));
    Eigen::Matrix2d asym = ok_a;
    asym(0, 1) = 0.5;
    CHECK_THAT(message_of([&] { kramers_escape_time(asym, ok_b, 1, 1); }),
               Catch::Contains("symmetric"));
    const Eigen::Matrix3d big = Eigen::Vector3d(1, 2, 3).asDiagonal();
    CHECK_THAT(message_of([&] { kramers_escape_time(big, ok_b, 1, 1); }),
               Catch::Contains("dimension"));
    CHECK_THAT(message_of([&] { kramers_escape_time(ok_a, ok_b, 1, 0); }),
               Catch::Contains("D") && Catch::Contains("got 0"));
    CHECK_THAT(message_of([&] { kramers_escape_time(ok_a, ok_b, -1, 1); }),
               Catch::Contains("barrier"));
    CHECK_THAT(message_of([&] { kramers_escape_time(1.0, 1.0, 1, 1); }), Catch::Contains("h_b"));
    CHECK_THAT(message_of([&] { kramers_escape_time(std::nan(""), -1.0, 1, 1); }),
               Catch::Contains("h_a"));
    Eigen::Matrix2d nan_a = ok_a;
    nan_a(1, 1) = std::nan("");
    CHECK_THAT(message_of([&] { kramers_escape_time(nan_a, ok_b, 1, 1); }),
               Catch::Contains("finite"));
}

TEST_CASE("sgd_escape_time: Xie et al. 2021 Theorem 3.2", "[theory]") {
    // mpmath: 2 pi / 3 exp(2 * 8 * 1.5 / 0.1 (0.3 / 2 + 0.7 / 3)) = 1.88864767667055987e40
    CHECK(levysgd::sgd_escape_time(2.0, -3.0, 1.5, 0.1, 8.0, 0.3) ==
          Approx(1.88864767667055987e40).epsilon(1e-12));
    // The Hessian form: e is H_b's negative eigenvector, H_ae = e' H_a e.
    const Eigen::Matrix3d q = rotation();
    const Eigen::Matrix3d ha = q * Eigen::Vector3d(2, 7, 9).asDiagonal() * q.transpose();
    const Eigen::Matrix3d hb = q * Eigen::Vector3d(-3, 4, 5).asDiagonal() * q.transpose();
    CHECK(levysgd::sgd_escape_time(ha, hb, 1.5, 0.1, 8.0, 0.3) ==
          Approx(1.88864767667055987e40).epsilon(1e-10));
    // Sharper minimum (larger H_ae) escapes exponentially sooner; larger B later.
    CHECK(levysgd::sgd_escape_time(4.0, -3.0, 1.0, 0.1, 8.0, 0.5) <
          levysgd::sgd_escape_time(2.0, -3.0, 1.0, 0.1, 8.0, 0.5));
    CHECK(levysgd::sgd_escape_time(2.0, -3.0, 1.0, 0.1, 16.0, 0.5) >
          levysgd::sgd_escape_time(2.0, -3.0, 1.0, 0.1, 8.0, 0.5));
    for (double s : {0.0, 1.0, -0.1, std::nan("")})
        CHECK_THAT(message_of([&] { levysgd::sgd_escape_time(2.0, -3.0, 1.0, 0.1, 8.0, s); }),
                   Catch::Contains("s must be in (0, 1)"));
    CHECK_THAT(message_of([&] { levysgd::sgd_escape_time(2.0, -3.0, 1.0, 0.0, 8.0, 0.5); }),
               Catch::Contains("eta"));
    CHECK_THAT(message_of([&] { levysgd::sgd_escape_time(2.0, -3.0, 1.0, 0.1, -1.0, 0.5); }),
               Catch::Contains("batch"));
}

TEST_CASE("multi-path rule and minima selection (Xie et al. 2021 Rule 1, Prop. 1)", "[theory]") {
    const std::vector<double> rates{0.5, 0.25, 0.0};
    CHECK(levysgd::total_escape_rate(rates) == 0.75);
    const std::vector<double> bad{0.5, -1.0};
    CHECK_THAT(message_of([&] { levysgd::total_escape_rate(bad); }), Catch::Contains("rates[1]"));
    const std::vector<double> taus{1.0, 3.0, 4.0};
    const auto p = levysgd::minima_selection(taus);
    REQUIRE(p.size() == 3);
    CHECK(p[0] == Approx(0.125));
    CHECK(p[1] == Approx(0.375));
    CHECK(p[2] == Approx(0.5));
    const std::vector<double> zero{1.0, 0.0};
    CHECK_THAT(message_of([&] { levysgd::minima_selection(zero); }),
               Catch::Contains("escape_times[1]"));
    CHECK_THAT(message_of([&] { levysgd::minima_selection(std::vector<double>{}); }),
               Catch::Contains("at least one"));
}

TEST_CASE("mean_exit_time_1d: Brownian closed forms", "[theory]") {
    const double D = 0.7, L = 2.0, x0 = 0.6;
    auto zero = [](double) { return 0.0; };
    auto dif = [&](double) { return D; };
    // absorbing at both ends: T = x0 (L - x0) / (2D), P(right) = x0 / L
    const auto both = levysgd::mean_exit_time_1d(zero, dif, 0.0, L, x0);
    CHECK(both.mean_time == Approx(x0 * (L - x0) / (2 * D)).epsilon(1e-10));
    CHECK(both.exit_right_probability == Approx(x0 / L).epsilon(1e-10));
    // reflecting at 0: T = (L^2 - x0^2) / (2D)
    levysgd::exit_time_1d_options refl;
    refl.left = levysgd::boundary_kind::reflecting;
    const auto r = levysgd::mean_exit_time_1d(zero, dif, 0.0, L, x0, refl);
    CHECK(r.mean_time == Approx((L * L - x0 * x0) / (2 * D)).epsilon(1e-10));
    CHECK(r.exit_right_probability == 1.0);
    // drift mu on [0, L], both absorbing (Gardiner eq. 5.2.172 family): with
    // k = mu / D, P(right) = (1 - e^{-k x0}) / (1 - e^{-k L}),
    // T = (L P(right) - x0) / mu.
    const double mu = 0.9, k = mu / D;
    const auto d = levysgd::mean_exit_time_1d([&](double) { return mu; }, dif, 0.0, L, x0);
    const double pr = (1 - std::exp(-k * x0)) / (1 - std::exp(-k * L));
    CHECK(d.exit_right_probability == Approx(pr).epsilon(1e-10));
    CHECK(d.mean_time == Approx((L * pr - x0) / mu).epsilon(1e-9));
    // starting on the absorbing boundary: 0
    CHECK(levysgd::mean_exit_time_1d(zero, dif, 0.0, L, L).mean_time == Approx(0).margin(1e-12));
}

TEST_CASE("mean_exit_time_1d converges to Kramers as D -> 0", "[theory]") {
    // Double well f' = x^3 - x; from -1 to past the saddle at 0.5: the ratio to
    // Kramers' tau tends to 1 with error O(D / dL), so it shrinks as D does.
    const auto w = levysgd::double_well(-1.0, 0.0, 1.0);
    const double dv = w.barrier(0, +1);
    double prev = 1e9;
    for (double ratio : {5.0, 10.0, 20.0, 40.0}) {
        const double D = dv / ratio;
        levysgd::exit_time_1d_options o;
        o.left = levysgd::boundary_kind::reflecting;
        const auto t = levysgd::mean_exit_time_1d([&](double x) { return -w.derivative(x); },
                                                  [&](double) { return D; }, -4.0, 0.5, -1.0, o);
        const double kr = levysgd::kramers_escape_time(w.second_derivative(-1.0),
                                                       w.second_derivative(0.0), dv, D);
        const double err = std::abs(t.mean_time / kr - 1);
        CHECK(err < prev);
        CHECK(t.error_estimate < 1e-6 * t.mean_time);
        prev = err;
    }
    CHECK(prev < 0.02);
}

TEST_CASE("mean_exit_time_1d input checks", "[theory]") {
    auto zero = [](double) { return 0.0; };
    auto one = [](double) { return 1.0; };
    CHECK_THAT(message_of([&] { levysgd::mean_exit_time_1d(zero, one, 1.0, 0.0, 0.5); }),
               Catch::Contains("right"));
    CHECK_THAT(message_of([&] { levysgd::mean_exit_time_1d(zero, one, 0.0, 1.0, 2.0); }),
               Catch::Contains("x0"));
    CHECK_THAT(message_of([&] {
                   levysgd::mean_exit_time_1d(zero, one, -std::numeric_limits<double>::infinity(),
                                              1.0, 0.5);
               }),
               Catch::Contains("left"));
    CHECK_THAT(message_of([&] {
                   levysgd::mean_exit_time_1d(
                       zero, [](double x) { return x - 0.5; }, 0.0, 1.0, 0.7);
               }),
               Catch::Contains("diffusion(x) at x = 0"));
}

TEST_CASE("Gibbs weights, ratio and the noise threshold (Jastrzębski et al. 2017)", "[theory]") {
    const Eigen::Matrix2d ha = Eigen::Vector2d(1, 4).asDiagonal(); // flat, det 4
    const Eigen::Matrix2d hb = Eigen::Vector2d(4, 9).asDiagonal(); // sharp, det 36
    const double eta = 0.1, S = 10, sigma2 = 2;                    // n sigma^2 = 0.02
    CHECK(levysgd::gibbs_log_weight(ha, 0.3, eta, S, sigma2) ==
          Approx(-0.5 * std::log(4.0) - 2 * 0.3 / 0.02));
    CHECK(levysgd::gibbs_probability_ratio(ha, 0.3, hb, 0.3, eta, S, sigma2) ==
          Approx(3.0)); // equal loss: sqrt(det H_B / det H_A)
    // A higher but flatter: favoured above n*.
    const auto th = levysgd::gibbs_noise_threshold(ha, 0.3, hb, 0.2, sigma2);
    REQUIRE(th.when == levysgd::noise_threshold::kind::above);
    // At n*, p_A = p_B exactly (the corrected eq. 4); the printed eq. 4 would
    // put the threshold 4 times lower.
    const double ratio_at =
        levysgd::gibbs_probability_ratio(ha, 0.3, hb, 0.2, th.n_star, 1.0, sigma2);
    CHECK(ratio_at == Approx(1.0).epsilon(1e-12));
    const double printed = (0.3 - 0.2) / (2 * sigma2 * std::log(std::sqrt(36.0 / 4.0)));
    CHECK(th.n_star == Approx(4 * printed));
    CHECK(levysgd::gibbs_probability_ratio(ha, 0.3, hb, 0.2, 2 * th.n_star, 1.0, sigma2) > 1);
    CHECK(levysgd::gibbs_probability_ratio(ha, 0.3, hb, 0.2, 0.5 * th.n_star, 1.0, sigma2) < 1);
    // A lower but sharper: favoured below n*.
    const auto lo = levysgd::gibbs_noise_threshold(hb, 0.2, ha, 0.3, sigma2);
    REQUIRE(lo.when == levysgd::noise_threshold::kind::below);
    CHECK(lo.n_star == Approx(th.n_star));
    using k = levysgd::noise_threshold::kind;
    CHECK(levysgd::gibbs_noise_threshold(hb, 0.3, ha, 0.2, sigma2).when == k::never);
    CHECK(levysgd::gibbs_noise_threshold(ha, 0.2, hb, 0.3, sigma2).when == k::always);
    CHECK_THAT(message_of([&] { levysgd::gibbs_log_weight(ha, 0.3, eta, 0.0, sigma2); }),
               Catch::Contains("batch"));
    const Eigen::Matrix2d saddle = Eigen::Vector2d(-1, 4).asDiagonal();
    CHECK_THAT(message_of([&] { levysgd::gibbs_noise_threshold(ha, 0.3, saddle, 0.2, 1.0); }),
               Catch::Contains("H_B") && Catch::Contains("positive definite"));
}

TEST_CASE("stable_levy_constant and jump rates", "[theory]") {
    // mpmath: Gamma(1.5) sin(pi/4) / pi = 0.19947114020071634,
    //         Gamma(2.5) sin(3 pi/4) / pi = 0.29920671030107451
    CHECK(levysgd::stable_levy_constant(0.5) == Approx(0.19947114020071634).epsilon(1e-14));
    CHECK(levysgd::stable_levy_constant(1.5) == Approx(0.29920671030107451).epsilon(1e-14));
    CHECK(levysgd::stable_levy_constant(1.0) == Approx(1 / std::numbers::pi).epsilon(1e-15));
    // Cauchy: P(X > x) = 1/2 - atan(x)/pi ~ 1/(pi x) = levy_jump_rate(1, 1, x)
    const double x = 1e4;
    CHECK(levysgd::levy_jump_rate(1.0, 1.0, x) ==
          Approx(0.5 - std::atan(x) / std::numbers::pi).epsilon(1e-7));
    // The sampler's tail: P(|X| > r) ~ 2 c r^-alpha / alpha for S(1.5, 0, eps).
    const double alpha = 1.5, eps = 0.5, r = 20;
    std::vector<double> v(levysgd_test::sized(1 << 22, 4)); // 4 sd + 1 % bias allowed, either size
    levysgd::sample(
        levysgd::stable_distribution<double>(alpha, 0, eps, 0, levysgd::parameterization::S1),
        std::span<double>(v), 99, 0);
    std::size_t n = 0;
    for (double y : v)
        n += std::abs(y) > r;
    const double p = double(n) / double(v.size()),
                 expect = 2 * levysgd::levy_jump_rate(alpha, eps, r);
    CHECK(std::abs(p - expect) < 4 * std::sqrt(expect / double(v.size())) + 0.01 * expect);
    CHECK_THAT(message_of([] { levysgd::stable_levy_constant(2.0); }), Catch::Contains("alpha"));
    CHECK_THAT(message_of([] { levysgd::levy_jump_rate(1.0, 1.0, 0.0); }), Catch::Contains("r"));
}

TEST_CASE("levy_metastability: Simsekli et al. 2019 Theorems 1-2", "[theory]") {
    // Two wells m1 = -1 < 0 < m2 = 2: q_12 = c eps^a 1^-a / a, q_21 = c eps^a 2^-a / a,
    // pi_2 / pi_1 = (m2 / |m1|)^alpha.
    const std::vector<double> m2{-1.0, 2.0}, s2{0.0};
    for (double alpha : {0.8, 1.2, 1.6}) {
        const levysgd::levy_metastability ip(m2, s2, alpha, 0.1);
        const double c = levysgd::stable_levy_constant(alpha) * std::pow(0.1, alpha) / alpha;
        CHECK(ip.generator()(0, 1) == Approx(c));
        CHECK(ip.generator()(1, 0) == Approx(c * std::pow(2.0, -alpha)));
        CHECK(ip.mean_exit_time(0) == Approx(1 / c));
        const auto pi = ip.stationary();
        CHECK(pi.sum() == Approx(1.0));
        CHECK(pi(1) / pi(0) == Approx(std::pow(2.0, alpha)).epsilon(1e-12));
        CHECK(ip.unit_generator()(0, 1) == Approx(1 / alpha));
    }
    // Three wells: q_ij = |d(s_{j-1})^-a - d(s_j)^-a| / a (unit measure).
    const std::vector<double> m3{-1.5, 0.0, 2.0}, s3{-0.6, 0.8};
    const double a = 1.2;
    const levysgd::levy_metastability ip(m3, s3, a, 0.05);
    const Eigen::MatrixXd &u = ip.unit_generator();
    CHECK(u(2, 0) == Approx(std::pow(2.6, -a) / a)); // from 2 beyond -0.6
    CHECK(u(2, 1) == Approx((std::pow(1.2, -a) - std::pow(2.6, -a)) / a));
    CHECK(u(0, 2) == Approx(std::pow(2.3, -a) / a));
    CHECK(u(1, 0) == Approx(std::pow(0.6, -a) / a));
    CHECK(ip.transition_probability(1, 0) ==
          Approx(std::pow(0.6, -a) / (std::pow(0.6, -a) + std::pow(0.8, -a))));
    CHECK(ip.generator().rowwise().sum().cwiseAbs().maxCoeff() < 1e-15);
    const Eigen::VectorXd pi = ip.stationary();
    CHECK((ip.generator().transpose() * pi).cwiseAbs().maxCoeff() < 1e-14);
    CHECK((pi.array() > 0).all());
    CHECK(std::abs(pi.sum() - 1) < 1e-14);
    // another Eigen solver gives the same law
    const Eigen::VectorXd pi_qr = ip.stationary<Eigen::ColPivHouseholderQR<Eigen::MatrixXd>>();
    CHECK((pi_qr - pi).cwiseAbs().maxCoeff() < 1e-14);
    // from a polynomial_well's critical points
    const levysgd::polynomial_well<double> w(m3, s3);
    const levysgd::levy_metastability from_w(w, a, 0.05);
    CHECK((from_w.generator() - ip.generator()).cwiseAbs().maxCoeff() == 0);
    CHECK_THAT(message_of([&] { levysgd::levy_metastability(m3, s2, a, 0.05); }),
               Catch::Contains("maxima"));
    const std::vector<double> bad_s{-2.0, 0.8};
    CHECK_THAT(message_of([&] { levysgd::levy_metastability(m3, bad_s, a, 0.05); }),
               Catch::Contains("maxima[0]"));
    CHECK_THAT(message_of([&] { levysgd::levy_metastability(m3, s3, 2.0, 0.05); }),
               Catch::Contains("alpha"));
    CHECK_THAT(message_of([&] { levysgd::levy_metastability(m3, s3, a, -1.0); }),
               Catch::Contains("eps"));
    CHECK_THAT(message_of([&] { (void)ip.mean_exit_time(3); }), Catch::Contains("well index"));
}

TEST_CASE("levy_exit_model: Battash & Lindenbaum 2023 eq. 12-13, Cor. 4.2 and 4.4", "[theory]") {
    const std::vector<levysgd::levy_axis> axes{{1.5, 0.2, -3.0, 3.0}, {1.9, 0.2, -3.0, 2.0}};
    const levysgd::levy_exit_model m(axes);
    const double r0 = levysgd::levy_jump_rate(1.5, 0.2, 3.0),
                 r1 = levysgd::levy_jump_rate(1.9, 0.2, 2.0);
    CHECK(m.exit_rate(0, +1) == Approx(r0));
    CHECK(m.exit_rate(1, +1) == Approx(r1));
    CHECK(m.total_exit_rate() == Approx(2 * r0 + r1 + levysgd::levy_jump_rate(1.9, 0.2, 3.0)));
    CHECK(m.mean_transition_time() == Approx(1 / m.total_exit_rate()));
    CHECK(m.axis_probability(0) + m.axis_probability(1) == Approx(1.0));
    CHECK(m.direction_ratio(0, 1) == Approx(r0 / r1));
    double sum = 0;
    for (std::size_t l = 0; l < 2; ++l)
        for (int side : {-1, 1})
            sum += m.exit_probability(l, side);
    CHECK(sum == Approx(1.0));
    // eq. 12: 2 c eps^(rho alpha) / alpha (s = 1); Battash & Lindenbaum 2023 writes it without c.
    const double rho = 0.5;
    CHECK(m.jump_intensity(0, rho) ==
          Approx(2 * levysgd::stable_levy_constant(1.5) * std::pow(0.2, rho * 1.5) / 1.5));
    // eq. 13: P = (d / r)^-alpha with r = eps^(1 - rho) (edges beyond r)
    const double r = std::pow(0.2, 1 - rho);
    CHECK(m.first_jump_escape_probability(0, rho) == Approx(std::pow(3.0 / r, -1.5)));
    CHECK(m.first_jump_escape_probability(0, rho) * m.jump_intensity(0, rho) ==
          Approx(m.exit_rate(0, 1) + m.exit_rate(0, -1)));
    // a scheduler value s < 1 shrinks eps to s^((alpha-1)/alpha) eps
    const levysgd::levy_exit_model listed({{1.5, 0.2, -3.0, 3.0}, {1.9, 0.2, -3.0, 2.0}});
    CHECK(listed.axes() == 2);
    CHECK(listed.mean_transition_time() == m.mean_transition_time());
    const levysgd::levy_exit_model cooled(axes, 0.5);
    CHECK(cooled.s() == 0.5);
    CHECK(m.s() == 1.0);
    CHECK(cooled.effective_eps(0) == Approx(std::pow(0.5, 0.5 / 1.5) * 0.2));
    CHECK(cooled.exit_rate(0, 1) == Approx(std::sqrt(0.5) * r0)); // s^(alpha - 1) = 0.5^0.5
    const std::vector<levysgd::levy_axis> bad{{1.5, 0.2, 1.0, 3.0}};
    CHECK_THAT(message_of([&] { levysgd::levy_exit_model{bad}; }),
               Catch::Contains("axes[0].d_minus"));
    CHECK_THAT(message_of([&] { (void)m.jump_intensity(0, 1.0); }), Catch::Contains("rho"));
    CHECK_THAT(message_of([&] { (void)m.exit_rate(0, 0); }), Catch::Contains("side"));
    CHECK_THAT(message_of([&] { (void)m.exit_rate(2, 1); }), Catch::Contains("coordinate"));
}

TEST_CASE("hessian_noise with hessian_part::absolute", "[theory][sde]") {
    const auto w = levysgd::double_well(-1.0, 0.0, 1.0); // f'' < 0 at 0
    const levysgd::hessian_noise<levysgd::polynomial_well<double>> pos(w, 0.5);
    const levysgd::hessian_noise<levysgd::polynomial_well<double>> ab(
        w, 0.5, levysgd::hessian_part::absolute);
    CHECK(ab.part() == levysgd::hessian_part::absolute);
    auto sp = pos.make_source(3), sa = ab.make_source(3);
    sp.start(0);
    sa.start(0);
    Eigen::Matrix<double, 1, 1> x(0.0), dp, da;
    sp.increment(x, 0.0, 0.01, dp);
    sa.increment(x, 0.0, 0.01, da);
    CHECK(dp[0] == 0.0); // H_+ = 0 at the saddle
    CHECK(da[0] != 0.0);
    x[0] = -1.0; // a minimum: both agree bit for bit
    sp.increment(x, 0.0, 0.01, dp);
    sa.increment(x, 0.0, 0.01, da);
    CHECK(dp[0] == da[0]);
    // the same variance c |f''| h at the saddle as at a point of curvature +1
    CHECK(std::abs(w.second_derivative(0.0)) == Approx(1.0));
}

TEST_CASE("implicit_euler solves the backward step and survives far jumps", "[theory][sde]") {
    const auto w = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::implicit_euler<double> ie(0.01);
    Eigen::Matrix<double, 1, 1> x(-1.2), g, dn;
    jump_source src{1e6};
    ie.step(w, src, x, 0.0, g, dn);
    // y + dt f'(y) = -1.2 + 1e6 holds at the new state
    CHECK(x[0] + 0.01 * w.derivative(x[0]) == Approx(-1.2 + 1e6).epsilon(1e-14));
    CHECK(x[0] < 500); // the cubic drift pulled it in within one step
    src.d = 0.0;
    for (int i = 0; i < 2000; ++i)
        ie.step(w, src, x, 0.0, g, dn);
    CHECK(x[0] == Approx(1.0).epsilon(1e-10)); // relaxed to the right minimum
    CHECK_THAT(message_of([] { levysgd::implicit_euler<double>(0.0); }), Catch::Contains("dt"));
}

// ---------------------------------------------------------------------------
// Issue 16 (hardening): extreme-but-valid inputs give a correct finite value
// or a std::invalid_argument naming the parameter, never inf / NaN.
// ---------------------------------------------------------------------------

TEST_CASE("kramers_escape_time: curvatures near 1e-300 and 1e300 (issue 16 item 17)",
          "[theory][hardening]") {
    // tau = 2 pi / sqrt(h_a |h_b|) e^(dL / D); log(h_a * -h_b) under/overflowed (inf, 0)
    const double e1 = 2 * std::numbers::pi * std::exp(1.0);
    CHECK(levysgd::kramers_escape_time(1e-300, -1e-300, 1, 1) == Approx(e1 * 1e300).epsilon(1e-13));
    CHECK(levysgd::kramers_escape_time(1e300, -1e300, 1, 1) == Approx(e1 * 1e-300).epsilon(1e-13));
    const Eigen::Matrix2d ha = Eigen::Vector2d(1e300, 1e300).asDiagonal();
    const Eigen::Matrix2d hb = Eigen::Vector2d(-1e300, 1e300).asDiagonal();
    CHECK(levysgd::kramers_escape_time(ha, hb, 1, 1) == Approx(e1 * 1e-300).epsilon(1e-12));
    const Eigen::Matrix2d ta = Eigen::Vector2d(1e-300, 1e-300).asDiagonal();
    const Eigen::Matrix2d tb = Eigen::Vector2d(-1e-300, 1e-300).asDiagonal();
    CHECK(levysgd::kramers_escape_time(ta, tb, 1, 1) == Approx(e1 * 1e300).epsilon(1e-12));
    // Xie et al. 2021 Thm 3.2 with 2 B dL = 2e310 beyond double before the division by eta
    const double t = levysgd::sgd_escape_time(1.0, -1.0, 1e300, 1e308, 1e10, 0.5);
    CHECK(t == Approx(2 * std::numbers::pi * std::exp(200.0)).epsilon(1e-12));
    // the 1-D form from 1e-300 Hessian entries
    CHECK(levysgd::sgd_escape_time(ta, tb, 1e-300, 1.0, 1.0, 0.5) ==
          Approx(2 * std::numbers::pi * 1e300 * std::exp(2.0)).epsilon(1e-12));
    // results beyond double are refused
    CHECK_THAT(message_of([] { levysgd::kramers_escape_time(5e-324, -5e-324, 1, 1); }),
               Catch::Matchers::Contains("double range"));
    CHECK_THAT(message_of([] { levysgd::sgd_escape_time(1.0, -1.0, 1e300, 1e-300, 1, 0.5); }),
               Catch::Matchers::Contains("batch barrier / eta"));
    // minima_selection and the rate sum near the double range
    const std::vector<double> big{1e308, 1e308, 1.5e308};
    const auto p = levysgd::minima_selection(big);
    CHECK(p[0] == Approx(1 / 3.5).epsilon(1e-14));
    CHECK(p[2] == Approx(1.5 / 3.5).epsilon(1e-14));
    CHECK_THAT(message_of([&] { levysgd::total_escape_rate(big); }),
               Catch::Matchers::Contains("rates") && Catch::Matchers::Contains("double range"));
}

TEST_CASE("Gibbs formulas with extreme eta, batch and losses", "[theory][hardening]") {
    const Eigen::Matrix2d h = Eigen::Matrix2d::Identity();
    // eta / batch = 1e-300 / 1e300 underflowed to 0: 2 L / (n sigma2) = 2 * 1e-300 * 1e300 ... = 2
    CHECK(levysgd::gibbs_log_weight(h, 1e-300, 1e-300, 1e300, 1e300) == Approx(-2.0).epsilon(1e-13));
    CHECK_THAT(message_of([&] { levysgd::gibbs_log_weight(h, 1e300, 1e-300, 1e300, 1.0); }),
               Catch::Matchers::Contains("L_A") && Catch::Matchers::Contains("double range"));
    // losses of opposite sign near the double range: L_A - L_B overflows
    const Eigen::Matrix2d hb = 4 * Eigen::Matrix2d::Identity(); // ell = log 4
    const auto th = levysgd::gibbs_noise_threshold(h, 1e308, hb, -1e308, 1e10);
    CHECK(th.when == levysgd::noise_threshold::kind::above);
    CHECK(th.n_star == Approx(4 * (1e308 / 1e10) / std::log(4.0)).epsilon(1e-12));
    CHECK_THAT(message_of([&] { levysgd::gibbs_noise_threshold(h, 1e308, hb, -1e308, 1.0); }),
               Catch::Matchers::Contains("L_A - L_B"));
    CHECK(levysgd::gibbs_probability_ratio(h, 1.0, h, 0.0, 1.0, 1.0, 1e-300) == 0); // rounds to 0
    CHECK_THAT(message_of([&] { levysgd::gibbs_probability_ratio(h, 0.0, h, 1.0, 1.0, 1.0, 1e-300); }),
               Catch::Matchers::Contains("p_A / p_B"));
}

TEST_CASE("mean_exit_time_1d: drift 1e300 with D 1e-300, spans near the double range "
          "(issue 16 item 22)",
          "[theory][hardening]") {
    levysgd::exit_time_1d_options o;
    o.intervals = 1 << 10;
    // drift-dominated: T = (r - x0) / b (was NaN)
    const auto fast = levysgd::mean_exit_time_1d([](double) { return 1e300; },
                                                 [](double) { return 1e-300; }, 0.0, 1.0, 0.5, o);
    CHECK(fast.mean_time == Approx(5e-301).epsilon(1e-9));
    CHECK(fast.exit_right_probability == Approx(1.0));
    // moderate Peclet number |mu| h / D = 15: T = 0.5 (the plain trapezoid rule gave 2.5)
    const auto pe = levysgd::mean_exit_time_1d([](double) { return 1.0; },
                                               [](double) { return 1e-6; }, 0.0, 1.0, 0.5);
    CHECK(pe.mean_time == Approx(0.5).epsilon(1e-6));
    // uphill towards r, absorbing l: exp(Phi) overflows, the mirrored problem does not
    const auto up = levysgd::mean_exit_time_1d([](double) { return -1.0; },
                                               [](double) { return 1e-3; }, 0.0, 1.0, 0.5, o);
    CHECK(up.mean_time == Approx(0.5).epsilon(1e-3));
    CHECK(up.exit_right_probability < 1e-100);
    // the span [-1e308, 1e308]: Brownian T = (x0 - l)(r - x0) / (2 D) (was NaN)
    const auto wide = levysgd::mean_exit_time_1d([](double) { return 0.0; },
                                                 [](double) { return 1e308; }, -1e308, 1e308, 0.0, o);
    CHECK(wide.mean_time == Approx(0.5e308).epsilon(1e-9));
    CHECK(wide.exit_right_probability == Approx(0.5).epsilon(1e-9));
    // a true value beyond double is refused, naming the cause
    CHECK_THAT(message_of([&] {
                   levysgd::mean_exit_time_1d([](double) { return 0.0; }, [](double) { return 1.0; },
                                              -1e308, 1e308, 0.0, o);
               }),
               Catch::Matchers::Contains("mean_exit_time_1d") &&
                   Catch::Matchers::Contains("double range"));
    // messages print the shortest round-trip value (std::to_string printed 0.000000)
    CHECK_THAT(message_of([&] {
                   levysgd::mean_exit_time_1d([](double) { return 0.0; },
                                              [](double x) { return x > 0 ? 1.0 : -1.0; }, -1e-9,
                                              1.0, 0.5, o);
               }),
               Catch::Matchers::Contains("at x = -1e-09"));
}

TEST_CASE("Levy models with distances and scales near the double range (issue 16 item 22)",
          "[theory][hardening]") {
    // |s - m| = 1e-300: rates ~1e570 overflowed to an inf/-inf generator
    CHECK_THAT(message_of([] {
                   levysgd::levy_metastability(std::vector<double>{0, 2e-300},
                                               std::vector<double>{1e-300}, 1.9, 0.1);
               }),
               Catch::Matchers::Contains("minima[0]") &&
                   Catch::Matchers::Contains("double range"));
    // wells at +-1e300: |s - m|^-alpha = 1e-300 per unit; rates representable
    const levysgd::levy_metastability far(std::vector<double>{-1e300, 1e300},
                                          std::vector<double>{0}, 1.0, 1.0);
    CHECK(far.unit_generator()(0, 1) == Approx(1e-300).epsilon(1e-12));
    CHECK(far.transition_probability(0, 1) == 1);
    CHECK(far.mean_exit_time(0) == Approx(std::numbers::pi * 1e300).epsilon(1e-12));
    // eps^alpha underflows: the generator refuses (naming eps), the
    // unit-generator results remain
    const levysgd::levy_metastability tiny(std::vector<double>{-1, 1}, std::vector<double>{0}, 1.9,
                                           1e-300);
    CHECK(tiny.stationary()(0) == Approx(0.5));
    CHECK_THAT(message_of([&] { (void)tiny.generator(); }), Catch::Matchers::Contains("eps"));
    CHECK_THAT(message_of([&] { (void)tiny.mean_exit_time(0); }), Catch::Matchers::Contains("eps"));
    // s = 1e-20 with alpha = 0.01: eps_bar = 1e1980 eps; refused at construction (was at first use)
    CHECK_THAT(message_of([] { levysgd::levy_exit_model({{0.01, 1.0, -1.0, 1.0}}, 1e-20); }),
               Catch::Matchers::Contains("s (with axes[0])"));
    // s = 1e-20 with alpha = 0.5: eps_bar = 1e20, rates in logs stay exact
    const levysgd::levy_exit_model m({{0.5, 1.0, -1.0, 1.0}}, 1e-20);
    CHECK(m.effective_eps(0) == Approx(1e20).epsilon(1e-12));
    CHECK(m.exit_rate(0, 1) ==
          Approx(levysgd::stable_levy_constant(0.5) * 1e10 / 0.5).epsilon(1e-12));
    CHECK(m.mean_transition_time() == Approx(1 / (2 * m.exit_rate(0, 1))).epsilon(1e-12));
    // levy_jump_rate with eps / r beyond double before the power
    CHECK(levysgd::levy_jump_rate(0.5, 1e300, 1e-300) ==
          Approx(levysgd::stable_levy_constant(0.5) * 1e300 / 0.5).epsilon(1e-12));
    CHECK_THAT(message_of([] { levysgd::levy_jump_rate(1.9, 1e300, 1e-300); }),
               Catch::Matchers::Contains("eps / r"));
}

TEST_CASE("theory entry points refuse bad input, naming the parameter", "[theory][validation]") {
    constexpr double nan = std::numeric_limits<double>::quiet_NaN();
    constexpr double inf = std::numeric_limits<double>::infinity();
    constexpr double sub = 1e-310; // subnormal
    using Catch::Matchers::Contains;
    struct row {
        const char *what;
        std::function<void()> f;
        const char *param;
    };
    const Eigen::Matrix2d id = Eigen::Matrix2d::Identity();
    const Eigen::Matrix2d sad = Eigen::Vector2d(-1, 1).asDiagonal();
    const Eigen::Matrix3d id3 = Eigen::Matrix3d::Identity();
    Eigen::Matrix2d hnan = id;
    hnan(0, 1) = hnan(1, 0) = nan;
    const Eigen::MatrixXd empty(0, 0);
    const std::vector<double> none;
    const std::vector<double> bad_rates{1.0, -1.0};
    const std::vector<double> inf_times{1.0, inf};
    const auto zero = [](double) { return 0.0; };
    const auto one = [](double) { return 1.0; };
    levysgd::exit_time_1d_options few;
    few.intervals = 10;
    const std::vector<row> rows{
        {"kramers h_a nan", [] { levysgd::kramers_escape_time(nan, -1, 1, 1); }, "h_a"},
        {"kramers h_a 0", [] { levysgd::kramers_escape_time(0, -1, 1, 1); }, "h_a"},
        {"kramers h_a inf", [] { levysgd::kramers_escape_time(inf, -1, 1, 1); }, "h_a"},
        {"kramers h_b +", [] { levysgd::kramers_escape_time(1, 1, 1, 1); }, "h_b"},
        {"kramers h_b -inf", [] { levysgd::kramers_escape_time(1, -inf, 1, 1); }, "h_b"},
        {"kramers barrier <0", [] { levysgd::kramers_escape_time(1, -1, -1, 1); }, "barrier"},
        {"kramers D 0", [] { levysgd::kramers_escape_time(1, -1, 1, 0); }, "D"},
        {"kramers D sub", [] { levysgd::kramers_escape_time(1, -1, 1, sub); }, "barrier / D"},
        {"kramers nD H_a nan", [&] { levysgd::kramers_escape_time(hnan, sad, 1, 1); }, "H_a"},
        {"kramers nD H_a empty", [&] { levysgd::kramers_escape_time(empty, sad, 1, 1); }, "H_a"},
        {"kramers nD H_b size", [&] { levysgd::kramers_escape_time(id3, sad, 1, 1); }, "H_b"},
        {"kramers nD H_b min", [&] { levysgd::kramers_escape_time(id, id, 1, 1); }, "H_b"},
        {"kramers nD D nan", [&] { levysgd::kramers_escape_time(id, sad, 1, nan); }, "D"},
        {"sgd h_ae neg", [] { levysgd::sgd_escape_time(-1, -1, 1, 1, 1, 0.5); }, "h_ae"},
        {"sgd h_be nan", [] { levysgd::sgd_escape_time(1, nan, 1, 1, 1, 0.5); }, "h_be"},
        {"sgd eta inf", [] { levysgd::sgd_escape_time(1, -1, 1, inf, 1, 0.5); }, "eta"},
        {"sgd batch 0", [] { levysgd::sgd_escape_time(1, -1, 1, 1, 0, 0.5); }, "batch"},
        {"sgd s 1", [] { levysgd::sgd_escape_time(1, -1, 1, 1, 1, 1); }, "s"},
        {"sgd s nan", [] { levysgd::sgd_escape_time(1, -1, 1, 1, 1, nan); }, "s"},
        {"sgd nD H_b size", [&] { levysgd::sgd_escape_time(id3, sad, 1, 1, 1, 0.5); }, "H_b"},
        {"rates negative", [&] { levysgd::total_escape_rate(bad_rates); }, "rates[1]"},
        {"selection empty", [&] { levysgd::minima_selection(none); }, "escape_times"},
        {"selection inf", [&] { levysgd::minima_selection(inf_times); }, "escape_times[1]"},
        {"gibbs H_A", [&] { levysgd::gibbs_log_weight(sad, 0, 1, 1, 1); }, "H_A"},
        {"gibbs L_A nan", [&] { levysgd::gibbs_log_weight(id, nan, 1, 1, 1); }, "L_A"},
        {"gibbs eta 0", [&] { levysgd::gibbs_log_weight(id, 0, 0, 1, 1); }, "eta"},
        {"gibbs sigma2 inf", [&] { levysgd::gibbs_log_weight(id, 0, 1, 1, inf); }, "sigma2"},
        {"gibbs ratio size", [&] { levysgd::gibbs_probability_ratio(id, 0, id3, 0, 1, 1, 1); }, "H_B"},
        {"threshold L_B inf", [&] { levysgd::gibbs_noise_threshold(id, 0, id, inf, 1); }, "L_B"},
        {"threshold sigma2 -", [&] { levysgd::gibbs_noise_threshold(id, 0, id, 0, -1); }, "sigma2"},
        {"exit left -inf", [&] { levysgd::mean_exit_time_1d(zero, one, -inf, 1, 0); }, "left"},
        {"exit right nan", [&] { levysgd::mean_exit_time_1d(zero, one, 0, nan, 0); }, "right"},
        {"exit right = left", [&] { levysgd::mean_exit_time_1d(zero, one, 1, 1, 1); }, "right"},
        {"exit x0 out", [&] { levysgd::mean_exit_time_1d(zero, one, 0, 1, 2); }, "x0"},
        {"exit intervals", [&] { levysgd::mean_exit_time_1d(zero, one, 0, 1, 0.5, few); },
         "options.intervals"},
        {"exit span sub", [&] { levysgd::mean_exit_time_1d(zero, one, 0, 4.9e-324 * 8, 0); },
         "right - left"},
        {"exit drift nan",
         [&] { levysgd::mean_exit_time_1d([](double) { return nan; }, one, 0, 1, 0.5); },
         "drift(x)"},
        {"exit diffusion 0", [&] { levysgd::mean_exit_time_1d(zero, zero, 0, 1, 0.5); },
         "diffusion(x)"},
        {"levy constant 2", [] { levysgd::stable_levy_constant(2); }, "alpha"},
        {"levy constant sub", [] { levysgd::stable_levy_constant(sub); }, "alpha"},
        {"jump rate eps 0", [] { levysgd::levy_jump_rate(1, 0, 1); }, "eps"},
        {"jump rate r inf", [] { levysgd::levy_jump_rate(1, 1, inf); }, "r"},
        {"meta 1 well",
         [] { levysgd::levy_metastability(std::vector<double>{0}, std::vector<double>{}, 1, 1); },
         "minima"},
        {"meta sizes",
         [] { levysgd::levy_metastability(std::vector<double>{0, 2}, std::vector<double>{}, 1, 1); },
         "maxima"},
        {"meta order",
         [] { levysgd::levy_metastability(std::vector<double>{0, 2}, std::vector<double>{3}, 1, 1); },
         "maxima[0]"},
        {"meta nan",
         [] { levysgd::levy_metastability(std::vector<double>{nan, 2}, std::vector<double>{1}, 1, 1); },
         "minima[0]"},
        {"meta alpha nan",
         [] { levysgd::levy_metastability(std::vector<double>{0, 2}, std::vector<double>{1}, nan, 1); },
         "alpha"},
        {"meta eps inf",
         [] { levysgd::levy_metastability(std::vector<double>{0, 2}, std::vector<double>{1}, 1, inf); },
         "eps"},
        {"exit model empty",
         [] { levysgd::levy_exit_model(std::span<const levysgd::levy_axis>{}); }, "axes"},
        {"exit model s 0", [] { levysgd::levy_exit_model({{1, 1, -1, 1}}, 0.0); }, "s"},
        {"exit model alpha", [] { levysgd::levy_exit_model({{2, 1, -1, 1}}); }, "axes[0].alpha"},
        {"exit model eps", [] { levysgd::levy_exit_model({{1, nan, -1, 1}}); }, "axes[0].eps"},
        {"exit model d_minus", [] { levysgd::levy_exit_model({{1, 1, 0, 1}}); }, "axes[0].d_minus"},
        {"exit model d_plus", [] { levysgd::levy_exit_model({{1, 1, -1, inf}}); }, "axes[0].d_plus"},
        {"exit model rate",
         [] { levysgd::levy_exit_model({{1.9, 1, -1e-300, 1}}); }, "axes[0].d_minus"},
        {"exit model rho", [] { levysgd::levy_exit_model({{1, 1, -1, 1}}).jump_intensity(0, 1); },
         "rho"},
        {"exit model side", [] { levysgd::levy_exit_model({{1, 1, -1, 1}}).exit_rate(0, 0); },
         "side"},
        {"exit model coordinate",
         [] { levysgd::levy_exit_model({{1, 1, -1, 1}}).exit_rate(1, 1); }, "coordinate"},
    };
    for (const auto &r : rows) {
        INFO(r.what);
        const std::string m = message_of(r.f);
        CHECK_THAT(m, Contains("levysgd::") && Contains(r.param));
    }
}
