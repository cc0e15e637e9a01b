// sde/: concepts (accepted and rejected types), potentials against finite
// differences, domains, schedulers, noise-model parameters and bad input.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "levysgd_catch.hpp"

using Catch::Matchers::Contains;
using levysgd_test::message_of;

namespace {

// A user potential in 3-D (fixed size): f = sum x_i^2 / 2 + x_0 x_1.
struct user_potential {
    using scalar_type = double;
    static constexpr int dim = 3;
    Eigen::Index dimension() const { return 3; }
    template <class V> double value(const V &x) const {
        return 0.5 * x.squaredNorm() + x[0] * x[1];
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        g = x;
        g[0] += x[1];
        g[1] += x[0];
    }
};
struct no_gradient {
    using scalar_type = double;
    static constexpr int dim = 1;
    Eigen::Index dimension() const { return 1; }
    template <class V> double value(const V &x) const { return x[0]; }
};
struct not_a_domain {
    template <class V> bool contains(const V &) const { return true; }
};

// Central-difference gradient and Hessian checks.
template <class P, class V> void check_derivatives(const P &p, const V &x, double tol) {
    using M = levysgd::hessian_matrix<P>;
    V g = x;
    p.gradient(x, g);
    const double h = 1e-5;
    for (Eigen::Index i = 0; i < x.size(); ++i) {
        V a = x, b = x;
        a[i] += h;
        b[i] -= h;
        const double fd = (p.value(a) - p.value(b)) / (2 * h);
        INFO("coordinate " << i << " at " << x.transpose());
        CHECK(g[i] == Approx(fd).epsilon(tol).margin(tol));
        if constexpr (levysgd::HessianPotential<P>) {
            M hm;
            hm.resize(x.size(), x.size());
            p.hessian(x, hm);
            V ga = x, gb = x;
            p.gradient(a, ga);
            p.gradient(b, gb);
            for (Eigen::Index j = 0; j < x.size(); ++j)
                CHECK(hm(j, i) == Approx((ga[j] - gb[j]) / (2 * h)).epsilon(tol).margin(tol));
        }
    }
}

} // namespace

TEST_CASE("Concepts accept the built-in and user types and reject others", "[sde]") {
    using V1 = Eigen::Matrix<double, 1, 1>;
    STATIC_REQUIRE(levysgd::Potential<levysgd::polynomial_well<double>>);
    STATIC_REQUIRE(levysgd::HessianPotential<levysgd::polynomial_well<double>>);
    STATIC_REQUIRE(levysgd::HessianPotential<levysgd::quadratic<double, 2>>);
    STATIC_REQUIRE(levysgd::HessianPotential<levysgd::styblinski_tang<double>>);
    STATIC_REQUIRE(levysgd::Potential<levysgd::ackley<double>>);
    STATIC_REQUIRE(!levysgd::HessianPotential<levysgd::ackley<double>>);
    STATIC_REQUIRE(levysgd::Potential<user_potential>);
    STATIC_REQUIRE(!levysgd::Potential<no_gradient>);
    STATIC_REQUIRE(!levysgd::Potential<double>);
    STATIC_REQUIRE(levysgd::Scheduler<levysgd::exponential_scheduler<double>, double>);
    STATIC_REQUIRE(levysgd::Scheduler<levysgd::multistep_scheduler<double>, double>);
    STATIC_REQUIRE(levysgd::Scheduler<double (*)(double), double>);
    STATIC_REQUIRE(!levysgd::Scheduler<int, double>);
    STATIC_REQUIRE(levysgd::Domain<levysgd::interval<double>, V1>);
    STATIC_REQUIRE(levysgd::Domain<levysgd::ball<double, 2>, Eigen::Vector2d>);
    STATIC_REQUIRE(
        levysgd::Domain<levysgd::loss_threshold<levysgd::ackley<double>>, Eigen::Vector2d>);
    STATIC_REQUIRE(!levysgd::Domain<not_a_domain, V1>);
    STATIC_REQUIRE(levysgd::BasinClassifier<levysgd::interval_basins<double>, V1>);
    STATIC_REQUIRE(levysgd::NoiseModel<levysgd::stable_noise<double>, V1>);
    STATIC_REQUIRE(levysgd::NoiseModel<levysgd::gaussian_noise<double>, Eigen::VectorXd>);
    STATIC_REQUIRE(
        levysgd::NoiseModel<levysgd::hessian_noise<levysgd::polynomial_well<double>>, V1>);
    STATIC_REQUIRE(
        levysgd::NoiseModel<
            levysgd::mixture_noise<levysgd::gaussian_noise<double>, levysgd::stable_noise<double>>,
            V1>);
    STATIC_REQUIRE(!levysgd::NoiseModel<levysgd::interval<double>, V1>);
    using src = decltype(levysgd::stable_noise<double>(1, 1.5, 1.0).make_source(0));
    STATIC_REQUIRE(
        levysgd::Integrator<levysgd::euler<double>, levysgd::polynomial_well<double>, src>);
    STATIC_REQUIRE(
        levysgd::Integrator<levysgd::sgd_recursion<double>, levysgd::polynomial_well<double>, src>);
    STATIC_REQUIRE(
        levysgd::Integrator<levysgd::tamed_euler<double>, levysgd::polynomial_well<double>, src>);
    STATIC_REQUIRE(!levysgd::Integrator<double, levysgd::polynomial_well<double>, src>);
}

