// Regression tests of issue 16 (hardening) for the studies, domains, noise
// models and optimizer steps: NaN states never counted as exits on any path
// kind (SIMD, scalar lanes, dynamic dimension), out-of-range classifier
// labels, basin and path counts near the integer limits, schedulers that
// would turn a step into ascent, covariance tolerances and messages. Built
// native, portable (SSE2, the sanitizer build) and AVX2
// (test_hardening_avx2), since the SIMD path's NaN test is ISA-specific.

#include "levysgd_catch.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Core>

#include <levysgd/levysgd.hpp>

using Catch::Contains;
using levysgd_test::message_of;

namespace {

/// A double well whose gradient is NaN right of `poison` (a user potential
/// gone wrong). Batch: has gradient_batch (the SIMD path); Scalar: does not
/// (scalar lanes); Dim = Dynamic: the dynamic-dimension path.
template <class Real, bool Batch, int Dim = 1> struct poisoned_well {
    using scalar_type = Real;
    static constexpr int dim = Dim;
    levysgd::polynomial_well<Real> well = levysgd::double_well<Real>(-1, 0, 1);
    Real poison = Real(-0.6);
    Real bad = std::numeric_limits<Real>::quiet_NaN(); // the gradient right of poison
    Eigen::Index dimension() const noexcept { return 1; }
    template <class V> Real value(const V &x) const {
        return well.value(Eigen::Matrix<Real, 1, 1>(x[0]));
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        Eigen::Matrix<Real, 1, 1> g1;
        well.gradient(Eigen::Matrix<Real, 1, 1>(x[0]), g1);
        g[0] = x[0] > poison ? bad : g1[0];
    }
    template <class B>
        requires Batch
    void gradient_batch(const std::array<B, 1> &x, std::array<B, 1> &g) const {
        well.gradient_batch(x, g);
        g[0] = xsimd::select(x[0] > B(poison), B(bad), g[0]);
    }
};

/// double_well without its batch gradient: forces the scalar lanes.
template <class Real> struct scalar_only {
    using scalar_type = Real;
    static constexpr int dim = 1;
    levysgd::polynomial_well<Real> w;
    Eigen::Index dimension() const noexcept { return 1; }
    template <class V> Real value(const V &x) const { return w.value(x); }
    template <class V, class G> void gradient(const V &x, G &g) const { w.gradient(x, g); }
};

/// A classifier with K basins: label at_x0 at x = -1, elsewhere otherwise.
struct labels {
    int k, at_x0, elsewhere;
    int basins() const { return k; }
    template <class V> int basin(const V &x) const { return x[0] == -1 ? at_x0 : elsewhere; }
};

template <class R> struct counts {
    std::size_t exited, censored, non_finite;
    bool operator==(const counts &) const = default;
};
template <class Res> auto counts_of(const Res &r) {
    return counts<int>{r.exited, r.censored, r.non_finite};
}
template <class Res> void check_exits_finite(const Res &r) {
    for (const auto &p : r.path_records)
        if (p.status == levysgd::path_status::exited) {
            INFO("exited path with a non-finite exit point");
            REQUIRE(p.point.allFinite());
        }
}

} // namespace

