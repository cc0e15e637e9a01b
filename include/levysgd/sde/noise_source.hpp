#pragma once
// noise_source_base: the public base of noise sources (sde/concepts.hpp,
// NoiseSource). A custom noise model's source derives from it and gets, for
// free, what every built-in source does:
//   - the stream rule: start(path) selects Philox stream `path` of the
//     model's seed and rewinds it; step k of a path uses values
//     k m ... k m + m - 1 of that stream (m = per_step()), so a path's noise
//     depends on (seed, path) only, never on threads, lanes or buffering;
//   - buffering: next_normals(), next_stable(alpha) and next_values(fill)
//     return the next step's m values, drawn in blocks of 16 to 256 steps by
//     the SIMD samplers;
//   - scheduler scaling: rescale(scheduler, t, h) evaluates s(t) (once for
//     a constant scheduler), refuses a non-finite or non-positive value with
//     the library's message, and says when (s(t), h) changed, so that the
//     source recomputes its factors only then.
// Derived sources provide increment(x, t, h, dn) (the scalar path) and, to
// take the SIMD path, innovations(), update(t, h) and batch_increment(z, dn)
// (BatchNoiseSource); see examples/custom_study.cpp.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "../random/fill.hpp"
#include "../stable/sample.hpp"
#include "scheduler.hpp"

namespace levysgd {

namespace detail {

/// Buffered innovations of one path: take() returns the next step's m values;
/// refills with fill(span, first_index) in blocks of a whole number of steps
/// that grow from 16 to 256 steps, capped at 2^16 values (at least one step)
/// so high-dimensional models do not hold huge buffers. Storage grows lazily.
template <class Real> class innovation_buffer {
  public:
    static constexpr std::size_t first_steps = 16;
    static constexpr std::size_t max_steps = 256;
    static constexpr std::size_t max_values = std::size_t{1} << 16;

    explicit innovation_buffer(std::size_t per_step)
        : m_(per_step), cap_steps_(std::clamp<std::size_t>(max_values / per_step, 1, max_steps)) {}

    void start() noexcept {
        pos_ = len_ = 0;
        next_index_ = 0;
        steps_ = std::min(first_steps, cap_steps_);
    }
    template <class Fill> const Real *take(Fill &&fill) {
        if (pos_ == len_) {
            len_ = steps_ * m_;
            if (buf_.size() < len_)
                buf_.resize(len_);
            fill(std::span<Real>(buf_.data(), len_), next_index_);
            next_index_ += len_;
            pos_ = 0;
            steps_ = std::min(2 * steps_, cap_steps_);
        }
        const Real *p = buf_.data() + pos_;
        pos_ += m_;
        return p;
    }
    std::size_t per_step() const noexcept { return m_; }
    /// The most values one refill asks for.
    std::size_t max_block() const noexcept { return cap_steps_ * m_; }

  private:
    std::size_t m_, cap_steps_;
    std::vector<Real> buf_;
    std::size_t pos_ = 0, len_ = 0, steps_ = first_steps;
    std::uint64_t next_index_ = 0;
};


/// Standard SaS values S(alpha, 0, 1, 0; S0) first, first + 1, ... of (seed,
/// stream) into out, value j with tail index alpha[j]. When `common` (all
/// alpha equal) only alpha[0] is read and one sample() call draws them all;
/// otherwise alpha.size() == out.size() and sample_coordinates() does.
template <class Real>
void sample_standard_sas(std::span<const Real> alpha, bool common, std::span<Real> out,
                         std::uint64_t seed, std::uint64_t stream, std::uint64_t first) {
    const sample_options so{first, 1};
    if (common) {
        sample(stable_distribution<Real>(alpha[0], 0, 1, 0, parameterization::S0), out, seed,
               stream, so);
    } else {
        const Real one = 1;
        sample_coordinates<Real>(alpha, std::span<const Real>(&one, 1), Real(0),
                                 parameterization::S0, out, seed, stream, so);
    }
}

} // namespace detail

/// Base of noise sources: the stream rule, buffered innovations and the
/// scheduler value (see the header comment).
template <class Real> class noise_source_base {
  public:
    using scalar_type = Real;

    /// seed: the model's seed (make_source(seed)); per_step: values per step.
    noise_source_base(std::uint64_t seed, std::size_t per_step) : seed_(seed), buf_(per_step) {}

    /// Select path `path`'s stream and rewind it.
    void start(std::uint64_t path) noexcept {
        stream_ = path;
        buf_.start();
    }
    std::uint64_t seed() const noexcept { return seed_; }
    std::uint64_t stream() const noexcept { return stream_; }
    std::size_t per_step() const noexcept { return buf_.per_step(); }

  protected:
    /// The next step's per_step() standard normals.
    const Real *next_normals() {
        return buf_.take([&](std::span<Real> out, std::uint64_t first) {
            fill_normal(out, seed_, stream_, fill_options{first, 1});
        });
    }
    /// The next step's per_step() standard SaS(alpha) values (S0, scale 1).
    const Real *next_stable(Real alpha) {
        return buf_.take([&](std::span<Real> out, std::uint64_t first) {
            detail::sample_standard_sas<Real>(std::span<const Real>(&alpha, 1), true, out, seed_,
                                              stream_, first);
        });
    }
    /// The next step's values from a custom law: fill(out, seed, stream,
    /// first) writes values first, first + 1, ... of (seed, stream) into out
    /// (e.g. with levysgd::sample(distribution, out, seed, stream, {first})).
    template <class Fill> const Real *next_values(Fill &&fill) {
        return buf_.take([&](std::span<Real> out, std::uint64_t first) {
            fill(out, seed_, stream_, first);
        });
    }
    /// The largest block next_values() asks fill for (values).
    std::size_t max_block() const noexcept { return buf_.max_block(); }

    /// s(t) of the scheduler (s(0) for a constant one), checked; returns
    /// true when (s(t), h) differs from the last call's, i.e. when the
    /// source's factors need recomputing. schedule_value() and step_size()
    /// then hold the new values.
    template <class Sched> bool rescale(const Sched &sched, Real t, Real h) {
        const Real s = detail::is_constant_scheduler<Sched> ? sched(Real(0)) : sched(t);
        if (h == h_ && s == s_)
            return false;
        detail::check_scheduler_value("levysgd noise model", s, t);
        h_ = h;
        s_ = s;
        return true;
    }
    Real schedule_value() const noexcept { return s_; }
    Real step_size() const noexcept { return h_; }

  private:
    std::uint64_t seed_, stream_ = 0;
    detail::innovation_buffer<Real> buf_;
    Real h_ = -1, s_ = -1;
};

} // namespace levysgd
