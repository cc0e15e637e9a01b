#!/usr/bin/env python3
"""High-precision reference values of the standard alpha-stable law.

Writes tests/data/stable_reference.csv: pdf, cdf and ccdf = 1 - cdf (the
smaller of cdf/ccdf is always computed directly, never as 1 - something) of
S(alpha, beta, 1, 0) in the S0 and S1 parameterizations of
include/levysgd/stable/parameterization.hpp, for the C++ implementation
(Zolotarev/Nolan integral) to be checked against.

Method (independent of the Zolotarev/Nolan integral), all in mpmath at
30+ significant digits, in S1 coordinates x1 (an S0 point x0 is x1 = x0 +
beta tan(pi alpha/2); alpha = 1 is the same in both). With
Psi(t) = log phi(t) the S1 cf exponent for t > 0,
    -|t|^a (1 - i beta tan(pi a/2))          (a != 1)
    -|t|   (1 + i beta (2/pi) log|t|)        (a == 1),
and beta >= 0 after the reflection (beta, x) -> (-beta, -x) that swaps cdf
and ccdf:

 R  Fourier inversion, pdf = (1/pi) Re int_0^oo exp(Psi(t) - i x t) dt and
    Gil-Pelaez for the tails, ccdf = 1/2 + (1/pi) int_0^oo Im[...]/t dt, with
    the integration path rotated off the real axis (Cauchy) onto a straight
    ray t = r e^{i theta} on which the integrand decays without much
    oscillation.  Instead of the plain Gil-Pelaez form the tail integral is
    Im int (e^{Psi - i x t} - e^{-kappa t})/t dt (Frullani), with kappa = i x
    (the tail on the side of x comes out directly, without cancellation
    against 1/2) or kappa = k e^{-i theta}.  The angle is chosen from a fixed
    candidate list by scanning the integrand in double precision (decay,
    oscillation count, magnitude); the truncation radius is accepted only if
    the integrand is negligible on the rest of the ray, on the closing arc
    back to the real axis and on the real axis beyond it.  The working
    precision is raised by the number of digits the integral loses to
    cancellation (integral of |integrand| / value).  For alpha < 1 the tail
    integrand ~ r^(alpha-1) at 0 is regularised by r = r1 v^(1/alpha).
    Where no other method below checks a value, the second-best admissible
    ray (another angle or subtraction) is integrated as well.
 B  |beta| = 1, light side (alpha < 1 near the support boundary, alpha >= 1
    left tail of beta = 1, alpha = 2): Bromwich inversion of the Laplace
    transform E e^{-sX} = exp(-s^a / cos(pi a/2)) (a != 1),
    exp((2/pi) s log s) (a == 1) on a contour through its real saddle point
    (well conditioned down to 1e-300 and below); where nothing else checks
    it, again on a contour through 1.15 x the saddle.
 S  series where they converge usefully: Bergstrom's series in x^{-k alpha}
    (convergent for alpha < 1, asymptotic for alpha > 1, used only where its
    smallest term is below 1e-30 of the value) and the Taylor series at 0
    for alpha > 1 (entire; working precision raised to cover cancellation).
 C  closed forms: alpha = 2 (N(0, 2)), alpha = 1 beta = 0 (Cauchy),
    alpha = 1/2 beta = 1 (Levy, S1), and f(0), F(0) for alpha != 1.

Every value is computed by at least two of these (failing that, by the same
ray again at 15 more digits); the primary value is the best-conditioned
Fourier (R/B) result and the reported error estimate is the largest relative
difference to the other methods, or mpmath.quad's own error estimate if that
is larger.  The Fourier methods and the series overlap everywhere the series
converge, which is where the methods are cross-checked against each other.  Values whose estimate exceeds 1e-13 are written as
'dropped'.  Values that are positive but below 1e-300 are written as
'underflow' (they are either computed, or shown to be below 1e-330 by the
saddle-point estimate of the light tail).  Values that are exactly zero
(outside the support) are written as 0.

alpha, beta and x are taken as the exact binary64 values printed in the
file (repr); tan(pi alpha/2) etc. are then evaluated in high precision
(alpha = 2 uses tan(pi) = 0 exactly, so S0 and S1 coincide there).

Grid (grid()): 18 alphas x 5 betas x 2 parameterizations x 29 base points
0, +-{0.1 ... 1e6}, plus the S1 bulk of alpha near 1, points next to the
S0 support boundary and light-tail points at pdf ~ 1e-10, 1e-100, 1e-250
(about 5550 rows; 2334 distinct laws/points after the S0/S1 and the
(beta, x) -> (-beta, -x) identifications, each computed once).

Run (about 22 minutes on one core; writes the CSV):
    nice -n 10 python3 tests/scripts/stable_reference.py
Quick spot-check of a small subset (< 1 minute, prints to stdout):
    python3 tests/scripts/stable_reference.py --quick
"""

import argparse
import cmath
import math
import os
import sys
import time

import mpmath as mp

PI = math.pi
LN10 = math.log(10.0)
D0 = 30                    # target significant digits of every integral
TINY_LOG10 = -300          # below this a positive value is reported as underflow
PRESCREEN_LOG10 = -330     # saddle estimate below this: not computed at all
NPD = 12                   # scan grid points per decade
DROP = 1e-13               # relative error estimate above which a value is dropped

ALPHAS = [0.3, 0.5, 0.7, 0.9, 0.95, 0.99, 0.999, 1.0, 1.001, 1.01, 1.05, 1.1,
          1.3, 1.5, 1.7, 1.9, 1.99, 2.0]
BETAS = [-1.0, -0.5, 0.0, 0.5, 1.0]
XBASE = [0.0, 0.1, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0, 100.0, 1e3, 1e4, 1e5, 1e6]

_ang = [0.003, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9,
        1.05, 1.2, 1.35, 1.48]
ANGLES = [0.0] + _ang + [-a for a in _ang]

# Default context precision for any arithmetic outside an explicit workdps block
# (e.g. negating an S1 point on reflection), so nothing is rounded to 15 digits.
mp.mp.dps = 60


