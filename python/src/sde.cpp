// Escape and transition studies with the built-in pieces: bindings of sde/
// (docs/sde.md). The pieces are templates, so a fixed set of combinations is
// compiled and chosen at run time (docs/python-api.md, "Studies"):
//   1-D: polynomial_well x {gaussian, stable} x {euler, tamed_euler, sgd_recursion} x interval
//   2-D: quadratic<2>   x {gaussian, stable} x {euler, tamed_euler} x {box<2>, ball<2>}
//   transition_study: polynomial_well x {gaussian, stable} x {euler, tamed_euler} x interval_basins
#include "bindings.hpp"

#include <levysgd/sde/sde.hpp>

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <Eigen/Core>

#include <tuple>

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
    throw nb::type_error("levysgd study: progress must be None, \"auto\", True or False");
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

template <int Dim> nb::dict escape_dict(const levysgd::escape_result<double, Dim> &r) {
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
    for (int c = 0; c < Dim; ++c)
        axes.append(est(r.axis(c)));
    d["axes"] = axes;
    const std::size_t n = r.path_records.size();
    output_array status = new_array(real_kind::f64, {n}), time = new_array(real_kind::f64, {n}),
                 steps = new_array(real_kind::f64, {n}), coord = new_array(real_kind::f64, {n}),
                 side = new_array(real_kind::f64, {n}), pt = new_array(real_kind::f64, {n, std::size_t(Dim)});
    for (std::size_t i = 0; i < n; ++i) {
        const auto &p = r.path_records[i];
        static_cast<double *>(status.data)[i] = double(static_cast<int>(p.status));
        static_cast<double *>(time.data)[i] = p.time;
        static_cast<double *>(steps.data)[i] = double(p.steps);
        static_cast<double *>(coord.data)[i] = p.where.coordinate;
        static_cast<double *>(side.data)[i] = p.where.side;
        for (int k = 0; k < Dim; ++k)
            static_cast<double *>(pt.data)[i * Dim + std::size_t(k)] = p.point[k];
    }
    d["status"] = status.obj; d["time"] = time.obj; d["steps"] = steps.obj;
    d["coordinate"] = coord.obj; d["side"] = side.obj; d["point"] = pt.obj;
    return d;
}

nb::dict escape_study(nb::handle potential, nb::handle noise, nb::handle integrator, nb::handle domain,
                      nb::handle x0, std::size_t paths, double horizon, std::uint64_t seed,
                      std::uint64_t first_stream, unsigned threads, nb::handle prog, bool keep_paths,
                      double confidence) {
    const levysgd::escape_options<double> opt{.paths = paths, .horizon = horizon, .seed = seed,
                                              .first_stream = first_stream, .threads = threads,
                                              .progress = progress(prog), .keep_paths = keep_paths,
                                              .confidence = confidence};
    return with_type(noise, "noise", "gaussian_noise, stable_noise", types<gauss, levy>{}, [&](const auto &n) {
        if (nb::isinstance<well>(potential)) {
            const auto &f = nb::cast<const well &>(potential);
            const auto x = point<1>(x0, "x0");
            return with_type(integrator, "integrator", "euler, tamed_euler, sgd_recursion (1-D)",
                             types<euler, tamed, sgd>{}, [&](const auto &integ) {
                return with_type(domain, "domain", "interval (1-D)", types<interval>{}, [&](const auto &dom) {
                    nb::gil_scoped_release unlock;
                    const auto r = levysgd::escape_study(f, n, integ, dom, x, opt);
                    nb::gil_scoped_acquire lock;
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
                    nb::gil_scoped_release unlock;
                    const auto r = levysgd::escape_study(f, n, integ, dom, x, opt);
                    nb::gil_scoped_acquire lock;
                    return escape_dict<2>(r);
                });
            });
        }
        throw nb::type_error((std::string("levysgd.escape_study: potential must be a polynomial_well (1-D) or "
                                          "a 2-D quadratic, got ") + nb::type_name(potential.type()).c_str()).c_str());
    });
}

