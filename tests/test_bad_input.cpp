// Bad-input tables for the public entry points of sde/, optim/ and random/
// (issue 16): every row must be refused with std::invalid_argument whose
// message names the parameter. Values: NaN, +-k_inf, subnormal, zero,
// negative, k_huge, empty, mismatched shapes, counts near 2^64. The stable,
// tail, noise-analysis and theory entry points have their tables next to
// their own tests (test_stable_*, test_tail_*, test_gradient_noise,
// test_theory).

#include "levysgd_catch.hpp"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <levysgd/levysgd.hpp>

namespace {

struct row {
    std::string what;
    std::function<void()> call;
    std::string must_name; // a substring of the message: the parameter
};

void check_table(const std::vector<row> &rows) {
    for (const auto &r : rows) {
        INFO(r.what);
        const std::string m = levysgd_test::message_of(r.call);
        INFO("message: " << m);
        CHECK(m != "no exception");
        CHECK(m.find(r.must_name) != std::string::npos);
        CHECK(m.rfind("levysgd", 0) == 0); // names the function first
    }
}

constexpr double k_nan = std::numeric_limits<double>::quiet_NaN();
constexpr double k_inf = std::numeric_limits<double>::infinity();
constexpr double k_sub = std::numeric_limits<double>::denorm_min();
constexpr double k_huge = std::numeric_limits<double>::max();
constexpr std::uint64_t umax = std::numeric_limits<std::uint64_t>::max();
constexpr std::size_t smax = std::numeric_limits<std::size_t>::max();

struct oracle {
    std::size_t samples() const { return 4; }
    Eigen::Index dimension() const { return 2; }
    void gradient(Eigen::Ref<const Eigen::VectorXd>, std::span<const std::size_t>,
                  Eigen::Ref<Eigen::VectorXd> g) const {
        g.setOnes();
    }
};

} // namespace

TEST_CASE("sde: potentials refuse bad parameters, naming them", "[bad_input]") {
    using M = Eigen::MatrixXd;
    using V = Eigen::VectorXd;
    check_table({
        {"quadratic NaN hessian", [] { (void)levysgd::quadratic<double>(M::Constant(1, 1, k_nan), V::Zero(1)); }, "hessian"},
        {"quadratic k_inf minimum", [] { (void)levysgd::quadratic<double>(M::Identity(1, 1), V::Constant(1, k_inf)); }, "minimum"},
        {"quadratic NaN f0", [] { (void)levysgd::quadratic<double>(M::Identity(1, 1), V::Zero(1), k_nan); }, "f0"},
        {"quadratic empty", [] { (void)levysgd::quadratic<double>(M(0, 0), V(0)); }, "hessian.rows()"},
        {"quadratic non-square", [] { (void)levysgd::quadratic<double>(M::Zero(2, 3), V::Zero(2)); }, "hessian.cols()"},
        {"quadratic size mismatch", [] { (void)levysgd::quadratic<double>(M::Identity(2, 2), V::Zero(3)); }, "minimum.size()"},
        {"quadratic asymmetric", [] { M h(2, 2); h << 1, 2, 3, 1; (void)levysgd::quadratic<double>(h, V::Zero(2)); }, "hessian(1, 0)"},
        {"double_well NaN minimum", [] { (void)levysgd::double_well(k_nan, 0.0, 1.0); }, "minima[0]"},
        {"double_well k_inf minimum", [] { (void)levysgd::double_well(-1.0, 0.0, k_inf); }, "minima[1]"},
        {"double_well saddle outside", [] { (void)levysgd::double_well(-1.0, 2.0, 1.0); }, "maxima[0]"},
        {"double_well NaN saddle", [] { (void)levysgd::double_well(-1.0, k_nan, 1.0); }, "maxima[0]"},
        {"double_well a = 0", [] { (void)levysgd::double_well(-1.0, 0.0, 1.0, 0.0); }, "a"},
        {"double_well a subnormal*k_huge", [] { (void)levysgd::double_well(-1.0, 0.0, 1.0, k_inf); }, "a"},
        {"double_well coefficients overflow", [] { (void)levysgd::double_well(-1e200, 0.0, 1e200); }, "minima"},
        {"polynomial_well no minima", [] { (void)levysgd::polynomial_well<double>(std::span<const double>{}, std::span<const double>{}); }, "minima.size()"},
        {"ackley b = 0", [] { (void)levysgd::ackley<double>(20, 0, 6.28); }, "b"},
        {"ackley c NaN", [] { (void)levysgd::ackley<double>(20, 0.2, k_nan); }, "c"},
        {"ackley a < 0", [] { (void)levysgd::ackley<double>(-1, 0.2, 6.28); }, "a"},
        {"styblinski_tang n = 0", [] { (void)levysgd::styblinski_tang<double>(Eigen::Index(0)); }, "n"},
        {"styblinski_tang k k_inf", [] { (void)levysgd::styblinski_tang<double>(2, k_inf); }, "k"},
        {"styblinski_tang fixed dim mismatch", [] { (void)levysgd::styblinski_tang<double, 2>(3); }, "n"},
    });
}

