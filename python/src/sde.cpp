// Escape and transition studies with the built-in pieces: bindings of sde/
// (docs/sde.md). The pieces are templates, so a fixed set of combinations is
// compiled and chosen at run time (docs/python-api.md, "Studies"):
//   1-D: polynomial_well x {gaussian, stable} x {euler, tamed_euler, sgd_recursion} x interval
//   2-D: quadratic<2>   x {gaussian, stable} x {euler, tamed_euler} x {box<2>, ball<2>}
//   transition_study: polynomial_well x {gaussian, stable} x {euler, tamed_euler} x interval_basins
// Every other combination of built-in pieces, in any dimension, goes the
// generic path (sde_generic.hpp: one instantiation per study): among them
// noise with an exponential or multi-step scheduler, Hessian noise and the
// mixture of any two noise models.
#include "bindings.hpp"
#include "sde_generic.hpp"

#include <levysgd/sde/sde.hpp>

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <Eigen/Core>

#include <cmath>
#include <limits>
#include <numbers>
#include <exception>
#include <optional>
#include <span>
#include <tuple>
#include <variant>

namespace levysgd_py {

namespace {

using well = levysgd::polynomial_well<double>;
using quad2 = levysgd::quadratic<double, 2>;
using gauss = levysgd::gaussian_noise<double>;
using levy = levysgd::stable_noise<double>;
using euler = levysgd::euler<double>;
using tamed = levysgd::tamed_euler<double>;
using sgd = levysgd::sgd_recursion<double>;
using interval = levysgd::interval<double>;
using box2 = levysgd::box<double, 2>;
using ball2 = levysgd::ball<double, 2>;
using basins = levysgd::interval_basins<double>;
using quadn = levysgd::quadratic<double>;
using ackley = levysgd::ackley<double>;
using styb = levysgd::styblinski_tang<double>;
using implicit = levysgd::implicit_euler<double>;
using boxn = levysgd::box<double>;
using balln = levysgd::ball<double>;
using const_sched = levysgd::constant_scheduler<double>;
using exp_sched = levysgd::exponential_scheduler<double>;
using step_sched = levysgd::multistep_scheduler<double>;
/// Python's HessianNoise, MixtureNoise, ScheduledNoise (Gaussian or stable
/// noise with an exponential or multi-step scheduler) and LossThreshold: the
/// generic path's pieces.
struct hess_noise { any_noise::hess n; };
struct mix_noise { any_noise::mix n; };
struct sched_noise { any_noise::base_noise n; };
struct loss_dom { levysgd::loss_threshold<any_potential> d; };

template <class... T> struct types {};

/// Calls f(a) with `h` cast to the first of Ts it is; TypeError naming the parameter otherwise.
template <class F, class... Ts> auto with_type(nb::handle h, const char *param, const char *accepted, types<Ts...>, F &&f) {
    using R = decltype(f(std::declval<const std::tuple_element_t<0, std::tuple<Ts...>> &>()));
    std::optional<R> r;
    const bool found = ((!r && nb::isinstance<Ts>(h) ? (r.emplace(f(nb::cast<const Ts &>(h))), true) : false) || ...);
    if (!found)
        throw nb::type_error((std::string("levysgd study: ") + param + " must be one of " + accepted +
                              ", got " + nb::type_name(h.type()).c_str()).c_str());
    return std::move(*r);
}

levysgd::progress_mode progress(nb::handle p) {
    if (p.is_none() || (PyUnicode_Check(p.ptr()) && nb::cast<std::string>(p) == "auto"))
        return levysgd::progress_mode::automatic;
    if (PyBool_Check(p.ptr()))
        return p.ptr() == Py_True ? levysgd::progress_mode::always : levysgd::progress_mode::never;
    if (PyCallable_Check(p.ptr()))
        return levysgd::progress_mode::never; // the callable instead of the bar: callback()
    throw nb::type_error("levysgd study: progress must be None, \"auto\", True, False or a callable "
                         "progress(done, total)");
}

/// progress=callable as the C++ on_progress: the C++ calls it from worker
/// threads (one at a time) while the study runs without the GIL; each call
/// takes the GIL for the call only. The first exception it raises is kept
/// in *error (under the GIL) and re-raised by released() after the study.
/// Plain pointers: the std::function is copied inside the study, without
/// the GIL, so it must not own a Python reference (the caller's argument
/// keeps the callable alive during the call).
struct py_progress {
    PyObject *fn;
    std::exception_ptr *error;
    void operator()(std::size_t done, std::size_t total) const {
        nb::gil_scoped_acquire lock;
        if (*error)
            return;
        try {
            nb::handle callable(fn);
            callable(done, total);
        } catch (...) {
            *error = std::current_exception();
        }
    }
};

levysgd::progress_callback callback(nb::handle p, std::exception_ptr *error) {
    if (p.is_none() || PyUnicode_Check(p.ptr()) || PyBool_Check(p.ptr()) || !PyCallable_Check(p.ptr()))
        return {};
    return py_progress{p.ptr(), error};
}

/// f() without the GIL; then the progress callable's exception, if any.
template <class F> auto released(const std::exception_ptr &error, F &&f) {
    std::optional<decltype(f())> r;
    {
        nb::gil_scoped_release unlock;
        r.emplace(f());
    }
    if (error)
        std::rethrow_exception(error);
    return std::move(*r);
}

template <int Dim> Eigen::Matrix<double, Dim, 1> point(nb::handle x0, const char *param) {
    Eigen::Matrix<double, Dim, 1> v;
    if (PyFloat_Check(x0.ptr()) || PyLong_Check(x0.ptr())) {
        if (Dim != 1)
            throw nb::value_error((std::string("levysgd study: ") + param + " must have " +
                                   std::to_string(Dim) + " entries").c_str());
        v[0] = nb::cast<double>(x0);
        return v;
    }
    const input_array a = as_input(x0, "levysgd study", param, false);
    if (a.size != std::size_t(Dim))
        throw nb::value_error((std::string("levysgd study: ") + param + " must have " + std::to_string(Dim) +
                               " entries (the potential's dimension), got " + std::to_string(a.size)).c_str());
    dispatch(a.kind, [&]<class T>() {
        for (int i = 0; i < Dim; ++i)
            v[i] = double(a.span<T>()[std::size_t(i)]);
    });
    return v;
}

nb::tuple est(const levysgd::estimate<double> &e) { return nb::make_tuple(e.value, e.low, e.high); }

template <int Dim> nb::dict escape_dict(const levysgd::escape_result<double, Dim> &r, int dim = Dim) {
    nb::dict d;
    d["paths"] = r.paths; d["exited"] = r.exited; d["censored"] = r.censored;
    d["non_finite"] = r.non_finite; d["time_step"] = r.time_step; d["horizon"] = r.horizon;
    d["mean_exit_time"] = est(r.mean_exit_time); d["exit_time_sd"] = r.exit_time_sd;
    d["restricted_mean"] = r.restricted_mean; d["escape_rate"] = est(r.escape_rate);
    nb::list ch;
    for (const auto &c : r.channels)
        ch.append(nb::make_tuple(c.coordinate, c.side, c.count, est(c.probability)));
    d["channels"] = ch;
    nb::list axes;
    for (int c = 0; c < dim; ++c)
        axes.append(est(r.axis(c)));
    d["axes"] = axes;
    const std::size_t n = r.path_records.size();
    output_array status = new_array(real_kind::f64, {n}), time = new_array(real_kind::f64, {n}),
                 steps = new_array(real_kind::f64, {n}), coord = new_array(real_kind::f64, {n}),
                 side = new_array(real_kind::f64, {n}), pt = new_array(real_kind::f64, {n, std::size_t(dim)});
    for (std::size_t i = 0; i < n; ++i) {
        const auto &p = r.path_records[i];
        static_cast<double *>(status.data)[i] = double(static_cast<int>(p.status));
        static_cast<double *>(time.data)[i] = p.time;
        static_cast<double *>(steps.data)[i] = double(p.steps);
        static_cast<double *>(coord.data)[i] = p.where.coordinate;
        static_cast<double *>(side.data)[i] = p.where.side;
        for (int k = 0; k < dim; ++k)
            static_cast<double *>(pt.data)[i * std::size_t(dim) + std::size_t(k)] = p.point[k];
    }
    d["status"] = status.obj; d["time"] = time.obj; d["steps"] = steps.obj;
    d["coordinate"] = coord.obj; d["side"] = side.obj; d["point"] = pt.obj;
    return d;
}


std::vector<double> doubles(nb::handle h, const char *where, const char *param);

/// A square matrix from a flat or 2-D array (n x n entries).
Eigen::MatrixXd square(nb::handle h, const char *where, const char *param) {
    const auto v = doubles(h, where, param);
    const auto n = Eigen::Index(std::llround(std::sqrt(double(v.size()))));
    if (n < 1 || std::size_t(n * n) != v.size())
        throw nb::value_error((std::string(where) + ": " + param + " must be a square n x n matrix, got " +
                               std::to_string(v.size()) + " entries").c_str());
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), n, n);
}