TEMPLATE_TEST_CASE("NaN states are never exits, on the SIMD, scalar and dynamic paths",
                   "[hardening][nan]", float, double) {
    using R = TestType;
    using V1 = Eigen::Matrix<R, 1, 1>;
    using VD = Eigen::Matrix<R, Eigen::Dynamic, 1>;
    static_assert(levysgd::detail::batch_capable<
                  poisoned_well<R, true>, levysgd::stable_noise<R>, levysgd::euler<R>,
                  levysgd::interval<R>>);
    static_assert(!levysgd::detail::batch_capable<
                  poisoned_well<R, false>, levysgd::stable_noise<R>, levysgd::euler<R>,
                  levysgd::interval<R>>);
    // The gradient right of the poison: NaN, +inf or -inf; the noise: SaS(1.5)
    // or SaS(0.05), whose increments overflow to +-inf.
    const R bad = GENERATE(std::numeric_limits<R>::quiet_NaN(), std::numeric_limits<R>::infinity(),
                           -std::numeric_limits<R>::infinity());
    const R alpha = GENERATE(R(1.5), R(0.05));
    INFO("gradient " << bad << ", alpha " << alpha);
    const levysgd::stable_noise<R> noise(1, alpha, R(0.3));
    const levysgd::euler<R> em(R(0.01));
    const levysgd::interval<R> dom(R(-3), R(0));
    levysgd::escape_options<R> opt;
    opt.paths = levysgd_test::sized(600, 3);
    opt.horizon = 20;
    opt.seed = 4;
    opt.threads = 2;
    poisoned_well<R, true> pb;
    poisoned_well<R, false> ps;
    poisoned_well<R, false, Eigen::Dynamic> pd;
    pb.bad = ps.bad = pd.bad = bad;
    const auto simd = levysgd::escape_study(pb, noise, em, dom, V1(-1), opt);
    const auto lanes = levysgd::escape_study(ps, noise, em, dom, V1(-1), opt);
    const auto dyn = levysgd::escape_study(pd, noise, em, dom, VD::Constant(1, R(-1)), opt);
    INFO("SIMD " << simd.exited << "/" << simd.censored << "/" << simd.non_finite << ", lanes "
                 << lanes.exited << "/" << lanes.censored << "/" << lanes.non_finite);
    CHECK(simd.non_finite > 0); // the poison (or an overflowing jump) is reached
    if (alpha > 1)
        CHECK(simd.exited > 0); // jumps over the poisoned region still exit
    CHECK(counts_of(simd) == counts_of(lanes));
    CHECK(counts_of(lanes) == counts_of(dyn));
    check_exits_finite(simd);
    check_exits_finite(lanes);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < opt.paths; ++i)
        differ += simd.path_records[i].status != lanes.path_records[i].status;
    CHECK(differ == 0);
    if (simd.exited > 0)
        CHECK(std::isfinite(simd.mean_exit_time.value));
    if (simd.exited + simd.censored > 0) // else no time at risk: no rate (NaN)
        CHECK(std::isfinite(simd.escape_rate.value));

    // simulate_paths and transition_study count the same non-finite paths.
    levysgd::path_options<R> po;
    po.paths = opt.paths;
    po.seed = 4;
    const auto ts = levysgd::simulate_paths(pb, noise, em, V1(-1), levysgd_test::with_horizon(po, R(2)));
    const auto tl = levysgd::simulate_paths(ps, noise, em, V1(-1), levysgd_test::with_horizon(po, R(2)));
    const auto td = levysgd::simulate_paths(pd, noise, em, VD::Constant(1, R(-1)), levysgd_test::with_horizon(po, R(2)));
    CHECK(ts.non_finite > 0);
    CHECK(ts.non_finite == tl.non_finite);
    CHECK(tl.non_finite == td.non_finite);
    levysgd::transition_options<R> to;
    to.paths = po.paths;
    to.horizon = 2;
    to.seed = 4;
    const levysgd::interval_basins<R> basins({R(-3)}, {R(-0.8)});
    const auto rs = levysgd::transition_study(ps, noise, em, basins, V1(-1), to);
    const auto rd = levysgd::transition_study(pd, noise, em, basins, VD::Constant(1, R(-1)), to);
    CHECK(rs.non_finite == tl.non_finite);
    CHECK(rd.non_finite == rs.non_finite);
    CHECK(rs.occupation.allFinite());
}

