// Which types each concept of sde/concepts.hpp accepts and rejects, and that
// a user-written potential, noise model and observer take the SIMD path and
// give the built-in types' numbers.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include <levysgd/sde/sde.hpp>

#include "../examples/custom_study.hpp"
#include "levysgd_catch.hpp"

namespace {
using V1 = Eigen::Matrix<double, 1, 1>;
using V2 = Eigen::Vector2d;

// The user-written potential, noise model and observer of
// examples/custom_study.cpp.
using user_well = tilted_well;
using user_noise = clipped_stable_noise;
using time_above = time_above_before_exit;
struct user_well_scalar : user_well { // no gradient_batch
    template <class B> void gradient_batch(...) const = delete;
};
struct scalar_well {
    using scalar_type = double;
    static constexpr int dim = 1;
    Eigen::Index dimension() const { return 1; }
    template <class V> double value(const V &x) const { return x[0] * x[0]; }
    template <class V, class G> void gradient(const V &x, G &g) const { g[0] = 2 * x[0]; }
};
struct no_dimension_noise { // NoiseModel requires dimension() and scalar_type
    using scalar_type = double;
    levysgd::stable_noise<double>::source make_source(std::uint64_t) const;
};

// The same observer without a batch form (its state is not an array).
struct time_above_scalar {
    double level, lo, hi;
    struct state_type {
        double above = 0;
    };
    using result_type = double;
    template <class V> state_type start(std::uint64_t, const V &) const { return {}; }
    template <class V> bool step(state_type &s, const V &x) const {
        s.above += x[0] > level ? 1 : 0;
        return !(x[0] > lo && x[0] < hi);
    }
    template <class V>
    void finish(result_type &r, const state_type &s, const levysgd::path_end<double> &,
                const V &) const {
        r += s.above;
    }
    result_type make_result() const { return 0; }
    void merge(result_type &a, result_type &&b) const { a += b; }
};

using src_stable = levysgd::noise_source_t<levysgd::stable_noise<double>>;
using src_gauss = levysgd::noise_source_t<levysgd::gaussian_noise<double>>;
using exp_sched = levysgd::exponential_scheduler<double>;
using dw = levysgd::polynomial_well<double>;
} // namespace

TEST_CASE("concepts: potentials", "[concepts]") {
    static_assert(levysgd::Potential<dw> && levysgd::BatchPotential<dw>);
    static_assert(levysgd::BatchPotential<levysgd::ackley<double>>);
    static_assert(levysgd::BatchPotential<levysgd::quadratic<double, 2>>);
    static_assert(levysgd::BatchPotential<levysgd::styblinski_tang<double, 3>>);
    static_assert(levysgd::HessianPotential<levysgd::quadratic<double, 2>>);
    // Dynamic or large dimensions, and potentials without gradient_batch.
    static_assert(levysgd::Potential<levysgd::styblinski_tang<double>>);
    static_assert(!levysgd::BatchPotential<levysgd::styblinski_tang<double>>);
    static_assert(!levysgd::BatchPotential<levysgd::quadratic<double, 8>>);
    static_assert(levysgd::Potential<scalar_well> && !levysgd::BatchPotential<scalar_well>);
    static_assert(!levysgd::HessianPotential<scalar_well>);
    static_assert(levysgd::BatchPotential<user_well>);
    static_assert(!levysgd::Potential<levysgd::interval<double>>);
}