class Law:
    """Standard S1 law S(alpha, beta, 1, 0; 1) for binary64 alpha, beta."""

    def __init__(self, alpha, beta):
        self.alpha = float(alpha)
        self.beta = float(beta)
        self.one = self.alpha == 1.0
        self.two = self.alpha == 2.0
        if self.one:
            self.kf = 2.0 * self.beta / PI
            self.cf = None
        else:
            self.Tf = 0.0 if self.two else math.tan(PI * self.alpha / 2)
            self.cf = complex(1.0, -self.beta * self.Tf)
        self._cache = {}

    def k(self):
        """High-precision constants at the current working precision."""
        key = mp.mp.prec
        d = self._cache.get(key)
        if d is None:
            a, b = mp.mpf(self.alpha), mp.mpf(self.beta)
            d = {'a': a, 'b': b}
            if self.one:
                d['k'] = 2 * b / mp.pi
            else:
                T = mp.mpf(0) if self.two else mp.tan(mp.pi * a / 2)
                d['T'] = T
                d['c'] = mp.mpc(1, -b * T)
                d['cosA'] = mp.mpf(-1) if self.two else mp.cos(mp.pi * a / 2)
            self._cache[key] = d
        return d

    # cf exponent, Re t > 0, principal branches
    def psi_f(self, t):
        if self.one:
            return -t - 1j * self.kf * t * cmath.log(t)
        return -self.cf * t ** self.alpha

    def dpsi_f(self, t):
        if self.one:
            return -1 - 1j * self.kf * (cmath.log(t) + 1)
        return -self.cf * self.alpha * t ** (self.alpha - 1)

    def psi(self, t):
        d = self.k()
        if self.one:
            return -t - 1j * d['k'] * t * mp.log(t)
        return -d['c'] * mp.power(t, d['a'])


def logabs_expm1(z):
    if z.real > 40:
        return z.real
    a = abs(z)
    if a < 1e-6:
        return math.log(a) if a > 0 else -1e300
    v = abs(cmath.exp(z) - 1)
    return math.log(v) if v > 0 else -1e300


def log10abs(v):
    return float(mp.log10(abs(v))) if v != 0 else -1e300


# ----------------------------------------------------------------------------
# R: rotated-ray Fourier inversion
# ----------------------------------------------------------------------------

def scan_rays(law, x, thr):
    """Scan candidate rays for the pdf and tail integrals at S1 point x.

    Returns a list of candidate dicts (qty, mode, theta, pts, M, cost, k)."""
    xf = float(x)
    a = law.alpha
    cabs = 1.0 if law.one else abs(law.cf)
    scale = 1.0 + abs(xf) + cabs ** (1.0 / a)
    u0 = -9.0 - math.log10(scale)
    r_real = (-thr) ** (1.0 / a) * 1.02          # e^{-r^a} negligible beyond
    out = []
    angles = list(ANGLES)
    if not law.one:
        tc = -cmath.phase(law.cf) / a            # c t^a real on this ray
        if abs(tc) < 1.5 and all(abs(tc - q) > 1e-3 for q in angles):
            angles.append(tc)
    for th in angles:
        e = cmath.exp(1j * th)
        sth, cth = math.sin(th), math.cos(th)
        # log-spaced radii up to ~50 r_real (room for the closing-radius search)
        umax = math.log10(r_real) + 1.7
        n = int((umax - u0) * NPD) + 2
        rs, G, psis, rate = [], [], [], []
        ok = True
        for j in range(n):
            r = 10.0 ** (u0 + j / NPD)
            t = r * e
            try:
                p = law.psi_f(t)
                dp = law.dpsi_f(t)
            except (OverflowError, ValueError, ZeroDivisionError):
                ok = False
                break
            g = p - 1j * xf * t
            rs.append(r)
            psis.append(p)
            G.append(g)
            rate.append(abs(((dp - 1j * xf) * e).imag))
        if not ok:
            continue
        # r_scale: where |G| first reaches 1
        r_scale = rs[-1]
        for r, g in zip(rs, G):
            if abs(g) >= 1.0:
                r_scale = r
                break
        kk = 1.0 / r_scale
        modes = [('pdf', 'none')]
        if xf * sth < 0:
            modes += [('pdf', 'sub'), ('tail', 'sub')]
        modes.append(('tail', 'rot'))
        for qty, mode in modes:
            lg, rt = [], []
            for r, p, g, rr in zip(rs, psis, G, rate):
                if mode == 'none':
                    l = g.real
                    q = rr
                elif mode == 'sub':
                    l = xf * r * sth + logabs_expm1(p)
                    q = abs(xf * cth) + (abs(rr + xf * cth) if abs(p) > 0.05 else 0.0)
                else:
                    z = g + kk * r
                    l = -kk * r + logabs_expm1(z)
                    q = rr if abs(z) > 0.05 else 0.0
                if qty == 'tail':
                    l -= math.log(r)
                lg.append(l)
                rt.append(q)
            last = -1
            for j, l in enumerate(lg):
                if l >= thr:
                    last = j
            if last < 0 or last >= len(rs) - 2:
                continue
            jeff = last + 1
            R_eff = rs[jeff]
            # closing radius: beyond it e^{Psi} is negligible on the real axis
            R0 = max(R_eff, r_real)
            if mode == 'rot':
                if kk * cth <= 0:
                    continue
                R0 = max(R0, -thr / (kk * cth) * 1.02)
            if R0 > rs[-1]:
                continue
            closed = None
            for m in (1.0, 2.0, 4.0, 8.0, 16.0):
                R = R0 * m
                if R > rs[-1]:
                    break
                good = True
                if mode == 'sub' and xf * R * sth >= thr:
                    good = False
                if good and th != 0.0:
                    for i in range(1, 49):
                        tp = th * i / 48.0
                        tt = R * cmath.exp(1j * tp)
                        try:
                            gg = law.psi_f(tt) - 1j * xf * tt
                        except (OverflowError, ValueError):
                            good = False
                            break
                        if gg.real >= thr:
                            good = False
                            break
                        if mode == 'rot' and -kk * R * math.cos(tp - th) >= thr:
                            good = False
                            break
                if good:
                    closed = R
                    break
            if closed is None:
                continue
            # magnitude and breakpoints
            M = 0.0
            big = False
            for j in range(jeff + 1):
                if lg[j] > 690:
                    big = True
                    break
                M += math.exp(lg[j]) * rs[j]
            if big:
                continue
            M *= LN10 / NPD
            if qty == 'tail' and mode == 'rot':
                M_eff = max(M, 1.6)
            else:
                M_eff = M
            if M_eff <= 0:
                continue
            # start of the integrand's variation
            jstart = 0
            for j in range(jeff + 1):
                if abs(psis[j]) + abs(xf) * rs[j] >= 0.05:
                    jstart = j
                    break
            pts = [0.0, rs[jstart]]
            ph = 0.0
            ph_last = 0.0
            for j in range(jstart + 1, jeff + 1):
                ph += 0.5 * (rt[j] + rt[j - 1]) * (rs[j] - rs[j - 1])
                if ph - ph_last >= 3 * PI or rs[j] >= 10 * pts[-1] or j == jeff:
                    pts.append(rs[j])
                    ph_last = ph
            nint = len(pts) - 1
            if nint > 400:
                continue
            cost = nint + 4.0 * math.log10(M_eff)
            out.append(dict(qty=qty, mode=mode, theta=th, pts=pts, M=M, M_eff=M_eff,
                            cost=cost, k=kk, nint=nint))
    return out


