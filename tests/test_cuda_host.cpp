// The CUDA kernels' per-thread bodies (include/levysgd/cuda/*_body.hpp) run
// through their host launches, against the CPU library: uniforms bitwise,
// samples to a few ulp, every grid shape, tail block and stream offset.
// Plain g++: no CUDA toolkit needed.
#include <levysgd/cuda/hill_body.hpp>
#include <levysgd/cuda/sample_body.hpp>
#include <levysgd/cuda/study_body.hpp>
#include <levysgd/cuda/tail_body.hpp>
#include <levysgd/levysgd.hpp>

#include "levysgd_catch.hpp"
#include "ulps.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <vector>

namespace {

namespace lc = levysgd::cuda;
using levysgd::parameterization;

// The grid shapes tried: one thread, tails of blocks and grid-stride loops.
const lc::launch_shape shapes[] = {{1, 1}, {3, 32}, {7, 5}, {2, 256}};

template <class Real> double max_ulps(const std::vector<Real> &a, const std::vector<Real> &b) {
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, levysgd_test::ulps(a[i], b[i]));
    return m;
}


template <levysgd::variate V, class Real>
std::vector<Real> host_fill(std::size_t n, std::uint64_t seed, std::uint64_t stream,
                            std::uint64_t first, lc::launch_shape s) {
    std::vector<Real> out(n, Real(-7));
    const lc::fill_args<Real> a{seed, stream, first, out.data(), n};
    lc::host_launch(s, [&](lc::thread_index t) { lc::fill_body<V>(a, t); });
    return out;
}

} // namespace

TEST_CASE("cuda blocks_of covers exactly the stream range", "[cuda]") {
    CHECK(lc::blocks_of(0, 0, 4).count == 0);
    CHECK(lc::blocks_of(0, 1, 2).count == 1);
    CHECK(lc::blocks_of(1, 2, 2).first_block == 0);
    CHECK(lc::blocks_of(1, 2, 2).count == 2);
    CHECK(lc::blocks_of(3, 5, 4).count == 2); // values 3..7: blocks 0, 1
    constexpr std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    CHECK(lc::blocks_of(top, 1, 2).first_block == top / 2); // the stream's last value
    CHECK(lc::blocks_of(top - 9, 10, 4).count == 3);
    CHECK(lc::shape_for(0).grid == 1);
    CHECK(lc::shape_for(257).grid == 2);
    CHECK(lc::shape_for(std::uint64_t(1) << 40).grid == lc::max_grid);
}

TEMPLATE_TEST_CASE("cuda fill host launch equals the CPU fills", "[cuda]", float, double) {
    using Real = TestType;
    const std::uint64_t seed = 42, stream = 5;
    for (const auto s : shapes)
        for (const std::uint64_t first : {std::uint64_t(0), std::uint64_t(1), std::uint64_t(3),
                                          std::uint64_t(1001)})
            for (const std::size_t n : {std::size_t(1), std::size_t(2), std::size_t(5),
                                        std::size_t(2000)}) {
                std::vector<Real> cpu(n);
                levysgd::fill_uniform(std::span<Real>(cpu), seed, stream,
                                      {.first_index = first, .threads = 1});
                const auto dev = host_fill<levysgd::variate::uniform, Real>(n, seed, stream,
                                                                             first, s);
                REQUIRE(dev == cpu); // uniforms: bit for bit
                for (std::size_t j = 0; j < n; j += 97)
                    CHECK(levysgd::fill_variate_at<levysgd::variate::uniform, Real>(
                              seed, stream, first + j) == cpu[j]);

                levysgd::fill_exponential(std::span<Real>(cpu), seed, stream,
                                          {.first_index = first, .threads = 1});
                const auto e = host_fill<levysgd::variate::exponential, Real>(n, seed, stream,
                                                                               first, s);
                CHECK(max_ulps(e, cpu) <= 2);
                levysgd::fill_normal(std::span<Real>(cpu), seed, stream,
                                     {.first_index = first, .threads = 1});
                const auto z = host_fill<levysgd::variate::normal, Real>(n, seed, stream, first, s);
                // Box-Muller's r cos(2 pi u - pi): relative error grows where
                // cos is near 0; compare absolutely (values are O(1)).
                double worst = 0;
                for (std::size_t j = 0; j < n; ++j)
                    worst = std::max(worst, double(std::fabs(z[j] - cpu[j])));
                CHECK(worst <= 64 * std::numeric_limits<Real>::epsilon());
            }
}