TEST_CASE("sde: noise models, integrators and schedulers refuse bad parameters", "[bad_input]") {
    using M = Eigen::MatrixXd;
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    check_table({
        {"gaussian isotropic n = 0", [] { (void)levysgd::gaussian_noise<double>::isotropic(0, 1.0); }, "n"},
        {"gaussian isotropic sigma NaN", [] { (void)levysgd::gaussian_noise<double>::isotropic(1, k_nan); }, "sigma"},
        {"gaussian isotropic sigma < 0", [] { (void)levysgd::gaussian_noise<double>::isotropic(1, -1.0); }, "sigma"},
        {"gaussian from_diffusion D k_inf", [] { (void)levysgd::gaussian_noise<double>::from_diffusion(1, k_inf); }, "D"},
        {"gaussian from_diffusion D -k_sub", [] { (void)levysgd::gaussian_noise<double>::from_diffusion(1, -k_sub); }, "D"},
        {"gaussian with_covariance NaN", [] { (void)levysgd::gaussian_noise<double>::with_covariance(M::Constant(1, 1, k_nan)); }, "covariance"},
        {"gaussian with_covariance empty", [] { (void)levysgd::gaussian_noise<double>::with_covariance(M(0, 0)); }, "covariance"},
        {"gaussian with_covariance non-square", [] { (void)levysgd::gaussian_noise<double>::with_covariance(M::Zero(2, 1)); }, "covariance.cols()"},
        {"gaussian with_covariance -1e-13 I", [] { (void)levysgd::gaussian_noise<double>::with_covariance(-1e-13 * M::Identity(2, 2)); }, "eigenvalue"},
        {"gaussian with_covariance asymmetric", [] { M c(2, 2); c << 1, 0.5, 0, 1; (void)levysgd::gaussian_noise<double>::with_covariance(c); }, "symmetric"},
        {"hessian_noise c = 0", [&] { (void)levysgd::hessian_noise<levysgd::polynomial_well<double>>(dw, 0.0); }, "c"},
        {"hessian_noise c NaN", [&] { (void)levysgd::hessian_noise<levysgd::polynomial_well<double>>(dw, k_nan); }, "c"},
        {"stable_noise n = 0", [] { (void)levysgd::stable_noise<double>(0, 1.5, 1.0); }, "n"},
        {"stable_noise n < 0", [] { (void)levysgd::stable_noise<double>(-3, 1.5, 1.0); }, "n"},
        {"stable_noise alpha 0", [] { (void)levysgd::stable_noise<double>(1, 0.0, 1.0); }, "alpha[0]"},
        {"stable_noise alpha subnormal", [] { (void)levysgd::stable_noise<double>(1, k_sub, 1.0); }, "alpha[0]"},
        {"stable_noise alpha 2.5", [] { (void)levysgd::stable_noise<double>(1, 2.5, 1.0); }, "alpha[0]"},
        {"stable_noise alpha NaN", [] { (void)levysgd::stable_noise<double>(1, k_nan, 1.0); }, "alpha[0]"},
        {"stable_noise scale k_inf", [] { (void)levysgd::stable_noise<double>(1, 1.5, k_inf); }, "scale[0]"},
        {"stable_noise scale < 0", [] { (void)levysgd::stable_noise<double>(1, 1.5, -1.0); }, "scale[0]"},
        {"stable_noise sizes", [] { (void)levysgd::stable_noise<double>({1.5, 1.5}, {1.0}); }, "scale.size()"},
        {"stable_noise empty", [] { (void)levysgd::stable_noise<double>(std::vector<double>{}, std::vector<double>{}); }, "n"},
        {"mixture dimensions", [] { (void)levysgd::mixture_noise(levysgd::stable_noise<double>(1, 1.5, 1.0), levysgd::stable_noise<double>(2, 1.5, 1.0)); }, "second.dimension()"},
        {"euler dt 0", [] { (void)levysgd::euler<double>(0.0); }, "dt"},
        {"euler dt NaN", [] { (void)levysgd::euler<double>(k_nan); }, "dt"},
        {"euler dt k_inf", [] { (void)levysgd::euler<double>(k_inf); }, "dt"},
        {"tamed_euler dt < 0", [] { (void)levysgd::tamed_euler<double>(-1e-3); }, "dt"},
        {"implicit_euler dt NaN", [] { (void)levysgd::implicit_euler<double>(k_nan); }, "dt"},
        {"sgd_recursion eta 0", [] { (void)levysgd::sgd_recursion<double>(0.0); }, "eta"},
        {"constant_scheduler 0", [] { (void)levysgd::constant_scheduler<double>(0.0); }, "value"},
        {"constant_scheduler NaN", [] { (void)levysgd::constant_scheduler<double>(k_nan); }, "value"},
        {"exponential_scheduler gamma 0", [] { (void)levysgd::exponential_scheduler<double>(0.0); }, "gamma"},
        {"exponential_scheduler gamma NaN", [] { (void)levysgd::exponential_scheduler<double>(k_nan); }, "gamma"},
        {"exponential_scheduler gamma 1.5", [] { (void)levysgd::exponential_scheduler<double>(1.5); }, "gamma"},
        {"exponential_scheduler t_min 0", [] { (void)levysgd::exponential_scheduler<double>(0.5, 0.0); }, "t_min"},
        {"multistep sizes", [] { std::vector<double> b{1, 2}, f{0.5}; (void)levysgd::multistep_scheduler<double>(b, f); }, "factors"},
        {"multistep NaN boundary", [] { std::vector<double> b{k_nan}, f{0.5}; (void)levysgd::multistep_scheduler<double>(b, f); }, "boundaries[0]"},
        {"multistep factor 0", [] { std::vector<double> b{1}, f{0.0}; (void)levysgd::multistep_scheduler<double>(b, f); }, "factors[0]"},
        {"multistep factor NaN", [] { std::vector<double> b{1}, f{k_nan}; (void)levysgd::multistep_scheduler<double>(b, f); }, "factors[0]"},
    });
}

