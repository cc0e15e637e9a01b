// The bulk samplers allocate nothing per call (issue 2: "allocating nothing
// per call"): every global operator new of this test program is counted,
// and the count must not move across sampling calls once the worker pool
// exists. Threaded calls, calls asking for more threads than the machine
// has, and calls made while another thread holds the pool are all checked.
#include <levysgd/levysgd.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <thread>
#include <vector>

#include "levysgd_catch.hpp"

namespace {
std::atomic<std::size_t> allocations{0};

void *counted_alloc(std::size_t n, std::size_t align) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (n == 0)
        n = 1;
    if (align <= alignof(std::max_align_t))
        return std::malloc(n);
    if (n > SIZE_MAX - (align - 1))
        return nullptr;
#if defined(_MSC_VER)
    return _aligned_malloc(n, align);
#else
    return std::aligned_alloc(align, (n + align - 1) / align * align); // a multiple of align
#endif
}
void aligned_free(void *p) noexcept {
#if defined(_MSC_VER)
    _aligned_free(p);
#else
    std::free(p);
#endif
}
} // namespace

// Replacements of the global allocation functions (all forms, so that
// sanitizers see matching pairs). GCC's -Wmismatched-new-delete sees the
// free() inside a replaced operator delete as a mismatch; here it is not.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void *operator new(std::size_t n) {
    if (void *p = counted_alloc(n, 0))
        return p;
    throw std::bad_alloc();
}
void *operator new[](std::size_t n) { return operator new(n); }
void *operator new(std::size_t n, std::align_val_t a) {
    if (void *p = counted_alloc(n, static_cast<std::size_t>(a)))
        return p;
    throw std::bad_alloc();
}
void *operator new[](std::size_t n, std::align_val_t a) { return operator new(n, a); }
void *operator new(std::size_t n, std::align_val_t a, const std::nothrow_t &) noexcept {
    return counted_alloc(n, static_cast<std::size_t>(a));
}
void *operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t &) noexcept {
    return counted_alloc(n, static_cast<std::size_t>(a));
}
void *operator new(std::size_t n, const std::nothrow_t &) noexcept { return counted_alloc(n, 0); }
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept { return counted_alloc(n, 0); }
void operator delete(void *p) noexcept { std::free(p); }
void operator delete[](void *p) noexcept { std::free(p); }
void operator delete(void *p, std::size_t) noexcept { std::free(p); }
void operator delete[](void *p, std::size_t) noexcept { std::free(p); }
void operator delete(void *p, std::align_val_t) noexcept { aligned_free(p); }
void operator delete[](void *p, std::align_val_t) noexcept { aligned_free(p); }
void operator delete(void *p, std::size_t, std::align_val_t) noexcept { aligned_free(p); }
void operator delete[](void *p, std::size_t, std::align_val_t) noexcept { aligned_free(p); }
void operator delete(void *p, std::align_val_t, const std::nothrow_t &) noexcept {
    aligned_free(p);
}
void operator delete[](void *p, std::align_val_t, const std::nothrow_t &) noexcept {
    aligned_free(p);
}
void operator delete(void *p, const std::nothrow_t &) noexcept { std::free(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { std::free(p); }

namespace {
template <class F> std::size_t allocations_in(F &&f) {
    const std::size_t before = allocations.load();
    f();
    return allocations.load() - before;
}
} // namespace

TEMPLATE_TEST_CASE("bulk sampling allocates nothing per call", "[stable][random][alloc]", float,
                   double) {
    using levysgd::parameterization;
    // enough for two threads to take pieces (4096 SIMD chunks each) on every path
    const std::size_t n =
        2 * 4096 *
        std::max(levysgd::detail::fill_chunk<TestType>, levysgd::detail::stable_chunk<TestType>);
    std::vector<TestType> out(n), alpha(n, TestType(1.3)), scale{TestType(2)};
    const levysgd::stable_distribution<TestType> sym(TestType(1.5), 0, 1, 0, parameterization::S1);
    const levysgd::stable_distribution<TestType> skew(TestType(0.7), TestType(0.5), 2, 1,
                                                      parameterization::S0);
    const std::span<TestType> o(out);
    levysgd::sample(sym, o, 1, 1, {.threads = 0}); // creates the worker pool
    for (unsigned t : {1u, 0u, 2u, 1000u}) {
        CAPTURE(t);
        CHECK(allocations_in([&] { levysgd::sample(sym, o, 1, 2, {.threads = t}); }) == 0);
        CHECK(allocations_in(
                  [&] { levysgd::sample(skew, o, 1, 2, {.first_index = 5, .threads = t}); }) == 0);
        CHECK(allocations_in([&] {
                  levysgd::sample_coordinates<TestType>(
                      alpha, scale, TestType(0.2), parameterization::S1, o, 1, 3, {.threads = t});
              }) == 0);
        CHECK(allocations_in([&] { levysgd::fill_normal(o, 1, 4, {.threads = t}); }) == 0);
        CHECK(allocations_in([&] { levysgd::fill_uniform(o, 1, 4, {.threads = t}); }) == 0);
    }
    Eigen::Array<TestType, Eigen::Dynamic, 1> arr(1000);
    CHECK(allocations_in([&] { levysgd::sample(sym, arr, 1, 5); }) == 0);
}

TEST_CASE("a call made while another thread holds the pool allocates nothing and waits for "
          "nobody",
          "[stable][alloc]") {
    using levysgd::parameterization;
    const levysgd::stable_distribution<double> d(1.2, 0.1, 1, 0, parameterization::S0);
    const std::size_t n = 2 * 4096 * levysgd::detail::stable_chunk<double>; // two threads' worth
    std::vector<double> big(n), mine(n), ref(n);
    levysgd::sample(d, std::span<double>(ref), 8, 8, {.threads = 1});
    levysgd::sample(d, std::span<double>(big), 7, 7, {.threads = 0}); // creates the pool
    std::atomic<bool> stop{false};
    std::thread other([&] { // keeps the pool busy most of the time
        while (!stop.load())
            levysgd::sample(d, std::span<double>(big), 7, 7, {.threads = 0});
    });
    std::size_t allocated = 0;
    bool same = true;
    for (std::size_t round = 0; round < levysgd_test::sized(20, 4); ++round) {
        allocated += allocations_in(
            [&] { levysgd::sample(d, std::span<double>(mine), 8, 8, {.threads = 0}); });
        same = same && mine == ref;
    }
    stop = true;
    other.join();
    CHECK(same);
    CHECK(allocated == 0);
}
