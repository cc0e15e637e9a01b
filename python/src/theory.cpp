// Escape-time theory: bindings of theory/ (docs/theory.md).
#include "bindings.hpp"

#include <levysgd/theory/theory.hpp>

#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <Eigen/Core>

namespace levysgd_py {

namespace {

bool is_number(nb::handle h) { return PyFloat_Check(h.ptr()) || PyLong_Check(h.ptr()); }

/// A square matrix argument (a number is a 1 x 1 matrix), as double.
Eigen::MatrixXd square(nb::handle h, const char *where, const char *param) {
    if (is_number(h))
        return Eigen::MatrixXd::Constant(1, 1, nb::cast<double>(h));
    const input_array a = as_input(h, where, param, false);
    if (a.shape.size() != 2 || a.shape[0] != a.shape[1])
        throw nb::value_error((std::string(where) + ": " + param + " must be a square 2-D array, got shape " +
                               shape_text(a.shape)).c_str());
    return dispatch(a.kind, [&]<class T>() {
        using M = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
        return Eigen::MatrixXd(Eigen::Map<const M>(static_cast<const T *>(a.data), Eigen::Index(a.shape[0]),
                                                   Eigen::Index(a.shape[1])).template cast<double>());
    });
}

std::vector<double> vec(nb::handle h, const char *where, const char *param) {
    const input_array a = as_input(h, where, param, false);
    return dispatch(a.kind, [&]<class T>() {
        const auto s = a.span<T>();
        return std::vector<double>(s.begin(), s.end());
    });
}

nb::object array(const Eigen::VectorXd &v) {
    output_array o = new_array(real_kind::f64, {std::size_t(v.size())});
    std::copy(v.data(), v.data() + v.size(), static_cast<double *>(o.data));
    return o.obj;
}

nb::object matrix(const Eigen::MatrixXd &m) {
    output_array o = new_array(real_kind::f64, {std::size_t(m.rows()), std::size_t(m.cols())});
    Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        static_cast<double *>(o.data), m.rows(), m.cols()) = m;
    return o.obj;
}

} // namespace