TEST_CASE("cuda fill at the end of a stream", "[cuda]") {
    constexpr std::uint64_t top = std::numeric_limits<std::uint64_t>::max();
    const std::size_t n = 9;
    std::vector<float> cpu(n);
    levysgd::fill_uniform(std::span<float>(cpu), 3, 1, {.first_index = top - (n - 1)});
    CHECK(host_fill<levysgd::variate::uniform, float>(n, 3, 1, top - (n - 1), {2, 3}) == cpu);
}

namespace {
struct law {
    double alpha, beta;
    parameterization p;
};
const law laws[] = {{1.5, 0, parameterization::S1},  {1.5, 0.5, parameterization::S0},
                    {1.0, 0, parameterization::S1},  {1.0, 0.7, parameterization::S1},
                    {0.6, 1, parameterization::S1},  {0.6, -1, parameterization::S0},
                    {2.0, 0, parameterization::S0},  {0.3, 0.2, parameterization::S0},
                    {1.9, -0.9, parameterization::S1}, {1.0001, 0.5, parameterization::S0}};
} // namespace

TEMPLATE_TEST_CASE("cuda stable host launch equals the CPU sampler", "[cuda]", float, double) {
    using Real = TestType;
    const std::uint64_t seed = 7, stream = 2;
    const std::size_t n = levysgd_test::sized(20000);
    double worst = 0;
    for (const auto &L : laws) {
        const levysgd::stable_distribution<Real> d(Real(L.alpha), Real(L.beta), Real(2), Real(0.5),
                                                   L.p);
        for (const std::uint64_t first : {std::uint64_t(0), std::uint64_t(3)}) {
            std::vector<Real> cpu(n), dev(n, Real(-7));
            levysgd::sample(d, std::span<Real>(cpu), seed, stream,
                            {.first_index = first, .threads = 1});
            const lc::stable_sample_args<Real> a{d.sampling_plan(), seed, stream, first,
                                                 dev.data(), n};
            lc::host_launch(shapes[1 + first % 3],
                            [&](lc::thread_index t) { lc::stable_sample_body(a, t); });
            // the scalar core, bit for bit
            for (std::size_t j = 0; j < n; j += 13)
                REQUIRE(dev[j] == levysgd::core::stable_variate_at(d.sampling_plan(), seed,
                                                                   stream, first + j));
            // the SIMD bulk path differs from the scalar core by rounding
            // (SIMD hooks, FMAs), relative to the distance from the S0
            // location plus one, as in test_core
            double u = 0;
            for (std::size_t j = 0; j < n; ++j)
                u = std::max(u, std::fabs(double(dev[j]) - double(cpu[j])) /
                                    (std::fabs(double(dev[j]) - double(d.location_s0())) + 1));
            INFO("alpha " << L.alpha << " beta " << L.beta << " first " << first);
            CHECK(u <= (sizeof(Real) == 4 ? 2e-4 : 1e-11)); // test_core's bounds
            worst = std::max(worst, u);
        }
    }
    std::printf("cuda host launch vs CPU sample(), %s: worst relative difference %.3g\n",
                sizeof(Real) == 4 ? "float" : "double", worst);
}

TEMPLATE_TEST_CASE("cuda per-coordinate host launch equals sample_coordinates", "[cuda]", float,
                   double) {
    using Real = TestType;
    const std::size_t n = levysgd_test::sized(5000);
    std::vector<Real> alpha(n), scale(n);
    for (std::size_t i = 0; i < n; ++i) {
        alpha[i] = Real(0.5 + 1.5 * double(i % 97) / 96); // 0.5 .. 2, 1 included
        scale[i] = Real(0.1 + double(i % 13));
    }
    double worst = 0;
    for (const parameterization p : {parameterization::S0, parameterization::S1})
        for (const Real beta : {Real(0), Real(0.5), Real(1)})
            for (const bool shared : {false, true}) {
                const std::span<const Real> sc(scale.data(), shared ? 1 : n);
                std::vector<Real> cpu(n), dev(n, Real(-7));
                levysgd::sample_coordinates(std::span<const Real>(alpha), sc, beta, p,
                                            std::span<Real>(cpu), 11, 4,
                                            {.first_index = 1, .threads = 1});
                const lc::coordinate_sample_args<Real> a{alpha.data(), scale.data(), shared, beta,
                                                         p, 11, 4, 1, dev.data(), n};
                lc::host_launch({5, 64}, [&](lc::thread_index t) {
                    lc::coordinate_sample_body(a, t);
                });
                // relative to |x| + scale (the measure of test_core)
                double w = 0;
                for (std::size_t j = 0; j < n; ++j) {
                    const double scale_j = double(sc[shared ? 0 : j]);
                    w = std::max(w, std::fabs(double(dev[j]) - double(cpu[j])) /
                                        (std::fabs(double(cpu[j])) + scale_j));
                }
                INFO("beta " << beta << " S" << int(p) << " shared " << shared);
                CHECK(w <= (sizeof(Real) == 4 ? 2e-4 : 1e-11));
                worst = std::max(worst, w);
            }
    std::printf("cuda per-coordinate host launch vs CPU sample_coordinates, %s: worst relative "
                "difference %.3g\n",
                sizeof(Real) == 4 ? "float" : "double", worst);
}