def ray_integrate(law, x, cand, dps):
    """Integrate one scanned ray candidate at dps digits; returns a result dict."""
    with mp.workdps(dps):
        x = mp.mpf(x)
        th = mp.mpf(cand['theta'])
        e = mp.expj(th)
        qty, mode = cand['qty'], cand['mode']
        ix = mp.mpc(0, x)
        if mode == 'none':
            def f(r):
                t = r * e
                return mp.exp(law.psi(t) - ix * t) * e
        elif mode == 'sub':
            if qty == 'pdf':
                def f(r):
                    t = r * e
                    return mp.exp(-ix * t) * mp.expm1(law.psi(t)) * e
            else:
                def f(r):
                    t = r * e
                    return mp.exp(-ix * t) * mp.expm1(law.psi(t)) / r
        else:
            k = mp.mpf(cand['k'])

            def f(r):
                t = r * e
                return mp.exp(-k * r) * mp.expm1(law.psi(t) - ix * t + k * r) / r
        pts = [mp.mpf(p) for p in cand['pts']]
        if qty == 'tail' and law.alpha < 1:
            # the tail integrand behaves like r^(alpha-1) at 0: substitute
            # r = r1 v^(1/alpha) on the first interval to make it regular
            p = 1 / mp.mpf(law.alpha)
            r1 = pts[1]
            I0, e0 = mp.quad(lambda v: f(r1 * v ** p) * r1 * p * v ** (p - 1), [0, 1], error=True)
            I1, e1 = mp.quad(f, pts[1:], error=True) if len(pts) > 2 else (0, 0)
            I, err = I0 + I1, e0 + e1
        else:
            I, err = mp.quad(f, pts, error=True)
        res = dict(name='R%s/%s/%.3f' % (qty[0], mode, cand['theta']), dps=dps,
                   theta=cand['theta'], mode=mode)
        if qty == 'pdf':
            v = I.real / mp.pi
            res['pdf'] = v
            res['small'] = abs(v)
            res['qerr'] = err / mp.pi
        else:
            if mode == 'sub':
                w = I.imag / mp.pi
                if x > 0:
                    res['ccdf'], res['cdf'] = w, 1 - w
                else:
                    res['cdf'], res['ccdf'] = -w, 1 + w
                res['small'] = abs(w)
            else:
                J = I.imag + th
                res['ccdf'] = mp.mpf(0.5) + J / mp.pi
                res['cdf'] = mp.mpf(0.5) - J / mp.pi
                res['small'] = min(abs(res['cdf']), abs(res['ccdf']))
            res['qerr'] = err / mp.pi
        res['lost'] = (math.log10(cand['M_eff']) - log10abs(res['small'])
                       if res['small'] != 0 else 99.0)
        res['eff'] = dps - max(res['lost'], 0.0)
        return res


def ray_methods(law, x, qty, nwant=1, exclude=()):
    """Up to nwant ray results for qty ('pdf' or 'tail'), skipping rays close to
    those in exclude (list of result dicts)."""
    results = []
    thr = -(D0 + 8) * LN10
    cands = [c for c in scan_cached(law, x, thr) if c['qty'] == qty]
    cands.sort(key=lambda c: c['cost'])
    used = [(u['theta'], u['mode']) for u in exclude]
    for c in cands:
        if len(results) >= nwant:
            break
        if any(abs(c['theta'] - t) < 0.15 and c['mode'] == m for t, m in used):
            continue
        used.append((c['theta'], c['mode']))
        r = ray_integrate(law, x, c, D0 + 6)
        if r['lost'] > 6 and r['lost'] < 75:
            # cancellation: rescan with a threshold relative to the value, more digits
            lv = log10abs(r['small'])
            dps = int(D0 + 8 + r['lost'])
            thr2 = (lv - D0 - 10) * LN10
            c2 = [q for q in scan_cached(law, x, thr2)
                  if q['qty'] == qty and q['mode'] == c['mode'] and q['theta'] == c['theta']]
            if c2:
                r = ray_integrate(law, x, c2[0], dps)
        if r['eff'] < D0 - 4:
            continue
        results.append(r)
    return results


_scan_cache = {}


def scan_cached(law, x, thr):
    key = (law.alpha, law.beta, x, round(thr, 6))
    if key not in _scan_cache:
        if len(_scan_cache) > 8:
            _scan_cache.clear()
        _scan_cache[key] = scan_rays(law, x, thr)
    return _scan_cache[key]


# ----------------------------------------------------------------------------
# B: Bromwich inversion through the saddle point (beta = 1 light side)
# ----------------------------------------------------------------------------

def bromwich_applicable(law, x):
    if law.two:
        return x < 0
    if law.beta != 1.0:
        return False
    if law.one:
        return True
    return x > 0 if law.alpha < 1 else x < 0


def _h_parts(law):
    d = law.k()
    if law.one:
        k2 = 2 / mp.pi
        lnL = lambda s: k2 * s * mp.log(s)
        return d, lnL
    a, cosA = d['a'], d['cosA']
    lnL = lambda s: -mp.power(s, a) / cosA
    return d, lnL


def bromwich_saddle(law, x):
    d, lnL = _h_parts(law)
    if law.one:
        s = mp.exp(-1 - mp.pi * x / 2)
        h2 = (2 / mp.pi) / s
    else:
        a, cosA = d['a'], d['cosA']
        s = mp.power(x * cosA / a, 1 / (a - 1))
        h2 = -a * (a - 1) * mp.power(s, a - 2) / cosA
    hs = lnL(s) + s * x
    lp = (hs - mp.log(2 * mp.pi * h2) / 2) / mp.log(10)
    return s, hs, h2, float(lp), float(lp - mp.log10(s))


BROMWICH_ERRORS = [0]