TEST_CASE("Potentials: gradients and Hessians match finite differences", "[sde]") {
    const auto dw = levysgd::double_well(-1.0, 0.3, 2.0, 1.5);
    for (double x : {-2.0, -0.4, 0.3, 1.1, 2.5})
        check_derivatives(dw, Eigen::Matrix<double, 1, 1>(x), 1e-6);
    const levysgd::polynomial_well<double> pw({-3.0, 0.0, 2.0}, {-1.0, 1.0}, 0.5);
    for (double x : {-3.5, -1.7, 0.2, 1.9})
        check_derivatives(pw, Eigen::Matrix<double, 1, 1>(x), 1e-6);
    Eigen::Matrix2d h;
    h << 2.0, 0.5, 0.5, 1.0;
    const levysgd::quadratic<double, 2> q(h, Eigen::Vector2d(1.0, -1.0), 3.0);
    check_derivatives(q, Eigen::Vector2d(0.3, 0.7), 1e-6);
    CHECK(q.value(Eigen::Vector2d(1.0, -1.0)) == 3.0);
    const levysgd::styblinski_tang<double> st(4, 2.5);
    Eigen::Vector4d xs(-1.8, -0.1, 0.4, 1.7);
    check_derivatives(st, Eigen::VectorXd(xs), 1e-5);
    const levysgd::ackley<double> ack;
    check_derivatives(ack, Eigen::Vector2d(0.37, -1.21), 1e-6);
    check_derivatives(user_potential{}, Eigen::Vector3d(0.1, 0.2, 0.3), 1e-6);
}