TEST_CASE("sde: domains and studies refuse bad input", "[bad_input]") {
    using V1 = Eigen::Matrix<double, 1, 1>;
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> noise(1, 1.5, 0.1);
    const levysgd::euler<double> em(1e-2);
    const levysgd::interval<double> dom(-5.0, 0.0);
    auto study = [&](auto mutate, V1 x0 = V1(-1.0)) {
        return [=] {
            levysgd::escape_options<double> o;
            o.horizon = 1;
            o.paths = 10;
            mutate(o);
            levysgd::escape_study(dw, noise, em, dom, x0, o);
        };
    };
    check_table({
        {"interval NaN lo", [] { (void)levysgd::interval<double>(k_nan, 1); }, "lo"},
        {"interval NaN hi", [] { (void)levysgd::interval<double>(0, k_nan); }, "hi"},
        {"interval empty", [] { (void)levysgd::interval<double>(1, 1); }, "hi"},
        {"interval reversed", [] { (void)levysgd::interval<double>(1, -1); }, "hi"},
        {"box sizes", [] { (void)levysgd::box<double>(Eigen::Vector2d::Zero(), Eigen::Vector3d::Ones()); }, "hi.size()"},
        {"box empty", [] { (void)levysgd::box<double>(Eigen::VectorXd(0), Eigen::VectorXd(0)); }, "hi.size()"},
        {"box NaN lo", [] { (void)levysgd::box<double>(Eigen::Vector2d(k_nan, 0), Eigen::Vector2d::Ones()); }, "lo[0]"},
        {"box NaN hi", [] { (void)levysgd::box<double>(Eigen::Vector2d::Zero(), Eigen::Vector2d(1, k_nan)); }, "hi[1]"},
        {"ball radius 0", [] { (void)levysgd::ball<double>(Eigen::Vector2d::Zero(), 0.0); }, "radius"},
        {"ball radius NaN", [] { (void)levysgd::ball<double>(Eigen::Vector2d::Zero(), k_nan); }, "radius"},
        {"ball NaN centre", [] { (void)levysgd::ball<double>(Eigen::Vector2d(k_nan, 0), 1.0); }, "center"},
        {"ball empty", [] { (void)levysgd::ball<double>(Eigen::VectorXd(0), 1.0); }, "center.size()"},
        {"loss_threshold delta 0", [&] { (void)levysgd::loss_threshold<levysgd::polynomial_well<double>>(dw, V1(-1.0), 0.0); }, "delta"},
        {"loss_threshold delta NaN", [&] { (void)levysgd::loss_threshold<levysgd::polynomial_well<double>>(dw, V1(-1.0), k_nan); }, "delta"},
        {"loss_threshold radius NaN", [&] { (void)levysgd::loss_threshold<levysgd::polynomial_well<double>>(dw, V1(-1.0), 1.0, k_nan); }, "radius"},
        {"loss_threshold NaN w_star", [&] { (void)levysgd::loss_threshold<levysgd::polynomial_well<double>>(dw, V1(k_nan), 1.0); }, "w_star"},
        {"interval_basins sizes", [] { (void)levysgd::interval_basins<double>({0, 1}, {1}); }, "hi.size()"},
        {"interval_basins empty", [] { (void)levysgd::interval_basins<double>({}, {}); }, "hi.size()"},
        {"interval_basins overlap", [] { (void)levysgd::interval_basins<double>({0, 0.5}, {1, 2}); }, "lo[1]"},
        {"interval_basins NaN", [] { (void)levysgd::interval_basins<double>({k_nan}, {1}); }, "lo[0]"},
        {"study paths 0", study([](auto &o) { o.paths = 0; }), "paths"},
        {"study paths 2^64 - 1", study([](auto &o) { o.paths = smax; }), "paths"},
        {"study first_stream wraps", study([](auto &o) { o.first_stream = umax; }), "first_stream"},
        {"study horizon 0", study([](auto &o) { o.horizon = 0; }), "horizon"},
        {"study horizon NaN", study([](auto &o) { o.horizon = k_nan; }), "horizon"},
        {"study horizon k_inf", study([](auto &o) { o.horizon = k_inf; }), "horizon"},
        {"study horizon / dt too many steps", study([](auto &o) { o.horizon = 1e300; }), "horizon / time_step"},
        {"study confidence 1", study([](auto &o) { o.confidence = 1; }), "confidence"},
        {"study confidence NaN", study([](auto &o) { o.confidence = k_nan; }), "confidence"},
        {"study x0 NaN", study([](auto &) {}, V1(k_nan)), "x0"},
        {"study x0 outside", study([](auto &) {}, V1(1.0)), "x0"},
        {"simulate_paths time 0", [&] { (void)levysgd::simulate_paths(dw, noise, em, V1(-1.0), levysgd_test::with_horizon(levysgd::path_options<double>{}, 0.0)); }, "horizon"},
        {"simulate_paths time NaN", [&] { (void)levysgd::simulate_paths(dw, noise, em, V1(-1.0), levysgd_test::with_horizon(levysgd::path_options<double>{}, k_nan)); }, "horizon"},
    });
}