nb::dict transition_study(nb::handle potential, nb::handle noise, nb::handle integrator,
                          nb::handle classifier, nb::handle x0, std::size_t paths, double horizon,
                          std::uint64_t seed, std::uint64_t first_stream, unsigned threads, nb::handle prog) {
    const levysgd::transition_options<double> opt{.paths = paths, .horizon = horizon, .seed = seed,
                                                  .first_stream = first_stream, .threads = threads,
                                                  .progress = progress(prog)};
    if (!nb::isinstance<well>(potential))
        throw nb::type_error("levysgd.transition_study: potential must be a polynomial_well");
    const auto &f = nb::cast<const well &>(potential);
    const auto x = point<1>(x0, "x0");
    return with_type(noise, "noise", "gaussian_noise, stable_noise", types<gauss, levy>{}, [&](const auto &n) {
        return with_type(integrator, "integrator", "euler, tamed_euler", types<euler, tamed>{}, [&](const auto &integ) {
            return with_type(classifier, "classifier", "interval_basins", types<basins>{}, [&](const auto &c) {
                nb::gil_scoped_release unlock;
                const auto r = levysgd::transition_study(f, n, integ, c, x, opt);
                nb::gil_scoped_acquire lock;
                const auto mat = [](const auto &m) {
                    output_array o = new_array(real_kind::f64, {std::size_t(m.rows()), std::size_t(m.cols())});
                    for (Eigen::Index i = 0; i < m.rows(); ++i)
                        for (Eigen::Index j = 0; j < m.cols(); ++j)
                            static_cast<double *>(o.data)[std::size_t(i * m.cols() + j)] = double(m(i, j));
                    return o.obj;
                };
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
            });
        });
    });
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
    nb::class_<well>(m, "PolynomialWell")
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
    nb::class_<quad2>(m, "Quadratic2D")
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
    nb::class_<gauss>(m, "GaussianNoise")
        .def_static("isotropic", [](Eigen::Index n, double sigma) { return gauss::isotropic(n, sigma); },
                    "n"_a, "sigma"_a)
        .def_static("from_diffusion", [](Eigen::Index n, double D) { return gauss::from_diffusion(n, D); },
                    "n"_a, "D"_a);
    nb::class_<levy>(m, "StableNoise")
        .def("__init__", [](levy *self, nb::handle n_or_alphas, nb::handle alpha_or_scales, nb::handle scale) {
                 if (PyLong_Check(n_or_alphas.ptr()))
                     new (self) levy(nb::cast<Eigen::Index>(n_or_alphas), nb::cast<double>(alpha_or_scales),
                                     nb::cast<double>(scale));
                 else
                     new (self) levy(doubles(n_or_alphas, "levysgd.stable_noise", "alphas"),
                                     doubles(alpha_or_scales, "levysgd.stable_noise", "scales"));
             }, "n"_a, "alpha"_a, "scale"_a = nb::none());
    nb::class_<euler>(m, "Euler").def(nb::init<double>(), "dt"_a).def_ro("dt", &euler::dt);
    nb::class_<tamed>(m, "TamedEuler").def(nb::init<double>(), "dt"_a).def_ro("dt", &tamed::dt);
    nb::class_<sgd>(m, "SGDRecursion").def(nb::init<double>(), "eta"_a).def_ro("eta", &sgd::eta);
    nb::class_<interval>(m, "Interval").def(nb::init<double, double>(), "lo"_a, "hi"_a)
        .def_ro("lo", &interval::lo).def_ro("hi", &interval::hi);
    nb::class_<box2>(m, "Box2D").def("__init__", [](box2 *self, nb::handle lo, nb::handle hi) {
        const auto l = doubles(lo, "levysgd.box", "lo"), h = doubles(hi, "levysgd.box", "hi");
        if (l.size() != 2 || h.size() != 2)
            throw nb::value_error("levysgd.box: lo and hi must have 2 entries (the compiled 2-D domain)");
        new (self) box2(Eigen::Vector2d(l[0], l[1]), Eigen::Vector2d(h[0], h[1]));
    }, "lo"_a, "hi"_a);
    nb::class_<ball2>(m, "Ball2D").def("__init__", [](ball2 *self, nb::handle centre, double r) {
        const auto c = doubles(centre, "levysgd.ball", "centre");
        if (c.size() != 2)
            throw nb::value_error("levysgd.ball: centre must have 2 entries (the compiled 2-D domain)");
        new (self) ball2(Eigen::Vector2d(c[0], c[1]), r);
    }, "centre"_a, "r"_a);
    nb::class_<basins>(m, "IntervalBasins").def("__init__", [](basins *self, nb::handle lo, nb::handle hi) {
        new (self) basins(doubles(lo, "levysgd.interval_basins", "lo"), doubles(hi, "levysgd.interval_basins", "hi"));
    }, "lo"_a, "hi"_a);
    m.def("_escape_study", &escape_study, "potential"_a, "noise"_a, "integrator"_a, "domain"_a, "x0"_a,
          "paths"_a, "horizon"_a, "seed"_a, "first_stream"_a, "threads"_a, "progress"_a.none(), "keep_paths"_a,
          "confidence"_a);
    m.def("_transition_study", &transition_study, "potential"_a, "noise"_a, "integrator"_a, "classifier"_a,
          "x0"_a, "paths"_a, "horizon"_a, "seed"_a, "first_stream"_a, "threads"_a, "progress"_a.none());
}

} // namespace levysgd_py