Eigen::VectorXd vec(nb::handle h, const char *where, const char *param) {
    const auto v = doubles(h, where, param);
    return Eigen::Map<const Eigen::VectorXd>(v.data(), Eigen::Index(v.size()));
}

[[noreturn]] void not_a_piece(nb::handle h, const char *param, const char *accepted) {
    throw nb::type_error((std::string("levysgd study: ") + param + " must be one of " + accepted + ", got " +
                          nb::type_name(h.type()).c_str()).c_str());
}

any_potential to_potential(nb::handle h, const char *param = "potential") {
    if (nb::isinstance<well>(h))
        return any_potential(nb::cast<const well &>(h));
    if (nb::isinstance<quad2>(h)) {
        const auto &q = nb::cast<const quad2 &>(h);
        return any_potential(quadn(q.hessian_matrix(), q.minimum(), q.value(q.minimum())));
    }
    if (nb::isinstance<quadn>(h))
        return any_potential(nb::cast<const quadn &>(h));
    if (nb::isinstance<ackley>(h))
        return any_potential(nb::cast<const ackley &>(h));
    if (nb::isinstance<styb>(h))
        return any_potential(nb::cast<const styb &>(h));
    not_a_piece(h, param, "polynomial_well, double_well, quadratic, ackley, styblinski_tang");
}

