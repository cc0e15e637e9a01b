// levysgd's main job: how long does gradient descent with noise stay in a
// narrow basin, under Brownian versus alpha-stable (Levy) noise, as the noise
// level eps -> 0? (Simsekli et al. 2019 Sec. 3: exponential in the
// barrier height for Brownian noise, polynomial eps^-alpha and set by the
// basin width for Levy noise.)
//
// Potential: the double well f'(x) = (x + 1)(x + 1/2)(x - 2): a narrow
// basin [-inf, -1/2) around x = -1 and a wide one around x = 2. Each path
// starts at -1 and runs dX = -f'(X) dt + eps dL (tamed Euler, dt = 0.01: a long
// Levy jump into the steep outer wall must not overshoot across the saddle,
// as plain Euler's drift step would) until it crosses the saddle at -1/2. For
// each eps the table shows the mean exit time (95% CI) for Brownian L = W and
// for symmetric alpha-stable L (alpha = 1.5, L_1 ~ S(1.5, 0, 1)) next to the
// small-noise law the papers give, from levysgd's theory functions:
//   Brownian  Kramers (Xie et al. 2021 Thm 3.1, 1-D): tau_K / 2 with
//             tau_K = 2 pi / sqrt(f''(-1) |f''(-1/2)|) exp(dV/D), D = eps^2/2:
//             the time to reach the saddle is half the well-to-well time;
//             corrections of order D/dV (kramers_escape_time)
//   Levy      Imkeller-Pavlyukevich (Simsekli et al. 2019 Thm 1): 1/q_1, the
//             rate of one jump beyond the saddle distance d = 1/2,
//             d^alpha / c_alpha eps^-alpha with c_alpha = Gamma(alpha)
//             sin(pi alpha/2) / pi; approached from below (the drift and small
//             jumps help) (levy_metastability::mean_exit_time)
// The papers state no eps grid, path count or step for this experiment: the
// grid is dV/D = 2, 3, 4, 5, 6 (the same eps for both noises) and, for Levy
// noise only, eps = 0.08, 0.04, 0.02, 0.01; 2000 paths per cell, dt = 0.01. With --csv PATH it also writes the table and both theory
// curves on a fine eps grid (docs/images/make_figures.py, escape_time.png).
//
//   build/release/examples/double_well_escape [paths] [seed] [--csv PATH]
#include <levysgd/levysgd.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "example_args.hpp"

namespace {

template <class N>
levysgd::escape_result<double, 1> run(const N &noise, double horizon, std::size_t paths,
                                      std::uint64_t seed) {
    const auto well = levysgd::double_well(-1.0, -0.5, 2.0);
    levysgd::escape_options<double> opt;
    opt.paths = paths;
    opt.horizon = horizon;
    opt.seed = seed;
    return levysgd::escape_study(
        well, noise, levysgd::tamed_euler<double>(0.01),
        levysgd::interval<double>(-std::numeric_limits<double>::infinity(), -0.5),
        Eigen::Matrix<double, 1, 1>(-1.0), opt);
}

} // namespace

