#!/usr/bin/env python3
"""The scipy peer of benchmarks/bench_stable_density.cpp, and the one command
that regenerates the density tables of docs/performance.md and
docs/accuracy.md.

Speed: times scipy.stats.levy_stable.pdf and .cdf on exactly the points the
C++ benchmark uses (it writes them with LEVYSGD_BENCH_DUMP), runs the C++
benchmark with --benchmark_format=json and prints points/s of both and the
ratio levysgd / scipy, per (parameterization, alpha, beta) and over all points.

Accuracy: evaluates levysgd (bench_stable_density --eval) and scipy on every
point of the mpmath references tests/data/stable_reference.csv and
stable_reference_dense.csv and stable_reference_light.csv
(tests/scripts/stable_reference.py) and prints the largest relative error per
region.

    /usr/bin/python3 benchmarks/bench_stable_density_scipy.py \\
        [--bench build/release/benchmarks/bench_stable_density] [--repeat 3] [--rounds 3] \\
        [--python /usr/bin/python3 --python VENV/bin/python] [--write-docs]

Each --python is an interpreter with its own scipy (e.g. Debian's and the
latest release from PyPI in a venv); all of them run in the same invocation.
The speed runs are interleaved: --rounds rounds (default 3), each one C++ run
followed by one run of every scipy, so that a machine whose speed drifts
(shared VMs drift by 10-20 % within minutes) affects both sides of a ratio
alike. Within a round both sides keep their best of --repeat (default 3): each
C++ benchmark is repeated (--benchmark_repetitions) and its fastest repetition
kept, as each scipy group keeps its fastest call (interruptions only ever slow
a run down, so the best is the least disturbed estimate, the same statistic on
both sides). Rates are the medians over the rounds; the "all points" ratios
are the medians of the per-round ratios, printed with their range. --write-docs
replaces the tables between the density-* markers of docs/performance.md and
docs/accuracy.md.

One core on both sides: the C++ benchmark is single-threaded, and scipy's
levy_stable (default "piecewise" methods: Nolan's integral, scipy.integrate.quad
per point) is a Python loop over the points of one vectorised call. Each
(alpha, beta) group of 13 points is one scipy call; its time is the best of
--repeat calls, and the "all" rate is all points over the sum of those times.
"""
import argparse
import csv
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings

os.environ.setdefault('OMP_NUM_THREADS', '1')
os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..'))
REFS = [os.path.join(ROOT, 'tests', 'data', n)
        for n in ('stable_reference.csv', 'stable_reference_dense.csv',
                  'stable_reference_light.csv')]


def rkey(r):
    """Row key: parameterization and the exact binary64 alpha, beta, x."""
    return '|'.join((r['param'], repr(float(r['alpha'])), repr(float(r['beta'])),
                     repr(float(r['x']))))


def read_rows(path):
    with open(path) as f:
        return list(csv.DictReader(line for line in f if not line.startswith('#')))


# --------------------------------------------------------------------------
# workers: run under each --python (its own scipy)
# --------------------------------------------------------------------------

def worker_speed(points, out, repeat):
    import numpy as np
    import scipy
    from scipy.stats import levy_stable
    warnings.simplefilter('ignore')   # quad's IntegrationWarning in the tails
    groups = {}
    for r in read_rows(points):
        groups.setdefault((r['param'], float(r['alpha']), float(r['beta'])), []).append(
            float(r['x']))
    res = []
    for q in ('pdf', 'cdf'):
        for (par, a, b), xs in groups.items():
            levy_stable.parameterization = par
            fn = levy_stable.pdf if q == 'pdf' else levy_stable.cdf
            x = np.array(xs)
            best = float('inf')
            for _ in range(repeat):
                t0 = time.perf_counter()
                fn(x, a, b)
                best = min(best, time.perf_counter() - t0)
            res.append([q, par, a, b, len(xs), best])
    with open(out, 'w') as f:
        json.dump({'version': scipy.__version__, 'times': res}, f)


def worker_accuracy(out, refs):
    import numpy as np
    import scipy
    from scipy.stats import levy_stable
    warnings.simplefilter('ignore')
    vals = {}
    for path in refs:
        for r in read_rows(path):
            key = rkey(r)
            if key in vals:
                continue
            levy_stable.parameterization = r['param']
            a, b, x = float(r['alpha']), float(r['beta']), float(r['x'])
            with np.errstate(all='ignore'):
                try:
                    p = float(levy_stable.pdf(x, a, b))
                    c = float(levy_stable.cdf(x, a, b))
                    s = float(levy_stable.sf(x, a, b))
                except Exception:   # noqa: BLE001 (any failure counts as a wrong value)
                    p = c = s = float('nan')
            vals[key] = [p, c, s]
    with open(out, 'w') as f:
        json.dump({'version': scipy.__version__, 'values': vals}, f)