TEST_CASE("Potentials: critical points, barriers and known values", "[sde]") {
    // Double well: critical points and the closed-form barrier heights.
    const double l = -1.0, s = 0.3, r = 2.0, a = 1.5;
    const auto dw = levysgd::double_well(l, s, r, a);
    CHECK(dw.derivative(l) == 0.0);
    CHECK(dw.derivative(s) == 0.0);
    CHECK(dw.derivative(r) == 0.0);
    CHECK(dw.second_derivative(l) > 0);
    CHECK(dw.second_derivative(s) < 0);
    CHECK(dw.barrier(0, +1) ==
          Approx(a * std::pow(s - l, 3) * (2 * r - l - s) / 12).epsilon(1e-12));
    CHECK(dw.barrier(1, -1) ==
          Approx(a * std::pow(r - s, 3) * (r + s - 2 * l) / 12).epsilon(1e-12));
    CHECK(std::isinf(dw.barrier(0, -1)));
    CHECK_THAT(message_of([&] { (void)dw.barrier(2, -1); }), Contains("i") && Contains("2"));
    CHECK_THAT(message_of([&] { (void)dw.barrier(0, 0); }), Contains("side"));
    STATIC_REQUIRE(!std::is_constructible_v<levysgd::styblinski_tang<double>, double>);
    STATIC_REQUIRE(std::is_constructible_v<levysgd::styblinski_tang<double>, int, double>);
    // Far from the origin the value keeps its accuracy (expansion about the
    // centre of the critical points): barrier of a shifted well = unshifted.
    const auto far = levysgd::double_well(l + 1000, s + 1000, r + 1000, a);
    CHECK(far.barrier(0, +1) == Approx(dw.barrier(0, +1)).epsilon(1e-9));
    CHECK(far.second_derivative(l + 1000) == Approx(dw.second_derivative(l)).epsilon(1e-12));
    CHECK(dw.value((l + s + r) / 3) == 0.0); // f = 0 at the mean critical point
    CHECK(dw.minima() == std::vector<double>{l, r});
    // Styblinski-Tang 1-D critical points: 2u^3 - 16u + 2.5 = 0
    // (mpmath.polyroots([2, 0, -16, 2.5]) at 30 digits).
    const auto c = levysgd::styblinski_tang<double>::critical_points();
    CHECK(c[0] == Approx(-2.9035340277711770951).epsilon(1e-14));
    CHECK(c[1] == Approx(0.15673125678034010267).epsilon(1e-13));
    CHECK(c[2] == Approx(2.7468027709908369925).epsilon(1e-14));
    // Rescaling by k: minimum at u/sqrt(k), Hessian multiplied by k.
    const levysgd::styblinski_tang<double> st1(1, 1.0), st4(1, 4.0);
    Eigen::VectorXd x1(1), x4(1), g(1);
    x1 << c[0];
    x4 << c[0] / 2;
    st4.gradient(x4, g);
    CHECK(std::abs(g[0]) < 1e-12);
    Eigen::MatrixXd h1(1, 1), h4(1, 1);
    st1.hessian(x1, h1);
    st4.hessian(x4, h4);
    CHECK(h4(0, 0) == Approx(4 * h1(0, 0)).epsilon(1e-12));
    // Ackley: global minimum 0 at the origin, gradient 0 there (subgradient).
    const levysgd::ackley<double> ack;
    Eigen::Vector2d g2;
    CHECK(std::abs(ack.value(Eigen::Vector2d::Zero())) < 1e-14);
    ack.gradient(Eigen::Vector2d::Zero(), g2);
    CHECK(g2.isZero());
    // f(1, 1) = -20 exp(-0.2) - exp(1) + 20 + e = 20 (1 - exp(-0.2)) (by hand)
    CHECK(ack.value(Eigen::Vector2d(1, 1)) == Approx(20 * (1 - std::exp(-0.2))).epsilon(1e-12));
}

