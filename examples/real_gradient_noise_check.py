#!/usr/bin/env python3
"""Independent check of examples/real_gradient_noise (numpy only).

    build/release/examples/real_gradient_noise --json out.json --export-layer u.npy
    python3 examples/real_gradient_noise_check.py out.json u.npy

Recomputes, from the exported noise matrix U of one layer (minibatches x
parameters, at the last checkpoint), and compares with the example's JSON:
  - the Mohammadi estimate (Simsekli et al. 2019 eq. 15) of every parameter
    and the layer's pooled estimate;
  - the Gaussian half of the fit table (Battash & Lindenbaum 2023 Table 1):
    SSE and Chi^2 of the Gaussian fit, averaged over the same parameters
    (the SaS half needs a stable density, which numpy does not have);
  - for the output layer (--layer left at its default), the trace of the
    noise covariance C that the covariance comparison used (sum of its
    c_diag) against trace(U^T U) / K: the K minibatches are i.i.d., so
    U^T U / K estimates C = Sigma / B (Xie et al. 2021 eq. 7's C) without
    bias; they agree to sampling error (a few per cent), not to rounding. Zeros are left out before the
blocks are formed and blocks summing to 0 are dropped (bad_value_policy::skip), and K1 follows the library's
rule: the divisor of K closest to sqrt(K) when within [sqrt(K)/2, 2 sqrt(K)],
else floor(sqrt(K)) with the last K mod K1 values dropped. Exits 1 when an
alpha differs by more than 1e-9 relative, a fit error by more than 1e-6, or
the traces by more than 10 %.
"""
import json
import math
import sys

import numpy as np


def k1_rule(k):
    r = max(int(math.isqrt(k)), 1)
    lo = next(d for d in range(r, 0, -1) if k % d == 0)
    hi = k // lo
    s = math.sqrt(k)
    best = lo if s - lo <= hi - s else hi
    if best < s / 2 or best > 2 * s:
        best = r
    return best


def mohammadi_alpha(x):
    """1/alpha = (mean log|Y_i| - mean log|X_j|) / log K1 (eq. 15); a block
    summing to exactly 0 is left out with its values, as under skip."""
    x = x[x != 0]
    k1 = k1_rule(x.size)
    k2 = x.size // k1
    b = x[:k1 * k2].reshape(k2, k1)
    y = b.sum(axis=1)
    b, y = b[y != 0], y[y != 0]
    inv = (np.log(np.abs(y)).mean() - np.log(np.abs(b)).mean()) / np.log(k1)
    return 1 / inv if inv > 0 else math.inf


def sorted_quantile(s, p):
    """levysgd's sample quantile: order statistic i at (i - 1/2)/n, linear."""
    n = s.size
    pos = n * p + 0.5
    if pos <= 1:
        return s[0]
    if pos >= n:
        return s[-1]
    i = int(pos)
    return s[i - 1] + (pos - i) * (s[i] - s[i - 1])


