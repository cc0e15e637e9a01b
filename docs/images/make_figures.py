#!/usr/bin/env python3
"""Regenerates the figures of docs/figures.md from levysgd's own programs.

    /usr/bin/python3 docs/images/make_figures.py [--build DIR] [--only NAME ...]
    /usr/bin/python3 docs/images/make_figures.py --check [--build DIR]

Every number comes from a C++ program of this repository (examples/*.cpp with
--csv, and benchmarks/bench_stable); the script builds the targets it needs
in DIR (a configured Release tree, default build/release) with
`cmake --build DIR --target ...`, writes the data behind each figure as CSV in
docs/images/data/ and draws docs/images/<name>.png with matplotlib.

--check regenerates the data of the deterministic figures (all but
sampler_throughput, a timing) into a temporary folder and compares them with
the committed CSVs; it needs no matplotlib and exits 1 on any mismatch.
Tolerances: columns that are integers (counts, path numbers) must match
exactly; other numbers to a relative 1e-9. The programs use fixed seeds and
levysgd's streams do not depend on the thread count, so on one build the
output is bit-identical; 1e-9 leaves room only for libm/compiler differences
in the last printed digits of derived values (densities, theory curves,
means), far below any statistical change (one path more or less through x_1
moves a probability by 1e-3, a mean exit time by ~1e-4 relative). Two
exceptions, both in real_gradient_noise (a network trained with Eigen
products, whose rounding follows the compiler's tuning for the CPU, e.g.
-march=native on an Intel Xeon against an AMD EPYC): the covariance rows
are sums that cancel to ~1e-18, so they are compared to 1e-9 of their
series' largest value (SCALED); and the SaS fits' SSE and chi^2 follow
the density's last digits through a maximum-likelihood fit that stops at
steps of 1e-6 and is ill-conditioned in the hidden layers
(docs/real-networks.md: one fit's chi^2 moved by a factor 40 between two
CPUs; the output layer's by 7e-10), so those cells are only required to be
positive and finite, or null, in both (UNSTABLE). The Gaussian fits next
to them and everything else are compared as above.

Needs Python 3 with numpy and matplotlib (scipy for the throughput figure's
scipy row): cmake/install-deps.sh installs the Debian packages.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..', '..'))
DATA = os.path.join(HERE, 'data')

# name -> (build target, program path in the build tree, arguments before --csv).
# The arguments repeat each program's defaults so that the data do not change
# silently when a default does.
DETERMINISTIC = {
    'stable_density': ('stable_density_histogram', 'examples/stable_density_histogram',
                       ['1000000', '2026']),
    'tail_index': ('tail_index_accuracy', 'examples/tail_index_accuracy', ['100', '2019']),
    'escape_time': ('double_well_escape', 'examples/double_well_escape', ['2000', '2026']),
    'ackley_exit_axis': ('ackley_escape_axis', 'examples/ackley_escape_axis', ['1000', '2026']),
    # the default size (about 2 minutes on 2 cores): --reduced would show nothing
    'real_gradient_noise': ('real_gradient_noise', 'examples/real_gradient_noise',
                            ['--seed', '2026']),
}
THROUGHPUT_ALPHAS = ['0.5', '1', '1.5', '1.9']
REL_TOL = 1e-9
# name -> row kinds (first column) compared to REL_TOL of the largest |value|
# of their (kind, series) group and column (see the module docstring)
SCALED = {'real_gradient_noise': {'covariance'}}
# name -> (row kind, column) cells required only to be positive and
# finite, or null, in both files (see the module docstring)
UNSTABLE = {'real_gradient_noise': {('fit_sse', 'low'), ('fit_chi2', 'low')}}
# The SIMD instruction set the committed data were made with: the sampler's
# SIMD kernels round differently on another width (values agree to rounding,
# not bit for bit), and a study amplifies that into other paths, so --check
# compares only builds with the same instruction set (and exits 77, "skipped",
# on any other: CTest's SKIP_RETURN_CODE).
ARCH_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'simd_arch.txt')
SKIPPED = 77


def simd_arch(build_dir):
    prog = os.path.join(build_dir, 'examples', 'stable_density_histogram')
    return subprocess.run([prog, '--simd-arch'], capture_output=True, text=True,
                          check=True).stdout.strip()


def log(msg):
    print(msg, flush=True)


def build(build_dir, targets):
    cmd = ['cmake', '--build', build_dir, '-j2', '--target'] + sorted(set(targets))
    log('$ ' + ' '.join(cmd))
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def run_example(build_dir, name, out_csv):
    _, prog, args = DETERMINISTIC[name]
    cmd = [os.path.join(build_dir, prog)] + args + ['--csv', out_csv]
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    log('  %-18s %6.1f s  (%s)' % (name, time.time() - t0, ' '.join(cmd[:1] + args)))


# ---------------------------------------------------------------- throughput
def machine_name():
    try:
        out = subprocess.run(['lscpu'], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith('Model name:'):
                return line.split(':', 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or 'unknown'


def commit_id():
    try:
        c = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'],
                           capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(['git', '-C', ROOT, 'status', '--porcelain', '--untracked-files=no'],
                               capture_output=True, text=True, check=True).stdout.strip()
        return c + ('-dirty' if dirty else '')
    except (OSError, subprocess.CalledProcessError):
        return 'unknown'


def run_throughput(build_dir, out_csv):
    """bench_stable's beta = 0 rows (levysgd float/double, 1 and all threads, GSL)
    and scipy.stats.levy_stable.rvs timed here, in one run."""
    bench = os.path.join(build_dir, 'benchmarks', 'bench_stable')
    with tempfile.TemporaryDirectory() as tmp:
        js = os.path.join(tmp, 'bench.json')
        cmd = [bench,
               '--benchmark_filter=^(gsl/alpha:[^/]+/beta:0$|levysgd/(double|float)/alpha:[^/]+'
               '/beta:0/threads:(1|all)(/real_time)?$)',
               '--benchmark_min_time=0.3', '--benchmark_repetitions=3',
               '--benchmark_report_aggregates_only=true',
               '--benchmark_out=' + js, '--benchmark_out_format=json']
        t0 = time.time()
        load = os.getloadavg()[0] if hasattr(os, 'getloadavg') else float('nan')
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit('bench_stable failed:\n' + r.stderr)
        log('  %-18s %6.1f s  (bench_stable, beta = 0 rows, median of 3)' %
            ('bench_stable', time.time() - t0))
        with open(js) as f:
            report = json.load(f)
    rows = []
    for b in report['benchmarks']:
        if b.get('aggregate_name') != 'median':
            continue
        parts = b['run_name'].split('/')
        alpha = next(p for p in parts if p.startswith('alpha:')).split(':')[1]
        if parts[0] == 'gsl':
            impl, threads = 'GSL gsl_ran_levy (double, MT19937)', '1'
        else:
            impl = 'levysgd ' + parts[1]
            threads = 'all' if 'threads:all' in b['run_name'] else '1'
        rows.append((impl, threads, alpha, b['items_per_second']))
    try:
        import numpy as np
        from scipy.stats import levy_stable
        import scipy
        n = 1 << 20
        t0 = time.time()
        for a in THROUGHPUT_ALPHAS:
            rng = np.random.default_rng(2026)
            levy_stable.rvs(float(a), 0.0, size=1024, random_state=rng)  # warm-up
            best = min(_timed(lambda: levy_stable.rvs(float(a), 0.0, size=n, random_state=rng))
                       for _ in range(3))
            rows.append(('scipy %s levy_stable.rvs (double, PCG64)' % scipy.__version__, '1', a,
                         n / best))
        log('  %-18s %6.1f s  (2^20 draws, best of 3)' % ('scipy', time.time() - t0))
    except ImportError:
        log('  scipy not found: no scipy row (cmake/install-deps.sh)')
    meta = (machine_name(), commit_id(), datetime.date.today().isoformat(),
            os.cpu_count() or 0, '%.2f' % load)
    with open(out_csv, 'w', newline='') as f:
        w = csv.writer(f)
        w.writerow(['implementation', 'threads', 'alpha', 'samples_per_second', 'machine',
                    'logical_cpus', 'load_average_1min_before', 'commit', 'date'])
        for impl, threads, a, rate in rows:
            w.writerow([impl, threads, a, '%.6g' % rate, meta[0], meta[3], meta[4], meta[1], meta[2]])


def _timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


# ---------------------------------------------------------------- check mode
def read_csv(path):
    with open(path, newline='') as f:
        return list(csv.reader(f))


def is_int(s):
    return s.lstrip('-').isdigit()


def compare(name, committed, fresh):
    """Returns a list of difference lines (empty when the files agree)."""
    a, b = read_csv(committed), read_csv(fresh)
    diffs = []
    if a[:1] != b[:1]:
        return ['%s: header differs:\n    committed %s\n    fresh     %s' % (name, a[:1], b[:1])]
    if len(a) != len(b):
        diffs.append('%s: %d rows committed, %d fresh' % (name, len(a) - 1, len(b) - 1))
    header = a[0]
    scaled, unstable = SCALED.get(name, set()), UNSTABLE.get(name, set())
    scale = {}  # (kind, series, column) -> largest |value| in either file
    for r in a[1:] + b[1:]:
        if r and r[0] in scaled:
            for col, x in zip(header[2:], r[2:]):
                try:
                    key = (r[0], r[1], col)
                    scale[key] = max(scale.get(key, 0.0), abs(float(x)))
                except ValueError:
                    pass

    def positive(v):
        try:
            return 0 < float(v) < float('inf')
        except ValueError:
            return False

    for i, (ra, rb) in enumerate(zip(a[1:], b[1:]), start=2):
        for col, x, y in zip(header, ra, rb):
            if x == y:
                continue
            ok = False
            if (ra[0], col) in unstable and rb[:2] == ra[:2]:
                ok = positive(x) and positive(y)
            elif not (is_int(x) and is_int(y)):
                try:
                    fx, fy = float(x), float(y)
                    ref = max(abs(fx), abs(fy), scale.get((ra[0], ra[1], col), 0.0))
                    ok = abs(fx - fy) <= REL_TOL * ref
                except ValueError:
                    ok = False
            if not ok:
                diffs.append('%s line %d, %s: committed %s, fresh %s' % (name, i, col, x, y))
    return diffs


def check(build_dir, names):
    """Compares the data of `names` with the committed CSVs (targets already built)."""
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            fresh = os.path.join(tmp, name + '.csv')
            committed = os.path.join(DATA, name + '.csv')
            run_example(build_dir, name, fresh)
            if not os.path.exists(committed):
                log('FAIL %s: no committed %s' % (name, os.path.relpath(committed, ROOT)))
                failed += 1
                continue
            diffs = compare(name, committed, fresh)
            if diffs:
                failed += 1
                log('FAIL %s: %d difference(s)' % (name, len(diffs)))
                for d in diffs[:20]:
                    log('    ' + d)
                if len(diffs) > 20:
                    log('    ... %d more' % (len(diffs) - 20))
            else:
                log('ok   %s: %s reproduced (integers exact, other numbers to %g relative)' %
                    (name, os.path.relpath(committed, ROOT), REL_TOL))
    return 1 if failed else 0


# ---------------------------------------------------------------- plotting
def records(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def plot_stable_density(plt, path, png):
    rows = records(path)
    alphas = sorted({r['alpha'] for r in rows}, key=float)
    fig, axes = plt.subplots(1, len(alphas), figsize=(12, 3.4), sharey=True)
    for ax, a in zip(axes, alphas):
        rs = [r for r in rows if r['alpha'] == a]
        lo = [float(r['bin_low']) for r in rs]
        hi = [float(r['bin_high']) for r in rs]
        mid = [(l * h) ** 0.5 for l, h in zip(lo, hi)]
        dens = [float(r['sampled_density']) for r in rs]
        ax.plot(mid, [float(r['bin_mean_density']) for r in rs], '-', color='C0',
                label='law: 2 (F(b) - F(a)) / (b - a)')
        ax.plot(mid, [float(r['pdf_at_centre']) for r in rs], ':', color='k', lw=1,
                label='2 pdf(bin centre)')
        keep = [i for i, d in enumerate(dens) if d > 0]
        ax.plot([mid[i] for i in keep], [dens[i] for i in keep], 'o', ms=3, color='C3',
                label='sampled (%s draws)' % rs[0]['n'])
        ax.set_xscale('log')
        ax.set_yscale('log')
        ax.set_title('alpha = %s' % a)
        ax.set_xlabel('|x|')
    axes[0].set_ylabel('density of |x|')
    axes[0].legend(fontsize=7, loc='lower left')
    fig.suptitle('SaS(alpha), S1, scale 1: levysgd::sample against levysgd::cdf / pdf '
                 '(examples/stable_density_histogram)', fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def plot_tail_index(plt, path, png):
    rows = records(path)
    a = [float(r['alpha']) for r in rows]
    m = [float(r['mean']) for r in rows]
    sd = [float(r['sd']) for r in rows]
    fig, ax = plt.subplots(figsize=(5.2, 4.6))
    ax.plot([0, 2.05], [0, 2.05], '-', color='0.6', lw=1, label='alpha-hat = alpha')
    ax.errorbar(a, m, yerr=sd, fmt='o', ms=2.5, color='C0', elinewidth=0.8,
                label='mean +- sd over %s repetitions' % rows[0]['repetitions'])
    ax.fill_between(a, [float(r['min']) for r in rows], [float(r['max']) for r in rows],
                    color='C0', alpha=0.15, lw=0, label='min - max')
    ax.set_xlabel('true alpha')
    ax.set_ylabel('estimated alpha (Mohammadi, eq. 15)')
    ax.set_title('Simsekli et al. 2019 Fig. 3b: K1 = %s, K2 = %s' % (rows[0]['k1'], rows[0]['k2']),
                 fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def plot_escape_time(plt, path, png):
    rows = records(path)
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    style = {'brownian': ('C0', 'Brownian (simulated)'), 'levy': ('C3', 'Levy, alpha = 1.5 (simulated)')}
    for noise, (color, label) in style.items():
        rs = [r for r in rows if r['kind'] == 'sim' and r['noise'] == noise]
        e = [float(r['eps']) for r in rs]
        t = [float(r['mean_exit_time']) for r in rs]
        err = [[ti - float(r['low']) for ti, r in zip(t, rs)],
               [float(r['high']) - ti for ti, r in zip(t, rs)]]
        ax.errorbar(e, t, yerr=err, fmt='o', ms=4, color=color, capsize=2, label=label)
    theory = {'kramers': ('C0', 'Kramers, time to the saddle (Xie et al. 2021 Thm 3.1)'),
              'imkeller_pavlyukevich': ('C3', 'Imkeller-Pavlyukevich 1/q_1 (Simsekli et al. 2019 Thm 1)')}
    for noise, (color, label) in theory.items():
        rs = [r for r in rows if r['kind'] == 'theory' and r['noise'] == noise]
        ax.plot([float(r['eps']) for r in rs], [float(r['mean_exit_time']) for r in rs], '--',
                color=color, lw=1, label=label)
    ax.set_xscale('log')
    ax.set_yscale('log')
    ax.set_xlabel('noise scale eps')
    ax.set_ylabel('mean exit time from the narrow well')
    ax.set_title("f' = (x+1)(x+1/2)(x-2), from x = -1 to the saddle -1/2 "
                 "(examples/double_well_escape)", fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def plot_ackley(plt, path, png):
    rows = records(path)
    fig, ax = plt.subplots(figsize=(6.2, 4.6))
    alphas = sorted({r['alpha1'] for r in rows}, key=float)
    for k, a1 in enumerate(alphas):
        rs = [r for r in rows if r['alpha1'] == a1]
        d = [float(r['delta']) for r in rs]
        p = [float(r['p_x1']) for r in rs]
        err = [[pi - float(r['p_low']) for pi, r in zip(p, rs)],
               [float(r['p_high']) - pi for pi, r in zip(p, rs)]]
        off = (k - 1.5) * 0.006  # small horizontal offset so the intervals do not overlap
        ax.errorbar([x + off for x in d], p, yerr=err, fmt='o-', ms=4, capsize=2, color='C%d' % k,
                    label='alpha_1 = %s' % a1)
        ax.plot([x + off for x in d], [float(r['cor44_p_x1']) for r in rs], ':', color='C%d' % k,
                lw=1)
    ax.plot([0.5], [0.82], '*', ms=14, color='k', mfc='none',
            label='paper: alpha_1 = 0.55, Delta = 0.5, ~82 %')
    ax.plot([], [], ':', color='0.3', lw=1, label='first-jump law (Cor. 4.4)')
    ax.set_xlabel('Delta = alpha_2 - alpha_1')
    ax.set_ylabel('P(exit via x_1)')
    r0 = rows[0]
    ax.set_title('Battash & Lindenbaum 2023 Fig. 3: Ackley, eps = %g, R = %g, dt = %g, %s paths'
                 % (float(r0['eps']), float(r0['radius']), float(r0['dt']), r0['paths']),
                 fontsize=9)
    ax.legend(fontsize=7, loc='upper left')
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def plot_throughput(plt, path, png):
    rows = records(path)
    series = []
    for r in rows:
        key = (r['implementation'], r['threads'])
        if key not in series:
            series.append(key)
    alphas = sorted({r['alpha'] for r in rows}, key=float)
    fig, ax = plt.subplots(figsize=(7, 5.4))
    width = 0.8 / len(series)
    for k, (impl, threads) in enumerate(series):
        vals = []
        for a in alphas:
            v = [float(r['samples_per_second']) for r in rows
                 if r['implementation'] == impl and r['threads'] == threads and r['alpha'] == a]
            vals.append(v[0] / 1e6 if v else 0)
        xs = [i + (k - (len(series) - 1) / 2) * width for i in range(len(alphas))]
        label = impl + (', all threads' if threads == 'all' else ', 1 thread')
        ax.bar(xs, vals, width, label=label)
    ax.set_xticks(range(len(alphas)))
    ax.set_xticklabels(['alpha = %s' % a for a in alphas])
    ax.set_yscale('log')
    ax.set_ylabel('million samples / s (S1, beta = 0)')
    r0 = rows[0]
    ax.set_title('%s, %s logical CPUs\n(load average %s at the start); commit %s, %s' %
                 (r0['machine'], r0['logical_cpus'], r0['load_average_1min_before'], r0['commit'],
                  r0['date']), fontsize=8)
    ax.legend(fontsize=7, loc='upper center', bbox_to_anchor=(0.5, -0.08), ncol=2)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


def plot_real_gradient_noise(plt, path, png):
    rows = records(path)

    def sel(kind, series=None):
        return [r for r in rows if r['kind'] == kind and (series is None or r['series'] == series)]

    def f(r, k):
        return float('inf') if r[k] == 'null' else float(r[k])

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.4))
    # (a) per-parameter alpha, one histogram per layer, first and last checkpoint
    ax = axes[0][0]
    epochs = sorted({r['series'].split(':')[0] for r in sel('alpha_hist')},
                    key=lambda s: int(s[5:]))
    layers = []
    for r in sel('alpha_hist'):
        if r['series'].split(':')[1] not in layers:
            layers.append(r['series'].split(':')[1])
    for k, name in enumerate(layers):
        for e, style in ((epochs[0], ':'), (epochs[-1], '-')):
            rs = sel('alpha_hist', e + ':' + name)
            n = sum(f(r, 'value') for r in rs)
            ax.step([f(r, 'x') for r in rs], [f(r, 'value') / n / 0.05 for r in rs], style,
                    where='mid', color='C%d' % k,
                    label='%s, epoch %s' % (name, e[5:]) if style == '-' or k == 0 else None)
    ax.axvline(2, color='0.5', lw=0.8)
    ax.set_xlim(0.5, 3)
    ax.set_xlabel('alpha-hat per parameter (Mohammadi, K = 1024 minibatches)')
    ax.set_ylabel('density over the parameters of a layer')
    ax.set_title('(a) alpha differs from parameter to parameter and falls below 2 in training\n'
                 '(as Battash & Lindenbaum 2023 Fig. 2); dotted: epoch %s' % epochs[0][5:],
                 fontsize=9)
    ax.legend(fontsize=7)
    # (b) alpha against batch size
    ax = axes[0][1]
    for kind, color, label in (('batch_trained', 'C0', 'trained at B'),
                               ('batch_fixed_weights', 'C1', 'at the B = 32 weights')):
        med, q = sel(kind, 'median'), sel(kind, 'quartiles')
        x = [f(r, 'x') for r in med]
        y = [f(r, 'value') for r in med]
        ax.errorbar(x, y, yerr=[[yi - f(r, 'low') for yi, r in zip(y, med)],
                                [f(r, 'high') - yi for yi, r in zip(y, med)]],
                    fmt='o-', ms=4, capsize=2, color=color,
                    label='median per-parameter alpha, %s (95 %% CI)' % label)
        ax.fill_between(x, [f(r, 'low') for r in q], [f(r, 'high') for r in q], color=color,
                        alpha=0.12, lw=0)
        ax.plot(x, [f(r, 'value') for r in sel(kind, 'pooled')], 's--', ms=3, color=color,
                lw=0.8, label='pooled (Simsekli et al. 2019), %s' % label)
    ax.set_xscale('log', base=2)
    ax.axhline(2, color='0.5', lw=0.8)
    ax.set_xlabel('batch size B')
    ax.set_ylabel('alpha-hat')
    ax.set_title('(b) per-parameter alpha rises with B towards 2, the pooled one hardly\n'
                 '(Simsekli et al. 2019 Fig. 6: no rise, pooled); band: quartiles', fontsize=9)
    ax.legend(fontsize=7)
    # (c) alpha against width and depth
    ax = axes[1][0]
    for kind, color, marker in (('width', 'C2', 'o'), ('depth', 'C3', 'D')):
        med = sel(kind, 'median')
        x = [f(r, 'x') for r in med]
        y = [f(r, 'value') for r in med]
        xs = x if kind == 'width' else [16 * v for v in x]  # depth d drawn at 16 d
        ax.errorbar(xs, y, yerr=[[yi - f(r, 'low') for yi, r in zip(y, med)],
                                 [f(r, 'high') - yi for yi, r in zip(y, med)]],
                    fmt=marker + '-', ms=4, capsize=2, color=color,
                    label='median per-parameter alpha against %s%s' %
                    (kind, '' if kind == 'width' else ' (drawn at 16 x depth)'))
        ax.plot(xs, [f(r, 'value') for r in sel(kind, 'pooled')], marker + '--', ms=3, lw=0.8,
                color=color, mfc='none', label='pooled, against %s' % kind)
    ax.set_xscale('log', base=2)
    ax.set_xlabel('hidden width (2 layers); depth 1..4 at width 64')
    ax.set_ylabel('alpha-hat')
    ax.set_title('(c) per-parameter alpha falls slowly with width and depth\n'
                 '(as Simsekli et al. 2019 Fig. 4 on MNIST); the pooled one rises with width',
                 fontsize=9)
    ax.legend(fontsize=7)
    # (d) covariance against H/B in the Hessian eigenbasis
    ax = axes[1][1]
    for series, color in (('at_init', 'C7'), ('trained', 'C0')):
        pts = [(f(r, 'x'), f(r, 'value')) for r in sel('covariance', series)]
        top = max(x for x, _ in pts)
        # eigenvalues below 1e-7 of the largest are the softmax's null space
        # (rounding-level), as Xie et al. 2021 Fig. 2 shows only H in [1e-4, 0.5]
        pts = [(x, y) for x, y in pts if x > 1e-7 * top and y > 0]
        fit = sel('covariance_fit', series)[0]
        ax.loglog([p[0] for p in pts], [p[1] for p in pts], '.', ms=3, color=color,
                  label='%s: slope %.3f, Pearson %.3f' % (series.replace('_', ' '),
                                                          f(fit, 'value'), f(fit, 'low')))
    lim = ax.get_xlim()
    ax.plot(lim, lim, '-', color='0.5', lw=0.8, label='C = H/B (Xie et al. 2021 eq. 7)')
    ax.set_xlabel('eigenvalue of H / B (output layer, B = 32; those > 1e-7 of the largest)')
    ax.set_ylabel('q^T C q (noise covariance in the eigenvector q)')
    ax.set_title('(d) C follows H/B closely, but trained it lies below it\n'
                 '(Xie et al. 2021 eq. 7, Fig. 2: C = H/B near a minimum)', fontsize=9)
    ax.legend(fontsize=7)
    fig.suptitle('MLP 64-64 (ReLU) on the digits, SGD B = 32: examples/real_gradient_noise',
                 fontsize=10)
    fig.tight_layout()
    fig.savefig(png, dpi=100)


PLOTS = {
    'stable_density': plot_stable_density,
    'tail_index': plot_tail_index,
    'escape_time': plot_escape_time,
    'ackley_exit_axis': plot_ackley,
    'real_gradient_noise': plot_real_gradient_noise,
    'sampler_throughput': plot_throughput,
}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--build', default=os.path.join(ROOT, 'build', 'release'),
                    help='configured Release build tree (default build/release)')
    ap.add_argument('--check', action='store_true',
                    help='regenerate the deterministic data and compare with docs/images/data')
    ap.add_argument('--only', nargs='+', choices=sorted(PLOTS), help='only these figures')
    args = ap.parse_args()
    build_dir = os.path.abspath(args.build)
    if not os.path.exists(os.path.join(build_dir, 'CMakeCache.txt')):
        sys.exit('%s is not a configured build tree (cmake --preset release)' % build_dir)
    t0 = time.time()
    if args.check:
        names = [n for n in (args.only or DETERMINISTIC) if n in DETERMINISTIC]
        # One build for the programs and the one that reports the SIMD set.
        build(build_dir, [DETERMINISTIC[n][0] for n in names] + ['stable_density_histogram'])
        recorded = open(ARCH_FILE).read().strip() if os.path.exists(ARCH_FILE) else '?'
        here = simd_arch(build_dir)
        if here != recorded:
            log('skipped: the committed data were made with SIMD %s, this build uses %s'
                % (recorded, here))
            return SKIPPED
        rc = check(build_dir, names)
        log('%s in %.1f s' % ('mismatch' if rc else 'all data reproduced', time.time() - t0))
        return rc
    names = args.only or list(PLOTS)
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    targets = [DETERMINISTIC[n][0] for n in names if n in DETERMINISTIC]
    if 'sampler_throughput' in names:
        targets.append('bench_stable')
    build(build_dir, targets + ['stable_density_histogram'])
    os.makedirs(DATA, exist_ok=True)
    if any(n in DETERMINISTIC for n in names):
        with open(ARCH_FILE, 'w') as f:
            f.write(simd_arch(build_dir) + '\n')
    for name in names:
        out = os.path.join(DATA, name + '.csv')
        if name in DETERMINISTIC:
            run_example(build_dir, name, out)
        else:
            run_throughput(build_dir, out)
        png = os.path.join(HERE, name + '.png')
        PLOTS[name](plt, out, png)
        plt.close('all')
        log('  wrote %s, %s (%d KB)' % (os.path.relpath(out, ROOT), os.path.relpath(png, ROOT),
                                         os.path.getsize(png) // 1024))
    log('done in %.1f s' % (time.time() - t0))
    return 0


if __name__ == '__main__':
    sys.exit(main())
