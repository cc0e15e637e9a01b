#!/usr/bin/env python3
"""scipy.stats.levy_stable on Nolan's STABLE tables: the scipy column of
tests/test_stable_nolan.cpp.

Reads the two tables of shared/testdata/nolan/ (see its README.md):
  nolan_cdf_quantile.dat  x with CDF(x; alpha, beta) = p, S0, 22 alphas x 11
                          betas x 171 p (41,382 entries)
  nolan_pdf_quantile.dat  the density at the same points (41,382 entries)
and counts, for each absolute tolerance 1e-2 ... 1e-6, the entries where
scipy matches the table:
  cdf   |levy_stable.cdf(x_table) - p| <= tol
  pdf   |levy_stable.pdf(x_table) - f_table| <= tol
A non-finite scipy value counts as a miss. Writes the counts, per alpha and in
total, to tests/data/nolan_scipy_summary.csv, which the C++ test reads to
print scipy's percentages next to levysgd's (so no Python at test time).

scipy is evaluated in S0 (levy_stable.parameterization = "S0", scipy >= 1.8)
with its default methods (pdf and cdf: "piecewise", Nolan's integral), on
every entry of both tables, one (alpha, beta) block of 171 points per call.
Takes about 10 minutes on one core of the development VM:

    nice -n 10 /usr/bin/python3 tests/scripts/nolan_scipy.py \\
        [--nolan-dir ../shared/testdata/nolan] [--values /tmp/nolan_scipy_values.csv]

--values also writes scipy's value at every entry (for investigations; not
committed: 80k rows).

Investigation of disagreements (who is right, the table or levysgd):

    LEVYSGD_NOLAN_DUMP=/tmp/miss.csv build/release/tests/test_stable_nolan
    nice -n 10 /usr/bin/python3 tests/scripts/nolan_scipy.py --check /tmp/miss.csv \
        [--values-in /tmp/nolan_scipy_values.csv]

evaluates the entries of CHECK_ENTRIES below (a handful per kind of
disagreement) with the independent high-precision method of
tests/scripts/stable_reference.py (mpmath Fourier inversion, 30 digits) and
prints table, levysgd (from the test's dump), scipy and the reference.
"""

import argparse
import os
import sys
import time
import warnings

TOLS = [1e-2, 1e-3, 1e-4, 1e-5, 1e-6]


def _floats(tokens):
    try:
        return [float(t) for t in tokens]
    except ValueError:
        return None


def read_cdf_table(path):
    """[(alpha, beta, p, x)] from Nolan's published quantile table."""
    out = []
    alpha = None
    betas = [round(0.1 * j, 1) for j in range(11)]
    with open(path, encoding='ascii', errors='replace') as f:
        for line in f:
            s = line.replace('\r', ' ').strip()
            if 'alpha=' in s:
                alpha = float(s.split('alpha=')[1].split()[0])
                continue
            v = _floats(s.split())
            if alpha is None or v is None or len(v) != 12:
                continue
            p = v[0]
            if not 0 < p < 1:
                raise ValueError('bad probability %r in %s' % (p, line))
            for b, x in zip(betas, v[1:]):
                out.append((alpha, b, p, x))
    return out


def read_pdf_table(path):
    """[(alpha, beta, x, density)] from STABLE 3.14.02's output: blocks of
    'alpha', 'x beta', alpha, beta, 'x density'."""
    out = []
    nums = None
    with open(path, encoding='ascii', errors='replace') as f:
        for line in f:
            s = line.replace('\r', ' ').strip()
            if s == 'alpha':
                nums = []
                continue
            if nums is None:
                continue
            v = _floats(s.split())
            if v is None:
                continue
            nums.extend(v)
            if len(nums) == 4:
                out.append((nums[0], nums[1], nums[2], nums[3]))
                nums = None
    return out


