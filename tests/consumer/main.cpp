// Minimal downstream consumer of levysgd (built by the consumer ctest tests).
#include <levysgd/levysgd.hpp>

int main() {
    static_assert(LEVYSGD_VERSION_MAJOR >= 0, "levysgd version macros must be available");
    return 0;
}