namespace {
/// The CUDA tail index with its kernel run by the host launch: columns of a
/// column-major matrix (one column: an array), then finish_tail_blocks.
template <class Real>
std::vector<levysgd::tail_index_result> host_tail(const std::vector<Real> &x, std::size_t rows,
                                                  std::size_t cols, std::size_t k1_opt,
                                                  lc::launch_shape shape) {
    constexpr std::string_view where = "levysgd::cuda::mohammadi_tail_index";
    const std::size_t k1 = levysgd::detail::checked_k1(where, k1_opt, rows, "K");
    const std::size_t k2 = rows / k1, dropped = rows - k1 * k2;
    std::vector<lc::tail_block_result> blocks(k2 * cols);
    lc::host_tail_launch(lc::tail_args<Real>{x.data(), k1, k2, cols, rows, blocks.data()}, shape);
    std::vector<levysgd::tail_index_result> r;
    for (std::size_t c = 0; c < cols; ++c) {
        std::uint64_t bad = 0, first = ~std::uint64_t{0};
        for (std::size_t j = k1 * k2; j < rows; ++j)
            if (!levysgd::detail::usable_for_log(double(x[c * rows + j])) && bad++ == 0)
                first = j;
        r.push_back(lc::finish_tail_blocks<Real>(
            where, std::span<const lc::tail_block_result>(blocks.data() + c * k2, k2), k1,
            dropped, bad, first, [&](std::uint64_t i) { return x[c * rows + i]; }));
    }
    return r;
}
} // namespace

TEMPLATE_TEST_CASE("cuda tail-index host launch equals the CPU estimator", "[cuda][tail]", float,
                   double) {
    using Real = TestType;
    // The CPU sums a block's floats in float SIMD lanes, the device in
    // double: float estimates differ by the float sums' rounding.
    const double tol = std::is_same_v<Real, float> ? 5e-5 : 1e-12;
    double worst = 0;
    for (const std::size_t n : {std::size_t(4), std::size_t(1000), std::size_t(10007),
                                std::size_t(65536)}) {
        std::vector<Real> x(n);
        levysgd::sample(levysgd::stable_distribution<Real>(Real(1.3), Real(0.2), Real(1e-3),
                                                           Real(0), parameterization::S1),
                        std::span<Real>(x), 5, n);
        const auto cpu = levysgd::mohammadi_tail_index(std::span<const Real>(x), {.threads = 1});
        for (const auto shape : {lc::launch_shape{1, 1}, lc::launch_shape{3, 32},
                                 lc::launch_shape{2, 256}}) {
            const auto dev = host_tail(x, n, 1, 0, shape)[0];
            INFO("n " << n << " block " << shape.block);
            CHECK(dev.k1 == cpu.k1);
            CHECK(dev.k2 == cpu.k2);
            CHECK(dev.n_used == cpu.n_used);
            CHECK(dev.n_dropped == cpu.n_dropped);
            CHECK(dev.inv_alpha == Approx(cpu.inv_alpha).epsilon(tol).margin(tol));
            worst = std::max(worst, std::fabs(dev.inv_alpha / cpu.inv_alpha - 1));
        }
    }
    // columns: each one the CPU's estimate of that column
    const std::size_t rows = 2000, cols = 5;
    std::vector<Real> u(rows * cols);
    levysgd::sample(levysgd::stable_distribution<Real>(Real(1.7), Real(0), Real(1), Real(0),
                                                       parameterization::S0),
                    std::span<Real>(u), 9);
    const auto dev = host_tail(u, rows, cols, 0, {4, 64});
    for (std::size_t c = 0; c < cols; ++c) {
        const auto cpu = levysgd::mohammadi_tail_index(
            std::span<const Real>(u.data() + c * rows, rows), {.threads = 1});
        CHECK(dev[c].inv_alpha == Approx(cpu.inv_alpha).epsilon(tol).margin(tol));
        CHECK(dev[c].k1 == cpu.k1);
        worst = std::max(worst, std::fabs(dev[c].inv_alpha / cpu.inv_alpha - 1));
    }
    std::printf("cuda tail index host launch vs CPU, %s: worst relative difference of 1/alpha "
                "%.3g\n",
                sizeof(Real) == 4 ? "float" : "double", worst);
}