# --------------------------------------------------------------------------
# accuracy regions
# --------------------------------------------------------------------------

REGIONS = [
    ('all values outside the light tails of |beta| = 1', 'main'),
    ('  of which 0 < |alpha - 1| <= 1e-3 (S0 interpolation)', 'near1'),
    ('light tails of |beta| = 1 (value < 1e-8)', 'light'),
]


def classify(r, value):
    a, b = float(r['alpha']), float(r['beta'])
    if abs(b) == 1 and value < 1e-8:
        return ['light']
    return ['main'] + (['near1'] if 0 < abs(a - 1) <= 1e-3 else [])


def median(xs):
    v = sorted(xs)
    m = len(v) // 2
    return v[m] if len(v) % 2 else 0.5 * (v[m - 1] + v[m])


def rel(got, ref):
    if ref == 0:
        return 0.0 if got == 0 else math.inf
    if not math.isfinite(got):
        return math.inf
    return abs(got / ref - 1)


def accuracy_stats(levy_vals, peers):
    """stats[(region, quantity)] = [n, levysgd max, levysgd within 1e-12,
    per peer: (max, within 1e-12, within 1e-6)]."""
    stats = {}
    for path in REFS:
        for r in read_rows(path):
            key = rkey(r)
            got = levy_vals[key]
            for k, q in enumerate(('pdf', 'cdf', 'ccdf')):
                v = r[q]
                if v in ('underflow', 'dropped'):
                    continue
                ref = float(v)
                if q != 'pdf':
                    other = r['ccdf' if q == 'cdf' else 'cdf']
                    if other not in ('underflow', 'dropped') and float(other) < ref:
                        continue   # the smaller tail is the one held to relative accuracy
                qn = 'pdf' if q == 'pdf' else 'cdf/ccdf'
                e = rel(got[k], ref)
                pe = [rel(p['values'][key][k], ref) for p in peers]
                for reg in classify(r, ref):
                    s = stats.setdefault((reg, qn), [0, 0.0, 0] + [[0.0, 0, 0] for _ in peers])
                    s[0] += 1
                    s[1] = max(s[1], e)
                    s[2] += e <= 1e-12
                    for j, x in enumerate(pe):
                        s[3 + j][0] = max(s[3 + j][0], x)
                        s[3 + j][1] += x <= 1e-12
                        s[3 + j][2] += x <= 1e-6
    return stats


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def run_worker(py, args):
    subprocess.run([py, os.path.abspath(__file__), '--worker'] + args, check=True)


def pct(k, n):
    return '%.1f %%' % (100.0 * k / n) if n else '-'


def fmt_err(e):
    return 'inf' if not math.isfinite(e) else '%.1e' % e


def replace_block(path, name, text):
    begin, end = '<!-- %s-begin -->' % name, '<!-- %s-end -->' % name
    with open(path) as f:
        doc = f.read()
    i, j = doc.index(begin) + len(begin), doc.index(end)
    with open(path, 'w') as f:
        f.write(doc[:i] + '\n' + text + doc[j:])


