#pragma once
// The Gauss-Kronrod (7-15) rule (Kronrod 1965; nodes and weights as in
// QUADPACK, Piessens et al. 1983): the 15 abscissae of a panel, the Kronrod
// value and the |K15 - G7| error estimate from the 15 function values, one
// panel for a scalar function, and the global adaptive driver that bisects
// the piece with the largest error until a relative tolerance is met. Also
// the Patterson extension of the Kronrod rule to 31 points (Patterson 1968:
// 16 nodes added to the 15, degree 47): a caller that keeps a panel's 15
// values can refine it with 16 new ones instead of 30 (a bisection), with
// |P31 - K15| as the error estimate.
//
// Host/device code: no Eigen, xsimd, iostreams, exceptions or allocation;
// fixed-size arrays only. Vectorised callers evaluate the nodes themselves
// (gk15_abscissae, then gk15_combine on the values).

#include <cmath>

#include "../config.hpp"

namespace levysgd::core {

/// Kronrod value and |K - G| error estimate of one panel (both times the half width).
struct gk15_estimate {
    double value = 0;
    double error = 0;
};

/// x[j] = c - hw xs[j] and x[last - j] = c + hw xs[j] for j < n (xs the
/// positive nodes on [-1, 1], descending; c, hw the centre and half width of
/// [a, b]). Returns hw.
LEVYSGD_HOST_DEVICE inline double gk_mirrored_nodes(double a, double b, const double *xs, int n,
                                                    double *x, int last) noexcept {
    const double c = 0.5 * (a + b), hw = 0.5 * (b - a);
    for (int j = 0; j < n; ++j) {
        x[j] = c - hw * xs[j];
        x[last - j] = c + hw * xs[j];
    }
    return hw;
}

/// The 15 abscissae of [a, b] in ascending order: x[j] = c - hw xk[j],
/// x[14 - j] = c + hw xk[j], x[7] = c. Returns the half width hw.
LEVYSGD_HOST_DEVICE inline double gk15_abscissae(double a, double b, double *x) noexcept {
    // Kronrod 15 nodes, positive half, descending (Kronrod 1965); local so
    // that device code can index them
    constexpr double gk15_xk[8] = {
        0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
        0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
        0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
        0.207784955007898467600689403773245, 0.0};
    const double hw = gk_mirrored_nodes(a, b, gk15_xk, 7, x, 14);
    x[7] = 0.5 * (a + b);
    return hw;
}

/// Kronrod value and error estimate from the values f[0..15) at the
/// abscissae of gk15_abscissae, hw the half width.
LEVYSGD_HOST_DEVICE inline gk15_estimate gk15_combine(const double *f, double hw) noexcept {
    // Kronrod 15 weights; Gauss 7 weights on the odd nodes (Kronrod 1965)
    constexpr double gk15_wk[8] = {
        0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
        0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
        0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
        0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
    constexpr double gk15_wg[4] = {
        0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
        0.381830050505118944950369775488975, 0.417959183673469387755102040816327};
    double k = gk15_wk[7] * f[7], g = gk15_wg[3] * f[7];
    for (int j = 0; j < 7; ++j) {
        const double s = f[j] + f[14 - j];
        k += gk15_wk[j] * s;
        if (j % 2 == 1)
            g += gk15_wg[j / 2] * s;
    }
    const double d = (k - g) * hw;
    return {k * hw, d < 0 ? -d : d};
}

/// Kronrod value and a sharper error estimate, from the same 15 values.
/// |K15 - G7| is the error of G7 (exact to degree 13), not of K15 (exact to
/// degree 22): on a panel where f is resolved, K15 is often right to the
/// last digits while G7 is off by 1e-9. Null rules (Berntsen and Espelid
/// 1991) read how fast f is resolved: f's coefficients c_j in the
/// polynomials q_j orthonormal on the 15 nodes under the Kronrod weights
/// (c_j = sum_i n_j[i] f_i, the null rule n_j of degree j annihilating
/// every polynomial of degree < j; tests/scripts/gk15_null_rules.py), with
/// |K15 - G7| = |c_14| |G7(q_14)| exactly. From the pairs
/// R_1 = c_13^2 + c_14^2, R_2 = c_11^2 + c_12^2, R_3 = c_9^2 + c_10^2
/// (pairs, so that an even or odd f reads right) r^2 = max(R_1 / R_2,
/// R_2 / R_3) is the decay over two degrees; K15's error, about the
/// coefficient of degree 23, is then about |c_14| r^4.5. The estimate is
/// Berntsen and Espelid's 10 r_c^(1 - a) r^a |K15 - G7| for r < r_c = 1/2,
/// with a = 4 (below the 4.5 steps: a margin), capped at |K15 - G7|, so it
/// is never larger than gk15_combine's; a coefficient of 0 (R_2 or R_3 = 0)
/// or NaN leaves it there. Returns the factor (<= 1) for |K15 - G7|, from
/// the 15 values f at gk15_abscissae; gk15_combine_sharp applies it.
LEVYSGD_HOST_DEVICE inline double gk15_sharp_factor(const double *f) noexcept {
    // n_9 .. n_14 on the positive half of the nodes (descending x, then the
    // centre for even j), to 17 digits
    constexpr double n9[7] = {4.5965007870745328e-2, -5.3940771447892490e-2, -5.8867741859852891e-2,
                              1.3617322773261726e-1, -4.7735206021151735e-2, -1.1759566200044747e-1,
                              1.5045316360263724e-1};
    constexpr double n10[8] = {4.3227498240990474e-2, -7.3794268837947185e-2, 4.9226528943312891e-4,
                               1.0971277351287044e-1, -1.4296304865580074e-1, 4.9812396374427379e-2,
                               9.7036568207859527e-2, -1.6704836826366604e-1};
    constexpr double n11[7] = {3.9652671446735852e-2, -8.5980164419982119e-2, 5.9731148752389995e-2,
                               2.6339869100637424e-2, -1.1965884239135120e-1, 1.5801168326892277e-1,
                               -1.1020208365466767e-1};
    constexpr double n12[8] = {3.4785683358911391e-2,  -8.7898482218680830e-2,
                               1.0116873974550034e-1,  -6.9622186427797280e-2,
                               2.8039963671602238e-3,  7.7129214214242103e-2,
                               -1.4063007211912789e-1, 1.6452621415958389e-1};
    constexpr double n13[7] = {2.7654609623467613e-2, -7.6634897360810099e-2,
                               1.1021924610058126e-1, -1.2539972729753975e-1,
                               1.2046215667753684e-1, -9.4508768588945149e-2,
                               5.1660010911722927e-2};
    constexpr double n14[8] = {1.6178520002172884e-2, -4.6833370469251139e-2,
                               7.3918616762743588e-2, -9.8087033363369637e-2,
                               1.1921552045966083e-1, -1.3506915113113625e-1,
                               1.4420649549166351e-1, -1.4705919550496758e-1};
    double c9 = 0, c10 = n10[7] * f[7], c11 = 0, c12 = n12[7] * f[7], c13 = 0, c14 = n14[7] * f[7];
    for (int i = 0; i < 7; ++i) {
        const double s = f[14 - i] + f[i], d = f[14 - i] - f[i];
        c9 += n9[i] * d;
        c10 += n10[i] * s;
        c11 += n11[i] * d;
        c12 += n12[i] * s;
        c13 += n13[i] * d;
        c14 += n14[i] * s;
    }
    const double r1 = c13 * c13 + c14 * c14, r2 = c11 * c11 + c12 * c12, r3 = c9 * c9 + c10 * c10;
    if (r2 > 0 && r3 > 0) {
        const double q1 = r1 / r2, q2 = r2 / r3;
        const double rr = q1 > q2 ? q1 : q2; // r^2
        // 10 r_c^-3 r^4 = 80 r^4, below 1 for r < 0.334 (on 276 smooth
        // functions in test_core it stays >= 761 times K15's true error)
        const double factor = 80 * rr * rr;
        if (factor < 1) // false for NaN
            return factor;
    }
    return 1;
}

/// gk15_combine with the error estimate of gk15_sharp_factor.
LEVYSGD_HOST_DEVICE inline gk15_estimate gk15_combine_sharp(const double *f, double hw) noexcept {
    gk15_estimate e = gk15_combine(f, hw);
    e.error *= gk15_sharp_factor(f);
    return e;
}

/// Patterson's extension of the Kronrod (7-15) rule: the 16 added abscissae
/// of [a, b] in ascending order, y[j] = c - hw xp[j], y[15 - j] = c + hw xp[j].
/// Returns the half width hw. Nodes computed by tests/scripts/gk_patterson31.py.
LEVYSGD_HOST_DEVICE inline double gk31_abscissae(double a, double b, double *y) noexcept {
    constexpr double gk31_xp[8] = {
        0.998687109678466729790660660569463, 0.975383588208893369675287074951628,
        0.912204882783262878350584611171538, 0.807688939172437509088075575912030,
        0.667348098104300175431382116612425, 0.498636786552832004293429260084633,
        0.308579247910587778899587521987072, 0.104528273810780713400625068279575};
    return gk_mirrored_nodes(a, b, gk31_xp, 8, y, 15);
}

/// The 31-point value and the |P31 - K15| error estimate (both times the
/// half width) from the 15 values f at gk15_abscissae and the 16 values g at
/// gk31_abscissae of the same panel.
LEVYSGD_HOST_DEVICE inline gk15_estimate gk31_combine(const double *f, const double *g,
                                                      double hw) noexcept {
    // weights of the 31-point rule on the Kronrod nodes (descending x, then
    // the centre) and on the added nodes (descending x)
    constexpr double wk[8] = {
        0.0113194684446834351074843376775744, 0.0315777062170458572737697651657310,
        0.0523843708209826924724680377615850, 0.0703320464104006509350004236311265,
        0.0844987653012430211951219873545639, 0.0951780299318306801211150008666745,
        0.102214180005702743915914938969645,  0.104743213564805844727591962771386};
    constexpr double wp[8] = {
        0.00363493119504988385607392732347918, 0.0210394462587267956070926169341904,
        0.0421935005845465944848499184710972,  0.0618219856454498564314590199459854,
        0.0778753471152459964211795041250391,  0.0902618021465586023101213541560353,
        0.0991968576674329124898489783893104,  0.104099955472697355014704207842270};
    double p = wk[7] * f[7];
    for (int j = 0; j < 7; ++j)
        p += wk[j] * (f[j] + f[14 - j]);
    for (int j = 0; j < 8; ++j)
        p += wp[j] * (g[j] + g[15 - j]);
    const double k = gk15_combine(f, hw).value;
    const double d = p * hw - k;
    return {p * hw, d < 0 ? -d : d};
}

/// One panel of a scalar function f on [a, b].
template <class F> LEVYSGD_HOST_DEVICE gk15_estimate gk15_rule(const F &f, double a, double b) {
    double x[15], v[15];
    const double hw = gk15_abscissae(a, b, x);
    for (int i = 0; i < 15; ++i)
        v[i] = f(x[i]);
    return gk15_combine(v, hw);
}

/// A piece of an adaptive integration of N integrands over the same panel;
/// tag is the caller's (e.g. which variable the panel is measured in), and
/// so are level and the K values kept for a refinement (e.g. the 15 node
/// values, for gk31_combine). No initialisers: arrays of pieces are
/// workspace, filled by the rule.
template <int N, int K = 0> struct gk_piece {
    int tag;
    int level;
    double a, b;
    double val[N];
    double err[N];
    double keep[K > 0 ? K : 1];
};

/// Global adaptive refinement (Piessens et al. 1983): p[0..n) are the initial
/// pieces; rule(tag, a, b) integrates one piece; refine(piece) may improve
/// the worst piece in place (returning true) instead of its bisection, e.g.
/// by a higher-order rule on the same panel. Until every integrand k
/// with bit k of `want` set has summed error <= tol |total| + abs_floor (or
/// the next bisection would exceed max_pieces), the piece with the largest
/// error relative to the total (over the wanted integrands) is bisected.
/// On return tot[k] holds the totals of the wanted integrands (where only
/// one is wanted, the others are 0). gk_adaptive_split: the same with the
/// bisection by bisect(piece, new_piece), which replaces a piece by its
/// lower half and writes its upper half to new_piece (e.g. both halves'
/// nodes evaluated together).
template <int N, int K, class Refine, class Bisect>
LEVYSGD_HOST_DEVICE void
gk_adaptive_split(gk_piece<N, K> *p, int &n, int max_pieces, const Refine &refine,
                  const Bisect &bisect, unsigned want, double tol, double abs_floor, double *tot) {
    // one wanted integrand: the worst piece is the one with the largest error
    int single = -1;
    for (int k = 0; k < N; ++k)
        if (want == (1u << k))
            single = k;
    for (;;) {
        double err[N];
        int worst = 0;
        double wv = -1;
        for (int k = 0; k < N; ++k)
            tot[k] = err[k] = 0;
        if (single >= 0) {
            // the sums and the worst piece in one pass (an integrand not
            // wanted is not summed: the caller ignores it)
            for (int i = 0; i < n; ++i) {
                tot[single] += p[i].val[single];
                const double e = p[i].err[single];
                err[single] += e;
                const double v = e > 0 ? e : 0.0; // NaN as 0
                if (v > wv) {
                    wv = v;
                    worst = i;
                }
            }
            if (tot[single] == 0)
                worst = 0;
        } else {
            for (int k = 0; k < N; ++k)
                for (int i = 0; i < n; ++i) {
                    tot[k] += p[i].val[k];
                    err[k] += p[i].err[k];
                }
        }
        bool ok = true;
        for (int k = 0; k < N; ++k)
            if ((want >> k) & 1u)
                ok = ok && err[k] <= tol * std::fabs(tot[k]) + abs_floor;
        if (ok || n + 1 >= max_pieces)
            return;
        if (single < 0) {
            for (int i = 0; i < n; ++i) {
                double v = 0;
                for (int k = 0; k < N; ++k)
                    if (((want >> k) & 1u) && tot[k] != 0) {
                        const double r = p[i].err[k] / std::fabs(tot[k]);
                        v = r > v ? r : v;
                    }
                if (v > wv) {
                    wv = v;
                    worst = i;
                }
            }
        }
        if (refine(p[worst]))
            continue;
        bisect(p[worst], p[n++]);
    }
}

/// gk_adaptive_split with the bisection by rule on each half.
template <int N, int K, class Rule, class Refine>
LEVYSGD_HOST_DEVICE void gk_adaptive(gk_piece<N, K> *p, int &n, int max_pieces, const Rule &rule,
                                     const Refine &refine, unsigned want, double tol,
                                     double abs_floor, double *tot) {
    gk_adaptive_split(
        p, n, max_pieces, refine,
        [&rule](gk_piece<N, K> &lo, gk_piece<N, K> &hi) {
            const gk_piece<N, K> old = lo;
            const double mid = 0.5 * (old.a + old.b);
            lo = rule(old.tag, old.a, mid);
            hi = rule(old.tag, mid, old.b);
        },
        want, tol, abs_floor, tot);
}

/// Adaptive Gauss-Kronrod (7-15) over the panels between consecutive
/// breaks[0..nb) (nb <= MaxPieces + 1) of a smooth function given P panels
/// at a time: f(x, y, k) sets y[i] = f(x[i]) for the 15 k abscissae of k <= P
/// panels (panel j's at x + 15 j), so that a caller can evaluate them
/// together (e.g. as SIMD batches whose dependency chains interleave). The
/// initial panels go P at a time, a bisection's two halves together (P >=
/// 2). Bisects the worst piece until the summed |K - G| estimate is below
/// tol times the total (or MaxPieces pieces). Sharp: the error of each
/// panel from gk15_combine_sharp (never larger than |K - G|).
template <int MaxPieces = 64, int P = 1, bool Sharp = false, class F>
LEVYSGD_HOST_DEVICE double gk15_adaptive_panels(const F &f, const double *breaks, int nb,
                                                double tol) {
    static_assert(P >= 1, "at least one panel at a time");
    gk_piece<1> p[MaxPieces];
    // the k panels [a[j], b[j]] into out[0..k)
    auto rules = [&f](const double *a, const double *b, int k, gk_piece<1> *out) {
        double x[15 * P], v[15 * P], hw[P];
        for (int j = 0; j < k; ++j)
            hw[j] = gk15_abscissae(a[j], b[j], x + 15 * j);
        f(static_cast<const double *>(x), static_cast<double *>(v), k);
        for (int j = 0; j < k; ++j) {
            const gk15_estimate e =
                Sharp ? gk15_combine_sharp(v + 15 * j, hw[j]) : gk15_combine(v + 15 * j, hw[j]);
            gk_piece<1> &q = out[j];
            q.tag = 0;
            q.level = 0;
            q.a = a[j];
            q.b = b[j];
            q.val[0] = e.value;
            q.err[0] = e.error;
        }
    };
    int n = 0;
    for (int i = 0; i + 1 < nb && n < MaxPieces;) {
        double a[P], b[P];
        int k = 0;
        for (; k < P && i + 1 < nb && n + k < MaxPieces; ++k, ++i) {
            a[k] = breaks[i];
            b[k] = breaks[i + 1];
        }
        rules(a, b, k, p + n);
        n += k;
    }
    double tot = 0;
    gk_adaptive_split(
        p, n, MaxPieces, [](gk_piece<1> &) { return false; },
        [&rules](gk_piece<1> &lo, gk_piece<1> &hi) {
            const double mid = 0.5 * (lo.a + lo.b);
            const double a[2] = {lo.a, mid}, b[2] = {mid, lo.b};
            if constexpr (P >= 2) {
                gk_piece<1> out[2];
                rules(a, b, 2, out);
                lo = out[0];
                hi = out[1];
            } else {
                rules(a, b, 1, &lo);
                rules(a + 1, b + 1, 1, &hi);
            }
        },
        1u, tol, 0.0, &tot);
    return tot;
}

/// gk15_adaptive_panels one panel at a time: f(x, y) sets y[i] = f(x[i])
/// for the 15 abscissae x of a panel.
template <int MaxPieces = 64, class F>
LEVYSGD_HOST_DEVICE double gk15_adaptive_nodes(const F &f, const double *breaks, int nb,
                                               double tol) {
    return gk15_adaptive_panels<MaxPieces, 1>([&f](const double *x, double *y, int) { f(x, y); },
                                              breaks, nb, tol);
}

/// Adaptive Gauss-Kronrod (7-15) of a smooth scalar f over the panels
/// between consecutive breaks[0..nb) (gk15_adaptive_nodes, one node at a time).
template <int MaxPieces = 64, class F>
LEVYSGD_HOST_DEVICE double gk15_adaptive(const F &f, const double *breaks, int nb, double tol) {
    return gk15_adaptive_nodes<MaxPieces>(
        [&f](const double *x, double *y) {
            for (int i = 0; i < 15; ++i)
                y[i] = f(x[i]);
        },
        breaks, nb, tol);
}

} // namespace levysgd::core
