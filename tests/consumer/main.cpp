// Minimal downstream consumer of levysgd (built by the consumer ctest tests):
// draws alpha-stable noise through both public paths and checks them.
#include <levysgd/levysgd.hpp>

#include <cmath>
#include <cstdio>
#include <vector>

int main() {
    static_assert(LEVYSGD_VERSION_MAJOR >= 0, "levysgd version macros must be available");
    levysgd::philox4x32 eng(42, 0);
    levysgd::stable_distribution<double> d(1.5, 0.0, 1.0, 0.0, levysgd::parameterization::S1);
    const double x = d(eng);
    std::vector<double> buf(1000);
    levysgd::sample(d, std::span<double>(buf), 42, 0);
    // the bulk sampler's first value is the engine's first draw (to rounding)
    if (!std::isfinite(x) || std::fabs(x - buf[0]) > 1e-9 * (1 + std::fabs(x))) {
        std::printf("consumer: mismatch %g vs %g\n", x, buf[0]);
        return 1;
    }
    std::printf("consumer: levysgd %d.%d.%d ok\n", LEVYSGD_VERSION_MAJOR, LEVYSGD_VERSION_MINOR,
                LEVYSGD_VERSION_PATCH);
    return 0;
}