/// A noise model other than a mixture (one side of a mixture).
any_noise::base_noise to_base_noise(nb::handle h, const char *param) {
    if (nb::isinstance<gauss>(h))
        return any_noise::base_noise(nb::cast<const gauss &>(h));
    if (nb::isinstance<levy>(h))
        return any_noise::base_noise(nb::cast<const levy &>(h));
    if (nb::isinstance<sched_noise>(h))
        return nb::cast<const sched_noise &>(h).n;
    if (nb::isinstance<hess_noise>(h))
        return any_noise::base_noise(nb::cast<const hess_noise &>(h).n);
    throw nb::type_error((std::string("levysgd.mixture_noise: ") + param +
                          " must be one of gaussian_noise, stable_noise, hessian_noise (any scheduler), got " +
                          nb::type_name(h.type()).c_str() +
                          (nb::isinstance<mix_noise>(h) ? " (a mixture inside a mixture is not supported)" : ""))
                             .c_str());
}

any_noise to_noise(nb::handle h) {
    if (nb::isinstance<mix_noise>(h))
        return any_noise(nb::cast<const mix_noise &>(h).n);
    if (!nb::isinstance<gauss>(h) && !nb::isinstance<levy>(h) && !nb::isinstance<sched_noise>(h) &&
        !nb::isinstance<hess_noise>(h))
        not_a_piece(h, "noise", "gaussian_noise, stable_noise, hessian_noise, mixture_noise");
    return std::visit([](const auto &n) { return any_noise(any_noise::piece(n)); },
                      to_base_noise(h, "noise").get());
}

/// scheduler= of a noise model: None (s_t = 1) or a built-in scheduler. A
/// Python callable is refused: the studies evaluate s(t) in worker threads
/// that run without the GIL.
any_scheduler::piece to_scheduler(nb::handle s, const char *where) {
    if (s.is_none())
        return const_sched{};
    if (nb::isinstance<const_sched>(s))
        return nb::cast<const const_sched &>(s);
    if (nb::isinstance<exp_sched>(s))
        return nb::cast<const exp_sched &>(s);
    if (nb::isinstance<step_sched>(s))
        return nb::cast<const step_sched &>(s);
    const std::string accepted = std::string(where) +
        ": scheduler must be None, constant_scheduler, exponential_scheduler or multistep_scheduler, got " +
        nb::type_name(s.type()).c_str();
    if (PyCallable_Check(s.ptr()))
        throw nb::type_error((accepted + " (a Python callable cannot be a scheduler: the studies evaluate "
                                         "s(t) in worker threads that run without the GIL)").c_str());
    throw nb::type_error(accepted.c_str());
}

/// make(scheduler) with the constant scheduler as the fast path's type
/// (GaussianNoise, StableNoise), any other as ScheduledNoise (generic path).
template <class Make> nb::object scheduled(nb::handle s, const char *where, Make &&make) {
    const any_scheduler::piece p = to_scheduler(s, where);
    if (const auto *c = std::get_if<const_sched>(&p))
        return nb::cast(make(*c));
    return nb::cast(sched_noise{any_noise::base_noise(make(any_scheduler(p)))});
}

any_integrator to_integrator(nb::handle h, const any_potential &f) {
    if (nb::isinstance<euler>(h))
        return any_integrator(nb::cast<const euler &>(h));
    if (nb::isinstance<tamed>(h))
        return any_integrator(nb::cast<const tamed &>(h));
    if (nb::isinstance<sgd>(h))
        return any_integrator(nb::cast<const sgd &>(h));
    if (nb::isinstance<implicit>(h)) {
        if (!f.has_hessian())
            throw nb::value_error("levysgd study: integrator implicit_euler needs the potential's Hessian; "
                                  "potential ackley has none");
        return any_integrator(nb::cast<const implicit &>(h));
    }
    not_a_piece(h, "integrator", "euler, tamed_euler, implicit_euler, sgd_recursion");
}

any_domain to_domain(nb::handle h) {
    if (nb::isinstance<interval>(h))
        return any_domain(nb::cast<const interval &>(h));
    if (nb::isinstance<box2>(h)) {
        const auto &b = nb::cast<const box2 &>(h);
        return any_domain(boxn(b.lo, b.hi));
    }
    if (nb::isinstance<ball2>(h)) {
        const auto &b = nb::cast<const ball2 &>(h);
        return any_domain(balln(b.center, b.radius));
    }
    if (nb::isinstance<boxn>(h))
        return any_domain(nb::cast<const boxn &>(h));
    if (nb::isinstance<balln>(h))
        return any_domain(nb::cast<const balln &>(h));
    if (nb::isinstance<loss_dom>(h))
        return any_domain(nb::cast<const loss_dom &>(h).d);
    not_a_piece(h, "domain", "interval, box, ball, loss_threshold");
}