def bromwich(law, x, shift=1.0):
    """pdf and cdf (direct) by Bromwich inversion on a contour through
    shift * saddle; None if the scan rejects it (or its double-precision scan
    fails, e.g. for a saddle too close to 0 to be represented)."""
    try:
        return _bromwich(law, x, shift)
    except (ValueError, OverflowError, ZeroDivisionError):
        BROMWICH_ERRORS[0] += 1
        return None


def _bromwich(law, x, shift):
    thrrel = -(D0 + 8) * LN10
    with mp.workdps(D0 + 10):
        x = mp.mpf(x)
        s0, hs0, h2, _, _ = bromwich_saddle(law, x)
        d, lnL = _h_parts(law)
        sb = s0 * mp.mpf(shift)
        hb = lnL(sb) + sb * x
        a = law.alpha
        if a >= 1:
            thB = PI / 2
        else:
            thB = PI / 2 + min(PI / 6, (PI / (2 * a) - PI / 2) / 2)
        # float scan of Re h - h(sb) and the phase rate
        xf, sbf, hbf = float(x), float(sb), float(hb)
        if abs(hbf) > 1e5 or not math.isfinite(sbf) or sbf < 1e-250:
            return None
        w = 1.0 / math.sqrt(float(h2))
        if not (w > 0 and math.isfinite(w)):
            return None
        eB = cmath.exp(1j * thB)

        def hf(s):
            if law.one:
                return (2 / PI) * s * cmath.log(s) + s * xf
            return -s ** a / math.cos(PI * a / 2) + s * xf if not law.two else s * s + s * xf

        def dhf(s):
            if law.one:
                return (2 / PI) * (cmath.log(s) + 1) + xf
            if law.two:
                return 2 * s + xf
            return -a * s ** (a - 1) / math.cos(PI * a / 2) + xf
        u0 = math.log10(w) - 4
        rs, lgp, lgc, rt = [], [], [], []
        try:
            for j in range(int(16 * NPD)):
                r = 10.0 ** (u0 + j / NPD)
                s = sbf + r * eB
                hv = hf(s)
                rs.append(r)
                l = hv.real - hbf
                lgp.append(l)
                lgc.append(l - math.log(abs(s) / sbf))
                rt.append(abs((dhf(s) * eB).imag))
        except (OverflowError, ValueError, ZeroDivisionError):
            return None
        last = -1
        for j in range(len(rs)):
            if max(lgp[j], lgc[j]) >= thrrel:
                last = j
        if last < 0 or last >= len(rs) - 2:
            return None
        jeff = last + 1
        if max(lgp[:jeff + 1]) > 600:
            return None
        Mrel = sum(math.exp(max(lgp[j], lgc[j])) * rs[j] for j in range(jeff + 1)) * LN10 / NPD
        pts = [0.0]
        ph = ph_last = 0.0
        jst = 0
        while jst < jeff and rs[jst] < 0.3 * w:
            jst += 1
        pts.append(rs[jst])
        for j in range(jst + 1, jeff + 1):
            ph += 0.5 * (rt[j] + rt[j - 1]) * (rs[j] - rs[j - 1])
            if ph - ph_last >= 3 * PI or rs[j] >= 10 * pts[-1] or j == jeff:
                pts.append(rs[j])
                ph_last = ph
        if len(pts) > 400:
            return None
    res = {}
    # integrate, raising precision if the result is much smaller than the integrand
    dps = D0 + 6
    for attempt in range(2):
        with mp.workdps(dps):
            x_ = mp.mpf(x)
            sb_ = mp.mpf(s0) * mp.mpf(shift)
            d, lnL = _h_parts(law)
            hb_ = lnL(sb_) + sb_ * x_
            e = mp.expj(mp.mpf(thB))
            P = [mp.mpf(p) for p in pts]

            def fp(r):
                s = sb_ + r * e
                return mp.exp(lnL(s) + s * x_ - hb_) * e

            def fc(r):
                s = sb_ + r * e
                return mp.exp(lnL(s) + s * x_ - hb_) / s * e
            Ip, ep = mp.quad(fp, P, error=True)
            Ic, ec = mp.quad(fc, P, error=True)
            sc = mp.exp(hb_) / mp.pi
            pdf, cdf = Ip.imag * sc, Ic.imag * sc
            lost = max(math.log10(Mrel) + float(hb_ / mp.log(10)) - log10abs(pdf),
                       math.log10(Mrel) + float(hb_ / mp.log(10)) - log10abs(cdf) - math.log10(sbf))
            res = dict(name='B%.2f' % shift, pdf=pdf, cdf=cdf, ccdf=1 - cdf,
                       qerr=max(ep, ec) * sc, lost=lost, dps=dps,
                       small=min(abs(pdf), abs(cdf)), eff=dps - max(lost, 0.0))
        if lost <= 6 or lost > 60:
            break
        dps = int(D0 + 8 + lost)
    if res['eff'] < D0 - 4:
        return None
    return res


# ----------------------------------------------------------------------------
# S: series; C: closed forms
# ----------------------------------------------------------------------------

def bergstrom(law, x, vscale):
    """Bergstrom series at x > 0 (S1). Returns dict or None."""
    if law.one or law.two or x <= 0:
        return None
    a = law.alpha
    xf = float(x)
    lc = math.log(abs(law.cf))
    lx = math.log(xf)
    lv = vscale * LN10
    lts = []
    kmax = 3000
    for kk in range(1, kmax + 1):
        lts.append(kk * lc + math.lgamma(kk * a + 1) - math.lgamma(kk + 1) - (kk * a + 1) * lx)
    lmax = max(lts)
    need = lv - (D0 + 4) * LN10
    if a < 1:
        # convergent: find K with terms below need from K on (monotone tail)
        K = None
        for kk in range(len(lts) - 1, 0, -1):
            if lts[kk] >= need:
                K = kk + 2
                break
        if K is None:
            K = 2
        if K >= kmax - 5 or lts[-1] > need:
            return None
    else:
        jmin = min(range(len(lts)), key=lambda j: lts[j])
        if lts[jmin] > lv - 30 * LN10:
            return None
        K = jmin
        # stop where the terms drop below the target
        for kk in range(len(lts)):
            if lts[kk] < need:
                K = kk
                break
    dps = int(D0 + 6 + max(0.0, (lmax - lv) / LN10))
    if dps > 100 or K > 800:
        return None
    with mp.workdps(dps):
        d = law.k()
        am, c = d['a'], d['c']
        x = mp.mpf(x)
        ix = mp.mpc(0, x)
        sp, st = mp.mpc(0), mp.mpc(0)
        mc = -c
        pw = mp.mpc(1)
        for kk in range(1, K + 1):
            pw *= mc
            s = kk * am
            g = mp.gamma(s) / mp.factorial(kk)
            st += pw * g * mp.power(ix, -s)
            sp += pw * g * s * mp.power(ix, -(s + 1))
        pdf = sp.real / mp.pi
        cc = st.imag / mp.pi
        return dict(name='S-berg', pdf=pdf, ccdf=cc, cdf=1 - cc, qerr=0, lost=0, dps=dps, eff=dps)