# (quantity, alpha, beta, x) entries of the tables where levysgd and the table
# differ by more than 1e-6, one or two per kind of disagreement.
CHECK_ENTRIES = [
    ('cdf', 0.1, 0.0, -0.00049541061),    # alpha 0.1 centre: table linear in p
    ('cdf', 0.1, 1.0, -0.1576169),        # alpha 0.1, beta 1 near the support edge
    ('cdf', 0.2, 0.5, -0.16188203),       # alpha 0.2 near the mode
    ('cdf', 0.3, 0.5, -0.25871795),
    ('cdf', 0.3, 1.0, -0.5093292),        # alpha 0.3, beta 1 lower tail: table linear in p
    ('cdf', 0.4, 0.1, -0.074910235),
    ('cdf', 1.0, 0.5, 52.512577),         # alpha 1, beta != 0, beyond 99%
    ('cdf', 1.0, 0.5, 796.06441),
    ('cdf', 0.6, 0.5, -0.68942736),       # single misses by ~1e-6
    ('cdf', 0.8, 0.2, -0.6175636),
    ('pdf', 0.6, 0.5, -0.68942736),
    ('pdf', 1.5, 0.1, 0.095975433),
    ('pdf', 1.4, 0.1, 0.13380896),
    ('pdf', 0.2, 1.0, -0.32491882),       # 1e-6 inside the support edge
    ('pdf', 0.1, 1.0, -0.15838418),       # density 2e4: 1e-10 relative
]


