#pragma once
// The plug-in points of levysgd's SDE and escape-time machinery, as named
// concepts (a user type that does not fit fails with the concept's name):
//
//   Potential       the loss f: value(x), gradient(x, g), dimension()
//   HessianPotential  + hessian(x, H)
//   Scheduler       learning-rate scheduler s(t) (Battash & Lindenbaum 2023 eq. 3)
//   NoiseSource     per-path stream of noise increments, increment(x, t, h, dn)
//   NoiseModel      makes NoiseSources: make_source(seed) -> source; source.start(path)
//   Integrator      one step x_{k} -> x_{k+1} of length time_step()
//   Domain          the basin: contains(x) and, after leaving, exit(x)
//   BasinClassifier which of several basins a point is in (-1: none)
//
// States are Eigen column vectors, state_vector<P> = Eigen::Matrix<Real,
// P::dim, 1>; P::dim is a compile-time dimension (1, 2, ...: the fixed-size
// fast path, no allocation per step) or Eigen::Dynamic.

#include <concepts>
#include <cstdint>

#include <Eigen/Core>

namespace levysgd {

/// The state vector type of a potential.
template <class P> using state_vector = Eigen::Matrix<typename P::scalar_type, P::dim, 1>;
/// The Hessian matrix type of a potential.
template <class P> using hessian_matrix = Eigen::Matrix<typename P::scalar_type, P::dim, P::dim>;

/// A loss function f: R^n -> R with its gradient.
template <class P>
concept Potential = std::floating_point<typename P::scalar_type> &&
    std::convertible_to<decltype(P::dim), int> &&
    requires(const P &p, const state_vector<P> &x, state_vector<P> &g) {
    { p.dimension() } -> std::convertible_to<Eigen::Index>;
    { p.value(x) } -> std::convertible_to<typename P::scalar_type>;
    p.gradient(x, g);
};

/// A potential that also provides its Hessian (needed by Hessian-shaped noise
/// and by the escape-theory formulas).
template <class P>
concept HessianPotential = Potential<P> &&
    requires(const P &p, const state_vector<P> &x, hessian_matrix<P> &h) {
    p.hessian(x, h);
};

/// A learning-rate scheduler: s(t) > 0 at time t >= 0.
template <class S, class Real>
concept Scheduler = std::floating_point<Real> && requires(const S &s, Real t) {
    { s(t) } -> std::convertible_to<Real>;
};

/// The noise of one path: start(path) selects the path's random stream and
/// rewinds it; increment(x, t, h, dn) writes the noise increment over
/// [t, t + h] taken at state x (the next one in the stream).
template <class S, class V>
concept NoiseSource = requires(S &s, const V &x, typename V::Scalar t, V &dn, std::uint64_t path) {
    s.start(path);
    s.increment(x, t, t, dn);
};

/// A noise model: make_source(seed) gives a NoiseSource (one per thread; it
/// owns its buffers, so a thread's paths reuse them).
template <class N, class V>
concept NoiseModel = requires(const N &n, std::uint64_t seed) {
    { n.make_source(seed) } -> NoiseSource<V>;
};

/// One step of an SDE scheme or of a discrete recursion: time_step() is the
/// time the step advances (dt, or the learning rate eta for SGD, t = eta k);
/// step(potential, source, x, t, g, dn) advances x in place (g and dn are
/// scratch vectors of the state's size: gradient and noise increment).
template <class I, class P, class S>
concept Integrator = Potential<P> && requires(const I &i, const P &p, S &src, state_vector<P> &x,
                                              typename P::scalar_type t, state_vector<P> &work) {
    { i.time_step() } -> std::convertible_to<typename P::scalar_type>;
    i.step(p, src, x, t, work, work);
};

/// Where a path left a domain: the coordinate it left through and the side
/// (-1 below / +1 above; 0 where the domain has no sides, e.g. a level set).
struct exit_info {
    int coordinate = -1;
    int side = 0;
};

/// How a path of an escape study ended.
enum class path_status : std::uint8_t { exited, censored, non_finite };

/// The basin a path must escape from: contains(x) is checked every step;
/// exit(x) describes a point outside.
template <class D, class V>
concept Domain = requires(const D &d, const V &x) {
    { d.contains(x) } -> std::convertible_to<bool>;
    { d.exit(x) } -> std::convertible_to<exit_info>;
};

/// Several basins: basin(x) is the index of the basin containing x, or -1.
template <class C, class V>
concept BasinClassifier = requires(const C &c, const V &x) {
    { c.basin(x) } -> std::convertible_to<int>;
    { c.basins() } -> std::convertible_to<int>;
};

} // namespace levysgd