def taylor(law, x, vscale):
    """Taylor series at 0 (alpha > 1, entire). Returns dict or None."""
    if law.alpha <= 1.0 or law.two and False:
        return None
    a = law.alpha
    xf = float(x)
    if xf == 0:
        return None
    lc = math.log(abs(law.cf))
    lx = math.log(abs(xf))
    lv = vscale * LN10
    lts = []
    nmax = 6000
    for n in range(nmax):
        lts.append(n * lx - math.lgamma(n + 1) + math.lgamma((n + 1) / a) - (n + 1) / a * lc)
        if n > 50 and lts[-1] < lts[0] - 400 and lts[-1] < lv - (D0 + 40) * LN10:
            break
    lmax = max(lts)
    need = lv - (D0 + 4) * LN10
    N = None
    for n in range(len(lts) - 1, -1, -1):
        if lts[n] >= need:
            N = n + 2
            break
    if N is None or N >= nmax - 5:
        return None
    dps = int(D0 + 6 + max(0.0, (lmax - min(lv, 0.0)) / LN10))
    if dps > 100 or N > 800:
        return None
    with mp.workdps(dps):
        d = law.k()
        am, c, b, T = d['a'], d['c'], d['b'], d['T']
        x = mp.mpf(x)
        sp, sc = mp.mpc(0), mp.mpc(0)
        mix = mp.mpc(0, -x)
        pw = mp.mpc(1)
        fac = mp.mpf(1)
        for n in range(N + 1):
            if n > 0:
                pw *= mix
                fac *= n
            g = mp.gamma((n + 1) / am) / (am * mp.power(c, (n + 1) / am))
            sp += pw / fac * g
            sc += pw * x / (fac * (n + 1)) * g
        F0 = mp.mpf(0.5) - mp.atan(b * T) / (mp.pi * am)
        pdf = sp.real / mp.pi
        cdf = F0 + sc.real / mp.pi
        return dict(name='S-taylor', pdf=pdf, cdf=cdf, ccdf=1 - cdf, qerr=0, lost=0, dps=dps, eff=dps)


def closed_form(law, x):
    with mp.workdps(D0 + 20):
        x = mp.mpf(x)
        if law.two:
            pdf = mp.exp(-x * x / 4) / (2 * mp.sqrt(mp.pi))
            return dict(name='C-gauss', pdf=pdf, cdf=mp.erfc(-x / 2) / 2,
                        ccdf=mp.erfc(x / 2) / 2, qerr=0, lost=0, eff=D0 + 20)
        if law.one and law.beta == 0.0:
            return dict(name='C-cauchy', pdf=1 / (mp.pi * (1 + x * x)),
                        cdf=mp.atan2(1, -x) / mp.pi, ccdf=mp.atan2(1, x) / mp.pi,
                        qerr=0, lost=0, eff=D0 + 20)
        if law.alpha == 0.5 and law.beta == 1.0 and x > 0:
            pdf = mp.exp(-1 / (2 * x)) / (mp.sqrt(2 * mp.pi) * x ** mp.mpf(1.5))
            return dict(name='C-levy', pdf=pdf, cdf=mp.erfc(1 / mp.sqrt(2 * x)),
                        ccdf=mp.erf(1 / mp.sqrt(2 * x)), qerr=0, lost=0, eff=D0 + 20)
        if x == 0 and not law.one:
            d = law.k()
            a, b, T, c = d['a'], d['b'], d['T'], d['c']
            pdf = mp.gamma(1 + 1 / a) * mp.power(c, -1 / a).real / mp.pi
            F0 = mp.mpf(0.5) - mp.atan(b * T) / (mp.pi * a)
            return dict(name='C-origin', pdf=pdf, cdf=F0, ccdf=1 - F0, qerr=0, lost=0, eff=D0 + 20)
    return None


# ----------------------------------------------------------------------------
# one point
# ----------------------------------------------------------------------------

def _pick(cands, key):
    """Primary (best-conditioned Fourier result) and error estimate for key."""
    cs = [c for c in cands if c.get(key) is not None]
    if not cs:
        return None, None, None, []
    four = [c for c in cs if c['name'][0] in 'RB']
    pool = four if four else cs
    prim = max(pool, key=lambda c: (min(c['eff'], D0 + 4), c['name'][0] == 'B'))
    v = prim[key]
    others = [c for c in cs if c is not prim]
    err = mp.mpf(0)
    if v != 0:
        q = prim.get('qerr', 0) or 0
        err = abs(mp.mpf(q) / v)
        for o in others:
            err = max(err, abs((o[key] - v) / v))
    return v, float(err), prim['name'], [o['name'] for o in others]