void bind_theory(nb::module_ &m) {
    using namespace nb::literals;
    m.def("kramers_escape_time", [](nb::handle h_a, nb::handle h_b, double barrier, double D) {
              if (is_number(h_a) && is_number(h_b))
                  return levysgd::kramers_escape_time(nb::cast<double>(h_a), nb::cast<double>(h_b), barrier, D);
              constexpr const char *w = "levysgd.kramers_escape_time";
              return levysgd::kramers_escape_time(square(h_a, w, "h_a"), square(h_b, w, "h_b"), barrier, D);
          }, "h_a"_a, "h_b"_a, "barrier"_a, "D"_a);
    m.def("sgd_escape_time", [](nb::handle h_a, nb::handle h_b, double barrier, double eta, double batch,
                                double s) {
              if (is_number(h_a) && is_number(h_b))
                  return levysgd::sgd_escape_time(nb::cast<double>(h_a), nb::cast<double>(h_b), barrier, eta,
                                                  batch, s);
              constexpr const char *w = "levysgd.sgd_escape_time";
              return levysgd::sgd_escape_time(square(h_a, w, "h_a"), square(h_b, w, "h_b"), barrier, eta,
                                              batch, s);
          }, "h_a"_a, "h_b"_a, "barrier"_a, "eta"_a, "batch"_a, "s"_a);
    m.def("total_escape_rate", [](nb::handle rates) {
              const auto r = vec(rates, "levysgd.total_escape_rate", "rates");
              return levysgd::total_escape_rate(r);
          }, "rates"_a);
    m.def("minima_selection", [](nb::handle times) {
              const auto t = vec(times, "levysgd.minima_selection", "escape_times");
              const auto p = levysgd::minima_selection(t);
              return array(Eigen::Map<const Eigen::VectorXd>(p.data(), Eigen::Index(p.size())));
          }, "escape_times"_a);
    m.def("mean_exit_time_1d", [](nb::callable drift, nb::callable diffusion, double left, double right,
                                  double x0, std::size_t intervals, const std::string &left_boundary) {
              levysgd::exit_time_1d_options o{.intervals = intervals};
              if (left_boundary == "reflecting")
                  o.left = levysgd::boundary_kind::reflecting;
              else if (left_boundary != "absorbing")
                  throw nb::value_error(("levysgd.mean_exit_time_1d: left_boundary must be \"absorbing\" or "
                                         "\"reflecting\", got \"" + left_boundary + "\"").c_str());
              const auto r = levysgd::mean_exit_time_1d(
                  [&](double x) { return nb::cast<double>(drift(x)); },
                  [&](double x) { return nb::cast<double>(diffusion(x)); }, left, right, x0, o);
              nb::dict d;
              d["mean_time"] = r.mean_time; d["exit_right_probability"] = r.exit_right_probability;
              d["error_estimate"] = r.error_estimate;
              return d;
          }, "drift"_a, "diffusion"_a, "left"_a, "right"_a, "x0"_a, nb::kw_only(), "intervals"_a = 1 << 16,
          "left_boundary"_a = "absorbing");
    m.def("gibbs_log_weight", [](nb::handle h_a, double loss_a, double eta, double batch, double sigma2) {
              return levysgd::gibbs_log_weight(square(h_a, "levysgd.gibbs_log_weight", "h_a"), loss_a, eta,
                                               batch, sigma2);
          }, "h_a"_a, "loss_a"_a, "eta"_a, "batch"_a, "sigma2"_a);
    m.def("gibbs_probability_ratio", [](nb::handle h_a, double loss_a, nb::handle h_b, double loss_b,
                                        double eta, double batch, double sigma2) {
              constexpr const char *w = "levysgd.gibbs_probability_ratio";
              return levysgd::gibbs_probability_ratio(square(h_a, w, "h_a"), loss_a, square(h_b, w, "h_b"),
                                                      loss_b, eta, batch, sigma2);
          }, "h_a"_a, "loss_a"_a, "h_b"_a, "loss_b"_a, "eta"_a, "batch"_a, "sigma2"_a);
    m.def("gibbs_noise_threshold", [](nb::handle h_a, double loss_a, nb::handle h_b, double loss_b,
                                      double sigma2) {
              constexpr const char *w = "levysgd.gibbs_noise_threshold";
              const auto r = levysgd::gibbs_noise_threshold(square(h_a, w, "h_a"), loss_a,
                                                            square(h_b, w, "h_b"), loss_b, sigma2);
              using k = levysgd::noise_threshold::kind;
              const char *when = r.when == k::above ? "above" : r.when == k::below ? "below"
                                 : r.when == k::always ? "always" : "never";
              return std::make_pair(std::string(when), r.n_star);
          }, "h_a"_a, "loss_a"_a, "h_b"_a, "loss_b"_a, "sigma2"_a);
    m.def("stable_levy_constant", &levysgd::stable_levy_constant, "alpha"_a);
    m.def("levy_jump_rate", &levysgd::levy_jump_rate, "alpha"_a, "eps"_a, "r"_a);

    nb::class_<levysgd::levy_metastability>(m, "LevyMetastability")
        .def("__init__", [](levysgd::levy_metastability *self, nb::handle minima, nb::handle maxima,
                            double alpha, double eps) {
                 constexpr const char *w = "levysgd.levy_metastability";
                 const auto mn = vec(minima, w, "minima"), mx = vec(maxima, w, "maxima");
                 new (self) levysgd::levy_metastability(mn, mx, alpha, eps);
             }, "minima"_a, "maxima"_a, "alpha"_a, "eps"_a)
        .def("generator", [](const levysgd::levy_metastability &l) { return matrix(l.generator()); })
        .def("unit_generator", [](const levysgd::levy_metastability &l) { return matrix(l.unit_generator()); })
        .def("exit_rate", &levysgd::levy_metastability::exit_rate, "i"_a)
        .def("mean_exit_time", &levysgd::levy_metastability::mean_exit_time, "i"_a)
        .def("transition_probability", &levysgd::levy_metastability::transition_probability, "i"_a, "j"_a)
        .def("stationary", [](const levysgd::levy_metastability &l) { return array(l.stationary()); })
        .def_prop_ro("wells", &levysgd::levy_metastability::wells)
        .def_prop_ro("alpha", &levysgd::levy_metastability::alpha)
        .def_prop_ro("eps", &levysgd::levy_metastability::eps);

    nb::class_<levysgd::levy_exit_model>(m, "LevyExitModel")
        .def("__init__", [](levysgd::levy_exit_model *self, nb::handle axes, double s) {
                 std::vector<levysgd::levy_axis> ax;
                 for (nb::handle a : axes) {
                     const auto t = nb::cast<std::vector<double>>(a);
                     if (t.size() != 4)
                         throw nb::value_error("levysgd.LevyExitModel: each axis is (alpha, eps, d_minus, d_plus)");
                     ax.push_back({t[0], t[1], t[2], t[3]});
                 }
                 new (self) levysgd::levy_exit_model(ax, s);
             }, "axes"_a, "s"_a = 1.0)
        .def("jump_intensity", &levysgd::levy_exit_model::jump_intensity, "l"_a, "rho"_a)
        .def("first_jump_escape_probability", &levysgd::levy_exit_model::first_jump_escape_probability,
             "l"_a, "rho"_a)
        .def("exit_rate", &levysgd::levy_exit_model::exit_rate, "l"_a, "side"_a)
        .def("total_exit_rate", &levysgd::levy_exit_model::total_exit_rate)
        .def("mean_transition_time", &levysgd::levy_exit_model::mean_transition_time)
        .def("exit_probability", &levysgd::levy_exit_model::exit_probability, "l"_a, "side"_a)
        .def("axis_probability", &levysgd::levy_exit_model::axis_probability, "l"_a)
        .def("direction_ratio", &levysgd::levy_exit_model::direction_ratio, "l"_a, "j"_a)
        .def_prop_ro("axes", &levysgd::levy_exit_model::axes);
}

} // namespace levysgd_py