/// x0 of an n-dimensional potential: a number (n = 1) or n entries.
Eigen::VectorXd point_n(nb::handle x0, Eigen::Index n) {
    Eigen::VectorXd v;
    if (PyFloat_Check(x0.ptr()) || PyLong_Check(x0.ptr()))
        v = Eigen::VectorXd::Constant(1, nb::cast<double>(x0));
    else
        v = vec(x0, "levysgd study", "x0");
    if (v.size() != n)
        throw nb::value_error(("levysgd study: x0 must have " + std::to_string(n) +
                               " entries (the potential's dimension), got " + std::to_string(v.size())).c_str());
    return v;
}

bool fast_escape(nb::handle potential, nb::handle noise, nb::handle integrator, nb::handle domain) {
    if (!nb::isinstance<gauss>(noise) && !nb::isinstance<levy>(noise))
        return false;
    const bool eu = nb::isinstance<euler>(integrator) || nb::isinstance<tamed>(integrator);
    if (nb::isinstance<well>(potential))
        return (eu || nb::isinstance<sgd>(integrator)) && nb::isinstance<interval>(domain);
    if (nb::isinstance<quad2>(potential))
        return eu && (nb::isinstance<box2>(domain) || nb::isinstance<ball2>(domain));
    return false;
}

nb::dict escape_study(nb::handle potential, nb::handle noise, nb::handle integrator, nb::handle domain,
                      nb::handle x0, std::size_t paths, double horizon, std::uint64_t seed,
                      std::uint64_t first_stream, unsigned threads, nb::handle prog, bool keep_paths,
                      double confidence) {
    std::exception_ptr err; // of a progress callable
    const levysgd::escape_options<double> opt{.paths = paths, .horizon = horizon, .seed = seed,
                                              .first_stream = first_stream, .threads = threads,
                                              .progress = progress(prog), .keep_paths = keep_paths,
                                              .confidence = confidence,
                                              .on_progress = callback(prog, &err)};
    if (!fast_escape(potential, noise, integrator, domain)) {
        const any_potential f = to_potential(potential);
        const any_noise n = to_noise(noise);
        const any_integrator integ = to_integrator(integrator, f);
        const any_domain dom = to_domain(domain);
        const Eigen::VectorXd x = point_n(x0, f.dimension());
        const auto r = released(err, [&] { return levysgd::escape_study(f, n, integ, dom, x, opt); });
        return escape_dict(r, int(f.dimension()));
    }
    return with_type(noise, "noise", "gaussian_noise, stable_noise", types<gauss, levy>{}, [&](const auto &n) {
        if (nb::isinstance<well>(potential)) {
            const auto &f = nb::cast<const well &>(potential);
            const auto x = point<1>(x0, "x0");
            return with_type(integrator, "integrator", "euler, tamed_euler, sgd_recursion (1-D)",
                             types<euler, tamed, sgd>{}, [&](const auto &integ) {
                return with_type(domain, "domain", "interval (1-D)", types<interval>{}, [&](const auto &dom) {
                    const auto r = released(err, [&] { return levysgd::escape_study(f, n, integ, dom, x, opt); });
                    return escape_dict<1>(r);
                });
            });
        }
        if (nb::isinstance<quad2>(potential)) {
            const auto &f = nb::cast<const quad2 &>(potential);
            const auto x = point<2>(x0, "x0");
            return with_type(integrator, "integrator", "euler, tamed_euler (2-D)", types<euler, tamed>{},
                             [&](const auto &integ) {
                return with_type(domain, "domain", "box, ball (2-D)", types<box2, ball2>{}, [&](const auto &dom) {
                    const auto r = released(err, [&] { return levysgd::escape_study(f, n, integ, dom, x, opt); });
                    return escape_dict<2>(r);
                });
            });
        }
        throw nb::type_error((std::string("levysgd.escape_study: potential must be a polynomial_well (1-D) or "
                                          "a 2-D quadratic, got ") + nb::type_name(potential.type()).c_str()).c_str());
    });
}

/// An Eigen matrix as a new rows x cols float64 NumPy array (C order).
template <class M> nb::object matrix_array(const M &m) {
    output_array o = new_array(real_kind::f64, {std::size_t(m.rows()), std::size_t(m.cols())});
    for (Eigen::Index i = 0; i < m.rows(); ++i)
        for (Eigen::Index j = 0; j < m.cols(); ++j)
            static_cast<double *>(o.data)[std::size_t(i * m.cols() + j)] = double(m(i, j));
    return o.obj;
}