TEST_CASE("issue 16 item 1: overflowing float well, alpha = 0.05 noise: no NaN exits", "[hardening][nan]") {
    using V1 = Eigen::Matrix<float, 1, 1>;
    const auto dw = levysgd::double_well<float>(-1, -0.5f, 2, 10);
    const levysgd::stable_noise<float> noise(1, 0.05f, 1.f); // alpha 0.05: every path overflows
    const levysgd::euler<float> em(0.05f);
    const levysgd::interval<float> dom(-1e38f, 1e38f);
    levysgd::escape_options<float> opt;
    opt.paths = levysgd_test::sized(2000, 4);
    opt.horizon = 20;
    opt.seed = 4;
    const auto simd = levysgd::escape_study(dw, noise, em, dom, V1(-1), opt);
    const auto lanes = levysgd::escape_study(scalar_only<float>{dw}, noise, em, dom, V1(-1), opt);
    INFO("SIMD " << simd.exited << "/" << simd.censored << "/" << simd.non_finite << ", lanes "
                 << lanes.exited << "/" << lanes.censored << "/" << lanes.non_finite);
    CHECK(counts_of(simd) == counts_of(lanes));
    CHECK(simd.exited == 0);
    CHECK(simd.non_finite == opt.paths);
    check_exits_finite(simd);
    CHECK(std::isnan(simd.mean_exit_time.value)); // no exits: no mean
}

TEST_CASE("transition_study refuses classifier labels out of range and too many basins",
          "[hardening]") {
    using V1 = Eigen::Matrix<double, 1, 1>;
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> noise(1, 1.5, 0.3);
    const levysgd::euler<double> em(1e-2);
    levysgd::transition_options<double> opt;
    opt.paths = 8;
    opt.horizon = 1;
    CHECK_THAT(message_of([&] {
                   levysgd::transition_study(dw, noise, em, labels{2, 7, 0}, V1(-1.0), opt);
               }),
               Contains("classifier.basin(x0)") && Contains("got 7"));
    CHECK_THAT(message_of([&] {
                   levysgd::transition_study(dw, noise, em, labels{2, -2, 0}, V1(-1.0), opt);
               }),
               Contains("classifier.basin(x0)") && Contains("got -2"));
    CHECK_THAT(message_of([&] {
                   levysgd::transition_study(dw, noise, em, labels{2, 0, 2}, V1(-1.0), opt);
               }),
               Contains("classifier.basin(x)") && Contains("got 2"));
    CHECK_THAT(message_of([&] {
                   levysgd::transition_study(dw, noise, em, labels{46341, 0, 0}, V1(-1.0), opt);
               }),
               Contains("classifier.basins()") && Contains("got 46341"));
    CHECK_THAT(message_of([&] {
                   levysgd::transition_study(dw, noise, em, labels{0, 0, 0}, V1(-1.0), opt);
               }),
               Contains("classifier.basins()"));
    // The largest accepted K works and stores its counts sparsely per block.
    const auto big = levysgd::transition_study(
        dw, noise, em, labels{levysgd::max_transition_basins, 0, 4095}, V1(-1.0), opt);
    CHECK(big.counts(0, 4095) == opt.paths);
    CHECK(big.counts.sum() == opt.paths);
}

