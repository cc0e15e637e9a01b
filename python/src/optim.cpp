// Optimizer steps on the caller's parameter array: bindings of optim/ (docs/optim.md).
#include "bindings.hpp"

#include <levysgd/optim/optim.hpp>

#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

namespace levysgd_py {

namespace {

/// The user's Python model as a GradientOracle: samples(), dimension() and
/// gradient(w, indices, g) writing the mean minibatch gradient into g. w, the
/// indices and g are NumPy views of levysgd's buffers, valid during the call.
template <class Real> struct py_oracle {
    nb::handle obj;
    std::size_t n = 0;
    Eigen::Index d = 0;
    std::size_t samples() const { return n; }
    Eigen::Index dimension() const { return d; }
    void gradient(Eigen::Ref<const levysgd::param_vector<Real>> w, std::span<const std::size_t> idx,
                  Eigen::Ref<levysgd::param_vector<Real>> g) const {
        static_assert(sizeof(std::size_t) == sizeof(std::uint64_t));
        const std::size_t nw = std::size_t(w.size()), ni = idx.size(), ng = std::size_t(g.size());
        nb::object wv = nb::ndarray<nb::numpy, const Real>(w.data(), 1, &nw, nb::handle()).cast(nb::rv_policy::reference);
        nb::object iv = nb::ndarray<nb::numpy, const std::uint64_t>(
                            reinterpret_cast<const std::uint64_t *>(idx.data()), 1, &ni, nb::handle())
                            .cast(nb::rv_policy::reference);
        nb::object gv = nb::ndarray<nb::numpy, Real>(g.data(), 1, &ng, nb::handle()).cast(nb::rv_policy::reference);
        obj.attr("gradient")(wv, iv, gv);
    }
};

template <class Real> py_oracle<Real> oracle(nb::handle o) {
    const auto get = [&](const char *name) {
        nb::object a = o.attr(name);
        return PyCallable_Check(a.ptr()) ? a() : a;
    };
    if (!nb::hasattr(o, "gradient") || !nb::hasattr(o, "samples") || !nb::hasattr(o, "dimension"))
        throw nb::type_error(("levysgd optimizer step: oracle must have samples, dimension and "
                              "gradient(w, indices, g), got " + std::string(nb::type_name(o.type()).c_str())).c_str());
    return {o, nb::cast<std::size_t>(get("samples")), nb::cast<Eigen::Index>(get("dimension"))};
}

levysgd::sampling parse_sampling(const std::string &s) {
    if (s == "with_replacement")
        return levysgd::sampling::with_replacement;
    if (s == "without_replacement")
        return levysgd::sampling::without_replacement;
    throw nb::value_error(("levysgd: sampling must be \"with_replacement\" or \"without_replacement\", got \"" +
                           s + "\"").c_str());
}

template <class S, class Real> void step(S &s, nb::handle w, nb::handle o, const char *where) {
    const output_array a = as_output(w, where, "w", std::is_same_v<Real, float> ? real_kind::f32 : real_kind::f64,
                                     [&] {
                                         nb::ndarray<nb::ro, nb::device::cpu> v;
                                         shape_t sh;
                                         if (nb::try_cast(w, v, false))
                                             for (std::size_t i = 0; i < v.ndim(); ++i)
                                                 sh.push_back(v.shape(i));
                                         return sh;
                                     }());
    s.step(a.template span<Real>(), oracle<Real>(o));
}

template <class S, class Real, class C> void common(C &c, const char *where) {
    using namespace nb::literals;
    c.def("step", [where](S &s, nb::handle w, nb::handle o) { step<S, Real>(s, w, o, where); }, "w"_a, "oracle"_a)
        .def_prop_ro("iteration", &S::iteration)
        .def_prop_ro("time", &S::time)
        .def_prop_ro("learning_rate", &S::learning_rate)
        .def_prop_ro("current_learning_rate", &S::current_learning_rate)
        .def_prop_ro("batch_size", &S::batch_size);
}

template <class Real> void bind_real(nb::module_ &m, const std::string &suffix) {
    using namespace nb::literals;
    {
        using S = levysgd::sgd<Real>;
        nb::class_<S> c(m, ("SGD" + suffix).c_str());
        c.def("__init__", [](S *p, std::size_t n, std::size_t b, Real eta, std::uint64_t seed, std::uint64_t stream,
                             const std::string &mode) { new (p) S(n, b, eta, seed, stream, parse_sampling(mode)); },
              "n"_a, "batch"_a, "eta"_a, "seed"_a = 0, "stream"_a = 0, "sampling"_a = "with_replacement");
        common<S, Real>(c, "levysgd.sgd.step");
    }
    {
        using S = levysgd::noise_enhanced_sgd<Real>;
        nb::class_<S> c(m, ("NoiseEnhancedSGD" + suffix).c_str());
        c.def("__init__", [](S *p, std::size_t n, std::size_t b, Real eta, Real a, std::uint64_t seed,
                             std::uint64_t stream, const std::string &mode) {
                  new (p) S(n, b, eta, a, seed, stream, parse_sampling(mode));
              }, "n"_a, "batch"_a, "eta"_a, "a"_a, "seed"_a = 0, "stream"_a = 0, "sampling"_a = "with_replacement")
            .def("effective_batch", &S::effective_batch);
        common<S, Real>(c, "levysgd.noise_enhanced_sgd.step");
    }
    {
        using S = levysgd::sgld<Real>;
        nb::class_<S> c(m, ("SGLD" + suffix).c_str());
        c.def("__init__", [](S *p, std::size_t n, std::size_t b, Real eta, Real t, std::uint64_t seed,
                             std::uint64_t stream, const std::string &mode) {
                  new (p) S(n, b, eta, t, seed, stream, parse_sampling(mode));
              }, "n"_a, "batch"_a, "eta"_a, "temperature"_a, "seed"_a = 0, "stream"_a = 0,
              "sampling"_a = "with_replacement");
        common<S, Real>(c, "levysgd.sgld.step");
    }
    {
        using S = levysgd::stable_noise_sgd<Real>;
        nb::class_<S> c(m, ("StableNoiseSGD" + suffix).c_str());
        c.def("__init__", [](S *p, std::size_t n, std::size_t b, Real eta, std::vector<Real> alphas,
                             std::vector<Real> scales, std::uint64_t seed, std::uint64_t stream,
                             const std::string &mode) {
                  new (p) S(n, b, eta, std::move(alphas), std::move(scales), seed, stream, parse_sampling(mode));
              }, "n"_a, "batch"_a, "eta"_a, "alphas"_a, "scales"_a, "seed"_a = 0, "stream"_a = 0,
              "sampling"_a = "with_replacement");
        common<S, Real>(c, "levysgd.stable_noise_sgd.step");
    }
}

} // namespace

void bind_optim(nb::module_ &m) {
    using namespace nb::literals;
    bind_real<double>(m, "_f64");
    bind_real<float>(m, "_f32");
    nb::class_<levysgd::minibatch_sampler>(m, "MinibatchSampler")
        .def("__init__", [](levysgd::minibatch_sampler *p, std::size_t n, std::size_t b, const std::string &mode,
                            std::uint64_t seed, std::uint64_t stream) {
                 new (p) levysgd::minibatch_sampler(n, b, parse_sampling(mode), seed, stream);
             }, "n"_a, "batch"_a, "sampling"_a = "with_replacement", "seed"_a = 0, "stream"_a = 0)
        .def("next", [](levysgd::minibatch_sampler &s) {
            const auto idx = s.next();
            const std::size_t n = idx.size();
            auto *p = new std::uint64_t[n == 0 ? 1 : n];
            std::copy(idx.begin(), idx.end(), p);
            nb::capsule owner(p, [](void *q) noexcept { delete[] static_cast<std::uint64_t *>(q); });
            return nb::ndarray<nb::numpy, std::uint64_t>(p, 1, &n, owner).cast();
        })
        .def_prop_ro("batches", &levysgd::minibatch_sampler::batches)
        .def_prop_ro("epoch", &levysgd::minibatch_sampler::epoch);
    m.def("effective_batch_size", &levysgd::effective_batch_size, "batch"_a, "a"_a);
}

} // namespace levysgd_py