TEST_CASE("cuda tail-index host launch: the CPU's errors", "[cuda][tail]") {
    std::vector<double> x(100, 1.0);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = (i % 2 ? 1.0 : -1.0) * double(i + 1);
    x[37] = 0;
    x[98] = std::numeric_limits<double>::infinity(); // in the dropped tail with k1 = 3
    const auto cpu_msg = levysgd_test::message_of(
        [&] { levysgd::mohammadi_tail_index(std::span<const double>(x), {.k1 = 3}); });
    const auto dev_msg =
        levysgd_test::message_of([&] { host_tail(x, x.size(), 1, 3, {2, 32}); });
    const std::string tail = cpu_msg.substr(cpu_msg.find(": x "));
    CHECK(dev_msg == "levysgd::cuda::mohammadi_tail_index" + tail);
    CHECK(dev_msg.find("2 value(s), the first at index 37") != std::string::npos);
    // a block summing to 0: values 4..7 are -5, 6, -7, 6
    std::vector<double> z(16, 1.0);
    z[4] = -5;
    z[5] = 6;
    z[6] = -7;
    z[7] = 6;
    const auto cz = levysgd_test::message_of(
        [&] { levysgd::mohammadi_tail_index(std::span<const double>(z), {.k1 = 4}); });
    const auto dz = levysgd_test::message_of([&] { host_tail(z, z.size(), 1, 4, {1, 4}); });
    CHECK(dz == "levysgd::cuda::mohammadi_tail_index" + cz.substr(cz.find(": x ")));
    CHECK(dz.find("indices 4 to 7") != std::string::npos);
}

namespace {
/// The CUDA Hill estimator with its kernels run by the host launch over a
/// workspace of hill_workspace_bytes: columns of a column-major matrix.
template <class Real>
std::vector<levysgd::hill_result> host_hill(const std::vector<Real> &x, std::size_t rows,
                                            std::size_t cols, std::size_t k, unsigned block) {
    constexpr std::string_view where = "levysgd::cuda::hill_tail_index";
    k = levysgd::detail::hill_k(where, k, rows);
    std::vector<double> ws(lc::hill_workspace_bytes(rows, cols) / sizeof(double) + 1);
    const auto a = lc::make_hill_args(x.data(), rows, cols, rows, k, ws.data());
    lc::host_hill_launch(a, block);
    std::vector<levysgd::hill_result> r;
    for (std::size_t c = 0; c < cols; ++c)
        r.push_back(lc::finish_hill<Real>(where, a.state[c], k, rows,
                                          [&](std::uint64_t i) { return x[c * rows + i]; }));
    return r;
}
} // namespace

TEMPLATE_TEST_CASE("cuda Hill host launch equals the CPU estimator", "[cuda][tail]", float,
                   double) {
    using Real = TestType;
    // The same threshold (the radix select is exact) and terms; the sums'
    // order differs. Float data: both sum the same double terms.
    const double tol = 1e-12;
    double worst = 0;
    for (const std::size_t n : {std::size_t(2), std::size_t(3), std::size_t(1000),
                                std::size_t(4096), std::size_t(10007)}) {
        std::vector<Real> x(n);
        levysgd::sample(levysgd::stable_distribution<Real>(Real(1.3), Real(0.2), Real(1e-3),
                                                           Real(0), parameterization::S1),
                        std::span<Real>(x), 5, n);
        if (n > 100) { // ties at and above the threshold, zeros, both signs
            for (std::size_t i = 0; i < n; i += 7)
                x[i] = i % 2 ? Real(0) : (i % 3 ? Real(-0.25) : Real(0.25));
            for (std::size_t i = 3; i < n; i += 97)
                x[i] = -Real(8);
        }
        for (const std::size_t k :
             {std::size_t(0), std::size_t(1), n / 3, n > 100 ? n / 2 : n - 1}) {
            if (k == 0 && n < 4)
                continue;
            const auto cpu = levysgd::hill_tail_index(std::span<const Real>(x), k);
            for (const unsigned block : {1u, 32u, 256u}) {
                const auto dev = host_hill(x, n, 1, k, block)[0];
                INFO("n " << n << " k " << k << " block " << block);
                CHECK(dev.k == cpu.k);
                CHECK(dev.n == cpu.n);
                CHECK(dev.n_bad == 0);
                CHECK(dev.threshold == cpu.threshold);
                CHECK(dev.inv_alpha == Approx(cpu.inv_alpha).epsilon(tol).margin(1e-300));
                if (cpu.inv_alpha != 0)
                    worst = std::max(worst, std::fabs(dev.inv_alpha / cpu.inv_alpha - 1));
            }
        }
    }
    // columns: each one the CPU's estimate of that column
    const std::size_t rows = 5000, cols = 4;
    std::vector<Real> u(rows * cols);
    levysgd::sample(levysgd::stable_distribution<Real>(Real(1.7), Real(0), Real(1), Real(0),
                                                       parameterization::S0),
                    std::span<Real>(u), 9);
    const auto dev = host_hill(u, rows, cols, 300, 64);
    for (std::size_t c = 0; c < cols; ++c) {
        const auto cpu =
            levysgd::hill_tail_index(std::span<const Real>(u.data() + c * rows, rows), 300);
        CHECK(dev[c].threshold == cpu.threshold);
        CHECK(dev[c].inv_alpha == Approx(cpu.inv_alpha).epsilon(tol));
        worst = std::max(worst, std::fabs(dev[c].inv_alpha / cpu.inv_alpha - 1));
    }
    std::printf("cuda Hill host launch vs CPU, %s: worst relative difference of 1/alpha %.3g\n",
                sizeof(Real) == 4 ? "float" : "double", worst);
}

