#pragma once
// interleave(a, b) -> (lo, hi) with lo = a0 b0 a1 b1 ... (first halves) and
// hi = the second halves, for 32- and 64-bit lanes. xsimd 8's zip_lo/zip_hi
// interleave within 128-bit lanes on AVX/AVX-512, so levysgd uses its own
// (unpack + lane swap on AVX, one two-source permute per output on AVX-512).

#include <array>
#include <cstddef>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace levysgd::detail {

template <class T, class A>
inline void interleave(const xsimd::batch<T, A> &a, const xsimd::batch<T, A> &b,
                       xsimd::batch<T, A> &lo, xsimd::batch<T, A> &hi) noexcept {
    static_assert(sizeof(T) == 4 || sizeof(T) == 8, "32- or 64-bit lanes");
    using B = xsimd::batch<T, A>;
#if defined(__AVX__)
    if constexpr (std::is_base_of_v<xsimd::avx, A> && sizeof(typename B::register_type) == 32) {
        // In-lane unpack, then swap the 128-bit halves into place.
        __m256 fa, fb;
        if constexpr (std::is_same_v<T, float>) {
            fa = a;
            fb = b;
        } else if constexpr (std::is_same_v<T, double>) {
            fa = _mm256_castpd_ps(a);
            fb = _mm256_castpd_ps(b);
        } else {
            fa = _mm256_castsi256_ps(a);
            fb = _mm256_castsi256_ps(b);
        }
        __m256 t0, t1;
        if constexpr (sizeof(T) == 4) {
            t0 = _mm256_unpacklo_ps(fa, fb);
            t1 = _mm256_unpackhi_ps(fa, fb);
        } else {
            t0 = _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(fa), _mm256_castps_pd(fb)));
            t1 = _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(fa), _mm256_castps_pd(fb)));
        }
        const __m256 l = _mm256_permute2f128_ps(t0, t1, 0x20);
        const __m256 h = _mm256_permute2f128_ps(t0, t1, 0x31);
        if constexpr (std::is_same_v<T, float>) {
            lo = B(l);
            hi = B(h);
        } else if constexpr (std::is_same_v<T, double>) {
            lo = B(_mm256_castps_pd(l));
            hi = B(_mm256_castps_pd(h));
        } else {
            lo = B(_mm256_castps_si256(l));
            hi = B(_mm256_castps_si256(h));
        }
        return;
    }
#endif
#if defined(__AVX512F__)
    if constexpr (std::is_base_of_v<xsimd::avx512f, A> && sizeof(typename B::register_type) == 64) {
        // One two-source permute per output (vpermt2d / vpermt2q).
        __m512i ia, ib;
        if constexpr (std::is_same_v<T, float>) {
            ia = _mm512_castps_si512(a);
            ib = _mm512_castps_si512(b);
        } else if constexpr (std::is_same_v<T, double>) {
            ia = _mm512_castpd_si512(a);
            ib = _mm512_castpd_si512(b);
        } else {
            ia = a;
            ib = b;
        }
        __m512i l, h;
        if constexpr (sizeof(T) == 4) {
            l = _mm512_permutex2var_epi32(
                ia, _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), ib);
            h = _mm512_permutex2var_epi32(
                ia, _mm512_setr_epi32(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31),
                ib);
        } else {
            l = _mm512_permutex2var_epi64(ia, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), ib);
            h = _mm512_permutex2var_epi64(ia, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), ib);
        }
        if constexpr (std::is_same_v<T, float>) {
            lo = B(_mm512_castsi512_ps(l));
            hi = B(_mm512_castsi512_ps(h));
        } else if constexpr (std::is_same_v<T, double>) {
            lo = B(_mm512_castsi512_pd(l));
            hi = B(_mm512_castsi512_pd(h));
        } else {
            lo = B(l);
            hi = B(h);
        }
        return;
    }
#endif
    if constexpr (sizeof(typename B::register_type) == 16) {
        // 128-bit registers: xsimd's zip is a true interleave.
        lo = xsimd::zip_lo(a, b);
        hi = xsimd::zip_hi(a, b);
    } else {
        constexpr std::size_t n = B::size;
        alignas(A::alignment()) std::array<T, n> va, vb, vl, vh;
        a.store_aligned(va.data());
        b.store_aligned(vb.data());
        for (std::size_t j = 0; j < n / 2; ++j) {
            vl[2 * j] = va[j];
            vl[2 * j + 1] = vb[j];
            vh[2 * j] = va[n / 2 + j];
            vh[2 * j + 1] = vb[n / 2 + j];
        }
        lo = B::load_aligned(vl.data());
        hi = B::load_aligned(vh.data());
    }
}

} // namespace levysgd::detail
