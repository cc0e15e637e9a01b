// Prints results of the C++ library for python/tests/test_cpp_identical.py:
// built with the Python module's own flags (python/CMakeLists.txt,
// LEVYSGD_PYTHON_REFERENCE=ON), so the package must reproduce them bit for bit.
// One line per result: a name, then values in %.17g (exact for double).
#include <levysgd/levysgd.hpp>

#include <cstdio>
#include <span>
#include <string>
#include <vector>

namespace {

template <class T> void print(const std::string &name, std::span<const T> v) {
    std::printf("%s", name.c_str());
    for (T x : v)
        std::printf(" %.17g", double(x));
    std::printf("\n");
}

template <class T> void laws() {
    using levysgd::parameterization;
    struct law { double a, b, s, l; parameterization p; const char *name; };
    const law all[] = {{1.5, 0, 1, 0, parameterization::S1, "a1.5"},
                       {0.7, 0.9, 2, 1, parameterization::S0, "a0.7"},
                       {1.0, 0.5, 1, 0, parameterization::S1, "a1.0"},
                       {2.0, 0, 3, -1, parameterization::S1, "a2.0"}};
    const char *tn = sizeof(T) == 4 ? "f32" : "f64";
    const std::vector<T> x{-30, -3, -0.5, 0, 0.25, 1, 4, 100};
    const std::vector<T> q{0, 1e-6, 0.01, 0.3, 0.5, 0.9, 1 - 1e-6, 1};
    for (const law &l : all) {
        const levysgd::stable_distribution<T> d(T(l.a), T(l.b), T(l.s), T(l.l), l.p);
        std::vector<T> out(1000);
        levysgd::sample(d, std::span<T>(out), 42, 3, {.first_index = 7});
        print<T>(std::string("rvs ") + l.name + " " + tn, out);
        std::vector<T> y(x.size());
        levysgd::pdf(d, std::span<const T>(x), std::span<T>(y));
        print<T>(std::string("pdf ") + l.name + " " + tn, y);
        levysgd::logpdf(d, std::span<const T>(x), std::span<T>(y));
        print<T>(std::string("logpdf ") + l.name + " " + tn, y);
        levysgd::cdf(d, std::span<const T>(x), std::span<T>(y));
        print<T>(std::string("cdf ") + l.name + " " + tn, y);
        levysgd::ccdf(d, std::span<const T>(x), std::span<T>(y));
        print<T>(std::string("sf ") + l.name + " " + tn, y);
        levysgd::quantile(d, std::span<const T>(q), std::span<T>(y));
        print<T>(std::string("ppf ") + l.name + " " + tn, y);
        levysgd::quantile_complement(d, std::span<const T>(q), std::span<T>(y));
        print<T>(std::string("isf ") + l.name + " " + tn, y);
        if (l.a != 2.0) {
            const double ti = levysgd::mohammadi_tail_index(std::span<const T>(out)).alpha;
            print<double>(std::string("tail_index ") + l.name + " " + tn, std::span<const double>(&ti, 1));
            const double h = levysgd::hill_tail_index(std::span<const T>(out), 50).alpha;
            print<double>(std::string("hill ") + l.name + " " + tn, std::span<const double>(&h, 1));
            const auto f = levysgd::fit_stable_quantiles(std::span<const T>(out));
            const double fv[] = {f.alpha, f.beta, f.scale, f.location, f.location_s1};
            print<double>(std::string("mcculloch ") + l.name + " " + tn, fv);
        }
    }
    const std::vector<T> alpha{1.1, 1.5, 1.9, 2.0, 0.8}, scale{1, 2, 0.5, 1, 3};
    std::vector<T> g(alpha.size() * 7);
    std::vector<T> at, st;
    for (int r = 0; r < 7; ++r) {
        at.insert(at.end(), alpha.begin(), alpha.end());
        st.insert(st.end(), scale.begin(), scale.end());
    }
    levysgd::sample_coordinates<T>(at, st, T(0.25), levysgd::parameterization::S0, g, 5, 2,
                                   {.first_index = 11});
    print<T>(std::string("coordinates ") + tn, g);
}

#ifdef LEVYSGD_REFERENCE_STUDIES // python/CMakeLists.txt: the variants with a studies module
/// Studies with fixed-type pieces that the package runs on its generic path
/// (python/src/sde_generic.hpp): the exit steps of every path, or the states.
template <class R> void print_steps(const std::string &name, const R &r) {
    std::vector<double> v{double(r.exited)};
    for (const auto &p : r.path_records)
        v.push_back(double(p.steps));
    print<double>(name, v);
}

/// A transition study between the two basins of the 1-D well f from -1: the
/// counts (column-major), then the occupation times if `occupation`.
template <class P, class N> void print_transition(const std::string &name, const P &f, const N &n, bool occupation) {
    using namespace levysgd;
    const auto r = transition_study(f, n, euler<double>(0.01),
                                    interval_basins<double>({-1e300, 0.0}, {0.0, 1e300}), Eigen::Matrix<double, 1, 1>(-1.0),
                                    {.paths = 16, .horizon = 50, .seed = 3, .progress = progress_mode::never});
    std::vector<double> v;
    for (Eigen::Index i = 0; i < r.counts.size(); ++i)
        v.push_back(double(r.counts.data()[i]));
    for (Eigen::Index i = 0; occupation && i < r.occupation.size(); ++i)
        v.push_back(r.occupation[i]);
    print<double>(name, v);
}

void studies() {
    using namespace levysgd;
    const escape_options<double> opt{.paths = 64, .horizon = 20, .seed = 11, .threads = 2,
                                     .progress = progress_mode::never};
    {
        const styblinski_tang<double, 3> f(3);
        const Eigen::Vector3d x0 = Eigen::Vector3d::Constant(-2.9);
        print_steps("study styb3", escape_study(f, stable_noise<double>(3, 1.5, 1.0), euler<double>(0.01),
                                                box<double, 3>(Eigen::Vector3d::Constant(-4.5),
                                                               Eigen::Vector3d::Constant(0.0)),
                                                x0, opt));
    }
    {
        Eigen::MatrixXd c(2, 2);
        c << 0.5, 0.1, 0.1, 0.3;
        print_steps("study ackley", escape_study(ackley<double>(), gaussian_noise<double>::with_covariance(c),
                                                 tamed_euler<double>(0.01),
                                                 ball<double, 2>(Eigen::Vector2d(0, 0), 0.8),
                                                 Eigen::Vector2d(0.1, 0.0), opt));
    }
    {
        const auto f = double_well(-1.0, 0.0, 2.0);
        print_steps("study implicit", escape_study(f, stable_noise<double>(1, 1.2, 0.5), implicit_euler<double>(0.05),
                                                   interval<double>(-3, 0), Eigen::Matrix<double, 1, 1>(-1.0), opt));
    }
    {
        const quadratic<double, 3> q(Eigen::Vector3d(1, 2, 3).asDiagonal().toDenseMatrix(), Eigen::Vector3d::Zero());
        const mixture_noise<gaussian_noise<double>, stable_noise<double>> n(
            gaussian_noise<double>::isotropic(3, 0.4), stable_noise<double>(std::vector<double>{1.2, 1.6, 1.9},
                                                                            std::vector<double>{0.2, 0.2, 0.2}));
        print_steps("study loss", escape_study(q, n, euler<double>(0.01),
                                               loss_threshold<quadratic<double, 3>>(q, Eigen::Vector3d::Zero(), 0.5),
                                               Eigen::Vector3d::Zero(), opt));
    }
    {
        Eigen::Matrix4d h = Eigen::Matrix4d::Identity();
        h(0, 1) = h(1, 0) = 0.5;
        const quadratic<double, 4> q(h, Eigen::Vector4d::Zero());
        const auto r = simulate_paths(q, hessian_noise<quadratic<double, 4>>(q, 0.5), euler<double>(0.01),
                                      Eigen::Vector4d(1, 0, -1, 0.5),
                                      {.paths = 16, .horizon = 1, .seed = 5, .progress = progress_mode::never});
        print<double>("simulate quad4", std::span<const double>(r.states.data(), std::size_t(r.states.size())));
    }
    {
        const auto f = double_well(-1.0, 0.0, 2.0);
        const mixture_noise<gaussian_noise<double>, stable_noise<double>> n(
            gaussian_noise<double>::isotropic(1, 0.5), stable_noise<double>(1, 1.5, 0.3));
        print_transition("transition mixture", f, n, true);
    }
    // Schedulers (issue 21): the package's ScheduledNoise and HessianNoise on
    // the generic path; mixtures of any two models.
    {
        const auto f = double_well(-1.0, 0.0, 2.0);
        const stable_noise<double, exponential_scheduler<double>> n(1, 1.5, 0.8, exponential_scheduler<double>(0.5, 2.0));
        print_steps("study expsched", escape_study(f, n, euler<double>(0.01), interval<double>(-3, 0),
                                                   Eigen::Matrix<double, 1, 1>(-1.0), opt));
    }
    {
        const quadratic<double, 2> q(Eigen::Matrix2d{{1.0, 0.3}, {0.3, 2.0}}, Eigen::Vector2d::Zero());
        Eigen::MatrixXd c(2, 2);
        c << 0.5, 0.1, 0.1, 0.3;
        const auto n = gaussian_noise<double, multistep_scheduler<double>>::with_covariance(
            c, multistep_scheduler<double>({2.0, 5.0}, {0.5, 0.25}));
        print_steps("study multistep", escape_study(q, n, tamed_euler<double>(0.01),
                                                    box<double, 2>(Eigen::Vector2d(-1, -1), Eigen::Vector2d(1, 1)),
                                                    Eigen::Vector2d(0.1, 0.0), opt));
    }
    {
        const auto f = double_well(-1.0, 0.0, 2.0);
        const mixture_noise<hessian_noise<polynomial_well<double>, exponential_scheduler<double>>, stable_noise<double>> n(
            hessian_noise<polynomial_well<double>, exponential_scheduler<double>>(
                f, 0.5, hessian_part::absolute, exponential_scheduler<double>(0.8)),
            stable_noise<double>(1, 1.3, 0.3));
        print_steps("study hess+stable", escape_study(f, n, tamed_euler<double>(0.01), interval<double>(-3, 0),
                                                      Eigen::Matrix<double, 1, 1>(-1.0), opt));
    }
    {
        const quadratic<double, 2> q(Eigen::Matrix2d{{1.0, 0.0}, {0.0, 2.0}}, Eigen::Vector2d::Zero());
        const mixture_noise<stable_noise<double>, stable_noise<double, multistep_scheduler<double>>> n(
            stable_noise<double>(std::vector<double>{1.2, 1.8}, std::vector<double>{0.3, 0.3}),
            stable_noise<double, multistep_scheduler<double>>(2, 1.5, 0.2, multistep_scheduler<double>({3.0}, {0.5})));
        print_steps("study stable+stable", escape_study(q, n, euler<double>(0.01),
                                                        ball<double, 2>(Eigen::Vector2d(0, 0), 1.0),
                                                        Eigen::Vector2d(0.1, 0.0), opt));
    }
    {
        const auto f = double_well(-1.0, 0.0, 2.0);
        const mixture_noise<stable_noise<double, exponential_scheduler<double>>, gaussian_noise<double>> n(
            stable_noise<double, exponential_scheduler<double>>(1, 1.5, 0.4, exponential_scheduler<double>(0.5)),
            gaussian_noise<double>::isotropic(1, 0.3));
        print_transition("transition scheduled", f, n, false);
    }
}
#endif

} // namespace

int main() {
#ifdef LEVYSGD_REFERENCE_STUDIES
    studies();
#endif
    laws<double>();
    laws<float>();
    const levysgd::stable_distribution<double> d(1.5, 0.3, 1, 0, levysgd::parameterization::S1);
    std::vector<double> x(4000);
    levysgd::sample(d, std::span<double>(x), 3);
    const auto m = levysgd::fit_stable_mle(std::span<const double>(x));
    const double mv[] = {m.alpha, m.beta, m.scale, m.location, m.location_s1,
                         m.se[0], m.se[1], m.se[2], m.se[3]};
    print<double>("mle", mv);
    const auto ci = levysgd::bootstrap_ci(
        std::span<const double>(x),
        [](std::span<const double> s) { return levysgd::mohammadi_tail_index(s, {.threads = 1}).alpha; },
        {.reps = 50, .level = 0.9, .seed = 7, .stream = 1});
    const double cv[] = {ci.estimate, ci.lower, ci.upper};
    print<double>("bootstrap", cv);
}
