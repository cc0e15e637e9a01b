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
// as plain Euler's drift step would) until it crosses the saddle at -1/2. For each eps the table
// shows the mean exit time (95% CI) for Brownian L = W and for symmetric alpha-stable L (alpha
// = 1.5, L_1 ~ S(1.5, 0, 1)), and each normalised by its small-noise law:
//   Brownian  tau exp(-dV/D), D = eps^2/2, dV the barrier: tends to
//             pi / sqrt(f''(-1) |f''(-1/2)|), the Kramers time to reach the
//             saddle (half the well-to-well time 2 pi / sqrt(...)), with
//             corrections of order D/dV
//   Levy      tau eps^alpha: tends to a constant; the first-jump estimate
//             (a jump beyond the saddle distance d = 1/2 ends the stay) is
//             d^alpha / c_alpha, c_alpha = Gamma(alpha) sin(pi alpha/2) / pi,
//             approached from below (the drift and small jumps help).
//
//   build/release/examples/double_well_escape [paths] [seed]
#include <levysgd/levysgd.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

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
    const std::size_t paths = argc > 1 ? std::stoull(argv[1]) : 2000;
    const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 2026;
    const auto well = levysgd::double_well(-1.0, -0.5, 2.0);
    const double dv = well.barrier(0, +1);
    const double kramers = std::numbers::pi / std::sqrt(well.second_derivative(-1.0) *
                                                        std::abs(well.second_derivative(-0.5)));
    const double alpha = 1.5, d = 0.5;
    const double c_alpha =
        std::tgamma(alpha) * std::sin(std::numbers::pi * alpha / 2) / std::numbers::pi;
    std::printf("levysgd %d.%d.%d: escape from the narrow well of f' = (x+1)(x+1/2)(x-2), "
                "%zu paths per cell, seed %llu, %u threads\n",
                LEVYSGD_VERSION_MAJOR, LEVYSGD_VERSION_MINOR, LEVYSGD_VERSION_PATCH, paths,
                static_cast<unsigned long long>(seed), levysgd::hardware_threads());
    std::printf(
        "barrier dV = %.5f; Kramers prefactor (time to the saddle) %.3f; Levy first-jump constant "
        "d^a/c_a = %.3f (alpha = %.1f)\n\n",
        dv, kramers, std::pow(d, alpha) / c_alpha, alpha);
    std::printf("%7s %6s | %26s %12s | %26s %12s\n", "eps", "dV/D", "Brownian mean exit (95% CI)",
                "tau e^-dV/D", "Levy mean exit (95% CI)", "tau eps^a");
    const auto t0 = std::chrono::steady_clock::now();
    std::size_t censored = 0, bad = 0;
    for (double ratio : {2.0, 3.0, 4.0, 5.0, 6.0}) {
        const double eps = std::sqrt(2 * dv / ratio); // dV / D = ratio
        const double t_b = kramers * std::exp(ratio), t_l = std::pow(eps, -alpha);
        const auto b =
            run(levysgd::gaussian_noise<double>::isotropic(1, eps), 30 * t_b, paths, seed);
        const auto l =
            run(levysgd::stable_noise<double>(1, alpha, eps), 300 * t_l, paths, seed + 1);
        censored += b.censored + l.censored;
        bad += b.non_finite + l.non_finite;
        std::printf("%7.4f %6.1f | %8.2f [%7.2f, %7.2f] %12.3f | %8.2f [%7.2f, %7.2f] %12.3f\n",
                    eps, ratio, b.mean_exit_time.value, b.mean_exit_time.low, b.mean_exit_time.high,
                    b.mean_exit_time.value * std::exp(-ratio), l.mean_exit_time.value,
                    l.mean_exit_time.low, l.mean_exit_time.high,
                    l.mean_exit_time.value * std::pow(eps, alpha));
    }
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("\nAs eps falls the Brownian time grows like exp(dV/D) = exp(2 dV/eps^2) (the\n"
                "normalised column settles), the Levy time only like eps^-alpha: Levy noise\n"
                "leaves the narrow well by one jump longer than its width.\n");
    std::printf("censored paths: %zu, non-finite paths: %zu; %.1f s\n", censored, bad, secs);
    return censored == 0 && bad == 0 ? 0 : 1;
}
