#pragma once
// The two series of the standard alpha-stable law (alpha != 1) in the S1
// coordinate y, used where they converge to full precision in a few dozen
// terms and the quadrature (density_driver.hpp) would cost hundreds of
// integrand evaluations.
//
// With c = sqrt(1 + zeta^2) = 1 / cos(alpha theta0) the characteristic
// function is exp(-c |t|^alpha e^(-i alpha theta0 sign t)); expanding either
// factor of the Fourier inversion and integrating term by term (Zolotarev
// 1986, sec. 2.4-2.5; Nolan 1997, sec. 2) gives, with the angles of
// stable_side (head = pi/2 - theta0, pm = pi - alpha (pi/2 + theta0)):
//
// Tail series, y > 0 (convergent for alpha < 1, asymptotic for alpha > 1),
// z = c y^-alpha:
//   f(y)        = 1/(pi y) sum_{m>=1} Gamma(m alpha + 1)/m! sin(m pm) z^m
//   P(Y > y)    = 1/pi     sum_{m>=1} Gamma(m alpha)/m!     sin(m pm) z^m
// (the m = 1 term is the leading tail (1 + beta) C y^-alpha of stable_standard::far;
// on the light side of |beta| = 1, pm = 0 and every term vanishes: the
// series never applies there).
//
// Power series, any y (convergent for alpha > 1, asymptotic for alpha < 1):
//   f(y)          = 1/(pi alpha) sum_{m>=1} Gamma(m/alpha)/(m-1)! c^(-m/alpha) sin(m head) y^(m-1)
//   F(y) - head/pi = 1/(pi alpha) sum_{m>=1} Gamma(m/alpha)/m!   c^(-m/alpha) sin(m head) y^m
// (m = 1 of f is f(0) = Gamma(1 + 1/alpha) cos(theta0) c^(-1/alpha) / pi).
//
// Each sum is formed relative to the magnitude of its first coefficient (so
// nothing underflows), with a bound on its rounding error: the log of each
// coefficient comes from lgamma with an absolute error ~ eps |log|, and the
// sine's argument is rounded by ~ eps m angle. A sum is used only if that
// bound plus the first omitted term is below series_tol of its value, and
// the terms are still falling (the asymptotic series diverge eventually):
// otherwise the caller integrates.

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include <xsimd/xsimd.hpp>

#include "density_integrand.hpp"