TEST_CASE("cuda Hill host launch: the CPU's errors", "[cuda][tail]") {
    const auto same = [](const std::string &dev, const std::string &cpu) {
        CHECK(dev == "levysgd::cuda::hill_tail_index" + cpu.substr(cpu.find(": ")));
    };
    std::vector<float> x(50);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = float(i + 1);
    x[41] = std::numeric_limits<float>::quiet_NaN();
    x[7] = -std::numeric_limits<float>::infinity();
    same(levysgd_test::message_of([&] { host_hill(x, x.size(), 1, 5, 32); }),
         levysgd_test::message_of([&] { levysgd::hill_tail_index(std::span<const float>(x), 5); }));
    // too many zeros for k, k >= n, n < 2
    std::vector<double> z(20, 0.0);
    z[3] = 2;
    z[11] = -3;
    same(
        levysgd_test::message_of([&] { host_hill(z, z.size(), 1, 2, 4); }),
        levysgd_test::message_of([&] { levysgd::hill_tail_index(std::span<const double>(z), 2); }));
    same(levysgd_test::message_of([&] { host_hill(z, z.size(), 1, 20, 4); }),
         levysgd_test::message_of(
             [&] { levysgd::hill_tail_index(std::span<const double>(z), 20); }));
    same(levysgd_test::message_of([&] { host_hill(z, 1, 1, 0, 4); }), levysgd_test::message_of([&] {
             levysgd::hill_tail_index(std::span<const double>(z.data(), 1));
         }));
    // a zero threshold that is not a tie with the values above it: k = 1
    CHECK(host_hill(z, z.size(), 1, 1, 4)[0].threshold == 2.0);
}

namespace {
/// A user's potential and domain that run on the CPU (Eigen states) and in
/// the CUDA kernel (std::array states): f = (x0^2 + 2 x1^2) / 2, the disk
/// of radius 1.5.
struct bowl {
    using scalar_type = double;
    static constexpr int dim = 2;
    Eigen::Index dimension() const noexcept { return 2; }
    template <class V> double value(const V &x) const {
        return 0.5 * (x[0] * x[0] + 2 * x[1] * x[1]);
    }
    template <class V, class G> LEVYSGD_HOST_DEVICE void gradient(const V &x, G &g) const {
        g[0] = x[0];
        g[1] = 2 * x[1];
    }
};
struct disk {
    Eigen::Index dimension() const noexcept { return 2; }
    template <class V> LEVYSGD_HOST_DEVICE bool contains(const V &x) const noexcept {
        return x[0] * x[0] + x[1] * x[1] < 2.25;
    }
    template <class V> levysgd::exit_info exit(const V &x) const noexcept {
        return {std::fabs(x[0]) >= std::fabs(x[1]) ? 0 : 1, 1};
    }
};
static_assert(lc::DevicePotential<bowl>);
static_assert(lc::DevicePotential<lc::well_potential<float>>);
static_assert(!lc::DevicePotential<levysgd::polynomial_well<double>>); // std::vector inside
static_assert(lc::DeviceDomain<disk, double, 2>);
static_assert(lc::DeviceDomain<levysgd::interval<float>, float, 1>);

/// The study's paths by the host launch, then the CPU's result type.
template <class P, class N, class I, class D>
auto host_escape(const P &p, const N &noise, const I &integ, const D &dom,
                 const levysgd::state_vector<P> &x0,
                 const levysgd::escape_options<typename P::scalar_type> &opt) {
    using Real = typename P::scalar_type;
    auto a = lc::detail::make_escape_args("levysgd::cuda::escape_study", p, noise, integ, dom, x0,
                                          opt);
    std::vector<lc::device_path_record<Real, P::dim>> rec(opt.paths);
    a.out = rec.data();
    lc::host_escape_paths(a, {3, 32});
    return lc::escape_result_of<Real, P::dim>(
        std::span<const lc::device_path_record<Real, P::dim>>(rec), dom, opt, integ.time_step(),
        a.prob.max_steps);
}

template <class R> std::size_t differing_paths(const R &a, const R &b) {
    std::size_t d = 0;
    for (std::size_t i = 0; i < a.path_records.size(); ++i)
        d += a.path_records[i].steps != b.path_records[i].steps ||
             a.path_records[i].status != b.path_records[i].status;
    return d;
}
} // namespace

