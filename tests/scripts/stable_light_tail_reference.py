#!/usr/bin/env python3
"""Reference log densities deep in the light tail of |beta| = 1 stable laws,
where the density itself underflows double (pdf < 1e-300) and
tests/data/stable_reference.csv records only 'underflow'.

Method: Bromwich inversion of the Laplace transform on a contour through the
real saddle point (tests/scripts/stable_reference.py, function bromwich),
at 30+ significant digits, cross-checked against a second contour through
1.15 x the saddle; a point is kept only when the two logs agree to 1e-20
relative.  Points: for each alpha, the standard S1 coordinate
y = -zeta - sign * d (zeta = -tan(pi alpha/2), the S0 mode region, and d
steps into the light tail) where log10 pdf is between about -300 and -5000.

    nice -n 10 python3 tests/scripts/stable_light_tail_reference.py > tests/data/stable_light_tail_logpdf.csv
"""
import math
import sys

sys.path.insert(0, __file__.rsplit('/', 1)[0])
import stable_reference as sr  # noqa: E402
import mpmath  # noqa: E402
from mpmath import mp  # noqa: E402

ALPHAS = [0.9, 0.99, 0.999, 0.9999, 1.0, 1.0001, 1.001, 1.01, 1.1]


def main():
    print('# log pdf of the standard S1 law S(alpha, 1, 1, 0; 1) deep in its light tail')
    print('# (pdf below 1e-300), by tests/scripts/stable_light_tail_reference.py (mpmath %s):'
          % mpmath.__version__)
    print('# Bromwich inversion through the saddle point, two contours agreeing to 1e-20.')
    print('# alpha, beta, y are exact binary64 values; logpdf to 17 significant digits.')
    print('alpha,beta,y,logpdf')
    for a in ALPHAS:
        # S1 coordinate of the S0 origin; the light side is y < -zeta... for alpha < 1
        # the side towards the support edge (smaller y), for alpha >= 1 y -> -inf
        mode = 0.0 if a == 1 else math.tan(math.pi * a / 2)  # y of z = 0: -zeta
        kept = 0
        d = 4.0
        while kept < 4 and d < 200:
            y = float(mode - d)
            law = sr.Law(a, 1.0)
            if a < 1 and y <= 0:
                break
            _, _, _, lp, _ = sr.bromwich_saddle(law, mp.mpf(y))
            d *= 1.15
            if lp > -300:
                continue
            if lp < -5000:
                break
            r1 = sr.bromwich(law, y)
            r2 = sr.bromwich(law, y, 1.15)
            if r1 is None or r2 is None:
                continue
            with mp.workdps(40):
                l1, l2 = mp.log(r1['pdf']), mp.log(r2['pdf'])
                if mp.im(l1) != 0 or mp.im(l2) != 0 or abs(l1 / l2 - 1) > mp.mpf('1e-20'):
                    continue
                print('%r,1.0,%r,%s' % (a, y, mp.nstr(l1, 17, min_fixed=1, max_fixed=0)))
            sys.stdout.flush()
            kept += 1


if __name__ == '__main__':
    main()
