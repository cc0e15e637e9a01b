// Tail indices, bootstrap intervals and gradient-noise analysis: bindings
// of tail/ and analysis/ (docs/tail.md).
#include "bindings.hpp"

#include <levysgd/analysis/analysis.hpp>
#include <levysgd/detail/parallel.hpp>
#include <levysgd/tail/tail.hpp>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <Eigen/Core>

#include <mutex>
#include <optional>

namespace levysgd_py {

namespace {

template <class T>
using row_major = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

template <class T> Eigen::Map<const row_major<T>> matrix(const input_array &a) {
    return {static_cast<const T *>(a.data), Eigen::Index(a.shape[0]), Eigen::Index(a.shape[1])};
}

void need_2d(const input_array &a, const char *where, const char *param) {
    if (a.shape.size() != 2)
        throw nb::value_error((std::string(where) + ": " + param + " must be 2-D (rows x columns), got shape " +
                               shape_text(a.shape)).c_str());
}

levysgd::bad_value_policy policy(bool skip_bad) {
    return skip_bad ? levysgd::bad_value_policy::skip : levysgd::bad_value_policy::throw_error;
}

nb::dict result_dict(const levysgd::tail_index_result &r) {
    nb::dict d;
    d["alpha"] = r.alpha; d["inv_alpha"] = r.inv_alpha; d["k1"] = r.k1; d["k2"] = r.k2;
    d["n_used"] = r.n_used; d["n_dropped"] = r.n_dropped; d["n_bad"] = r.n_bad;
    return d;
}

/// Mohammadi (Simsekli et al. 2019 eq. 15): over the flattened array
/// (axis None), or one value per column (axis 0) / row (axis 1) of a 2-D array.
nb::object tail_index(nb::handle x, nb::handle axis_obj, std::optional<std::size_t> k1,
                      unsigned threads, bool skip_bad, bool full) {
    constexpr const char *where = "levysgd.tail_index";
    const input_array in = as_input(x, where, "x", false);
    const levysgd::tail_index_options opt{.k1 = k1.value_or(0), .bad_values = policy(skip_bad),
                                          .threads = threads};
    if (axis_obj.is_none()) {
        const auto r = dispatch(in.kind, [&]<class T>() {
            const auto xs = in.span<T>();
            nb::gil_scoped_release unlock;
            return levysgd::mohammadi_tail_index(xs, opt);
        });
        return full ? nb::object(result_dict(r)) : nb::object(nb::float_(r.alpha));
    }
    long axis = nb::cast<long>(axis_obj);
    const long nd = long(in.shape.size());
    if (nd != 2 || axis < -2 || axis > 1)
        throw nb::value_error((std::string(where) + ": axis must be None, or 0, 1, -1, -2 for a 2-D x; got axis " +
                               std::to_string(axis) + " for shape " + shape_text(in.shape)).c_str());
    if (full)
        throw nb::value_error("levysgd.tail_index: full=True needs axis=None");
    if (axis < 0)
        axis += 2;
    const std::size_t rows = in.shape[0], cols = in.shape[1];
    const std::size_t count = axis == 0 ? cols : rows, len = axis == 0 ? rows : cols;
    output_array o = new_array(real_kind::f64, {count});
    dispatch(in.kind, [&]<class T>() {
        const T *p = static_cast<const T *>(in.data);
        double *alpha = static_cast<double *>(o.data);
        std::mutex m;
        std::size_t first_bad = count;
        std::string error;
        {
            nb::gil_scoped_release unlock;
            if (axis == 0) { // all columns in one pass over the rows
                try {
                    const auto r =
                        levysgd::detail::mohammadi_columns(where, p, rows, cols, cols, opt);
                    for (std::size_t c = 0; c < cols; ++c)
                        alpha[c] = r[c].alpha;
                } catch (const std::invalid_argument &e) {
                    error = e.what();
                }
            } else { // each row is contiguous
                auto one_opt = opt;
                one_opt.threads = 1;
                levysgd::detail::parallel_ranges(count, threads, 1, [&](std::size_t b, std::size_t e) {
                    for (std::size_t r = b; r < e; ++r) {
                        try {
                            alpha[r] = levysgd::mohammadi_tail_index(
                                           std::span<const T>(p + r * cols, len), one_opt)
                                           .alpha;
                        } catch (const std::invalid_argument &ex) {
                            std::lock_guard lock(m);
                            if (r < first_bad) {
                                first_bad = r;
                                error = "row " + std::to_string(r) + ": " + ex.what();
                            }
                        }
                    }
                });
            }
        }
        if (!error.empty()) // mohammadi_columns' message names levysgd.tail_index already
            throw nb::value_error((axis == 0 ? error : std::string(where) + ": " + error).c_str());
    });
    return o.obj;
}

nb::object hill(nb::handle x, std::optional<std::size_t> k, bool skip_bad, bool full) {
    const input_array in = as_input(x, "levysgd.hill", "x", false);
    const auto r = dispatch(in.kind, [&]<class T>() {
        const auto xs = in.span<T>();
        nb::gil_scoped_release unlock;
        return levysgd::hill_tail_index(xs, k.value_or(0), policy(skip_bad));
    });
    if (!full)
        return nb::float_(r.alpha);
    nb::dict d;
    d["alpha"] = r.alpha; d["inv_alpha"] = r.inv_alpha; d["k"] = r.k; d["n"] = r.n;
    d["n_bad"] = r.n_bad; d["threshold"] = r.threshold;
    return d;
}

nb::dict bootstrap(nb::handle x, std::size_t resamples, double confidence, std::uint64_t seed,
                   std::uint64_t stream, const std::string &estimator, std::optional<std::size_t> k) {
    constexpr const char *where = "levysgd.bootstrap_tail_index";
    const input_array in = as_input(x, where, "x", false);
    if (estimator != "mohammadi" && estimator != "hill")
        throw nb::value_error((std::string(where) + ": estimator must be \"mohammadi\" or \"hill\", got \"" +
                               estimator + "\"").c_str());
    const bool moh = estimator == "mohammadi";
    const auto r = dispatch(in.kind, [&]<class T>() {
        const auto xs = in.span<T>();
        nb::gil_scoped_release unlock;
        return levysgd::bootstrap_ci(
            xs,
            [&](std::span<const T> s) {
                return moh ? levysgd::mohammadi_tail_index(s, {.k1 = k.value_or(0), .threads = 1}).alpha
                           : levysgd::hill_tail_index(s, k.value_or(0)).alpha;
            },
            {.reps = resamples, .level = confidence, .seed = seed, .stream = stream});
    });
    nb::dict d;
    d["value"] = r.estimate; d["low"] = r.lower; d["high"] = r.upper; d["confidence"] = r.level;
    d["resamples"] = r.reps; d["failed"] = r.reps_failed;
    return d;
}

nb::object gradient_noise(nb::handle g, nb::handle full_grad) {
    constexpr const char *where = "levysgd.gradient_noise";
    const input_array gi = as_input(g, where, "G", false);
    need_2d(gi, where, "G");
    output_array o = new_array(gi.kind, gi.shape);
    dispatch(gi.kind, [&]<class T>() {
        const auto G = matrix<T>(gi);
        Eigen::Map<row_major<T>> U(static_cast<T *>(o.data), G.rows(), G.cols());
        if (full_grad.is_none()) {
            nb::gil_scoped_release unlock;
            U = levysgd::gradient_noise(G);
        } else {
            const input_array fi = as_input(full_grad, where, "full_grad", false);
            dispatch(fi.kind, [&]<class V>() {
                const Eigen::Map<const Eigen::Matrix<V, Eigen::Dynamic, 1>> f(
                    static_cast<const V *>(fi.data), Eigen::Index(fi.size));
                nb::gil_scoped_release unlock;
                U = levysgd::gradient_noise(G, f);
            });
        }
    });
    return o.obj;
}

nb::dict analyse_noise_tails(nb::handle u, bool skip_bad) {
    constexpr const char *where = "levysgd.analyse_noise_tails";
    const input_array ui = as_input(u, where, "U", false);
    need_2d(ui, where, "U");
    const auto r = dispatch(ui.kind, [&]<class T>() {
        const auto U = matrix<T>(ui);
        nb::gil_scoped_release unlock;
        return levysgd::analyse_noise_tails(U, policy(skip_bad));
    });
    output_array pp = new_array(real_kind::f64, {std::size_t(r.per_parameter.size())});
    std::copy(r.per_parameter.data(), r.per_parameter.data() + r.per_parameter.size(),
              static_cast<double *>(pp.data));
    nb::dict d;
    d["per_parameter"] = pp.obj;
    d["pooled"] = result_dict(r.pooled);
    d["multivariate"] = result_dict(r.multivariate);
    return d;
}

nb::object noise_covariance(nb::handle grads, double batch_size) {
    constexpr const char *where = "levysgd.noise_covariance";
    const input_array gi = as_input(grads, where, "per_sample_grads", false);
    need_2d(gi, where, "per_sample_grads");
    const Eigen::MatrixXd c = dispatch(gi.kind, [&]<class T>() {
        const auto G = matrix<T>(gi);
        nb::gil_scoped_release unlock;
        return Eigen::MatrixXd(levysgd::noise_covariance(G, batch_size));
    });
    output_array o = new_array(real_kind::f64, {std::size_t(c.rows()), std::size_t(c.cols())});
    Eigen::Map<row_major<double>>(static_cast<double *>(o.data), c.rows(), c.cols()) = c;
    return o.obj;
}

nb::dict compare_covariance_with_hessian(nb::handle c, nb::handle h, double batch_size) {
    constexpr const char *where = "levysgd.compare_covariance_with_hessian";
    const input_array ci = as_input(c, where, "C", false), hi = as_input(h, where, "H", false);
    need_2d(ci, where, "C");
    need_2d(hi, where, "H");
    const auto to_d = [](const input_array &a) {
        return dispatch(a.kind, [&]<class T>() { return Eigen::MatrixXd(matrix<T>(a).template cast<double>()); });
    };
    const Eigen::MatrixXd C = to_d(ci), H = to_d(hi);
    const auto r = [&] {
        nb::gil_scoped_release unlock;
        return levysgd::compare_covariance_with_hessian(C, H, batch_size);
    }();
    const auto vec = [](const Eigen::VectorXd &v) {
        output_array o = new_array(real_kind::f64, {std::size_t(v.size())});
        std::copy(v.data(), v.data() + v.size(), static_cast<double *>(o.data));
        return o.obj;
    };
    nb::dict d;
    d["slope"] = r.slope; d["pearson"] = r.pearson;
    d["h_over_b"] = vec(r.h_over_b); d["c_diag"] = vec(r.c_diag);
    return d;
}

} // namespace

void bind_tail(nb::module_ &m) {
    using namespace nb::literals;
    m.def("_tail_index", &tail_index, "x"_a, "axis"_a = nb::none(), "k1"_a = nb::none(),
          "threads"_a = 0, "skip_bad"_a = false, "full"_a = false);
    m.def("_hill", &hill, "x"_a, "k"_a = nb::none(), "skip_bad"_a = false, "full"_a = false);
    m.def("_bootstrap_tail_index", &bootstrap, "x"_a, "resamples"_a, "confidence"_a, "seed"_a,
          "stream"_a, "estimator"_a, "k"_a = nb::none());
    m.def("gradient_noise", &gradient_noise, "G"_a, "full_grad"_a = nb::none(),
          "Noise U = G - 1 g' of minibatch gradients G (rows) and the full gradient g, or the mean "
          "row when g is None (Simsekli et al. 2019 Sec. 4; C++ levysgd::gradient_noise). A new array of G's dtype.");
    m.def("_analyse_noise_tails", &analyse_noise_tails, "U"_a, "skip_bad"_a = false);
    m.def("noise_covariance", &noise_covariance, "per_sample_grads"_a, "batch_size"_a,
          "Battash & Lindenbaum 2023 eq. (2): (1/B)[(1/D) sum_j g_j g_j' - g g'] without cancellation "
          "(C++ levysgd::noise_covariance).");
    m.def("_compare_covariance_with_hessian", &compare_covariance_with_hessian, "C"_a, "H"_a,
          "batch_size"_a);
}

} // namespace levysgd_py