TEST_CASE("optim and random: bad input refused", "[bad_input]") {
    using levysgd::sampling;
    const oracle o;
    std::vector<double> buf(8);
    check_table({
        {"minibatch n = 0", [] { (void)levysgd::minibatch_sampler(0, 1, sampling::with_replacement, 1); }, "n"},
        {"minibatch batch 0", [] { (void)levysgd::minibatch_sampler(4, 0, sampling::with_replacement, 1); }, "batch"},
        {"minibatch batch > n", [] { (void)levysgd::minibatch_sampler(4, 5, sampling::with_replacement, 1); }, "batch"},
        {"minibatch batch SIZE_MAX", [] { (void)levysgd::minibatch_sampler(4, smax, sampling::with_replacement, 1); }, "batch"},
        {"minibatch n 2^32 w/o replacement", [] { (void)levysgd::minibatch_sampler(std::size_t(1) << 32, 1, sampling::without_replacement, 1); }, "n"},
        {"sgd lr 0", [] { (void)levysgd::sgd<double>(4, 2, 0.0, 1, 0, sampling::with_replacement); }, "learning_rate"},
        {"sgd lr NaN", [] { (void)levysgd::sgd<double>(4, 2, k_nan, 1, 0, sampling::with_replacement); }, "learning_rate"},
        {"sgd lr k_inf", [] { (void)levysgd::sgd<double>(4, 2, k_inf, 1, 0, sampling::with_replacement); }, "learning_rate"},
        {"sgd batch 0", [] { (void)levysgd::sgd<double>(4, 0, 0.1, 1, 0, sampling::with_replacement); }, "batch"},
        {"sgd w size", [&] { levysgd::sgd<double> s(4, 2, 0.1, 1, 0, sampling::with_replacement); Eigen::VectorXd w(3); s.step(w, o); }, "w.size()"},
        {"sgd oracle samples", [&] { levysgd::sgd<double> s(5, 2, 0.1, 1, 0, sampling::with_replacement); Eigen::VectorXd w(2); s.step(w, o); }, "oracle.samples()"},
        {"sgld temperature < 0", [] { (void)levysgd::sgld<double>(4, 2, 0.1, -1.0, 1, 0, sampling::with_replacement); }, "temperature"},
        {"sgld temperature NaN", [] { (void)levysgd::sgld<double>(4, 2, 0.1, k_nan, 1, 0, sampling::with_replacement); }, "temperature"},
        {"ne_sgd a < 0.5", [] { (void)levysgd::noise_enhanced_sgd<double>(4, 2, 0.1, 0.2, 1, 0, sampling::with_replacement); }, "a"},
        {"ne_sgd a NaN", [] { (void)levysgd::noise_enhanced_sgd<double>(4, 2, 0.1, k_nan, 1, 0, sampling::with_replacement); }, "a"},
        {"stable_noise_sgd alpha 0", [] { (void)levysgd::stable_noise_sgd<double>(4, 2, 0.1, {0.0, 1.5}, {1.0, 1.0}, 1, 0, sampling::with_replacement); }, "alpha[0]"},
        {"stable_noise_sgd scale NaN", [] { (void)levysgd::stable_noise_sgd<double>(4, 2, 0.1, {1.5, 1.5}, {1.0, k_nan}, 1, 0, sampling::with_replacement); }, "scale[1]"},
        {"stable_noise_sgd sizes", [] { (void)levysgd::stable_noise_sgd<double>(4, 2, 0.1, {1.5, 1.5}, {1.0}, 1, 0, sampling::with_replacement); }, "scale.size()"},
        {"stable_noise_sgd w size", [&] { levysgd::stable_noise_sgd<double> s(4, 2, 0.1, {1.5, 1.5, 1.5}, {1, 1, 1}, 1, 0, sampling::with_replacement); Eigen::VectorXd w(2); s.step(w, o); }, "w"},
        {"noise_enhanced_step lr NaN", [&] { Eigen::VectorXd w(2); std::vector<std::size_t> b{0}; (void)levysgd::noise_enhanced_step<double>(w, o, b, b, k_nan, 0.5); }, "learning_rate"},
        {"noise_enhanced_step index", [&] { Eigen::VectorXd w(2); std::vector<std::size_t> b{4}; (void)levysgd::noise_enhanced_step<double>(w, o, b, b, 0.1, 0.5); }, "sample index"},
        {"noise_enhanced_step empty", [&] { Eigen::VectorXd w(2); std::vector<std::size_t> b; (void)levysgd::noise_enhanced_step<double>(w, o, b, b, 0.1, 0.5); }, "batch2.size()"},
        {"fill_uniform past 2^64", [&] { (void)levysgd::fill_uniform(std::span<double>(buf), 1, 0, levysgd::fill_options{umax - 3, 1}); }, "first_index"},
        {"fill_normal past 2^64", [&] { (void)levysgd::fill_normal(std::span<double>(buf), 1, 0, levysgd::fill_options{umax, 1}); }, "first_index"},
        {"fill_exponential past 2^64", [&] { (void)levysgd::fill_exponential(std::span<double>(buf), 1, 0, levysgd::fill_options{umax - 6, 1}); }, "first_index"},
    });
    (void)k_huge;
}
