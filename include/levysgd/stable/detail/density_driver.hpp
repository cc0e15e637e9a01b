#pragma once
// The driver of one stable evaluation: the peak of the density integrand
// (g = 1, Nolan 1997) located by a root search in log v on either half of the
// theta range, the breakpoints placed around it, and the quadrature run.

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numbers>

#include <xsimd/xsimd.hpp>

#include "density_integrand.hpp"
#include "density_quadrature.hpp"

namespace levysgd::detail {

/// The batched peak search evaluates f at eight points at a time, whatever
/// the SIMD width (so the points, and the values, are the same on every
/// instruction set): f(v[i]) into fv[i], batch by batch in order, until
/// done(i) holds for a lane i; returns that i, or 8 if none does.
inline constexpr int stable_scan_points = 8;
template <class F, class Done>
int stable_scan(const F &f, const double *v, double *fv, Done &&done) {
    using batch = xsimd::batch<double>;
    constexpr int W = static_cast<int>(batch::size);
    static_assert(stable_scan_points % W == 0);
    for (int b = 0; b < stable_scan_points; b += W) {
        f(batch::load_unaligned(v + b)).store_unaligned(fv + b);
        for (int i = b; i < b + W; ++i)
            if (done(i))
                return i;
    }
    return stable_scan_points;
}

/// Root of lg(h, v) = 0 for v in (0, vmax] on one half, where lg is monotone;
/// searched in s = log v (lg is close to linear in s near the ends). f is
/// called with a double or a SIMD batch of doubles.
/// Returns 0 if lg has the same sign at the ends (no root: the peak is at an end).
/// f_vmax: f(vmax) if the caller has it (NaN: evaluated here); f_root: lg at
/// the returned root (interpolated, close to 0), else NaN.
///
/// The search is batched (issue 18), eight points per batch evaluation: the
/// first batch holds seven points equally spaced in s between vmax and
/// vmax/16 and vmax/16 itself, where most roots lie; below it a geometric
/// walk (v_k = v_(k-1) 16^-(k+1), v_0 = vmax) takes eight steps per batch.
/// The bracket found is cut into nine by eight more points until it is at
/// most 0.04 wide in s (once after the first batch), and false position
/// there gives the root (the breakpoints need it only to a small fraction
/// of 1/|slope|, see stable_integrate) and the slope. Two batch evaluations
/// replace a walk step and Illinois steps, ~6 scalar evaluations in a row on
/// the benchmark's points.
template <class F>
double stable_log_root(const F &f, double vmax, double &slope, double f_vmax = NAN,
                       double *f_root = nullptr) {
    constexpr int P = stable_scan_points;
    slope = 0;
    if (f_root)
        *f_root = NAN;
    double hi = vmax, fhi = std::isnan(f_vmax) ? f(hi) : f_vmax;
    if (fhi == 0) {
        // the root is vmax itself (alpha = 1 at x = 0: log g = 0 at the
        // midpoint exactly); the slope from a point 0.04 below in s
        constexpr double ds = 0.04;
        const double f_lo = f(vmax * std::exp(-ds));
        if (std::isfinite(f_lo))
            slope = (fhi - f_lo) / ds;
        if (f_root)
            *f_root = 0;
        return hi;
    }
    // lg is monotone: if it has fhi's sign at the walk's last point, the
    // walk below would find no sign change
    double v_last = vmax;
    for (double step = 1; v_last >= 1e-300;) {
        step *= 1.0 / 16; // the walk's steps, 2^(-4 (k + 1)), exactly
        v_last *= step;
    }
    if (const double f_last = f(v_last); !std::isnan(f_last) && (f_last < 0) == (fhi < 0))
        return 0;
    // The first batch: seven points equally spaced in s between vmax and
    // the walk's first step vmax/16, and that step (most roots are there).
    // Then the walk towards 0, eight steps at a time (v_k = v_(k-1)
    // 16^-(k+1)), to the first sign change (a NaN before it: no root).
    double v[P], fv[P], sv[P];
    const double s_max = stable_log(vmax);
    for (int i = 0; i < P - 1; ++i) {
        sv[i] = s_max - std::numbers::ln2 * 4 * (i + 1) / P;
        v[i] = fast_exp(sv[i]);
    }
    v[P - 1] = vmax / 16;
    sv[P - 1] = stable_log(v[P - 1]);
    // the bracket's upper end in s, and lg there
    double b = s_max, fb = fhi;
    auto changes = [&](int j) { return std::isnan(fv[j]) || (fv[j] < 0) != (fhi < 0); };
    int i = stable_scan(f, v, fv, changes);
    if (i == P) { // the walk from vmax/16 on, its last point before the change kept as v_hi
        double vk = v[P - 1], v_hi = vk, f_hi = fv[P - 1];
        for (double step = 1.0 / 16; i == P;) {
            for (int j = 0; j < P; ++j) {
                step *= 1.0 / 16;
                vk *= step;
                v[j] = vk;
            }
            i = stable_scan(f, v, fv, [&](int j) { return changes(j) || v[j] < 1e-300; });
            const int last = i == P ? P - 1 : i - 1; // -1: the previous batch's last
            if (last >= 0) {
                v_hi = v[last];
                f_hi = fv[last];
            }
        }
        b = stable_log(v_hi);
        fb = f_hi;
        sv[i] = stable_log(v[i]);
    } else if (i > 0) {
        b = sv[i - 1];
        fb = fv[i - 1];
    }
    if (std::isnan(fv[i]) || (fv[i] < 0) == (fhi < 0))
        return 0; // a NaN, or below 1e-300 without a sign change
    double a = sv[i], fa = fv[i];
    if (fa == 0) {
        slope = (fb - fa) / (b - a);
        if (f_root)
            *f_root = 0;
        return v[i];
    }
    // rounds of eight equally spaced points in s, to a width <= 0.04
    constexpr double width = 0.04;
    while (b - a > width) {
        const double w = (b - a) / (P + 1);
        for (int j = 0; j < P; ++j) {
            sv[j] = a + w * (j + 1);
            v[j] = fast_exp(sv[j]);
        }
        i = stable_scan(f, v, fv, [&](int j) {
            return std::isnan(fv[j]) || fv[j] == 0 || (fv[j] < 0) != (fa < 0);
        });
        if (i < P && std::isnan(fv[i]))
            break; // keep the bracket so far
        if (i < P && fv[i] == 0) {
            slope = (fb - fa) / (b - a);
            if (f_root)
                *f_root = 0;
            return v[i];
        }
        if (i > 0) {
            a = sv[i - 1];
            fa = fv[i - 1];
        }
        if (i < P) {
            b = sv[i];
            fb = fv[i];
        }
    }
    slope = (fb - fa) / (b - a);
    double c = a - fa * (b - a) / (fb - fa); // false position
    if (!(c > std::min(a, b) && c < std::max(a, b)))
        c = 0.5 * (a + b);
    if (f_root) // lg at the root, interpolated (~0; the caller's scale only)
        *f_root = fa + slope * (c - a);
    return fast_exp(c);
}

/// The integrals of one evaluation: the theta interval of length len, split
/// into halves; lg(h, v) gives log g. The density integrand is scaled by
/// exp(-shift), shift = the maximum of log g - g (found from the peak).
template <class LogG>
stable_integrals stable_integrate(const LogG &lg, double len, unsigned want, double tol) {
    const double half = 0.5 * len;
    // peak: g = 1, on whichever half lg changes sign
    const double l_mid = lg(0, half);
    double shift = 0;
    int peak_h = -1;
    double peak_v = 0;
    if (std::isnan(l_mid))
        return {};
    // lg at the ends of each half: sign tells where the root is
    auto f0 = [&](auto v) { return lg(0, v); };
    auto f1 = [&](auto v) { return lg(1, v); };
    // (both halves end at the midpoint: lg(1, half) is l_mid, bitwise, since
    // len - half = half exactly)
    double slope = 0, l_root = NAN;
    const double r0 = stable_log_root(f0, half, slope, l_mid, &l_root);
    // (r0 = half: the root is the midpoint itself, a peak on half 0 whose
    // breakpoints beyond it are mirrored onto half 1; without it the
    // evaluation took the end pieces of a law without a root and bisected:
    // cdf at alpha = 1, beta = 0.5, x = 0 in 336 nodes)
    if (r0 > 0 && r0 <= half) {
        peak_h = 0;
        peak_v = r0;
    } else {
        const double r1 = stable_log_root(f1, half, slope, l_mid, &l_root);
        if (r1 > 0 && r1 < half) {
            peak_h = 1;
            peak_v = r1;
        }
    }
    double g_ref = 0; // g where the density integrand peaks (scales the e^-g integral)
    bool light = false; // g > 1 everywhere, smallest at an end
    double l_ref = 0; // log g there: the density integrand is scaled by exp(-(l_ref - e^l_ref))
    if (peak_h >= 0) {
        l_ref = std::isnan(l_root) ? lg(peak_h, peak_v) : l_root;
        shift = l_ref - fast_exp(l_ref);
        g_ref = fast_exp(l_ref);
    } else {
        // no root: g stays on one side of 1; the maximum of l - e^l is at the
        // end where g is closest to 1. Probe both ends close in.
        const double la = lg(0, half * 1e-12), lb = lg(1, half * 1e-12);
        const double ma = std::isfinite(la) ? la - fast_exp(la) : -INFINITY;
        const double mb = std::isfinite(lb) ? lb - fast_exp(lb) : -INFINITY;
        const double mm = l_mid - fast_exp(l_mid);
        shift = mm;
        double lr = l_mid;
        int h_end = -1;
        // l - e^l is -inf for every l > 709.8 (g > 1 everywhere, far in a
        // light tail): among those, the smaller l is the nearer to g = 1
        auto better = [](double m, double l, double m_best, double l_best) {
            return m > m_best || (m == m_best && m == -INFINITY && l > 0 && l < l_best);
        };
        if (std::isfinite(la) && better(ma, la, shift, lr)) {
            shift = ma;
            lr = la;
            h_end = 0;
        }
        if (std::isfinite(lb) && better(mb, lb, shift, lr)) {
            shift = mb;
            lr = lb;
            h_end = 1;
        }
        g_ref = std::min(fast_exp(lr), 700.0);
        l_ref = lr;
        if (h_end >= 0 && lr > 0) {
            light = true;
            // g > 1 everywhere (a light tail): the density integrand decays
            // from the end where g is smallest, within g - g_end ~ 1, i.e.
            // v ~ 1 / (g_end d log g / dv), which for large g_end lies far
            // below the probe at half * 1e-12. Reference the end value itself
            // and put the peak where g_end (log g - log g_end) = 1.
            const double le = lg(h_end, 1e-300);
            if (std::isfinite(le))
                l_ref = std::min(le, lr);
            const double G = fast_exp(l_ref);
            shift = l_ref - G;
            if (std::isfinite(G)) {
                auto fe = [&](auto v) {
                    using T = decltype(v);
                    return T(G) * (lg(h_end, v) - T(l_ref)) - T(1.0);
                };
                double sl = 0;
                const double re = stable_log_root(fe, half, sl);
                if (re > 0 && re < half) {
                    peak_h = h_end;
                    peak_v = re;
                    slope = 1; // exponent ~ -e^(s - s_peak) on the far side
                }
            }
        }
    }
    // Both halves in s = log v (v the distance from the half's own end):
    // the integrands have one peak and decay exponentially (or faster) in s
    // on both sides, so a fixed window of +-40 around the peak and the
    // half's end holds everything above 1e-17 of the total. Breakpoints at
    // the peak and 2 and 8 units from it keep every piece's mass visible to
    // its Gauss-Kronrod nodes.
    stable_quadrature<LogG> q(lg, want, l_ref, g_ref, light);
    const double s_end = stable_log(half);
    const double s_peak = peak_h >= 0 ? stable_log(peak_v) : 0; // the peak's s = log v
    // Breakpoints of the peak's half that fall beyond the midpoint (a peak
    // within a few widths of it) belong to the other half: v' = len - v.
    // Without them the other half's end piece, 2 units wide in s, can hold
    // a sliver of the peak that its 15 nodes miss while K15 and G7 agree.
    double mirrored[16];
    int n_mirrored = 0;
    // the integrands at the peak over 10 k (their integrals are ~ e / k times
    // that), and where the steep and the shallow side start to be probed
    double ref[3] = {0, 0, 0}, s_steep = 0, s_shallow = 0;
    const bool probe = peak_h >= 0 && slope != 0;
    if (probe) {
        const double sp = s_peak, k = std::abs(slope) > 1e-3 ? std::abs(slope) : 1.0;
        if (light) {
            q.values(peak_h, sp, ref);
        } else {
            // at the peak log g = l_ref: the density and e^-g integrands
            // (scaled by their references) are both v there
            ref[0] = ref[1] = peak_v;
            ref[2] = -std::expm1(-g_ref) * peak_v;
        }
        for (double &r : ref)
            r /= 10 * std::max(k, 1.0);
        s_steep = sp - 3 / k;
        s_shallow = sp - 1 / k;
    }

    for (int k = 0; k < 2; ++k) {
        const int h = peak_h == 1 ? 1 - k : k; // the peak's half first
        double bp[32];
        int n = 0;
        if (h == peak_h) {
            // log g ~ sp' (s - sp) near the peak: on the side where g > 1 the
            // integrands die like exp(-e^(|k| ds)), on the other like
            // e^(-|k| ds); breakpoints at multiples of 1/|k| resolve both
            // however steep g is (|k| ~ 1 / |alpha - 1| near alpha = 1).
            const double sp = s_peak;
            const double k = std::abs(slope) > 1e-3 ? std::abs(slope) : 1.0;
            const double lo = sp - 40;
            // the steep side (where g > 1, in the direction of the slope's
            // sign) gets breakpoints every ~1/k up to 4/k (exp(-e^4) ~ 1e-24),
            // the shallow side geometric ones out to 48/k (callgrind: 7 %
            // fewer instructions than +-{1, 4, 16, 48}/k on both sides).
            // Tail integrals alone take the steep side every 1/k to 4.5/k:
            // e^-g falls from the peak where g e^-g still rises, and its
            // pieces there had |K15 - G7| of 1e-18 to 1e-15 of the integral
            // (cdf nodes on the benchmark's 468 points 36,224 -> 34,528,
            // callgrind -2.4 %; 4/k: 34,752, 5/k: 34,496, {1.2, 2.4, 4}/k:
            // 35,728; the reference maxima unchanged)
            double cand[16];
            int m = 0;
            const double up = slope > 0 ? 1.0 : -1.0;
            if (want & want_density) {
                for (double d : {0.75, 1.5, 2.25, 3.0, 4.0})
                    cand[m++] = sp + up * d / k;
            } else {
                for (double d : {1.0, 2.0, 3.0, 4.5})
                    cand[m++] = sp + up * d / k;
            }
            for (double d : {1.0, 3.0, 8.0, 20.0, 48.0})
                cand[m++] = sp - up * d / k;
            for (double d : {2.0, 8.0}) {
                cand[m++] = sp - d;
                cand[m++] = sp + d;
            }
            cand[m++] = sp;
            std::sort(cand, cand + m);
            bp[n++] = lo;
            for (int i = 0; i < m; ++i) {
                if (cand[i] > bp[n - 1] + 1e-12 * (1 + std::abs(cand[i])) && cand[i] < s_end) {
                    bp[n++] = cand[i];
                } else if (cand[i] >= s_end) {
                    const double vm = 2 * half - fast_exp(cand[i]);
                    if (vm > 0 && vm < half)
                        mirrored[n_mirrored++] = stable_log(vm);
                }
            }
        } else {
            // the end pieces, and the peak's breakpoints mirrored onto this
            // half. The end pieces at s_end - {38, 13, 4.5, 1.25} (were
            // -{40, 8, 2}): a half without the peak falls from the midpoint
            // at the peak's shallow rate and then like e^s or faster; nodes
            // on the benchmark's 468 points, pdf / cdf -4.9 % / -4.0 %, on
            // 600 random points -2.3 % / -1.5 %, values within 1.3e-14.
            double other[18];
            int m = 0;
            for (int i = 0; i < n_mirrored; ++i)
                other[m++] = mirrored[i];
            for (double d : {13.0, 4.5, 1.25})
                other[m++] = s_end - d;
            std::sort(other, other + m);
            bp[n++] = s_end - 38;
            for (int i = 0; i < m; ++i)
                if (other[i] > bp[n - 1] + 1e-12 * (1 + std::abs(other[i])) && other[i] < s_end)
                    bp[n++] = other[i];
        }
        bp[n++] = s_end;
        // g grows towards this half's end (below the peak on its half if
        // the slope is negative, the whole other half if it is positive)?
        const bool g_up = (slope < 0) == (h == peak_h);
        // The end where the wanted tail integrand tends to 1 (e^-g where
        // g -> 0, 1 - e^-g where g -> infinity) is flipped: its pieces
        // integrate the complement, which decays fast (flip_point).
        int first = 0, flip = 0;
        if (peak_h >= 0 && slope != 0 && !light && want == (g_up ? want_upper : want_lower)) {
            double rate = 1;
            // (the lower tail's negligible pieces are judged after the new
            // breakpoints below, not from these)
            flip = q.flip_point(h, bp, n, h == peak_h ? s_peak : s_end, slope,
                                probe && want == want_upper ? ref : nullptr, first, rate);
            if (flip > 0 && want == want_lower) {
                // The complement (1 - e^-g) v ~ g v decays like e^{rate s}
                // below s_c, more slowly than the steep side's exp(-e^s):
                // breakpoints at depths 2.6, 14 and 50 in units of 1 / rate
                // (the old lowest one kept below in case the rate drops
                // further out; then the negligible ones dropped). The top
                // piece holds the bend of 1 - F; the two below are close to
                // e^{rate s}, on which G7 is off by ~2e-6 and ~2e-2 (widths
                // 11.4 and 36) but K15 by ~2e-16 and ~7e-8 (times their
                // shares e^-2.6 and e^-14): each converges in one Patterson
                // extension (16 nodes) where seven depths (50, 32, 21, 14.4,
                // 9.5, 5.7, 2.6: G7 itself below 1e-13) cost four more
                // Kronrod panels. cdf nodes on the benchmark's 468 points
                // 38,400 -> 36,224; callgrind -3.3 %; the reference maxima
                // unchanged (wider top pieces, 4 to 9 units, cost more).
                double nb[32];
                int m = 0;
                const double sc = bp[flip];
                if (bp[0] < sc - 50 / rate)
                    nb[m++] = bp[0];
                for (double d : {50.0, 14.0, 2.6})
                    nb[m++] = sc - d / rate;
                const int new_flip = m;
                for (int i = flip; i < n; ++i)
                    nb[m++] = bp[i];
                std::copy(nb, nb + m, bp);
                n = m;
                flip = new_flip;
                first = probe ? q.negligible_flipped(h, bp, flip, ref) : 0;
            }
        }
        // Pieces far out on the steep or the shallow side (or in the flipped
        // end) that hold nothing are left out, judged from the integrands at
        // their upper ends (not the tail integrand that tends to v there).
        if (probe && flip == 0)
            first = q.negligible_below(h, bp, n,
                                       h != peak_h ? s_end
                                       : g_up      ? s_steep
                                                   : s_shallow,
                                       ref, g_up);
        q.add_pieces(h, bp, first, n, flip);
    }
    return q.run(tol);
}

} // namespace levysgd::detail