def gauss_fit_errors(x, bins):
    """SSE and Chi^2 of the maximum-likelihood Gaussian against the histogram
    of x on its central 99 % (levysgd::stable_gaussian_gof's defaults)."""
    v = np.sort(x)
    n = v.size
    lo, hi = sorted_quantile(v, 0.005), sorted_quantile(v, 0.995)
    mean, sd = v.mean(), v.std()
    hw = (hi / 2 - lo / 2) / bins
    inside = v[(v >= lo) & (v <= hi)]
    k = np.minimum(bins - 1, ((inside / 2 - lo / 2) / hw).astype(np.int64))
    counts = np.bincount(k, minlength=bins).astype(float)
    dens = counts / n / 2 / hw
    off = (np.arange(bins) + 0.5) * hw
    mid = lo + off + off
    edges = lo + 2 * np.arange(bins + 1) * hw
    edges[-1] = hi
    pdf = np.exp(-((mid - mean) / sd) ** 2 / 2) / sd / math.sqrt(2 * math.pi)
    cdf = np.array([0.5 * math.erfc(-(e - mean) / sd / math.sqrt(2)) for e in edges])
    ccdf = np.array([0.5 * math.erfc((e - mean) / sd / math.sqrt(2)) for e in edges])
    # a bin's probability without cancellation: from the ccdf above the median
    upper = ccdf[:-1] <= 0.5
    below = cdf[1:] <= 0.5
    mass = np.where(upper, ccdf[:-1] - ccdf[1:],
                    np.where(below, cdf[1:] - cdf[:-1], (1 - cdf[:-1]) - ccdf[1:]))
    expct = n * np.maximum(mass, 0.0)
    ok = expct > 0
    return ((dens - pdf) ** 2).sum(), ((counts[ok] - expct[ok]) ** 2 / expct[ok]).sum()


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    u = np.load(sys.argv[2])
    layer_no = report['config']['exported_layer']
    layer = report['checkpoints'][-1]['noise']['layers'][layer_no]
    assert u.shape[1] == layer['parameters'], (u.shape, layer['parameters'])
    worst, compared, nulls = 0.0, 0, 0
    for j, a_json in enumerate(layer['alpha']):
        col = u[:, j]
        if a_json is None:  # no noise (fewer than 16 nonzero values), or alpha = inf
            if np.count_nonzero(col) >= 16:
                a = mohammadi_alpha(col)
                if math.isfinite(a):
                    print('parameter %d: JSON null, numpy %.6f' % (j, a))
                    return 1
            nulls += 1
            continue
        a = mohammadi_alpha(col)
        worst = max(worst, abs(a - a_json) / abs(a_json))
        compared += 1
    # the layer's pooled estimate: its live columns, rows concatenated
    live = [j for j in range(u.shape[1]) if np.count_nonzero(u[:, j]) >= 16]
    pooled = mohammadi_alpha(u[:, live].reshape(-1))
    p_json = layer['pooled']['alpha']
    p_err = 0.0 if (p_json is None and math.isinf(pooled)) else abs(pooled - p_json) / abs(p_json)
    print('layer %s: %d x %d noise matrix; %d per-parameter alpha compared (%d null), '
          'largest relative difference %.2e' % (layer['name'], u.shape[0], u.shape[1], compared,
                                                nulls, worst))
    print('pooled alpha: example %s, numpy %.15g, relative difference %.2e' %
          (p_json, pooled, p_err))
    ok = worst <= 1e-9 and p_err <= 1e-9

    # Gaussian fit errors over the parameters the example fitted: evenly
    # spaced among the live ones with a positive interquartile range
    fit = layer['fit']
    cols = [j for j in live
            if np.sort(u[:, j])[u.shape[0] // 4] < np.sort(u[:, j])[3 * u.shape[0] // 4]]
    n_fit = fit['parameters']
    chosen = [cols[i * len(cols) // n_fit] for i in range(n_fit)]
    errs = np.array([gauss_fit_errors(u[:, j], report['config']['gof_bins']) for j in chosen])
    sse, chi2 = errs.mean(axis=0)
    e_sse = abs(sse - fit['gauss_sse']) / fit['gauss_sse']
    e_chi2 = abs(chi2 - fit['gauss_chi2']) / fit['gauss_chi2']
    print('Gaussian fit, mean over %d parameters: SSE example %.10g, numpy %.10g (%.1e); '
          'Chi2 example %.10g, numpy %.10g (%.1e)' % (n_fit, fit['gauss_sse'], sse, e_sse,
                                                     fit['gauss_chi2'], chi2, e_chi2))
    ok = ok and e_sse <= 1e-6 and e_chi2 <= 1e-6

    cov = report['covariance']
    if layer['name'] == cov['layer'] and report['config']['batch'] == cov['batch']:
        t_example = sum(cov['trained']['c_diag'])
        t_numpy = (u * u).sum() / u.shape[0]
        e_t = abs(t_numpy - t_example) / t_example
        print('trace of the noise covariance C (output layer, B = %d): example %.6g, '
              'numpy from U %.6g (%.1f %%, sampling error of K = %d minibatches)'
              % (cov['batch'], t_example, t_numpy, 100 * e_t, u.shape[0]))
        ok = ok and e_t <= 0.10
    print('agreement' if ok else 'MISMATCH')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
