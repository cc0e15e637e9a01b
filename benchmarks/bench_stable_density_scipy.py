#!/usr/bin/env python3
"""The scipy peer of benchmarks/bench_stable_density.cpp: times
scipy.stats.levy_stable.pdf and .cdf on exactly the points the C++ benchmark
uses (it writes them with LEVYSGD_BENCH_DUMP), runs the C++ benchmark with
--benchmark_format=json and prints points/s of both and the ratio
levysgd / scipy, per (parameterization, alpha, beta) and over all points.

    /usr/bin/python3 benchmarks/bench_stable_density_scipy.py \\
        [--bench build/release/benchmarks/bench_stable_density] [--repeat 3]

One core on both sides: the C++ benchmark is single-threaded, and scipy's
levy_stable (default "piecewise" methods: Nolan's integral, scipy.integrate.quad
per point) is a Python loop over the points of one vectorised call. Each
(alpha, beta) group of 13 points is one scipy call; its time is the best of
--repeat calls, and the "all" rate is all points over the sum of those times.
"""
import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, '..'))
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bench', default=os.path.join(root, 'build', 'release', 'benchmarks',
                                                    'bench_stable_density'))
    ap.add_argument('--repeat', type=int, default=3, help='scipy calls per group (best is kept)')
    ap.add_argument('--min-time', default='0.5', help='--benchmark_min_time of the C++ run')
    args = ap.parse_args()
    try:
        import numpy as np
        import scipy
        from scipy.stats import levy_stable
    except ImportError:
        print('scipy not found: apt-get install python3-scipy (skipping the comparison)')
        return 0
    if not os.access(args.bench, os.X_OK):
        print('%s not found: build it first (cmake --build --preset release '
              '--target bench_stable_density)' % args.bench)
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        pts_path = os.path.join(tmp, 'points.csv')
        env = dict(os.environ, LEVYSGD_BENCH_DUMP=pts_path)
        out = subprocess.run([args.bench, '--benchmark_format=json',
                              '--benchmark_min_time=' + args.min_time],
                             env=env, check=True, capture_output=True, text=True).stdout
        res = json.loads(out)
        with open(pts_path) as f:
            rows = list(csv.DictReader(f))
    rate = {b['name']: b['items_per_second'] for b in res['benchmarks'] if 'items_per_second' in b}

    groups = {}
    for r in rows:
        groups.setdefault((r['param'], float(r['alpha']), float(r['beta'])), []).append(float(r['x']))

    warnings.simplefilter('ignore')   # quad's IntegrationWarning in the tails
    t_scipy = {}                      # (quantity, param, alpha, beta) -> best seconds
    for q in ('pdf', 'cdf'):
        for (par, a, b), xs in groups.items():
            levy_stable.parameterization = par
            fn = levy_stable.pdf if q == 'pdf' else levy_stable.cdf
            x = np.array(xs)
            best = float('inf')
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                fn(x, a, b)
                best = min(best, time.perf_counter() - t0)
            t_scipy[(q, par, a, b)] = best

    def g(v):
        return ('%.10g' % v)

    print('levysgd (%s, one thread, span API) vs scipy %s levy_stable (one core): '
          'points per second' % (os.path.basename(args.bench), scipy.__version__))
    print('%-4s %-3s %5s %4s | %12s %12s | %8s' % ('', 'par', 'alpha', 'beta', 'scipy',
                                                   'levysgd', 'ratio'))
    summary = []
    for q in ('pdf', 'cdf'):
        for par in ('S0', 'S1'):
            keys = [k for k in t_scipy if k[0] == q and k[1] == par]
            for k in keys:
                n = len(groups[k[1:]])
                s = n / t_scipy[k]
                lv = rate.get('%s/%s/alpha:%s/beta:%s' % (q, par, g(k[2]), g(k[3])), 0.0)
                print('%-4s %-3s %5g %4g | %12.0f %12.0f | %7.1fx' % (q, par, k[2], k[3], s, lv,
                                                                     lv / s))
            n = sum(len(groups[k[1:]]) for k in keys)
            s = n / sum(t_scipy[k] for k in keys)
            lv = rate.get('%s/%s/all' % (q, par), 0.0)
            lvs = rate.get('%s/%s/all/scalar' % (q, par), 0.0)
            summary.append((q, par, n, s, lv, lvs))
    print('\nall points (levysgd span API; scalar API, setup per call, in brackets):')
    for q, par, n, s, lv, lvs in summary:
        print('%s %s: %d points, scipy %.0f /s, levysgd %.0f /s (%.0f /s): %.1fx (%.1fx)'
              % (q, par, n, s, lv, lvs, lv / s, lvs / s))
    return 0


if __name__ == '__main__':
    sys.exit(main())