TEMPLATE_TEST_CASE("cuda escape study host launch equals the CPU study", "[cuda][sde]", float,
                   double) {
    using Real = TestType;
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const lc::well_potential<Real> dw(w);
    const levysgd::interval<Real> left(Real(-4), Real(0));
    const levysgd::stable_noise<Real> noise(1, Real(1.5), Real(0.4));
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = -1;
    levysgd::escape_options<Real> opt;
    opt.paths = levysgd_test::sized(1000);
    opt.horizon = 40;
    opt.seed = 11;
    opt.first_stream = 5;
    opt.threads = 1;
    for (int scheme = 0; scheme < 3; ++scheme) {
        const auto run = [&](const auto &integ) {
            const auto cpu = levysgd::escape_study(w, noise, integ, left, x0, opt);
            const auto dev = host_escape(dw, noise, integ, left, x0, opt);
            const std::size_t d = differing_paths(cpu, dev);
            INFO("scheme " << scheme);
            CHECK(dev.exited + dev.censored + dev.non_finite == opt.paths);
            CHECK(dev.exited > opt.paths / 10);
            CHECK(d <= opt.paths / 100); // rounding at the boundary only
            if (d == 0) {
                CHECK(dev.exited == cpu.exited);
                CHECK(dev.mean_exit_time.value == Approx(cpu.mean_exit_time.value));
                CHECK(dev.escape_rate.high == Approx(cpu.escape_rate.high));
                CHECK(dev.channels.size() == cpu.channels.size());
            }
            std::printf("cuda escape host launch vs CPU escape_study (%s, scheme %d): %zu of %zu "
                        "paths end at another step\n",
                        sizeof(Real) == 4 ? "float" : "double", scheme, d, opt.paths);
        };
        if (scheme == 0)
            run(levysgd::euler<Real>(Real(0.01)));
        else if (scheme == 1)
            run(levysgd::tamed_euler<Real>(Real(0.01)));
        else
            run(levysgd::sgd_recursion<Real>(Real(0.01)));
    }
}

TEMPLATE_TEST_CASE("cuda escape study with Brownian noise equals the CPU study", "[cuda][sde]",
                   float, double) {
    using Real = TestType;
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const lc::well_potential<Real> dw(w);
    const levysgd::interval<Real> left(Real(-4), Real(0));
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = -1;
    levysgd::escape_options<Real> opt;
    opt.paths = levysgd_test::sized(1000);
    opt.horizon = 40;
    opt.seed = 13;
    opt.first_stream = 2;
    opt.threads = 1;
    const auto check_noise = [&](const levysgd::gaussian_noise<Real> &noise, const auto &integ,
                                 const char *what) {
        const auto cpu = levysgd::escape_study(w, noise, integ, left, x0, opt);
        const auto dev = host_escape(dw, noise, integ, left, x0, opt);
        const std::size_t d = differing_paths(cpu, dev);
        INFO(what);
        CHECK(dev.exited > opt.paths / 10);
        CHECK(dev.censored > 0);
        CHECK(d == 0);
        CHECK(dev.exited == cpu.exited);
        CHECK(dev.mean_exit_time.value == Approx(cpu.mean_exit_time.value));
        std::printf("cuda escape host launch vs CPU escape_study, Brownian (%s, %s): %zu of %zu "
                    "paths end at another step\n",
                    sizeof(Real) == 4 ? "float" : "double", what, d, opt.paths);
    };
    check_noise(levysgd::gaussian_noise<Real>::from_diffusion(1, Real(0.08)),
                levysgd::euler<Real>(Real(0.01)), "from_diffusion, euler");
    check_noise(levysgd::gaussian_noise<Real>::isotropic(1, Real(0.4)),
                levysgd::tamed_euler<Real>(Real(0.01)), "isotropic, tamed_euler");
    // sgd_recursion: x -= eta (g + u), u ~ N(0, sigma^2): sigma 4 ~ 0.4 / sqrt(eta)
    check_noise(levysgd::gaussian_noise<Real>::isotropic(1, Real(4)),
                levysgd::sgd_recursion<Real>(Real(0.01)), "isotropic, sgd_recursion");
    // a full covariance is refused, naming the call
    Eigen::Matrix<Real, 1, 1> cov;
    cov(0, 0) = Real(0.2);
    const auto full = levysgd::gaussian_noise<Real>::with_covariance(cov);
    CHECK_THAT(levysgd_test::message_of([&] {
                   host_escape(dw, full, levysgd::euler<Real>(Real(0.01)), left, x0, opt);
               }),
               Catch::Matchers::StartsWith("levysgd::cuda::escape_study: noise"));
}