int main(int argc, char **argv) {
    example_args args("double_well_escape", argc, argv, 2000, 2026);
    const std::size_t paths = args.count;
    const std::uint64_t seed = args.seed;
    const auto well = levysgd::double_well(-1.0, -0.5, 2.0);
    const double dv = well.barrier(0, +1);
    const double h_a = well.second_derivative(-1.0), h_b = well.second_derivative(-0.5);
    const double alpha = 1.5;
    // time to the saddle: half the Kramers well-to-well time (kramers.hpp)
    auto kramers = [&](double eps) { return levysgd::kramers_escape_time(h_a, h_b, dv, eps * eps / 2) / 2; };
    auto levy = [&](double eps) { return levysgd::levy_metastability(well, alpha, eps).mean_exit_time(0); };
    std::printf("levysgd %d.%d.%d: escape from the narrow well of f' = (x+1)(x+1/2)(x-2), "
                "%zu paths per cell, seed %llu, %u threads\n",
                LEVYSGD_VERSION_MAJOR, LEVYSGD_VERSION_MINOR, LEVYSGD_VERSION_PATCH, paths,
                static_cast<unsigned long long>(seed), levysgd::hardware_threads());
    std::printf("barrier dV = %.5f; Kramers (Xie et al. 2021 Thm 3.1) time to the saddle "
                "tau_K/2 = %.3f exp(dV/D);\nImkeller-Pavlyukevich (Simsekli et al. 2019 Thm 1) "
                "1/q_1 = %.3f eps^-alpha (alpha = %.1f)\n\n",
                dv, kramers(1.0) * std::exp(-2 * dv), levy(1.0), alpha);
    std::printf("%7s %6s | %26s %10s %7s | %26s %10s %7s\n", "eps", "dV/D",
                "Brownian mean exit (95% CI)", "Kramers", "sim/th", "Levy mean exit (95% CI)",
                "I-P", "sim/th");
    std::FILE *csv = args.open_csv("kind,noise,eps,mean_exit_time,low,high,paths,exited,censored,"
                                        "non_finite");
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t censored = 0, bad = 0;
    double eps_min = 1e300, eps_max = 0;
    for (double ratio : {2.0, 3.0, 4.0, 5.0, 6.0}) {
        const double eps = std::sqrt(2 * dv / ratio); // dV / D = ratio
        eps_min = std::min(eps_min, eps);
        eps_max = std::max(eps_max, eps);
        const double t_b = kramers(eps), t_l = levy(eps);
        const auto b =
            run(levysgd::gaussian_noise<double>::isotropic(1, eps), 30 * t_b, paths, seed);
        const auto l =
            run(levysgd::stable_noise<double>(1, alpha, eps), 300 * t_l, paths, seed + 1);
        censored += b.censored + l.censored;
        bad += b.non_finite + l.non_finite;
        std::printf("%7.4f %6.1f | %8.2f [%7.2f, %7.2f] %10.2f %7.3f | %8.2f [%7.2f, %7.2f] "
                    "%10.2f %7.3f\n",
                    eps, ratio, b.mean_exit_time.value, b.mean_exit_time.low, b.mean_exit_time.high,
                    t_b, b.mean_exit_time.value / t_b, l.mean_exit_time.value, l.mean_exit_time.low,
                    l.mean_exit_time.high, t_l, l.mean_exit_time.value / t_l);
        if (csv)
            for (const auto *r : {&b, &l})
                std::fprintf(csv, "sim,%s,%.17g,%.17g,%.17g,%.17g,%zu,%zu,%zu,%zu\n",
                             r == &b ? "brownian" : "levy", eps, r->mean_exit_time.value,
                             r->mean_exit_time.low, r->mean_exit_time.high, r->paths, r->exited,
                             r->censored, r->non_finite);
    }
    // Levy only, down to eps = 0.01: its polynomial time stays cheap to simulate
    // where the Brownian exp(dV/D) no longer is.
    std::printf("\nLevy only, smaller eps:\n");
    for (double eps : {0.08, 0.04, 0.02, 0.01}) {
        eps_min = std::min(eps_min, eps);
        const double t_l = levy(eps);
        const auto l =
            run(levysgd::stable_noise<double>(1, alpha, eps), 300 * t_l, paths, seed + 1);
        censored += l.censored;
        bad += l.non_finite;
        std::printf("%7.4f %6s | %26s %10s %7s | %8.2f [%7.2f, %7.2f] %10.2f %7.3f\n", eps, "", "",
                    "", "", l.mean_exit_time.value, l.mean_exit_time.low, l.mean_exit_time.high,
                    t_l, l.mean_exit_time.value / t_l);
        if (csv)
            std::fprintf(csv, "sim,levy,%.17g,%.17g,%.17g,%.17g,%zu,%zu,%zu,%zu\n", eps,
                         l.mean_exit_time.value, l.mean_exit_time.low, l.mean_exit_time.high,
                         l.paths, l.exited, l.censored, l.non_finite);
    }
    if (csv) {
        // both theory curves on a log-spaced grid a little wider than the table's
        const int n = 60;
        const double lo = std::log(0.9 * eps_min), hi = std::log(1.1 * eps_max);
        for (int i = 0; i < n; ++i) {
            const double eps = std::exp(lo + (hi - lo) * i / (n - 1));
            if (eps > 0.12) // below, exp(dV/D) leaves any simulated range
                std::fprintf(csv, "theory,kramers,%.17g,%.17g,,,,,,\n", eps, kramers(eps));
            std::fprintf(csv, "theory,imkeller_pavlyukevich,%.17g,%.17g,,,,,,\n", eps, levy(eps));
        }
        args.finish();
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("\nAs eps falls the Brownian time grows like exp(dV/D) = exp(2 dV/eps^2) and\n"
                "sim/th settles towards 1 (corrections O(D/dV)); the Levy time only like\n"
                "eps^-alpha, from below the first-jump law: Levy noise leaves the narrow well\n"
                "by one jump longer than its width.\n");
    std::printf("censored paths: %zu, non-finite paths: %zu; %.1f s\n", censored, bad, secs);
    return censored == 0 && bad == 0 ? 0 : 1;
}
