// levysgd.Stable, sampling and fitting: bindings of stable/ (docs/stable.md).
#include "bindings.hpp"

#include <levysgd/detail/parallel.hpp>
#include <levysgd/stable/stable.hpp>

#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>

#include <optional>

namespace levysgd_py {

namespace {

levysgd::parameterization parse_param(const std::string &p, const char *where) {
    if (p == "S1" || p == "s1" || p == "1")
        return levysgd::parameterization::S1;
    if (p == "S0" || p == "s0" || p == "0")
        return levysgd::parameterization::S0;
    throw nb::value_error(
        (std::string(where) + ": param must be \"S0\" or \"S1\", got \"" + p + "\"").c_str());
}

/// The law in double (always) and float (built on first float use: a law
/// whose support edge or S0 location leaves float's range is refused then).
class py_stable {
  public:
    py_stable(double alpha, double beta, double scale, double loc, const std::string &param)
        : p_(parse_param(param, "levysgd.stable")), d64_(alpha, beta, scale, loc, p_), e64_(d64_) {}

    template <class T> const levysgd::stable_distribution<T> &law() {
        if constexpr (std::is_same_v<T, double>) {
            return d64_;
        } else {
            if (!d32_)
                d32_.emplace(float(d64_.alpha()), float(d64_.beta()), float(d64_.scale()),
                             float(d64_.location()), p_);
            return *d32_;
        }
    }
    template <class T> const levysgd::stable_evaluator<T> &evaluator() {
        if constexpr (std::is_same_v<T, double>) {
            return e64_;
        } else {
            if (!e32_)
                e32_.emplace(law<float>());
            return *e32_;
        }
    }

    double alpha() const { return d64_.alpha(); }
    double beta() const { return d64_.beta(); }
    double scale() const { return d64_.scale(); }
    double loc() const { return d64_.location(); }
    std::string param() const { return p_ == levysgd::parameterization::S1 ? "S1" : "S0"; }

