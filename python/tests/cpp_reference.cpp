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

} // namespace

int main() {
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