def evaluate(law, x):
    """All three values at S1 point x for beta >= 0. Returns dict key ->
    (value or token, err, method string)."""
    a, b = law.alpha, law.beta
    if a < 1 and b == 1.0 and x <= 0:
        return {'pdf': (mp.mpf(0), 0.0, 'support'), 'cdf': (mp.mpf(0), 0.0, 'support'),
                'ccdf': (mp.mpf(1), 0.0, 'support')}
    cands = []
    cf = closed_form(law, x)
    if cf is not None:
        cands.append(cf)
    light = bromwich_applicable(law, x)
    deep = False
    rays = {'pdf': [], 'tail': []}
    if light:
        with mp.workdps(D0 + 10):
            _, _, _, lp, lc = bromwich_saddle(law, mp.mpf(x))
        if lp < PRESCREEN_LOG10 and lc < PRESCREEN_LOG10:
            return {'pdf': ('underflow', 0.0, 'saddle<1e-330'),
                    'cdf': ('underflow', 0.0, 'saddle<1e-330'),
                    'ccdf': (mp.mpf(1), 0.0, 'saddle<1e-330')}
        deep = max(lp, lc) < -40
        r = bromwich(law, x, 1.0)
        if r is not None:
            cands.append(r)
        else:
            deep = False
    if not deep:
        for q in ('pdf', 'tail'):
            rays[q] = ray_methods(law, x, q, 1)
            cands += rays[q]
    # series (need the scale of the values)
    vs = [c['small'] for c in cands if c.get('small')]
    vscale = log10abs(min(vs)) if vs else 0.0
    if x != 0:
        s = None
        if x > 0:
            s = bergstrom(law, x, vscale)
        else:
            s2 = bergstrom(Law(a, -b), -x, vscale)
            if s2 is not None:
                s = dict(s2, cdf=s2['ccdf'], ccdf=s2['cdf'])
        if s is not None:
            cands.append(s)
        t = taylor(law, x, vscale) if not law.two else None
        if t is not None:
            cands.append(t)
    # every quantity needs at least two independent results
    for q, key in (('pdf', 'pdf'), ('tail', 'cdf')):
        n = sum(1 for c in cands if c.get(key) is not None)
        if n >= 2:
            continue
        if light:
            r = bromwich(law, x, 1.15)
            if r is not None:
                cands.append(r)
                continue
        more = ray_methods(law, x, q, 2 - n, exclude=rays[q])
        cands += more
        if n + len(more) < 2 and rays[q]:
            # no independent second method: same ray at 15 more digits
            r0 = rays[q][0]
            thr = (log10abs(r0['small']) - r0['dps'] - 25) * LN10
            c2 = [c for c in scan_cached(law, x, thr)
                  if c['qty'] == q and c['mode'] == r0['mode'] and c['theta'] == r0['theta']]
            if c2:
                r = ray_integrate(law, x, c2[0], r0['dps'] + 15)
                r['name'] = 'H' + r['name']
                cands.append(r)
    out = {}
    # pdf
    v, err, pn, on = _pick(cands, 'pdf')
    out['pdf'] = (v, err, pn + ('|' + ','.join(on) if on else ''))
    # tails: primary = best-conditioned tail method; small tail direct
    tails = [c for c in cands if c.get('cdf') is not None]
    for key in ('cdf', 'ccdf'):
        v, err, pn, on = _pick(tails, key)
        out[key] = (v, err, pn + ('|' + ','.join(on) if on else ''))
    return out


# ----------------------------------------------------------------------------
# grid and driver
# ----------------------------------------------------------------------------

def tan_half(alpha):
    with mp.workdps(60):
        return mp.mpf(0) if alpha in (1.0, 2.0) else mp.tan(mp.pi * mp.mpf(alpha) / 2)


def light_tail_points(alpha, levels=(-10, -100, -250)):
    """S1 points x1 < ... on the light side of beta = 1 where the saddle-point
    estimate of the pdf is 10^level (deterministic: bisection, 4 digits)."""
    law = Law(alpha, 1.0)
    out = []
    with mp.workdps(40):
        lp = lambda x1: bromwich_saddle(law, mp.mpf(x1))[3]
        for L in levels:
            if alpha < 1:
                hi = max(1.0, law.Tf)      # S1 bulk is near beta tan(pi alpha/2)
                while lp(hi) < -3:
                    hi *= 1.25
                lo = hi
                while lp(lo) > L:
                    lo /= 2
                for _ in range(80):
                    mid = math.sqrt(lo * hi)
                    lo, hi = (mid, hi) if lp(mid) < L else (lo, mid)
                out.append(hi)
            else:
                hi = 0.0 if alpha == 1.0 else float(law.Tf)
                while lp(hi) < -3:
                    hi += 1.0
                step = 1.0
                lo = hi - step
                while lp(lo) > L:
                    step *= 2
                    lo = hi - step
                for _ in range(80):
                    mid = 0.5 * (lo + hi)
                    lo, hi = (mid, hi) if lp(mid) < L else (lo, mid)
                out.append(lo)
    return out


def grid(quick=False):
    """Rows (param, alpha, beta, x) with x a binary64 value."""
    alphas, betas, xb = ALPHAS, BETAS, XBASE
    if quick:
        alphas = [0.5, 0.999, 1.5]
        betas = [0.0, 1.0]
        xb = [0.0, 1.0, 10.0, 1e4]
    xs = sorted(set([v for v in xb] + [-v for v in xb]))
    rows = []
    for a in alphas:
        for b in betas:
            T = tan_half(a)
            for par in ('S0', 'S1'):
                pts = list(xs)
                if par == 'S1' and b != 0 and a not in (1.0, 2.0) and abs(b * T) >= 1:
                    # S1 bulk: x1 = beta tan(pi a/2) + x0
                    for dlt in (-1.0, 0.0, 1.0):
                        pts.append(float(b * T + dlt))
                if (par == 'S0' and abs(b) == 1.0 and a < 1) and not quick:
                    # S0 support boundary zeta = -beta tan(pi a/2)
                    z = -b * T
                    for dlt in (0.5, 2.0):
                        pts.append(float(z + b * dlt))
                if abs(b) == 1.0 and a != 2.0 and not quick:
                    # light tail / support boundary at pdf ~ 1e-10, 1e-100, 1e-250
                    for x1 in light_tail_points(a):
                        xs1 = x1 if par == 'S1' else float(mp.mpf(x1) - T)
                        pts.append(b * float('%.4g' % xs1))
                for xv in sorted(set(pts)):
                    rows.append((par, a, b, xv))
    return rows


# Dense grid (--grid dense, tests/data/stable_reference_dense.csv): the
# alphas and |beta| of issue 18 (near 0, near 1 on both sides at 1e-7 and
# 1e-3, near 2), S0 points from the mode to |x| = 1e6, the 1 % / 99 %
# quantiles, points next to zeta (the S1 origin), and the points named in
# the issue.
DENSE_ALPHAS = [0.1, 0.3, 1 - 1e-7, 0.999, 1.0, 1.001, 1 + 1e-7, 1.1, 1.9, 1.999]
DENSE_BETAS = [0.0, 0.1, 0.6, 0.9, 1.0]
DENSE_X = [0.0, 0.3, 1.0, 3.0, 10.0, 1e3, 1e6]
DENSE_S1_NAMED = [(1.0, -0.2, 0.4077), (1.0, 0.2, -0.4077), (1.1, -0.6, -4.643)]