TEST_CASE("Domains: membership and exit side/coordinate", "[sde]") {
    using V1 = Eigen::Matrix<double, 1, 1>;
    const levysgd::interval<double> iv(-1.0, 2.0);
    CHECK(iv.contains(V1(0.0)));
    CHECK(!iv.contains(V1(2.0)));
    CHECK(iv.exit(V1(2.5)).side == 1);
    CHECK(iv.exit(V1(-1.0)).side == -1);
    const levysgd::box<double, 2> bx(Eigen::Vector2d(-1, -1), Eigen::Vector2d(1, 3));
    CHECK(bx.contains(Eigen::Vector2d(0.5, 2.5)));
    // Both outside: x is 0.5 widths below, y 0.25 widths above -> coordinate 0, side -1.
    auto e = bx.exit(Eigen::Vector2d(-2.0, 4.0));
    CHECK(e.coordinate == 0);
    CHECK(e.side == -1);
    e = bx.exit(Eigen::Vector2d(0.0, 3.5));
    CHECK(e.coordinate == 1);
    CHECK(e.side == 1);
    // Unbounded sides: only coordinates that are outside count.
    const double inf = std::numeric_limits<double>::infinity();
    const levysgd::box<double, 2> half(Eigen::Vector2d(-inf, -inf), Eigen::Vector2d(1, 1));
    e = half.exit(Eigen::Vector2d(0.3, 1.2));
    CHECK(e.coordinate == 1);
    CHECK(e.side == 1);
    const levysgd::ball<double, 2> bl(Eigen::Vector2d(1, 1), 1.0);
    CHECK(bl.contains(Eigen::Vector2d(1.5, 1.5)));
    CHECK(!bl.contains(Eigen::Vector2d(2.0, 1.0)));
    e = bl.exit(Eigen::Vector2d(0.5, -0.5));
    CHECK(e.coordinate == 1);
    CHECK(e.side == -1);
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    // f = x^4/4 - x^2/2; level f(-1) + 0.2 = -0.05
    const levysgd::loss_threshold lt(dw, V1(-1.0), 0.2);
    CHECK(lt.level() == Approx(-0.05));
    CHECK(lt.contains(V1(-1.0)));
    CHECK(!lt.contains(V1(0.0)));
    CHECK(lt.contains(V1(1.0))); // the other well is below the level too
    const levysgd::loss_threshold lt_r(dw, V1(-1.0), 0.2, 1.0);
    CHECK(!lt_r.contains(V1(1.0))); // ... unless restricted to a ball around w*
    CHECK(lt_r.exit(V1(1.0)).side == 1);
    const levysgd::interval_basins<double> basins({-1.5, 0.5}, {-0.5, 1.5});
    CHECK(basins.basin(V1(-1.0)) == 0);
    CHECK(basins.basin(V1(0.0)) == -1);
    CHECK(basins.basin(V1(1.0)) == 1);
}

TEST_CASE("Schedulers follow Battash & Lindenbaum 2023", "[sde]") {
    const levysgd::exponential_scheduler<double> ex(0.5);
    CHECK(ex(0.0) == 1.0); // clamped at t_min = 1
    CHECK(ex(4.0) == Approx(0.5));
    const levysgd::multistep_scheduler<double> ms({10.0, 20.0}, {0.5, 0.1});
    CHECK(ms(0.0) == 1.0);
    CHECK(ms(10.0) == 1.0);
    CHECK(ms(10.5) == 0.5);
    CHECK(ms(20.0) == 0.5);
    CHECK(ms(1e9) == 0.1);
    CHECK_THAT(message_of([] { levysgd::exponential_scheduler<double>(1.5); }),
               Contains("gamma") && Contains("1.5"));
    CHECK_THAT(message_of([] {
                   levysgd::multistep_scheduler<double>({10.0, 5.0}, {0.5, 0.1});
               }),
               Contains("boundaries[1]"));
    CHECK_THAT(message_of([] { levysgd::multistep_scheduler<double>({10.0}, {1.5}); }),
               Contains("factors[0]"));
    CHECK_THAT(message_of([] { levysgd::constant_scheduler<double>(-1.0); }), Contains("value"));
    // Any callable is a scheduler; one that returns 0 is caught where it is used.
    using fn = double (*)(double);
    const levysgd::stable_noise<double, fn> bad(1, 1.5, 1.0,
                                                [](double t) { return t < 1 ? 1.0 : 0.0; });
    auto src = bad.make_source(1);
    src.start(0);
    Eigen::Matrix<double, 1, 1> x(0.0), dn;
    src.increment(x, 0.5, 0.1, dn);
    CHECK_THAT(message_of([&] { src.increment(x, 2.0, 0.1, dn); }),
               Contains("scheduler") && Contains("s(t) = 0") && Contains("t = 2"));
}

