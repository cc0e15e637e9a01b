// The escape-axis experiment of Battash & Lindenbaum 2023 (Sec. 5, Fig. 3):
// gradient descent on the 2-D Ackley function with per-coordinate SaS noise,
// alpha_1 = alpha_2 - Delta, started at the global minimum 0. Once a path
// leaves the disc of radius R, the larger of |x_1|, |x_2| names the axis it
// escaped through. The paper finds that the axis with the smaller tail index
// (x_1) is the more probable exit as Delta grows.
//
// Here: alpha_2 = 1.9, eps = 0.2 on both axes, Euler with dt = 0.01, R = 3,
// 2000 paths (seeds = streams) per Delta; prints P(exit through x_1) with a 95%
// Wilson interval and the mean exit time.
//
//   build/release/examples/ackley_escape_axis [paths] [seed]
#include <levysgd/levysgd.hpp>

#include <cstdio>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    const std::size_t paths = argc > 1 ? std::stoull(argv[1]) : 2000;
    const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 2026;
    const double alpha2 = 1.9, eps = 0.2, radius = 3.0, dt = 0.01;
    std::printf("Ackley escape axis: alpha_1 = %.1f - Delta, alpha_2 = %.1f, eps = %.2f, "
                "R = %.1f, %zu paths per Delta\n\n",
                alpha2, alpha2, eps, radius, paths);
    std::printf("%6s %8s | %28s | %14s %9s\n", "Delta", "alpha_1", "P(exit via x_1) (95% CI)",
                "mean exit time", "censored");
    for (double delta : {0.0, 0.1, 0.2, 0.4, 0.6, 0.8}) {
        const levysgd::stable_noise<double> noise(std::vector<double>{alpha2 - delta, alpha2},
                                                  std::vector<double>{eps, eps});
        levysgd::escape_options<double> opt;
        opt.paths = paths;
        opt.horizon = 1e4;
        opt.seed = seed;
        const auto r =
            levysgd::escape_study(levysgd::ackley<double>(), noise, levysgd::euler<double>(dt),
                                  levysgd::ball<double, 2>(Eigen::Vector2d::Zero(), radius),
                                  Eigen::Vector2d::Zero(), opt);
        const auto p = r.axis(0); // x_1, either side
        std::printf("%6.1f %8.2f | %13.3f [%6.3f, %6.3f] | %14.1f %9zu\n", delta, alpha2 - delta,
                    p.value, p.low, p.high, r.mean_exit_time.value, r.censored);
    }
    return 0;
}