TEST_CASE("concepts: domains, noise, integrators", "[concepts]") {
    static_assert(levysgd::Domain<levysgd::interval<double>, V1>);
    static_assert(levysgd::BatchDomain<levysgd::interval<double>, dw>);
    static_assert(levysgd::BatchDomain<levysgd::box<double, 2>, levysgd::ackley<double>>);
    static_assert(levysgd::BatchDomain<levysgd::ball<double, 2>, levysgd::ackley<double>>);
    static_assert(!levysgd::BatchDomain<levysgd::loss_threshold<levysgd::ackley<double>>,
                                        levysgd::ackley<double>>);

    static_assert(levysgd::NoiseModel<levysgd::stable_noise<double>, V1>);
    static_assert(levysgd::NoiseModel<user_noise, V1>);
    static_assert(!levysgd::NoiseModel<no_dimension_noise, V1>);
    static_assert(levysgd::BatchNoiseSource<src_stable, dw>);
    static_assert(levysgd::BatchNoiseSource<src_gauss, dw>);
    static_assert(levysgd::BatchNoiseSource<levysgd::noise_source_t<user_noise>, dw>);
    // Time-dependent schedulers (lanes are at different times), state-
    // dependent and mixed noise take the scalar path.
    static_assert(!levysgd::BatchNoiseSource<
                  levysgd::noise_source_t<levysgd::stable_noise<double, exp_sched>>, dw>);
    static_assert(!levysgd::BatchNoiseSource<
                  levysgd::noise_source_t<levysgd::gaussian_noise<double, exp_sched>>, dw>);
    static_assert(!levysgd::BatchNoiseSource<levysgd::noise_source_t<levysgd::hessian_noise<dw>>,
                                             dw>);
    static_assert(
        !levysgd::BatchNoiseSource<
            levysgd::noise_source_t<levysgd::mixture_noise<levysgd::gaussian_noise<double>,
                                                           levysgd::stable_noise<double>>>,
            dw>);
    // The source base gives the stream rule: it is a NoiseSource by itself.
    static_assert(levysgd::NoiseSource<levysgd::noise_source_t<user_noise>, V1>);

    static_assert(levysgd::BatchIntegrator<levysgd::euler<double>, dw>);
    static_assert(levysgd::BatchIntegrator<levysgd::tamed_euler<double>, dw>);
    static_assert(levysgd::BatchIntegrator<levysgd::sgd_recursion<double>, dw>);
    static_assert(!levysgd::BatchIntegrator<levysgd::implicit_euler<double>, dw>);
    static_assert(levysgd::Integrator<levysgd::implicit_euler<double>, dw, src_stable>);
}

TEST_CASE("concepts: observers and the path each study takes", "[concepts]") {
    using esc = levysgd::escape_observer<levysgd::interval<double>, double, 1>;
    using esc_lt = levysgd::escape_observer<levysgd::loss_threshold<dw>, double, 1>;
    static_assert(levysgd::PathObserver<esc, V1> && levysgd::BatchPathObserver<esc, dw>);
    static_assert(levysgd::PathObserver<esc_lt, V1> && !levysgd::BatchPathObserver<esc_lt, dw>);
    static_assert(levysgd::BatchPathObserver<levysgd::final_state_observer<double, 1>, dw>);
    using tr = levysgd::transition_observer<levysgd::interval_basins<double>, double>;
    static_assert(levysgd::PathObserver<tr, V1> && !levysgd::BatchPathObserver<tr, dw>);
    static_assert(levysgd::BatchPathObserver<time_above, dw>);
    static_assert(levysgd::PathObserver<time_above_scalar, V1> &&
                  !levysgd::BatchPathObserver<time_above_scalar, dw>);
    static_assert(!levysgd::PathObserver<levysgd::interval<double>, V1>);
    // Study files (sde/study.hpp): the built-in observers save and load their
    // results; a user observer opts in with save/load (time_above does not).
    static_assert(levysgd::SavableObserver<esc> && levysgd::SavableObserver<tr>);
    static_assert(levysgd::SavableObserver<levysgd::final_state_observer<double, 1>>);
    static_assert(!levysgd::SavableObserver<time_above>);

    // A user potential, noise model and observer take the SIMD path ...
    static_assert(levysgd::takes_simd_path<user_well, user_noise, levysgd::euler<double>,
                                           time_above>);
    static_assert(levysgd::takes_simd_path<dw, levysgd::stable_noise<double>,
                                           levysgd::tamed_euler<double>, esc>);
    // ... and any one piece without its batch form sends the study to the scalar path.
    static_assert(!levysgd::takes_simd_path<user_well_scalar, user_noise, levysgd::euler<double>,
                                            time_above>);
    static_assert(!levysgd::takes_simd_path<user_well, user_noise,
                                            levysgd::implicit_euler<double>, time_above>);
    static_assert(!levysgd::takes_simd_path<user_well, user_noise, levysgd::euler<double>,
                                            time_above_scalar>);
    static_assert(!levysgd::takes_simd_path<levysgd::styblinski_tang<double>,
                                            levysgd::stable_noise<double>,
                                            levysgd::euler<double>,
                                            levysgd::final_state_observer<double, -1>>);
}

