// alpha-stable density and distribution function throughput: levysgd::pdf and
// levysgd::cdf (double, one thread, span API: one law's setup shared by its
// points) on a fixed spread of (alpha, beta, x) in S0 and S1. The peer is
// scipy.stats.levy_stable, timed on exactly the same points by
// benchmarks/bench_stable_density_scipy.py, which runs this program, reads
// its items_per_second and prints the ratio table:
//
//   build/release/benchmarks/bench_stable_density                  # levysgd only
//   build/release/benchmarks/bench_stable_density --eval IN.csv OUT.csv  # values at IN's points
//   /usr/bin/python3 benchmarks/bench_stable_density_scipy.py      # both + ratios
//
// Points: alpha in {0.5, 0.9, 1, 1.1, 1.5, 1.9}, beta in {0, 0.5, 1}, and 13
// S0 points x0 from the mode to the far tails (0, +-0.5, +-1, +-2, +-5, +-20,
// +-100); in S1 the same points of the same law, x1 = x0 + beta tan(pi alpha/2)
// (alpha != 1), so the two parameterizations do the same work. For alpha < 1,
// beta = 1 the points left of the support edge are cheap zeros, as they
// would be for any caller. LEVYSGD_BENCH_DUMP=file writes the points.
#include <levysgd/levysgd.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <span>
#include <string>
#include <vector>

namespace {

constexpr double alphas[] = {0.5, 0.9, 1.0, 1.1, 1.5, 1.9};
constexpr double betas[] = {0.0, 0.5, 1.0};
constexpr double x0s[] = {-100, -20, -5, -2, -1, -0.5, 0, 0.5, 1, 2, 5, 20, 100};

using levysgd::parameterization;

struct law_points {
    parameterization par;
    double alpha, beta;
    std::vector<double> x;
};

std::vector<double> points(parameterization par, double alpha, double beta) {
    const double shift = par == parameterization::S1 && alpha != 1.0
                             ? beta * std::tan(std::numbers::pi * alpha / 2)
                             : 0.0;
    std::vector<double> x;
    for (double v : x0s)
        x.push_back(v + shift);
    return x;
}

std::vector<law_points> all_laws(parameterization par) {
    std::vector<law_points> laws;
    for (double a : alphas)
        for (double b : betas)
            laws.push_back({par, a, b, points(par, a, b)});
    return laws;
}

enum class quantity { pdf, cdf };

// The span API on the points of each law in turn.
void bm_span(benchmark::State &st, quantity q, std::vector<law_points> laws) {
    std::vector<levysgd::stable_distribution<double>> ds;
    std::size_t n = 0, most = 0;
    for (const auto &l : laws) {
        ds.emplace_back(l.alpha, l.beta, 1, 0, l.par);
        n += l.x.size();
        most = std::max(most, l.x.size());
    }
    std::vector<double> out(most);
    for (auto _ : st) {
        for (std::size_t i = 0; i < laws.size(); ++i) {
            const std::span<const double> x(laws[i].x);
            const std::span<double> o(out.data(), x.size());
            if (q == quantity::pdf)
                levysgd::pdf(ds[i], x, o);
            else
                levysgd::cdf(ds[i], x, o);
            benchmark::DoNotOptimize(out.data());
            benchmark::ClobberMemory();
        }
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}

// One scalar call per point, the law's setup repeated every time.
void bm_scalar(benchmark::State &st, quantity q, std::vector<law_points> laws) {
    std::vector<levysgd::stable_distribution<double>> ds;
    std::size_t n = 0;
    for (const auto &l : laws) {
        ds.emplace_back(l.alpha, l.beta, 1, 0, l.par);
        n += l.x.size();
    }
    for (auto _ : st) {
        double s = 0;
        for (std::size_t i = 0; i < laws.size(); ++i)
            for (double x : laws[i].x)
                s += q == quantity::pdf ? levysgd::pdf(ds[i], x) : levysgd::cdf(ds[i], x);
        benchmark::DoNotOptimize(s);
    }
    st.SetItemsProcessed(std::int64_t(st.iterations()) * std::int64_t(n));
}

std::string fmt(double v) {
    char s[32];
    std::snprintf(s, sizeof s, "%g", v);
    return s;
}

void dump_points(const char *path) {
    std::FILE *f = std::fopen(path, "w");
    if (!f) {
        std::fprintf(stderr, "cannot write %s\n", path);
        std::exit(1);
    }
    std::fprintf(f, "param,alpha,beta,x\n");
    for (auto par : {parameterization::S0, parameterization::S1})
        for (const auto &l : all_laws(par))
            for (double x : l.x)
                std::fprintf(f, "%s,%.17g,%.17g,%.17g\n", par == parameterization::S0 ? "S0" : "S1",
                             l.alpha, l.beta, x);
    std::fclose(f);
}

// --eval IN OUT: pdf, logpdf, cdf, ccdf at the rows "param,alpha,beta,x,..."
// of IN (a reference CSV; '#' lines and the header are skipped) written to
// OUT at 17 digits, for the accuracy report of bench_stable_density_scipy.py.
int eval_points(const char *in_path, const char *out_path) {
    std::FILE *in = std::fopen(in_path, "r");
    std::FILE *out = std::fopen(out_path, "w");
    if (!in || !out) {
        std::fprintf(stderr, "cannot open %s or %s\n", in_path, out_path);
        return 1;
    }
    std::fprintf(out, "param,alpha,beta,x,pdf,logpdf,cdf,ccdf\n");
    char line[4096];
    while (std::fgets(line, sizeof line, in)) {
        if (line[0] == '#' || line[0] != 'S')
            continue;
        char par[4] = {};
        double a, b, x;
        if (std::sscanf(line, "%3[^,],%lf,%lf,%lf", par, &a, &b, &x) != 4)
            continue;
        const auto pk = par[1] == '0' ? parameterization::S0 : parameterization::S1;
        const levysgd::stable_distribution<double> d(a, b, 1, 0, pk);
        std::fprintf(out, "%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n", par, a, b, x,
                     levysgd::pdf(d, x), levysgd::logpdf(d, x), levysgd::cdf(d, x),
                     levysgd::ccdf(d, x));
    }
    std::fclose(in);
    std::fclose(out);
    return 0;
}

} // namespace

int main(int argc, char **argv) {
    if (argc == 4 && std::string(argv[1]) == "--eval")
        return eval_points(argv[2], argv[3]);
    if (const char *p = std::getenv("LEVYSGD_BENCH_DUMP"); p && *p)
        dump_points(p);
    for (auto q : {quantity::pdf, quantity::cdf}) {
        const std::string qn = q == quantity::pdf ? "pdf" : "cdf";
        for (auto par : {parameterization::S0, parameterization::S1}) {
            const std::string pn = par == parameterization::S0 ? "S0" : "S1";
            const auto laws = all_laws(par);
            benchmark::RegisterBenchmark((qn + "/" + pn + "/all").c_str(), bm_span, q, laws);
            benchmark::RegisterBenchmark((qn + "/" + pn + "/all/scalar").c_str(), bm_scalar, q,
                                         laws);
            for (const auto &l : laws)
                benchmark::RegisterBenchmark(
                    (qn + "/" + pn + "/alpha:" + fmt(l.alpha) + "/beta:" + fmt(l.beta)).c_str(),
                    bm_span, q, std::vector<law_points>{l});
        }
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
