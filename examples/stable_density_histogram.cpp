// Sampler against density: for several tail indices alpha, n draws of
// SaS(alpha) (S1, beta = 0, scale 1) from levysgd::sample, binned by |x| in
// log-spaced bins, next to the law's own mass per bin from levysgd::cdf,
// 2 (F(b) - F(a)) / (b - a), and the density 2 pdf at the bin's geometric
// centre. Far out both follow the power tail
//   P(|X| > x) ~ 2 c_a x^-a, c_a = Gamma(a) sin(pi a / 2) / pi
// (the heavy tail behind Simsekli et al. 2019 Sec. 2, eq. 7-8); the table
// prints the sampled and exact tail mass beyond x = 10 and 1000 and the
// chi-square of the histogram against the law (bins with >= 5 expected draws).
// Choices (no paper fixes them): alpha in {0.8, 1.2, 1.5, 1.9}, n = 10^6
// per alpha, 40 bins of |x| from 10^-2 to 10^4.
//
//   build/release/examples/stable_density_histogram [n] [seed] [--csv PATH]
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "example_args.hpp"

int main(int argc, char **argv) {
    example_args args("stable_density_histogram", argc, argv, 1'000'000, 2026);
    const std::size_t n = args.count;
    const std::uint64_t seed = args.seed;
    const int bins = 40;
    const double lo = -2.0, hi = 4.0; // log10 of the bin range of |x|
    std::FILE *csv = args.open_csv("alpha,bin_low,bin_high,count,n,sampled_density,bin_mean_density,"
                                        "pdf_at_centre");
    std::printf("SaS(alpha) (S1, scale 1): %zu draws per alpha, seed %llu; density of |x|\n\n", n,
                static_cast<unsigned long long>(seed));
    std::printf("%6s | %11s %11s %11s | %11s %11s %11s | %9s %5s\n", "alpha", "P(|x|>10)",
                "exact", "2c x^-a", "P(|x|>1e3)", "exact", "2c x^-a", "chi2", "bins");
    std::vector<double> x(n);
    std::uint64_t stream = 0;
    for (double alpha : {0.8, 1.2, 1.5, 1.9}) {
        const levysgd::stable_distribution<double> d(alpha, 0.0, 1.0, 0.0,
                                                     levysgd::parameterization::S1);
        levysgd::sample(d, std::span<double>(x), seed, stream++);
        std::vector<std::size_t> count(bins, 0);
        std::size_t over10 = 0, over1000 = 0;
        for (double v : x) {
            const double a = std::fabs(v);
            over10 += a > 10;
            over1000 += a > 1000;
            const double k = std::floor((std::log10(a) - lo) / (hi - lo) * bins);
            if (k >= 0 && k < bins)
                ++count[static_cast<std::size_t>(k)];
        }
        double chi2 = 0;
        int used = 0;
        for (int k = 0; k < bins; ++k) {
            const double a = std::pow(10.0, lo + (hi - lo) * k / bins),
                         b = std::pow(10.0, lo + (hi - lo) * (k + 1) / bins);
            // mass of |X| in [a, b): 2 (F(b) - F(a)) by symmetry; ccdf keeps the
            // far tail free of cancellation
            const double mass = 2 * (levysgd::ccdf(d, a) - levysgd::ccdf(d, b));
            const double expect = mass * double(n);
            const double c = double(count[std::size_t(k)]);
            if (expect >= 5) {
                chi2 += (c - expect) * (c - expect) / expect;
                ++used;
            }
            if (csv)
                std::fprintf(csv, "%.2f,%.17g,%.17g,%zu,%zu,%.17g,%.17g,%.17g\n", alpha, a, b,
                             count[std::size_t(k)], n, c / double(n) / (b - a), mass / (b - a),
                             2 * levysgd::pdf(d, std::sqrt(a * b)));
        }
        const double c_a =
            std::tgamma(alpha) * std::sin(std::numbers::pi * alpha / 2) / std::numbers::pi;
        std::printf("%6.2f | %11.4e %11.4e %11.4e | %11.4e %11.4e %11.4e | %9.1f %5d\n", alpha,
                    double(over10) / double(n), 2 * levysgd::ccdf(d, 10.0),
                    2 * c_a * std::pow(10.0, -alpha), double(over1000) / double(n),
                    2 * levysgd::ccdf(d, 1000.0), 2 * c_a * std::pow(1000.0, -alpha), chi2, used);
    }
    std::printf("\nchi2 has about (bins - 1) degrees of freedom under the law.\n");
    args.finish();
    return 0;
}
