#pragma once
// The adaptive quadrature of the stable integrands of one evaluation: the
// density integral and the two tail integrals over the two halves of the
// theta range, panels of Gauss-Kronrod (7-15) (Kronrod 1965) with their nodes
// evaluated as xsimd batches, refined together under one global error control.

#include <cmath>
#include <cstddef>
#include <initializer_list>

#include <xsimd/xsimd.hpp>

#include "../../core/gauss_kronrod.hpp"
#include "../../detail/fast_math.hpp"
#include "../../detail/nan.hpp"
#include "../../detail/simd_bits.hpp"

namespace levysgd::detail {

/// The three integrals of one evaluation at y > 0 (scaled: see shift).
struct stable_integrals {
    double dens = 0;  // int g e^-g dtheta, times exp(-shift)
    double shift = 0; // the density integral is dens * exp(shift)
    double lower = 0; // int e^-g dtheta, times exp(g_ref)
    double g_ref = 0; // the lower integral is lower * exp(-g_ref)
    double upper = 0; // int (1 - e^-g) dtheta
};

/// What an evaluation integrates.
enum stable_want : unsigned { want_density = 1, want_lower = 2, want_upper = 4 };

/// Adaptive Gauss-Kronrod (7-15) of the stable integrands of one evaluation.
/// The theta interval is split at its midpoint into two halves, each
/// integrated in the distance v from its own end (half 0: v = u from the
/// lower end, half 1: v = w from the upper end); lg(half, v) is log g there.
/// Global error control: the piece with the largest relative error estimate
/// is bisected until every wanted integral meets tol.
template <class LogG> class stable_quadrature {
  public:
    static constexpr int max_pieces = 96;
    /// A piece is extended (Patterson) only while |K15 - G7| <= this times
    /// its integral's tolerance, else bisected at once (run).
    static constexpr double extend_factor = 1e6;

    /// The density integrand g e^-g is scaled by exp(-(l_ref - e^l_ref)):
    /// exp(dl - e^l_ref expm1(dl)), dl = log g - l_ref, which stays exact
    /// where g and e^l_ref are huge and equal to many digits (light tails).
    /// light: l_ref is the end where g is smallest (g > 1 everywhere), so
    /// dl >= 0 and the exponent is <= 0 exactly; it is capped there, since
    /// for a huge e_ref rounding noise in log g would push it far above.
    stable_quadrature(const LogG &lg, unsigned want, double l_ref, double g_ref, bool light)
        : lg_(lg), want_(want), shift_(l_ref - fast_exp(l_ref)), l_ref_(l_ref),
          e_ref_(fast_exp(l_ref)), e_cap_(light ? 0.0 : INFINITY), g_ref_(g_ref),
          exp_g_ref_(fast_exp(g_ref)) {}

    /// Queues the pieces [bp[i], bp[i + 1]] of half h for i in [first, n - 1),
    /// flipped below index flip; run() evaluates them two panels at a time
    /// (their nodes in lockstep, as within a panel).
    void add_pieces(int h, const double *bp, int first, int n, int flip) {
        for (int i = first; i + 1 < n; ++i)
            if (bp[i + 1] > bp[i] && n_ + nq_ < max_pieces)
                queue_[nq_++] = {i < flip ? h | flipped : h, bp[i], bp[i + 1]};
    }

    /// Flipped end (the cdf integrands only). Towards the end of a half
    /// where the wanted tail integrand F tends to 1 (e^-g where g -> 0,
    /// 1 - e^-g where g -> infinity), F v decays in s = log v only like
    /// e^s, and the wide log-spaced pieces there cost the most nodes.
    /// Below a breakpoint s_c the integral is instead written as
    ///   int_{-inf}^{s_c} F v ds = e^{s_c} - int_{-inf}^{s_c} (1 - F) v ds,
    /// an identity; 1 - F <= g (or e^-g) makes the complement decay like
    /// e^{(1 + k) s}, k the slope of log g (or faster), so its pieces hold
    /// little and most of them are dropped. s_c is the highest of the
    /// breakpoints bp[1..n) at or below s_hi with 1 - F <= 1/2 there
    /// (g <= ln 2, resp. >= ln 2; 1 - F shrinks towards the end, so the
    /// flipped total keeps at least half of e^{s_c}: no cancellation).
    /// s_c is sought among the probe_points highest breakpoints (those
    /// below them are the flipped end's depths, added by the caller).
    /// Returns its index c (0: none); rate: the decay rate 1 + k of the
    /// complement just below s_c (from log g at the next breakpoint, else
    /// 1 + |slope|); first: the index below which the flipped pieces hold
    /// less than 1e-15 of ref (as negligible_flipped; 0 if ref is null).
    int flip_point(int h, const double *bp, int n, double s_hi, double slope, const double *ref,
                   int &first, double &rate) {
        first = 0;
        rate = 1 + std::abs(slope);
        if (single_ != 1 && single_ != 2)
            return 0;
        probe_values pv;
        const int m = pv.eval(*this, h | flipped, bp, n, s_hi, probe_points);
        constexpr double l_half = -0.36651292058166435; // log(log 2): 1 - F = 1/2
        int c = -1;
        for (int j = 0; j < m && c < 0; ++j)
            if (single_ == 1 ? pv.l[j] <= l_half : pv.l[j] >= l_half) // false for NaN
                c = j;
        if (c < 0)
            return 0;
        if (c + 1 < m && std::isfinite(pv.l[c + 1]) && pv.x[c] > pv.x[c + 1])
            rate = std::max(1.0, 1 + (pv.l[c] - pv.l[c + 1]) / (pv.x[c] - pv.x[c + 1]));
        if (ref)
            first = pv.negligible(c + 1, ref[single_]);
        base_s_ = pv.x[c];
        return pv.idx[c];
    }

    /// The index below which the flipped pieces of half h under bp[c]
    /// hold less than 1e-15 of ref (each integral's value near the peak, a
    /// few % of the integral), judged from up to probe_points highest
    /// breakpoints bp[1..c) (the depths of a flipped end and the lowest
    /// breakpoint below them, the same points on every instruction set);
    /// 0 if none. The complement grows at least like v = e^s towards s_c, so
    /// the integral below a breakpoint b is at most its value there.
    int negligible_flipped(int h, const double *bp, int c, const double *ref) const {
        if (single_ != 1 && single_ != 2)
            return 0;
        probe_values pv;
        pv.eval(*this, h | flipped, bp, c, INFINITY, probe_points);
        return pv.negligible(0, ref[single_]);
    }

    /// The tag bit of a flipped piece.
    static constexpr int flipped = 2;

    /// Refines until the relative error estimate of each wanted integral is
    /// below tol (or the piece budget is spent); returns the integrals.
    stable_integrals run(double tol) {
        int i = 0;
        for (; i + 1 < nq_; i += 2) {
            rules<2>(&queue_[i], p_ + n_);
            n_ += 2;
        }
        if (i < nq_)
            rules<1>(&queue_[i], p_ + n_++);
        nq_ = 0;
        if (base_s_ > -INFINITY && n_ < max_pieces) {
            // the e^{s_c} part of a flipped end (flip_point): a piece of zero
            // width, never extended, whose error 0 never makes it the worst
            piece &p = p_[n_++];
            p.tag = 0;
            p.level = 1;
            p.a = p.b = base_s_;
            for (int q = 0; q < 3; ++q)
                p.val[q] = p.err[q] = 0;
            p.val[single_] = single_ == 1 ? fast_exp(g_ref_ + base_s_) : fast_exp(base_s_);
        }
        // A piece whose |K15 - G7| is more than 1e6 times the tolerance
        // (tol times the integral of the initial pieces) is bisected at
        // once: its Patterson extension (16 nodes) seldom gets such a piece
        // there and is thrown away by the bisection that follows. Nodes on
        // the benchmark's 468 points, pdf / cdf: 54,784 / 45,216 -> 53,280 /
        // 44,512 (fewer at 102 of the 936 evaluations, more at 5; 1e5 gave
        // more at 63: pieces that the extension would have converged).
        double extend_max = INFINITY;
        if (single_ >= 0) {
            double t = 0;
            for (int i = 0; i < n_; ++i)
                t += p_[i].val[single_];
            extend_max = extend_factor * tol * std::abs(t);
            // K15's own error from the null rules of the kept values
            // (gk15_sharp_factor: no new nodes) for the pieces whose
            // |K15 - G7| counts, here in one pass (one step of the loop
            // below each costs a pass over all pieces); later pieces in
            // the loop, when they are the worst
            const double counts = 1e-3 * tol * std::abs(t);
            for (int i = 0; i < n_; ++i)
                if (p_[i].level == 0 && p_[i].err[single_] > counts &&
                    p_[i].err[single_] <= extend_max)
                    sharpen(p_[i]);
        }
        double tot[3];
        core::gk_adaptive_split(
            p_, n_, max_pieces,
            [this, extend_max](piece &p) {
                if (single_ < 0 || p.err[single_] > extend_max)
                    return false;
                return (p.level == 0 && sharpen(p)) || extend(p);
            },
            [this](piece &lo, piece &hi) {
                const double mid = 0.5 * (lo.a + lo.b);
                const panel two[2] = {{lo.tag, lo.a, mid}, {lo.tag, mid, lo.b}};
                piece out[2];
                rules<2>(two, out);
                lo = out[0];
                hi = out[1];
            },
            want_, tol, 1e-300, tot);
        stable_integrals r;
        r.dens = tot[0];
        r.shift = shift_;
        r.lower = tot[1];
        r.g_ref = g_ref_;
        r.upper = tot[2];
        return r;
    }

    /// Pieces of half h towards v -> 0 that hold nothing, judged from the
    /// integrands at breakpoints (their values times v):
    /// - steep (g >= 1 grows towards v -> 0, the steep side of the peak):
    ///   the density and e^-g integrands shrink towards v -> 0, each at
    ///   most its value at s times the width below s; the four highest
    ///   breakpoints are probed, the bound is 1e-17 of ref. Not for the
    ///   1 - e^-g integrand, which tends to v there.
    /// - shallow (g <= 1 falls towards v -> 0: the shallow side of the
    ///   peak, or a whole half with g < 1): the density and 1 - e^-g
    ///   integrands fall at least like v = e^s (g e^-g and 1 - e^-g grow
    ///   with g below 1), so the integral below a breakpoint is at most the
    ///   value there; probe_points breakpoints, bound 1e-15 of ref. Not for
    ///   the e^-g integrand, which tends to v there (the flipped end's case).
    /// Returns the highest of the probed breakpoints bp[1..n) at or below
    /// s_hi below which the wanted integrals hold less than the bound times
    /// the reference values ref (each integral's value near the peak), as
    /// an index; 0 if none.
    int negligible_below(int h, const double *bp, int n, double s_hi, const double *ref,
                         bool steep) const {
        if (want_ & (steep ? want_upper : want_lower))
            return 0;
        probe_values pv;
        pv.eval(*this, h, bp, n, s_hi, steep ? 4 : probe_points);
        const int q_tail = steep ? 1 : 2; // the tail integrand next to the density
        for (int j = 0; j < pv.m; ++j) {
            // log g must be a number >= 0 (steep) or <= 0 there (NaN reads as 0 in eval)
            bool neg = steep ? pv.l[j] >= 0 : pv.l[j] <= 0;
            for (int q : {0, q_tail})
                if ((want_ >> q) & 1u)
                    neg = neg && (steep ? pv.f[q][j] * (pv.x[j] - bp[0]) <= 1e-17 * ref[q]
                                        : std::abs(pv.f[q][j]) <= 1e-15 * ref[q]);
            if (neg)
                return pv.idx[j];
        }
        return 0;
    }

    /// The density and e^-g integrands (times v) at s on half h, as eval.
    void values(int h, double s, double out[3]) const {
        batch o[3];
        eval(h, batch(s), o);
        for (int q = 0; q < 3; ++q)
            out[q] = o[q].get(0);
    }

  private:
    // tag: the half; level 1: extended to 31 points, 2: K15 with the
    // error of gk15_sharp_factor, 0: with |K15 - G7|; keep: the 15 values of
    // the wanted integral (one wanted) for the extension
    using piece = core::gk_piece<3, 15>;
    // a panel to integrate: tag (the half, flipped or not) and ends
    struct panel {
        int tag;
        double a, b;
    };
    using batch = xsimd::batch<double>;
    static constexpr std::size_t lanes = batch::size;
    static constexpr std::size_t nodes = ((15 + lanes - 1) / lanes) * lanes;

    // The three integrands and log g at up to np (<= probe_points) of the
    // highest breakpoints bp[1..n) at or below s_hi (descending), in as few
    // batches as hold them: the same points on every instruction set.
    static constexpr int probe_points = 8;
    static constexpr int probe_size = int((probe_points + lanes - 1) / lanes * lanes);
    struct probe_values {
        alignas(64) double x[probe_size], f[3][probe_size], l[probe_size];
        int idx[probe_size];
        int m = 0, single = 0;
        int eval(const stable_quadrature &q, int tag, const double *bp, int n, double s_hi,
                 int np) {
            single = q.single_;
            for (int i = n - 1; i >= 1 && m < np; --i)
                if (bp[i] <= s_hi) {
                    idx[m] = i;
                    x[m++] = bp[i];
                }
            if (m == 0)
                return 0;
            const int nb = int((std::size_t(m) + lanes - 1) / lanes);
            for (int j = m; j < nb * int(lanes); ++j)
                x[j] = x[0];
            for (int b = 0; b < nb; ++b) {
                batch o[3], lb;
                q.eval(tag, batch::load_aligned(x + b * lanes), o, &lb);
                for (int k = 0; k < 3; ++k)
                    o[k].store_aligned(f[k] + b * lanes);
                lb.store_aligned(l + b * lanes);
            }
            return m;
        }
        // the highest index (from position j0 on) whose value is <= 1e-15 ref
        int negligible(int j0, double ref) const {
            for (int j = j0; j < m; ++j)
                if (!std::isnan(l[j]) && std::abs(f[single][j]) <= 1e-15 * ref)
                    return idx[j];
            return 0;
        }
    };

    // The three integrands at s = log v (times the Jacobian v), for a batch
    // of nodes on half tag & 1; a flipped piece (tag & flipped) gives the
    // tail integrands' complements, negated: (e^-g - 1) v and -e^-g v (see
    // flip_point). NaN (an end of the range reached in rounding) counts as
    // 0. l_out: log g at the nodes, if wanted.
    LEVYSGD_INLINE void eval(int tag, const batch &s, batch out[3], batch *l_out = nullptr) const {
        batch o[1][3];
        eval_n<1>(tag, &s, o, l_out);
        for (int q = 0; q < 3; ++q)
            out[q] = o[0][q];
    }

    // eval on N batches at once, step by step (their dependency chains,
    // exp -> log g -> exp -> exp, interleave instead of running one after
    // the other)
    template <int N>
    LEVYSGD_INLINE void eval_n(int tag, const batch *s, batch (*out)[3],
                               batch *l_out = nullptr) const {
        int tags[N];
        for (int k = 0; k < N; ++k)
            tags[k] = tag;
        eval_n<N>(tags, s, out, l_out);
    }
    // the same with a tag per batch
    template <int N>
    LEVYSGD_INLINE void eval_n(const int *tags, const batch *s, batch (*out)[3],
                               batch *l_out = nullptr) const {
        batch v[N], l[N];
        for (int k = 0; k < N; ++k)
            v[k] = xsimd::max(fast_exp(s[k]), batch(1e-300));
        for (int k = 0; k < N; ++k)
            l[k] = lg_(tags[k] & 1, v[k]);
        const batch zero(0.0);
        for (int k = 0; k < N; ++k) {
            if (l_out)
                l_out[k] = l[k];
            out[k][0] = out[k][1] = out[k][2] = zero;
        }
        if (want_ & want_density) {
            for (int k = 0; k < N; ++k) {
                // e_ref = 0 (g < 1e-308 everywhere): e^-g = 1, and 0 * expm1 = NaN avoided
                const batch dl = l[k] - batch(l_ref_);
                const batch e = e_ref_ > 0 ? dl - batch(e_ref_) * fast_expm1(dl) : dl;
                // NaN e: e_ref = inf times expm1(0) (log f < -DBL_MAX: contributes 0)
                const batch d = fast_exp(xsimd::min(e, batch(e_cap_)) + s[k]);
                out[k][0] = select(is_nan(l[k]) || is_nan(e) || is_nan(d), zero, d);
            }
        }
        if (!(want_ & (want_lower | want_upper)))
            return;
        batch g[N];
        for (int k = 0; k < N; ++k)
            g[k] = fast_exp(l[k]);
        if (want_ & want_lower) {
            for (int k = 0; k < N; ++k) {
                // times v, not exp(... + s): no rounding of a sum of size |s|
                // in the exponent, and one exp fewer a flipped node (-1 % of
                // the cdf's instructions); g_ref <= 700, v <= pi: no overflow
                const batch lo = tags[k] & flipped ? fast_expm1(-g[k]) * (batch(exp_g_ref_) * v[k])
                                                   : fast_exp(batch(g_ref_) - g[k]) * v[k];
                out[k][1] = select(is_nan(l[k]) || is_nan(lo), zero, lo);
            }
        }
        if (want_ & want_upper) {
            for (int k = 0; k < N; ++k) {
                const batch up =
                    tags[k] & flipped ? -fast_exp(s[k] - g[k]) : -fast_expm1(-g[k]) * v[k];
                out[k][2] = select(is_nan(l[k]) || is_nan(up), zero, up);
            }
        }
    }

    // the panels pn[0..P) at once, into out[0..P)
    template <int P> void rules(const panel *pn, piece *out) const {
        // the 15 abscissae of each panel, padded to whole batches by repeating the centre
        constexpr int nb = int(nodes / lanes);
        alignas(64) double xs[P][nodes];
        double hw[P];
        batch sb[P * nb], o[P * nb][3];
        int tb[P * nb];
        for (int j = 0; j < P; ++j) {
            hw[j] = core::gk15_abscissae(pn[j].a, pn[j].b, xs[j]);
            for (std::size_t i = 15; i < nodes; ++i)
                xs[j][i] = xs[j][7];
            for (int k = 0; k < nb; ++k) {
                sb[j * nb + k] = batch::load_aligned(xs[j] + k * lanes);
                tb[j * nb + k] = pn[j].tag;
            }
        }
        eval_n<P * nb>(tb, sb, o);
        for (int j = 0; j < P; ++j) {
            alignas(64) double f[3][nodes];
            for (int k = 0; k < nb; ++k)
                for (int q = 0; q < 3; ++q)
                    o[j * nb + k][q].store_aligned(f[q] + k * lanes);
            piece &p = out[j];
            p.tag = pn[j].tag;
            p.level = 0;
            p.a = pn[j].a;
            p.b = pn[j].b;
            if (single_ >= 0)
                for (int i = 0; i < 15; ++i)
                    p.keep[i] = f[single_][i];
            for (int q = 0; q < 3; ++q) {
                // an integral not wanted is 0 (eval leaves it so): no need to combine
                const core::gk15_estimate e =
                    (want_ >> q) & 1u ? core::gk15_combine(f[q], hw[j]) : core::gk15_estimate{};
                p.val[q] = e.value;
                p.err[q] = e.error;
            }
        }
    }

    // K15's error of a piece from gk15_sharp_factor (one wanted integral,
    // level 0 -> 2); true if it is smaller than |K15 - G7|
    bool sharpen(piece &p) const {
        p.level = 2;
        const double f = core::gk15_sharp_factor(p.keep);
        if (!(f < 1))
            return false;
        p.err[single_] *= f;
        return true;
    }

    // The worst piece, instead of its bisection (30 new nodes), once: the
    // Patterson extension of its Kronrod rule (16 new nodes, Patterson 1968),
    // with |P31 - K15| as the error estimate.
    bool extend(piece &p) const {
        if (p.level == 1 || single_ < 0)
            return false;
        static_assert(16 % lanes == 0, "the 16 added nodes fill whole batches");
        alignas(64) double ys[16], g[16];
        const double hw = core::gk31_abscissae(p.a, p.b, ys);
        constexpr int nb = int(16 / lanes);
        batch sb[nb], o[nb][3];
        for (int k = 0; k < nb; ++k)
            sb[k] = batch::load_aligned(ys + k * lanes);
        eval_n<nb>(p.tag, sb, o);
        for (int k = 0; k < nb; ++k)
            o[k][single_].store_aligned(g + k * lanes);
        const core::gk15_estimate e = core::gk31_combine(p.keep, g, hw);
        p.val[single_] = e.value;
        p.err[single_] = e.error;
        p.level = 1;
        return true;
    }

    const LogG &lg_;
    unsigned want_;
    // the index of the one wanted integral (-1: several)
    int single_ = want_ == want_density ? 0
                  : want_ == want_lower ? 1
                  : want_ == want_upper ? 2
                                        : -1;
    double shift_, l_ref_, e_ref_, e_cap_, g_ref_, exp_g_ref_;
    double base_s_ = -INFINITY; // s_c of the flipped end (flip_point), if any
    piece p_[max_pieces];
    int n_ = 0;
    // pieces queued by add_pieces, evaluated by run
    panel queue_[max_pieces];
    int nq_ = 0;
};

} // namespace levysgd::detail
