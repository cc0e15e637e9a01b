// Measurement helper for the stable density's quadrature (issue 18; not
// built by CMake, see docs/development.md "Density (issue 18)"):
//
//   probe count POINTS.csv  pdf and cdf once per point, one-point calls on a
//                           new distribution (param,alpha,beta,x rows, e.g.
//                           LEVYSGD_BENCH_DUMP=POINTS.csv bench_stable_density);
//                           run it under valgrind --tool=callgrind
//   probe time POINTS.csv   the same one-point calls timed, per point the best
//                           of 7 runs (a busy machine's noise removed): mean
//                           us per point and points/s, pdf and cdf
//   probe scan              "param alpha beta x logpdf cdf ccdf" on the
//                           self-consistency scan: alpha in [0.1, 2) step
//                           0.0375 x 9 beta x 24 x (S0), 3200 points near
//                           alpha = 1 (S0 and S1), 400 near the mode, and
//                           alpha = 1.016875, beta = 0.5, S1 y = 18.84
//
// Build (one line; -O3 for "time"):
//   g++ -std=c++20 -O2 -march=native -I include -isystem /usr/include/eigen3
//       tests/scripts/stable_density_probe.cpp -o probe
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {
using levysgd::parameterization;

void row(double a, double b, double x, parameterization p) {
    const levysgd::stable_distribution<double> d(a, b, 1, 0, p);
    std::printf("%d %.17g %.17g %.17g %.17g %.17g %.17g\n", p == parameterization::S0 ? 0 : 1, a, b,
                x, levysgd::logpdf(d, x), levysgd::cdf(d, x), levysgd::ccdf(d, x));
}

int scan() {
    const double betas[9] = {-1, -0.9, -0.6, -0.3, 0, 0.3, 0.6, 0.9, 1};
    const double xs[12] = {0.01, 0.1, 0.3, 0.7, 1.2, 2, 3.5, 6, 12, 40, 300, 1e4};
    for (double a = 0.1; a < 2; a += 0.0375)
        for (double b : betas)
            for (double x : xs) {
                row(a, b, x, parameterization::S0);
                row(a, b, -x, parameterization::S0);
            }
    unsigned s = 12345; // a fixed LCG: the same points every run
    auto u = [&] {
        s = s * 1664525u + 1013904223u;
        return (s >> 8) / double(1 << 24);
    };
    for (int i = 0; i < 1600; ++i)
        row(0.98 + 0.04 * u(), -1 + 2 * u(), (u() - 0.5) * 20, parameterization::S0);
    for (int i = 0; i < 1600; ++i)
        row(0.95 + 0.1 * u(), -1 + 2 * u(), (u() - 0.5) * 60, parameterization::S1);
    row(1.016875, 0.5, 18.84, parameterization::S1); // issue 18's missed sliver
    for (int i = 0; i < 400; ++i)
        row(0.3 + 1.65 * u(), -1 + 2 * u(), (u() - 0.5) * 2, parameterization::S0);
    return 0;
}

struct point {
    parameterization p;
    double a, b, x;
};

// The param,alpha,beta,x rows of a LEVYSGD_BENCH_DUMP file (empty on error).
std::vector<point> read_points(const char *path) {
    std::vector<point> pts;
    std::FILE *f = std::fopen(path, "r");
    if (!f) {
        std::fprintf(stderr, "cannot read %s\n", path);
        return pts;
    }
    char line[256], par[4] = {};
    double a, b, x;
    while (std::fgets(line, sizeof line, f))
        if (line[0] == 'S' && std::sscanf(line, "%3[^,],%lf,%lf,%lf", par, &a, &b, &x) == 4)
            pts.push_back({par[1] == '0' ? parameterization::S0 : parameterization::S1, a, b, x});
    std::fclose(f);
    return pts;
}

int count(const char *path) {
    const auto pts = read_points(path);
    if (pts.empty())
        return 1;
    double sum = 0;
    for (const auto &q : pts)
        sum += levysgd::pdf(levysgd::stable_distribution<double>(q.a, q.b, 1, 0, q.p), q.x);
    for (const auto &q : pts)
        sum += levysgd::cdf(levysgd::stable_distribution<double>(q.a, q.b, 1, 0, q.p), q.x);
    std::printf("%zu points, sum of pdf and cdf %.17g\n", pts.size(), sum);
    return 0;
}

// One-point calls on a new distribution, per point the best of 7 runs of 20
// calls (robust to a busy machine: the minimum is the undisturbed time);
// prints the mean time per point and points/s for pdf and cdf.
int time_points(const char *path) {
    const auto pts = read_points(path);
    if (pts.empty())
        return 1;
    double total[2] = {0, 0}, sink = 0;
    for (const auto &q : pts)
        for (int k = 0; k < 2; ++k) {
            double best = 1e300;
            for (int t = 0; t < 7; ++t) {
                const auto t0 = std::chrono::steady_clock::now();
                for (int r = 0; r < 20; ++r) {
                    const levysgd::stable_distribution<double> d(q.a, q.b, 1, 0, q.p);
                    sink += k == 0 ? levysgd::pdf(d, q.x) : levysgd::cdf(d, q.x);
                }
                const std::chrono::duration<double> dt = std::chrono::steady_clock::now() - t0;
                best = std::min(best, dt.count() / 20);
            }
            total[k] += best;
        }
    const double n = double(pts.size());
    std::printf("%zu points: pdf %.3f us (%.0fk points/s), cdf %.3f us (%.0fk points/s) [%g]\n",
                pts.size(), 1e6 * total[0] / n, 1e-3 * n / total[0], 1e6 * total[1] / n,
                1e-3 * n / total[1], sink);
    return 0;
}
} // namespace

int main(int argc, char **argv) {
    if (argc == 2 && !std::strcmp(argv[1], "scan"))
        return scan();
    if (argc == 3 && !std::strcmp(argv[1], "count"))
        return count(argv[2]);
    if (argc == 3 && !std::strcmp(argv[1], "time"))
        return time_points(argv[2]);
    std::fprintf(stderr, "usage: probe scan | probe count POINTS.csv | probe time POINTS.csv\n");
    return 2;
}
