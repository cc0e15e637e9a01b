#pragma once
// One NaN / non-finite predicate for scalars and xsimd batches, for kernels
// written once over T = scalar or batch. Never test a batch with x != x:
// xsimd 8's != on AVX/AVX-512 is the ordered compare _CMP_NEQ_OQ, which is
// false for NaN (on SSE2 it is unordered), so such a test silently never
// fires on a -march=native build. tests/test_nan_predicates.cpp checks these
// on the build's ISA; CI runs it native, portable (SSE2) and AVX2.

#include <cmath>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace levysgd::detail {

template <class T>
    requires std::is_floating_point_v<T>
inline bool is_nan(T x) noexcept {
    return std::isnan(x);
}
template <class T, class A> inline auto is_nan(const xsimd::batch<T, A> &x) noexcept {
    return xsimd::isnan(x); // unordered compare on every ISA
}

/// NaN or +-inf.
template <class T>
    requires std::is_floating_point_v<T>
inline bool is_non_finite(T x) noexcept {
    return !std::isfinite(x);
}
template <class T, class A> inline auto is_non_finite(const xsimd::batch<T, A> &x) noexcept {
    return !xsimd::isfinite(x); // xsimd: (x - x) == 0, an ordered ==: false for NaN and inf
}

} // namespace levysgd::detail