def check(dump_path, values_path):
    """High-precision values at CHECK_ENTRIES next to table, levysgd, scipy."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import mpmath as mp
    import stable_reference as ref

    def close(u, v):
        return abs(u - v) <= 1e-9 * max(1.0, abs(v))

    ours, table, scipy_v = {}, {}, {}
    with open(dump_path) as f:
        next(f)
        for line in f:
            q, a, b, p, x, t, v = line.strip().split(',')
            ours[(q, float(a), float(b), float(x))] = float(v)
            table[(q, float(a), float(b), float(x))] = float(t)
    if values_path:
        with open(values_path) as f:
            next(f)
            for line in f:
                q, a, b, x, t, v = line.strip().split(',')
                scipy_v[(q, float(a), float(b), float(x))] = float(v)

    def lookup(d, key):
        for k, v in d.items():
            if k[:3] == key[:3] and close(k[3], key[3]):
                return v
        return float('nan')

    print('%-3s %4s %4s %16s | %-14s %-14s %-14s %-20s | closest' %
          ('', 'a', 'b', 'x (S0)', 'table', 'levysgd', 'scipy', 'reference (mpmath)'))
    for q, a, b, x in CHECK_ENTRIES:
        t0 = time.time()
        key, refl = ref.s1_point('S0', a, b, x)
        res = ref.evaluate(ref.Law(key[0], key[1]), key[2])
        if q == 'pdf':
            v, err = res['pdf'][0], res['pdf'][1]
        else:
            v, err = res['ccdf' if refl else 'cdf'][:2]
        r = float(v) if not isinstance(v, str) else float('nan')
        vals = {'table': lookup(table, (q, a, b, x)), 'levysgd': lookup(ours, (q, a, b, x)),
                'scipy': lookup(scipy_v, (q, a, b, x))}
        dev = {k: abs(v - r) for k, v in vals.items() if v == v}
        lo = min(dev.values())
        best = '+'.join(k for k in dev if dev[k] <= max(lo, 1e-12 * abs(r)))
        print('%-3s %4g %4g %16.10g | %-14.9g %-14.9g %-14.9g %-20.15g | %s (%.1e; %.0f s)' %
              (q, a, b, x, vals['table'], vals['levysgd'], vals['scipy'], r, best, lo,
               time.time() - t0), flush=True)
    return 0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..', '..'))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--nolan-dir', default=os.path.join(root, '..', 'shared', 'testdata', 'nolan'))
    ap.add_argument('--out', default=os.path.join(root, 'tests', 'data', 'nolan_scipy_summary.csv'))
    ap.add_argument('--values', default=None, help='also write every scipy value to this CSV')
    ap.add_argument('--check', default=None, metavar='DUMP',
                    help='evaluate CHECK_ENTRIES at high precision (DUMP: the test\'s '
                         'LEVYSGD_NOLAN_DUMP file) and exit')
    ap.add_argument('--values-in', default=None, help='scipy values written by --values (--check)')
    args = ap.parse_args()
    if args.check:
        return check(args.check, args.values_in)
    try:
        import numpy as np
        import scipy
        from scipy.stats import levy_stable
    except ImportError:
        print('scipy not found: apt-get install python3-scipy (skipping)')
        return 0
    levy_stable.parameterization = 'S0'

    cdf_rows = read_cdf_table(os.path.join(args.nolan_dir, 'nolan_cdf_quantile.dat'))
    pdf_rows = read_pdf_table(os.path.join(args.nolan_dir, 'nolan_pdf_quantile.dat'))
    print('%d cdf entries, %d pdf entries' % (len(cdf_rows), len(pdf_rows)), flush=True)

    def by_law(rows):
        groups = {}
        for i, r in enumerate(rows):
            groups.setdefault((r[0], r[1]), []).append(i)
        return groups

    def evaluate(rows, x_col, fn, name):
        # fn(x, alpha, beta) at column x_col of every row: one vectorised call per law
        t0 = time.time()
        vals = [float('nan')] * len(rows)
        for (a, b), idx in by_law(rows).items():
            v = fn(np.array([rows[i][x_col] for i in idx]), a, b)
            for i, y in zip(idx, v):
                vals[i] = float(y)
        dt = time.time() - t0
        print('%s: %.0f s (%.0f /s)' % (name, dt, len(rows) / dt), flush=True)
        return vals, dt

    warnings.simplefilter('ignore')
    cdf_vals, t_cdf = evaluate(cdf_rows, 3, levy_stable.cdf, 'cdf')
    pdf_vals, t_pdf = evaluate(pdf_rows, 2, levy_stable.pdf, 'pdf')

    # counts[(quantity, alpha or 'all')] = [n, hits per tol]
    counts = {}

    def tally(q, alpha, err):
        for key in ((q, '%.2f' % alpha), (q, 'all')):
            c = counts.setdefault(key, [0] + [0] * len(TOLS))
            c[0] += 1
            for k, tol in enumerate(TOLS):
                if err == err and err <= tol:   # NaN never matches
                    c[k + 1] += 1

    for (a, b, p, x), v in zip(cdf_rows, cdf_vals):
        tally('cdf', a, abs(v - p) if np.isfinite(v) else float('nan'))
    for (a, b, x, f), v in zip(pdf_rows, pdf_vals):
        tally('pdf', a, abs(v - f) if np.isfinite(v) else float('nan'))

    with open(args.out, 'w') as f:
        f.write('# scipy %s levy_stable (S0, default piecewise methods) on Nolan\'s STABLE tables;\n'
                % scipy.__version__)
        f.write('# written by tests/scripts/nolan_scipy.py (cdf %.0f s, pdf %.0f s). Columns: table '
                'quantity (cdf: |cdf(x)-p|, pdf: |pdf(x)-f|), alpha (or all), entries, then the '
                'number within 1e-2 1e-3 1e-4 1e-5 1e-6\n' % (t_cdf, t_pdf))
        f.write('quantity,alpha,n,' + ','.join('tol_%g' % t for t in TOLS) + '\n')
        for q in ('cdf', 'pdf'):
            keys = sorted((k for k in counts if k[0] == q and k[1] != 'all'),
                          key=lambda k: -float(k[1])) + [(q, 'all')]
            for k in keys:
                f.write('%s,%s,%s\n' % (q, k[1], ','.join(str(c) for c in counts[k])))
    print('wrote', args.out)
    for q in ('cdf', 'pdf'):
        c = counts[(q, 'all')]
        print(q, ' '.join('%g: %.2f%%' % (t, 100.0 * c[k + 1] / c[0]) for k, t in enumerate(TOLS)))
    if args.values:
        with open(args.values, 'w') as f:
            f.write('quantity,alpha,beta,x,table,scipy\n')
            for (a, b, p, x), v in zip(cdf_rows, cdf_vals):
                f.write('cdf,%r,%r,%r,%r,%r\n' % (a, b, x, p, v))
            for (a, b, x, fv), v in zip(pdf_rows, pdf_vals):
                f.write('pdf,%r,%r,%r,%r,%r\n' % (a, b, x, fv, v))
    return 0


if __name__ == '__main__':
    sys.exit(main())
