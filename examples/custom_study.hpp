#pragma once
// The user-written pieces of examples/custom_study.cpp (also timed against
// the built-in equivalents by benchmarks/bench_sde.cpp, "custom/" rows): a
// potential, a noise model and an observer, each with its batch form.
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

// The potential: value and gradient over any indexable state, and the
// gradient over SIMD lanes (std::array of xsimd batches) by the same code.
struct tilted_well {
    using scalar_type = double;
    static constexpr int dim = 1;
    double tilt = 0.05;
    Eigen::Index dimension() const { return 1; }
    template <class V> double value(const V &x) const {
        return x[0] * x[0] * x[0] * x[0] / 4 - x[0] * x[0] / 2 + tilt * x[0];
    }
    template <class V, class G> void gradient(const V &x, G &g) const {
        using T = std::remove_cvref_t<decltype(x[0])>;
        g[0] = x[0] * x[0] * x[0] - x[0] + T(tilt);
    }
    template <class B> void gradient_batch(const std::array<B, 1> &x, std::array<B, 1> &g) const {
        gradient(x, g);
    }
};

// The noise model: SaS(alpha) increments sigma h^(1/alpha) S, clipped at
// +-clip. noise_source_base supplies the stream rule (path i draws from its
// own Philox stream), the buffered SIMD sampling and the scheduler check.
struct clipped_stable_noise {
    using scalar_type = double;
    double alpha, sigma, clip = std::numeric_limits<double>::infinity();
    Eigen::Index dimension() const { return 1; }

    struct source : levysgd::noise_source_base<double> {
        const clipped_stable_noise *m;
        double f = 0; // sigma h^(1/alpha)
        source(const clipped_stable_noise &model, std::uint64_t seed)
            : levysgd::noise_source_base<double>(seed, 1), m(&model) {}
        const double *innovations() { return next_stable(m->alpha); }
        void update(double t, double h) {
            if (rescale(levysgd::constant_scheduler<double>{}, t, h))
                f = m->sigma * std::pow(h, 1 / m->alpha);
        }
        template <class V, class D> void increment(const V &, double t, double h, D &dn) {
            const double *z = innovations();
            update(t, h);
            dn[0] = std::clamp(f * z[0], -m->clip, m->clip);
        }
        template <class B>
        void batch_increment(const std::array<B, 1> &z, std::array<B, 1> &dn) const {
            dn[0] = xsimd::clip(B(f) * z[0], B(-m->clip), B(m->clip));
        }
    };
    source make_source(std::uint64_t seed) const { return source(*this, seed); }
};

// The observer: a path stops when it leaves (lo, hi); its state counts the
// steps spent above `level`; the result sums exit times and times above
// over the exited paths. step() is written once over scalars and batches.
struct time_above_before_exit {
    double level, lo, hi;
    using state_type = std::array<double, 1>;
    struct result_type {
        std::size_t exited = 0, censored = 0;
        std::uint64_t steps = 0; // all paths
        double exit_time = 0, time_above = 0;
    };
    template <class V> state_type start(std::uint64_t, const V &) const { return {0.0}; }
    template <class S, class X> auto step(S &steps_above, const X &x) const {
        using T = std::remove_cvref_t<decltype(x[0])>;
        steps_above[0] = steps_above[0] + levysgd::if_else(x[0] > T(level), T(1), T(0));
        return !((x[0] > T(lo)) && (x[0] < T(hi))); // true: stop the path
    }
    template <class V>
    void finish(result_type &r, const state_type &s, const levysgd::path_end<double> &e,
                const V &) const {
        r.steps += e.steps;
        if (e.status == levysgd::path_status::exited) {
            ++r.exited;
            r.exit_time += e.time;
            r.time_above += s[0] * (e.time / double(e.steps));
        } else if (e.status == levysgd::path_status::censored) {
            ++r.censored;
        }
    }
    result_type make_result() const { return {}; }
    void merge(result_type &a, result_type &&b) const { // blocks in a fixed order
        a.exited += b.exited;
        a.censored += b.censored;
        a.steps += b.steps;
        a.exit_time += b.exit_time;
        a.time_above += b.time_above;
    }
};