TEST_CASE("cuda studies with Brownian noise: 2-D escape and transitions", "[cuda][sde]") {
    const auto noise = levysgd::gaussian_noise<double>::isotropic(2, 0.6);
    Eigen::Vector2d x0(0.2, -0.1);
    levysgd::escape_options<double> opt;
    opt.paths = levysgd_test::sized(500);
    opt.horizon = 30;
    opt.seed = 4;
    opt.threads = 1;
    const auto integ = levysgd::euler<double>(0.01);
    const auto cpu = levysgd::escape_study(bowl{}, noise, integ, disk{}, x0, opt);
    const auto dev = host_escape(bowl{}, noise, integ, disk{}, x0, opt);
    CHECK(differing_paths(cpu, dev) == 0);
    CHECK(dev.exited > 0);
    CHECK(dev.channels.size() == cpu.channels.size());
    CHECK(dev.exited == cpu.exited);
    // transitions of the double well under Brownian noise
    using Real = double;
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const lc::well_potential<Real> dw(w);
    const levysgd::interval_basins<Real> basins({-2.0, 0.5}, {-0.5, 2.0});
    const auto tn = levysgd::gaussian_noise<Real>::from_diffusion(1, 0.1);
    Eigen::Matrix<Real, 1, 1> y0;
    y0[0] = -1;
    levysgd::transition_options<Real> topt;
    topt.paths = levysgd_test::sized(200);
    topt.horizon = 40;
    topt.seed = 6;
    topt.threads = 1;
    const auto tcpu = levysgd::transition_study(w, tn, integ, basins, y0, topt);
    auto a = lc::detail::make_transition_args<8>("levysgd::cuda::transition_study", dw, tn, integ,
                                                 lc::device_interval_basins<Real>(basins), y0,
                                                 topt);
    std::vector<lc::device_transition_record<Real, 1, 8>> rec(topt.paths);
    a.out = rec.data();
    lc::host_transition_paths(a, {2, 64});
    const auto tdev = lc::transition_result_of<Real, 1, 8>(
        "levysgd::cuda::transition_study",
        std::span<const lc::device_transition_record<Real, 1, 8>>(rec),
        lc::device_interval_basins<Real>(basins), a.label0, topt.paths, integ.time_step());
    CHECK(tdev.counts == tcpu.counts);
    CHECK(tdev.occupation == tcpu.occupation);
    CHECK(tdev.counts(0, 1) > 0);
}

TEST_CASE("cuda escape study: user potential and domain, per-coordinate alpha", "[cuda][sde]") {
    const levysgd::stable_noise<double> noise({1.3, 1.9}, {0.5, 0.3});
    Eigen::Vector2d x0(0.2, -0.1);
    levysgd::escape_options<double> opt;
    opt.paths = levysgd_test::sized(500);
    opt.horizon = 30;
    opt.seed = 3;
    opt.threads = 1;
    const levysgd::euler<double> integ(0.01);
    const auto cpu = levysgd::escape_study(bowl{}, noise, integ, disk{}, x0, opt);
    const auto dev = host_escape(bowl{}, noise, integ, disk{}, x0, opt);
    const std::size_t d = differing_paths(cpu, dev);
    CHECK(d <= opt.paths / 100);
    CHECK(dev.exited == Approx(double(cpu.exited)).margin(double(d)));
    CHECK(dev.channels.size() == 2);
    std::printf("cuda escape host launch vs CPU (2-D, alpha_i = 1.3, 1.9): %zu of %zu paths end "
                "at another step\n",
                d, opt.paths);
    // the CPU's checks and messages
    Eigen::Vector2d out(2, 0);
    const auto m = levysgd_test::message_of([&] {
        lc::detail::make_escape_args("levysgd::cuda::escape_study", bowl{}, noise, integ, disk{},
                                     out, opt);
    });
    CHECK(m.rfind("levysgd::cuda::escape_study: x0", 0) == 0);
}

