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
//   PathObserver    what run_paths records of each path (sde/paths.hpp)
//
// The SIMD path (one xsimd batch lane per path, dimensions 1 to 4) is taken
// by any combination whose pieces also provide their batch members; the
// concepts name them:
//   BatchPotential     gradient_batch(std::array<B, dim>, std::array<B, dim>&)
//   BatchDomain        contains_batch(std::array<B, dim>) -> batch_bool
//   BatchNoiseSource   innovations() (the next step's values of the lane's
//                      path), update(t, h) and batch_increment(z, dn)
//   BatchIntegrator    noise_step() and update(x, g, dn), written over T
//   BatchPathObserver  state_type = std::array<Real, K> and step(state, x)
//                      over batches, returning a batch_bool "stop"
// B is path_batch<Real> = xsimd::batch<Real> of the widest instruction set
// the build targets. takes_simd_path<P, N, I, O> says which path run_paths
// takes; nothing is matched by type name, so a user type is as fast as a
// built-in one.
//
// States are Eigen column vectors, state_vector<P> = Eigen::Matrix<Real,
// P::dim, 1>; P::dim is a compile-time dimension (1, 2, ...: the fixed-size
// fast path, no allocation per step) or Eigen::Dynamic.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <Eigen/Core>
#include <xsimd/xsimd.hpp>

#include "../config.hpp"

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
/// owns its buffers, so a thread's paths reuse them); scalar_type and
/// dimension() say what states it drives (studies check the dimension).
template <class N, class V>
concept NoiseModel = std::floating_point<typename N::scalar_type> &&
    requires(const N &n, std::uint64_t seed) {
    { n.dimension() } -> std::convertible_to<Eigen::Index>;
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

/// How a path ended: stopped by its observer (for escape_study: it left the
/// domain, hence the name exited), censored at the horizon, or non_finite
/// (the state became inf/NaN).
enum class path_status : std::uint8_t { exited, censored, non_finite, stopped = exited };

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

/// The SIMD batch type of the fast path: one lane per path.
template <class Real> using path_batch = xsimd::batch<Real, xsimd::default_arch>;

/// cond ? a : b for scalars, xsimd::select(cond, a, b) for batches: lets an
/// observer or a noise source write its per-lane logic once over T.
template <class C, class T> LEVYSGD_INLINE T if_else(const C &cond, const T &a, const T &b) {
    if constexpr (std::is_same_v<C, bool>)
        return cond ? a : b;
    else
        return xsimd::select(cond, a, b);
}

/// The lane state of a batch: B::size paths' coordinate i in batch i.
template <class B, int Dim> using batch_state = std::array<B, static_cast<std::size_t>(Dim)>;

/// The end of one path, as run_paths reports it to an observer.
template <class Real> struct path_end {
    std::uint64_t path = 0;  // index in the study: path i uses stream first_stream + i
    std::uint64_t steps = 0; // steps taken
    Real time = 0;           // steps * time_step
    path_status status = path_status::censored;
};

/// What run_paths records of each path (see sde/paths.hpp):
///   start(path, x0) -> state_type       a path's start
///   step(state, x) -> bool              after each finite step; true stops the path
///   finish(result, state, end, x)       a path's end, in path order within a block
///   make_result() / merge(into, block)  results of blocks of 64 paths, merged
///                                       in block order (so any thread count gives
///                                       the same numbers)
template <class O, class V>
concept PathObserver = std::movable<typename O::result_type> &&
    std::copyable<typename O::state_type> &&
    requires(const O &o, typename O::state_type &s, typename O::result_type &r, const V &x,
             const path_end<typename V::Scalar> &e, std::uint64_t path) {
    { o.start(path, x) } -> std::convertible_to<typename O::state_type>;
    { o.step(s, x) } -> std::convertible_to<bool>;
    o.finish(r, s, e, x);
    { o.make_result() } -> std::convertible_to<typename O::result_type>;
    o.merge(r, std::move(r));
};

namespace detail {
template <class T> inline constexpr bool is_std_array = false;
template <class T, std::size_t K> inline constexpr bool is_std_array<std::array<T, K>> = true;
template <class S> struct array_rebind;
template <class T, std::size_t K> struct array_rebind<std::array<T, K>> {
    template <class U> using to = std::array<U, K>;
};
} // namespace detail

/// A potential with a gradient over SIMD lanes (dimension 1 to 4).
template <class P>
concept BatchPotential = Potential<P> && (P::dim >= 1 && P::dim <= 4) &&
    requires(const P &p, const batch_state<path_batch<typename P::scalar_type>, P::dim> &x,
             batch_state<path_batch<typename P::scalar_type>, P::dim> &g) {
    p.gradient_batch(x, g);
};

/// A domain whose membership test runs over SIMD lanes.
template <class D, class P>
concept BatchDomain = (P::dim >= 1 && P::dim <= 4) &&
    requires(const D &d, const batch_state<path_batch<typename P::scalar_type>, P::dim> &x) {
    {
        d.contains_batch(x)
        } -> std::convertible_to<typename path_batch<typename P::scalar_type>::batch_bool_type>;
};

/// A noise source whose increment is a fixed map of standard innovations
/// (time-homogeneous): the SIMD path gathers each lane's innovations() (dim
/// values of that lane's path), calls update(0, h) once and
/// batch_increment(z, dn) per step. increment() and batch_increment() must
/// describe the same law (the scalar path uses the former).
template <class S, class P>
concept BatchNoiseSource = (P::dim >= 1 && P::dim <= 4) &&
    requires(S &s, const S &cs, typename P::scalar_type h,
             const batch_state<path_batch<typename P::scalar_type>, P::dim> &z,
             batch_state<path_batch<typename P::scalar_type>, P::dim> &dn) {
    { s.innovations() } -> std::convertible_to<const typename P::scalar_type *>;
    s.update(h, h);
    cs.batch_increment(z, dn);
};

/// An integrator of the form x <- update(x, grad f(x), dN over noise_step()),
/// with update written once over scalars and batches.
template <class I, class P>
concept BatchIntegrator = (P::dim >= 1 && P::dim <= 4) &&
    requires(const I &i, batch_state<path_batch<typename P::scalar_type>, P::dim> &x,
             const batch_state<path_batch<typename P::scalar_type>, P::dim> &g) {
    { i.noise_step() } -> std::convertible_to<typename P::scalar_type>;
    i.update(x, g, g);
};

/// An observer whose per-path state is K numbers and whose step runs over
/// SIMD lanes (state_type = std::array<Real, K>, step on std::array<B, K>).
template <class O, class P>
concept BatchPathObserver = PathObserver<O, state_vector<P>> && (P::dim >= 1 && P::dim <= 4) &&
    detail::is_std_array<typename O::state_type> &&
    std::same_as<typename O::state_type::value_type, typename P::scalar_type> &&
    requires(const O &o,
             typename detail::array_rebind<typename O::state_type>::template to<
                 path_batch<typename P::scalar_type>> &s,
             const batch_state<path_batch<typename P::scalar_type>, P::dim> &x) {
    {
        o.step(s, x)
        } -> std::convertible_to<typename path_batch<typename P::scalar_type>::batch_bool_type>;
};

} // namespace levysgd