TEST_CASE("study path counts and streams near 2^64 are refused", "[hardening]") {
    using V1 = Eigen::Matrix<double, 1, 1>;
    const auto dw = levysgd::double_well(-1.0, 0.0, 1.0);
    const levysgd::stable_noise<double> noise(1, 1.5, 0.3);
    const levysgd::euler<double> em(1e-2);
    const levysgd::interval<double> dom(-5.0, 0.0);
    constexpr auto smax = std::numeric_limits<std::size_t>::max();
    constexpr auto umax = std::numeric_limits<std::uint64_t>::max();
    levysgd::escape_options<double> eo;
    eo.horizon = 1;
    for (std::size_t n : {smax, smax - 62, std::size_t(1) << 41}) {
        eo.paths = n;
        CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise, em, dom, V1(-1.0), eo); }),
                   Contains("paths") && Contains(std::to_string(n)));
    }
    eo.paths = 10;
    eo.first_stream = umax - 5;
    CHECK_THAT(message_of([&] { levysgd::escape_study(dw, noise, em, dom, V1(-1.0), eo); }),
               Contains("first_stream") && Contains(std::to_string(umax - 5)));
    eo.first_stream = umax - 9; // the last stream is 2^64 - 1: allowed
    eo.keep_paths = false;
    CHECK(levysgd::escape_study(dw, noise, em, dom, V1(-1.0), eo).paths == 10);
    levysgd::transition_options<double> to;
    to.horizon = 1;
    to.paths = smax;
    CHECK_THAT(message_of([&] {
                   levysgd::transition_study(dw, noise, em, levysgd::interval_basins<double>({-2}, {0}),
                                             V1(-1.0), to);
               }),
               Contains("paths"));
    levysgd::path_options<double> po;
    po.paths = smax;
    CHECK_THAT(message_of([&] { levysgd::simulate_paths(dw, noise, em, V1(-1.0), levysgd_test::with_horizon(po, 1.0)); }),
               Contains("paths"));
}

TEST_CASE("domains: messages name the NaN bound and print values exactly", "[hardening]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_THAT(message_of([&] { levysgd::interval<double>(nan, 1.0); }),
               Contains("lo must not be NaN"));
    CHECK_THAT(message_of([&] { levysgd::interval<double>(0.0, nan); }),
               Contains("hi must be > lo"));
    CHECK_THAT(message_of([] { levysgd::interval<double>(1e-9, 1e-9); }),
               Contains("must be > lo = 1e-09") && Contains("got 1e-09"));
    CHECK_THAT(message_of([&] {
                   levysgd::box<double>(Eigen::Vector2d(0, nan), Eigen::Vector2d(1, 1));
               }),
               Contains("lo[1] must not be NaN"));
    CHECK_THAT(message_of([] {
                   levysgd::box<double>(Eigen::Vector2d(0, 1e-9), Eigen::Vector2d(1, 1e-9));
               }),
               Contains("lo[i] = 1e-09"));
    CHECK_THAT(message_of([&] { levysgd::interval_basins<double>({nan}, {1.0}); }),
               Contains("lo[0] must not be NaN"));
    CHECK_THAT(message_of([] { levysgd::interval_basins<double>({1e-9}, {1e-9}); }),
               Contains("lo[i] = 1e-09"));
}

TEST_CASE("loss_threshold checks w_star before the potential reads it", "[hardening]") {
    const levysgd::quadratic<double> q(Eigen::Matrix3d::Identity(), Eigen::Vector3d::Zero());
    // A 2-D w_star for a 3-D potential: refused before value() reads index 2.
    CHECK_THAT(message_of([&] { levysgd::loss_threshold<levysgd::quadratic<double>>(q, Eigen::VectorXd::Zero(2), 1.0); }),
               Contains("w_star.size()") && Contains("got 2"));
    CHECK_THAT(message_of([&] {
                   levysgd::loss_threshold<levysgd::quadratic<double>>(
                       q, Eigen::VectorXd::Constant(3, std::numeric_limits<double>::quiet_NaN()),
                       1.0);
               }),
               Contains("w_star"));
    CHECK_THAT(message_of([&] {
                   levysgd::loss_threshold<levysgd::quadratic<double>>(q, Eigen::VectorXd::Zero(3),
                                                                       1e308 * 10);
               }),
               Contains("delta"));
    const levysgd::loss_threshold<levysgd::quadratic<double>> ok(q, Eigen::VectorXd::Zero(3), 1.0);
    CHECK(ok.level() == 1.0);
}