TEMPLATE_TEST_CASE("cuda simulate_paths host launch equals the CPU's terminal states",
                   "[cuda][sde]", float, double) {
    using Real = TestType;
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const lc::well_potential<Real> dw(w);
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = Real(-0.5);
    levysgd::path_options<Real> opt;
    opt.paths = levysgd_test::sized(500);
    opt.horizon = 5;
    opt.seed = 21;
    opt.first_stream = 3;
    opt.threads = 1;
    const auto check_noise = [&](const auto &noise, const auto &integ, const char *what) {
        const auto cpu = levysgd::simulate_paths(w, noise, integ, x0, opt);
        auto a = lc::detail::make_simulate_args("levysgd::cuda::simulate_paths", dw, noise, integ,
                                                x0, opt);
        std::vector<lc::device_path_record<Real, 1>> rec(opt.paths);
        a.out = rec.data();
        lc::host_escape_paths(a, {3, 32});
        const auto dev = lc::terminal_states_of<Real, 1>(
            std::span<const lc::device_path_record<Real, 1>>(rec), a.prob.max_steps,
            integ.time_step());
        INFO(what);
        CHECK(dev.steps == cpu.steps);
        CHECK(dev.time_step == cpu.time_step);
        CHECK(dev.non_finite == cpu.non_finite);
        const Real worst = (dev.states - cpu.states).cwiseAbs().maxCoeff();
        CHECK(worst <= Real(512) * std::numeric_limits<Real>::epsilon()); // 500 steps
        std::printf("cuda simulate_paths host launch vs CPU (%s, %s): worst |x| difference %.3g\n",
                    sizeof(Real) == 4 ? "float" : "double", what, double(worst));
    };
    check_noise(levysgd::stable_noise<Real>(1, Real(1.5), Real(0.4)),
                levysgd::euler<Real>(Real(0.01)), "stable");
    check_noise(levysgd::gaussian_noise<Real>::from_diffusion(1, Real(0.2)),
                levysgd::euler<Real>(Real(0.01)), "Brownian");
    // the CPU's checks, named for the device
    opt.horizon = -1;
    CHECK_THAT(levysgd_test::message_of([&] {
                   lc::detail::make_simulate_args("levysgd::cuda::simulate_paths", dw,
                                                  levysgd::stable_noise<Real>(1, Real(1.5),
                                                                              Real(0.4)),
                                                  levysgd::euler<Real>(Real(0.01)), x0, opt);
               }),
               Catch::Matchers::StartsWith("levysgd::cuda::simulate_paths: horizon"));
}

TEMPLATE_TEST_CASE("cuda transition study host launch equals the CPU study", "[cuda][sde]", float,
                   double) {
    using Real = TestType;
    const auto w = levysgd::double_well<Real>(-1, 0, 1);
    const levysgd::interval_basins<Real> basins({Real(-2), Real(0.5)}, {Real(-0.5), Real(2)});
    const levysgd::stable_noise<Real> noise(1, Real(1.5), Real(0.5));
    Eigen::Matrix<Real, 1, 1> x0;
    x0[0] = -1;
    levysgd::transition_options<Real> opt;
    opt.paths = levysgd_test::sized(300);
    opt.horizon = 30;
    opt.seed = 4;
    opt.threads = 1;
    const levysgd::euler<Real> integ(Real(0.01));
    const auto cpu = levysgd::transition_study(w, noise, integ, basins, x0, opt);
    const lc::well_potential<Real> dw(w);
    const lc::device_interval_basins<Real> db(basins);
    auto a = lc::detail::make_transition_args<8>("levysgd::cuda::transition_study", dw, noise,
                                                 integ, db, x0, opt);
    std::vector<lc::device_transition_record<Real, 1, 8>> rec(opt.paths);
    a.out = rec.data();
    lc::host_transition_paths(a, {3, 32});
    const auto dev = lc::transition_result_of<Real, 1, 8>(
        "levysgd::cuda::transition_study",
        std::span<const lc::device_transition_record<Real, 1, 8>>(rec), db, a.label0, opt.paths,
        integ.time_step());
    CHECK(dev.counts == cpu.counts);
    CHECK(dev.occupation == cpu.occupation);
    CHECK(dev.unlabelled_time == cpu.unlabelled_time);
    CHECK(dev.non_finite == cpu.non_finite);
    CHECK(dev.counts(0, 1) > 0);
    static_assert(lc::DeviceClassifier<lc::device_interval_basins<Real>, Real, 1>);
    static_assert(!lc::DeviceClassifier<levysgd::interval_basins<Real>, Real, 1>);
}