def landmarks(alpha, beta):
    """S0 points near the mode and at the 1 % and 99 % quantiles (from
    scipy's levy_stable in double precision, S0; the law at alpha = 1 for
    |alpha - 1| < 1e-6, which is the same to 1e-6 in S0), to 4 digits:
    only where the grid points lie, never a reference value."""
    import scipy.optimize as so
    import scipy.stats as st
    st.levy_stable.parameterization = 'S0'
    a = 1.0 if abs(alpha - 1) < 1e-6 else alpha
    d = st.levy_stable(a, beta)
    lo, hi = -2.0, 2.0
    if alpha < 1 and beta == 1.0:                    # support [zeta, inf)
        lo = float(-beta * math.tan(PI * alpha / 2)) + 1e-9
    m = so.minimize_scalar(lambda x: -d.pdf(x), bounds=(lo, hi), method='bounded',
                           options={'xatol': 1e-4}).x
    out = [m]
    for p in (0.01, 0.99):
        a_, b_ = lo if lo > -2 else -1.0, 1.0
        while d.cdf(a_) > p:
            a_ = a_ * 4 if a_ < 0 else a_ - 1
        while d.cdf(b_) < p:
            b_ *= 4
        out.append(so.brentq(lambda x: d.cdf(x) - p, a_, b_, xtol=1e-6))
    return [float('%.4g' % v) for v in out]


def grid_dense():
    rows = []
    for a in DENSE_ALPHAS:
        T = tan_half(a)
        for b in DENSE_BETAS:
            pts = set(DENSE_X + [-v for v in DENSE_X])
            pts.update(landmarks(a, b))
            if a != 1.0 and b != 0:
                zeta = float(-b * T)
                for dlt in (-0.1, 0.1):
                    pts.add(float('%.6g' % (zeta + dlt * max(1.0, abs(zeta)) * 1e-3))
                            if abs(zeta) > 100 else zeta + dlt)
            for sb in ((b, -b) if b != 0 else (b,)):
                for xv in sorted(pts):
                    rows.append(('S0', a, sb, xv if sb == b else -xv))
    for a, b, x in DENSE_S1_NAMED:
        rows.append(('S1', a, b, x))
    return rows


# Light-tail grid (--grid light, tests/data/stable_reference_light.csv): the
# |beta| = 1 light tails of the dense grid's alphas at pdf ~ 1e-10 ... 1e-290,
# in S0 and (alpha != 1) S1, where the density is exp(-G) with G up to ~700.
LIGHT_LEVELS = (-10, -30, -60, -100, -150, -200, -250, -290)


def grid_light():
    rows = []
    for a in DENSE_ALPHAS:
        if a == 2.0:
            continue
        T = tan_half(a)
        x1s = light_tail_points(a, LIGHT_LEVELS)
        for par in (('S0',) if a == 1.0 else ('S0', 'S1')):
            for b in (1.0, -1.0):
                for x1 in x1s:
                    xs1 = x1 if par == 'S1' else float(mp.mpf(x1) - T)
                    rows.append((par, a, b, b * float('%.4g' % xs1)))
    return rows


def s1_point(par, a, b, xv):
    """Normalised (beta >= 0) S1 key and whether it is reflected."""
    with mp.workdps(60):
        x1 = mp.mpf(xv)
        if par == 'S0':
            x1 = x1 + mp.mpf(b) * tan_half(a)
        if a == 2.0:
            refl = x1 > 0           # alpha = 2: symmetric, use the x <= 0 side
            b = 0.0
        else:
            refl = b < 0 or (b == 0 and x1 < 0)
        if refl:
            return (a, -b if b != 0 else 0.0, -x1), True
        return (a, b, x1), False


def fmt(v):
    if isinstance(v, str):
        return v
    if v == 0:
        return '0'
    if abs(v) < mp.mpf(10) ** TINY_LOG10:
        return 'underflow'
    return mp.nstr(v, 17, strip_zeros=False, min_fixed=0, max_fixed=0)


