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
/// tol times the total (or MaxPieces pieces).
template <int MaxPieces = 64, int P = 1, class F>
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
            const gk15_estimate e = gk15_combine(v + 15 * j, hw[j]);
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