namespace levysgd::detail {

/// The result of a series: value = exp(log_lead) * sum.
struct stable_series_sum {
    bool ok = false;
    double log_lead = 0; // log of the first coefficient's magnitude
    double sum = 0;      // the series relative to it
};

/// How a series is summed: the relative accuracy asked (estimated rounding
/// plus truncation) and the most terms tried.
struct stable_series_rule {
    static constexpr double tol = 2e-14;
    static constexpr int max_terms = 60;
};

/// The coefficients of one series of one law, kept across the points of a
/// span: log_coef(m) and sin(m angle) for m = 1..n, filled a block of 8
/// terms at a time as far as a point needed them. They are the very numbers
/// stable_series computes without it, so a sum is bitwise the same with or
/// without the memo; it saves the lgamma and sine of every term (most of a
/// series' cost) from the second point on. Not to be shared between threads.
struct stable_series_memo {
    int n = 0;
    double log_coef[stable_series_rule::max_terms + 1];
    double sine[stable_series_rule::max_terms + 1];
};

/// The memos of one law's four series (tail series of each side, density and
/// tail; power series, density and tail), for the points of one span.
struct stable_series_memos {
    stable_series_memo tail_dens[2], tail_tail[2], power_dens, power_tail;
};

/// log m! for m < 64 (exact to rounding; lgamma beyond).
inline double stable_log_factorial(int m) {
    static const auto table = [] {
        struct t {
            double v[64];
        } r{};
        long double s = 0;
        for (int i = 1; i < 64; ++i) {
            s += std::log((long double)i);
            r.v[i] = double(s);
        }
        return r;
    }();
    return m < 64 ? table.v[m] : std::lgamma(m + 1.0);
}

/// log Gamma(x) for a batch of finite x > 0, within 2.1 eps of max(1, |log
/// Gamma|) (1.9 with FMA; xsimd's lgamma: 1.5; measured against mpmath on
/// 19,000 points of (0, 1300) that include every argument m alpha, m alpha +
/// 1 and m / alpha of the series for 95 alphas, and 16,000 of 200 alphas) at
/// 1.6-2.4x its speed, without its branches for negative and non-finite x:
/// - x >= 10: Stirling's series (Abramowitz & Stegun 6.1.41) to z^-13, whose
///   next term is below 3e-17 there;
/// - x < 10: shifted into [2, 3) by Gamma(x + 1) = x Gamma(x) (the
///   subtractions x - k are exact, the additions round by at most an ulp of
///   3), with log Gamma on [2, 3] a Chebyshev fit of degree 15 in t - 5/2
///   (mpmath.chebyfit, error 1.8e-17).
template <class B> B stable_lgamma(const B &x) {
    const auto big = x >= B(10.0);
    B r_big(0.0), r_small(0.0);
    if (xsimd::any(big)) {
        // (z - 1/2) log z - z + log(2 pi)/2 + sum_k B_2k / (2k (2k - 1) z^(2k - 1))
        constexpr double c[] = {0x1.5555555555555p-4,  -0x1.6c16c16c16c17p-9,
                                0x1.a01a01a01a01ap-11, -0x1.3813813813814p-11,
                                0x1.b951e2b18ff23p-11, -0x1.f6ab0d9993c7dp-10,
                                0x1.a41a41a41a41ap-8};
        const B z = xsimd::select(big, x, B(10.0));
        const B r = B(1.0) / z;
        r_big = xsimd::fma(z - B(0.5), fast_log(z), B(0.91893853320467274178) - z) +
                r * core::poly(r * r, c);
    }
    if (!xsimd::all(big)) {
        // x < 2: log Gamma(t) - log(x (x + 1)...), t = x + n in [2, 3);
        // x >= 3: log Gamma(t) + log((x - 1)...(x - n)), t = x - n in [2, 3)
        const auto up = x < B(2.0);
        B t = xsimd::select(big, B(2.5), x), q(1.0);
        for (auto m = t < B(2.0); xsimd::any(m); m = t < B(2.0)) {
            q = xsimd::select(m, q * t, q);
            t = xsimd::select(m, t + B(1.0), t);
        }
        for (auto m = t >= B(3.0); xsimd::any(m); m = t >= B(3.0)) {
            t = xsimd::select(m, t - B(1.0), t);
            q = xsimd::select(m, q * t, q);
        }
        constexpr double c[] = {
            0.2846828704729191,      0.7031566406452432,      0.24517887805012487,
            -0.03936734194029069,    0.009329410366762794,    -0.002614633328988404,
            0.0008035683234374626,   -0.00026150915580209285, 8.842320980860741e-05,
            -3.0715355717268554e-05, 1.0885216621804577e-05,  -3.914871394262627e-06,
            1.411818412382815e-06,   -5.183743204837541e-07,  2.2292060367821534e-07,
            -8.311478512512818e-08};
        const B lq = fast_log(q);
        r_small = core::poly(t - B(2.5), c) + xsimd::select(up, -lq, lq);
    }
    return xsimd::select(big, r_big, r_small);
}

/// sin(x) for a batch of 0 <= x < 2^20 (the series' m angle <= 60 pi):
/// r = x - k pi, k = round(x / pi), with pi in two parts (k pi_hi exact),
/// then (-1)^k sin(r) by the fast_math polynomial. Within 1.6 eps absolute
/// (measured against mpmath on 18,000 multiples m angle, m <= 60), the
/// accuracy the series' rounding bound asks (its argument's own rounding is
/// m angle eps); at half xsimd::sin's cost (no cosine branch, no third part
/// of pi for the relative accuracy next to the multiples of pi).
template <class B> B stable_sin_reduced(const B &x) {
    constexpr double pi_hi = 0x1.921fb54400000p+1;  // 33 bits
    constexpr double pi_lo = 0x1.0b4611a626331p-33; // pi - pi_hi, to 7e-27
    using C = core::fast_math_constants<double>;
    const B kt = x * B(std::numbers::inv_pi) + B(C::round_magic);
    const B k = kt - B(C::round_magic);
    const B r = (x - k * B(pi_hi)) - k * B(pi_lo);
    // the sign bit flipped where k is odd (the lowest mantissa bit of kt)
    const B sr = r * C::sin_c(r * r);
    return from_bits(to_bits(sr, core::bits_tag{}) ^ (to_bits(kt, core::bits_tag{}) << 63), sr,
                     core::bits_tag{});
}

/// The coefficients log Gamma(m c + d) - log (m + e)! of a series.
struct stable_series_coef {
    double c, d;
    int e;
};

/// sum_{m>=1} exp(L(m) - L(1)) sign(m) sin(m angle), L(m) = log_coef(m) + m
/// log_z (log_coef: the stable_series_coef cf), sign(m) = (-1)^(m-1) if
/// alternate. Returns ok = false when the sum's error bound exceeds
/// stable_series_rule::tol times the sum, the terms rise before they are
/// negligible, or the term budget runs out.
/// memo: the coefficients kept from earlier points of a span (or null).
/// The terms come 8 at a time as xsimd batches: the coefficients and sines
/// (stable_lgamma and stable_sin_reduced: within 2.1 eps), the magnitudes and
/// their rounding bounds; the memo's values are those of the batches, so a
/// sum is bitwise the same with or without it.
inline stable_series_sum stable_series(const stable_series_coef &cf, double log_z, double angle,
                                       bool alternate, stable_series_memo *memo = nullptr) {
    constexpr double eps = std::numeric_limits<double>::epsilon();
    constexpr double negligible = 1e-17;
    using batch = xsimd::batch<double>;
    constexpr int block = 8, lanes = int(batch::size);
    static_assert(block % lanes == 0, "whole batches per block");
    stable_series_sum r;
    double l1 = 0, sum = 0, err = 0, prev = INFINITY, l_prev = 0;
    for (int m0 = 1; m0 <= stable_series_rule::max_terms; m0 += block) {
        // log_coef(m) and sin(m angle) for m = m0 .. m0 + 7: from the memo
        // where it has them all, else computed (and kept)
        alignas(64) double lc[block], sn[block], ms[block];
        for (int j = 0; j < block; ++j)
            ms[j] = m0 + j;
        if (memo && m0 + block - 1 <= memo->n) {
            for (int j = 0; j < block; ++j) {
                lc[j] = memo->log_coef[m0 + j];
                sn[j] = memo->sine[m0 + j];
            }
        } else {
            alignas(64) double xs[block];
            for (int j = 0; j < block; ++j)
                xs[j] = ms[j] * cf.c + cf.d;
            for (int j = 0; j < block; j += lanes) {
                stable_lgamma(batch::load_aligned(xs + j)).store_aligned(lc + j);
                stable_sin_reduced(batch::load_aligned(ms + j) * batch(angle))
                    .store_aligned(sn + j);
            }
            for (int j = 0; j < block; ++j)
                lc[j] -= stable_log_factorial(m0 + j + cf.e);
            if (memo && memo->n >= m0 - 1)
                for (int j = memo->n + 1 - m0; j < block && m0 + j <= stable_series_rule::max_terms;
                     ++j) {
                    memo->log_coef[m0 + j] = lc[j];
                    memo->sine[m0 + j] = sn[j];
                    memo->n = m0 + j;
                }
        }
        if (m0 == 1) {
            l1 = lc[0] + log_z;
            if (!std::isfinite(l1))
                return r;
        }
        // L(m), the magnitude exp(L(m) - L(1)) (|term| / |first coefficient|,
        // sine aside) and its rounding: lgamma's and log's (~ eps |L|) in the
        // magnitude, the argument's (~ eps m angle) in the sine
        alignas(64) double lm[block], mag[block], rnd[block];
        for (int j = 0; j < block; j += lanes) {
            const batch l =
                batch::load_aligned(lc + j) + batch::load_aligned(ms + j) * batch(log_z);
            const batch g = fast_exp(l - batch(l1));
            const batch arg = batch::load_aligned(ms + j) * batch(angle);
            const batch sa = xsimd::abs(batch::load_aligned(sn + j));
            l.store_aligned(lm + j);
            g.store_aligned(mag + j);
            (batch(eps) * g * ((xsimd::abs(l) + batch(std::abs(l1) + 4)) * sa + batch(2.0) * arg))
                .store_aligned(rnd + j);
        }
        for (int j = 0; j < block; ++j) {
            const int m = m0 + j;
            if (m > stable_series_rule::max_terms)
                return r;
            const double s = alternate && m % 2 == 0 ? -sn[j] : sn[j];
            sum += mag[j] * s;
            err += rnd[j];
            if (m == 1) {
                prev = mag[j];
                l_prev = lm[j];
                continue;
            }
            // the rounding already exceeds what the sum so far and this term
            // allow: the terms cancel (or the sum is 0)
            if (!(err <= stable_series_rule::tol * (std::abs(sum) + mag[j])))
                return r;
            if (mag[j] < prev) {
                const double ratio = mag[j] / prev;
                if (mag[j] <= negligible * std::abs(sum)) {
                    // the omitted terms fall at least as fast (both series'
                    // ratios decrease with m while they converge)
                    if (ratio < 0.8 && err <= stable_series_rule::tol * std::abs(sum)) {
                        r.ok = std::isfinite(sum);
                        r.log_lead = l1;
                        r.sum = sum;
                    }
                    return r;
                }
                // the terms still needed at this ratio exceed the budget: in
                // logs, log(negligible |sum| / mag) / log(ratio), with log mag
                // = L(m) - L(1) and log ratio = L(m) - L(m - 1) (one log per term)
                if (m >= 4) {
                    constexpr double log_negligible = -39.14394658089878; // log(1e-17)
                    const double need =
                        (log_negligible + stable_log(std::abs(sum)) - (lm[j] - l1)) /
                        (lm[j] - l_prev);
                    if (!(m + need <= stable_series_rule::max_terms))
                        return r;
                }
            } else if (m >= 4 && mag[j] > 1) {
                return r; // rising past the first term: no use within the budget
            }
            prev = mag[j];
            l_prev = lm[j];
        }
    }
    return r;
}

/// Tail series of side s at y > 0: log f(y) (want_dens) and the log of the
/// tail beyond y (want_tail). False where the series does not apply.
/// memo_dens, memo_tail: the coefficients kept across a span (or null).
inline bool stable_tail_series(const stable_side &s, double y, bool want_dens, bool want_tail,
                               double &log_dens, double &log_tail,
                               stable_series_memo *memo_dens = nullptr,
                               stable_series_memo *memo_tail = nullptr) {
    constexpr double pi = std::numbers::pi;
    if (!(y > 0) || !(s.pi_m_a_len > 0))
        return false;
    const double a = s.alpha, ly = std::log(y);
    const double log_z = -s.log_cos_at0 - a * ly; // log c - alpha log y
    if (want_dens) {
        const auto r = stable_series({a, 1, 0}, log_z, s.pi_m_a_len, false, memo_dens);
        if (!r.ok || !(r.sum > 0))
            return false;
        log_dens = r.log_lead + std::log(r.sum) - std::log(pi) - ly;
    }
    if (want_tail) {
        const auto r = stable_series({a, 0, 0}, log_z, s.pi_m_a_len, false, memo_tail);
        if (!r.ok || !(r.sum > 0))
            return false;
        log_tail = r.log_lead + std::log(r.sum) - std::log(pi);
    }
    return true;
}

/// Power series (alpha > 1) of the law whose beta side is pos, at any y:
/// the density (want_dens) and both tails, cdf = F(y) and ccdf = 1 - F(y).
/// False where it does not apply.
inline bool stable_power_series(const stable_side &pos, double y, bool want_dens, bool want_tail,
                                double &dens, double &cdf, double &ccdf,
                                stable_series_memo *memo_dens = nullptr,
                                stable_series_memo *memo_tail = nullptr) {
    constexpr double pi = std::numbers::pi;
    const double a = pos.alpha;
    if (!(a > 1) || y == 0 || !std::isfinite(y))
        return false;
    const double ia = 1 / a, log_c = -pos.log_cos_at0, lay = std::log(std::abs(y));
    const bool alt = y < 0; // y^m alternates in sign
    if (want_dens) {
        // m-th term / y: Gamma(m/a)/(m-1)! c^(-m/a) y^(m-1); written as
        // coefficient (m) times z^m with z = y c^(-1/a), divided by y once
        const auto r = stable_series({ia, 0, -1}, lay - ia * log_c, pos.head, alt, memo_dens);
        if (!r.ok || !(r.sum > 0))
            return false;
        dens = std::exp(r.log_lead - lay) * r.sum / (pi * a);
    }
    if (want_tail) {
        const auto r = stable_series({ia, 0, 0}, lay - ia * log_c, pos.head, alt, memo_tail);
        if (!r.ok)
            return false;
        // F(y) - head/pi; y^m = (-1)^m |y|^m, the sum's signs are (-1)^(m-1)
        const double p = (alt ? -1 : 1) * std::exp(r.log_lead) * r.sum / (pi * a);
        const double lo = pos.head / pi + p, up = pos.len / pi - p;
        // the sum's error is relative to p: neither tail may be much
        // smaller than p
        if (!(std::abs(p) <= 2 * std::min(lo, up)))
            return false;
        cdf = lo;
        ccdf = up;
    }
    return true;
}

} // namespace levysgd::detail
