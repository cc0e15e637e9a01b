// sde/ and optim/ in single precision: the studies, noise models and steps
// are templates over Real; float runs the same code (SIMD lanes hold 8 floats
// on AVX2) and gives the same laws.
#include <levysgd/levysgd.hpp>

#include <cmath>

#include "levysgd_catch.hpp"

namespace {
using V1f = Eigen::Matrix<float, 1, 1>;
}

TEST_CASE("Float escape studies: OU variance, exits, determinism", "[sde][float]") {
    // dX = -X dt + sigma dW: stationary variance sigma^2 / 2.
    const levysgd::quadratic<float, 1> ou((Eigen::Matrix<float, 1, 1>() << 1.0f).finished(),
                                          V1f(0.0f));
    const auto noise = levysgd::gaussian_noise<float>::isotropic(1, 0.8f);
    levysgd::path_options<float> po;
    po.paths = levysgd_test::sized(20000);
    po.seed = 3;
    const auto s =
        levysgd::simulate_paths(ou, noise, levysgd::euler<float>(0.01f), V1f(0.0f), levysgd_test::with_horizon(po, 6.0f));
    REQUIRE(s.non_finite == 0);
    const Eigen::ArrayXf x = s.states.row(0).array();
    const double var = double((x - x.mean()).square().sum()) / double(x.size() - 1);
    // scheme: sigma^2 dt / (1 - (1 - dt)^2) = 0.32 / 0.995 (t = 6 is stationary)
    CHECK(var ==
          Approx(0.64 * 0.01 / (1 - 0.99 * 0.99)).epsilon(4 * std::sqrt(2.0 / double(po.paths))));

    const auto dw = levysgd::double_well(-1.0f, 0.0f, 1.0f, 2.0f);
    const levysgd::stable_noise<float> levy(1, 1.5f, 0.3f);
    levysgd::escape_options<float> opt;
    opt.paths = 500;
    opt.horizon = 50.0f;
    opt.threads = 1;
    const auto r1 = levysgd::escape_study(dw, levy, levysgd::tamed_euler<float>(0.01f),
                                          levysgd::interval<float>(-3.0f, 0.0f), V1f(-1.0f), opt);
    opt.threads = 2;
    const auto r2 = levysgd::escape_study(dw, levy, levysgd::tamed_euler<float>(0.01f),
                                          levysgd::interval<float>(-3.0f, 0.0f), V1f(-1.0f), opt);
    CHECK(r1.exited > 400);
    CHECK(r1.exited + r1.censored + r1.non_finite == 500);
    for (std::size_t i = 0; i < opt.paths; ++i)
        CHECK(r1.path_records[i].time == r2.path_records[i].time);
    // Per-coordinate alpha in 2-D (ball, scalar-lane path through ackley's batch form).
    const levysgd::stable_noise<float> pc(std::vector<float>{1.2f, 1.8f},
                                          std::vector<float>{0.2f, 0.2f});
    opt.paths = 300;
    const auto r3 = levysgd::escape_study(
        levysgd::ackley<float>(), pc, levysgd::euler<float>(0.01f),
        levysgd::ball<float, 2>(Eigen::Vector2f::Zero(), 3.0f), Eigen::Vector2f::Zero(), opt);
    CHECK(r3.exited + r3.censored + r3.non_finite == 300);
    CHECK(r3.axis(0).value > 0.5); // the smaller alpha is the likelier exit (Battash & Lindenbaum 2023 Fig. 3)
}

TEST_CASE("Float optimizer steps", "[optim][float]") {
    struct bowl {
        std::size_t samples() const { return 8; }
        Eigen::Index dimension() const { return 2; }
        void gradient(Eigen::Ref<const Eigen::VectorXf> w, std::span<const std::size_t>,
                      Eigen::Ref<Eigen::VectorXf> g) const {
            g = 2.0f * w;
        }
    };
    levysgd::noise_enhanced_sgd<float> ne(8, 2, 0.1f, 2.0f, 1, 0,
                                          levysgd::sampling::with_replacement);
    levysgd::sgd<float> plain(8, 2, 0.1f, 1, 0, levysgd::sampling::with_replacement);
    Eigen::VectorXf a = Eigen::VectorXf::Ones(2), b = a;
    for (int k = 0; k < 50; ++k) {
        ne.step(a, bowl{});
        plain.step(b, bowl{});
    }
    // Deterministic gradient: both converge to 0 alike (no minibatch noise here).
    CHECK(a.norm() < 1e-4f);
    CHECK(b.norm() < 1e-4f);
}