def cpu_name():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name'):
                    return line.split(':', 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or 'unknown CPU'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--bench', default=os.path.join(ROOT, 'build', 'release', 'benchmarks',
                                                    'bench_stable_density'))
    ap.add_argument('--repeat', type=int, default=3,
                    help='repetitions per round of each C++ benchmark and of each scipy call '
                         '(the best is kept on both sides)')
    ap.add_argument('--rounds', type=int, default=3,
                    help='interleaved rounds of the C++ run and the scipy runs (medians kept)')
    ap.add_argument('--min-time', default='0.2',
                    help='--benchmark_min_time of each repetition of the C++ benchmarks')
    ap.add_argument('--python', action='append', default=None,
                    help='interpreter with scipy (repeatable; default: this one)')
    ap.add_argument('--no-accuracy', action='store_true', help='speed only')
    ap.add_argument('--write-docs', action='store_true',
                    help='rewrite the density tables of docs/performance.md and docs/accuracy.md')
    ap.add_argument('--worker', nargs='+', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        if args.worker[0] == 'speed':
            worker_speed(args.worker[1], args.worker[2], int(args.worker[3]))
        else:
            worker_accuracy(args.worker[1], REFS)
        return 0
    pythons = args.python or [sys.executable]
    if args.rounds < 1:
        print('--rounds must be >= 1, got %d' % args.rounds)
        return 2
    if not os.access(args.bench, os.X_OK):
        print('%s not found: build it first (cmake --build --preset release '
              '--target bench_stable_density)' % args.bench)
        return 1

    with tempfile.TemporaryDirectory() as tmp:
        pts_path = os.path.join(tmp, 'points.csv')
        env = dict(os.environ, LEVYSGD_BENCH_DUMP=pts_path)
        # rounds[i] = (C++ rates by benchmark name, per peer its scipy times)
        rounds = []
        versions = [None] * len(pythons)
        for i in range(args.rounds):
            out = subprocess.run([args.bench, '--benchmark_format=json',
                                  '--benchmark_min_time=' + args.min_time,
                                  '--benchmark_repetitions=%d' % args.repeat],
                                 env=env, check=True, capture_output=True, text=True).stdout
            # each benchmark's best repetition, as each scipy group's best call
            rate_i = {}
            for b in json.loads(out)['benchmarks']:
                if 'items_per_second' in b and b.get('run_type', 'iteration') == 'iteration':
                    name = b.get('run_name', b['name'])
                    rate_i[name] = max(rate_i.get(name, 0.0), b['items_per_second'])
            times_i = []
            for j, py in enumerate(pythons):
                sp = os.path.join(tmp, 'speed%d.json' % j)
                run_worker(py, ['speed', pts_path, sp, str(args.repeat)])
                with open(sp) as f:
                    w = json.load(f)
                versions[j] = w['version']
                times_i.append(w['times'])
            rounds.append((rate_i, times_i))
        rows = read_rows(pts_path)
        peers = [{'python': py, 'version': versions[j]} for j, py in enumerate(pythons)]
        levy_vals = {}
        if not args.no_accuracy:
            for path in REFS:
                ev = os.path.join(tmp, 'eval.csv')
                subprocess.run([args.bench, '--eval', path, ev], check=True)
                for r in read_rows(ev):
                    levy_vals[rkey(r)] = [float(r['pdf']), float(r['cdf']), float(r['ccdf'])]
            for j, py in enumerate(pythons):
                ac = os.path.join(tmp, 'acc%d.json' % j)
                run_worker(py, ['accuracy', ac])
                with open(ac) as f:
                    peers[j]['values'] = json.load(f)['values']
    rate = {k: median([r[0].get(k, 0.0) for r in rounds]) for k in rounds[0][0]}

    def scipy_time(j, q, par, a, b, i=None):
        """A group's scipy time: round i's, or the median over the rounds."""
        ts = [[x[5] for x in r[1][j] if x[0] == q and x[1] == par and x[2] == a and
               x[3] == b][0] for r in rounds]
        return ts[i] if i is not None else median(ts)
    n_law = {}
    for r in rows:
        k = (r['param'], float(r['alpha']), float(r['beta']))
        n_law[k] = n_law.get(k, 0) + 1

    def g(v):
        return '%.10g' % v

    names = ['scipy %s' % p['version'] for p in peers]
    print('levysgd (%s, one thread) vs %s levy_stable (one core), %s: points per second, '
          'medians of %d interleaved rounds'
          % (os.path.basename(args.bench), ', '.join(names), cpu_name(), len(rounds)))
    summary = []
    for q in ('pdf', 'cdf'):
        for par in ('S0', 'S1'):
            keys = [k for k in n_law if k[0] == par]
            n = sum(n_law[k] for k in keys)
            for key in keys:
                cnt = n_law[key]
                lv = rate.get('%s/%s/alpha:%s/beta:%s' % (q, par, g(key[1]), g(key[2])), 0.0)
                line = '%-4s %-3s %5g %4g | levysgd %9.0f' % (q, par, key[1], key[2], lv)
                for j in range(len(peers)):
                    t = scipy_time(j, q, par, key[1], key[2])
                    line += ' | %s %7.0f (%6.1fx)' % (names[j], cnt / t, lv * t / cnt)
                print(line)
            # per round: scipy's rate on all points (the sum of its group
            # times) and the ratios of the two levysgd rates of that round
            sc_r, ratio_r = [], []
            for i, (rate_i, _) in enumerate(rounds):
                sc = [n / sum(scipy_time(j, q, par, k[1], k[2], i) for k in keys)
                      for j in range(len(peers))]
                sc_r.append(sc)
                ratio_r.append([(rate_i.get('%s/%s/all' % (q, par), 0.0) / s_,
                                 rate_i.get('%s/%s/all/scalar' % (q, par), 0.0) / s_)
                                for s_ in sc])
            summary.append((q, par, n, rate.get('%s/%s/all' % (q, par), 0.0),
                            rate.get('%s/%s/all/scalar' % (q, par), 0.0),
                            [median([sc[j] for sc in sc_r]) for j in range(len(peers))],
                            ratio_r))
    print('\nall points: levysgd span API (one-point calls on a new distribution each); '
          'ratio: median of the rounds [range]')
    for q, par, n, lv, lvs, sc, ratio_r in summary:
        parts = []
        for j, s_ in enumerate(sc):
            span_r = [r[j][0] for r in ratio_r]
            one_r = [r[j][1] for r in ratio_r]
            parts.append('%s %.0f /s: %.1fx [%.1f-%.1f] (%.1fx [%.1f-%.1f])' % (
                names[j], s_, median(span_r), min(span_r), max(span_r), median(one_r),
                min(one_r), max(one_r)))
        print('%s %s: %d points, levysgd %.0f /s (%.0f /s), ' % (q, par, n, lv, lvs) +
              ', '.join(parts))

    perf = ['Measured by `benchmarks/bench_stable_density_scipy.py --write-docs` on %s, '
            'one core, %d points per row, medians of %d interleaved rounds (each one C++ run '
            'and one run of each scipy, each side the best of %d repetitions):'
            % (cpu_name(), summary[0][2], len(rounds), args.repeat), '',
            '| | ' + ' | '.join(names) + ' | levysgd span | levysgd one-point | ratio |',
            '|---|' + '---|' * (len(names) + 3)]
    for q, par, n, lv, lvs, sc, ratio_r in summary:
        rs = []
        for j in range(len(sc)):
            one_r = [r[j][1] for r in ratio_r]
            rs.append('%.0f× (%.0f–%.0f)' % (median(one_r), min(one_r), max(one_r)))
        perf.append('| %s %s | %s | %s | %s | %s |' % (
            q, par, ' | '.join('{:,.0f}'.format(s_) for s_ in sc), '{:,.0f}'.format(lv),
            '{:,.0f}'.format(lvs), ', '.join(rs)))
    perf.append('')
    perf.append('(ratio: one-point calls against each scipy in turn, the median of the rounds\' '
                'ratios and their range.)')
    perf.append('')

    acc = []
    if levy_vals:
        stats = accuracy_stats(levy_vals, peers)
        print('\naccuracy against the mpmath references (max relative error; share within 1e-12):')
        acc = ['Measured by `benchmarks/bench_stable_density_scipy.py --write-docs` on every '
               'point of `stable_reference.csv`, `stable_reference_dense.csv` and '
               '`stable_reference_light.csv` (the smaller of cdf and ccdf; values below 1e-300 '
               'left out):', '',
               '| region | quantity | values | levysgd max | levysgd ≤ 1e-12 | ' +
               ' | '.join('%s max | %s ≤ 1e-6' % (nm, nm) for nm in names) + ' |',
               '|---|---|---|---|---|' + '---|---|' * len(names)]
        for label, reg in REGIONS:
            for qn in ('pdf', 'cdf/ccdf'):
                s = stats.get((reg, qn))
                if not s:
                    continue
                doc_label = label.strip().replace('alpha', 'α').replace('beta', 'β')
                line = '| %s | %s | %d | %s | %s | ' % (doc_label.replace('|', '\\|'), qn, s[0],
                                                       fmt_err(s[1]),
                                                       pct(s[2], s[0]))
                line += ' | '.join('%s | %s' % (fmt_err(p[0]), pct(p[2], s[0])) for p in s[3:])
                acc.append(line + ' |')
                print('  %-55s %-8s n=%5d levysgd %s (%s)  ' % (label, qn, s[0], fmt_err(s[1]),
                                                                  pct(s[2], s[0])) +
                      '  '.join('%s %s (1e-6: %s)' % (names[j], fmt_err(p[0]), pct(p[2], s[0]))
                                for j, p in enumerate(s[3:])))
        acc.append('')
    if args.write_docs:
        replace_block(os.path.join(ROOT, 'docs', 'performance.md'), 'density-speed',
                      '\n'.join(perf))
        if acc:
            replace_block(os.path.join(ROOT, 'docs', 'accuracy.md'), 'density-accuracy',
                          '\n'.join(acc))
        print('\nwrote the tables into docs/performance.md and docs/accuracy.md')
    return 0


if __name__ == '__main__':
    sys.exit(main())