TEST_CASE("Bad parameters name the parameter and the value", "[sde]") {
    CHECK_THAT(message_of([] { levysgd::euler<double>(0.0); }), Contains("dt") && Contains("0"));
    CHECK_THAT(message_of([] { levysgd::euler<double>(-1e-3); }), Contains("dt"));
    CHECK_THAT(
        message_of([] { levysgd::tamed_euler<double> t(std::numeric_limits<double>::infinity()); }),
        Contains("tamed_euler") && Contains("dt") && Contains("inf"));
    CHECK_THAT(message_of([] { levysgd::sgd_recursion<double>(std::nan("")); }),
               Contains("eta") && Contains("nan"));
    CHECK_THAT(message_of([] { levysgd::stable_noise<double>(2, 2.5, 1.0); }),
               Contains("alpha[0]") && Contains("2.5"));
    CHECK_THAT(message_of([] {
                   levysgd::stable_noise<double>({1.5, 0.0}, {1.0, 1.0});
               }),
               Contains("alpha[1]"));
    CHECK_THAT(message_of([] {
                   levysgd::stable_noise<double>({1.5}, {1.0, 1.0});
               }),
               Contains("scale.size()"));
    CHECK_THAT(message_of([] { levysgd::stable_noise<double>(0, 1.5, 1.0); }),
               Contains("dimension"));
    CHECK_THAT(message_of([] { levysgd::gaussian_noise<double>::isotropic(1, -1.0); }),
               Contains("sigma"));
    Eigen::MatrixXd bad(2, 2);
    bad << 1, 0, 0, -1;
    CHECK_THAT(message_of([&] { levysgd::gaussian_noise<double>::with_covariance(bad); }),
               Contains("eigenvalue") && Contains("-1"));
    CHECK_THAT(message_of([] { levysgd::double_well(0.0, -1.0, 1.0); }), Contains("maxima[0]"));
    CHECK_THAT(message_of([] { levysgd::interval<double>(1.0, 1.0); }), Contains("hi"));
    CHECK_THAT(message_of([] { levysgd::ball<double, 2>(Eigen::Vector2d::Zero(), 0.0); }),
               Contains("radius"));
    CHECK_THAT(message_of([] { levysgd::styblinski_tang<double>(3, -1.0); }), Contains("k"));
    CHECK_THAT(message_of([] { levysgd::sgd_limit_scale(0.1, 1.0, 3.0); }), Contains("alpha"));

    // Studies: N = 0, horizon, dimension mismatch, x0 outside the domain.
    using V1 = Eigen::Matrix<double, 1, 1>;
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> noise(1, 1.5, 0.1);
    const levysgd::euler<double> em(1e-2);
    const levysgd::interval<double> dom(-5.0, 0.0);
    levysgd::escape_options<double> opt;
    opt.horizon = 1;
    opt.paths = 0;
    CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise, em, dom, V1(-1.0), opt); }),
               Contains("paths") && Contains("0"));
    opt.paths = 10;
    opt.horizon = -1;
    CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise, em, dom, V1(-1.0), opt); }),
               Contains("horizon"));
    opt.horizon = 1;
    CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise, em, dom, V1(1.0), opt); }),
               Contains("x0"));
    const levysgd::stable_noise<double> noise2(2, 1.5, 0.1);
    CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise2, em, dom, V1(-1.0), opt); }),
               Contains("noise.dimension()") && Contains("2"));
    const levysgd::ball<double, 1> bad_ball(Eigen::Matrix<double, 1, 1>(0.0), 1.0);
    const levysgd::box<double> box3(Eigen::Vector3d(-1, -1, -1), Eigen::Vector3d(1, 1, 1));
    CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise, em, box3, V1(-1.0), opt); }),
               Contains("domain.dimension()") && Contains("3"));
    (void)bad_ball;
}
