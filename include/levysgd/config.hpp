#pragma once
// levysgd configuration: version macros (parsed by CMakeLists.txt) and the
// host/device function marker shared by the scalar core and the CUDA headers.

#define LEVYSGD_VERSION_MAJOR 0
#define LEVYSGD_VERSION_MINOR 1
#define LEVYSGD_VERSION_PATCH 0
#define LEVYSGD_VERSION                                                                            \
    (LEVYSGD_VERSION_MAJOR * 10000 + LEVYSGD_VERSION_MINOR * 100 + LEVYSGD_VERSION_PATCH)

// Functions of the scalar core (Philox, uniform/exponential/normal transforms,
// the CMS formula) carry this marker so that nvcc compiles them for the device.
#if defined(__CUDACC__)
#define LEVYSGD_HOST_DEVICE __host__ __device__
#else
#define LEVYSGD_HOST_DEVICE
#endif

// Force-inline hint for the small core functions used inside SIMD loops.
#if defined(__CUDACC__)
#define LEVYSGD_INLINE __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
#define LEVYSGD_INLINE inline __attribute__((always_inline))
#else
#define LEVYSGD_INLINE inline
#endif

// The same for a lambda, written after its parameter list: `[&](auto v)
// LEVYSGD_INLINE_LAMBDA { ... }` (GCC otherwise kept the density integrand,
// called once per batch of nodes, as a call: 6 % more instructions per cdf
// on AVX2).
#if defined(__GNUC__) && !defined(__CUDACC__)
#define LEVYSGD_INLINE_LAMBDA __attribute__((always_inline))
#else
#define LEVYSGD_INLINE_LAMBDA
#endif

// Full unrolling of short fixed-count loops over SIMD values (the Philox
// rounds): unrolled, their state stays in registers; GCC otherwise keeps
// such a loop rolled and its arrays on the stack, one store and reload per
// iteration on the dependency chain.
// nvcc knows "unroll" in host code too, and not GCC's spelling.
#if defined(__CUDACC__) || defined(__clang__)
#define LEVYSGD_UNROLL _Pragma("unroll")
#elif defined(__GNUC__)
#define LEVYSGD_UNROLL _Pragma("GCC unroll 16")
#else
#define LEVYSGD_UNROLL
#endif