TEST_CASE("gaussian_noise::with_covariance: a relative PSD tolerance", "[hardening]") {
    using M = Eigen::MatrixXd;
    CHECK_THAT(message_of([] { levysgd::gaussian_noise<double>::with_covariance(-1e-13 * M::Identity(2, 2)); }),
               Contains("eigenvalue") && Contains("-1e-13"));
    CHECK_THAT(message_of([] { levysgd::gaussian_noise<double>::with_covariance(-1e-300 * M::Identity(1, 1)); }),
               Contains("eigenvalue"));
    // Tiny but PSD covariances, a zero one and a rank-deficient one are accepted.
    CHECK(levysgd::gaussian_noise<double>::with_covariance(1e-13 * M::Identity(2, 2)).dimension() == 2);
    CHECK(levysgd::gaussian_noise<double>::with_covariance(M::Zero(2, 2)).dimension() == 2);
    M r(2, 2);
    r << 1, 1, 1, 1; // eigenvalues 0 and 2, the 0 computed to rounding
    CHECK(levysgd::gaussian_noise<double>::with_covariance(r).dimension() == 2);
    CHECK(levysgd::gaussian_noise<float>::with_covariance(Eigen::MatrixXf(r.cast<float>())).dimension() == 2);
}

namespace {
struct least_squares {
    Eigen::MatrixXd a = Eigen::MatrixXd::Identity(4, 2);
    std::size_t samples() const { return 4; }
    Eigen::Index dimension() const { return 2; }
    void gradient(Eigen::Ref<const Eigen::VectorXd> w, std::span<const std::size_t> batch,
                  Eigen::Ref<Eigen::VectorXd> g) const {
        for (std::size_t i : batch)
            g += a.row(Eigen::Index(i)).transpose() *
                 (a.row(Eigen::Index(i)).dot(w) - 1.0) / double(batch.size());
    }
};
struct fixed_schedule {
    double v;
    double operator()(double) const { return v; }
};
} // namespace

TEST_CASE("optimizer steps refuse a schedule that is <= 0 or not finite, naming it",
          "[hardening]") {
    using levysgd::sampling;
    const least_squares o;
    for (double v : {-1.0, 0.0, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity()}) {
        INFO("s(t) = " << v);
        Eigen::VectorXd w = Eigen::VectorXd::Constant(2, 0.5);
        const Eigen::VectorXd w0 = w;
        levysgd::sgd<double, fixed_schedule> s(4, 2, 0.1, 1, 0, sampling::with_replacement,
                                               fixed_schedule{v});
        CHECK_THAT(message_of([&] { s.step(w, o); }),
                   Contains("levysgd::sgd") && Contains("scheduler(t)") &&
                       Contains("parameters not updated"));
        levysgd::sgld<double, fixed_schedule> l(4, 2, 0.1, 0.5, 1, 0, sampling::with_replacement,
                                                fixed_schedule{v});
        CHECK_THAT(message_of([&] { l.step(w, o); }), Contains("scheduler(t)"));
        levysgd::stable_noise_sgd<double, fixed_schedule> n(
            4, 2, 0.1, {1.5, 1.5}, {0.1, 0.1}, 1, 0, sampling::with_replacement, fixed_schedule{v});
        CHECK_THAT(message_of([&] { n.step(w, o); }), Contains("scheduler(t)"));
        levysgd::noise_enhanced_sgd<double, fixed_schedule> e(
            4, 2, 0.1, 0.5, 1, 0, sampling::with_replacement, fixed_schedule{v});
        CHECK_THAT(message_of([&] { e.step(w, o); }), Contains("scheduler(t)"));
        CHECK(w == w0); // nothing written
    }
    // lr * s(t) overflowing is refused too.
    Eigen::VectorXd w = Eigen::VectorXd::Constant(2, 0.5);
    levysgd::sgd<double, fixed_schedule> s(4, 2, 1e300, 1, 0, sampling::with_replacement,
                                           fixed_schedule{1e10});
    CHECK_THAT(message_of([&] { s.step(w, o); }), Contains("learning_rate * scheduler(t)"));
}
