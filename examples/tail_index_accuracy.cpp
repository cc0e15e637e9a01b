// The accuracy experiment of Simsekli et al. 2019 Sec. 4, Fig. 3b for the
// Mohammadi tail-index estimator (eq. 15): for each of 100 tail indices,
// K = K1 x K2 draws of SaS(alpha) (scale 1) with K1 = 100, K2 = 1000 (the
// paper's sizes), alpha-hat = (1/alpha-hat)^-1, repeated 100 times (the
// paper's count). The paper does not print its alpha grid: here 100 values
// evenly spaced on [0.1, 2.0]. Prints, for every tenth alpha, the mean,
// standard deviation and range of alpha-hat over the repetitions; the paper
// reports only that "the estimator is very accurate for a large range of
// alpha" (Fig. 3b is a plot). Values whose log is undefined (0 or +-inf) are
// skipped and counted (bad_value_policy::skip).
//
//   build/release/examples/tail_index_accuracy [repetitions] [seed] [--csv PATH]
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "example_args.hpp"

int main(int argc, char **argv) {
    example_args args("tail_index_accuracy", argc, argv, 100, 2019);
    const std::size_t reps = args.count;
    const std::uint64_t seed = args.seed;
    const std::size_t k1 = 100, k2 = 1000, grid = 100;
    std::FILE *csv = args.open_csv("alpha,k1,k2,repetitions,mean,sd,min,max,n_bad");
    std::printf("Simsekli et al. 2019 Fig. 3b: Mohammadi estimator (eq. 15), K1 = %zu, K2 = %zu, "
                "%zu repetitions,\n%zu alphas on [0.1, 2.0] (grid chosen here), seed %llu\n\n",
                k1, k2, reps, grid, static_cast<unsigned long long>(seed));
    std::printf("%6s | %8s %8s %8s %8s | %6s\n", "alpha", "mean", "sd", "min", "max", "bad");
    const auto t0 = std::chrono::steady_clock::now();
    std::vector<double> x(k1 * k2), est(reps);
    for (std::size_t i = 0; i < grid; ++i) {
        const double alpha = 0.1 + 1.9 * double(i) / double(grid - 1);
        const levysgd::stable_distribution<double> d(alpha, 0.0, 1.0, 0.0,
                                                     levysgd::parameterization::S1);
        std::size_t bad = 0;
        for (std::size_t r = 0; r < reps; ++r) {
            levysgd::sample(d, std::span<double>(x), seed, i * reps + r);
            const auto t = levysgd::mohammadi_tail_index(
                std::span<const double>(x),
                {.k1 = k1, .bad_values = levysgd::bad_value_policy::skip});
            est[r] = t.alpha;
            bad += t.n_bad;
        }
        double mean = 0, sd = 0;
        for (double e : est)
            mean += e / double(reps);
        for (double e : est)
            sd += (e - mean) * (e - mean) / double(reps > 1 ? reps - 1 : 1);
        sd = std::sqrt(sd);
        const auto [mn, mx] = std::minmax_element(est.begin(), est.end());
        if (i % 11 == 0)
            std::printf("%6.3f | %8.4f %8.4f %8.4f %8.4f | %6zu\n", alpha, mean, sd, *mn, *mx, bad);
        if (csv)
            std::fprintf(csv, "%.17g,%zu,%zu,%zu,%.17g,%.17g,%.17g,%.17g,%zu\n", alpha, k1, k2,
                         reps, mean, sd, *mn, *mx, bad);
    }
    std::printf("\n(every 11th alpha shown; --csv writes all %zu) %.1f s\n", grid,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    args.finish();
    return 0;
}