TEST_CASE("a user noise model on noise_source_base draws the built-in model's numbers",
          "[concepts][sde]") {
    // Same stream rule, same factors: the same exits. States agree to
    // rounding only: the built-in increment f z can be fused with the
    // update into one multiply-add, the clipped one cannot.
    const auto p = levysgd::double_well(-1.0, 0.0, 1.0, 2.0);
    levysgd::escape_options<double> o;
    o.paths = 257;
    o.horizon = 30;
    o.seed = 7;
    o.progress = levysgd::progress_mode::never;
    const levysgd::interval<double> dom(-3.0, 0.0);
    const auto a = levysgd::escape_study(p, levysgd::stable_noise<double>(1, 1.5, 0.5),
                                         levysgd::euler<double>(0.01), dom, V1(-1.0), o);
    const auto b = levysgd::escape_study(p, user_noise{1.5, 0.5}, levysgd::euler<double>(0.01),
                                         dom, V1(-1.0), o);
    REQUIRE(a.exited > 200);
    CHECK(a.exited == b.exited);
    CHECK(a.mean_exit_time.value == b.mean_exit_time.value);
    for (std::size_t i = 0; i < o.paths; ++i) {
        CHECK(a.path_records[i].steps == b.path_records[i].steps);
        CHECK(a.path_records[i].point[0] ==
              Approx(b.path_records[i].point[0]).epsilon(1e-9).margin(1e-12));
    }
    // Clipping changes the law: fewer far jumps, later exits on average.
    const auto c = levysgd::escape_study(p, user_noise{1.5, 0.5, 0.3},
                                         levysgd::euler<double>(0.01), dom, V1(-1.0), o);
    REQUIRE(c.exited > 0);
    CHECK(c.mean_exit_time.value > a.mean_exit_time.value);
}

TEST_CASE("run_paths with a user observer: SIMD and scalar paths, any thread count",
          "[concepts][sde]") {
    const user_well p{0.0};
    const user_noise n{1.4, 0.4};
    const levysgd::euler<double> em(0.01);
    const time_above obs{-0.5, -3.0, 0.0};
    levysgd::run_options<double> o{.paths = 300, .horizon = 40, .seed = 3, .threads = 1,
                                   .progress = levysgd::progress_mode::never};
    const auto simd = levysgd::run_paths(p, n, em, V1(-1.0), o, obs);
    o.threads = 2;
    const auto simd2 = levysgd::run_paths(p, n, em, V1(-1.0), o, obs);
    CHECK(simd.time_above == simd2.time_above);
    CHECK(simd.exit_time == simd2.exit_time);
    // The scalar path (no gradient_batch): the same exits to rounding.
    const auto scal = levysgd::run_paths(user_well_scalar{{0.0}}, n, em, V1(-1.0), o, obs);
    REQUIRE(simd.exited > 250);
    CHECK(simd.exited == scal.exited);
    CHECK(simd.exit_time == Approx(scal.exit_time).epsilon(1e-9));
    CHECK(simd.time_above == Approx(scal.time_above).epsilon(1e-9));
    // Time above -0.5 is part of the time before exit, and most of it here
    // (the well's minimum is at -1, but paths leave through 0 from above it).
    CHECK(simd.time_above > 0);
    CHECK(simd.time_above < simd.exit_time);
    // The observer's exits are escape_study's exits.
    levysgd::escape_options<double> eo;
    eo.paths = o.paths;
    eo.horizon = o.horizon;
    eo.seed = o.seed;
    eo.progress = levysgd::progress_mode::never;
    const auto e = levysgd::escape_study(p, n, em, levysgd::interval<double>(-3.0, 0.0), V1(-1.0),
                                         eo);
    CHECK(e.exited == simd.exited);
    CHECK(e.mean_exit_time.value * double(e.exited) ==
          Approx(simd.exit_time).epsilon(1e-12));
}

TEST_CASE("run_paths refuses bad input like the studies", "[concepts][sde]") {
    const user_well p{0.0};
    const user_noise n{1.4, 0.4};
    const time_above obs{-0.5, -3.0, 0.0};
    levysgd::run_options<double> o{.paths = 10, .horizon = 0};
    CHECK_THROWS_WITH(levysgd::run_paths(p, n, levysgd::euler<double>(0.01), V1(-1.0), o, obs),
                      Catch::Contains("levysgd::run_paths") && Catch::Contains("horizon"));
    o.horizon = 1;
    o.paths = 0;
    CHECK_THROWS_WITH(levysgd::run_paths(p, n, levysgd::euler<double>(0.01), V1(-1.0), o, obs),
                      Catch::Contains("paths"));
}

