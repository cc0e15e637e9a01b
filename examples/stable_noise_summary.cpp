// levysgd's main job for now: draw alpha-stable gradient noise in bulk and
// summarise it. For each tail index alpha it samples 10^7 SaS(alpha) values
// (S1, scale 1) with the SIMD sampler on all cores, and prints the time, the
// fraction beyond |x| > 10 and 100 next to the exact asymptotic tail
// 2 c_a x^-a (c_a = Gamma(a) sin(pi a/2)/pi), and the median of |x|.
// The asymptote is the power-law tail 1/|x|^(alpha+1) of the density that
// Simsekli et al. 2019 Sec. 2 builds on; no paper tabulates these numbers, so
// the alpha grid {0.8, 1.0, 1.2, 1.5, 1.8, 2.0} and n are choices.
//
//   build/release/examples/stable_noise_summary [n] [seed]
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numbers>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    const std::size_t n = argc > 1 ? std::stoull(argv[1]) : 10'000'000;
    const std::uint64_t seed = argc > 2 ? std::stoull(argv[2]) : 2026;
    std::vector<double> x(n);
    std::printf("levysgd %d.%d.%d: %zu draws per alpha, seed %llu, %u threads\n\n",
                LEVYSGD_VERSION_MAJOR, LEVYSGD_VERSION_MINOR, LEVYSGD_VERSION_PATCH, n,
                static_cast<unsigned long long>(seed), levysgd::hardware_threads());
    std::printf("tail asymptote: P(|X| > x) ~ 2 c_a x^-a, the power tail of Simsekli et al. 2019 "
                "Sec. 2\n");
    std::printf("%6s %10s %12s %12s %12s %12s %10s\n", "alpha", "Msample/s", "P(|x|>10)",
                "asymptote", "P(|x|>100)", "asymptote", "med|x|");
    std::uint64_t stream = 0;
    for (double alpha : {0.8, 1.0, 1.2, 1.5, 1.8, 2.0}) {
        const levysgd::stable_distribution<double> d(alpha, 0.0, 1.0, 0.0,
                                                     levysgd::parameterization::S1);
        const auto t0 = std::chrono::steady_clock::now();
        levysgd::sample(d, std::span<double>(x), seed, stream++, {.threads = 0});
        const double secs =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::size_t over10 = 0, over100 = 0;
        for (double v : x) {
            over10 += std::fabs(v) > 10;
            over100 += std::fabs(v) > 100;
        }
        const double c =
            std::tgamma(alpha) * std::sin(std::numbers::pi * alpha / 2) / std::numbers::pi;
        auto mid = x.begin() + static_cast<std::ptrdiff_t>(n / 2);
        std::vector<double> ax(x.size());
        std::transform(x.begin(), x.end(), ax.begin(), [](double v) { return std::fabs(v); });
        std::nth_element(ax.begin(), ax.begin() + (mid - x.begin()), ax.end());
        const double med = ax[n / 2];
        // alpha = 2 is Gaussian (variance 2): no power-law tail
        const bool gauss = alpha == 2.0;
        std::printf("%6.2f %10.1f %12.3e %12s %12.3e %12s %10.4f\n", alpha, double(n) / secs / 1e6,
                    double(over10) / double(n),
                    gauss ? "(gauss)" : std::to_string(2 * c * std::pow(10.0, -alpha)).c_str(),
                    double(over100) / double(n),
                    gauss ? "(gauss)" : std::to_string(2 * c * std::pow(100.0, -alpha)).c_str(),
                    med);
    }
    return 0;
}