  private:
    levysgd::parameterization p_;
    levysgd::stable_distribution<double> d64_;
    levysgd::stable_evaluator<double> e64_;
    std::optional<levysgd::stable_distribution<float>> d32_;
    std::optional<levysgd::stable_evaluator<float>> e32_;
};

/// out[i] = op(evaluator, x[i], memo) on `threads` threads (elementwise, so
/// the result does not depend on them; each range has its own span_memo, the
/// series coefficients the points share). Probabilities are all checked first.
template <class Op>
nb::object elementwise(py_stable &s, nb::handle x, nb::handle out, unsigned threads,
                       const char *where, bool probability, Op op) {
    if (out.is_none() && (PyFloat_Check(x.ptr()) || PyLong_Check(x.ptr()))) {
        const double v = PyFloat_AsDouble(x.ptr());
        if (v == -1.0 && PyErr_Occurred())
            throw nb::python_error();
        using memo_t = levysgd::stable_evaluator<double>::span_memo;
        return nb::float_(op(s.evaluator<double>(), v, static_cast<memo_t *>(nullptr)));
    }
    const input_array in = as_input(x, where, probability ? "q" : "x", false);
    const output_array o = as_output(out, where, "out", in.kind, in.shape);
    dispatch(in.kind, [&]<class T>() {
        const auto &e = s.evaluator<T>();
        const auto xs = in.span<T>();
        const auto ys = o.span<T>();
        if (probability)
            levysgd::detail::check_probabilities(where, xs);
        nb::gil_scoped_release unlock;
        levysgd::detail::parallel_ranges(xs.size(), threads, 64, [&](std::size_t b, std::size_t e_) {
            typename levysgd::stable_evaluator<T>::span_memo memo;
            for (std::size_t i = b; i < e_; ++i)
                ys[i] = op(e, xs[i], &memo);
        });
    });
    return o.obj;
}

nb::object rvs(py_stable &s, nb::handle size, std::uint64_t seed, std::uint64_t stream,
               std::uint64_t first_index, nb::handle dtype, nb::handle out, unsigned threads) {
    constexpr const char *where = "levysgd.Stable.rvs";
    const real_kind kind = parse_dtype(dtype, where, out);
    if (size.is_none() && out.is_none()) { // one draw, as scipy's rvs() without size
        return dispatch(kind, [&]<class T>() -> nb::object {
            T v;
            levysgd::sample(s.law<T>(), std::span<T>(&v, 1), seed, stream, {.first_index = first_index});
            return nb::float_(double(v));
        });
    }
    shape_t shape;
    if (!size.is_none())
        shape = parse_size(size, where);
    const output_array o = [&] {
        if (size.is_none()) { // the shape of out
            nb::ndarray<nb::ro, nb::device::cpu> a;
            if (nb::try_cast(out, a, false))
                for (std::size_t i = 0; i < a.ndim(); ++i)
                    shape.push_back(a.shape(i));
        }
        return as_output(out, where, "out", kind, shape);
    }();
    dispatch(kind, [&]<class T>() {
        const auto &d = s.law<T>();
        nb::gil_scoped_release unlock;
        levysgd::sample(d, o.span<T>(), seed, stream,
                        {.first_index = first_index, .threads = threads});
    });
    return o.obj;
}

nb::object sample_coordinates(nb::handle alphas, nb::handle scales, std::size_t n, double beta,
                              const std::string &param, std::uint64_t seed, std::uint64_t stream,
                              std::uint64_t first_index, nb::handle dtype, nb::handle out,
                              unsigned threads) {
    constexpr const char *where = "levysgd.sample_coordinates";
    const auto p = parse_param(param, where);
    const real_kind kind = parse_dtype(dtype, where, out);
    const input_array a = as_input(alphas, where, "alphas", false);
    const input_array sc = as_input(scales, where, "scales", false);
    if (a.shape.size() != 1)
        throw nb::value_error((std::string(where) + ": alphas must be 1-D, got shape " +
                               shape_text(a.shape)).c_str());
    const std::size_t dim = a.size;
    if (sc.size != 1 && sc.size != dim)
        throw nb::value_error((std::string(where) + ": scales must have 1 or len(alphas) = " +
                               std::to_string(dim) + " entries, got " + std::to_string(sc.size))
                                  .c_str());
    const output_array o = as_output(out, where, "out", kind, {n, dim});
    dispatch(kind, [&]<class T>() {
        // Rows in chunks of about 2^16 values: one call per chunk with the
        // alphas repeated, so value k of the (n, dim) array is sample
        // first_index + k of (seed, stream), as one C++ call over n * dim.
        const std::size_t rows = dim == 0 ? n : std::max<std::size_t>(1, (std::size_t(1) << 16) / dim);
        std::vector<T> at(std::min(rows, n) * dim), st(sc.size == 1 ? 1 : at.size());
        const auto copy = [&](const input_array &src, std::vector<T> &dst) {
            dispatch(src.kind, [&]<class U>() {
                const auto s = src.span<U>();
                for (std::size_t i = 0; i < dst.size(); ++i)
                    dst[i] = T(s[i % s.size()]);
            });
        };
        copy(a, at);
        copy(sc, st);
        const auto ys = o.span<T>();
        nb::gil_scoped_release unlock;
        if (dim == 0)
            return;
        for (std::size_t r = 0; r < n; r += rows) {
            const std::size_t m = std::min(rows, n - r) * dim;
            levysgd::sample_coordinates<T>(
                std::span<const T>(at).first(m),
                sc.size == 1 ? std::span<const T>(st) : std::span<const T>(st).first(m), T(beta), p,
                ys.subspan(r * dim, m), seed, stream,
                {.first_index = first_index + r * dim, .threads = threads});
        }
    });
    return o.obj;
}

nb::dict fit(nb::handle x, const std::string &method, std::optional<double> fixed_beta) {
    constexpr const char *where = "levysgd.fit_stable";
    const input_array in = as_input(x, where, "x", false);
    nb::dict r;
    return dispatch(in.kind, [&]<class T>() {
        const auto xs = in.span<T>();
        if (method == "mcculloch") {
            if (fixed_beta)
                throw nb::value_error("levysgd.fit_stable: fixed_beta needs method=\"mle\"");
            levysgd::stable_quantile_fit f;
            {
                nb::gil_scoped_release unlock;
                f = levysgd::fit_stable_quantiles(xs);
            }
            r["alpha"] = f.alpha; r["beta"] = f.beta; r["scale"] = f.scale;
            r["location"] = f.location; r["location_s1"] = f.location_s1;
            r["alpha_clamped"] = f.alpha_clamped; r["beta_clamped"] = f.beta_clamped;
            r["n"] = f.n;
        } else if (method == "mle") {
            levysgd::stable_mle_result f;
            {
                nb::gil_scoped_release unlock;
                f = levysgd::fit_stable_mle(xs, {.fixed_beta = fixed_beta});
            }
            r["alpha"] = f.alpha; r["beta"] = f.beta; r["scale"] = f.scale;
            r["location"] = f.location; r["location_s1"] = f.location_s1;
            r["se"] = nb::make_tuple(f.se[0], f.se[1], f.se[2], f.se[3]);
            r["log_likelihood"] = f.log_likelihood; r["converged"] = f.converged;
            r["iterations"] = f.iterations;
            r["n"] = xs.size();
        } else {
            throw nb::value_error(("levysgd.fit_stable: method must be \"mcculloch\" or \"mle\", got \"" +
                                   method + "\"").c_str());
        }
        return r;
    });
}

} // namespace

void bind_stable(nb::module_ &m) {
    using namespace nb::literals;
    auto op = [](auto f) { return f; };
    nb::class_<py_stable>(m, "Stable")
        .def(nb::init<double, double, double, double, const std::string &>(), "alpha"_a, "beta"_a,
             "scale"_a = 1.0, "loc"_a = 0.0, "param"_a = "S1")
        .def_prop_ro("alpha", &py_stable::alpha)
        .def_prop_ro("beta", &py_stable::beta)
        .def_prop_ro("scale", &py_stable::scale)
        .def_prop_ro("loc", &py_stable::loc)
        .def_prop_ro("param", &py_stable::param)
        .def("pdf", [op](py_stable &s, nb::handle x, nb::handle out, unsigned threads) {
                 return elementwise(s, x, out, threads, "levysgd.Stable.pdf", false,
                                    op([](const auto &e, auto v, auto *m) { return e.pdf(v, m); }));
             }, "x"_a, "out"_a = nb::none(), "threads"_a = 0,
             "Density (Nolan 1997 integral by adaptive Gauss-Kronrod; C++ levysgd::pdf). x: a float (returns a float) or a float32/float64 C-contiguous array (returns an array of its dtype and shape, or writes into out, which is returned). threads: 0 = all cores; the values do not depend on it.")
        .def("logpdf", [op](py_stable &s, nb::handle x, nb::handle out, unsigned threads) {
                 return elementwise(s, x, out, threads, "levysgd.Stable.logpdf", false,
                                    op([](const auto &e, auto v, auto *m) { return e.logpdf(v, m); }));
             }, "x"_a, "out"_a = nb::none(), "threads"_a = 0,
             "Log-density, finite where the density underflows (C++ levysgd::logpdf). Arrays, out and threads as pdf.")
        .def("cdf", [op](py_stable &s, nb::handle x, nb::handle out, unsigned threads) {
                 return elementwise(s, x, out, threads, "levysgd.Stable.cdf", false,
                                    op([](const auto &e, auto v, auto *m) { return e.cdf(v, m); }));
             }, "x"_a, "out"_a = nb::none(), "threads"_a = 0,
             "Distribution function, a sum of positive terms accurate in both tails (C++ levysgd::cdf). Arrays, out and threads as pdf.")
        .def("sf", [op](py_stable &s, nb::handle x, nb::handle out, unsigned threads) {
                 return elementwise(s, x, out, threads, "levysgd.Stable.sf", false,
                                    op([](const auto &e, auto v, auto *m) { return e.ccdf(v, m); }));
             }, "x"_a, "out"_a = nb::none(), "threads"_a = 0,
             "Survival function 1 - cdf computed directly (C++ levysgd::ccdf). Arrays, out and threads as pdf.")
        .def("ppf", [op](py_stable &s, nb::handle q, nb::handle out, unsigned threads) {
                 return elementwise(s, q, out, threads, "levysgd.Stable.ppf", true,
                                    op([](const auto &e, auto v, auto *m) { return e.quantile(v, m); }));
             }, "q"_a, "out"_a = nb::none(), "threads"_a = 0,
             "Quantile: x with cdf(x) = q, q in [0, 1] (C++ levysgd::quantile); q = 0, 1 give the support ends. ValueError names the first q outside [0, 1] before anything is written.")
        .def("isf", [op](py_stable &s, nb::handle q, nb::handle out, unsigned threads) {
                 return elementwise(s, q, out, threads, "levysgd.Stable.isf", true,
                                    op([](const auto &e, auto v, auto *m) { return e.quantile_complement(v, m); }));
             }, "q"_a, "out"_a = nb::none(), "threads"_a = 0,
             "Upper quantile: x with sf(x) = q, accurate for tiny q (C++ levysgd::quantile_complement).")
        .def("rvs", &rvs, "size"_a = nb::none(), "seed"_a = 0, "stream"_a = 0, "first_index"_a = 0,
             "dtype"_a = nb::none(), "out"_a = nb::none(), "threads"_a = 0,
             "Draws by Chambers-Mallows-Stuck (Chambers et al. 1976, Weron 1996) from Philox stream "
             "(seed, stream): element k (C order) is sample first_index + k of the stream, for any "
             "threads (C++ levysgd::sample). size: int or tuple, or None for one float (or out's "
             "shape); dtype: float64 (default, or out's) or float32.")
        .def("support", [](py_stable &s) {
                 const auto &d = s.law<double>();
                 return std::make_tuple(d.min(), d.max());
             }, "(lower, upper) ends of the support: finite on one side for alpha < 1, |beta| = 1.")
        .def("median", [](py_stable &s) { return levysgd::median(s.law<double>()); },
             "The median (the location when beta = 0; C++ levysgd::median).")
        .def_prop_ro("location_s0", [](py_stable &s) { return s.law<double>().location_s0(); });

    m.def("sample_coordinates", &sample_coordinates, "alphas"_a, "scales"_a, "n"_a,
          nb::kw_only(), "beta"_a = 0.0, "param"_a = "S1", "seed"_a = 0, "stream"_a = 0,
          "first_index"_a = 0, "dtype"_a = nb::none(), "out"_a = nb::none(), "threads"_a = 0,
          "An (n, len(alphas)) array: column i ~ S(alphas[i], beta, scales[i], 0) (Battash & Lindenbaum "
          "2023 eq. 3; C++ levysgd::sample_coordinates); element k in C order is sample first_index + k "
          "of (seed, stream). scales: one value or len(alphas).");
    m.def("_fit_stable", &fit, "x"_a, "method"_a, "fixed_beta"_a = nb::none());
}

} // namespace levysgd_py