nb::dict transition_dict(const levysgd::transition_result<double> &r) {
    const auto mat = [](const auto &m) { return matrix_array(m); };
    nb::dict d;
    d["basins"] = r.basins; d["paths"] = r.paths; d["non_finite"] = r.non_finite;
    d["time_step"] = r.time_step; d["unlabelled_time"] = r.unlabelled_time;
    d["counts"] = mat(r.counts);
    d["occupation"] = mat(Eigen::MatrixXd(r.occupation));
    d["occupation_fraction"] = mat(Eigen::MatrixXd(r.occupation_fraction()));
    d["rates"] = mat(r.rates());
    d["jump_probabilities"] = mat(r.jump_probabilities());
    std::vector<double> res;
    for (int i = 0; i < r.basins; ++i)
        res.push_back(r.mean_residence_time(i));
    d["mean_residence_time"] = res;
    return d;
}

nb::dict transition_study(nb::handle potential, nb::handle noise, nb::handle integrator,
                          nb::handle classifier, nb::handle x0, std::size_t paths, double horizon,
                          std::uint64_t seed, std::uint64_t first_stream, unsigned threads, nb::handle prog) {
    std::exception_ptr err; // of a progress callable
    const levysgd::transition_options<double> opt{.paths = paths, .horizon = horizon, .seed = seed,
                                                  .first_stream = first_stream, .threads = threads,
                                                  .progress = progress(prog), .on_progress = callback(prog, &err)};
    if (!nb::isinstance<basins>(classifier))
        not_a_piece(classifier, "classifier", "interval_basins");
    const auto &c = nb::cast<const basins &>(classifier);
    const bool fast = nb::isinstance<well>(potential) &&
                      (nb::isinstance<gauss>(noise) || nb::isinstance<levy>(noise)) &&
                      (nb::isinstance<euler>(integrator) || nb::isinstance<tamed>(integrator));
    if (!fast) {
        const any_potential f = to_potential(potential);
        if (f.dimension() != 1)
            throw nb::value_error(("levysgd.transition_study: potential must be 1-D (interval_basins "
                                   "classifies x[0]), got dimension " + std::to_string(f.dimension())).c_str());
        const any_noise n = to_noise(noise);
        const any_integrator integ = to_integrator(integrator, f);
        const Eigen::VectorXd x = point_n(x0, 1);
        const auto r = released(err, [&] { return levysgd::transition_study(f, n, integ, c, x, opt); });
        return transition_dict(r);
    }
    const auto &f = nb::cast<const well &>(potential);
    const auto x = point<1>(x0, "x0");
    return with_type(noise, "noise", "gaussian_noise, stable_noise", types<gauss, levy>{}, [&](const auto &n) {
        return with_type(integrator, "integrator", "euler, tamed_euler", types<euler, tamed>{}, [&](const auto &integ) {
            const auto r = released(err, [&] { return levysgd::transition_study(f, n, integ, c, x, opt); });
            return transition_dict(r);
        });
    });
}

/// simulate_paths on the generic path: the d x N terminal states.
nb::dict simulate_paths(nb::handle potential, nb::handle noise, nb::handle integrator, nb::handle x0,
                        std::size_t paths, double horizon, std::uint64_t seed, std::uint64_t first_stream,
                        unsigned threads, nb::handle prog) {
    std::exception_ptr err; // of a progress callable
    const levysgd::path_options<double> opt{.paths = paths, .horizon = horizon, .seed = seed,
                                            .first_stream = first_stream, .threads = threads,
                                            .progress = progress(prog), .on_progress = callback(prog, &err)};
    const any_potential f = to_potential(potential);
    const any_noise n = to_noise(noise);
    const any_integrator integ = to_integrator(integrator, f);
    const Eigen::VectorXd x = point_n(x0, f.dimension());
    const auto r = released(err, [&] { return levysgd::simulate_paths(f, n, integ, x, opt); });
    nb::dict d;
    d["states"] = matrix_array(r.states); // d x paths
    d["non_finite"] = r.non_finite; d["steps"] = r.steps; d["time_step"] = r.time_step;
    return d;
}

std::vector<double> doubles(nb::handle h, const char *where, const char *param) {
    if (PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr()))
        return {nb::cast<double>(h)};
    const input_array a = as_input(h, where, param, false);
    return dispatch(a.kind, [&]<class T>() {
        const auto s = a.span<T>();
        return std::vector<double>(s.begin(), s.end());
    });
}

} // namespace