def _evaluate_key(key):
    return key, evaluate(Law(key[0], key[1]), key[2])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--quick', action='store_true',
                    help='small subset (alpha 0.5, 0.999, 1.5; beta 0, 1), printed to stdout')
    ap.add_argument('--out', default=None, help='output CSV (default tests/data/stable_reference.csv)')
    ap.add_argument('--only-alpha', type=float, default=None, help='restrict to one alpha (debug)')
    ap.add_argument('--methods', default=None,
                    help='also write, per row, the primary|check methods of each value to this file')
    ap.add_argument('--grid', choices=('base', 'dense', 'light'), default='base',
                    help='base: stable_reference.csv; dense: stable_reference_dense.csv (issue 18); '
                         'light: stable_reference_light.csv (|beta| = 1 light tails, issue 18)')
    ap.add_argument('--jobs', type=int, default=1, help='worker processes (default 1)')
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    csv_name = {'base': 'stable_reference.csv', 'dense': 'stable_reference_dense.csv',
                'light': 'stable_reference_light.csv'}[args.grid]
    out_path = args.out or (None if args.quick else os.path.join(here, '..', 'data', csv_name))
    rows = {'base': lambda: grid(args.quick), 'dense': grid_dense, 'light': grid_light}[args.grid]()
    if args.only_alpha is not None:
        rows = [r for r in rows if r[1] == args.only_alpha]
    t0 = time.time()
    cache = {}
    if args.jobs > 1:
        # each distinct S1 point once, in parallel (Bromwich scan errors are
        # counted in the workers and not reported)
        import multiprocessing
        keys = list(dict.fromkeys(s1_point(*r)[0] for r in rows))
        with multiprocessing.Pool(args.jobs) as pool:
            for j, (k, v) in enumerate(pool.imap_unordered(_evaluate_key, keys, chunksize=1)):
                cache[k] = v
                if (j + 1) % 100 == 0:
                    print('%d/%d unique points, %.0fs' % (j + 1, len(keys), time.time() - t0),
                          file=sys.stderr)
    laws = {}
    lines = []
    worst = (0.0, None)
    ndrop = nunder = 0
    stats = {}
    checks = {}
    mlines = []
    for i, (par, a, b, xv) in enumerate(rows):
        key, refl = s1_point(par, a, b, xv)
        if key not in cache:
            la = laws.setdefault(key[:2], Law(key[0], key[1]))
            tp = time.time()
            cache[key] = evaluate(la, key[2])
            dt = time.time() - tp
            if dt > 20:
                print('slow point %s %.1fs' % (str(key[:2]) + ' x1=' + mp.nstr(key[2], 8), dt),
                      file=sys.stderr)
        res = cache[key]
        pdf, cdf, ccdf = res['pdf'], res['cdf'], res['ccdf']
        if refl:
            cdf, ccdf = ccdf, cdf
        vals, errs = [], []
        mlines.append('%s,%r,%r,%r,%s,%s,%s' % (par, a, b, xv, pdf[2], cdf[2], ccdf[2]))
        for name, (v, e, meth) in (('pdf', pdf), ('cdf', cdf), ('ccdf', ccdf)):
            stats[meth.split('|')[0][:2]] = stats.get(meth.split('|')[0][:2], 0) + 1
            prim, _, oth = meth.partition('|')
            fam = lambda m: {'R': 'ray', 'H': 'same ray +15 digits', 'B': 'Bromwich',
                             'S': 'series', 'C': 'closed form'}.get(m[:1], m)
            if prim in ('support', 'saddle<1e-330'):
                kind = prim
            else:
                fams = set(fam(o) for o in oth.split(',') if o)
                kind = ('checked by ' + '+'.join(sorted(fams))) if fams else 'unchecked'
                kind = fam(prim) + ' ' + kind
            checks[kind] = checks.get(kind, 0) + 1
            if v is None or e is None or not math.isfinite(e) or e > DROP:
                vals.append('dropped')
                ndrop += 1
                print('dropped %s %s a=%r b=%r x=%r err=%s (%s)' % (name, par, a, b, xv, e, meth),
                      file=sys.stderr)
            else:
                s = fmt(v)
                if s == 'underflow':
                    nunder += 1
                vals.append(s)
                if e > worst[0]:
                    worst = (e, (name, par, a, b, xv, meth))
            errs.append('%.1e' % e if e is not None else 'nan')
        lines.append('%s,%r,%r,%r,%s,%s,%s,%s,%s,%s' % (par, a, b, xv, vals[0], vals[1], vals[2],
                                                        errs[0], errs[1], errs[2]))
        if (i + 1) % 200 == 0:
            print('%d/%d rows, %d unique points, %.0fs' % (i + 1, len(rows), len(cache),
                                                           time.time() - t0), file=sys.stderr)
    elapsed = time.time() - t0
    header = [
        '# Reference values of the standard alpha-stable law S(alpha, beta, 1, 0) in the S0 and S1',
        '# parameterizations (include/levysgd/stable/parameterization.hpp).',
        '# Generated by tests/scripts/stable_reference.py (mpmath %s, %d digits); regenerate with' % (mp.__version__, D0),
        '#   nice -n 10 python3 tests/scripts/stable_reference.py',
        '# Method: Fourier inversion of the characteristic function on rotated contours, Bromwich',
        '# inversion through the saddle point for the |beta| = 1 light tails, cross-checked against a',
        '# second contour, Bergstrom/Taylor series and closed forms (see the script docstring).',
        '# alpha, beta, x are exact binary64 values; pdf, cdf, ccdf (= 1 - cdf, computed directly',
        '# where it is the small one) to 17 significant digits.',
        "# Tokens: 0 = exactly zero (outside the support); 'underflow' = positive but < 1e-300;",
        "# 'dropped' = estimated relative error above 1e-13 (none expected).",
        '# *_relerr: estimated relative error of the value as computed (largest relative difference',
        '# between independent methods, or the quadrature error estimate if larger; values below',
        '# ~1e-30 just mean agreement to working precision); 0 for exact zeros and for underflows',
        '# screened out by the saddle-point estimate (< 1e-330).',
    ]
    if args.grid == 'base':
        header += [
            '# Grid: alpha in {%s},' % ', '.join(repr(a) for a in ALPHAS),
            '# beta in {%s}, x = 0, +-{%s}' % (', '.join(repr(b) for b in BETAS),
                                               ', '.join('%g' % v for v in XBASE[1:])),
            '# in both parameterizations; plus, in S1, the bulk x = beta tan(pi alpha/2) + {-1, 0, 1}',
            '# (= -zeta + ..., where |beta tan| >= 1), in S0 for alpha < 1, |beta| = 1 the points',
            '# zeta + beta {0.5, 2} next to the support boundary zeta = -beta tan(pi alpha/2), and for',
            '# |beta| = 1 (alpha != 2) the light-tail points where the pdf is about 1e-10, 1e-100, 1e-250.']
    elif args.grid == 'light':
        header[3] = '#   nice -n 10 python3 tests/scripts/stable_reference.py --grid light --jobs 2'
        header += [
            '# Light-tail grid (issue 18): alpha in {%s}, beta = +-1,' % ', '.join(
                repr(a) for a in DENSE_ALPHAS),
            '# S0 and S1 (alpha != 1) points on the light side where the saddle-point estimate of the',
            '# pdf is 10^L, L in {%s} (4 digits).' % ', '.join('%d' % v for v in LIGHT_LEVELS)]
    else:
        header[3] = '#   nice -n 10 python3 tests/scripts/stable_reference.py --grid dense --jobs 2'
        header += [
            '# Dense grid (issue 18), S0: alpha in {%s},' % ', '.join(repr(a) for a in DENSE_ALPHAS),
            '# beta = +-{%s}, x = 0, +-{%s}, the mode and the 1 %%/99 %% quantiles' % (
                ', '.join(repr(b) for b in DENSE_BETAS), ', '.join('%g' % v for v in DENSE_X[1:])),
            '# (4 digits, located with scipy), zeta +- 0.1 (relative 1e-4 where |zeta| > 100);',
            '# plus the S1 points %s.' % ', '.join('(%r, %r, %r)' % t for t in DENSE_S1_NAMED)]
    header.append('param,alpha,beta,x,pdf,cdf,ccdf,pdf_relerr,cdf_relerr,ccdf_relerr')
    text = '\n'.join(header + lines) + '\n'
    if out_path:
        os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
        with open(out_path, 'w') as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    print('rows %d, unique points %d, dropped %d, underflow %d, worst err %.2e at %s, %.0fs'
          % (len(lines), len(cache), ndrop, nunder, worst[0], worst[1], elapsed), file=sys.stderr)
    print('primary methods: %s' % stats, file=sys.stderr)
    print('Bromwich contours rejected by a floating-point error in the scan: %d'
          % BROMWICH_ERRORS[0], file=sys.stderr)
    for kind in sorted(checks):
        print('  %6d values: %s' % (checks[kind], kind), file=sys.stderr)
    if args.methods:
        with open(args.methods, 'w') as fh:
            fh.write('param,alpha,beta,x,pdf_methods,cdf_methods,ccdf_methods\n')
            fh.write('\n'.join(mlines) + '\n')


if __name__ == '__main__':
    main()