namespace {
// x^3 - x, but NaN right of 0.8 (SIMD and scalar forms).
struct poisoned_user_well : user_well {
    template <class V, class G> void gradient(const V &x, G &g) const {
        using T = std::remove_cvref_t<decltype(x[0])>;
        g[0] = levysgd::if_else(x[0] > T(0.8), T(std::numeric_limits<double>::quiet_NaN()),
                                x[0] * x[0] * x[0] - x[0]);
    }
    template <class B> void gradient_batch(const std::array<B, 1> &x, std::array<B, 1> &g) const {
        gradient(x, g);
    }
};
struct poisoned_user_well_scalar : poisoned_user_well {
    template <class B> void gradient_batch(...) const = delete;
};
// Counts the steps it sees; never stops a path. For paths that became
// non-finite the count must be steps - 1: the failing step is not observed.
struct step_counter {
    using state_type = std::array<double, 1>;
    struct result_type {
        std::size_t non_finite = 0, consistent = 0;
        double seen = 0;
    };
    template <class V> state_type start(std::uint64_t, const V &) const { return {0.0}; }
    template <class S, class X> auto step(S &s, const X &x) const {
        using T = std::remove_cvref_t<decltype(x[0])>;
        s[0] = s[0] + T(1);
        return x[0] > T(std::numeric_limits<double>::infinity()); // never true: never stops
    }
    template <class V>
    void finish(result_type &r, const state_type &s, const levysgd::path_end<double> &e,
                const V &) const {
        r.seen += s[0];
        if (e.status == levysgd::path_status::non_finite) {
            ++r.non_finite;
            r.consistent += s[0] == double(e.steps - 1);
        } else {
            r.consistent += s[0] == double(e.steps);
        }
    }
    result_type make_result() const { return {}; }
    void merge(result_type &a, result_type &&b) const {
        a.non_finite += b.non_finite;
        a.consistent += b.consistent;
        a.seen += b.seen;
    }
};
} // namespace

TEST_CASE("run_paths: an observer's state never sees a non-finite step, on either path",
          "[concepts][sde][nan]") {
    static_assert(levysgd::takes_simd_path<poisoned_user_well, user_noise,
                                           levysgd::euler<double>, step_counter>);
    static_assert(!levysgd::takes_simd_path<poisoned_user_well_scalar, user_noise,
                                            levysgd::euler<double>, step_counter>);
    const user_noise n{1.2, 0.5};
    levysgd::run_options<double> o{.paths = 200, .horizon = 20, .seed = 9,
                                   .progress = levysgd::progress_mode::never};
    const auto simd = levysgd::run_paths(poisoned_user_well{{0.0}}, n, levysgd::euler<double>(0.01),
                                         V1(-1.0), o, step_counter{});
    const auto scal = levysgd::run_paths(poisoned_user_well_scalar{{{0.0}}}, n,
                                         levysgd::euler<double>(0.01), V1(-1.0), o, step_counter{});
    REQUIRE(simd.non_finite > 20); // the poison is reached
    CHECK(simd.non_finite == scal.non_finite);
    CHECK(simd.consistent == o.paths);
    CHECK(scal.consistent == o.paths);
    CHECK(simd.seen == scal.seen);
}

TEST_CASE("on_progress: called with (done, total), ends at (paths, paths), results unchanged",
          "[concepts][sde]") {
    const auto f = levysgd::double_well(-1.0, 0.0, 2.0);
    const levysgd::stable_noise<double> n(1, 1.5, 0.5);
    const levysgd::euler<double> em(0.01);
    const levysgd::interval<double> dom(-3.0, 0.0);
    levysgd::escape_options<double> eo{.paths = 500, .horizon = 20, .seed = 2, .threads = 2,
                                       .progress = levysgd::progress_mode::never};
    const auto plain = levysgd::escape_study(f, n, em, dom, V1(-1.0), eo);
    std::mutex m;
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    eo.on_progress = [&](std::size_t done, std::size_t total) {
        std::lock_guard<std::mutex> lk(m);
        calls.emplace_back(done, total);
    };
    const auto seen = levysgd::escape_study(f, n, em, dom, V1(-1.0), eo);
    REQUIRE(!calls.empty());
    CHECK(calls.back() == std::pair<std::size_t, std::size_t>(500, 500));
    CHECK(std::count(calls.begin(), calls.end(), calls.back()) == 1); // the end reported once
    CHECK(std::is_sorted(calls.begin(), calls.end()));
    CHECK(seen.exited == plain.exited);
    CHECK(seen.mean_exit_time.value == plain.mean_exit_time.value);
    // A throwing callback is ignored (it runs on worker threads).
    eo.on_progress = [](std::size_t, std::size_t) { throw std::runtime_error("callback"); };
    CHECK(levysgd::escape_study(f, n, em, dom, V1(-1.0), eo).exited == plain.exited);
    // transition_study and run_paths take it through run_options.
    std::size_t last = 0;
    const levysgd::transition_options<double> to{
        .paths = 70, .horizon = 5, .seed = 1, .threads = 1, .progress = levysgd::progress_mode::never,
        .on_progress = [&](std::size_t done, std::size_t total) { last = done + 1000 * total; }};
    (void)levysgd::transition_study(f, n, em, levysgd::interval_basins<double>({-10.0, 0.0}, {0.0, 10.0}),
                                    V1(-1.0), to);
    CHECK(last == 70 + 1000 * 70);
}