void bind_sde(nb::module_ &m) {
    using namespace nb::literals;
    nb::class_<well>(m, "PolynomialWell", "1-D polynomial multi-well f with f' = a prod(x - m_i) prod(x - M_j): minima m, maxima M (C++ polynomial_well; docs/sde.md).")
        .def("__init__", [](well *self, nb::handle minima, nb::handle maxima, double a) {
                 const auto mn = doubles(minima, "levysgd.polynomial_well", "minima");
                 const auto mx = doubles(maxima, "levysgd.polynomial_well", "maxima");
                 new (self) well(std::span<const double>(mn), std::span<const double>(mx), a);
             }, "minima"_a, "maxima"_a, "a"_a = 1.0)
        .def("value", [](const well &w, double x) { return w.value(x); }, "x"_a)
        .def("derivative", &well::derivative, "x"_a)
        .def("second_derivative", &well::second_derivative, "x"_a)
        .def("barrier", &well::barrier, "i"_a, "side"_a)
        .def("critical_points", &well::critical_points);
    m.def("double_well", [](double l, double s, double r, double a) { return levysgd::double_well(l, s, r, a); },
          "left"_a, "saddle"_a, "right"_a, "a"_a = 1.0);
    nb::class_<quad2>(m, "Quadratic2D", "f(x) = f0 + (x - m)' H (x - m) / 2 in 2-D (C++ quadratic<double, 2>).")
        .def("__init__", [](quad2 *self, nb::handle h, nb::handle minimum, double f0) {
                 const auto hv = doubles(h, "levysgd.quadratic", "hessian");
                 const auto mv = doubles(minimum, "levysgd.quadratic", "minimum");
                 if (hv.size() != 4 || mv.size() != 2)
                     throw nb::value_error("levysgd.quadratic: hessian must be 2 x 2 and minimum 2 entries "
                                           "(the compiled 2-D potential)");
                 Eigen::Matrix2d H;
                 H << hv[0], hv[1], hv[2], hv[3];
                 new (self) quad2(H, Eigen::Vector2d(mv[0], mv[1]), f0);
             }, "hessian"_a, "minimum"_a, "f0"_a = 0.0);
    nb::class_<quadn>(m, "Quadratic", "f(x) = f0 + (x - m)' H (x - m) / 2 in n dimensions (C++ quadratic<double>; generic path).")
        .def("__init__", [](quadn *self, nb::handle h, nb::handle minimum, double f0) {
                 new (self) quadn(square(h, "levysgd.quadratic", "hessian"), vec(minimum, "levysgd.quadratic", "minimum"), f0);
             }, "hessian"_a, "minimum"_a, "f0"_a = 0.0)
        .def("dimension", &quadn::dimension);
    nb::class_<ackley>(m, "Ackley", "2-D Ackley function, (a, b, c) = (20, 0.2, 2 pi) by default (C++ ackley; no Hessian).")
        .def(nb::init<double, double, double>(), "a"_a = 20.0, "b"_a = 0.2, "c"_a = 2 * std::numbers::pi)
        .def("value", [](const ackley &f, nb::handle x) { return f.value(vec(x, "levysgd.ackley", "x")); }, "x"_a);
    nb::class_<styb>(m, "StyblinskiTang", "n-D Styblinski-Tang function with sharpness k (C++ styblinski_tang<double>).")
        .def(nb::init<Eigen::Index, double>(), "n"_a, "k"_a = 1.0)
        .def("dimension", &styb::dimension);
    nb::class_<const_sched>(m, "ConstantScheduler", "s_t = value for all t (C++ constant_scheduler; value 1: no scheduling).")
        .def(nb::init<double>(), "value"_a = 1.0)
        .def_ro("value", &const_sched::value)
        .def("__call__", [](const const_sched &s, double t) { return s(t); }, "t"_a);
    nb::class_<exp_sched>(m, "ExponentialScheduler", "s_t = max(t, t_min)^(gamma - 1), gamma in (0, 1] (Battash & Lindenbaum 2023 Sec. 1; C++ exponential_scheduler).")
        .def(nb::init<double, double>(), "gamma"_a, "t_min"_a = 1.0)
        .def_ro("gamma", &exp_sched::gamma)
        .def_ro("t_min", &exp_sched::t_min)
        .def("__call__", [](const exp_sched &s, double t) { return s(t); }, "t"_a);
    nb::class_<step_sched>(m, "MultistepScheduler", "s_t = 1 for t <= T_1, factors[p] on (T_p, T_{p+1}] (Battash & Lindenbaum 2023 Sec. 1; C++ multistep_scheduler).")
        .def("__init__", [](step_sched *self, nb::handle boundaries, nb::handle factors) {
                 const auto b = doubles(boundaries, "levysgd.multistep_scheduler", "boundaries");
                 const auto f = doubles(factors, "levysgd.multistep_scheduler", "factors");
                 new (self) step_sched(std::span<const double>(b), std::span<const double>(f));
             }, "boundaries"_a, "factors"_a)
        .def_ro("boundaries", &step_sched::boundaries)
        .def_ro("factors", &step_sched::factors)
        .def("__call__", [](const step_sched &s, double t) { return s(t); }, "t"_a);
    nb::class_<gauss>(m, "GaussianNoise", "Brownian noise: isotropic(n, sigma) is sigma dW, from_diffusion(n, D) is sqrt(2D) dW (Kramers' convention, Xie et al. 2021), with_covariance(S) has increments N(0, S dt); scheduled by s_t, increments N(0, s_t S dt) (Battash & Lindenbaum 2023 eq. 3). With an exponential or multi-step scheduler the constructors return a ScheduledNoise (C++ gaussian_noise<double, Sched>).")
        .def_static("with_covariance", [](nb::handle c, nb::handle sched) {
                        const char *where = "levysgd.gaussian_noise.with_covariance";
                        const Eigen::MatrixXd cov = square(c, where, "covariance");
                        return scheduled(sched, where, [&]<class S>(S s) {
                            return levysgd::gaussian_noise<double, S>::with_covariance(cov, std::move(s));
                        });
                    }, "covariance"_a, "scheduler"_a = nb::none())
        .def_static("isotropic", [](Eigen::Index n, double sigma, nb::handle sched) {
                        return scheduled(sched, "levysgd.gaussian_noise.isotropic", [&]<class S>(S s) {
                            return levysgd::gaussian_noise<double, S>::isotropic(n, sigma, std::move(s));
                        });
                    }, "n"_a, "sigma"_a, "scheduler"_a = nb::none())
        .def_static("from_diffusion", [](Eigen::Index n, double D, nb::handle sched) {
                        return scheduled(sched, "levysgd.gaussian_noise.from_diffusion", [&]<class S>(S s) {
                            return levysgd::gaussian_noise<double, S>::from_diffusion(n, D, std::move(s));
                        });
                    }, "n"_a, "D"_a, "scheduler"_a = nb::none());
    nb::class_<levy>(m, "StableNoise", "dN_l = eps_l dL^(alpha_l), L_1 ~ S(alpha, 0, 1): StableNoise(n, alpha, scale) or per coordinate StableNoise(alphas, scales) (Battash & Lindenbaum 2023 eq. 3; C++ stable_noise).")
        .def("__init__", [](levy *self, nb::handle n_or_alphas, nb::handle alpha_or_scales, nb::handle scale) {
                 if (PyLong_Check(n_or_alphas.ptr()))
                     new (self) levy(nb::cast<Eigen::Index>(n_or_alphas), nb::cast<double>(alpha_or_scales),
                                     nb::cast<double>(scale));
                 else
                     new (self) levy(doubles(n_or_alphas, "levysgd.stable_noise", "alphas"),
                                     doubles(alpha_or_scales, "levysgd.stable_noise", "scales"));
             }, "n"_a, "alpha"_a, "scale"_a = nb::none());
    m.def("_stable_noise", [](nb::handle n_or_alphas, nb::handle alpha_or_scales, nb::handle scale, nb::handle sched) {
              return scheduled(sched, "levysgd.stable_noise", [&]<class S>(S s) {
                  if (PyLong_Check(n_or_alphas.ptr()))
                      return levysgd::stable_noise<double, S>(nb::cast<Eigen::Index>(n_or_alphas),
                                                              nb::cast<double>(alpha_or_scales),
                                                              nb::cast<double>(scale), std::move(s));
                  return levysgd::stable_noise<double, S>(doubles(n_or_alphas, "levysgd.stable_noise", "alphas"),
                                                          doubles(alpha_or_scales, "levysgd.stable_noise", "scales"),
                                                          std::move(s));
              });
          }, "n_or_alphas"_a, "alpha_or_scales"_a, "scale"_a = nb::none(), "scheduler"_a = nb::none());
    nb::class_<sched_noise>(m, "ScheduledNoise", "Gaussian or stable noise with an exponential or multi-step scheduler s_t (Battash & Lindenbaum 2023 eq. 3; C++ gaussian_noise<double, Sched>, stable_noise<double, Sched>; generic path). Made by gaussian_noise.isotropic/from_diffusion/with_covariance and stable_noise with scheduler=.")
        .def("dimension", [](const sched_noise &s) { return s.n.dimension(); });
    nb::class_<hess_noise>(m, "HessianNoise", "Gaussian noise with covariance c H_+(x) (part=\"positive\") or c |H(x)| (\"absolute\") of a potential with a Hessian, times s_t of scheduler= (any built-in scheduler; C++ hessian_noise<P, Sched>; generic path).")
        .def("__init__", [](hess_noise *self, nb::handle potential, double c, const std::string &part, nb::handle sched) {
                 const any_potential f = to_potential(potential);
                 if (!f.has_hessian())
                     throw nb::value_error("levysgd.hessian_noise: potential ackley has no Hessian");
                 if (part != "positive" && part != "absolute")
                     throw nb::value_error(("levysgd.hessian_noise: part must be \"positive\" or \"absolute\", got \"" + part + "\"").c_str());
                 const any_scheduler s(to_scheduler(sched, "levysgd.hessian_noise"));
                 new (self) hess_noise{any_noise::hess(f, c, part == "absolute" ? levysgd::hessian_part::absolute : levysgd::hessian_part::positive, s)};
             }, "potential"_a, "c"_a, "part"_a = "positive", "scheduler"_a = nb::none());
    nb::class_<mix_noise>(m, "MixtureNoise", "The sum of two independent noise models, each Gaussian, stable or Hessian with any scheduler; not a mixture (C++ mixture_noise<N1, N2>; generic path).")
        .def("__init__", [](mix_noise *self, nb::handle first, nb::handle second) {
                 new (self) mix_noise{any_noise::mix(to_base_noise(first, "first"), to_base_noise(second, "second"))};
             }, "first"_a, "second"_a);
    nb::class_<implicit>(m, "ImplicitEuler", "Drift-implicit Euler (Newton on the Hessian; C++ implicit_euler; generic path).").def(nb::init<double>(), "dt"_a).def_ro("dt", &implicit::dt);
    nb::class_<euler>(m, "Euler", "Euler(-Maruyama) step of length dt (C++ euler).").def(nb::init<double>(), "dt"_a).def_ro("dt", &euler::dt);
    nb::class_<tamed>(m, "TamedEuler", "Euler with the drift step bounded, for steep walls under heavy-tailed noise (C++ tamed_euler).").def(nb::init<double>(), "dt"_a).def_ro("dt", &tamed::dt);
    nb::class_<sgd>(m, "SGDRecursion", "x <- x - eta grad f + the noise model's unit-time increment as gradient noise (Simsekli et al. 2019 eq. 8; C++ sgd_recursion).").def(nb::init<double>(), "eta"_a).def_ro("eta", &sgd::eta);
    nb::class_<interval>(m, "Interval", "The open interval (lo, hi) of a 1-D state (C++ interval).").def(nb::init<double, double>(), "lo"_a, "hi"_a)
        .def_ro("lo", &interval::lo).def_ro("hi", &interval::hi);
    nb::class_<box2>(m, "Box2D", "The open box (lo_1, hi_1) x (lo_2, hi_2) (C++ box<double, 2>).").def("__init__", [](box2 *self, nb::handle lo, nb::handle hi) {
        const auto l = doubles(lo, "levysgd.box", "lo"), h = doubles(hi, "levysgd.box", "hi");
        if (l.size() != 2 || h.size() != 2)
            throw nb::value_error("levysgd.box: lo and hi must have 2 entries (the compiled 2-D domain)");
        new (self) box2(Eigen::Vector2d(l[0], l[1]), Eigen::Vector2d(h[0], h[1]));
    }, "lo"_a, "hi"_a);
    nb::class_<ball2>(m, "Ball2D", "The open disc |x - centre| < r (C++ ball<double, 2>).").def("__init__", [](ball2 *self, nb::handle centre, double r) {
        const auto c = doubles(centre, "levysgd.ball", "centre");
        if (c.size() != 2)
            throw nb::value_error("levysgd.ball: centre must have 2 entries (the compiled 2-D domain)");
        new (self) ball2(Eigen::Vector2d(c[0], c[1]), r);
    }, "centre"_a, "r"_a);
    nb::class_<boxn>(m, "Box", "The open box prod (lo_i, hi_i) in n dimensions (C++ box<double>; generic path).").def("__init__", [](boxn *self, nb::handle lo, nb::handle hi) {
        new (self) boxn(vec(lo, "levysgd.box", "lo"), vec(hi, "levysgd.box", "hi"));
    }, "lo"_a, "hi"_a);
    nb::class_<balln>(m, "Ball", "The open ball |x - centre| < r in n dimensions (C++ ball<double>; generic path).").def("__init__", [](balln *self, nb::handle centre, double r) {
        new (self) balln(vec(centre, "levysgd.ball", "centre"), r);
    }, "centre"_a, "r"_a);
    nb::class_<loss_dom>(m, "LossThreshold", "{w : f(w) < f(w*) + delta}, within radius of w* (C++ loss_threshold; generic path).").def("__init__", [](loss_dom *self, nb::handle potential, nb::handle w_star, double delta, double radius) {
        new (self) loss_dom{levysgd::loss_threshold<any_potential>(to_potential(potential), vec(w_star, "levysgd.loss_threshold", "w_star"), delta, radius)};
    }, "potential"_a, "w_star"_a, "delta"_a, "radius"_a = std::numeric_limits<double>::infinity());
    nb::class_<basins>(m, "IntervalBasins", "Basin i = (lo[i], hi[i]) for transition_study (C++ interval_basins).").def("__init__", [](basins *self, nb::handle lo, nb::handle hi) {
        new (self) basins(doubles(lo, "levysgd.interval_basins", "lo"), doubles(hi, "levysgd.interval_basins", "hi"));
    }, "lo"_a, "hi"_a);
    m.def("_escape_study", &escape_study, "potential"_a, "noise"_a, "integrator"_a, "domain"_a, "x0"_a,
          "paths"_a, "horizon"_a, "seed"_a, "first_stream"_a, "threads"_a, "progress"_a.none(), "keep_paths"_a,
          "confidence"_a);
    m.def("_transition_study", &transition_study, "potential"_a, "noise"_a, "integrator"_a, "classifier"_a,
          "x0"_a, "paths"_a, "horizon"_a, "seed"_a, "first_stream"_a, "threads"_a, "progress"_a.none());
    m.def("_simulate_paths", &simulate_paths, "potential"_a, "noise"_a, "integrator"_a, "x0"_a, "paths"_a,
          "horizon"_a, "seed"_a, "first_stream"_a, "threads"_a, "progress"_a.none());
}

} // namespace levysgd_py
